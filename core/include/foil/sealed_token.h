/* libfoil: local verification of sealed tokens (versions 1 and 2) from the browser SDK. */
#ifndef FOIL_SEALED_TOKEN_H
#define FOIL_SEALED_TOKEN_H

#include "common.h"
#include "document.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Strict verify (verifyFoilToken): decrypt and authenticate `token` with `secret`
 * (a secret key, or its lowercase/uppercase SHA-256 hex) and parse its JSON payload
 * (unknown fields kept). Any bad token is FOIL_E_TOKEN with a reason code such as
 * "token.malformed", "token.unsupported_version", "token.authentication_failure",
 * "token.decompression_failure", "token.invalid_payload". */
FOIL_API foil_status_t foil_sealed_token_verify(const char *token, const char *secret,
                                                foil_document_t **out);

/* Safe verify (safeVerifyFoilToken): never fails for a bad token. Returns FOIL_OK
 * with *ok = 1 and *out set, or *ok = 0, *out = NULL and *error_code set to a static
 * reason code (as above). Only FOIL_E_NOMEM / FOIL_E_INVALID_ARGUMENT (NULL args)
 * are returned as failures. */
FOIL_API foil_status_t foil_sealed_token_safe_verify(const char *token, const char *secret, int *ok,
                                                     const char **error_code,
                                                     foil_document_t **out);

#ifdef __cplusplus
}
#endif
#endif
