/* Sealing arbitrary bytes the way a real sender does, so the harnesses reach the code
 * behind the decryption (inflate, JSON payload checks, the env-var policy) instead of
 * stopping at the authentication tag. Test code only: fixed nonces, no secrecy. */
#ifndef FOIL_FUZZ_SEAL_H
#define FOIL_FUZZ_SEAL_H

#include <stddef.h>

/* A version 1 sealed token (standard base64) for `secret` around `plain`, deflated with
 * zlib first when `deflate` is non-zero. malloc'd; NULL on failure. */
char *fuzz_seal_token_v1(const char *secret, const unsigned char *plain, size_t len, int deflate);

/* A Gate delivery envelope (JSON text) for the recipient public key (raw 32 bytes) whose
 * ciphertext decrypts to `plain`. malloc'd; NULL on failure. */
char *fuzz_seal_envelope(const unsigned char recipient_pk[32], const unsigned char *plain,
                         size_t len);

#endif
