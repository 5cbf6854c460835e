/* Arena-backed JSON parser: one pass over the text, nodes and strings bump-allocated. */
#include "json_arena.h"

#include "json_projection.h"
#include "json_tree.h"

#include <limits.h>
#include <locale.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ---- arena ------------------------------------------------------------------
 * Nodes are taken from the bottom of the current block upwards (all the same size, so
 * they stay aligned), strings from the top downwards (no alignment needed). */

typedef struct arena_block {
    struct arena_block *prev;
    size_t size;
    unsigned char data[];
} arena_block;

_Static_assert(offsetof(arena_block, data) % _Alignof(cJSON) == 0, "node alignment");
_Static_assert(sizeof(cJSON) % _Alignof(cJSON) == 0, "node alignment");

struct foil_json_arena {
    arena_block *blocks; /* newest first */
    unsigned char *low;  /* next node */
    unsigned char *high; /* end of the free space; strings below it are taken */
    size_t next_size;
};

#define ARENA_MIN_BLOCK ((size_t)4096)
#define ARENA_MAX_BLOCK ((size_t)8 << 20)

static bool arena_grow(foil_json_arena_t *a, size_t need) {
    size_t size = a->next_size > need ? a->next_size : need;
    if (size > SIZE_MAX - sizeof(arena_block)) return false;
    arena_block *b = malloc(sizeof *b + size);
    if (!b) return false;
    b->prev = a->blocks;
    b->size = size;
    a->blocks = b;
    a->low = b->data;
    a->high = b->data + size;
    if (a->next_size < ARENA_MAX_BLOCK) a->next_size *= 2;
    return true;
}

/* The last freed first block, kept for the next parse. A walk frees one page's arena while
 * it parses the next: handing ~300 KB back to malloc each time made it trim the heap and grow
 * it again (a brk and fresh page faults per page, ~15% of a Python walk's time). One block
 * for the whole process, at most ARENA_SPARE_MAX; a first block is allocated with a quarter
 * more room than asked, so the next page of a walk fits in it. */
#define ARENA_SPARE_MAX ((size_t)2 << 20)
static _Atomic(arena_block *) arena_spare;

/* The first block of a new arena: the spare when it fits (and is not more than four times
 * too big), else a new one. */
static bool arena_start(foil_json_arena_t *a, size_t size) {
    arena_block *b = atomic_exchange(&arena_spare, NULL);
    if (b && (b->size < size || b->size / 4 > size)) {
        b = atomic_exchange(&arena_spare, b); /* keep it for a document it fits */
        free(b);                              /* another thread's, freed meanwhile */
        b = NULL;
    }
    if (!b) {
        a->next_size = size <= ARENA_SPARE_MAX ? size + size / 4 : size;
        return arena_grow(a, size);
    }
    b->prev = NULL;
    a->blocks = b;
    a->low = b->data;
    a->high = b->data + b->size;
    a->next_size = b->size < ARENA_MAX_BLOCK ? b->size * 2 : b->size;
    return true;
}

/* Keep `b` as the spare unless the spare is at least as big; returns the block to free. */
static arena_block *arena_keep(arena_block *b) {
    arena_block *kept = atomic_load(&arena_spare);
    if (kept && kept->size >= b->size) return b;
    return atomic_exchange(&arena_spare, b);
}

/* Hot helpers of the parse loop, inlined whatever the compiler's size heuristics say. */
#if defined(__GNUC__)
#define HOT_INLINE static inline __attribute__((always_inline))
#else
#define HOT_INLINE static inline
#endif

HOT_INLINE cJSON *arena_node(foil_json_arena_t *a) {
    if ((size_t)(a->high - a->low) < sizeof(cJSON) && !arena_grow(a, sizeof(cJSON))) return NULL;
    cJSON *node = (cJSON *)(void *)a->low;
    a->low += sizeof(cJSON);
    memset(node, 0, sizeof *node);
    return node;
}

HOT_INLINE char *arena_bytes(foil_json_arena_t *a, size_t n) {
    if ((size_t)(a->high - a->low) < n && !arena_grow(a, n)) return NULL;
    a->high -= n;
    return (char *)a->high;
}

void foil_json_arena_free(foil_json_arena_t *a, bool wipe) {
    if (!a) return;
    for (arena_block *b = a->blocks, *prev; b; b = prev) {
        prev = b->prev;
        if (wipe) sodium_memzero(b->data, b->size);
        if (!prev && b->size <= ARENA_SPARE_MAX) b = arena_keep(b);
        free(b);
    }
    free(a);
}

/* ---- lexing ----------------------------------------------------------------- */

struct key_set;

/* An open container. Objects also track their member names, to refuse a name given twice:
 * readers that keep the first and readers that keep the last would otherwise see different
 * documents (how a signed value gets swapped). `names` has one bit per member name, from
 * its length and first byte: a name whose bit is clear is new without looking further; a set
 * bit costs a walk over the earlier members. An object found wider than SMALL_OBJECT members
 * on such a walk puts every name into `set`, a hash set, so a wide object stays linear. */
typedef struct frame {
    cJSON *container; /* NULL in a skipped value: nothing is built */
    uint64_t names;
    struct key_set *set;
    int mode; /* what the members or elements become: see "projected parse" */
    bool object;
    size_t span_base; /* names kept as spans (projected and skipped objects): from here */
} frame;

#define SMALL_OBJECT 32
#define STACK_FRAMES 64 /* deeper documents move the frames to the heap */

typedef struct parser {
    const unsigned char *end;
    foil_json_arena_t *arena;
    bool nomem;
    const char *why;      /* a refusal more precise than "not valid JSON", or NULL */
    frame *heap_frames;   /* the frames once deeper than STACK_FRAMES */
    struct key_set *sets; /* the sets of open objects, innermost first */
    const foil_json_projection_t *projection; /* NULL: every value is built */
    struct name_span *spans; /* member names of the open projected and skipped objects */
    size_t span_count, span_cap;
} parser;

static const unsigned char *skip_space(const unsigned char *p, const unsigned char *end) {
    if (p == end || *p > ' ') return p; /* compact JSON: no whitespace at all */
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
    return p;
}

static bool is_digit(unsigned char c) {
    return c >= '0' && c <= '9';
}

#if defined(__SSE2__)
/* Bit i set when byte i of v ends a plain run inside a string: '"', '\\' or <= 0x1F. */
static inline unsigned stop_mask16(__m128i v) {
    __m128i hit = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
        _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v));
    return (unsigned)_mm_movemask_epi8(hit);
}
#endif

/* First byte in [p, end) that ends a plain run inside a string: '"', '\\' or a control
 * character; `end` when there is none. 16 or 8 bytes at a time where the target allows. */
static const unsigned char *string_stop(const unsigned char *p, const unsigned char *end) {
#if defined(__SSE2__)
    while (end - p >= 16) {
        unsigned mask = stop_mask16(_mm_loadu_si128((const __m128i *)(const void *)p));
        if (mask) return p + __builtin_ctz(mask);
        p += 16;
    }
#endif
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    while (end - p >= 8) {
        uint64_t w;
        memcpy(&w, p, sizeof w);
        uint64_t quote = w ^ (ones * '"'), slash = w ^ (ones * '\\');
        /* Per byte: zero (quote, slash) or below 0x20. Borrows can only flag bytes above
         * the first real hit, so the lowest flag is exact. */
        uint64_t hit =
            (((quote - ones) & ~quote) | ((slash - ones) & ~slash) | ((w - ones * 0x20) & ~w)) &
            highs;
        if (hit) return p + (__builtin_ctzll(hit) >> 3);
        p += 8;
    }
#endif
    while (p < end && *p != '"' && *p != '\\' && *p >= 0x20)
        p++;
    return p;
}

/* The length of the UTF-8 sequence starting with the byte >= 0x80 at p, 0 when it is not a
 * valid one (overlong, a surrogate, above U+10FFFF, cut short). */
static size_t utf8_sequence(const unsigned char *p, const unsigned char *end) {
    unsigned char c = *p;
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    if ((size_t)(end - p) < n || p[1] < lo || p[1] > hi) return 0;
    for (size_t i = 2; i < n; i++)
        if ((p[i] & 0xC0) != 0x80) return 0;
    return n;
}

bool foil_utf8_valid(const unsigned char *p, const unsigned char *end) {
    while (p < end) {
        if (*p < 0x80) {
            p++;
            continue;
        }
        size_t n = utf8_sequence(p, end);
        if (!n) return false;
        p += n;
    }
    return true;
}

/* foil_utf8_valid for a whole document: runs of ASCII (all of most API responses) 64 or 16
 * bytes at a time where the target allows, 8 otherwise. Outside strings the grammar admits
 * only ASCII, and escapes are ASCII that decode to whole sequences, so a document that
 * parses is valid UTF-8 exactly when every string in it decodes to valid UTF-8: checking
 * the text once replaces checking each string. */
static bool text_utf8_valid(const unsigned char *p, const unsigned char *end) {
    while (p < end) {
#if defined(__SSE2__)
        if (end - p >= 64) {
            __m128i any = _mm_or_si128(
                _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)p),
                             _mm_loadu_si128((const __m128i *)(const void *)(p + 16))),
                _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(p + 32)),
                             _mm_loadu_si128((const __m128i *)(const void *)(p + 48))));
            if (!_mm_movemask_epi8(any)) {
                p += 64;
                continue;
            }
        }
        if (end - p >= 16 &&
            !_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(const void *)p))) {
            p += 16;
            continue;
        }
#else
        if (end - p >= 8) {
            uint64_t w;
            memcpy(&w, p, sizeof w);
            if (!(w & 0x8080808080808080u)) {
                p += 8;
                continue;
            }
        }
#endif
        if (*p < 0x80) {
            p++;
            continue;
        }
        size_t n = utf8_sequence(p, end);
        if (!n) return false;
        p += n;
    }
    return true;
}

static int hex4(const unsigned char *p) {
    int v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = p[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0) return -1;
        v = v << 4 | d;
    }
    return v;
}

/* Decode one \u escape (a surrogate pair takes two) at p, before `stop`, into *w.
 * Returns the escape's length, 0 when invalid (cJSON's rules: a lone or reversed
 * surrogate is an error; unlike cJSON, \u0000 is refused: a C string would end there,
 * silently cutting the value). */
static size_t unicode_escape(const unsigned char *p, const unsigned char *stop, unsigned char **w) {
    if (stop - p < 6) return 0;
    int first = hex4(p + 2);
    if (first <= 0 || (first >= 0xDC00 && first <= 0xDFFF)) return 0;
    unsigned long cp = (unsigned long)first;
    size_t used = 6;
    if (first >= 0xD800 && first <= 0xDBFF) {
        if (stop - p < 12 || p[6] != '\\' || p[7] != 'u') return 0;
        int second = hex4(p + 8);
        if (second < 0xDC00 || second > 0xDFFF) return 0;
        cp = 0x10000 + (((cp & 0x3FF) << 10) | ((unsigned long)second & 0x3FF));
        used = 12;
    }
    unsigned char *o = *w;
    if (cp < 0x80) {
        *o++ = (unsigned char)cp;
    } else if (cp < 0x800) {
        *o++ = (unsigned char)(0xC0 | cp >> 6);
        *o++ = (unsigned char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *o++ = (unsigned char)(0xE0 | cp >> 12);
        *o++ = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        *o++ = (unsigned char)(0x80 | (cp & 0x3F));
    } else {
        *o++ = (unsigned char)(0xF0 | cp >> 18);
        *o++ = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
        *o++ = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        *o++ = (unsigned char)(0x80 | (cp & 0x3F));
    }
    *w = o;
    return used;
}

/* Decode the escapes of a string whose raw body is [p, stop) into w (room for
 * stop - p bytes: no escape grows). Returns the end of the output, NULL when invalid. */
static unsigned char *decode_escapes(parser *ps, const unsigned char *p, const unsigned char *stop,
                                     unsigned char *w) {
    while (p < stop) {
        if (*p != '\\') {
            const unsigned char *run = memchr(p, '\\', (size_t)(stop - p));
            size_t n = (size_t)((run ? run : stop) - p);
            memcpy(w, p, n);
            w += n;
            p += n;
            continue;
        }
        static const unsigned char simple[256] = {
            ['"'] = '"',  ['\\'] = '\\', ['/'] = '/',  ['b'] = '\b',
            ['f'] = '\f', ['n'] = '\n',  ['r'] = '\r', ['t'] = '\t'};
        unsigned char c = p[1]; /* the scan made sure a byte follows every backslash */
        if (simple[c]) {
            *w++ = simple[c];
            p += 2;
        } else if (c == 'u') {
            size_t used = unicode_escape(p, stop, &w);
            if (!used) {
                if (stop - p >= 6 && hex4(p + 2) == 0)
                    ps->why = "a string holds \\u0000 (NUL), which would cut it short";
                return NULL;
            }
            p += used;
        } else {
            return NULL;
        }
    }
    return w;
}

/* memcpy for the short strings JSON is mostly made of, without a call: two overlapping
 * 8- or 4-byte moves stay inside [dst, dst + n). */
static inline void copy_short(char *dst, const unsigned char *src, size_t n) {
    if (n >= 8 && n <= 16) {
        uint64_t a, b;
        memcpy(&a, src, 8);
        memcpy(&b, src + n - 8, 8);
        memcpy(dst, &a, 8);
        memcpy(dst + n - 8, &b, 8);
    } else if (n >= 4 && n < 8) {
        uint32_t a, b;
        memcpy(&a, src, 4);
        memcpy(&b, src + n - 4, 4);
        memcpy(dst, &a, 4);
        memcpy(dst + n - 4, &b, 4);
    } else if (n < 4) {
        for (size_t i = 0; i < n; i++)
            dst[i] = (char)src[i];
    } else {
        memcpy(dst, src, n);
    }
}

/* The rest of a string that is not plain (escapes, or no closing quote): [start, p) is
 * plain, p is at the first backslash, control character or end. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static const unsigned char *
parse_escaped(parser *ps, const unsigned char *start, const unsigned char *p, char **out,
              size_t *len) {
    const unsigned char *end = ps->end;
    /* Escapes: find the closing quote first, to size the output. */
    const unsigned char *q = p;
    for (;;) {
        if (q >= end || *q < 0x20) return NULL;
        if (*q == '"') break;
        if (end - q < 2) return NULL; /* backslash at the very end */
        q = string_stop(q + 2, end);
    }
    unsigned char *s = (unsigned char *)arena_bytes(ps->arena, (size_t)(q - start) + 1);
    if (!s) {
        ps->nomem = true;
        return NULL;
    }
    memcpy(s, start, (size_t)(p - start));
    unsigned char *w = decode_escapes(ps, p, q, s + (p - start));
    if (!w) return NULL;
    *w = '\0';
    *out = (char *)s;
    *len = (size_t)(w - s);
    return q + 1;
}

/* Where a string body starting at p (after its opening quote) stops being plain: at its
 * closing quote when there is nothing to decode. */
HOT_INLINE const unsigned char *plain_end(parser *ps, const unsigned char *p) {
    const unsigned char *end = ps->end;
#if defined(__SSE2__)
    /* Most strings (keys, ids, timestamps) end within 32 bytes: find that end here, without
     * a call; longer ones go on in string_stop. */
    const unsigned char *scan = p;
    if (end - scan >= 32) { /* two blocks, written out: compilers at -O2 keep a loop */
        unsigned mask = stop_mask16(_mm_loadu_si128((const __m128i *)(const void *)scan));
        if (mask) return scan + __builtin_ctz(mask);
        mask = stop_mask16(_mm_loadu_si128((const __m128i *)(const void *)(scan + 16)));
        if (mask) return scan + 16 + __builtin_ctz(mask);
        scan += 32;
    }
    return string_stop(scan, end);
#else
    return string_stop(p, end);
#endif
}

/* A string body starting after its opening quote. Returns the position after the closing
 * quote and the decoded, NUL-terminated copy in *out (its length in *len); NULL when invalid
 * or out of memory (ps->nomem tells which). */
HOT_INLINE const unsigned char *parse_string(parser *ps, const unsigned char *p, char **out,
                                             size_t *len) {
    const unsigned char *start = p, *end = ps->end;
    p = plain_end(ps, p);
    if (p < end && *p == '"') { /* the common case: nothing to decode */
        size_t n = (size_t)(p - start);
        char *s = arena_bytes(ps->arena, n + 1);
        if (!s) {
            ps->nomem = true;
            return NULL;
        }
        copy_short(s, start, n);
        s[n] = '\0';
        *out = s;
        *len = n;
        return p + 1;
    }
    return parse_escaped(ps, start, p, out, len);
}

/* parse_string for a string nothing is built from (a skipped value, a member name looked up
 * in the projection): the same checks, but a plain string is left in the text. *out is its
 * decoded form, [*out, *out + *len): in the text (not terminated, *copied false) or, when it
 * had escapes, a NUL-terminated copy in the arena. */
HOT_INLINE const unsigned char *skim_string(parser *ps, const unsigned char *p, const char **out,
                                            size_t *len, bool *copied) {
    const unsigned char *start = p, *end = ps->end;
    p = plain_end(ps, p);
    if (p < end && *p == '"') {
        *out = (const char *)start;
        *len = (size_t)(p - start);
        *copied = false;
        return p + 1;
    }
    char *decoded = NULL;
    p = parse_escaped(ps, start, p, &decoded, len);
    *out = decoded;
    *copied = true;
    return p;
}

/* Powers of ten that doubles hold exactly. */
static const double exact_pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* The value of a valid number text as cJSON computes it: strtod, with '.' replaced by the
 * locale's decimal point. False when out of memory or strtod stops early. */
static bool number_by_strtod(parser *ps, const unsigned char *start, size_t len, double *out) {
    char small[64];
    char *buf = len < sizeof small ? small : malloc(len + 1);
    if (!buf) {
        ps->nomem = true;
        return false;
    }
    char point = localeconv()->decimal_point[0];
    for (size_t i = 0; i < len; i++)
        buf[i] = start[i] == '.' ? point : (char)start[i];
    buf[len] = '\0';
    char *after = NULL;
    *out = strtod(buf, &after);
    bool whole = after == buf + len;
    if (buf != small) free(buf);
    return whole;
}

/* A number per RFC 8259 into node. Returns the position after it, NULL when invalid. */
static const unsigned char *parse_number(parser *ps, const unsigned char *p, cJSON *node) {
    const unsigned char *start = p, *end = ps->end;
    bool negative = *p == '-';
    if (negative) p++;
    if (p == end || !is_digit(*p)) return NULL;
    /* Up to 19 significant digits fit the mantissa exactly; more go to strtod. */
    uint64_t mantissa = 0;
    int digits = 0, exp10 = 0;
    bool exact = true;
    if (*p == '0') {
        p++;
    } else {
        for (; p < end && is_digit(*p); p++) {
            if (digits < 19) {
                mantissa = mantissa * 10 + (uint64_t)(*p - '0');
                digits++;
            } else {
                exact = false;
            }
        }
    }
    bool fraction = p < end && *p == '.';
    if (fraction) {
        p++;
        if (p == end || !is_digit(*p)) return NULL;
        for (; p < end && is_digit(*p); p++) {
            if (mantissa == 0 && *p == '0') {
                exp10--; /* leading zeros of the fraction are not significant */
            } else if (digits < 19) {
                mantissa = mantissa * 10 + (uint64_t)(*p - '0');
                digits++;
                exp10--;
            } else {
                exact = false;
            }
        }
    }
    bool exponent = p < end && (*p == 'e' || *p == 'E');
    if (exponent) {
        p++;
        bool exp_negative = false;
        if (p < end && (*p == '+' || *p == '-')) exp_negative = *p++ == '-';
        if (p == end || !is_digit(*p)) return NULL;
        int e = 0;
        for (; p < end && is_digit(*p); p++)
            if (e < 100000) e = e * 10 + (*p - '0');
        exp10 += exp_negative ? -e : e;
    }
    bool integer = !fraction && !exponent;
    double value;
    if (exact && mantissa == 0) {
        value = negative ? -0.0 : 0.0;
    } else if (exact && mantissa <= (uint64_t)1 << 53 && exp10 >= -22 && exp10 <= 22) {
        /* Both operands exact, one correctly rounded operation: strtod's result. */
        value = (double)mantissa;
        value = exp10 < 0 ? value / exact_pow10[-exp10] : value * exact_pow10[exp10];
        if (negative) value = -value;
    } else if (!number_by_strtod(ps, start, (size_t)(p - start), &value)) {
        return NULL;
    }
    node->type = cJSON_Number | (integer ? FOIL_JSON_INTEGER_TEXT : FOIL_JSON_DECIMAL_TEXT);
    if (integer && (!exact || mantissa > (uint64_t)1 << 53)) {
        /* A double cannot hold it: keep its digits for the readers that can. */
        size_t n = (size_t)(p - start);
        char *digits_text = arena_bytes(ps->arena, n + 1);
        if (!digits_text) {
            ps->nomem = true;
            return NULL;
        }
        memcpy(digits_text, start, n);
        digits_text[n] = '\0';
        node->valuestring = digits_text;
    }
    node->valuedouble = value;
    /* cJSON saturates valueint */
    node->valueint = value >= INT_MAX ? INT_MAX : value <= (double)INT_MIN ? INT_MIN : (int)value;
    return p;
}

/* parse_number's grammar without the value, for a skipped number: the position after it,
 * NULL when invalid (exactly when parse_number refuses it). */
HOT_INLINE const unsigned char *skip_number(const unsigned char *p, const unsigned char *end) {
    if (*p == '-') p++;
    if (p == end || !is_digit(*p)) return NULL;
    if (*p == '0')
        p++;
    else
        while (p < end && is_digit(*p))
            p++;
    if (p < end && *p == '.') {
        if (++p == end || !is_digit(*p)) return NULL;
        while (p < end && is_digit(*p))
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-')) p++;
        if (p == end || !is_digit(*p)) return NULL;
        while (p < end && is_digit(*p))
            p++;
    }
    return p;
}

HOT_INLINE bool literal(const unsigned char *p, const unsigned char *end, const char *word,
                        size_t len) {
    return (size_t)(end - p) >= len && memcmp(p, word, len) == 0;
}

/* Append a fresh node to a container, keeping cJSON's links: first child's prev is the
 * last child (itself when alone), so appending finds the tail in O(1). */
HOT_INLINE cJSON *append_child(parser *ps, cJSON *container) {
    cJSON *node = arena_node(ps->arena);
    if (!node) {
        ps->nomem = true;
        return NULL;
    }
    cJSON *head = container->child;
    if (!head) {
        container->child = node;
        node->prev = node;
    } else {
        head->prev->next = node;
        node->prev = head->prev;
        head->prev = node;
    }
    return node;
}

/* ---- member names -------------------------------------------------------------- */

typedef struct named {
    uint64_t hash;
    const char *name; /* not terminated when it is a span of the text */
    size_t len;
} named;

/* The member names of one wide object. SipHash with a random key: names chosen to collide
 * cannot make it quadratic. */
typedef struct key_set {
    struct key_set *outer; /* the set of an enclosing object, or NULL */
    unsigned char key[crypto_shorthash_KEYBYTES];
    size_t mask; /* slots - 1 */
    size_t used;
    named *slots;
} key_set;

static uint64_t name_hash(const key_set *set, const char *name, size_t len) {
    unsigned char h[crypto_shorthash_BYTES];
    crypto_shorthash(h, (const unsigned char *)name, len, set->key);
    uint64_t v;
    memcpy(&v, h, sizeof v);
    return v;
}

/* 1 when added, 0 when the name is there already, -1 out of memory. */
static int set_add(key_set *set, const char *name, size_t len) {
    if (set->used + 1 > (set->mask + 1) / 2) {
        size_t size = (set->mask + 1) * 2;
        named *slots = calloc(size, sizeof *slots);
        if (!slots) return -1;
        for (size_t i = 0; i <= set->mask; i++) {
            if (!set->slots[i].name) continue;
            size_t j = set->slots[i].hash & (size - 1);
            while (slots[j].name)
                j = (j + 1) & (size - 1);
            slots[j] = set->slots[i];
        }
        free(set->slots);
        set->slots = slots;
        set->mask = size - 1;
    }
    uint64_t hash = name_hash(set, name, len);
    size_t j = hash & set->mask;
    for (; set->slots[j].name; j = (j + 1) & set->mask)
        if (set->slots[j].hash == hash && set->slots[j].len == len &&
            memcmp(set->slots[j].name, name, len) == 0)
            return 0;
    set->slots[j] = (named){hash, name, len};
    set->used++;
    return 1;
}

static void set_free(key_set *set) {
    free(set->slots);
    free(set);
}

/* The innermost open set is the object being closed: objects nest. */
static void close_set(parser *ps) {
    key_set *set = ps->sets;
    ps->sets = set->outer;
    set_free(set);
}

static bool refuse_twice(parser *ps) {
    ps->why = "an object has two members with the same name";
    return false;
}

/* A set for the names of f's object, from now on; NULL out of memory. */
static key_set *wide_set(parser *ps, frame *f) {
    key_set *set = malloc(sizeof *set);
    named *slots = calloc(4 * SMALL_OBJECT, sizeof *slots);
    if (!set || !slots) {
        free(set);
        free(slots);
        ps->nomem = true;
        return NULL;
    }
    *set = (key_set){.outer = ps->sets, .mask = 4 * SMALL_OBJECT - 1, .slots = slots};
    randombytes_buf(set->key, sizeof set->key);
    ps->sets = f->set = set;
    f->names = ~(uint64_t)0;
    return set;
}

/* The name of `node` (the newest member of f's object) may have been given before: compare
 * it with the earlier members, or, in a wide object, look it up in the object's set. */
static bool name_is_new_slow(parser *ps, frame *f, const cJSON *node) {
    if (!f->set) {
        size_t earlier = 0;
        const cJSON *m = f->container->child;
        for (; m != node && earlier < SMALL_OBJECT; m = m->next, earlier++)
            if (strcmp(m->string, node->string) == 0) return refuse_twice(ps);
        if (m == node) return true;
        /* Wide: every name from now on goes through a set of them all. */
        key_set *set = wide_set(ps, f);
        if (!set) return false;
        for (m = f->container->child; m != node; m = m->next) /* distinct already */
            if (set_add(set, m->string, strlen(m->string)) < 0) {
                ps->nomem = true;
                return false;
            }
    }
    int added = set_add(f->set, node->string, strlen(node->string));
    if (added < 0) ps->nomem = true;
    return added > 0 || (added == 0 && refuse_twice(ps));
}

/* False when the name of `node`, just added to f's object, was given before (or memory ran
 * out). The common case costs a multiply and a bit test. */
HOT_INLINE bool name_is_new(parser *ps, frame *f, const cJSON *node, size_t len) {
    uint64_t sketch = (uint64_t)len << 8 | (unsigned char)node->string[0];
    uint64_t bit = (uint64_t)1 << ((sketch * 0x9E3779B97F4A7C15u) >> 58);
    if (!(f->names & bit)) {
        f->names |= bit;
        return true;
    }
    return name_is_new_slow(ps, f, node);
}

/* The names of an object whose members are not all built (projected or skipped): spans of
 * the text (or of the arena, for names with escapes), from the frame's span_base on. */
typedef struct name_span {
    const char *name;
    size_t len;
} name_span;

static bool grow_spans(parser *ps) {
    size_t cap = ps->span_cap ? ps->span_cap * 2 : 64;
    name_span *grown = realloc(ps->spans, cap * sizeof *grown);
    if (!grown) {
        ps->nomem = true;
        return false;
    }
    ps->spans = grown;
    ps->span_cap = cap;
    return true;
}

HOT_INLINE bool push_span(parser *ps, const char *name, size_t len) {
    if (ps->span_count == ps->span_cap && !grow_spans(ps)) return false;
    ps->spans[ps->span_count++] = (name_span){name, len};
    return true;
}

/* name_is_new_slow for spans: the same rule (a walk over up to SMALL_OBJECT earlier names,
 * then a set), so the projected parse refuses exactly what the whole parse refuses. */
static bool span_is_new_slow(parser *ps, frame *f, const char *name, size_t len) {
    if (!f->set) {
        size_t earlier = ps->span_count - f->span_base;
        if (earlier <= SMALL_OBJECT) {
            for (size_t i = f->span_base; i < ps->span_count; i++)
                if (ps->spans[i].len == len && memcmp(ps->spans[i].name, name, len) == 0)
                    return refuse_twice(ps);
            return push_span(ps, name, len);
        }
        key_set *set = wide_set(ps, f);
        if (!set) return false;
        for (size_t i = f->span_base; i < ps->span_count; i++) /* distinct already */
            if (set_add(set, ps->spans[i].name, ps->spans[i].len) < 0) {
                ps->nomem = true;
                return false;
            }
    }
    int added = set_add(f->set, name, len);
    if (added < 0) ps->nomem = true;
    return (added > 0 && push_span(ps, name, len)) || (added == 0 && refuse_twice(ps));
}

/* name_is_new for a member name kept as a span (its foil_json_name_bit given); the span is
 * recorded. */
HOT_INLINE bool span_is_new(parser *ps, frame *f, const char *name, size_t len, uint64_t bit) {
    if (!(f->names & bit)) {
        f->names |= bit;
        return push_span(ps, name, len);
    }
    return span_is_new_slow(ps, f, name, len);
}

/* Move the open frames to the heap, for documents nested deeper than the stack holds. */
static frame *heap_frames(parser *ps, const frame *stack) {
    ps->heap_frames = malloc(FOIL_JSON_NESTING_LIMIT * sizeof *ps->heap_frames);
    if (!ps->heap_frames) {
        ps->nomem = true;
        return NULL;
    }
    memcpy(ps->heap_frames, stack, STACK_FRAMES * sizeof *stack);
    return ps->heap_frames;
}

/* ---- the parser --------------------------------------------------------------
 * Iterative: `open` holds the containers being filled, so the C stack stays flat.
 *
 * Projected parse: every byte goes through the same checks, but only the members a
 * projection names are built in the items of the top-level "data" array; a member it does
 * not name is skipped (the skip_ labels: the same checks, nothing built, no projection).
 * What the members or elements of an open container become is its frame's mode: */
enum {
    MODE_ALL = -1,  /* built whole */
    MODE_SKIP = -2, /* checked, nothing built */
    MODE_ROOT = -3, /* the document of a projected parse: its "data" member is MODE_DATA */
    MODE_DATA = -4, /* an array's elements are items, projected from the projection's root */
    /* >= 0: an object keeping only the members below that projection node */
};

/* The mode of a container opened for a value of `mode`. */
static int container_mode(int mode, bool object) {
    if (mode == MODE_ROOT) return object ? MODE_ROOT : MODE_ALL;
    if (mode == MODE_DATA) return object ? MODE_ALL : MODE_DATA;
    if (mode >= 0 && !object) return MODE_ALL; /* an array on a path: kept whole */
    return mode;
}

/* The mode of an element of an array opened in `mode`. */
static int element_mode(int mode) {
    return mode == MODE_DATA ? FOIL_JSON_PROJECTION_ROOT : mode;
}

/* Open a container at depth: false when nested too deeply or out of memory. */
HOT_INLINE bool open_frame(parser *ps, frame **open, frame *stack_frames, size_t *depth, frame f) {
    if (*depth >= FOIL_JSON_NESTING_LIMIT) return false;
    if (*depth == STACK_FRAMES && *open == stack_frames && !(*open = heap_frames(ps, *open)))
        return false;
    (*open)[(*depth)++] = f;
    return true;
}

static const unsigned char *parse_document(parser *ps, const unsigned char *p, cJSON *root) {
    const unsigned char *end = ps->end;
    frame stack_frames[STACK_FRAMES];
    frame *open = stack_frames;
    size_t depth = 0;
    cJSON *node = root; /* the node the next value fills */
    int mode = ps->projection ? MODE_ROOT : MODE_ALL;
    const char *name;
    size_t len;
    bool copied;

value:
    p = skip_space(p, end);
    if (p == end) return NULL;
    switch (*p) {
    case '{':
    case '[': {
        bool object = *p == '{';
        node->type = object ? cJSON_Object : cJSON_Array;
        mode = container_mode(mode, object);
        if (!open_frame(ps, &open, stack_frames, &depth,
                        (frame){.container = node,
                                .mode = mode,
                                .object = object,
                                .span_base = ps->span_count}))
            return NULL;
        p = skip_space(p + 1, end);
        if (p == end) return NULL;
        if (*p == (object ? '}' : ']')) {
            p++;
            depth--;
            goto next;
        }
        if (object) goto member;
        if (!(node = append_child(ps, node))) return NULL;
        mode = element_mode(mode);
        goto value;
    }
    case '"':
        if (!(p = parse_string(ps, p + 1, &node->valuestring, &len))) return NULL;
        node->type = cJSON_String;
        goto next;
    case 't':
        if (!literal(p, end, "true", 4)) return NULL;
        node->type = cJSON_True;
        node->valueint = 1; /* as cJSON sets it */
        p += 4;
        goto next;
    case 'f':
        if (!literal(p, end, "false", 5)) return NULL;
        node->type = cJSON_False;
        p += 5;
        goto next;
    case 'n':
        if (!literal(p, end, "null", 4)) return NULL;
        node->type = cJSON_NULL;
        p += 4;
        goto next;
    default:
        if (*p != '-' && !is_digit(*p)) return NULL;
        if (!(p = parse_number(ps, p, node))) return NULL;
        goto next;
    }

member: /* p is at the key's opening quote (whitespace skipped) */
    if (*p != '"') return NULL;
    {
        frame *f = &open[depth - 1];
        if (f->mode < 0) { /* MODE_ALL or MODE_ROOT */
            if (!(node = append_child(ps, f->container))) return NULL;
            if (!(p = parse_string(ps, p + 1, &node->string, &len))) return NULL;
            if (!name_is_new(ps, f, node, len)) return NULL;
            mode = f->mode == MODE_ROOT && len == 4 && memcmp(node->string, "data", 4) == 0
                       ? MODE_DATA
                       : MODE_ALL;
        } else {
            /* projected: the name is looked up before anything is built */
            if (!(p = skim_string(ps, p + 1, &name, &len, &copied))) return NULL;
            uint64_t bit = foil_json_name_bit(name, len);
            if (!span_is_new(ps, f, name, len, bit)) return NULL;
            int kept = foil_json_projection_child(ps->projection, f->mode, name, len, bit);
            p = skip_space(p, end);
            if (p == end || *p != ':') return NULL;
            p++;
            if (kept < 0) goto skip_value;
            if (!(node = append_child(ps, f->container))) return NULL;
            if (copied) {
                node->string = (char *)(uintptr_t)name; /* decoded into the arena */
            } else {
                if (!(node->string = arena_bytes(ps->arena, len + 1))) {
                    ps->nomem = true;
                    return NULL;
                }
                copy_short(node->string, (const unsigned char *)name, len);
                node->string[len] = '\0';
            }
            mode = foil_json_projection_whole(ps->projection, kept) ? MODE_ALL : kept;
            goto value;
        }
    }
    p = skip_space(p, end);
    if (p == end || *p != ':') return NULL;
    p++;
    goto value;

next: /* a value is complete: a separator, a close, or the end of the text */
    p = skip_space(p, end);
    if (depth == 0) return p;
    if (p == end) return NULL;
next_token : {
    frame *f = &open[depth - 1];
    if (*p == ',') {
        p = skip_space(p + 1, end);
        if (p == end) return NULL;
        if (f->object) goto member;
        if (!(node = append_child(ps, f->container))) return NULL;
        mode = element_mode(f->mode);
        goto value;
    }
    if (*p != (f->object ? '}' : ']')) return NULL;
    if (f->set) close_set(ps);
    ps->span_count = f->span_base;
    p++;
    depth--;
    goto next;
}

skip_value: /* a value nothing is built from, inside a projected object */
    p = skip_space(p, end);
    if (p == end) return NULL;
    switch (*p) {
    case '{':
    case '[': {
        bool object = *p == '{';
        if (!open_frame(ps, &open, stack_frames, &depth,
                        (frame){.mode = MODE_SKIP, .object = object, .span_base = ps->span_count}))
            return NULL;
        p = skip_space(p + 1, end);
        if (p == end) return NULL;
        if (*p == (object ? '}' : ']')) {
            p++;
            depth--;
            goto skip_next;
        }
        if (object) goto skip_member;
        goto skip_value;
    }
    case '"':
        if (!(p = skim_string(ps, p + 1, &name, &len, &copied))) return NULL;
        goto skip_next;
    case 't':
        if (!literal(p, end, "true", 4)) return NULL;
        p += 4;
        goto skip_next;
    case 'f':
        if (!literal(p, end, "false", 5)) return NULL;
        p += 5;
        goto skip_next;
    case 'n':
        if (!literal(p, end, "null", 4)) return NULL;
        p += 4;
        goto skip_next;
    default:
        if (*p != '-' && !is_digit(*p)) return NULL;
        if (!(p = skip_number(p, end))) return NULL;
        goto skip_next;
    }

skip_member: /* p is at the key's opening quote, in a skipped object */
    if (*p != '"') return NULL;
    if (!(p = skim_string(ps, p + 1, &name, &len, &copied))) return NULL;
    if (!span_is_new(ps, &open[depth - 1], name, len, foil_json_name_bit(name, len))) return NULL;
    p = skip_space(p, end);
    if (p == end || *p != ':') return NULL;
    p++;
    goto skip_value;

skip_next: /* a skipped value is complete; it is always inside a container */
    p = skip_space(p, end);
    if (p == end) return NULL;
    {
        frame *f = &open[depth - 1];
        if (f->mode != MODE_SKIP) goto next_token; /* back in the projected object */
        if (*p == ',') {
            p = skip_space(p + 1, end);
            if (p == end) return NULL;
            if (f->object) goto skip_member;
            goto skip_value;
        }
        if (*p != (f->object ? '}' : ']')) return NULL;
        if (f->set) close_set(ps);
        ps->span_count = f->span_base;
        p++;
        depth--;
        goto skip_next;
    }
}

/* The parse behind foil_json_arena_parse and its projected form. */
static foil_status_t parse(const char *text, size_t len, const foil_json_projection_t *projection,
                           foil_json_arena_t **arena, cJSON **root) {
    if (arena) *arena = NULL;
    if (root) *root = NULL;
    if (!arena)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "arena", "must not be NULL", NULL, NULL);
    if (!root)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "root", "must not be NULL", NULL, NULL);
    if (!text)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "text", "must not be NULL", NULL, NULL);
    if (len == 0) return foil_fail(FOIL_E_PROTOCOL, "empty JSON text");

    foil_json_arena_t *a = calloc(1, sizeof *a);
    if (!a) return foil_fail_nomem();
    /* Typical responses need about four bytes of nodes and strings per byte of text:
     * size the first block for that, so most documents take one block (a projection keeps
     * less: a quarter of that to start with). */
    size_t want = projection ? len + len / 4 : len * 5;
    size_t first = len < ARENA_MAX_BLOCK / 5 ? want : ARENA_MAX_BLOCK;
    bool started = arena_start(a, first > ARENA_MIN_BLOCK ? first : ARENA_MIN_BLOCK);

    parser ps = {.end = (const unsigned char *)text + len, .arena = a, .projection = projection};
    const unsigned char *p = (const unsigned char *)text;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3; /* cJSON skips a BOM */
    cJSON *tree = started ? arena_node(a) : NULL;
    const unsigned char *after = NULL;
    if (tree && !text_utf8_valid(p, ps.end))
        ps.why = "the text is not valid UTF-8";
    else if (tree)
        after = parse_document(&ps, p, tree);
    while (ps.sets) /* objects left open by a refusal */
        close_set(&ps);
    free(ps.heap_frames);
    free(ps.spans);
    if (after != ps.end) {
        /* The text may be a secret-bearing response: never leave parts of it behind. */
        foil_json_arena_free(a, true);
        if (!tree || ps.nomem) return foil_fail_nomem();
        if (ps.why) return foil_fail(FOIL_E_PROTOCOL, "not valid JSON: %s", ps.why);
        return foil_fail(FOIL_E_PROTOCOL, "not valid JSON");
    }
    *arena = a;
    *root = tree;
    return FOIL_OK;
}

foil_status_t foil_json_arena_parse(const char *text, size_t len, foil_json_arena_t **arena,
                                    cJSON **root) {
    return parse(text, len, NULL, arena, root);
}

foil_status_t foil_json_arena_parse_projected(const char *text, size_t len,
                                              const foil_json_projection_t *projection,
                                              foil_json_arena_t **arena, cJSON **root) {
    return parse(text, len, projection, arena, root);
}

foil_status_t foil_json_text_check(const char *text, size_t len) {
    foil_json_arena_t *arena = NULL;
    cJSON *root = NULL;
    foil_status_t st = foil_json_arena_parse(text, len, &arena, &root);
    foil_json_arena_free(arena, true);
    return st;
}

foil_status_t foil_json_tree_parse(const char *text, size_t len, cJSON **out) {
    *out = NULL;
    foil_json_arena_t *arena = NULL;
    cJSON *root = NULL;
    foil_status_t st = foil_json_arena_parse(text, len, &arena, &root);
    /* cJSON_Duplicate copies the type bits and a number's valuestring too. */
    if (st == FOIL_OK && !(*out = cJSON_Duplicate(root, true))) st = foil_fail_nomem();
    foil_json_arena_free(arena, true);
    return st;
}

foil_status_t foil_json_text_check_field(const char *text, const char *field) {
    foil_status_t st = foil_json_text_check(text, strlen(text));
    if (st != FOIL_E_PROTOCOL) return st;
    char issue[200]; /* "is not valid JSON: <reason>", never quoting the text */
    snprintf(issue, sizeof issue, "is %s", foil_error_message(foil_last_error()));
    return foil_fail_field(FOIL_E_VALIDATION, field, issue, "object", NULL);
}
