/* HKDF-SHA256 (RFC 5869). libsodium 1.0.18 has no crypto_kdf_hkdf_sha256_*. */
#ifndef FOIL_HKDF_H
#define FOIL_HKDF_H

#include <stddef.h>

/* Derive out_len (<= 255 * 32) bytes. An empty salt means 32 zero bytes, as the RFC
 * says. Returns 0, or -1 when out_len is too large. */
int foil_hkdf_sha256(unsigned char *out, size_t out_len, const unsigned char *salt, size_t salt_len,
                     const unsigned char *ikm, size_t ikm_len, const unsigned char *info,
                     size_t info_len);

#endif
