/* foil_gate_session_t: a Gate signup from key pair to acknowledged delivery. */
#include "http/client_internal.h"
#include "crypto/delivery_internal.h"
#include "timestamp.h"
#include "api/run.h"
#include "api/validate.h"
#include "http/exchange.h"
#include "json/json_tree.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

typedef struct output {
    char *key;
    char *value; /* secret */
} output;

typedef struct refused {
    char *key;
    const char *reason;
} refused;

struct foil_gate_session {
    /* Taken by every call that reads or changes the state a poll changes (everything
     * below cancel_requested, the status, the last poll, the delivery, the errors), so
     * threads sharing the handle are serialized: a poll waits for the one in flight.
     * Not taken by foil_gate_session_cancel() (an atomic flag), nor by the getters of
     * what never changes after create / import (id, tokens, URLs, key pair). */
    pthread_mutex_t lock;
    /* The thread holding it (its `this_thread` address), 0 when none: a call made on the
     * holder's own thread (a signal handler or callback run inside a call on the session,
     * as a binding's Ctrl-C check during a poll) must not wait for it, or it waits forever. */
    atomic_uintptr_t holder;
    foil_client_t *client;
    foil_delivery_key_pair_t *key_pair;
    char *id, *poll_token, *consent_url, *expires_at, *service_id, *account_name;
    char status[16];
    foil_result_t *last_poll;
    output *outputs;
    size_t output_count;
    refused *refused;
    size_t refused_count;
    char *ack_token;     /* secret */
    cJSON *outputs_view; /* {"KEY":"value"}: secret, wiped on free */
    cJSON *refused_view; /* {"KEY":"reason",...} */
    foil_error_t *error; /* copy of the last failure on this handle */
    /* foil_gate_session_cancel() sets it from any thread (or a signal handler); the next
     * or current wait / step consumes it, so a cancel just before a wait is not lost. */
    atomic_int cancel_requested;
    /* The wait in progress (foil_gate_session_wait_start / foil_gate_session_step). */
    bool waiting;
    bool deadline_is_expiry;  /* the deadline is expires_at: one last look at it */
    double deadline;          /* monotonic seconds */
    double interval;          /* seconds between polls */
    double next_poll;         /* monotonic seconds */
    bool last_look;           /* the due poll is the last look at an expired session */
    char last_transient[160]; /* why the latest poll failed transiently ("" if it did not) */
    /* A copy of that failure (foil_gate_session_transient_error), or NULL. */
    foil_error_t *transient;
};

static void clear_delivery(foil_gate_session_t *s) {
    for (size_t i = 0; i < s->output_count; i++) {
        free(s->outputs[i].key);
        foil_wipe_free(s->outputs[i].value);
    }
    free(s->outputs);
    s->outputs = NULL;
    s->output_count = 0;
    for (size_t i = 0; i < s->refused_count; i++)
        free(s->refused[i].key);
    free(s->refused);
    s->refused = NULL;
    s->refused_count = 0;
    foil_wipe_free(s->ack_token);
    s->ack_token = NULL;
    foil_json_wipe_delete(s->outputs_view);
    s->outputs_view = NULL;
    cJSON_Delete(s->refused_view);
    s->refused_view = NULL;
}

/* Keep a copy of a failure on the handle (foil_gate_session_error); returns `st`. */
static foil_status_t failed(foil_gate_session_t *s, foil_status_t st) {
    if (st == FOIL_OK) return st;
    foil_error_free(s->error);
    s->error = NULL;
    if (foil_error_copy(foil_last_error(), &s->error) != FOIL_OK) return FOIL_E_NOMEM;
    return st;
}

static void keep_transient(foil_gate_session_t *s, bool failed_now) {
    foil_error_free(s->transient);
    s->transient = NULL;
    if (failed_now) foil_error_copy(foil_last_error(), &s->transient); /* NULL if no memory */
}

/* Its address names the calling thread. */
static _Thread_local char this_thread;

/* The lock is state, not part of the value: const getters take it too. */
static void lock(const foil_gate_session_t *s) {
    foil_gate_session_t *m = (foil_gate_session_t *)s;
    pthread_mutex_lock(&m->lock);
    atomic_store(&m->holder, (uintptr_t)&this_thread);
}

static void unlock(const foil_gate_session_t *s) {
    foil_gate_session_t *m = (foil_gate_session_t *)s;
    atomic_store(&m->holder, 0);
    pthread_mutex_unlock(&m->lock);
}

/* This thread holds the lock: the caller runs inside a call on s (only this thread stores
 * its own address, so the answer is never stale). */
static bool held_here(const foil_gate_session_t *s) {
    return atomic_load(&((foil_gate_session_t *)s)->holder) == (uintptr_t)&this_thread;
}

/* A reader: the lock, unless this thread holds it already. Then the call it runs inside is
 * paused in a transfer or a wait, between changes, so the state is whole and is read as it
 * is. Returns whether it locked (for unlock_read). */
static bool lock_read(const foil_gate_session_t *s) {
    if (held_here(s)) return false;
    lock(s);
    return true;
}

static void unlock_read(const foil_gate_session_t *s, bool locked) {
    if (locked) unlock(s);
}

/* A call that changes the state: the lock, or FOIL_E_STATE when this thread holds it already
 * (a signal handler inside a poll on s polling again would change the state under that
 * poll). foil_gate_session_cancel() is the way to end the call from there. */
static foil_status_t lock_change(foil_gate_session_t *s) {
    if (held_here(s))
        return foil_fail(FOIL_E_STATE,
                         "the signup is busy in a call on this thread (a signal handler or "
                         "callback inside it may read the signup or cancel it, not poll, wait "
                         "or acknowledge)");
    lock(s);
    return FOIL_OK;
}

void foil_gate_session_free(foil_gate_session_t *s) {
    if (!s) return;
    clear_delivery(s);
    foil_error_free(s->transient);
    foil_result_free(s->last_poll);
    foil_delivery_key_pair_free(s->key_pair);
    free(s->id);
    foil_wipe_free(s->poll_token);
    free(s->consent_url);
    free(s->expires_at);
    free(s->service_id);
    free(s->account_name);
    foil_error_free(s->error);
    foil_client_release(s->client);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static foil_gate_session_t *session_alloc(foil_client_t *client) {
    foil_gate_session_t *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    if (pthread_mutex_init(&s->lock, NULL) != 0) {
        free(s);
        return NULL;
    }
    foil_client_retain(client);
    s->client = client;
    atomic_init(&s->cancel_requested, 0);
    strcpy(s->status, "pending");
    return s;
}

static foil_status_t copy_field(char **slot, const foil_json_t *obj, const char *key) {
    const char *v = foil_json_get_string(obj, key);
    if (!v) return foil_fail(FOIL_E_PROTOCOL, "gate session lacks `%s`", key);
    return (*slot = foil_strdup(v)) ? FOIL_OK : foil_fail_nomem();
}

/* expires_at ends every wait without a timeout of its own: a value that cannot be read would
 * leave such a wait without an end, so the session is refused where it is made (create) or
 * resumed (import). The value itself is not echoed: it comes from the other side. */
static foil_status_t copy_expires_at(foil_gate_session_t *s, const foil_json_t *obj) {
    double ignored;
    const char *v = foil_json_get_string(obj, "expires_at");
    if (!foil_parse_timestamp(v, &ignored))
        return foil_fail(FOIL_E_PROTOCOL,
                         "gate session %s `expires_at` (want YYYY-MM-DDTHH:MM:SS[.fff]Z)",
                         v ? "has an unreadable" : "lacks");
    return (s->expires_at = foil_strdup(v)) ? FOIL_OK : foil_fail_nomem();
}

/* The request that creates the session: a fresh key pair's public half as its delivery. */
static foil_status_t prepare_create(foil_client_t *client, const char *service_id,
                                    const char *account_name, const char *metadata_json,
                                    foil_gate_session_t **out, foil_http_request_t **request) {
    foil_run_t run;
    foil_status_t st = foil_run_start_prepare(&run, client, request);
    if (st != FOIL_OK) return st;
    if ((st = foil_check_service_id(service_id, "service_id")) != FOIL_OK ||
        (st = foil_check_required(account_name, "account_name")) != FOIL_OK)
        return st;
    foil_gate_session_t *s = session_alloc(client);
    if (!s) return foil_fail_nomem();
    char *delivery = NULL;
    if ((st = foil_delivery_key_pair_new(&s->key_pair)) == FOIL_OK &&
        (st = foil_delivery_key_pair_request_json(s->key_pair, &delivery)) == FOIL_OK &&
        (st = foil_run_gate_sessions_create(&run, service_id, account_name, metadata_json,
                                            delivery)) == FOIL_OK &&
        (!(s->service_id = foil_strdup(service_id)) ||
         !(s->account_name = foil_strdup(account_name))))
        st = foil_fail_nomem();
    foil_string_free(delivery);
    if (st != FOIL_OK) {
        foil_http_request_free(*request);
        *request = NULL;
        foil_gate_session_free(s);
        return st;
    }
    *out = s;
    return FOIL_OK;
}

/* The create's answer (st and r from the request, r taken). */
static foil_status_t created(foil_gate_session_t *s, foil_status_t st, foil_result_t *r) {
    const foil_json_t *data = foil_result_data(r);
    if (st == FOIL_OK && (st = copy_field(&s->id, data, "id")) == FOIL_OK &&
        (st = copy_field(&s->poll_token, data, "poll_token")) == FOIL_OK &&
        (st = copy_field(&s->consent_url, data, "consent_url")) == FOIL_OK)
        st = copy_expires_at(s, data);
    foil_result_free(r);
    return st;
}

foil_status_t foil_gate_session_prepare_create(foil_client_t *client, const char *service_id,
                                               const char *account_name, const char *metadata_json,
                                               foil_gate_session_t **out,
                                               foil_http_request_t **request) {
    if (request) *request = NULL; /* both outs NULL whichever one is refused */
    foil_status_t st = foil_check_out(out);
    if (st != FOIL_OK) return st;
    *out = NULL;
    if (!request)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "request", "must not be NULL", NULL, NULL);
    return prepare_create(client, service_id, account_name, metadata_json, out, request);
}

foil_status_t foil_gate_session_create(foil_client_t *client, const char *service_id,
                                       const char *account_name, const char *metadata_json,
                                       foil_gate_session_t **out) {
    foil_status_t st = foil_check_out(out);
    if (st != FOIL_OK) return st;
    *out = NULL;
    foil_gate_session_t *s = NULL;
    foil_http_request_t *req = NULL;
    foil_result_t *r = NULL;
    if ((st = prepare_create(client, service_id, account_name, metadata_json, &s, &req)) != FOIL_OK)
        return st;
    st = foil_run_send(req, &r);
    st = created(s, st, r);
    foil_http_request_free(req);
    if (st != FOIL_OK) {
        foil_gate_session_free(s);
        return st;
    }
    *out = s;
    return FOIL_OK;
}

#define GETTER(name, member)                                                                       \
    const char *foil_gate_session_##name(const foil_gate_session_t *s) {                           \
        return s ? s->member : NULL;                                                               \
    }
GETTER(id, id)
GETTER(service_id, service_id)
GETTER(account_name, account_name)
GETTER(consent_url, consent_url)
GETTER(expires_at, expires_at)
GETTER(poll_token, poll_token)

/* Getters of what a poll changes: read under the lock, so never half-written. */
#define LOCKED_GETTER(type, name, fallback, expr)                                                  \
    type foil_gate_session_##name(const foil_gate_session_t *s) {                                  \
        if (!s) return fallback;                                                                   \
        bool locked = lock_read(s);                                                                \
        type value = expr;                                                                         \
        unlock_read(s, locked);                                                                    \
        return value;                                                                              \
    }
LOCKED_GETTER(const char *, status, NULL, s->status)
LOCKED_GETTER(const foil_json_t *, poll_data, NULL, foil_result_data(s->last_poll))
LOCKED_GETTER(const char *, docs_url, NULL,
              foil_json_get_string(foil_result_data(s->last_poll), "docs_url"))

const foil_delivery_key_pair_t *foil_gate_session_key_pair(const foil_gate_session_t *s) {
    return s ? s->key_pair : NULL;
}

static foil_status_t add_output(foil_gate_session_t *s, const char *key, const char *value) {
    for (size_t i = 0; i < s->output_count; i++) {
        if (strcmp(s->outputs[i].key, key) == 0) { /* the gate envelope's value wins */
            char *copy = foil_strdup(value);
            if (!copy) return foil_fail_nomem();
            foil_wipe_free(s->outputs[i].value);
            s->outputs[i].value = copy;
            return FOIL_OK;
        }
    }
    output *grown = realloc(s->outputs, (s->output_count + 1) * sizeof *grown);
    if (!grown) return foil_fail_nomem();
    s->outputs = grown;
    output *o = &s->outputs[s->output_count];
    if (!(o->key = foil_strdup(key)) || !(o->value = foil_strdup(value))) {
        free(o->key);
        return foil_fail_nomem();
    }
    s->output_count++;
    return FOIL_OK;
}

static foil_status_t add_refused(foil_gate_session_t *s, const char *key, const char *reason) {
    refused *grown = realloc(s->refused, (s->refused_count + 1) * sizeof *grown);
    if (!grown) return foil_fail_nomem();
    s->refused = grown;
    if (!(s->refused[s->refused_count].key = foil_strdup(key))) return foil_fail_nomem();
    s->refused[s->refused_count++].reason = reason;
    return FOIL_OK;
}

/* Merge one decrypted envelope's outputs under the env-var policy. */
static foil_status_t merge(foil_gate_session_t *s, const foil_delivery_payload_t *p,
                           bool from_gate) {
    foil_status_t st = FOIL_OK;
    for (size_t i = 0; st == FOIL_OK && i < foil_delivery_payload_output_count(p); i++) {
        const char *key = foil_delivery_payload_output_key(p, i);
        const char *value = foil_delivery_payload_output_value(p, i);
        const char *refusal = foil_env_key_refusal(key, from_gate);
        st = refusal ? add_refused(s, key, refusal) : add_output(s, key, value);
    }
    const char *ack = foil_delivery_payload_ack_token(p);
    if (st == FOIL_OK && ack && (from_gate || !s->ack_token)) {
        foil_wipe_free(s->ack_token);
        if (!(s->ack_token = foil_strdup(ack))) st = foil_fail_nomem();
    }
    return st;
}

/* The outputs and refused keys as JSON views (for bindings), built once per delivery. */
static foil_status_t build_views(foil_gate_session_t *s) {
    cJSON *outputs = cJSON_CreateObject(), *refused_keys = cJSON_CreateObject();
    bool ok = outputs && refused_keys;
    for (size_t i = 0; ok && i < s->output_count; i++)
        ok = cJSON_AddStringToObject(outputs, s->outputs[i].key, s->outputs[i].value) != NULL;
    /* A key refused by both envelopes is named once (its reason is the same: blocked or an
     * invalid name; a Gate-managed key is refused only from the integrator). */
    for (size_t i = 0; ok && i < s->refused_count; i++)
        ok = cJSON_GetObjectItemCaseSensitive(refused_keys, s->refused[i].key) ||
             cJSON_AddStringToObject(refused_keys, s->refused[i].key, s->refused[i].reason);
    if (!ok) {
        foil_json_wipe_delete(outputs);
        cJSON_Delete(refused_keys);
        return foil_fail_nomem();
    }
    s->outputs_view = outputs;
    s->refused_view = refused_keys;
    return FOIL_OK;
}

static foil_status_t decrypt_bundle(foil_gate_session_t *s, const foil_json_t *bundle) {
    const char *names[2] = {"integrator", "gate"};
    foil_status_t st = FOIL_OK;
    clear_delivery(s);
    for (int i = 0; st == FOIL_OK && i < 2; i++) {
        char *envelope = NULL;
        foil_delivery_payload_t *payload = NULL;
        const foil_json_t *env = foil_json_get(bundle, names[i]);
        if (foil_json_type(env) != FOIL_JSON_OBJECT)
            st = foil_fail(FOIL_E_PROTOCOL, "delivery bundle lacks the %s envelope", names[i]);
        if (st == FOIL_OK) st = foil_json_serialize(env, &envelope);
        if (st == FOIL_OK) st = foil_gate_delivery_decrypt(s->key_pair, envelope, &payload);
        if (st == FOIL_OK) st = merge(s, payload, i == 1);
        foil_delivery_payload_free(payload);
        foil_string_free(envelope);
    }
    if (st == FOIL_OK && !s->ack_token)
        st = foil_fail(FOIL_E_PROTOCOL, "the delivery carries no ack_token");
    if (st == FOIL_OK) st = build_views(s);
    if (st != FOIL_OK) clear_delivery(s);
    return st;
}

/* A poll failure that a wait absorbs within its deadline: the network, 429, 5xx, and a
 * response that is not a usable poll answer (a corrupt body, a wrong content type, an
 * oversized body: FOIL_E_PROTOCOL from the request). */
static bool transient(foil_status_t st) {
    return st == FOIL_E_CONNECTION || st == FOIL_E_TIMEOUT || st == FOIL_E_RATE_LIMITED ||
           st == FOIL_E_SERVER || st == FOIL_E_PROTOCOL;
}

static foil_status_t prepare_poll(const foil_gate_session_t *s, foil_http_request_t **out) {
    foil_run_t run;
    foil_status_t st = foil_run_start_prepare(&run, s->client, out);
    return st == FOIL_OK ? foil_run_gate_sessions_poll(&run, s->id, s->poll_token) : st;
}

/* A poll's answer (st and r from the request, r taken); *is_transient tells whether a
 * failure may be retried. A delivery that does not decrypt or check out is never
 * transient. */
static foil_status_t poll_answered(foil_gate_session_t *s, foil_status_t st, foil_result_t *r,
                                   bool *is_transient) {
    *is_transient = false;
    if (st != FOIL_OK) {
        *is_transient = transient(st);
        return st;
    }
    foil_result_free(s->last_poll);
    s->last_poll = r;
    const foil_json_t *data = foil_result_data(r);
    const char *status = foil_json_get_string(data, "status");
    if (!status || strlen(status) >= sizeof s->status) {
        *is_transient = true; /* a corrupt answer: the next one may be whole */
        return foil_fail(FOIL_E_PROTOCOL, "gate session poll has no valid `status`");
    }
    const foil_json_t *bundle = foil_json_get(data, "delivery_bundle");
    /* `approved` may arrive before its bundle: stay pending and keep polling. */
    if (strcmp(status, "approved") == 0 && foil_json_type(bundle) != FOIL_JSON_OBJECT)
        return FOIL_OK;
    if (strcmp(status, "approved") == 0 && (st = decrypt_bundle(s, bundle)) != FOIL_OK) return st;
    strcpy(s->status, status);
    return FOIL_OK;
}

/* Whether a poll is to be sent: FOIL_E_STATE once acknowledged, *due false once delivered. */
static foil_status_t poll_due(const foil_gate_session_t *s, bool *due) {
    *due = false;
    if (strcmp(s->status, "acknowledged") == 0)
        return foil_fail(FOIL_E_STATE, "the delivery was already acknowledged");
    *due = !(s->output_count > 0 || s->ack_token);
    return FOIL_OK;
}

/* One poll over libcurl: prepared, sent, answered. */
static foil_status_t poll_once(foil_gate_session_t *s, bool *is_transient) {
    *is_transient = false;
    bool due = false;
    foil_status_t st = poll_due(s, &due);
    if (st != FOIL_OK || !due) return st;
    foil_http_request_t *req = NULL;
    foil_result_t *r = NULL;
    if ((st = prepare_poll(s, &req)) == FOIL_OK) st = foil_run_send(req, &r);
    foil_http_request_free(req);
    return poll_answered(s, st, r, is_transient);
}

foil_status_t foil_gate_session_poll(foil_gate_session_t *s) {
    if (!s)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "session", "must not be NULL", NULL, NULL);
    bool is_transient;
    foil_status_t st = lock_change(s);
    if (st != FOIL_OK) return st;
    st = failed(s, poll_once(s, &is_transient));
    unlock(s);
    return st;
}

static bool delivered(const foil_gate_session_t *s) {
    return strcmp(s->status, "approved") == 0 && (s->output_count > 0 || s->ack_token);
}

/* End the wait in progress with `st` (a terminal answer). */
static foil_status_t wait_over(foil_gate_session_t *s, foil_status_t st) {
    s->waiting = false;
    if (st == FOIL_E_CANCELLED) atomic_store(&s->cancel_requested, 0);
    return failed(s, st);
}

static void wait_start(foil_gate_session_t *s, long timeout_ms, long interval_ms) {
    double start_wall = foil_now_wall(), start = foil_now_monotonic();
    /* expires_at was checked at create / import; a server's far-future one is capped. */
    double expires = start_wall;
    foil_parse_timestamp(s->expires_at, &expires);
    double until_expiry = start + (expires - start_wall);
    double deadline = timeout_ms > 0 ? start + (double)timeout_ms / 1000.0
                                     : start + FOIL_GATE_SESSION_MAX_WAIT_SECONDS;
    s->deadline_is_expiry = until_expiry <= deadline;
    s->deadline = s->deadline_is_expiry ? until_expiry : deadline;
    s->interval = interval_ms > 0 ? (double)interval_ms / 1000.0 : 1.0;
    s->next_poll = start; /* the first step polls at once */
    s->last_transient[0] = '\0';
    keep_transient(s, false);
    s->waiting = true;
    /* cancel_requested is left alone: a cancel issued before this call ends the wait. */
}

foil_status_t foil_gate_session_wait_start(foil_gate_session_t *s, long timeout_ms,
                                           long interval_ms) {
    if (!s)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "session", "must not be NULL", NULL, NULL);
    foil_status_t st = lock_change(s);
    if (st != FOIL_OK) return st;
    wait_start(s, timeout_ms, interval_ms);
    unlock(s);
    return FOIL_OK;
}

/* Milliseconds from now until `when`, at least 1 (0 means "approved"). */
static long ms_until(double when, double now) {
    /* The nanosecond off ceil() keeps `now + 0.04 - now` (0.04000000000000625 in doubles)
     * from becoming 41 ms instead of the 40 ms interval asked for. */
    double ms = ceil((when - now) * 1000.0 - 1e-6);
    if (ms < 1) return 1;
    return ms > 86400000.0 ? 86400000L : (long)ms;
}

/* The first half of a step, with the lock held: a terminal status, or FOIL_OK with
 * *wait_ms > 0 (nothing due yet), or FOIL_OK with *poll true: a poll is due (its answer
 * goes to step_answered). */
static foil_status_t step_next(foil_gate_session_t *s, long *wait_ms, bool *poll) {
    *poll = false;
    if (!s->waiting) wait_start(s, 0, 0);
    /* The session's own cancel is consumed; a thread's token (foil/cancel.h) stays fired. */
    if (atomic_exchange(&s->cancel_requested, 0) || foil_cancel_requested())
        return wait_over(s, foil_fail(FOIL_E_CANCELLED, "waiting was cancelled"));
    if (delivered(s)) return wait_over(s, FOIL_OK);
    double now = foil_now_monotonic();
    s->last_look = false;
    if (now >= s->deadline) {
        if (!s->deadline_is_expiry)
            return wait_over(s, s->last_transient[0]
                                    ? foil_fail(FOIL_E_TIMEOUT,
                                                "no approval for %s before the deadline (the "
                                                "last poll failed: %s)",
                                                s->service_id, s->last_transient)
                                    : foil_fail(FOIL_E_TIMEOUT,
                                                "no approval for %s before the deadline",
                                                s->service_id));
        s->last_look = true; /* one last look: approved at the last moment, or expired */
    } else if (now < s->next_poll) {
        *wait_ms = ms_until(s->next_poll < s->deadline ? s->next_poll : s->deadline, now);
        return FOIL_OK;
    }
    foil_status_t st = poll_due(s, poll);
    if (st != FOIL_OK) return wait_over(s, st);
    if (!*poll) return wait_over(s, FOIL_OK); /* delivered meanwhile */
    return FOIL_OK;
}

/* The second half: the due poll's answer (st and r from the request, r taken). */
static foil_status_t step_answered(foil_gate_session_t *s, foil_status_t st, foil_result_t *r,
                                   long *wait_ms) {
    if (!s->waiting) wait_start(s, 0, 0);
    bool is_transient = false;
    double pause = s->interval;
    st = poll_answered(s, st, r, &is_transient);
    keep_transient(s, st != FOIL_OK && is_transient);
    if (st == FOIL_OK) {
        s->last_transient[0] = '\0';
        if (delivered(s)) return wait_over(s, FOIL_OK);
        if (strcmp(s->status, "rejected") == 0)
            return wait_over(
                s, foil_fail(FOIL_E_REJECTED, "the signup for %s was rejected", s->service_id));
        if (strcmp(s->status, "expired") == 0)
            return wait_over(s,
                             foil_fail(FOIL_E_EXPIRED, "the signup for %s expired", s->service_id));
    } else if (is_transient) {
        snprintf(s->last_transient, sizeof s->last_transient, "%s",
                 foil_error_message(foil_last_error()));
        double ra = foil_error_retry_after(foil_last_error());
        if (ra > pause) pause = ra < 60 ? ra : 60;
    } else {
        return wait_over(s, st);
    }
    if (atomic_exchange(&s->cancel_requested, 0))
        return wait_over(s, foil_fail(FOIL_E_CANCELLED, "waiting was cancelled"));
    if (s->last_look)
        return wait_over(s, foil_fail(FOIL_E_EXPIRED, "the signup for %s expired at %s",
                                      s->service_id, s->expires_at));
    double now = foil_now_monotonic();
    s->next_poll = now + pause;
    *wait_ms = ms_until(s->next_poll < s->deadline ? s->next_poll : s->deadline, now);
    return FOIL_OK;
}

/* foil_gate_session_step with the lock held: next, the poll over libcurl, its answer. */
static foil_status_t step(foil_gate_session_t *s, long *wait_ms) {
    bool poll = false;
    foil_status_t st = step_next(s, wait_ms, &poll);
    if (st != FOIL_OK || !poll) return st;
    foil_http_request_t *req = NULL;
    foil_result_t *r = NULL;
    if ((st = prepare_poll(s, &req)) == FOIL_OK) {
        /* foil_gate_session_cancel() also aborts this poll if it comes while in flight. */
        atomic_int *outer = foil_cancel_also(&s->cancel_requested);
        st = foil_run_send(req, &r);
        foil_cancel_also(outer);
    }
    foil_http_request_free(req);
    return step_answered(s, st, r, wait_ms);
}

foil_status_t foil_gate_session_step(foil_gate_session_t *s, long *wait_ms) {
    if (!wait_ms)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "wait_ms", "must not be NULL", NULL, NULL);
    *wait_ms = 0;
    if (!s)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "session", "must not be NULL", NULL, NULL);
    foil_status_t st = lock_change(s);
    if (st != FOIL_OK) return st;
    st = step(s, wait_ms);
    unlock(s);
    return st;
}

static double seconds_left(const foil_gate_session_t *s) {
    if (s->waiting) {
        double left = s->deadline - foil_now_monotonic();
        return left > 0 ? left : 0;
    }
    double expires = 0;
    foil_parse_timestamp(s->expires_at, &expires); /* readable: checked at create / import */
    double left = expires - foil_now_wall();
    return left > 0 ? left : 0;
}

double foil_gate_session_seconds_left(const foil_gate_session_t *s) {
    if (!s) return -1;
    bool locked = lock_read(s);
    double left = seconds_left(s);
    unlock_read(s, locked);
    return left;
}

foil_status_t foil_gate_session_wait(foil_gate_session_t *s, long timeout_ms, long interval_ms,
                                     foil_gate_progress_fn progress, void *user_data) {
    foil_status_t st = foil_gate_session_wait_start(s, timeout_ms, interval_ms);
    while (st == FOIL_OK) {
        long wait_ms = 0;
        if ((st = foil_gate_session_step(s, &wait_ms)) != FOIL_OK || wait_ms == 0) return st;
        /* Sleep in short slices so cancellation and progress stay responsive; unlocked, so
         * other threads may use the session meanwhile. */
        double wake = foil_now_monotonic() + (double)wait_ms / 1000.0;
        for (;;) {
            /* A cancel (the session's, or this thread's token): the next step ends it. */
            if (atomic_load(&s->cancel_requested) || foil_cancel_requested()) break;
            if (progress) {
                char status[sizeof s->status];
                lock(s);
                memcpy(status, s->status, sizeof status);
                double left = seconds_left(s);
                unlock(s);
                if (progress(user_data, status, left) != 0) {
                    lock(s);
                    st = wait_over(s, foil_fail(FOIL_E_CANCELLED, "waiting was cancelled"));
                    unlock(s);
                    return st;
                }
            }
            double now = foil_now_monotonic();
            if (now >= wake) break;
            foil_sleep_seconds(wake - now < 0.1 ? wake - now : 0.1);
        }
    }
    return st;
}

void foil_gate_session_cancel(foil_gate_session_t *s) {
    if (s) atomic_store(&s->cancel_requested, 1);
}

LOCKED_GETTER(const foil_error_t *, error, NULL, s->error)
LOCKED_GETTER(const foil_error_t *, transient_error, NULL, s->transient)
LOCKED_GETTER(const foil_json_t *, outputs, NULL, FOIL_VIEW(s->outputs_view))
LOCKED_GETTER(const foil_json_t *, refused, NULL, FOIL_VIEW(s->refused_view))
LOCKED_GETTER(size_t, output_count, 0, s->output_count)
LOCKED_GETTER(size_t, refused_count, 0, s->refused_count)

/* The i-th of a list the delivery fills (outputs, refused keys), read under the lock. */
#define LOCKED_AT(name, count, expr)                                                               \
    const char *foil_gate_session_##name(const foil_gate_session_t *s, size_t i) {                 \
        if (!s) return NULL;                                                                       \
        bool locked = lock_read(s);                                                                \
        const char *value = i < s->count ? expr : NULL;                                            \
        unlock_read(s, locked);                                                                    \
        return value;                                                                              \
    }
LOCKED_AT(output_key, output_count, s->outputs[i].key)
LOCKED_AT(output_value, output_count, s->outputs[i].value)
LOCKED_AT(refused_key, refused_count, s->refused[i].key)
LOCKED_AT(refused_reason, refused_count, s->refused[i].reason)

const char *foil_gate_session_output(const foil_gate_session_t *s, const char *key) {
    if (!s || !key) return NULL;
    const char *value = NULL;
    bool locked = lock_read(s);
    for (size_t i = 0; !value && i < s->output_count; i++)
        if (strcmp(s->outputs[i].key, key) == 0) value = s->outputs[i].value;
    unlock_read(s, locked);
    return value;
}

static foil_status_t prepare_ack(const foil_gate_session_t *s, foil_http_request_t **out) {
    if (!s->ack_token)
        return foil_fail(FOIL_E_STATE, "nothing to acknowledge: the delivery was not received yet");
    foil_run_t run;
    foil_status_t st = foil_run_start_prepare(&run, s->client, out);
    return st == FOIL_OK
               ? foil_run_gate_sessions_acknowledge(&run, s->id, s->poll_token, s->ack_token)
               : st;
}

/* The ack's answer (st and r from the request, r taken). */
static foil_status_t acked(foil_gate_session_t *s, foil_status_t st, foil_result_t *r) {
    foil_result_free(r);
    if (st == FOIL_OK) strcpy(s->status, "acknowledged");
    return failed(s, st);
}

foil_status_t foil_gate_session_ack(foil_gate_session_t *s) {
    if (!s)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "session", "must not be NULL", NULL, NULL);
    foil_http_request_t *req = NULL;
    foil_result_t *r = NULL;
    foil_status_t st = lock_change(s);
    if (st != FOIL_OK) return st;
    st = prepare_ack(s, &req);
    if (st == FOIL_OK) st = foil_run_send(req, &r);
    foil_http_request_free(req);
    st = acked(s, st, r);
    unlock(s);
    return st;
}

/* ---- The same steps without I/O (gate_session.h, sansio.h). */

static foil_status_t session_arg(const foil_gate_session_t *s) {
    return s ? FOIL_OK
             : foil_fail_field(FOIL_E_INVALID_ARGUMENT, "session", "must not be NULL", NULL, NULL);
}

foil_status_t foil_gate_session_next(foil_gate_session_t *s, foil_http_request_t **request,
                                     long *wait_ms) {
    if (wait_ms) *wait_ms = 0;
    if (request) *request = NULL;
    if (!request || !wait_ms)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, !request ? "request" : "wait_ms",
                               "must not be NULL", NULL, NULL);
    foil_status_t st = session_arg(s);
    if (st != FOIL_OK || (st = lock_change(s)) != FOIL_OK) return st;
    bool poll = false;
    st = step_next(s, wait_ms, &poll);
    if (st == FOIL_OK && poll && (st = prepare_poll(s, request)) != FOIL_OK) st = wait_over(s, st);
    unlock(s);
    return st;
}

foil_status_t foil_gate_session_prepare_poll(foil_gate_session_t *s,
                                             foil_http_request_t **request) {
    foil_status_t st = foil_check_out(request);
    if (st != FOIL_OK) return st;
    *request = NULL;
    if ((st = session_arg(s)) != FOIL_OK || (st = lock_change(s)) != FOIL_OK) return st;
    bool due = false;
    if ((st = poll_due(s, &due)) == FOIL_OK && due && (st = prepare_poll(s, request)) == FOIL_OK)
        (*request)->single_poll = true;
    st = failed(s, st);
    unlock(s);
    return st;
}

foil_status_t foil_gate_session_prepare_ack(foil_gate_session_t *s, foil_http_request_t **request) {
    foil_status_t st = foil_check_out(request);
    if (st != FOIL_OK) return st;
    *request = NULL;
    if ((st = session_arg(s)) != FOIL_OK || (st = lock_change(s)) != FOIL_OK) return st;
    st = failed(s, prepare_ack(s, request));
    unlock(s);
    return st;
}

/* A request's answer, decoded (st, r), handed to the step it belongs to. */
static foil_status_t feed(foil_gate_session_t *s, const foil_http_request_t *request,
                          foil_status_t st, foil_result_t *r, long *wait_ms) {
    foil_status_t locked = lock_change(s);
    if (locked != FOIL_OK) {
        foil_result_free(r);
        *wait_ms = 0;
        return locked;
    }
    switch (request->op) {
    case FOIL_OP_CREATE_GATE_SESSION:
        st = s->id ? foil_fail(FOIL_E_STATE, "the session was already created") : created(s, st, r);
        if (st != FOIL_OK) st = failed(s, st);
        break;
    case FOIL_OP_POLL_GATE_SESSION:
        if (request->single_poll) {
            bool is_transient;
            st = failed(s, poll_answered(s, st, r, &is_transient));
        } else {
            st = step_answered(s, st, r, wait_ms);
        }
        break;
    case FOIL_OP_ACK_GATE_SESSION:
        st = acked(s, st, r);
        break;
    default:
        foil_result_free(r);
        st = failed(s, foil_fail_field(
                           FOIL_E_INVALID_ARGUMENT, "request", "is not a request of a Gate signup",
                           "a request from prepare_create, next, prepare_poll or prepare_ack",
                           request->operation->sdk_name));
    }
    unlock(s);
    if (st != FOIL_OK) *wait_ms = 0;
    return st;
}

foil_status_t foil_gate_session_feed(foil_gate_session_t *s, const foil_http_request_t *request,
                                     const foil_http_response_t *response, long *wait_ms) {
    if (wait_ms) *wait_ms = 0;
    foil_status_t st = session_arg(s);
    if (st == FOIL_OK && (!request || !response || !wait_ms))
        st = foil_fail_field(FOIL_E_INVALID_ARGUMENT,
                             !request    ? "request"
                             : !response ? "response"
                                         : "wait_ms",
                             "must not be NULL", NULL, NULL);
    if (st != FOIL_OK) return st;
    foil_result_t *r = NULL;
    st = foil_complete(request, response, &r, NULL);
    return feed(s, request, st, r, wait_ms);
}

foil_status_t foil_gate_session_feed_failure(foil_gate_session_t *s,
                                             const foil_http_request_t *request,
                                             foil_status_t status, const char *detail,
                                             long *wait_ms) {
    if (wait_ms) *wait_ms = 0;
    foil_status_t st = session_arg(s);
    if (st == FOIL_OK && (!request || !wait_ms))
        st = foil_fail_field(FOIL_E_INVALID_ARGUMENT, !request ? "request" : "wait_ms",
                             "must not be NULL", NULL, NULL);
    if (st != FOIL_OK) return st;
    return feed(s, request, foil_complete_failure(request, status, detail, NULL), NULL, wait_ms);
}

/* The members an export names the session by: strings, never empty. */
#define EXPORT_VERSION 1
static const char *const exported_fields[] = {"id", "service_id", "account_name", "poll_token",
                                              "consent_url"};
#define EXPORTED_FIELDS (sizeof exported_fields / sizeof *exported_fields)

/* Reads only what never changes after create / import: no lock, never behind a poll. */
foil_status_t foil_gate_session_export(const foil_gate_session_t *s, char **out) {
    foil_status_t st = foil_check_out(out);
    if (st != FOIL_OK) return st;
    *out = NULL;
    if (!s)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "session", "must not be NULL", NULL, NULL);
    char *pkcs8 = NULL;
    if ((st = foil_delivery_key_pair_export_pkcs8(s->key_pair, &pkcs8)) != FOIL_OK) return st;
    const char *values[] = {s->id, s->service_id, s->account_name, s->poll_token, s->consent_url};
    cJSON *obj = cJSON_CreateObject();
    bool ok = obj && cJSON_AddStringToObject(obj, "object", "foil_gate_session_export") &&
              cJSON_AddNumberToObject(obj, "version", EXPORT_VERSION) &&
              cJSON_AddStringToObject(obj, "base_url", foil_client_base_url(s->client));
    for (size_t i = 0; ok && i < EXPORTED_FIELDS; i++)
        ok = cJSON_AddStringToObject(obj, exported_fields[i], values[i]) != NULL;
    ok = ok && cJSON_AddStringToObject(obj, "expires_at", s->expires_at) &&
         cJSON_AddStringToObject(obj, "private_key_pkcs8", pkcs8);
    foil_string_free(pkcs8);
    /* Printed by the wiping writer (cJSON's printer leaves copies of the key in the buffers
     * it outgrows), and the tree's copies wiped. */
    st = ok ? foil_json_print(obj, out) : foil_fail_nomem();
    foil_json_wipe_delete(obj);
    return st;
}

static foil_status_t not_an_export(const char *issue) {
    return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "exported", issue,
                           "the text of foil_gate_session_export()", NULL);
}

/* The export as the library wrote it: strict JSON, each member once. Anything else was edited
 * (a member named twice would have a lenient reader pick one of two keys; a \u0000 cuts a value
 * short). The parser's reason never quotes the text, which holds secrets. */
static foil_status_t parse_export(const char *exported, cJSON **out) {
    *out = NULL;
    foil_status_t st = foil_check_required(exported, "exported");
    if (st != FOIL_OK) return st;
    st = foil_json_tree_parse(exported, strlen(exported), out);
    if (st == FOIL_E_NOMEM) return st;
    if (st == FOIL_OK && cJSON_IsObject(*out)) return FOIL_OK;
    char issue[200];
    snprintf(issue, sizeof issue, "is not an exported gate session (%s)",
             st != FOIL_OK ? foil_error_message(foil_last_error()) : "not a JSON object");
    foil_json_wipe_delete(*out);
    *out = NULL;
    return not_an_export(issue);
}

/* What the export says about itself: its kind, its version, and the API it was made on (its
 * poll token is a credential for that API alone: it is never sent to another one). */
static foil_status_t check_export(foil_client_t *client, const foil_json_t *v) {
    const char *kind = foil_json_get_string(v, "object");
    int64_t version = 0;
    if (!kind || strcmp(kind, "foil_gate_session_export") != 0)
        return not_an_export("is not an exported gate session");
    if (!foil_json_get_int(v, "version", &version) || version != EXPORT_VERSION)
        return not_an_export("has a version this library does not read (it reads version 1)");
    const char *base_url = foil_json_get_string(v, "base_url");
    const char *client_url = foil_client_base_url(client);
    if (!base_url || !client_url || strcmp(base_url, client_url) != 0)
        return not_an_export("was exported on another API: its base_url is not the client's");
    return FOIL_OK;
}

static foil_status_t import_fields(foil_gate_session_t *s, const foil_json_t *v) {
    char **slots[] = {&s->id, &s->service_id, &s->account_name, &s->poll_token, &s->consent_url};
    _Static_assert(sizeof slots / sizeof *slots == EXPORTED_FIELDS, "one slot per field");
    const char *pkcs8 = foil_json_get_string(v, "private_key_pkcs8");
    if (!pkcs8) return not_an_export("lacks the private key (`private_key_pkcs8`)");
    foil_status_t st = foil_delivery_key_pair_import_pkcs8(pkcs8, &s->key_pair);
    for (size_t i = 0; st == FOIL_OK && i < EXPORTED_FIELDS; i++) {
        const char *field = foil_json_get_string(v, exported_fields[i]);
        if (foil_str_empty(field))
            st = foil_fail_field(FOIL_E_INVALID_ARGUMENT, "exported",
                                 "lacks a required field (a non-empty string)", exported_fields[i],
                                 NULL);
        else if (!(*slots[i] = foil_strdup(field)))
            st = foil_fail_nomem();
    }
    return st == FOIL_OK ? copy_expires_at(s, v) : st;
}

foil_status_t foil_gate_session_import(foil_client_t *client, const char *exported,
                                       foil_gate_session_t **out) {
    foil_status_t st = foil_check_out(out);
    if (st != FOIL_OK) return st;
    *out = NULL;
    cJSON *obj = NULL;
    if ((st = foil_check_client(client)) != FOIL_OK ||
        (st = parse_export(exported, &obj)) != FOIL_OK)
        return st;
    foil_gate_session_t *s = NULL;
    if ((st = check_export(client, FOIL_VIEW(obj))) == FOIL_OK && !(s = session_alloc(client)))
        st = foil_fail_nomem();
    if (st == FOIL_OK) st = import_fields(s, FOIL_VIEW(obj));
    foil_json_wipe_delete(obj); /* the key's copy in the tree */
    if (st != FOIL_OK) {
        foil_gate_session_free(s);
        return st;
    }
    *out = s;
    return FOIL_OK;
}
