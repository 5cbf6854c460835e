/* foil_ruby_fiber.c: calls made under a Fiber scheduler (Ruby 3.1's Fiber.set_scheduler,
 * the async gem's Async { }), driven by the calling fiber over the event-loop transport
 * (loop.h).
 *
 * Nothing here blocks: with the GVL held, a step runs the loop's transfers as far as they
 * go without waiting (a poll() with no timeout over the descriptors the loop watches, the
 * loop's timer when it is due), then tells Ruby what to wait for: one descriptor and a
 * timeout. lib/foil/fiber_transport.rb waits for it through the scheduler (IO#wait), so
 * the thread's other fibers run meanwhile. A loop carries one call at a time (so the
 * descriptors it names are that call's); the Ruby side keeps a pool of loops per client,
 * and connections stay alive in the client's cache for the next calls.
 *
 * A Gate signup's steps (create, each poll of a wait, ack) are the core's steps without I/O
 * (gate_session.h): the session prepares each request, the loop sends it as it is
 * (foil_loop_start_exchange) and the raw response, or the transport's failure, is fed back
 * to the session, which decides what comes next exactly as its blocking step does.
 */
#include <poll.h>
#include <ruby/io.h>
#include <stdint.h>
#include <stdlib.h>

#include "foil/loop.h"
#include "foil/sansio.h"
#include "foil_ruby.h"
#include "foil_ruby_api.h"

/* Steps of the loop run in one go before Ruby is asked to wait: enough for the usual
 * "connect, send, read" of a short call, few enough to let other fibers run. */
#define FIBER_LOOP_ROUNDS 8
/* With several descriptors watched (a dual-stack connect, a name lookup), the fiber waits
 * on the first and looks at the others this often. */
#define FIBER_LOOP_SLICE_MS 10

typedef struct {
    foil_loop_t *loop;
    struct pollfd *watch; /* the descriptors the loop asked for (events: POLLIN|POLLOUT) */
    size_t nwatch, capwatch;
    uint64_t call;         /* the call in flight, 0: none */
    int done;              /* its outcome is below */
    foil_status_t status;  /* the outcome */
    foil_result_t *result; /* on success (NULL for a 204) */
    foil_error_t *error;   /* on failure */
    /* A walk: the request of its current page (the loop borrows it while the page is in
     * flight; foil_prepare_next makes the following page's from it). */
    foil_http_request_t *walk;
    /* A Gate step: its request (borrowed by the loop while in flight; the session's feed
     * reads it afterwards) and, once done, its raw response (NULL on a transport failure). */
    foil_http_request_t *exchange;
    foil_http_response_t *response;
} fiber_loop_t;

static void drop_outcome(fiber_loop_t *fl) {
    foil_result_free(fl->result);
    foil_error_free(fl->error);
    foil_http_response_free(fl->response);
    fl->result = NULL;
    fl->error = NULL;
    fl->response = NULL;
    fl->done = 0;
    fl->call = 0;
}

/* Only once the loop no longer borrows the request: its call collected, or the loop freed. */
static void drop_walk(fiber_loop_t *fl) {
    foil_http_request_free(fl->walk);
    fl->walk = NULL;
}

/* The same for a Gate step's request. */
static void drop_exchange(fiber_loop_t *fl) {
    foil_http_request_free(fl->exchange);
    fl->exchange = NULL;
}

static void fiber_loop_free(void *p) {
    fiber_loop_t *fl = p;
    foil_loop_free(fl->loop); /* ends a call still in flight */
    drop_outcome(fl);
    drop_walk(fl);
    drop_exchange(fl);
    xfree(fl->watch);
    xfree(fl);
}

static size_t fiber_loop_size(const void *p) {
    const fiber_loop_t *fl = p;
    return sizeof *fl + fl->capwatch * sizeof *fl->watch;
}

static const rb_data_type_t fiber_loop_type = {"Foil::Native::FiberLoop",
                                               {NULL, fiber_loop_free, fiber_loop_size, NULL, {0}},
                                               NULL,
                                               NULL,
                                               RUBY_TYPED_FREE_IMMEDIATELY};

static fiber_loop_t *get(VALUE self) {
    fiber_loop_t *fl = rb_check_typeddata(self, &fiber_loop_type);
    if (!fl->loop) rb_raise(rb_eArgError, "the loop is not set up");
    return fl;
}

static VALUE c_fiber_loop;

void foil_rb_fiber_init(VALUE native_module) {
    c_fiber_loop = rb_define_class_under(native_module, "FiberLoop", rb_cObject);
    rb_undef_alloc_func(c_fiber_loop);
}

VALUE foil_rb_loop_new(foil_client_t *client) {
    fiber_loop_t *fl;
    /* Wrapped first: a raise below leaves nothing C-owned pending (the GC frees fl). */
    VALUE obj = TypedData_Make_Struct(c_fiber_loop, fiber_loop_t, &fiber_loop_type, fl);
    if (!client) rb_raise(rb_eArgError, "the client is closed");
    foil_status_t st = foil_loop_new(client, &fl->loop);
    if (st != FOIL_OK) foil_rb_raise(st);
    return obj;
}

/* ---- What to watch ---------------------------------------------------------------------- */

static void watch_set(fiber_loop_t *fl, int fd, int events) {
    short want = (short)(((events & FOIL_LOOP_READ) ? POLLIN : 0) |
                         ((events & FOIL_LOOP_WRITE) ? POLLOUT : 0));
    for (size_t i = 0; i < fl->nwatch; i++) {
        if (fl->watch[i].fd != fd) continue;
        if (want) {
            fl->watch[i].events = want;
        } else {
            fl->watch[i] = fl->watch[--fl->nwatch];
        }
        return;
    }
    if (!want) return;
    if (fl->nwatch == fl->capwatch) {
        size_t cap = fl->capwatch ? fl->capwatch * 2 : 4;
        REALLOC_N(fl->watch, struct pollfd, cap); /* raises NoMemoryError: nothing pending */
        fl->capwatch = cap;
    }
    fl->watch[fl->nwatch].fd = fd;
    fl->watch[fl->nwatch].events = want;
    fl->watch[fl->nwatch].revents = 0;
    fl->nwatch++;
}

static void apply_changes(fiber_loop_t *fl) {
    int fd, events;
    while (foil_loop_next_change(fl->loop, &fd, &events))
        watch_set(fl, fd, events);
}

/* Outcomes of calls other than ours are those of calls cancelled earlier: dropped. */
static void collect(fiber_loop_t *fl) {
    uint64_t id;
    foil_status_t st;
    foil_result_t *result;
    foil_http_response_t *response;
    foil_error_t *error;
    while (foil_loop_next_done_response(fl->loop, &id, &st, &result, &response, &error)) {
        if (id == fl->call && !fl->done) {
            fl->done = 1;
            fl->status = st;
            fl->result = result;
            fl->response = response;
            fl->error = error;
        } else {
            foil_result_free(result);
            foil_http_response_free(response);
            foil_error_free(error);
        }
    }
}

/* Hand the loop every descriptor that is ready now and the timer when it is due; 1 when
 * anything was handed over. */
static int run_ready(fiber_loop_t *fl) {
    int progress = 0;
    if (fl->nwatch && poll(fl->watch, (nfds_t)fl->nwatch, 0) > 0) {
        /* foil_loop_ready may change the watch set: act on a copy of what was ready. */
        struct pollfd ready[16];
        size_t n = 0;
        for (size_t i = 0; i < fl->nwatch && n < 16; i++)
            if (fl->watch[i].revents) ready[n++] = fl->watch[i];
        for (size_t i = 0; i < n; i++) {
            int ev = 0;
            if (ready[i].revents & (POLLIN | POLLHUP | POLLERR)) ev |= FOIL_LOOP_READ;
            if (ready[i].revents & (POLLOUT | POLLHUP | POLLERR)) ev |= FOIL_LOOP_WRITE;
            ev &= ((ready[i].events & POLLIN) ? FOIL_LOOP_READ : 0) |
                  ((ready[i].events & POLLOUT) ? FOIL_LOOP_WRITE : 0);
            if (!ev) ev = (ready[i].events & POLLIN) ? FOIL_LOOP_READ : FOIL_LOOP_WRITE;
            foil_loop_ready(fl->loop, ready[i].fd, ev);
            progress = 1;
        }
    }
    if (foil_loop_timeout_ms(fl->loop) == 0) {
        foil_loop_ready(fl->loop, FOIL_LOOP_TIMER, 0);
        progress = 1;
    }
    return progress;
}

VALUE foil_rb_loop_advance(VALUE self) {
    fiber_loop_t *fl = get(self);
    if (!fl->call) rb_raise(rb_eArgError, "no call in flight on this loop");
    for (int round = 0; round < FIBER_LOOP_ROUNDS; round++) {
        apply_changes(fl);
        int progress = run_ready(fl);
        collect(fl);
        if (fl->done) return Qtrue;
        if (!progress) break;
    }
    apply_changes(fl);
    long timeout_ms = foil_loop_timeout_ms(fl->loop);
    if (fl->nwatch > 1 && (timeout_ms < 0 || timeout_ms > FIBER_LOOP_SLICE_MS))
        timeout_ms = FIBER_LOOP_SLICE_MS;
    int fd = -1, events = 0;
    if (fl->nwatch) {
        fd = fl->watch[0].fd;
        events = ((fl->watch[0].events & POLLIN) ? RB_WAITFD_IN : 0) |
                 ((fl->watch[0].events & POLLOUT) ? RB_WAITFD_OUT : 0);
    } else if (timeout_ms < 0) {
        timeout_ms = FIBER_LOOP_SLICE_MS; /* nothing to wait for: look again soon */
    }
    return rb_ary_new_from_args(3, INT2NUM(fd), INT2NUM(events),
                                timeout_ms < 0 ? Qnil : DBL2NUM((double)timeout_ms / 1000.0));
}

/* ---- Calls ------------------------------------------------------------------------------ */

static void require_idle(fiber_loop_t *fl) {
    if (fl->call) rb_raise(rb_eArgError, "a call is already in flight on this loop");
}

VALUE foil_rb_loop_start(VALUE self, const char *operation, const char *params_json) {
    fiber_loop_t *fl = get(self);
    require_idle(fl);
    uint64_t id = 0;
    foil_error_t *error = NULL;
    foil_status_t st = foil_loop_start(fl->loop, operation, params_json, &id, &error);
    if (st != FOIL_OK) foil_rb_raise_owned(st, &error);
    fl->call = id;
    return Qnil;
}

VALUE foil_rb_loop_cancel(VALUE self) {
    fiber_loop_t *fl = rb_check_typeddata(self, &fiber_loop_type);
    if (fl->loop && fl->call && !fl->done) {
        foil_loop_cancel(fl->loop, fl->call);
        collect(fl);
    }
    drop_outcome(fl);
    drop_walk(fl);
    drop_exchange(fl);
    return Qnil;
}

VALUE foil_rb_loop_interrupt(VALUE self) {
    fiber_loop_t *fl = rb_check_typeddata(self, &fiber_loop_type);
    if (fl->loop && fl->call && !fl->done) {
        foil_loop_cancel(fl->loop, fl->call);
        collect(fl);
    }
    return Qnil;
}

/* The finished call's outcome, taken out of fl: the loop is free for the next call. A
 * failure is raised (the status is returned in *status). */
static foil_result_t *take_outcome(fiber_loop_t *fl) {
    if (!fl->done) rb_raise(rb_eArgError, "the call is not finished");
    foil_result_t *result = fl->result;
    foil_error_t *error = fl->error;
    foil_status_t st = fl->status;
    fl->result = NULL;
    fl->error = NULL;
    drop_outcome(fl);
    if (st != FOIL_OK) {
        foil_result_free(result);
        drop_walk(fl);
        foil_rb_raise_owned(st, &error);
    }
    foil_error_free(error);
    return result;
}

VALUE foil_rb_loop_result(VALUE self) {
    fiber_loop_t *fl = get(self);
    VALUE owner = foil_rb_body_new(); /* before the outcome is taken: this may raise */
    return foil_rb_call_result(owner, take_outcome(fl));
}

/* ---- Walks: a page per call, the next one prepared from the page just read --------------- */

static void start_walk_page(fiber_loop_t *fl) {
    uint64_t id = 0;
    foil_error_t *error = NULL;
    foil_status_t st = foil_loop_start_request(fl->loop, fl->walk, &id, &error);
    if (st != FOIL_OK) {
        drop_walk(fl); /* not started: nothing borrows it */
        foil_rb_raise_owned(st, &error);
    }
    fl->call = id;
}

VALUE foil_rb_loop_walk_start(VALUE self, foil_client_t *client, const char *operation,
                              const char *params_json) {
    fiber_loop_t *fl = get(self);
    require_idle(fl);
    drop_walk(fl);
    if (!client) rb_raise(rb_eArgError, "the client is closed");
    foil_error_t *error = NULL;
    foil_status_t st = foil_prepare(client, operation, params_json, &fl->walk, &error);
    if (st != FOIL_OK) foil_rb_raise_owned(st, &error);
    start_walk_page(fl);
    return Qnil;
}

VALUE foil_rb_loop_walk_page(VALUE self) {
    fiber_loop_t *fl = get(self);
    VALUE owner = foil_rb_body_new();
    if (!fl->walk) rb_raise(rb_eArgError, "no walk on this loop");
    foil_result_t *page = take_outcome(fl); /* collected: the loop no longer borrows walk */
    foil_http_request_t *next = NULL;
    foil_error_t *error = NULL;
    foil_status_t st = page ? foil_prepare_next(fl->walk, page, &next, &error) : FOIL_OK;
    drop_walk(fl);
    if (st != FOIL_OK) {
        foil_result_free(page);
        foil_rb_raise_owned(st, &error);
    }
    fl->walk = next; /* NULL after the last page */
    return page ? foil_rb_adopt_items(owner, page) : rb_ary_new();
}

VALUE foil_rb_loop_walk_continue(VALUE self) {
    fiber_loop_t *fl = get(self);
    require_idle(fl);
    if (!fl->walk) return Qfalse;
    start_walk_page(fl);
    return Qtrue;
}

/* ---- Gate signup steps: the session's request sent as it is, its answer fed back ---------- */

/* Start `request` (owned by fl from here on). 0, or a failure with *error set: nothing was
 * started and the request is freed. */
static foil_status_t start_exchange(fiber_loop_t *fl, foil_http_request_t *request,
                                    foil_error_t **error) {
    uint64_t id = 0;
    foil_status_t st = foil_loop_start_exchange(fl->loop, request, &id, error);
    if (st != FOIL_OK) {
        foil_http_request_free(request);
        return st;
    }
    fl->exchange = request;
    fl->call = id;
    return FOIL_OK;
}

foil_status_t foil_rb_loop_gate_create(VALUE self, foil_client_t *client, const char *service_id,
                                       const char *account_name, const char *metadata_json,
                                       foil_gate_session_t **out) {
    fiber_loop_t *fl = get(self);
    require_idle(fl);
    if (!client) rb_raise(rb_eArgError, "the client is closed");
    foil_http_request_t *request = NULL;
    foil_status_t st = foil_gate_session_prepare_create(client, service_id, account_name,
                                                        metadata_json, out, &request);
    if (st != FOIL_OK) return st;
    foil_error_t *error = NULL;
    if ((st = start_exchange(fl, request, &error)) != FOIL_OK) {
        foil_gate_session_free(*out); /* nothing C-owned pending when raising */
        *out = NULL;
        foil_rb_raise_owned(st, &error);
    }
    return FOIL_OK;
}

VALUE foil_rb_loop_gate_next(VALUE self, foil_gate_session_t *s) {
    fiber_loop_t *fl = get(self);
    require_idle(fl);
    foil_http_request_t *request = NULL;
    long wait_ms = 0;
    foil_status_t st = foil_gate_session_next(s, &request, &wait_ms);
    if (st != FOIL_OK) foil_rb_raise(st);
    if (!request) return LONG2NUM(wait_ms);
    foil_error_t *error = NULL;
    /* A poll not started is simply prepared again by the next step (gate_session.h). */
    if ((st = start_exchange(fl, request, &error)) != FOIL_OK) foil_rb_raise_owned(st, &error);
    return Qtrue;
}

VALUE foil_rb_loop_gate_poll(VALUE self, foil_gate_session_t *s) {
    fiber_loop_t *fl = get(self);
    require_idle(fl);
    foil_http_request_t *request = NULL;
    foil_status_t st = foil_gate_session_prepare_poll(s, &request);
    if (st != FOIL_OK) foil_rb_raise(st);
    if (!request) return Qfalse; /* the delivery is already here */
    foil_error_t *error = NULL;
    if ((st = start_exchange(fl, request, &error)) != FOIL_OK) foil_rb_raise_owned(st, &error);
    return Qtrue;
}

foil_status_t foil_rb_loop_gate_ack(VALUE self, foil_gate_session_t *s) {
    fiber_loop_t *fl = get(self);
    require_idle(fl);
    foil_http_request_t *request = NULL;
    foil_status_t st = foil_gate_session_prepare_ack(s, &request);
    if (st != FOIL_OK) return st;
    foil_error_t *error = NULL;
    if ((st = start_exchange(fl, request, &error)) != FOIL_OK) foil_rb_raise_owned(st, &error);
    return FOIL_OK;
}

VALUE foil_rb_loop_gate_feed(VALUE self, foil_gate_session_t *s) {
    fiber_loop_t *fl = get(self);
    if (!fl->exchange) rb_raise(rb_eArgError, "no Gate step on this loop");
    if (!fl->done) rb_raise(rb_eArgError, "the call is not finished");
    long wait_ms = 0;
    foil_status_t st;
    if (fl->status == FOIL_OK && fl->response) {
        st = foil_gate_session_feed(s, fl->exchange, fl->response, &wait_ms);
    } else {
        /* The transport's failure (connection, timeout, cancelled), as the blocking step
         * hands it to the session. */
        foil_status_t failure = fl->status != FOIL_OK ? fl->status : FOIL_E_PROTOCOL;
        st = foil_gate_session_feed_failure(s, fl->exchange, failure, foil_error_message(fl->error),
                                            &wait_ms);
    }
    drop_outcome(fl); /* collected: the loop no longer borrows the request */
    drop_exchange(fl);
    if (st != FOIL_OK) foil_rb_raise(st);
    return LONG2NUM(wait_ms);
}
