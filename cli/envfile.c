/* foil CLI: dotenv parse / quote / merge (see envfile.h for the grammar). */
#define _POSIX_C_SOURCE 200809L
#include "envfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wipe.h"

/* One `KEY=value` found in the text, as byte spans. */
typedef struct binding {
    size_t key_off, key_len;
    size_t key_end;          /* just past the key as written (its closing quote included) */
    size_t val_off, val_len; /* the value as written, quotes included */
    char quote;              /* 0, '\'' or '"' */
    int has_value;           /* 0 for a bare `KEY` line */
} binding_t;

static int is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}
static int is_space(char c) {
    return is_blank(c) || c == '\n' || c == '\r';
}
static int is_eol(char c) {
    return c == '\n' || c == '\r';
}

static size_t skip_blanks(const char *t, size_t len, size_t p) {
    while (p < len && is_blank(t[p]))
        p++;
    return p;
}

static size_t next_line(const char *t, size_t len, size_t p) {
    while (p < len && !is_eol(t[p]))
        p++;
    if (p < len && t[p] == '\r' && p + 1 < len && t[p + 1] == '\n') return p + 2;
    return p < len ? p + 1 : p;
}

/* Offset just past the closing quote of a quoted value starting at p, or 0 when it
 * is never closed. A backslash always escapes the next byte (newlines included). */
static size_t quoted_end(const char *t, size_t len, size_t p) {
    char q = t[p++];
    while (p < len && t[p] != q)
        p += (t[p] == '\\' && p + 1 < len) ? 2 : 1;
    return p < len ? p + 1 : 0;
}

/* Length of a bare value: up to the end of the line, cut at whitespace + '#', trailing
 * whitespace removed. */
static size_t bare_len(const char *t, size_t len, size_t p) {
    size_t end = p;
    while (end < len && !is_eol(t[end]))
        end++;
    for (size_t i = p; i + 1 < end; i++)
        if (is_blank(t[i]) && t[i + 1] == '#') {
            end = i;
            break;
        }
    while (end > p && is_blank(t[end - 1]))
        end--;
    return end - p;
}

/* Scans the logical line at *pos (which it advances). Returns 1 and fills *b for a
 * binding, 0 for blank lines, comments and lines dotenv parsers reject. */
static int scan_line(const char *t, size_t len, size_t *pos, binding_t *b) {
    size_t p = *pos;
    while (p < len && is_space(t[p]))
        p++;
    if (p >= len || t[p] == '#') {
        *pos = next_line(t, len, p);
        return 0;
    }
    size_t line = p;
    if (len - p > 7 && memcmp(t + p, "export", 6) == 0 && is_blank(t[p + 6]))
        p = skip_blanks(t, len, p + 6);
    if (p >= len) goto invalid; /* `export` and blanks only */
    memset(b, 0, sizeof *b);
    if (t[p] == '\'') {
        size_t end = p + 1;
        while (end < len && t[end] != '\'' && !is_eol(t[end]))
            end++;
        if (end >= len || t[end] != '\'' || end == p + 1) goto invalid;
        b->key_off = p + 1;
        b->key_len = end - p - 1;
        p = end + 1;
        b->key_end = p;
    } else {
        size_t end = p;
        while (end < len && t[end] != '=' && t[end] != '#' && !is_space(t[end]))
            end++;
        if (end == p) goto invalid;
        b->key_off = p;
        b->key_len = end - p;
        p = end;
        b->key_end = p;
    }
    p = skip_blanks(t, len, p);
    if (p < len && t[p] == '=') {
        size_t after_eq = ++p;
        p = skip_blanks(t, len, p);
        b->has_value = 1;
        b->val_off = p;
        if (p < len && (t[p] == '\'' || t[p] == '"')) {
            size_t end = quoted_end(t, len, p);
            if (!end) goto invalid;
            b->quote = t[p];
            b->val_len = end - p;
            p = end;
        } else if (p < len && t[p] == '#' && p > after_eq) {
            b->val_len = 0; /* `KEY= # comment`: empty value */
        } else {
            b->val_len = bare_len(t, len, p);
            p += b->val_len;
        }
    }
    /* Only an inline comment and blanks may follow. */
    p = skip_blanks(t, len, p);
    if (p < len && t[p] == '#')
        while (p < len && !is_eol(t[p]))
            p++;
    if (p < len && !is_eol(t[p])) goto invalid;
    *pos = next_line(t, len, p);
    return 1;
invalid:
    *pos = next_line(t, len, line);
    return 0;
}

/* The decoded value of a binding, malloc'd. */
static char *decode_value(const char *t, const binding_t *b) {
    const char *v = t + b->val_off;
    size_t n = b->val_len;
    char *out = malloc(n + 1);
    if (!out) return NULL;
    if (!b->quote) {
        memcpy(out, v, n);
        out[n] = '\0';
        return out;
    }
    size_t o = 0;
    for (size_t i = 1; i + 1 < n; i++) {
        char c = v[i];
        if (c == '\\' && i + 2 < n) {
            char e = v[i + 1];
            const char *from = b->quote == '"' ? "\\'\"abfnrtv" : "\\'";
            const char *to = "\\'\"\a\b\f\n\r\t\v";
            const char *hit = strchr(from, e);
            if (e && hit) {
                out[o++] = to[hit - from];
                i++;
                continue;
            }
        }
        out[o++] = c;
    }
    out[o] = '\0';
    return out;
}

int cli_env_key_is_valid(const char *key) {
    if (!key || !(*key == '_' || (*key >= 'A' && *key <= 'Z') || (*key >= 'a' && *key <= 'z')))
        return 0;
    for (const char *p = key; *p; p++)
        if (!(*p == '_' || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
              (*p >= '0' && *p <= '9')))
            return 0;
    return 1;
}

/* Characters that every dotenv parser (and a POSIX shell) takes literally unquoted. */
static int is_safe_bare(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           strchr("_-./:@+=,%^~", c) != NULL;
}

char *cli_env_quote(const char *value) {
    size_t n = strlen(value);
    int bare = 1, has_single = 0, has_backslash = 0, has_eol = 0;
    for (size_t i = 0; i < n; i++) {
        char c = value[i];
        if (!is_safe_bare(c)) bare = 0;
        has_single |= c == '\'';
        has_backslash |= c == '\\';
        has_eol |= is_eol(c);
    }
    char *out = malloc(2 * n + 3);
    if (!out) return NULL;
    if (bare) {
        memcpy(out, value, n + 1);
        return out;
    }
    /* Single quotes are literal in every parser as long as there is no quote,
     * backslash or line break inside. */
    if (!has_single && !has_backslash && !has_eol) {
        out[0] = '\'';
        memcpy(out + 1, value, n);
        out[n + 1] = '\'';
        out[n + 2] = '\0';
        return out;
    }
    /* Double quotes: \n and \r are understood everywhere; \\ and \" only where the
     * value needs them (python-dotenv reads them, Node's dotenv does not). */
    size_t o = 0;
    out[o++] = '"';
    for (size_t i = 0; i < n; i++) {
        char c = value[i];
        if (c == '\n' || c == '\r') {
            out[o++] = '\\';
            out[o++] = c == '\n' ? 'n' : 'r';
        } else {
            if (c == '\\' || c == '"') out[o++] = '\\';
            out[o++] = c;
        }
    }
    out[o++] = '"';
    out[o] = '\0';
    return out;
}

int cli_env_parse(const char *text, size_t len, cli_env_visit_fn visit, void *user_data) {
    size_t pos = 0;
    while (pos < len) {
        binding_t b;
        if (!scan_line(text, len, &pos, &b)) continue;
        char *key = strndup(text + b.key_off, b.key_len);
        char *value = b.has_value ? decode_value(text, &b) : NULL;
        int rc =
            (!key || (b.has_value && !value)) ? (errno = ENOMEM, -1) : visit(user_data, key, value);
        free(key);
        cli_wipe_free(value);
        if (rc) return rc;
    }
    return 0;
}

typedef struct lookup {
    const char *key;
    char *value;
    int failed;
} lookup_t;

static int lookup_visit(void *user_data, const char *key, const char *value) {
    lookup_t *l = user_data;
    if (strcmp(key, l->key) != 0) return 0;
    cli_wipe_free(l->value);
    l->value = value ? strdup(value) : NULL;
    l->failed = value && !l->value;
    return 0;
}

char *cli_env_lookup(const char *text, size_t len, const char *key) {
    lookup_t l = {key, NULL, 0};
    if (cli_env_parse(text, len, lookup_visit, &l) != 0 || l.failed) {
        cli_wipe_free(l.value);
        return NULL;
    }
    return l.value;
}

/* A growable byte buffer whose old copies are wiped (it holds secrets). */
typedef struct buf {
    char *data;
    size_t len, cap;
} buf_t;

static int buf_add(buf_t *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *grown = malloc(cap);
        if (!grown) return -1;
        if (b->data) memcpy(grown, b->data, b->len);
        cli_wipe(b->data, b->cap);
        free(b->data);
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

static const char *line_ending_of(const char *t, size_t len) {
    const char *nl = memchr(t, '\n', len);
    return nl && nl > t && nl[-1] == '\r' ? "\r\n" : "\n";
}

static int find_pair(const cli_env_pair_t *pairs, size_t n, const char *key, size_t key_len) {
    for (size_t i = 0; i < n; i++)
        if (strlen(pairs[i].key) == key_len && memcmp(pairs[i].key, key, key_len) == 0)
            return (int)i;
    return -1;
}

/* Every binding of a text, in order (keys and values copied; values wiped on free). */
typedef struct binding_seq {
    char **keys, **values;
    size_t n, cap;
    int failed;
} binding_seq_t;

static int seq_visit(void *user_data, const char *key, const char *value) {
    binding_seq_t *q = user_data;
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 16;
        char **k = realloc(q->keys, cap * sizeof *k);
        if (k) q->keys = k;
        char **v = k ? realloc(q->values, cap * sizeof *v) : NULL;
        if (!v) return q->failed = 1;
        q->values = v;
        q->cap = cap;
    }
    q->keys[q->n] = strdup(key);
    q->values[q->n] = value ? strdup(value) : NULL;
    if (!q->keys[q->n] || (value && !q->values[q->n])) q->failed = 1;
    q->n++;
    return q->failed;
}

static void seq_free(binding_seq_t *q) {
    for (size_t i = 0; i < q->n; i++) {
        free(q->keys[i]);
        cli_wipe_free(q->values[i]);
    }
    free(q->keys);
    free(q->values);
}

static int same_value(const char *a, const char *b) {
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The merge is kept only when the new text reads back as the old one with the pairs'
 * values set: in a file whose quoting is already broken (an unterminated quote that a
 * later quote closes), replacing one value can change how other lines parse. */
static int merge_reads_back(const char *old, size_t old_len, const char *merged, size_t merged_len,
                            const cli_env_pair_t *pairs, size_t n) {
    binding_seq_t a = {0}, b = {0};
    int ok = cli_env_parse(old, old_len, seq_visit, &a) == 0 &&
             cli_env_parse(merged, merged_len, seq_visit, &b) == 0 && !a.failed && !b.failed &&
             b.n >= a.n;
    for (size_t i = 0; ok && i < b.n; i++) {
        int p = find_pair(pairs, n, b.keys[i], strlen(b.keys[i]));
        if (i < a.n && strcmp(a.keys[i], b.keys[i]) != 0)
            ok = 0;
        else if (p >= 0)
            ok = same_value(b.values[i], pairs[p].value);
        else
            ok = i < a.n && same_value(a.values[i], b.values[i]);
    }
    seq_free(&a);
    seq_free(&b);
    return ok;
}

int cli_env_merge(const char *text, size_t len, const cli_env_pair_t *pairs, size_t n, char **out,
                  size_t *out_len, cli_env_change_t *changes) {
    *out = NULL;
    *out_len = 0;
    for (size_t i = 0; i < n; i++)
        if (!cli_env_key_is_valid(pairs[i].key) || !pairs[i].value) {
            errno = EINVAL;
            return -1;
        }
    unsigned char *seen = calloc(n ? n : 1, 1);
    buf_t b = {0};
    int rc = seen ? 0 : -1;
    size_t pos = 0, copied = 0;
    while (rc == 0 && pos < len) {
        binding_t bd;
        if (!scan_line(text, len, &pos, &bd)) continue;
        int i = find_pair(pairs, n, text + bd.key_off, bd.key_len);
        if (i < 0) continue;
        char *old = bd.has_value ? decode_value(text, &bd) : NULL;
        int same = old && strcmp(old, pairs[i].value) == 0;
        cli_wipe_free(old);
        seen[i] |= same ? 1 : 2;
        if (same) continue;
        char *quoted = cli_env_quote(pairs[i].value);
        size_t at = bd.has_value ? bd.val_off : bd.key_end;
        size_t skip = bd.has_value ? bd.val_len : 0;
        /* A bare value glued to a following '#' would swallow the comment. */
        int pad = at + skip < len && text[at + skip] == '#';
        rc = !quoted || buf_add(&b, text + copied, at - copied) ||
                     (!bd.has_value && buf_add(&b, "=", 1)) ||
                     buf_add(&b, quoted, strlen(quoted)) || (pad && buf_add(&b, " ", 1))
                 ? -1
                 : 0;
        copied = at + skip;
        cli_wipe_free(quoted);
    }
    if (rc == 0) rc = buf_add(&b, text + copied, len - copied);
    const char *eol = line_ending_of(text, len);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (changes)
            changes[i] = seen[i] & 2 ? CLI_ENV_UPDATED
                         : seen[i]   ? CLI_ENV_UNCHANGED
                                     : CLI_ENV_ADDED;
        if (seen[i]) continue;
        seen[i] = 2;
        if (b.len > 0 && !is_eol(b.data[b.len - 1])) rc = buf_add(&b, eol, strlen(eol));
        char *quoted = rc ? NULL : cli_env_quote(pairs[i].value);
        if (!quoted || buf_add(&b, pairs[i].key, strlen(pairs[i].key)) || buf_add(&b, "=", 1) ||
            buf_add(&b, quoted, strlen(quoted)) || buf_add(&b, eol, strlen(eol)))
            rc = -1;
        cli_wipe_free(quoted);
    }
    free(seen);
    if (rc == 0 && !b.data) rc = buf_add(&b, "", 0);
    if (rc != 0) {
        cli_wipe(b.data, b.cap);
        free(b.data);
        errno = ENOMEM;
        return -1;
    }
    if (!merge_reads_back(text, len, b.data, b.len, pairs, n)) {
        cli_wipe(b.data, b.cap);
        free(b.data);
        errno = EILSEQ;
        return -1;
    }
    *out = b.data;
    *out_len = b.len;
    return 0;
}
