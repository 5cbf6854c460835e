/* HKDF-SHA256 built on libsodium's HMAC-SHA256 (which accepts keys of any length). */
#include "hkdf.h"

#include "internal.h"

#include <sodium.h>
#include <string.h>

int foil_hkdf_sha256(unsigned char *out, size_t out_len, const unsigned char *salt, size_t salt_len,
                     const unsigned char *ikm, size_t ikm_len, const unsigned char *info,
                     size_t info_len) {
    enum { HASH_LEN = crypto_auth_hmacsha256_BYTES };
    static const unsigned char zero_salt[HASH_LEN];
    if (out_len > 255 * HASH_LEN) return -1;
    if (!salt || salt_len == 0) {
        salt = zero_salt;
        salt_len = sizeof zero_salt;
    }

    unsigned char prk[HASH_LEN], block[HASH_LEN];
    crypto_auth_hmacsha256_state st;

    /* Extract: PRK = HMAC(salt, IKM). */
    crypto_auth_hmacsha256_init(&st, salt, salt_len);
    crypto_auth_hmacsha256_update(&st, ikm, ikm_len);
    crypto_auth_hmacsha256_final(&st, prk);

    /* Expand: T(i) = HMAC(PRK, T(i-1) || info || i). */
    size_t done = 0, block_len = 0;
    unsigned char counter = 1;
    while (done < out_len) {
        crypto_auth_hmacsha256_init(&st, prk, sizeof prk);
        crypto_auth_hmacsha256_update(&st, block, block_len);
        crypto_auth_hmacsha256_update(&st, info, info_len);
        crypto_auth_hmacsha256_update(&st, &counter, 1);
        crypto_auth_hmacsha256_final(&st, block);
        block_len = sizeof block;
        size_t n = out_len - done < block_len ? out_len - done : block_len;
        memcpy(out + done, block, n);
        done += n;
        counter++;
    }
    sodium_memzero(prk, sizeof prk);
    sodium_memzero(block, sizeof block);
    sodium_memzero(&st, sizeof st);
    return 0;
}
