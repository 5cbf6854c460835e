/* See seal.h. Mirrors the sender side of FOIL-API.md §4 (sealed tokens) and of the Gate
 * delivery envelope (x25519-hkdf-sha256/aes-256-gcm). */
#include "seal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "crypto/hkdf.h"
#include "foil/delivery.h"

/* sha256(hex(sha256(secret)) || "\0" || label): the token key of a version 1 token. */
static void token_key(const char *secret, unsigned char key[32]) {
    unsigned char digest[32];
    char hex[65];
    crypto_hash_sha256(digest, (const unsigned char *)secret, strlen(secret));
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)hex, 64);
    crypto_hash_sha256_update(&st, (const unsigned char *)"\0sealed-results", 15);
    crypto_hash_sha256_final(&st, key);
}

char *fuzz_seal_token_v1(const char *secret, const unsigned char *plain, size_t len, int deflate) {
    unsigned char *body = NULL;
    size_t body_len = len;
    if (deflate) {
        uLongf cap = compressBound((uLong)len);
        body = malloc(cap ? cap : 1);
        if (!body || compress2(body, &cap, plain, (uLong)len, Z_DEFAULT_COMPRESSION) != Z_OK) {
            free(body);
            return NULL;
        }
        body_len = cap;
    } else {
        body = malloc(len ? len : 1);
        if (!body) return NULL;
        memcpy(body, plain, len);
    }
    size_t raw_len = 1 + 12 + body_len + 16;
    unsigned char *raw = malloc(raw_len);
    unsigned char key[32];
    token_key(secret, key);
    char *out = NULL;
    if (raw) {
        raw[0] = 1;
        memset(raw + 1, 0x42, 12);
        crypto_aead_aes256gcm_encrypt_detached(raw + 13, raw + 13 + body_len, NULL, body, body_len,
                                               NULL, 0, NULL, raw + 1, key);
        size_t cap = sodium_base64_encoded_len(raw_len, sodium_base64_VARIANT_ORIGINAL);
        out = malloc(cap);
        if (out) sodium_bin2base64(out, cap, raw, raw_len, sodium_base64_VARIANT_ORIGINAL);
    }
    free(raw);
    free(body);
    return out;
}

static char *b64url(const unsigned char *bin, size_t len) {
    size_t cap = sodium_base64_encoded_len(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *s = malloc(cap);
    if (s) sodium_bin2base64(s, cap, bin, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return s;
}

char *fuzz_seal_envelope(const unsigned char recipient_pk[32], const unsigned char *plain,
                         size_t len) {
    unsigned char eph_pk[32], eph_sk[32], shared[32], key[32], salt[32], iv[12], tag[16];
    unsigned char key_id_raw[32];
    crypto_box_keypair(eph_pk, eph_sk);
    if (crypto_scalarmult(shared, eph_sk, recipient_pk) != 0) return NULL;
    memset(salt, 0x17, sizeof salt);
    memset(iv, 0x29, sizeof iv);
    static const char info[] = FOIL_GATE_DELIVERY_HKDF_INFO;
    foil_hkdf_sha256(key, sizeof key, salt, sizeof salt, shared, sizeof shared,
                     (const unsigned char *)info, sizeof info - 1);
    unsigned char *ct = malloc(len ? len : 1);
    if (!ct) return NULL;
    crypto_aead_aes256gcm_encrypt_detached(ct, tag, NULL, plain, len, NULL, 0, NULL, iv, key);
    crypto_hash_sha256(key_id_raw, recipient_pk, 32);
    char *parts[6] = {b64url(key_id_raw, 32), b64url(eph_pk, 32), b64url(salt, 32),
                      b64url(iv, 12),         b64url(ct, len),    b64url(tag, 16)};
    free(ct);
    char *out = NULL;
    int ok = 1;
    for (int i = 0; i < 6; i++)
        ok &= parts[i] != NULL;
    if (ok) {
        size_t cap = 256;
        for (int i = 0; i < 6; i++)
            cap += strlen(parts[i]);
        out = malloc(cap);
        if (out)
            snprintf(out, cap,
                     "{\"version\":1,\"algorithm\":\"%s\",\"key_id\":\"%s\","
                     "\"ephemeral_public_key\":\"%s\",\"salt\":\"%s\",\"iv\":\"%s\","
                     "\"ciphertext\":\"%s\",\"tag\":\"%s\"}",
                     FOIL_GATE_DELIVERY_ALGORITHM, parts[0], parts[1], parts[2], parts[3], parts[4],
                     parts[5]);
    }
    for (int i = 0; i < 6; i++)
        free(parts[i]);
    return out;
}
