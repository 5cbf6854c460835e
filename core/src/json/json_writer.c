/* The JSON writer (foil/json_writer.h): native values -> compact JSON text, for bindings; and
 * the core's printer of cJSON trees (json_tree.h), numbers exact. */
#include "json_tree.h"

#include "json_arena.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct foil_json_writer {
    char *buf;
    size_t len, cap;
    /* Open containers, innermost last: 'o' object, 'a' array. */
    char open[FOIL_JSON_MAX_DEPTH];
    size_t depth;
    bool need_comma; /* the current container already holds a member or element */
    bool after_key;  /* in an object, a key was written: its value comes next */
    bool done;       /* the top-level value is complete */
};

static foil_status_t misuse(const char *issue) {
    return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "json_writer", issue, NULL, NULL);
}

/* Room for n more bytes and a NUL. A grown buffer is a new one: the old is wiped. */
static foil_status_t reserve(foil_json_writer_t *w, size_t n) {
    if (n < w->cap - w->len) return FOIL_OK;
    size_t cap = w->cap ? w->cap : 256;
    while (n >= cap - w->len) {
        if (cap > SIZE_MAX / 2) return foil_fail_nomem();
        cap *= 2;
    }
    char *grown = malloc(cap);
    if (!grown) return foil_fail_nomem();
    if (w->buf) {
        memcpy(grown, w->buf, w->len);
        sodium_memzero(w->buf, w->cap);
        free(w->buf);
    }
    w->buf = grown;
    w->cap = cap;
    return FOIL_OK;
}

static void put(foil_json_writer_t *w, const char *s, size_t n) {
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->buf[w->len] = '\0';
}

/* Before a value: a key must not be due, and a separator may be. */
static foil_status_t value_slot(foil_json_writer_t *w) {
    if (w->done) return misuse("already holds a whole value");
    if (w->depth && w->open[w->depth - 1] == 'o' && !w->after_key)
        return misuse("needs a key before a value in an object");
    foil_status_t st = reserve(w, 1);
    if (st == FOIL_OK && w->need_comma && !w->after_key) put(w, ",", 1);
    return st;
}

/* After a value. */
static void value_written(foil_json_writer_t *w) {
    w->after_key = false;
    if (w->depth)
        w->need_comma = true;
    else
        w->done = true;
}

/* A scalar's text, written whole or not at all. */
static foil_status_t scalar(foil_json_writer_t *w, const char *text, size_t n) {
    size_t mark = w->len;
    foil_status_t st = value_slot(w);
    if (st == FOIL_OK) st = reserve(w, n);
    if (st != FOIL_OK) {
        w->len = mark;
        return st;
    }
    put(w, text, n);
    value_written(w);
    return FOIL_OK;
}

/* A quoted string, escaped. `check_utf8`: refuse bytes that are not UTF-8 (a tree's strings
 * are written as they are, as cJSON prints them). */
static foil_status_t quoted(foil_json_writer_t *w, const char *s, size_t n, bool check_utf8) {
    static const char hex[] = "0123456789abcdef";
    if (n && !s) return misuse("was given a NULL string");
    if (check_utf8 && n && !foil_utf8_valid((const unsigned char *)s, (const unsigned char *)s + n))
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "string", "is not valid UTF-8",
                               "UTF-8 text", NULL);
    /* Worst case: every byte a \u00XX escape. */
    if (n > (SIZE_MAX - 2) / 6) return foil_fail_nomem();
    foil_status_t st = reserve(w, 6 * n + 2);
    if (st != FOIL_OK) return st;
    char *p = w->buf + w->len;
    *p++ = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') {
            *p++ = (char)c;
            continue;
        }
        *p++ = '\\';
        switch (c) {
        case '"':
            *p++ = '"';
            break;
        case '\\':
            *p++ = '\\';
            break;
        case '\n':
            *p++ = 'n';
            break;
        case '\r':
            *p++ = 'r';
            break;
        case '\t':
            *p++ = 't';
            break;
        case '\b':
            *p++ = 'b';
            break;
        case '\f':
            *p++ = 'f';
            break;
        default:
            memcpy(p, "u00", 3);
            p[3] = hex[c >> 4];
            p[4] = hex[c & 15];
            p += 5;
        }
    }
    *p++ = '"';
    *p = '\0';
    w->len = (size_t)(p - w->buf);
    return FOIL_OK;
}

foil_status_t foil_json_writer_new(foil_json_writer_t **out) {
    if (!out)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "out", "must not be NULL", NULL, NULL);
    *out = calloc(1, sizeof **out);
    return *out ? FOIL_OK : foil_fail_nomem();
}

void foil_json_writer_reset(foil_json_writer_t *w) {
    if (!w) return;
    if (w->buf) sodium_memzero(w->buf, w->cap);
    w->len = 0;
    w->depth = 0;
    w->need_comma = w->after_key = w->done = false;
}

void foil_json_writer_free(foil_json_writer_t *w) {
    if (!w) return;
    foil_json_writer_reset(w);
    free(w->buf);
    free(w);
}

static foil_status_t begin(foil_json_writer_t *w, char kind) {
    if (!w) return misuse("must not be NULL");
    if (w->depth == FOIL_JSON_MAX_DEPTH)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "json_writer", "is nested too deeply",
                               "at most 1000 levels", NULL);
    size_t mark = w->len;
    foil_status_t st = value_slot(w);
    if (st == FOIL_OK) st = reserve(w, 1);
    if (st != FOIL_OK) {
        w->len = mark;
        return st;
    }
    put(w, kind == 'o' ? "{" : "[", 1);
    w->open[w->depth++] = kind;
    w->need_comma = w->after_key = false;
    return FOIL_OK;
}

static foil_status_t end(foil_json_writer_t *w, char kind) {
    if (!w) return misuse("must not be NULL");
    if (!w->depth || w->open[w->depth - 1] != kind)
        return misuse(kind == 'o' ? "has no object to end" : "has no array to end");
    if (w->after_key) return misuse("needs the value of the last key");
    foil_status_t st = reserve(w, 1);
    if (st != FOIL_OK) return st;
    put(w, kind == 'o' ? "}" : "]", 1);
    w->depth--;
    value_written(w);
    return FOIL_OK;
}

foil_status_t foil_json_writer_begin_object(foil_json_writer_t *w) {
    return begin(w, 'o');
}
foil_status_t foil_json_writer_end_object(foil_json_writer_t *w) {
    return end(w, 'o');
}
foil_status_t foil_json_writer_begin_array(foil_json_writer_t *w) {
    return begin(w, 'a');
}
foil_status_t foil_json_writer_end_array(foil_json_writer_t *w) {
    return end(w, 'a');
}

static foil_status_t key_text(foil_json_writer_t *w, const char *key, size_t len, bool check_utf8) {
    if (!w->depth || w->open[w->depth - 1] != 'o') return misuse("has no object for a key");
    if (w->after_key) return misuse("needs the value of the last key");
    size_t mark = w->len;
    foil_status_t st = reserve(w, 2);
    if (st == FOIL_OK && w->need_comma) put(w, ",", 1);
    if (st == FOIL_OK) st = quoted(w, key, len, check_utf8);
    if (st == FOIL_OK) st = reserve(w, 1);
    if (st != FOIL_OK) {
        w->len = mark;
        if (w->buf) w->buf[mark] = '\0';
        return st;
    }
    put(w, ":", 1);
    w->after_key = true;
    return FOIL_OK;
}

foil_status_t foil_json_writer_key(foil_json_writer_t *w, const char *key, size_t len) {
    if (!w) return misuse("must not be NULL");
    return key_text(w, key, len, true);
}

static foil_status_t string_value(foil_json_writer_t *w, const char *s, size_t len,
                                  bool check_utf8) {
    size_t mark = w->len;
    foil_status_t st = value_slot(w);
    if (st == FOIL_OK) st = quoted(w, s, len, check_utf8);
    if (st != FOIL_OK) {
        w->len = mark;
        if (w->buf) w->buf[mark] = '\0';
        return st;
    }
    value_written(w);
    return FOIL_OK;
}

foil_status_t foil_json_writer_string(foil_json_writer_t *w, const char *s, size_t len) {
    if (!w) return misuse("must not be NULL");
    return string_value(w, s, len, true);
}

foil_status_t foil_json_writer_int(foil_json_writer_t *w, int64_t value) {
    if (!w) return misuse("must not be NULL");
    char text[24];
    int n = snprintf(text, sizeof text, "%lld", (long long)value);
    return scalar(w, text, (size_t)n);
}

foil_status_t foil_json_writer_double(foil_json_writer_t *w, double value) {
    if (!w) return misuse("must not be NULL");
    if (!isfinite(value))
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "number", "must be finite",
                               "a finite number", NULL);
    char text[40];
    int n = 0;
    for (int digits = 15; digits <= 17; digits++) {
        n = snprintf(text, sizeof text, "%.*g", digits, value);
        if (strtod(text, NULL) == value) break;
    }
    if (!strpbrk(text, ".e")) {
        memcpy(text + n, ".0", 3);
        n += 2;
    }
    return scalar(w, text, (size_t)n);
}

/* The JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool json_number_text(const char *s, size_t n) {
    size_t i = 0;
#define DIGIT(k) ((k) < n && s[k] >= '0' && s[k] <= '9')
    if (i < n && s[i] == '-') i++;
    if (i < n && s[i] == '0')
        i++;
    else if (DIGIT(i))
        while (DIGIT(i))
            i++;
    else
        return false;
    if (i < n && s[i] == '.') {
        i++;
        if (!DIGIT(i)) return false;
        while (DIGIT(i))
            i++;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        if (!DIGIT(i)) return false;
        while (DIGIT(i))
            i++;
    }
#undef DIGIT
    return i == n;
}

foil_status_t foil_json_writer_number(foil_json_writer_t *w, const char *text, size_t len) {
    if (!w) return misuse("must not be NULL");
    if (!text || !json_number_text(text, len))
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "number", "is not a JSON number",
                               "JSON number text", NULL);
    return scalar(w, text, len);
}

foil_status_t foil_json_writer_bool(foil_json_writer_t *w, int value) {
    if (!w) return misuse("must not be NULL");
    return value ? scalar(w, "true", 4) : scalar(w, "false", 5);
}

foil_status_t foil_json_writer_null(foil_json_writer_t *w) {
    if (!w) return misuse("must not be NULL");
    return scalar(w, "null", 4);
}

const char *foil_json_writer_text(const foil_json_writer_t *w, size_t *len) {
    if (len) *len = 0;
    if (!w || !w->done) return NULL;
    if (len) *len = w->len;
    return w->buf;
}

/* A double that holds an integer exactly: integral, within +-2^53. */
static bool exact_integral(double d) {
    return d >= -9007199254740992.0 && d <= 9007199254740992.0 && d == floor(d);
}

/* A number node: an integer the parser read as its digits beyond 2^53, as a whole number
 * within them, and any other value with as many digits as read it back exactly ("0.1",
 * "1e+300", "2.0", "-0.0": a fraction or exponent keeps the reader's int/float apart). */
static foil_status_t tree_number(foil_json_writer_t *w, const cJSON *n) {
    if ((n->type & FOIL_JSON_INTEGER_TEXT) && n->valuestring)
        return scalar(w, n->valuestring, strlen(n->valuestring));
    double d = n->valuedouble;
    if (!isfinite(d)) return scalar(w, "null", 4); /* as cJSON prints it */
    bool integer = (n->type & FOIL_JSON_INTEGER_TEXT) ||
                   (!(n->type & FOIL_JSON_DECIMAL_TEXT) && exact_integral(d));
    return integer ? foil_json_writer_int(w, (int64_t)d) : foil_json_writer_double(w, d);
}

static foil_status_t tree_value(foil_json_writer_t *w, const cJSON *n) {
    switch (n->type & 0xFF) {
    case cJSON_NULL:
        return scalar(w, "null", 4);
    case cJSON_False:
        return scalar(w, "false", 5);
    case cJSON_True:
        return scalar(w, "true", 4);
    case cJSON_Number:
        return tree_number(w, n);
    case cJSON_String:
        return string_value(w, n->valuestring ? n->valuestring : "",
                            n->valuestring ? strlen(n->valuestring) : 0, false);
    case cJSON_Raw: /* text already JSON, written as it is */
        return n->valuestring ? scalar(w, n->valuestring, strlen(n->valuestring))
                              : misuse("was given a raw value without text");
    case cJSON_Array:
    case cJSON_Object: {
        bool object = (n->type & 0xFF) == cJSON_Object;
        foil_status_t st = begin(w, object ? 'o' : 'a');
        for (const cJSON *m = n->child; st == FOIL_OK && m; m = m->next) {
            if (object)
                st = key_text(w, m->string ? m->string : "", m->string ? strlen(m->string) : 0,
                              false);
            if (st == FOIL_OK) st = tree_value(w, m);
        }
        return st == FOIL_OK ? end(w, object ? 'o' : 'a') : st;
    }
    default:
        return misuse("was given a value of no JSON type");
    }
}

foil_status_t foil_json_print(const cJSON *root, char **out) {
    *out = NULL;
    foil_json_writer_t *w = NULL;
    foil_status_t st = foil_json_writer_new(&w);
    if (st == FOIL_OK) st = tree_value(w, root);
    if (st == FOIL_OK && !(*out = malloc(w->len + 1))) st = foil_fail_nomem();
    if (st == FOIL_OK) memcpy(*out, w->buf, w->len + 1);
    foil_json_writer_free(w);
    return st;
}

static bool utf8_text(const char *s) {
    return !s || foil_utf8_valid((const unsigned char *)s, (const unsigned char *)s + strlen(s));
}

bool foil_json_tree_utf8(const cJSON *node) {
    if (!utf8_text(node->string) || (cJSON_IsString(node) && !utf8_text(node->valuestring)))
        return false;
    for (const cJSON *m = node->child; m; m = m->next)
        if (!foil_json_tree_utf8(m)) return false;
    return true;
}
