/* The next page's cursor from a list answer's last bytes (cursor_guess.h). A walk's server
 * then renders the next page while this one is parsed, not only while it is read: the
 * parse of a 200-item page takes as long as the server's answer (bench/README.md). */
#include "cursor_guess.h"

#include <stdlib.h>
#include <string.h>

static const char key[] = "\"next_cursor\"";

static const char *skip_space(const char *p, const char *end) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

/* The plain string value after the key at `p` ("next_cursor" : "..."), or NULL. */
static char *value_after(const char *p, const char *end) {
    p = skip_space(p + sizeof key - 1, end);
    if (p == end || *p++ != ':') return NULL;
    p = skip_space(p, end);
    if (p == end || *p++ != '"') return NULL;
    const char *v = p;
    for (; p < end && *p != '"'; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e || *p == '\\') return NULL;
    if (p == end || p == v) return NULL;
    size_t n = (size_t)(p - v);
    char *out = malloc(n + 1);
    if (!out) return NULL;
    memcpy(out, v, n);
    out[n] = '\0';
    return out;
}

char *foil_cursor_guess(const char *body, size_t len) {
    size_t klen = sizeof key - 1;
    if (!body || len < klen) return NULL;
    size_t stop = len > FOIL_CURSOR_GUESS_TAIL ? len - FOIL_CURSOR_GUESS_TAIL : 0;
    for (size_t i = len - klen + 1; i-- > stop;)
        if (body[i] == '"' && memcmp(body + i, key, klen) == 0)
            return value_after(body + i, body + len);
    return NULL;
}
