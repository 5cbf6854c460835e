/* The event-loop transport (foil/loop.h): many calls at once on one libcurl multi handle
 * driven with curl_multi_socket_action, the host told what to watch (interest.c), each
 * call prepared and completed by sansio.h (call.c).
 *
 * Connections: every easy handle sits on the client's connection cache (CURLSH, see
 * http/transport.c), so a call on a loop reuses a connection the blocking client or
 * another loop left open, and a short-lived loop per call still keeps connections alive
 * across calls. Easy handles are pooled per loop.
 *
 * After fork() a child never drives the parent's multi or handles (their connections are
 * the parent's; the transport's fork handler has closed the child's copies of the
 * sockets): the calls in flight end with FOIL_E_CONNECTION, the host is told to stop
 * watching every fd, and later calls run on a new multi handle with new connections. */
#include "call.h"
#include "interest.h"

#include "foil/loop.h"
#include "http/client_internal.h"

#include <stdlib.h>
#include <string.h>

/* Idle easy handles kept for the next calls; more are freed (each holds a 256 KB buffer). */
#define IDLE_HANDLES 16
/* While calls are in flight, the timer comes back at least this often, so a
 * foil_client_cancel() from another thread ends them within about this long. */
#define CANCEL_TICK_MS 100
#define MAX_CONNECTIONS 64

struct foil_loop {
    foil_client_t *client;
    CURLM *multi;             /* NULL until the first call (again in a forked child) */
    unsigned long generation; /* foil_fork_generation() of multi and the idle handles */
    foil_loop_interest_t interest;
    foil_loop_call_t *calls; /* started and not collected (done ones included) */
    foil_loop_call_t *done_head, *done_tail;
    size_t pending;
    uint64_t next_id;
    long cancel_seen;         /* the client's cancel_generation when last looked at */
    long long cancel_seen_ms; /* when that was */
    CURL *idle[IDLE_HANDLES];
    size_t idle_count;
};

foil_status_t foil_loop_new(foil_client_t *client, foil_loop_t **out) {
    if (out) *out = NULL;
    if (!client || !out)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, client ? "out" : "client",
                               "must not be NULL", NULL, NULL);
    foil_loop_t *loop = calloc(1, sizeof *loop);
    if (!loop) return foil_fail_nomem();
    foil_client_retain(client);
    loop->client = client;
    loop->generation = foil_fork_generation();
    loop->next_id = 1;
    loop->cancel_seen = atomic_load(&client->cancel_generation);
    foil_loop_interest_init(&loop->interest);
    *out = loop;
    return FOIL_OK;
}

/* ---- easy handles --------------------------------------------------------------- */

static CURL *take_handle(foil_loop_t *loop) {
    if (loop->idle_count > 0) return loop->idle[--loop->idle_count];
    CURL *easy = foil_transport_new_handle(loop->client->transport);
    if (easy) foil_loop_call_configure_handle(easy);
    return easy;
}

/* The attempt is over: count its connections, pool the handle again. */
static void give_handle_back(foil_loop_t *loop, foil_loop_call_t *c) {
    CURL *easy = c->easy;
    if (!easy) return;
    long connects = 0;
    if (curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK)
        atomic_fetch_add(&loop->client->connections_opened, connects);
    curl_multi_remove_handle(loop->multi, easy);
    foil_loop_call_unbind(c);
    if (loop->idle_count < IDLE_HANDLES)
        loop->idle[loop->idle_count++] = easy;
    else
        curl_easy_cleanup(easy);
}

/* ---- forks ---------------------------------------------------------------------- */

static void finish(foil_loop_t *loop, foil_loop_call_t *c, foil_status_t st, foil_result_t *result,
                   foil_error_t *error) {
    c->done = true;
    c->retry_due_ms = -1;
    c->status = st;
    c->result = result;
    c->error = error;
    if (loop->done_tail)
        loop->done_tail->done_next = c;
    else
        loop->done_head = c;
    loop->done_tail = c;
}

/* In a forked child: set the parent's multi and handles aside untouched (never driven,
 * freed or removed: that would read or close the parent's connections). */
static void leave_inherited(foil_loop_t *loop) {
    unsigned long generation = foil_fork_generation();
    if (loop->generation == generation) return;
    loop->generation = generation;
    foil_fork_keep(loop->multi);
    loop->multi = NULL;
    for (size_t i = 0; i < loop->idle_count; i++)
        foil_fork_keep(loop->idle[i]);
    loop->idle_count = 0;
    for (foil_loop_call_t *c = loop->calls; c; c = c->next) {
        if (c->done) continue;
        if (c->easy) {
            foil_fork_keep(c->easy);
            c->easy = NULL;
        }
        foil_error_t *err = NULL;
        foil_status_t st = foil_complete_failure(
            c->request, FOIL_E_CONNECTION,
            "the call was started before fork(): its connection belongs to the parent process",
            &err);
        finish(loop, c, st, NULL, err);
    }
    foil_loop_interest_forget_all(&loop->interest);
}

/* ---- calls ---------------------------------------------------------------------- */

static foil_status_t ensure_multi(foil_loop_t *loop) {
    if (loop->multi) return FOIL_OK;
    if (!(loop->multi = curl_multi_init())) return foil_fail_nomem();
    /* The shared cache's size limit comes from the multi handle (as http/request.c). */
    curl_multi_setopt(loop->multi, CURLMOPT_MAXCONNECTS, (long)MAX_CONNECTIONS);
    foil_loop_interest_attach(&loop->interest, loop->multi);
    return FOIL_OK;
}

/* Put the call's next attempt on the wire (it starts at the next timer). */
static foil_status_t send_attempt(foil_loop_t *loop, foil_loop_call_t *c) {
    CURL *easy = take_handle(loop);
    if (!easy) return foil_fail_nomem();
    foil_status_t st = foil_loop_call_bind(c, easy);
    if (st != FOIL_OK) {
        curl_easy_cleanup(easy);
        return st;
    }
    if (curl_multi_add_handle(loop->multi, easy) != CURLM_OK) {
        foil_loop_call_unbind(c);
        curl_easy_cleanup(easy);
        return foil_fail_nomem();
    }
    return FOIL_OK;
}

static void unlink_call(foil_loop_t *loop, foil_loop_call_t *c) {
    if (c->prev)
        c->prev->next = c->next;
    else
        loop->calls = c->next;
    if (c->next) c->next->prev = c->prev;
    loop->pending--;
}

/* Start a call on `request`; with `owned` the call frees it (on failure too); an
 * `exchange` is done with its response. */
static foil_status_t start(foil_loop_t *loop, foil_http_request_t *request, bool owned,
                           bool exchange, uint64_t *call_id, foil_error_t **error_out) {
    leave_inherited(loop);
    foil_loop_call_t *c = NULL;
    foil_status_t st = foil_loop_call_new(request, &c);
    if (st != FOIL_OK) {
        if (owned) foil_http_request_free(request);
        return foil_error_out(st, error_out);
    }
    c->owns_request = owned;
    c->exchange = exchange;
    st = ensure_multi(loop);
    if (st == FOIL_OK) {
        c->id = loop->next_id++;
        c->started_ms = foil_loop_now_ms();
        c->cancel_generation = atomic_load(&loop->client->cancel_generation);
        if (loop->pending == 0) loop->cancel_seen_ms = c->started_ms;
        st = send_attempt(loop, c);
    }
    if (st != FOIL_OK) {
        foil_loop_call_free(c);
        return foil_error_out(st, error_out);
    }
    c->next = loop->calls;
    if (loop->calls) loop->calls->prev = c;
    loop->calls = c;
    loop->pending++;
    *call_id = c->id;
    return FOIL_OK;
}

/* The arguments of a start with a prepared request: outputs cleared, none NULL. */
static foil_status_t check_start(const foil_loop_t *loop, const foil_http_request_t *request,
                                 uint64_t *call_id, foil_error_t **error_out) {
    if (error_out) *error_out = NULL;
    if (call_id) *call_id = 0;
    if (!loop || !request || !call_id)
        return foil_error_out(foil_fail_field(FOIL_E_INVALID_ARGUMENT,
                                              !loop      ? "loop"
                                              : !request ? "request"
                                                         : "call_id",
                                              "must not be NULL", NULL, NULL),
                              error_out);
    return FOIL_OK;
}

foil_status_t foil_loop_start_request(foil_loop_t *loop, foil_http_request_t *request,
                                      uint64_t *call_id, foil_error_t **error_out) {
    foil_status_t st = check_start(loop, request, call_id, error_out);
    if (st != FOIL_OK) return st;
    return start(loop, request, false, false, call_id, error_out);
}

foil_status_t foil_loop_start_exchange(foil_loop_t *loop, const foil_http_request_t *request,
                                       uint64_t *call_id, foil_error_t **error_out) {
    foil_status_t st = check_start(loop, request, call_id, error_out);
    if (st != FOIL_OK) return st;
    /* Borrowed and never changed: the call only reads it. */
    return start(loop, (foil_http_request_t *)request, false, true, call_id, error_out);
}

foil_status_t foil_loop_start(foil_loop_t *loop, const char *operation, const char *params_json,
                              uint64_t *call_id, foil_error_t **error_out) {
    if (error_out) *error_out = NULL;
    if (call_id) *call_id = 0;
    if (!loop || !call_id)
        return foil_error_out(foil_fail_field(FOIL_E_INVALID_ARGUMENT, !loop ? "loop" : "call_id",
                                              "must not be NULL", NULL, NULL),
                              error_out);
    foil_http_request_t *request = NULL;
    foil_status_t st = foil_prepare(loop->client, operation, params_json, &request, error_out);
    if (st != FOIL_OK) return st;
    return start(loop, request, true, false, call_id, error_out);
}

/* An attempt ended with libcurl's `code`: the call is done, or waits to be sent again. */
static void attempt_ended(foil_loop_t *loop, foil_loop_call_t *c, CURLcode code) {
    give_handle_back(loop, c);
    if (c->exchange && (code == CURLE_OK || c->overflow) && foil_loop_call_answered(c) &&
        !c->out_of_memory) {
        /* The answer as it came (an oversized one says so itself, as the cap kept it). */
        c->answer = c->response;
        c->response = NULL;
        finish(loop, c, FOIL_OK, NULL, NULL);
        return;
    }
    foil_result_t *result = NULL;
    foil_error_t *error = NULL;
    foil_status_t st = foil_loop_call_outcome(c, code, &result, &error);
    long delay_ms = 0;
    if (st != FOIL_OK && error && !c->exchange &&
        foil_retry_decision(c->request, c->attempt, error,
                            (long)(foil_loop_now_ms() - c->started_ms), &delay_ms)) {
        foil_error_free(error);
        c->attempt++;
        c->retry_due_ms = foil_loop_now_ms() + (delay_ms > 0 ? delay_ms : 0);
        return;
    }
    finish(loop, c, st, result, error);
}

static void cancel_call(foil_loop_t *loop, foil_loop_call_t *c) {
    /* Removing the handle mid-transfer aborts it; libcurl closes that connection. */
    give_handle_back(loop, c);
    foil_loop_call_drop_response(c);
    foil_error_t *error = NULL;
    foil_status_t st = foil_complete_failure(c->request, FOIL_E_CANCELLED, NULL, &error);
    finish(loop, c, st, NULL, error);
}

foil_status_t foil_loop_cancel(foil_loop_t *loop, uint64_t call_id) {
    if (!loop)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "loop", "must not be NULL", NULL, NULL);
    leave_inherited(loop);
    for (foil_loop_call_t *c = loop->calls; c; c = c->next)
        if (c->id == call_id && !c->done) {
            cancel_call(loop, c);
            return FOIL_OK;
        }
    return foil_fail(FOIL_E_STATE, "no call %llu in flight on this loop",
                     (unsigned long long)call_id);
}

/* foil_client_cancel() since the last look: every call started before it ends. */
static void notice_client_cancel(foil_loop_t *loop) {
    long generation = atomic_load(&loop->client->cancel_generation);
    loop->cancel_seen_ms = foil_loop_now_ms();
    if (generation == loop->cancel_seen) return;
    loop->cancel_seen = generation;
    for (foil_loop_call_t *c = loop->calls; c; c = c->next)
        if (!c->done && c->cancel_generation != generation) cancel_call(loop, c);
}

static void collect_transfers(foil_loop_t *loop) {
    CURLMsg *msg;
    int queued = 0;
    while ((msg = curl_multi_info_read(loop->multi, &queued))) {
        if (msg->msg != CURLMSG_DONE) continue;
        foil_loop_call_t *c = NULL;
        CURLcode code = msg->data.result; /* msg is invalid once the handle is removed */
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&c);
        if (c) attempt_ended(loop, c, code);
    }
}

static void send_due_retries(foil_loop_t *loop) {
    long long now = foil_loop_now_ms();
    for (foil_loop_call_t *c = loop->calls; c; c = c->next) {
        if (c->done || c->retry_due_ms < 0 || c->retry_due_ms > now) continue;
        c->retry_due_ms = -1;
        foil_status_t st = send_attempt(loop, c);
        if (st != FOIL_OK) {
            foil_error_t *error = NULL;
            foil_error_out(st, &error);
            finish(loop, c, st, NULL, error);
        }
    }
}

foil_status_t foil_loop_ready(foil_loop_t *loop, int fd, int events) {
    if (!loop)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "loop", "must not be NULL", NULL, NULL);
    leave_inherited(loop);
    notice_client_cancel(loop);
    if (!loop->multi) return FOIL_OK;
    int running = 0;
    CURLMcode mc;
    if (fd == FOIL_LOOP_TIMER) {
        send_due_retries(loop);
        mc = curl_multi_socket_action(loop->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    } else {
        int mask = (events & FOIL_LOOP_READ ? CURL_CSELECT_IN : 0) |
                   (events & FOIL_LOOP_WRITE ? CURL_CSELECT_OUT : 0);
        mc = curl_multi_socket_action(loop->multi, (curl_socket_t)fd, mask, &running);
    }
    collect_transfers(loop);
    if (mc == CURLM_OUT_OF_MEMORY || loop->interest.failed) {
        loop->interest.failed = false;
        return foil_fail_nomem();
    }
    return FOIL_OK;
}

int foil_loop_next_change(foil_loop_t *loop, int *fd, int *events) {
    if (!loop || !fd || !events) return 0;
    leave_inherited(loop);
    return foil_loop_interest_next(&loop->interest, fd, events);
}

long foil_loop_timeout_ms(const foil_loop_t *loop) {
    if (!loop) return -1;
    long long due = loop->interest.timer_due_ms, now = foil_loop_now_ms();
    bool in_flight = false;
    for (const foil_loop_call_t *c = loop->calls; c; c = c->next) {
        if (c->done) continue;
        in_flight = true;
        if (c->retry_due_ms >= 0 && (due < 0 || c->retry_due_ms < due)) due = c->retry_due_ms;
    }
    long long tick = loop->cancel_seen_ms + CANCEL_TICK_MS;
    if (in_flight && (due < 0 || due > tick)) due = tick;
    if (due < 0) return -1;
    return due <= now ? 0 : (long)(due - now);
}

int foil_loop_next_done(foil_loop_t *loop, uint64_t *call_id, foil_status_t *status,
                        foil_result_t **result, foil_error_t **error) {
    return foil_loop_next_done_response(loop, call_id, status, result, NULL, error);
}

int foil_loop_next_done_response(foil_loop_t *loop, uint64_t *call_id, foil_status_t *status,
                                 foil_result_t **result, foil_http_response_t **response,
                                 foil_error_t **error) {
    if (result) *result = NULL;
    if (response) *response = NULL;
    if (error) *error = NULL;
    if (!loop) return 0;
    leave_inherited(loop);
    foil_loop_call_t *c = loop->done_head;
    if (!c) return 0;
    loop->done_head = c->done_next;
    if (!loop->done_head) loop->done_tail = NULL;
    unlink_call(loop, c);
    if (call_id) *call_id = c->id;
    if (status) *status = c->status;
    if (result) {
        *result = c->result;
        c->result = NULL;
    }
    if (response) {
        *response = c->answer;
        c->answer = NULL;
    }
    if (error) {
        *error = c->error;
        c->error = NULL;
    }
    foil_loop_call_free(c);
    return 1;
}

size_t foil_loop_pending(const foil_loop_t *loop) {
    return loop ? loop->pending : 0;
}

void foil_loop_free(foil_loop_t *loop) {
    if (!loop) return;
    leave_inherited(loop);
    while (loop->calls) {
        foil_loop_call_t *c = loop->calls;
        give_handle_back(loop, c); /* aborts a transfer in flight */
        unlink_call(loop, c);
        foil_loop_call_free(c);
    }
    for (size_t i = 0; i < loop->idle_count; i++)
        curl_easy_cleanup(loop->idle[i]);
    if (loop->multi) curl_multi_cleanup(loop->multi);
    foil_loop_interest_clear(&loop->interest);
    foil_client_release(loop->client);
    free(loop);
}
