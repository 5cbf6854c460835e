/* libfoil: common definitions (export macro, versions, status codes, memory).
 *
 * Conventions used by every libfoil header:
 *  - Fallible calls return foil_status_t (FOIL_OK == 0) and write results through
 *    out-parameters that come last. On failure *out is set to NULL and the calling
 *    thread's foil_last_error() describes what went wrong.
 *  - Anything returned through `T **out` belongs to the caller and is released with
 *    that type's own foil_*_free() function, which accepts NULL.
 *  - `const char *` and `const foil_json_t *` results are borrowed from the handle
 *    they were read from and stay valid until that handle is freed.
 *  - Input strings are copied; the caller keeps ownership.
 *  - Any handle may be used from any thread. A foil_client_t runs calls from many threads
 *    at once; a Gate signup or an iterator serializes them on its own lock (cancel takes
 *    none); results, pages, documents, key pairs and payloads never change. A borrowed
 *    result of a call on a shared handle may be replaced by another thread's next call
 *    on it (see gate_session.h and result.h), and no handle may be freed while another
 *    thread is inside a call on it.
 */
#ifndef FOIL_COMMON_H
#define FOIL_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(FOIL_STATIC_DEFINE) || defined(SWIG)
#define FOIL_API
#elif defined(_WIN32)
#ifdef FOIL_BUILDING
#define FOIL_API __declspec(dllexport)
#else
#define FOIL_API __declspec(dllimport)
#endif
#else
#define FOIL_API __attribute__((visibility("default")))
#endif

#define FOIL_VERSION_MAJOR 0
#define FOIL_VERSION_MINOR 2
#define FOIL_VERSION_PATCH 0
#define FOIL_VERSION "0.2.0"
/* MAJOR * 10000 + MINOR * 100 + PATCH, comparable with foil_version_number(). */
#define FOIL_VERSION_NUMBER                                                                        \
    (FOIL_VERSION_MAJOR * 10000 + FOIL_VERSION_MINOR * 100 + FOIL_VERSION_PATCH)

/* Every status once: X(name, value, kind, parent, description).
 *  - `kind` is the stable snake_case name bindings use to pick their exception class.
 *  - `parent` is the kind of the row's parent in the exception tree, NULL for a root:
 *    the API's failures (authentication ... server) sit under "api", invalid_argument
 *    under "validation", timeout under "connection". A binding's own base class
 *    (FoilError, Foil::Error) is above every root.
 * The same table is readable at run time: foil_status_count() / foil_status_at(). */
#define FOIL_STATUS_TABLE(X) X(FOIL_OK, 0, "ok", NULL, "success") FOIL_STATUS_ERROR_ROWS(X)
/* The rows after FOIL_OK, the failures. */
#define FOIL_STATUS_ERROR_ROWS(X)                                                                  \
    X(FOIL_E_INVALID_ARGUMENT, 1, "invalid_argument", "validation", "invalid argument")            \
    X(FOIL_E_CONFIGURATION, 2, "configuration", NULL, "client configuration error")                \
    X(FOIL_E_NOMEM, 3, "out_of_memory", NULL, "out of memory")                                     \
    X(FOIL_E_CONNECTION, 4, "connection", NULL, "could not reach the Foil API")                    \
    X(FOIL_E_TIMEOUT, 5, "timeout", "connection", "request timed out")                             \
    X(FOIL_E_CANCELLED, 6, "cancelled", NULL, "operation cancelled")                               \
    X(FOIL_E_PROTOCOL, 7, "protocol", NULL, "malformed or unexpected response")                    \
    X(FOIL_E_API, 8, "api", NULL, "the Foil API returned an error")                                \
    X(FOIL_E_AUTHENTICATION, 9, "authentication", "api", "authentication failed")                  \
    X(FOIL_E_PERMISSION, 10, "permission", "api", "permission denied")                             \
    X(FOIL_E_NOT_FOUND, 11, "not_found", "api", "resource not found")                              \
    X(FOIL_E_CONFLICT, 12, "conflict", "api", "conflict")                                          \
    X(FOIL_E_GONE, 13, "gone", "api", "resource expired or already consumed")                      \
    X(FOIL_E_VALIDATION, 14, "validation", "api", "request validation failed")                     \
    X(FOIL_E_RATE_LIMITED, 15, "rate_limited", "api", "rate limited")                              \
    X(FOIL_E_SERVER, 16, "server", "api", "Foil API server error")                                 \
    X(FOIL_E_CRYPTO, 17, "crypto", NULL, "decryption or integrity check failed")                   \
    X(FOIL_E_CRYPTO_UNAVAILABLE, 18, "crypto_unavailable", NULL,                                   \
      "AES-256-GCM is not supported by this CPU")                                                  \
    X(FOIL_E_TOKEN, 19, "token_verification", NULL, "sealed token verification failed")            \
    X(FOIL_E_SIGNATURE, 20, "signature", NULL, "webhook signature verification failed")            \
    X(FOIL_E_POLICY, 21, "env_policy", NULL, "environment variable refused by policy")             \
    X(FOIL_E_REJECTED, 22, "rejected", NULL, "the signup was rejected")                            \
    X(FOIL_E_EXPIRED, 23, "expired", NULL, "the signup expired")                                   \
    X(FOIL_E_STATE, 24, "state", NULL, "operation not valid in the handle's current state")

/* A comma before each row after the first: C89 and C++98 allow none after the last. */
#define FOIL_STATUS_ENUM_ROW_(name, value, kind, parent, text) , name = value
typedef enum foil_status {
    FOIL_OK = 0 FOIL_STATUS_ERROR_ROWS(FOIL_STATUS_ENUM_ROW_)
} foil_status_t;
#undef FOIL_STATUS_ENUM_ROW_

/* Static English text for a status ("resource not found"); never NULL. */
FOIL_API const char *foil_status_str(foil_status_t status);
/* Static stable kind name for a status ("not_found"); "unknown" for a value that is not
 * in the table; never NULL. */
FOIL_API const char *foil_status_kind(foil_status_t status);

/* The status table at run time, row by row, so a binding builds its exception classes
 * from it. All strings are static (never freed); every function is thread-safe.
 *   for (size_t i = 0; i < foil_status_count(); i++) {
 *       foil_status_t s = foil_status_at(i);
 *       ... foil_status_name(s), foil_status_kind(s), foil_status_parent(s) ...
 *   }
 */
/* Number of rows (FOIL_OK included). */
FOIL_API size_t foil_status_count(void);
/* Value of row i, in table order; (foil_status_t)-1 when i >= foil_status_count(). */
FOIL_API foil_status_t foil_status_at(size_t i);
/* Enum name ("FOIL_E_NOT_FOUND"); NULL for a value that is not in the table. */
FOIL_API const char *foil_status_name(foil_status_t status);
/* Kind of the parent in the exception tree ("api" for FOIL_E_NOT_FOUND); NULL for a
 * root (and for a value that is not in the table). */
FOIL_API const char *foil_status_parent(foil_status_t status);

/* Initialise libsodium and libcurl. Idempotent and thread-safe; every entry point
 * calls it on demand, so calling it explicitly is only needed to fail early. */
FOIL_API foil_status_t foil_global_init(void);

FOIL_API const char *foil_version_string(void);
FOIL_API int foil_version_number(void);

/* Release a string returned through `char **out`. Its bytes are wiped first,
 * because such strings can hold secrets (keys, outputs). NULL is a no-op. */
FOIL_API void foil_string_free(char *s);

#ifdef __cplusplus
}
#endif
#endif
