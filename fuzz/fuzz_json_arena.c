/* Differential fuzzing of the arena JSON parser against cJSON 1.7.15.
 *
 * For every input: the arena parser accepts exactly what a small, independent strict
 * RFC 8259 validator below accepts (with cJSON's nesting limit of 1000 levels and an
 * optional leading UTF-8 BOM); whatever it accepts cJSON accepts too,
 * with the same tree down to the bits of every double, valueint and the prev links.
 * cJSON also accepts some invalid text the arena parser rejects on purpose (see
 * core/src/json/json_arena.h), among them strings that are not UTF-8 and the escape \u0000:
 * only there may the two disagree, and the validator must then reject the input as well.
 * The arena parser also refuses objects that name a member twice (cJSON keeps both): it must
 * refuse exactly the valid inputs whose cJSON tree has such an object. Its numbers carry
 * whether they were written as integers, and the digits of integers beyond 2^53. */
#include "json/json_arena.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- independent strict validator ----------------------------------------- */

typedef struct {
    const unsigned char *p, *end;
} cursor;

static void ws(cursor *c) {
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static int is_hex(unsigned char ch) {
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

static unsigned hex_at(const unsigned char *p) {
    unsigned v = 0;
    for (int i = 0; i < 4; i++)
        v = v * 16 + (unsigned)(p[i] <= '9' ? p[i] - '0' : (p[i] | 0x20) - 'a' + 10);
    return v;
}

static int u_escape(cursor *c, unsigned *out) { /* c->p at the backslash of \uXXXX */
    if (c->end - c->p < 6 || c->p[0] != '\\' || c->p[1] != 'u') return 0;
    for (int i = 2; i < 6; i++)
        if (!is_hex(c->p[i])) return 0;
    *out = hex_at(c->p + 2);
    c->p += 6;
    return 1;
}

/* One UTF-8 sequence at c->p (first byte >= 0x80), decoded and range-checked. */
static int utf8_seq(cursor *c) {
    unsigned char b = *c->p;
    int n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
    if (n == 0 || b >= 0xF8 || c->end - c->p < n) return 0;
    unsigned long cp = b & (0x7F >> n);
    for (int i = 1; i < n; i++) {
        if ((c->p[i] & 0xC0) != 0x80) return 0;
        cp = cp << 6 | (c->p[i] & 0x3F);
    }
    static const unsigned long least[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    c->p += n;
    return 1;
}

static int string_ok(cursor *c) { /* c->p at the opening quote */
    c->p++;
    while (c->p < c->end) {
        unsigned char ch = *c->p;
        if (ch == '"') {
            c->p++;
            return 1;
        }
        if (ch < 0x20) return 0;
        if (ch >= 0x80) {
            if (!utf8_seq(c)) return 0;
            continue;
        }
        if (ch != '\\') {
            c->p++;
            continue;
        }
        if (c->end - c->p < 2) return 0;
        if (c->p[1] && strchr("\"\\/bfnrt", c->p[1])) {
            c->p += 2;
            continue;
        }
        unsigned u, low;
        if (!u_escape(c, &u)) return 0;
        if (u == 0) return 0;                     /* \u0000 would cut the C string */
        if (u >= 0xDC00 && u <= 0xDFFF) return 0; /* lone low surrogate */
        if (u >= 0xD800 && u <= 0xDBFF && (!u_escape(c, &low) || low < 0xDC00 || low > 0xDFFF))
            return 0;
    }
    return 0;
}

static int digits(cursor *c) {
    const unsigned char *start = c->p;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
        c->p++;
    return c->p > start;
}

static int number_ok(cursor *c) {
    if (*c->p == '-') c->p++;
    if (c->p < c->end && *c->p == '0')
        c->p++;
    else if (!digits(c))
        return 0;
    if (c->p < c->end && *c->p == '.') {
        c->p++;
        if (!digits(c)) return 0;
    }
    if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
        c->p++;
        if (c->p < c->end && (*c->p == '+' || *c->p == '-')) c->p++;
        if (!digits(c)) return 0;
    }
    return 1;
}

static int word(cursor *c, const char *w) {
    size_t n = strlen(w);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n) != 0) return 0;
    c->p += n;
    return 1;
}

static int value_ok(cursor *c, int depth) {
    ws(c);
    if (c->p == c->end) return 0;
    switch (*c->p) {
    case '"':
        return string_ok(c);
    case 't':
        return word(c, "true");
    case 'f':
        return word(c, "false");
    case 'n':
        return word(c, "null");
    case '[':
    case '{': {
        if (depth >= 1000) return 0;
        int object = *c->p == '{';
        c->p++;
        ws(c);
        if (c->p < c->end && *c->p == (object ? '}' : ']')) {
            c->p++;
            return 1;
        }
        for (;;) {
            if (object) {
                ws(c);
                if (c->p == c->end || *c->p != '"' || !string_ok(c)) return 0;
                ws(c);
                if (c->p == c->end || *c->p != ':') return 0;
                c->p++;
            }
            if (!value_ok(c, depth + 1)) return 0;
            ws(c);
            if (c->p == c->end) return 0;
            if (*c->p == ',') {
                c->p++;
                continue;
            }
            if (*c->p != (object ? '}' : ']')) return 0;
            c->p++;
            return 1;
        }
    }
    default:
        if (*c->p == '-' || (*c->p >= '0' && *c->p <= '9')) return number_ok(c);
        return 0;
    }
}

static int strict_valid(const uint8_t *data, size_t size) {
    cursor c = {data, data + size};
    if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) c.p += 3;
    if (!value_ok(&c, 0)) return 0;
    ws(&c);
    return c.p == c.end;
}

/* ---- tree comparison --------------------------------------------------------- */

static int same_bits(double a, double b) {
    return memcmp(&a, &b, sizeof a) == 0;
}

static int same_text(const char *a, const char *b) {
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* An arena number's own fields: one of the two flags; the digits of an integer beyond 2^53
 * (and only of those), which read back as the same double. */
static int number_fields_ok(const cJSON *a) {
    int integer = (a->type & FOIL_JSON_INTEGER_TEXT) != 0;
    if (integer == ((a->type & FOIL_JSON_DECIMAL_TEXT) != 0)) return 0;
    if (!a->valuestring) return !integer || fabs(a->valuedouble) <= 9007199254740992.0;
    if (!integer || strpbrk(a->valuestring, ".eE")) return 0;
    const char *digits = a->valuestring + (a->valuestring[0] == '-');
    size_t n = strlen(digits);
    if (n < 16 || (n == 16 && strcmp(digits, "9007199254740992") <= 0)) return 0; /* <= 2^53 */
    return same_bits(strtod(a->valuestring, NULL), a->valuedouble);
}

/* Every field cJSON's parser sets, and the sibling links, recursively (a: the arena's). */
static int same_tree(const cJSON *a, const cJSON *b) {
    int number = cJSON_IsNumber(a);
    int flags = FOIL_JSON_INTEGER_TEXT | FOIL_JSON_DECIMAL_TEXT;
    if ((a->type & ~flags) != b->type || (number && !number_fields_ok(a)) ||
        a->valueint != b->valueint || !same_bits(a->valuedouble, b->valuedouble) ||
        !same_text(a->string, b->string) ||
        !same_text(number ? NULL : a->valuestring, b->valuestring))
        return 0;
    const cJSON *x = a->child, *y = b->child;
    if (!x != !y) return 0;
    if (!x) return 1;
    /* cJSON's links: prev is the previous sibling, except the first's: the last. */
    const cJSON *first = x, *last = NULL;
    for (; x && y; x = x->next, y = y->next) {
        if (!same_tree(x, y) || (x != first && x->prev != last)) return 0;
        last = x;
    }
    return !x && !y && first->prev == last;
}

static int by_name(const void *x, const void *y) {
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Some object in cJSON's tree names a member twice (names sorted, neighbours compared). */
static int has_name_twice(const cJSON *node) {
    if (cJSON_IsObject(node) && node->child) {
        size_t n = 0;
        for (const cJSON *c = node->child; c; c = c->next)
            n++;
        const char **names = malloc(n * sizeof *names);
        if (!names) abort();
        n = 0;
        for (const cJSON *c = node->child; c; c = c->next)
            names[n++] = c->string;
        qsort(names, n, sizeof *names, by_name);
        int twice = 0;
        for (size_t i = 1; i < n && !twice; i++)
            twice = strcmp(names[i - 1], names[i]) == 0;
        free(names);
        if (twice) return 1;
    }
    for (const cJSON *c = node->child; c; c = c->next)
        if (has_name_twice(c)) return 1;
    return 0;
}

/* Containers nested in `node`, counting it; stops counting at `cap`. */
static int depth_capped(const cJSON *node, int cap) {
    if (cap == 0 || !node->child) return 0;
    int deepest = 0;
    for (const cJSON *c = node->child; c; c = c->next) {
        int d = depth_capped(c, cap - 1);
        if (d > deepest) deepest = d;
    }
    return deepest + 1;
}

/* cJSON_Compare checks objects both ways at every level: 2^depth work. */
#define COMPARE_MAX_DEPTH 12

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* The arena parser gets exactly `size` bytes in their own allocation, so ASan catches
     * any read past the end. */
    char *exact = malloc(size ? size : 1);
    char *terminated = malloc(size + 1);
    if (!exact || !terminated) abort();
    if (size) memcpy(exact, data, size);
    memcpy(terminated, data, size);
    terminated[size] = '\0';

    foil_json_arena_t *arena = NULL;
    cJSON *tree = NULL;
    foil_status_t st = foil_json_arena_parse(exact, size, &arena, &tree);
    if (st != FOIL_OK && st != FOIL_E_PROTOCOL) abort();
    int accepted = st == FOIL_OK;

    /* cJSON_Parse's mode: the whole text, nothing but whitespace after the value. */
    cJSON *reference = cJSON_ParseWithLengthOpts(terminated, size + 1, NULL, 1);
    int valid = strict_valid(data, size);
    if (valid && !reference) abort();
    if (accepted != (valid && !has_name_twice(reference))) abort();
    if (accepted) {
        if (!reference) abort();
        if (!same_tree(tree, reference)) abort();
        /* cJSON_Compare finds object members by key, so it calls even two identical trees
         * different when a key repeats: ask only for the verdict cJSON gives its own copy. */
        cJSON *copy = cJSON_Duplicate(reference, 1);
        if (!copy) abort();
        if (depth_capped(reference, COMPARE_MAX_DEPTH + 1) <= COMPARE_MAX_DEPTH &&
            cJSON_Compare(tree, reference, 1) != cJSON_Compare(copy, reference, 1))
            abort();
        cJSON_Delete(copy);
    }
    cJSON_Delete(reference);
    foil_json_arena_free(arena, size & 1); /* both ways of freeing */
    free(exact);
    free(terminated);
    return 0;
}
