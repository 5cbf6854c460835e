/* libfoil without I/O: prepare an operation's HTTP request, complete it from the HTTP
 * response the caller obtained on its own (an event loop, nginx cosockets, a test).
 *
 *   foil_prepare(client, "sessions.get", "{\"session_id\":\"sid_1\"}", &req, &err);
 *   send foil_http_request_method(req) to foil_http_request_url(req) with every header
 *     (foil_http_request_header_name/_value) and foil_http_request_body(req, &len)
 *   foil_http_response_new(status, &resp);
 *   foil_http_response_add_header(resp, name, value);   for each header received
 *   foil_http_response_append_body(resp, bytes, n);       as the body arrives
 *   foil_complete(req, resp, &result, &err);
 *   (a transport failure instead: foil_complete_failure(req, FOIL_E_TIMEOUT, ...))
 *
 * The result, or the typed error, is the one foil_call() gives for the same answer:
 * foil_call() is foil_prepare + libcurl + foil_complete. The same validation of the
 * parameters, the same parser and size cap (the client's max_response_bytes), the same
 * error mapping. No callbacks, no thread-local state beyond foil_last_error() (which
 * error_out spares an FFI caller). Secrets in a prepared request (the Authorization
 * header, a body holding tokens) are wiped when it is freed.
 *
 * Retries are the caller's to run, decided here (foil_retry_decision): whether and after
 * how long, from the client's opt-in max_retries. A walk's next page is prepared from the
 * page just completed (foil_prepare_next). A Gate signup runs step by step the same way:
 * see foil_gate_session_next / foil_gate_session_feed in gate_session.h.
 *
 * A prepared request is immutable and may be read from any thread; completing it twice
 * is allowed (each completion is independent). A response under construction belongs to
 * one thread at a time. */
#ifndef FOIL_SANSIO_H
#define FOIL_SANSIO_H

#include "client.h"
#include "error.h"
#include "result.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct foil_http_request foil_http_request_t;
typedef struct foil_http_response foil_http_response_t;

/* The request for `operation` (an SDK name, as foil_call()) with params_json (NULL: {}).
 * Every check foil_call() makes before sending is made here, with the same errors; the
 * client's options are frozen as by a request. error_out as for foil_call(). */
FOIL_API foil_status_t foil_prepare(foil_client_t *client, const char *operation,
                                    const char *params_json, foil_http_request_t **out,
                                    foil_error_t **error_out);

/* The SDK name of the operation ("sessions.get"). */
FOIL_API const char *foil_http_request_operation(const foil_http_request_t *r);
/* "GET", "POST", "PATCH", "DELETE". */
FOIL_API const char *foil_http_request_method(const foil_http_request_t *r);
/* The whole URL: base URL, escaped path, query. */
FOIL_API const char *foil_http_request_url(const foil_http_request_t *r);
/* The URL's parts, for a host that opens its own connections: "http" or "https", the
 * host (an IPv6 address without brackets), the port (the scheme's default when the URL
 * names none), and the request target (path and query). */
FOIL_API const char *foil_http_request_scheme(const foil_http_request_t *r);
FOIL_API const char *foil_http_request_host(const foil_http_request_t *r);
FOIL_API int foil_http_request_port(const foil_http_request_t *r);
FOIL_API const char *foil_http_request_target(const foil_http_request_t *r);
/* Every header to send, in order: Accept, User-Agent (when the client sets one),
 * X-Foil-Client, Content-Type (with a body), Authorization (when the operation takes a
 * credential). Host, Content-Length and Accept-Encoding are the transport's: not listed
 * (the body handed to foil_http_response_append_body is the decoded one). Authorization
 * is a secret: never log its value. Out of range: NULL. */
FOIL_API size_t foil_http_request_header_count(const foil_http_request_t *r);
FOIL_API const char *foil_http_request_header_name(const foil_http_request_t *r, size_t i);
FOIL_API const char *foil_http_request_header_value(const foil_http_request_t *r, size_t i);
/* The body (JSON text, *body_len bytes) or NULL (and *body_len 0) when it has none. */
FOIL_API const char *foil_http_request_body(const foil_http_request_t *r, size_t *body_len);
/* The client's options a transport applies: the whole request's and the connect
 * timeout in ms, the largest response body accepted, the CA bundle file (NULL: the
 * system's store), the proxy (NULL: none, and always NULL for a loopback base URL). */
FOIL_API long foil_http_request_timeout_ms(const foil_http_request_t *r);
FOIL_API long foil_http_request_connect_timeout_ms(const foil_http_request_t *r);
FOIL_API long foil_http_request_max_response_bytes(const foil_http_request_t *r);
FOIL_API const char *foil_http_request_ca_bundle(const foil_http_request_t *r);
FOIL_API const char *foil_http_request_proxy(const foil_http_request_t *r);
/* 1 for GET and DELETE: the only requests retried. */
FOIL_API int foil_http_request_idempotent(const foil_http_request_t *r);
/* Wipes the secrets it holds, then frees. NULL is a no-op. */
FOIL_API void foil_http_request_free(foil_http_request_t *r);

/* A response as received: the status (100..999, else FOIL_E_INVALID_ARGUMENT), the
 * headers that matter (X-Request-Id, cut to 127 bytes; Retry-After, delay-seconds or an
 * HTTP-date; Content-Length; others, Content-Type included, are ignored as the libcurl
 * transport ignores them), the body, decoded (no Content-Encoding left). A response does
 * not know its request: it keeps what is appended, and foil_complete() fails with
 * FOIL_E_PROTOCOL (the libcurl transport's error) when the body, or the Content-Length
 * announced, is longer than the request's max_response_bytes, so a transport stops
 * reading once it has more than that, or reads nothing after such headers. Header
 * names are matched case-insensitively; a repeated header: the last one counts. */
FOIL_API foil_status_t foil_http_response_new(int http_status, foil_http_response_t **out);
FOIL_API foil_status_t foil_http_response_add_header(foil_http_response_t *resp, const char *name,
                                                     const char *value);
FOIL_API foil_status_t foil_http_response_append_body(foil_http_response_t *resp, const void *data,
                                                      size_t len);
/* Wipes the body (it may hold secrets shown once), then frees. NULL is a no-op. */
FOIL_API void foil_http_response_free(foil_http_response_t *resp);

/* The outcome of `request` from `response`: FOIL_OK with *out as foil_call() gives it
 * (NULL for a 204), or the typed error (and *out NULL). error_out as for foil_call(). */
FOIL_API foil_status_t foil_complete(const foil_http_request_t *request,
                                     const foil_http_response_t *response, foil_result_t **out,
                                     foil_error_t **error_out);
/* The outcome of `request` when no response came: status is FOIL_E_CONNECTION,
 * FOIL_E_TIMEOUT or FOIL_E_CANCELLED (anything else is FOIL_E_INVALID_ARGUMENT); detail
 * (may be NULL) is the transport's reason. Returns `status` with the error foil_call()
 * gives for that failure; error_out as for foil_call(). */
FOIL_API foil_status_t foil_complete_failure(const foil_http_request_t *request,
                                             foil_status_t status, const char *detail,
                                             foil_error_t **error_out);

/* Whether to send `request` again after attempt number `attempt` (0: the first) failed
 * with `failure` (from foil_complete / foil_complete_failure), `elapsed_ms` after the
 * first attempt began: 1 and *delay_ms (the wait before the next attempt: Retry-After,
 * capped at 60 s, else exponential backoff with full jitter) when it should; 0 when it
 * should not (not idempotent, not retryable, max_retries reached, or the wait would end
 * past the budget of timeout_ms per allowed attempt). */
FOIL_API int foil_retry_decision(const foil_http_request_t *request, int attempt,
                                 const foil_error_t *failure, long elapsed_ms, long *delay_ms);

/* The request for the page after `page` (a result of the paginated list `request`
 * prepared): FOIL_OK and *out NULL when `page` is the last. error_out as for foil_call(). */
FOIL_API foil_status_t foil_prepare_next(const foil_http_request_t *request,
                                         const foil_result_t *page, foil_http_request_t **out,
                                         foil_error_t **error_out);

#ifdef __cplusplus
}
#endif
#endif
