/* foil CLI: UTF-8 decoding (see utf8.h). */
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

size_t cli_utf8_decode(const unsigned char *s, unsigned long *cp) {
    unsigned char c = s[0];
    size_t len;
    unsigned long v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2, v = c & 0x1f, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3, v = c & 0x0f, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0;
        v = v << 6 | (s[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return 0;
    *cp = v;
    return len;
}

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

char *cli_utf8_repair_dup(const char *s, int *failed) {
    const unsigned char *p = (const unsigned char *)s;
    size_t bad = 0;
    unsigned long cp;
    *failed = 0;
    for (size_t i = 0, len; p[i]; i += len ? len : 1)
        bad += (len = cli_utf8_decode(p + i, &cp)) == 0;
    if (!bad) return NULL;
    /* Each bad byte grows from 1 to 3 bytes. */
    char *out = malloc(strlen(s) + 2 * bad + 1);
    if (!out) {
        *failed = 1;
        return NULL;
    }
    size_t n = 0;
    for (size_t i = 0, len; p[i]; i += len) {
        len = cli_utf8_decode(p + i, &cp);
        if (len) {
            memcpy(out + n, p + i, len);
            n += len;
        } else {
            memcpy(out + n, REPLACEMENT, 3);
            n += 3;
            len = 1;
        }
    }
    out[n] = '\0';
    return out;
}
