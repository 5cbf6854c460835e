/* libfoil: rich detail about the last failure on the calling thread.
 *
 * foil_last_error() returns a thread-local record that describes the most recent
 * failing libfoil call made by this thread. It stays valid until the next libfoil
 * call on the same thread that fails (successful calls leave it untouched). All
 * strings are borrowed from it. Secrets never appear in messages.
 *
 * foil_error_copy() makes an owned copy of a record, independent of any thread (to read
 * a failure later, or on another thread, e.g. where a runtime moves work between
 * threads); it is released with foil_error_free(). Every accessor below reads either.
 */
#ifndef FOIL_ERROR_H
#define FOIL_ERROR_H

#include "common.h"
#include "json.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct foil_error foil_error_t;

/* Never NULL; when nothing has failed yet the status is FOIL_OK. */
FOIL_API const foil_error_t *foil_last_error(void);
/* Reset the calling thread's record to FOIL_OK. */
FOIL_API void foil_error_clear(void);

FOIL_API foil_status_t foil_error_status(const foil_error_t *e);
/* HTTP status of the failed response, 0 when no response was received. */
FOIL_API int foil_error_http_status(const foil_error_t *e);
/* API error code ("auth.invalid_api_key"), or a client-side one ("client.invalid_argument",
 * "request.failed" for a non-envelope error body). Never NULL. */
FOIL_API const char *foil_error_code(const foil_error_t *e);
/* Human-readable message; never NULL. */
FOIL_API const char *foil_error_message(const foil_error_t *e);
/* 1 when retrying the same request may succeed, else 0. */
FOIL_API int foil_error_retryable(const foil_error_t *e);
/* `x-request-id` response header, else the body's request_id; NULL when absent. */
FOIL_API const char *foil_error_request_id(const foil_error_t *e);
FOIL_API const char *foil_error_docs_url(const foil_error_t *e);
/* details.next_action ("retry", "new_session", ...), NULL when absent. */
FOIL_API const char *foil_error_next_action(const foil_error_t *e);
/* Seconds from the Retry-After header, or -1 when absent. */
FOIL_API double foil_error_retry_after(const foil_error_t *e);
/* Raw response body, NULL when there was none. */
FOIL_API const char *foil_error_body(const foil_error_t *e);
/* details as a JSON view (NULL when absent). */
FOIL_API const foil_json_t *foil_error_details(const foil_error_t *e);

/* details.fields[]: name, issue, expected, received. `received` is rendered as
 * JSON text when it is not a string ("42", "null"). Client-side validation errors
 * fill one field naming the offending argument. */
FOIL_API size_t foil_error_field_count(const foil_error_t *e);
FOIL_API const char *foil_error_field_name(const foil_error_t *e, size_t i);
FOIL_API const char *foil_error_field_issue(const foil_error_t *e, size_t i);
FOIL_API const char *foil_error_field_expected(const foil_error_t *e, size_t i);
FOIL_API const char *foil_error_field_received(const foil_error_t *e, size_t i);

/* details.allowed_values[] as strings. */
FOIL_API size_t foil_error_allowed_value_count(const foil_error_t *e);
FOIL_API const char *foil_error_allowed_value(const foil_error_t *e, size_t i);

/* The whole record as one JSON object, so a binding converts one value and raises the
 * class for its "kind". Every key is always present, null when unknown:
 *   "kind"           status kind (foil_status_kind(): "not_found", "invalid_argument", ...)
 *   "status"         HTTP status, 0 when no response was received
 *   "code"           foil_error_code()            "message"      foil_error_message()
 *   "request_id"     string or null               "retryable"    true / false
 *   "retry_after"    seconds (number) or null     "docs_url"     string or null
 *   "next_action"    string or null
 *   "field_errors"   array of objects shaped as the official SDKs' field_errors:
 *                    the API's details.fields objects as sent ({"name", "issue",
 *                    "expected", "received"}, "received" of any JSON type), or for a
 *                    client-side error {"name", "issue"} plus "expected" / "received"
 *                    (strings) when known; [] when none
 *   "allowed_values" array of strings ([] when none)
 *   "details"        the error's details object, or null
 *   "body"           the raw response body as a string, or null
 * Borrowed from e: built on first use, kept in the record and freed with it (for
 * foil_last_error(): at the calling thread's next failure, foil_error_clear() or thread
 * exit; for a copy: by foil_error_free()). NULL when e is NULL or memory runs out.
 * Building it never changes the record; threads reading one copy at once get the same
 * view (the first one built is kept). */
FOIL_API const foil_json_t *foil_error_json(const foil_error_t *e);

/* An owned deep copy of `e` (every field, details included), usable from any thread and
 * unaffected by later failures. *out belongs to the caller: release it with
 * foil_error_free(). FOIL_E_INVALID_ARGUMENT when e or out is NULL; on FOIL_E_NOMEM the
 * calling thread's record is replaced (after e was read). */
FOIL_API foil_status_t foil_error_copy(const foil_error_t *e, foil_error_t **out);
/* An owned record for a failure with this status that has no record of its own (a call
 * that reports only a status, or a binding's own check of an argument): kind and code
 * ("client.<kind>") from the status table, `message` (NULL: the status's text,
 * foil_status_str()), retryable as the core's own failures of that status, no HTTP
 * status, fields or details. So a binding never builds an error by hand: it converts
 * this record as any other. The calling thread's record is replaced by the same failure.
 * Release it with foil_error_free(). FOIL_E_INVALID_ARGUMENT when status is FOIL_OK or
 * not in the status table, or out is NULL. */
FOIL_API foil_status_t foil_error_new(foil_status_t status, const char *message,
                                      foil_error_t **out);
/* Release a copy from foil_error_copy(). NULL is a no-op, and so is a thread's own
 * record (the pointer foil_last_error() returns): it is never freed by hand. */
FOIL_API void foil_error_free(foil_error_t *e);

#ifdef __cplusplus
}
#endif
#endif
