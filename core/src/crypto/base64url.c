/* base64url on libsodium's constant-time codecs, and a table-driven decoder for the
 * standard alphabet of sealed tokens.
 *
 * We emit unpadded base64url like the official SDKs, and accept correctly padded
 * input too (Python and PHP emitters may pad). libsodium's no-padding variants are
 * strict: they reject stray characters and non-zero trailing bits, so every value
 * has exactly one accepted spelling apart from the optional padding. */
#include "base64url.h"

#include "internal.h"

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

char *foil_b64url_encode(const unsigned char *bin, size_t len) {
    const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    size_t size = sodium_base64_encoded_len(len, variant);
    char *text = malloc(size);
    if (!text) return NULL;
    sodium_bin2base64(text, size, bin, len, variant);
    return text;
}

/* Length of `text` without a valid '=' padding suffix, or (size_t)-1 when the
 * padding is malformed (more than two '=', or a padded length not a multiple of 4). */
static size_t unpadded_length(const char *text) {
    size_t len = strlen(text);
    size_t stripped = len;
    while (stripped > 0 && text[stripped - 1] == '=')
        stripped--;
    if (stripped == len) return len;
    if (len - stripped > 2 || len % 4 != 0) return (size_t)-1;
    return stripped;
}

/* libsodium 1.0.18 decodes bytes from 0x80 up as if they were '/' or '_': refuse them
 * first, so only spellings an encoder produces are accepted. */
static bool has_high_byte(const char *text, size_t len) {
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)text[i] >= 0x80) return true;
    return false;
}

static int decode_variant(const char *text, int variant, unsigned char **out, size_t *out_len) {
    *out = NULL;
    *out_len = 0;
    size_t len = unpadded_length(text);
    if (len == (size_t)-1 || has_high_byte(text, len)) return -1;
    size_t cap = len / 4 * 3 + 3;
    unsigned char *bin = malloc(cap);
    if (!bin) return -2;
    size_t n = 0;
    const char *end = NULL;
    if (sodium_base642bin(bin, cap, text, len, NULL, &n, &end, variant) != 0 || end != text + len) {
        sodium_memzero(bin, cap);
        free(bin);
        return -1;
    }
    *out = bin;
    *out_len = n;
    return 0;
}

int foil_b64url_decode(const char *text, unsigned char **out, size_t *out_len) {
    return decode_variant(text, sodium_base64_VARIANT_URLSAFE_NO_PADDING, out, out_len);
}

/* Sextet of each standard-alphabet character; 0xFF for every other byte (bytes from
 * 0x80 up included: libsodium 1.0.18 decodes those as '/', which made a token accept
 * spellings no encoder produces). */
#define X 0xFF
// clang-format off
static const unsigned char standard_sextets[256] = {
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  62, X,  X,  X,  63, /* '+' '/' */
    52, 53, 54, 55, 56, 57, 58, 59, 60, 61, X,  X,  X,  X,  X,  X,  /* '0'..'9' */
    X,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, /* 'A'.. */
    15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, X,  X,  X,  X,  X,  /* ..'Z' */
    X,  26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, /* 'a'.. */
    41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, X,  X,  X,  X,  X,  /* ..'z' */
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
};
// clang-format on
#undef X

/* Not constant time, unlike the libsodium decoder above, and on purpose: it decodes
 * sealed tokens, ciphertext the caller already holds, where timing reveals nothing and
 * libsodium's decoder was a third of a verification. Keys and other secrets must keep
 * using the constant-time functions. It accepts exactly what libsodium's strict
 * no-padding decoder accepts after the padding is stripped (only alphabet characters,
 * no length of the form 4n+1, zero trailing bits), bytes from 0x80 up excepted (above). */
int foil_b64_decode(const char *text, unsigned char **out, size_t *out_len) {
    *out = NULL;
    *out_len = 0;
    size_t len = unpadded_length(text);
    if (len == (size_t)-1 || len % 4 == 1) return -1;
    const unsigned char *in = (const unsigned char *)text;
    unsigned char *bin = malloc(len / 4 * 3 + 3);
    if (!bin) return -2;
    unsigned char *p = bin;
    unsigned invalid = 0;
    size_t full = len - len % 4;
    for (size_t i = 0; i < full; i += 4) {
        unsigned a = standard_sextets[in[i]], b = standard_sextets[in[i + 1]],
                 c = standard_sextets[in[i + 2]], d = standard_sextets[in[i + 3]];
        invalid |= a | b | c | d;
        uint32_t v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | d;
        *p++ = (unsigned char)(v >> 16);
        *p++ = (unsigned char)(v >> 8);
        *p++ = (unsigned char)v;
    }
    if (len % 4) { /* 2 or 3 characters left: 1 or 2 bytes, and the trailing bits */
        unsigned a = standard_sextets[in[full]], b = standard_sextets[in[full + 1]];
        unsigned c = len % 4 == 3 ? standard_sextets[in[full + 2]] : 0;
        invalid |= a | b | c;
        uint32_t v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6;
        *p++ = (unsigned char)(v >> 16);
        if (len % 4 == 3) *p++ = (unsigned char)(v >> 8);
        if (v & (len % 4 == 3 ? 0xFFu : 0xFFFFu)) invalid = 0xFF;
    }
    /* Any 0xFF sextet sets bits above the six a valid one uses. */
    if (invalid & 0xC0) {
        free(bin);
        return -1;
    }
    *out = bin;
    *out_len = (size_t)(p - bin);
    return 0;
}

int foil_b64url_decode_exact(const char *text, unsigned char *out, size_t len) {
    size_t text_len = unpadded_length(text);
    /* Reject early by length so a huge string is never decoded into a small field. */
    if (text_len == (size_t)-1 || text_len != (len * 4 + 2) / 3 || has_high_byte(text, text_len))
        return -1;
    size_t n = 0;
    const char *end = NULL;
    if (sodium_base642bin(out, len, text, text_len, NULL, &n, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        end != text + text_len || n != len) {
        sodium_memzero(out, len);
        return -1;
    }
    return 0;
}
