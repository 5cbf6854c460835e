/* libfoil on the caller's event loop: many operations at once on one thread, over
 * libcurl's multi interface (curl_multi_socket_action), with no callbacks into the host.
 *
 *   foil_loop_new(client, &loop);
 *   foil_loop_start(loop, "sessions.get", "{\"session_id\":\"sid_1\"}", &id, &err);
 *   then, after every foil_loop_* call:
 *     while (foil_loop_next_change(loop, &fd, &events))   watch fd for events (0: stop)
 *     foil_loop_timeout_ms(loop)                          (re)arm the one timer (-1: none)
 *   when a watched fd is ready:   foil_loop_ready(loop, fd, FOIL_LOOP_READ | ...)
 *   when the timer fires:         foil_loop_ready(loop, FOIL_LOOP_TIMER, 0)
 *   while (foil_loop_next_done(loop, &id, &status, &result, &err)) hand the outcome over
 *
 * Each call is foil_prepare (sansio.h) + a transfer on the loop + foil_complete, so its
 * result or typed error is the one foil_call() gives; the client's opt-in retries run on
 * the loop's timer (foil_retry_decision). Connections are pooled and kept alive across
 * calls, as in the blocking client. foil_loop_cancel() ends one call at once (it is done
 * with FOIL_E_CANCELLED); foil_client_cancel() ends every call in flight on the client.
 *
 * Threads: a loop is driven by one thread at a time (the bindings hold a lock); its
 * results and errors are owned by whoever collects them. */
#ifndef FOIL_LOOP_H
#define FOIL_LOOP_H

#include "client.h"
#include "error.h"
#include "result.h"
#include "sansio.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct foil_loop foil_loop_t;

#define FOIL_LOOP_READ 1
#define FOIL_LOOP_WRITE 2
/* foil_loop_ready's fd when the timer fired. */
#define FOIL_LOOP_TIMER (-1)

/* A loop over `client`'s options (it keeps a reference on the client). */
FOIL_API foil_status_t foil_loop_new(foil_client_t *client, foil_loop_t **out);
/* Ends every call in flight (aborted transfers close their connections; uncollected
 * outcomes are freed). Idle connections stay in the client's cache for its next calls.
 * The host stops watching every fd the loop named. */
FOIL_API void foil_loop_free(foil_loop_t *loop);

/* Start `operation` with params_json, as foil_call(): *call_id (never 0) names it until
 * it is collected. A call refused before anything is sent (bad parameters) fails here,
 * with the same error as foil_call(); error_out as for foil_call(). */
FOIL_API foil_status_t foil_loop_start(foil_loop_t *loop, const char *operation,
                                       const char *params_json, uint64_t *call_id,
                                       foil_error_t **error_out);
/* Start a request prepared with sansio.h (a walk's next page, foil_prepare_next). The
 * loop borrows it: keep it alive, unchanged, until the call is collected (or the loop
 * freed), then free it (it is what foil_prepare_next needs for the page after). */
FOIL_API foil_status_t foil_loop_start_request(foil_loop_t *loop, foil_http_request_t *request,
                                               uint64_t *call_id, foil_error_t **error_out);
/* Send a prepared request whose answer the caller completes itself: a Gate signup's step
 * (foil_gate_session_next / _prepare_create / _prepare_ack), whose session takes the
 * response as it came (foil_gate_session_feed) and decides retries itself, so none are run
 * here. Borrowed as by foil_loop_start_request. The call is done with FOIL_OK and its
 * response (foil_loop_next_done_response), or with the transport's failure: its status
 * (FOIL_E_CONNECTION, FOIL_E_TIMEOUT, FOIL_E_CANCELLED) and error, whose message is the
 * detail foil_gate_session_feed_failure takes. */
FOIL_API foil_status_t foil_loop_start_exchange(foil_loop_t *loop,
                                                const foil_http_request_t *request,
                                                uint64_t *call_id, foil_error_t **error_out);

/* The next change of what to watch since the last time it was asked: 1 with *fd and
 * *events (FOIL_LOOP_READ | FOIL_LOOP_WRITE; 0: stop watching fd), 0 when none is left.
 * Apply the changes in the order given: a "stop" for fd always comes before a new socket
 * that reuses its number is named, and by the time a "stop" is read the descriptor may
 * already be closed (remove the watcher without touching the fd). Each fd has at most one
 * interest at a time, so one watcher per fd, updated in place, is enough. */
FOIL_API int foil_loop_next_change(foil_loop_t *loop, int *fd, int *events);
/* Milliseconds until foil_loop_ready(loop, FOIL_LOOP_TIMER, 0) is due (0: now); -1 when
 * no timer is needed. */
FOIL_API long foil_loop_timeout_ms(const foil_loop_t *loop);
/* fd became ready for `events`, or the timer fired (fd FOIL_LOOP_TIMER). Runs transfers
 * as far as they go without blocking. FOIL_E_INVALID_ARGUMENT for a NULL loop. */
FOIL_API foil_status_t foil_loop_ready(foil_loop_t *loop, int fd, int events);

/* The next finished call: 1 with its id, its status, and either its result (*result;
 * NULL for a 204) or its error (*error, owned: foil_error_free()); 0 when none. Either
 * of result / error may be NULL when not wanted (the outcome is then freed). */
FOIL_API int foil_loop_next_done(foil_loop_t *loop, uint64_t *call_id, foil_status_t *status,
                                 foil_result_t **result, foil_error_t **error);
/* foil_loop_next_done, with the response of a call started by foil_loop_start_exchange
 * (*response, owned: foil_http_response_free(); NULL for every other call and on failure).
 * foil_loop_next_done frees an exchange's response. */
FOIL_API int foil_loop_next_done_response(foil_loop_t *loop, uint64_t *call_id,
                                          foil_status_t *status, foil_result_t **result,
                                          foil_http_response_t **response, foil_error_t **error);

/* End call `call_id` now: its transfer is aborted (the connection closed if mid-answer)
 * and it is done with FOIL_E_CANCELLED. Other calls are untouched. An unknown or already
 * finished id is FOIL_E_STATE. */
FOIL_API foil_status_t foil_loop_cancel(foil_loop_t *loop, uint64_t call_id);
/* Calls started and not yet collected. */
FOIL_API size_t foil_loop_pending(const foil_loop_t *loop);

#ifdef __cplusplus
}
#endif
#endif
