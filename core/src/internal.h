/* libfoil internals shared by the core's translation units. Not installed. */
#ifndef FOIL_INTERNAL_H
#define FOIL_INTERNAL_H

#define _POSIX_C_SOURCE 200809L

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "foil/foil.h"

/* A view is the cJSON node itself; the public type is only a name for it. */
#define FOIL_VIEW(node) ((const foil_json_t *)(const void *)(node))
#define FOIL_NODE(view) ((const cJSON *)(const void *)(view))

struct foil_document {
    cJSON *root;
    struct foil_json_arena *arena; /* set when parsed by foil_document_parse: owns root */
};

/* --- errors (errors.c) ------------------------------------------------------
 * Each records the calling thread's last error and returns `status`, so call
 * sites read `return foil_fail(FOIL_E_..., "...")`. Messages must never contain
 * secrets. */
foil_status_t foil_fail(foil_status_t status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A client-side argument/validation error naming the field: code
 * "client.invalid_argument" (or "client.validation_failed" for FOIL_E_VALIDATION),
 * one details.fields entry. `received` may be NULL. */
foil_status_t foil_fail_field(foil_status_t status, const char *field, const char *issue,
                              const char *expected, const char *received);
foil_status_t foil_fail_nomem(void);
/* Replace the code of the calling thread's last error, for failures whose reason is
 * a stable code of its own ("token.malformed" after foil_fail(FOIL_E_TOKEN, ...)). */
void foil_error_set_code(const char *code);
/* An HTTP error response: status from the HTTP code, fields from `envelope`, the body as
 * parsed by the caller (NULL when it is not JSON), or code "request.failed"; the raw body
 * is kept. Takes ownership of nothing. */
foil_status_t foil_fail_http(int http_status, const char *body, size_t body_len,
                             const cJSON *envelope, const char *header_request_id,
                             double retry_after);
/* Transport-level failure (no usable response). */
foil_status_t foil_fail_transport(foil_status_t status, const char *what);
/* Status for an HTTP status code (401 -> FOIL_E_AUTHENTICATION, ...). */
foil_status_t foil_status_for_http(int http_status);
/* `st`, after handing the caller (error_out non-NULL) an owned copy of the calling
 * thread's error record when st is a failure: for calls with an error_out parameter. */
foil_status_t foil_error_out(foil_status_t st, foil_error_t **error_out);

/* --- strings ---------------------------------------------------------------- */
char *foil_strdup(const char *s); /* NULL-safe; NULL on NULL or no memory */
void foil_wipe_free(char *s);     /* wipe strlen bytes, then free */
void foil_wipe_string(char *s);   /* wipe strlen bytes in place */
bool foil_str_empty(const char *s);

/* --- documents (document.c) ------------------------------------------------- */
/* Wrap an owned cJSON tree; on failure the tree is deleted. */
foil_status_t foil_document_wrap(cJSON *root, foil_document_t **out);

/* --- cancellation tokens (http/cancel.c) --------------------------------------
 * true when the calling thread's bound token (foil/cancel.h) has fired, or the flag set
 * with foil_cancel_also() is non-zero. */
bool foil_cancel_requested(void);
/* Also stop the calling thread's requests when *flag becomes non-zero (NULL: no flag);
 * returns the previous flag, to put back when the scope ends. */
atomic_int *foil_cancel_also(atomic_int *flag);

/* --- process-wide (global.c) ------------------------------------------------ */
foil_status_t foil_ensure_init(void);

/* --- fork() (fork.c) -----------------------------------------------------------
 * The process's generation: one more in each child of fork(), counted by a
 * pthread_atfork handler and, for a child made without the handlers, by a pid check on
 * every call (one getpid()). Objects holding connections compare it to the one they were
 * made in. */
unsigned long foil_fork_generation(void);
/* Keep `object` (inherited from the parent: a libcurl handle whose cleanup would shut the
 * parent's connections down) reachable and untouched until exit. Lock-free: safe in a
 * fork handler. */
void foil_fork_keep(void *object);

#endif
