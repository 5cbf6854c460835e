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
 * whether they were written as integers, and the digits of integers beyond 2^53.
 *
 * The projected parse (foil_json_arena_parse_projected) gets every input too, with one of a
 * few projections: it must fail exactly when the whole parse fails, with the same message,
 * and its tree must be cJSON's with the items of the top-level "data" array cut down to the
 * projection's paths by the small filter below. */
#include "json/json_arena.h"
#include "json/json_projection.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
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

/* ---- projection reference ---------------------------------------------------- */

/* The projections tried, chosen by the input's length; short names, as the fuzzer writes. */
static const char *const projections[][4] = {
    {"id", "latest_decision.verdict", NULL},
    {"a", NULL},
    {"a.b", "c", "a.d.e", NULL},
    {"a.b", "a", NULL}, /* "a" takes in "a.b": the whole of a */
};
#define PROJECTIONS 4

/* A path of `paths` is `prefix` + name (1: keep whole), goes on below it (2), or neither. */
static int path_kind(const char *const *paths, const char *prefix, const char *name) {
    size_t pl = strlen(prefix), nl = strlen(name);
    int kind = 0;
    for (size_t i = 0; paths[i]; i++) {
        const char *p = paths[i];
        if (strncmp(p, prefix, pl) != 0 || strncmp(p + pl, name, nl) != 0) continue;
        if (p[pl + nl] == '\0') return 1;
        if (p[pl + nl] == '.') kind = 2;
    }
    return kind;
}

/* Cut an item (an object) down to the paths under `prefix`, in place. */
static void cut(cJSON *object, const char *const *paths, const char *prefix) {
    cJSON *m = object->child;
    while (m) {
        cJSON *next = m->next;
        int kind = path_kind(paths, prefix, m->string);
        if (kind == 0) {
            cJSON_Delete(cJSON_DetachItemViaPointer(object, m));
        } else if (kind == 2 && cJSON_IsObject(m)) {
            size_t n = strlen(prefix) + strlen(m->string) + 2;
            char *deeper = malloc(n);
            if (!deeper) abort();
            snprintf(deeper, n, "%s%s.", prefix, m->string);
            cut(m, paths, deeper);
            free(deeper);
        }
        m = next;
    }
}

/* cJSON's tree as the projected parse must build it. */
static void project(cJSON *root, const char *const *paths) {
    if (!cJSON_IsObject(root)) return;
    cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "data");
    if (!cJSON_IsArray(items)) return;
    for (cJSON *e = items->child; e; e = e->next)
        if (cJSON_IsObject(e)) cut(e, paths, "");
}

static char *paths_json(const char *const *paths) {
    cJSON *list = cJSON_CreateArray();
    for (size_t i = 0; list && paths[i]; i++)
        cJSON_AddItemToArray(list, cJSON_CreateString(paths[i]));
    char *text = list ? cJSON_PrintUnformatted(list) : NULL;
    if (!text) abort();
    cJSON_Delete(list);
    return text;
}

/* The projected parse against the whole one (st, message: its outcome; reference: cJSON's
 * tree when the whole parse accepted). */
static void check_projected(const char *exact, size_t size, foil_status_t st, const char *message,
                            const cJSON *reference) {
    const char *const *paths = projections[size % PROJECTIONS];
    char *list = paths_json(paths);
    foil_json_projection_t *projection = NULL;
    if (foil_json_projection_new(list, &projection) != FOIL_OK) abort();
    free(list);
    foil_json_arena_t *arena = NULL;
    cJSON *tree = NULL;
    foil_status_t pst = foil_json_arena_parse_projected(exact, size, projection, &arena, &tree);
    if (pst != st) abort();
    if (pst != FOIL_OK && strcmp(foil_error_message(foil_last_error()), message) != 0) abort();
    if (pst == FOIL_OK) {
        cJSON *expected = cJSON_Duplicate(reference, 1);
        if (!expected) abort();
        project(expected, paths);
        if (!same_tree(tree, expected)) abort();
        cJSON_Delete(expected);
    }
    foil_json_arena_free(arena, false);
    foil_json_projection_free(projection);
}

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
    char message[256] = "";
    if (!accepted) snprintf(message, sizeof message, "%s", foil_error_message(foil_last_error()));

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
    if (st != FOIL_E_NOMEM) check_projected(exact, size, st, message, reference);
    cJSON_Delete(reference);
    foil_json_arena_free(arena, size & 1); /* both ways of freeing */
    free(exact);
    free(terminated);
    return 0;
}
