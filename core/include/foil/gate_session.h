/* libfoil: a Gate signup from start to finish.
 *
 *   foil_gate_session_create   fresh X25519 key pair + POST /v1/gate/sessions
 *   (show foil_gate_session_consent_url() to the person)
 *   foil_gate_session_wait     poll until approved / rejected / expired / deadline
 *     (or, without a C callback: foil_gate_session_wait_start + foil_gate_session_step
 *     in the caller's own loop, sleeping where and how it likes between steps)
 *   foil_gate_session_output*  the merged, policy-checked outputs of both envelopes
 *     (or foil_gate_session_outputs(): the same as one JSON object)
 *   (write them durably)
 *   foil_gate_session_ack      acknowledge: the delivery is then gone for good
 *
 * Nothing lost: foil_gate_session_export() turns the session (private key
 * included) into a string the caller stores privately before writing outputs;
 * foil_gate_session_import() resumes it after a crash, until it is acknowledged.
 *
 * Threads. A session may be shared by threads: every call that reads or changes what a poll
 * changes (poll, wait_start, step, ack, status, poll data, outputs, errors, seconds_left)
 * takes the session's lock, so calls from several threads take turns -- a poll waits for
 * the one in flight (at most one request, which foil_gate_session_cancel() ends) rather
 * than being refused. foil_gate_session_wait() holds it for each step, not while it
 * sleeps. foil_gate_session_cancel() never takes it, so it reaches a wait in progress at
 * once. The lock guards the call, not what it returns: a borrowed pointer into state a poll
 * replaces (the poll data, docs URL, errors) is valid until the next poll / step / ack on
 * the session from ANY thread -- copy it, or keep other threads off the session while you
 * read it. The status text is never freed before the session (only rewritten). Freeing a
 * session while another thread is inside a call on it cannot be made safe in C: the caller
 * must make sure every other call has returned (the bindings do).
 *
 * Cancellation. foil_gate_session_cancel() sets an atomic flag on the session. The wait
 * or step in progress, or else the next one, consumes it and returns FOIL_E_CANCELLED, so
 * a cancel issued just before a wait starts is not lost (and cancels that wait). A poll
 * of the wait already in flight is aborted too (within ~0.1 s); no other request on the
 * client is touched. (foil_client_cancel() aborts every request in flight on the client.)
 */
#ifndef FOIL_GATE_SESSION_H
#define FOIL_GATE_SESSION_H

#include "client.h"
#include "delivery.h"
#include "error.h"
#include "json.h"
#include "sansio.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct foil_gate_session foil_gate_session_t;

/* The longest a wait without a timeout of its own lasts (24 hours), whatever the session's
 * expires_at says: it then ends with FOIL_E_TIMEOUT. */
#define FOIL_GATE_SESSION_MAX_WAIT_SECONDS 86400

/* Called after every poll and about every 100 ms while waiting. status is
 * "pending", "approved", ...; seconds_left counts down to the deadline. Return
 * non-zero to stop waiting (foil_gate_session_wait then returns FOIL_E_CANCELLED). */
typedef int (*foil_gate_progress_fn)(void *user_data, const char *status, double seconds_left);

/* Create the key pair and the session. metadata_json: a JSON object or NULL.
 * The session keeps a reference on the client. An answer without id, poll_token,
 * consent_url, or an expires_at of the form YYYY-MM-DDTHH:MM:SS[.fff]Z (or +00:00) is
 * FOIL_E_PROTOCOL: expires_at is what ends a wait. */
FOIL_API foil_status_t foil_gate_session_create(foil_client_t *client, const char *service_id,
                                                const char *account_name, const char *metadata_json,
                                                foil_gate_session_t **out);

FOIL_API const char *foil_gate_session_id(const foil_gate_session_t *s);
FOIL_API const char *foil_gate_session_service_id(const foil_gate_session_t *s);
FOIL_API const char *foil_gate_session_account_name(const foil_gate_session_t *s);
FOIL_API const char *foil_gate_session_consent_url(const foil_gate_session_t *s);
FOIL_API const char *foil_gate_session_expires_at(const foil_gate_session_t *s);
/* The poll token is a credential: never log it. */
FOIL_API const char *foil_gate_session_poll_token(const foil_gate_session_t *s);
/* "pending", "approved", "rejected", "expired" or "acknowledged". */
FOIL_API const char *foil_gate_session_status(const foil_gate_session_t *s);
/* The latest poll's data (GateSessionPollData), NULL before the first poll. */
FOIL_API const foil_json_t *foil_gate_session_poll_data(const foil_gate_session_t *s);
/* The service docs URL the API returned with the approval (NULL if none). */
FOIL_API const char *foil_gate_session_docs_url(const foil_gate_session_t *s);
FOIL_API const foil_delivery_key_pair_t *foil_gate_session_key_pair(const foil_gate_session_t *s);

/* One poll. When it finds the session approved with its delivery bundle, both
 * envelopes are decrypted and checked and the outputs become available. A session
 * already acknowledged or expired at the API is FOIL_E_GONE. */
FOIL_API foil_status_t foil_gate_session_poll(foil_gate_session_t *s);

/* Waiting without a callback (the curl_multi_timeout pattern):
 *
 *   foil_gate_session_wait_start(s, timeout_ms, interval_ms);
 *   for (;;) {
 *       long wait_ms;
 *       foil_status_t st = foil_gate_session_step(s, &wait_ms);
 *       if (st != FOIL_OK) ...;            terminal: rejected, expired, timeout, cancelled...
 *       if (wait_ms == 0) break;           approved: the outputs are ready
 *       sleep up to wait_ms (waking early is fine: the next step says how long is left)
 *   }
 *
 * foil_gate_session_wait_start: begin a wait. timeout_ms <= 0: until the session's
 * expires_at, but never longer than FOIL_GATE_SESSION_MAX_WAIT_SECONDS; otherwise the earlier
 * of timeout_ms and expires_at. An expires_at already past gets one last poll (approved at
 * the last moment, else FOIL_E_EXPIRED). interval_ms <= 0: 1000 ms between polls.
 * Starting again restarts the deadline. A pending cancel is kept (see Cancellation).
 * FOIL_E_INVALID_ARGUMENT when s is NULL. */
FOIL_API foil_status_t foil_gate_session_wait_start(foil_gate_session_t *s, long timeout_ms,
                                                    long interval_ms);
/* One step of the wait: polls once if a poll is due (the first step polls at once).
 *  - FOIL_OK, *wait_ms == 0: approved, the outputs are ready; the wait is over.
 *  - FOIL_OK, *wait_ms > 0: still pending, or a transient failure was absorbed (network,
 *    timeout, 429, 5xx, or a response that is not a usable answer: a corrupt body, a
 *    wrong content type, an oversized body); the calling thread's foil_last_error()
 *    then describes it. Sleep *wait_ms milliseconds (never past the deadline;
 *    Retry-After honoured, capped at 60 s) and step again.
 *  - Terminal, the wait is over: FOIL_E_REJECTED, FOIL_E_EXPIRED, FOIL_E_TIMEOUT (the
 *    deadline passed; its message names the last transient failure, if any),
 *    FOIL_E_CANCELLED, FOIL_E_GONE (acknowledged or expired at the API), or any other
 *    error (a delivery that fails to decrypt or check is FOIL_E_CRYPTO / _VALIDATION /
 *    _PROTOCOL / _POLICY and never retried).
 * Without a wait_start (or after a wait ended), a step starts a wait with the defaults.
 * *wait_ms is 0 on every non-OK return. FOIL_E_INVALID_ARGUMENT when s or wait_ms is NULL.
 * Never sleeps: each call costs at most one HTTP request. */
FOIL_API foil_status_t foil_gate_session_step(foil_gate_session_t *s, long *wait_ms);
/* Seconds left before the deadline of the wait in progress (0 once passed); with no wait
 * in progress, seconds until the session's expires_at (0 once passed); -1 when s is NULL. */
FOIL_API double foil_gate_session_seconds_left(const foil_gate_session_t *s);

/* The same signup without I/O (sansio.h): the caller sends each request and feeds back
 * the answer; the session decides what comes next, exactly as foil_gate_session_step()
 * does, which is next + libcurl + feed.
 *   foil_gate_session_prepare_create(client, service_id, account_name, metadata, &s, &req)
 *   send req, then foil_gate_session_feed(s, req, resp, &wait_ms): the session is created
 *   (its id, consent URL, expires_at) or the error foil_gate_session_create() gives.
 *   foil_gate_session_wait_start(s, timeout_ms, interval_ms);
 *   for (;;) {
 *       st = foil_gate_session_next(s, &req, &wait_ms);   terminal status: the wait is over
 *       if (st != FOIL_OK) ...;
 *       if (req) { send it; st = foil_gate_session_feed(s, req, resp, &wait_ms); free req }
 *       (a transport failure: foil_gate_session_feed_failure(s, req, status, detail, ...))
 *       (detail: the transport's text; a loop's error message for req is kept as it is)
 *       if (st != FOIL_OK) ...; if (wait_ms == 0) break;  approved: outputs ready
 *       sleep up to wait_ms
 *   }
 *   foil_gate_session_prepare_ack(s, &req), send, feed: acknowledged.
 *   (foil_gate_session_prepare_poll(s, &req), send, feed: one poll, as foil_gate_session_poll.)
 * A feed returns what foil_gate_session_step() returns for the same answer (transient
 * failures absorbed into *wait_ms within the deadline). next never fails for a request
 * not fed back: a poll prepared and never answered is simply prepared again. */
FOIL_API foil_status_t foil_gate_session_prepare_create(
    foil_client_t *client, const char *service_id, const char *account_name,
    const char *metadata_json, foil_gate_session_t **out, foil_http_request_t **request);
/* The next request of the wait in progress (a poll), *request NULL and *wait_ms > 0 when
 * none is due yet; terminal statuses as foil_gate_session_step(). */
FOIL_API foil_status_t foil_gate_session_next(foil_gate_session_t *s, foil_http_request_t **request,
                                              long *wait_ms);
/* One poll without I/O, as foil_gate_session_poll() (not a step of a wait: no wait is
 * started or changed): *request NULL when none is due (the delivery is already here);
 * FOIL_E_STATE once acknowledged. Its feed is foil_gate_session_poll()'s outcome (a rejected
 * session is FOIL_OK with the status "rejected"; a failure is not absorbed), *wait_ms 0. */
FOIL_API foil_status_t foil_gate_session_prepare_poll(foil_gate_session_t *s,
                                                      foil_http_request_t **request);
FOIL_API foil_status_t foil_gate_session_prepare_ack(foil_gate_session_t *s,
                                                     foil_http_request_t **request);
/* The answer to a request from prepare_create, next, prepare_poll or prepare_ack. *wait_ms: as for
 * foil_gate_session_step() after a poll, 0 after a create or an ack. */
FOIL_API foil_status_t foil_gate_session_feed(foil_gate_session_t *s,
                                              const foil_http_request_t *request,
                                              const foil_http_response_t *response, long *wait_ms);
FOIL_API foil_status_t foil_gate_session_feed_failure(foil_gate_session_t *s,
                                                      const foil_http_request_t *request,
                                                      foil_status_t status, const char *detail,
                                                      long *wait_ms);

/* Poll until approved (FOIL_OK, outputs available), rejected (FOIL_E_REJECTED),
 * expired (FOIL_E_EXPIRED), the deadline (FOIL_E_TIMEOUT) or cancellation
 * (FOIL_E_CANCELLED): wait_start + step in a loop, sleeping in slices of at most
 * 100 ms. timeout_ms and interval_ms as for foil_gate_session_wait_start(); transient
 * failures are retried within the deadline as foil_gate_session_step() describes.
 * progress may be NULL; returning non-zero from it cancels the wait. */
FOIL_API foil_status_t foil_gate_session_wait(foil_gate_session_t *s, long timeout_ms,
                                              long interval_ms, foil_gate_progress_fn progress,
                                              void *user_data);
/* Cancel the session's wait in progress, or else its next wait / step (see Cancellation
 * above): C11 atomics, safe from any thread and from a signal handler. NULL is a no-op. */
FOIL_API void foil_gate_session_cancel(foil_gate_session_t *s);

/* The last failure of a call on this handle (poll, wait_start, step, wait, ack): an owned
 * copy kept by the session, so it can be read from any thread after the call returned
 * (unlike foil_last_error(), which belongs to the calling thread). Absorbed transient
 * failures of a step are not failures of the call and are not kept. Borrowed from s:
 * valid until the next failing call on s or foil_gate_session_free(). NULL when no call
 * on s has failed yet, or s is NULL. Read it with the foil_error_* accessors (or
 * foil_error_json()). */
FOIL_API const foil_error_t *foil_gate_session_error(const foil_gate_session_t *s);
/* The transient failure the latest poll of a wait absorbed (network, timeout, 429, 5xx,
 * an unusable answer) -- what a progress display shows as "retrying: ..." -- as an owned
 * copy kept by the session, so an FFI caller reads it from any thread (the step itself
 * returns FOIL_OK and leaves the detail in the calling thread's foil_last_error()). NULL
 * when the latest poll of the wait succeeded, no poll has failed since wait_start, or s is
 * NULL. Borrowed from s: valid until the next step, wait_start or foil_gate_session_free(). */
FOIL_API const foil_error_t *foil_gate_session_transient_error(const foil_gate_session_t *s);

/* Outputs after approval: integrator and gate envelopes merged, with the env-var
 * policy applied (blocked keys refused; Gate-managed keys only from the gate
 * envelope). Values are secrets, wiped when the session is freed. */
FOIL_API size_t foil_gate_session_output_count(const foil_gate_session_t *s);
FOIL_API const char *foil_gate_session_output_key(const foil_gate_session_t *s, size_t i);
FOIL_API const char *foil_gate_session_output_value(const foil_gate_session_t *s, size_t i);
FOIL_API const char *foil_gate_session_output(const foil_gate_session_t *s, const char *key);
/* Keys the policy refused, with the reason ("invalid_name", "blocked",
 * "gate_managed_from_integrator"; see foil_env_key_refusal). */
FOIL_API size_t foil_gate_session_refused_count(const foil_gate_session_t *s);
FOIL_API const char *foil_gate_session_refused_key(const foil_gate_session_t *s, size_t i);
FOIL_API const char *foil_gate_session_refused_reason(const foil_gate_session_t *s, size_t i);

/* The same as JSON views, for bindings that convert one value at a time. Borrowed from s,
 * valid until foil_gate_session_free() (which wipes the outputs view: its values are
 * secrets). NULL before the delivery is decrypted (and for a NULL s).
 *   foil_gate_session_outputs: {"KEY":"value",...}, in the order of the index API.
 *   foil_gate_session_refused: {"KEY":"reason",...} ({} when none), each refused key once,
 *     in the order of the index API (which lists a key refused by both envelopes twice).
 * Every binding exposes these two shapes as they are: a map of names to values and a map
 * of names to reasons. */
FOIL_API const foil_json_t *foil_gate_session_outputs(const foil_gate_session_t *s);
FOIL_API const foil_json_t *foil_gate_session_refused(const foil_gate_session_t *s);

/* Acknowledge the delivery (only after the outputs are stored durably). */
FOIL_API foil_status_t foil_gate_session_ack(foil_gate_session_t *s);

/* The whole session, private key included, as a JSON string to store privately
 * (mode 0600). Free with foil_string_free() (which wipes it); no other copy of the key is
 * left in freed memory. */
FOIL_API foil_status_t foil_gate_session_export(const foil_gate_session_t *s, char **out);
/* Resume an exported session on `client`; poll or wait to fetch the delivery (the API serves
 * it until acknowledged; afterwards a poll or an ack is FOIL_E_GONE). FOIL_E_INVALID_ARGUMENT,
 * never quoting the text: text that is not an export exactly as written (a member named twice,
 * a \u0000, bytes that are not UTF-8), a version other than 1, a missing or empty member, a
 * private key that does not read, or an export made on another API than the client's
 * base_url (its poll token is never sent elsewhere). An export whose expires_at is missing or
 * unreadable is FOIL_E_PROTOCOL, as at create. */
FOIL_API foil_status_t foil_gate_session_import(foil_client_t *client, const char *exported,
                                                foil_gate_session_t **out);
FOIL_API void foil_gate_session_free(foil_gate_session_t *s);

/* foil_gate_session_create / _import for FFI callers: the same calls, with a failure also
 * handed back as an owned copy through error_out (may be NULL; set to NULL on success;
 * free it with foil_error_free()), so it is read without the thread-local
 * foil_last_error() (see call.h). Once a handle exists, foil_gate_session_error() gives
 * its failures the same way. */
FOIL_API foil_status_t foil_gate_session_create_ex(foil_client_t *client, const char *service_id,
                                                   const char *account_name,
                                                   const char *metadata_json,
                                                   foil_gate_session_t **out,
                                                   foil_error_t **error_out);
FOIL_API foil_status_t foil_gate_session_import_ex(foil_client_t *client, const char *exported,
                                                   foil_gate_session_t **out,
                                                   foil_error_t **error_out);

#ifdef __cplusplus
}
#endif
#endif
