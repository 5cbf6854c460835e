/* A growing JSON text buffer for the hot list pages: constant fragments are copied, numbers
 * and timestamps formatted by hand. The output is byte-identical to cJSON_PrintUnformatted
 * of the same values, so both paths can share one envelope. */
#include "emu.h"

#include <stdlib.h>
#include <string.h>

static int reserve(emu_buf_t *b, size_t extra) {
    if (b->failed) return -1;
    if (b->len + extra + 1 <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *data = realloc(b->data, cap);
    if (!data) {
        b->failed = 1;
        return -1;
    }
    b->data = data;
    b->cap = cap;
    return 0;
}

void emu_buf_init(emu_buf_t *b, size_t capacity) {
    memset(b, 0, sizeof(*b));
    reserve(b, capacity);
}

void emu_buf_free(emu_buf_t *b) {
    free(b->data);
    memset(b, 0, sizeof(*b));
}

char *emu_buf_take(emu_buf_t *b, size_t *len) {
    if (b->failed || reserve(b, 0) != 0) {
        emu_buf_free(b);
        return NULL;
    }
    char *data = b->data;
    data[b->len] = '\0';
    *len = b->len;
    memset(b, 0, sizeof(*b));
    return data;
}

void emu_buf_raw(emu_buf_t *b, const char *s, size_t n) {
    if (reserve(b, n) != 0) return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

/* Escapes like cJSON: the short forms, \u00XX for other control characters, and every other
 * byte (UTF-8 included) as is. */
void emu_buf_string(emu_buf_t *b, const char *s) {
    static const char hex[] = "0123456789abcdef";
    size_t n = strlen(s);
    if (reserve(b, n * 6 + 2) != 0) return;
    char *o = b->data + b->len;
    *o++ = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if (c >= 32 && c != '"' && c != '\\') {
            *o++ = (char)c;
            continue;
        }
        *o++ = '\\';
        switch (c) {
        case '"':
            *o++ = '"';
            break;
        case '\\':
            *o++ = '\\';
            break;
        case '\b':
            *o++ = 'b';
            break;
        case '\f':
            *o++ = 'f';
            break;
        case '\n':
            *o++ = 'n';
            break;
        case '\r':
            *o++ = 'r';
            break;
        case '\t':
            *o++ = 't';
            break;
        default:
            memcpy(o, "u00", 3);
            o[3] = hex[c >> 4];
            o[4] = hex[c & 15];
            o += 5;
        }
    }
    *o++ = '"';
    b->len = (size_t)(o - b->data);
}

size_t emu_format_int(char out[24], int64_t v) {
    char tmp[24];
    size_t n = 0;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[sizeof(tmp) - 1 - n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) tmp[sizeof(tmp) - 1 - n++] = '-';
    memcpy(out, tmp + sizeof(tmp) - n, n);
    out[n] = '\0';
    return n;
}

void emu_buf_int(emu_buf_t *b, int64_t v) {
    char digits[24];
    emu_buf_raw(b, digits, emu_format_int(digits, v));
}

void emu_buf_bool(emu_buf_t *b, int v) {
    if (v)
        emu_buf_raw(b, "true", 4);
    else
        emu_buf_raw(b, "false", 5);
}

void emu_buf_iso(emu_buf_t *b, int64_t ms) {
    if (ms == 0) {
        emu_buf_raw(b, "null", 4);
        return;
    }
    char iso[32];
    emu_iso8601(ms, iso);
    if (reserve(b, 26) != 0) return;
    b->data[b->len] = '"';
    memcpy(b->data + b->len + 1, iso, 24);
    b->data[b->len + 25] = '"';
    b->len += 26;
}

void emu_buf_hex64(emu_buf_t *b, uint64_t v) {
    static const char hex[] = "0123456789abcdef";
    char q[18];
    q[0] = q[17] = '"';
    for (int i = 16; i >= 1; i--, v >>= 4)
        q[i] = hex[v & 15];
    emu_buf_raw(b, q, sizeof(q));
}
