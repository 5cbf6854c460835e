/* base64url / base64 on libsodium's constant-time codecs.
 *
 * We emit unpadded base64url like the official SDKs, and accept correctly padded
 * input too (Python and PHP emitters may pad). libsodium's no-padding variants are
 * strict: they reject stray characters and non-zero trailing bits, so every value
 * has exactly one accepted spelling apart from the optional padding. */
#include "base64url.h"

#include "internal.h"

#include <sodium.h>
#include <stdlib.h>
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

static int decode_variant(const char *text, int variant, unsigned char **out, size_t *out_len) {
    *out = NULL;
    *out_len = 0;
    size_t len = unpadded_length(text);
    if (len == (size_t)-1) return -1;
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

int foil_b64_decode(const char *text, unsigned char **out, size_t *out_len) {
    return decode_variant(text, sodium_base64_VARIANT_ORIGINAL_NO_PADDING, out, out_len);
}

int foil_b64url_decode_exact(const char *text, unsigned char *out, size_t len) {
    size_t text_len = unpadded_length(text);
    /* Reject early by length so a huge string is never decoded into a small field. */
    if (text_len == (size_t)-1 || text_len != (len * 4 + 2) / 3) return -1;
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
