/* Gate signup end to end against the embedded emulator over real HTTP: create,
 * approve, wait, decrypt both envelopes, env-var policy, export/resume, ack, 410,
 * rejection, expiry, deadlines, cancellation and Retry-After; a canned server for answers the
 * emulator never gives (an unreadable expires_at). */
#include "foil_test.h"

#include "canned_server.h"
#include "foil/cancel.h"
#include "foil_emulator.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct env {
    foil_emulator_t *emu;
    foil_client_t *client;
} env;

static int start(void **state, unsigned ttl_seconds) {
    env *e = calloc(1, sizeof *e);
    foil_emulator_config_t cfg;
    foil_emulator_config_init(&cfg);
    if (ttl_seconds) cfg.gate_ttl_seconds = ttl_seconds;
    assert_int_equal(foil_emulator_start(&cfg, &e->emu), FOIL_OK);
    foil_emulator_service_t acme = {
        .id = "acme",
        .name = "Acme",
        .outputs_json =
            "{\"ACME_API_KEY\":\"ak_test_123\",\"PATH\":\"/tmp/evil\","
            "\"ACME_GATE_AGENT_TOKEN\":\"agt_forged\",\"ACME_NOTE\":\"a b#c\\n\\\"q\\\"\"}",
        .dashboard_login_url = "https://acme.example/login",
    };
    assert_int_equal(foil_emulator_add_service(e->emu, &acme), FOIL_OK);
    assert_int_equal(foil_client_new(&e->client), FOIL_OK);
    assert_int_equal(foil_client_set_base_url(e->client, foil_emulator_base_url(e->emu)), FOIL_OK);
    *state = e;
    return 0;
}

static int setup(void **state) {
    return start(state, 0);
}

static int setup_short_ttl(void **state) {
    return start(state, 1);
}

static int teardown(void **state) {
    env *e = *state;
    foil_client_free(e->client);
    foil_emulator_stop(e->emu);
    free(e);
    return 0;
}

static foil_gate_session_t *create(env *e) {
    foil_gate_session_t *s = NULL;
    FOIL_ASSERT_OK(foil_gate_session_create(e->client, "acme", "my-project",
                                            "{\"source\":\"integration-test\"}", &s));
    assert_non_null(s);
    return s;
}

static void approve_wait_ack_then_gone(void **state) {
    env *e = *state;
    foil_gate_session_t *s = create(e);
    assert_string_equal(foil_gate_session_status(s), "pending");
    assert_int_equal(strncmp(foil_gate_session_id(s), "gate_", 5), 0);
    assert_int_equal(strncmp(foil_gate_session_poll_token(s), "gtpoll_", 7), 0);
    assert_non_null(strstr(foil_gate_session_consent_url(s), foil_emulator_base_url(e->emu)));
    assert_non_null(foil_gate_session_expires_at(s));
    FOIL_ASSERT_OK(foil_gate_session_poll(s));
    assert_string_equal(foil_gate_session_status(s), "pending");
    assert_int_equal(foil_gate_session_output_count(s), 0);
    assert_int_equal(foil_gate_session_ack(s), FOIL_E_STATE); /* nothing delivered yet */

    FOIL_ASSERT_OK(foil_emulator_approve(e->emu, foil_gate_session_id(s)));
    FOIL_ASSERT_OK(foil_gate_session_wait(s, 5000, 20, NULL, NULL));
    assert_string_equal(foil_gate_session_status(s), "approved");
    assert_string_equal(foil_gate_session_output(s, "ACME_API_KEY"), "ak_test_123");
    assert_string_equal(foil_gate_session_output(s, "ACME_NOTE"), "a b#c\n\"q\"");
    const char *agent = foil_gate_session_output(s, "ACME_GATE_AGENT_TOKEN");
    assert_non_null(agent);
    assert_int_equal(strncmp(agent, "agt_", 4), 0);
    assert_string_not_equal(agent, "agt_forged"); /* only the gate envelope may set it */
    assert_null(foil_gate_session_output(s, "PATH"));
    assert_int_equal(foil_gate_session_refused_count(s), 2);
    for (size_t i = 0; i < 2; i++) {
        const char *key = foil_gate_session_refused_key(s, i);
        const char *why = foil_gate_session_refused_reason(s, i);
        if (strcmp(key, "PATH") == 0)
            assert_string_equal(why, "blocked");
        else
            assert_string_equal(why, "gate_managed_from_integrator");
    }
    const foil_json_t *poll = foil_gate_session_poll_data(s);
    assert_string_equal(foil_gate_session_info_account_name(poll), "my-project");
    assert_non_null(foil_delivery_bundle_gate(foil_gate_session_info_delivery_bundle(poll)));

    FOIL_ASSERT_OK(foil_gate_session_ack(s));
    assert_string_equal(foil_gate_session_status(s), "acknowledged");
    /* Exactly once: the API now answers 410 to poll and ack. */
    foil_result_t *r = NULL;
    assert_int_equal(foil_gate_sessions_poll(e->client, foil_gate_session_id(s),
                                             foil_gate_session_poll_token(s), &r),
                     FOIL_E_GONE);
    assert_int_equal(foil_error_http_status(foil_last_error()), 410);
    assert_non_null(foil_error_request_id(foil_last_error()));
    assert_int_equal(foil_gate_sessions_acknowledge(e->client, foil_gate_session_id(s),
                                                    foil_gate_session_poll_token(s), "gtack_x", &r),
                     FOIL_E_GONE);
    foil_gate_session_free(s);
}

static void export_and_resume_after_crash(void **state) {
    env *e = *state;
    foil_gate_session_t *s = create(e);
    char *saved = NULL;
    FOIL_ASSERT_OK(foil_gate_session_export(s, &saved));
    char id[64];
    snprintf(id, sizeof id, "%s", foil_gate_session_id(s));
    foil_gate_session_free(s); /* the process "crashes" with the session pending */

    FOIL_ASSERT_OK(foil_emulator_approve(e->emu, id));
    foil_client_t *fresh = NULL;
    FOIL_ASSERT_OK(foil_client_new(&fresh));
    FOIL_ASSERT_OK(foil_client_set_base_url(fresh, foil_emulator_base_url(e->emu)));
    foil_gate_session_t *resumed = NULL;
    FOIL_ASSERT_OK(foil_gate_session_import(fresh, saved, &resumed));
    foil_client_free(fresh); /* the session keeps its client alive */
    foil_string_free(saved);
    assert_string_equal(foil_gate_session_id(resumed), id);
    FOIL_ASSERT_OK(foil_gate_session_wait(resumed, 5000, 20, NULL, NULL));
    assert_string_equal(foil_gate_session_output(resumed, "ACME_API_KEY"), "ak_test_123");

    /* A crash after decrypting but before the ack: still resumable. */
    FOIL_ASSERT_OK(foil_gate_session_export(resumed, &saved));
    foil_gate_session_t *again = NULL;
    FOIL_ASSERT_OK(foil_gate_session_import(e->client, saved, &again));
    FOIL_ASSERT_OK(foil_gate_session_poll(again));
    assert_string_equal(foil_gate_session_output(again, "ACME_API_KEY"), "ak_test_123");
    FOIL_ASSERT_OK(foil_gate_session_ack(again));
    assert_int_equal(foil_gate_session_ack(resumed), FOIL_E_GONE);
    foil_gate_session_free(again);
    foil_gate_session_free(resumed);
    foil_string_free(saved);

    foil_gate_session_t *bad = NULL;
    assert_int_equal(foil_gate_session_import(e->client, "{\"object\":\"x\"}", &bad),
                     FOIL_E_INVALID_ARGUMENT);
    assert_int_equal(foil_gate_session_import(e->client, "not json", &bad),
                     FOIL_E_INVALID_ARGUMENT);
    assert_null(bad);
}

static void rejected(void **state) {
    env *e = *state;
    foil_gate_session_t *s = create(e);
    FOIL_ASSERT_OK(foil_emulator_deny(e->emu, foil_gate_session_id(s)));
    assert_int_equal(foil_gate_session_wait(s, 5000, 20, NULL, NULL), FOIL_E_REJECTED);
    assert_string_equal(foil_gate_session_status(s), "rejected");
    assert_int_equal(foil_gate_session_output_count(s), 0);
    foil_gate_session_free(s);
}

static void expired(void **state) {
    env *e = *state;
    foil_gate_session_t *s = create(e);
    foil_status_t st = foil_gate_session_wait(s, 10000, 100, NULL, NULL);
    assert_true(st == FOIL_E_EXPIRED || st == FOIL_E_GONE);
    foil_gate_session_free(s);
}

static void deadline(void **state) {
    env *e = *state;
    foil_gate_session_t *s = create(e);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(foil_gate_session_wait(s, 250, 50, NULL, NULL), FOIL_E_TIMEOUT);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double elapsed = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    assert_true(elapsed >= 0.2 && elapsed < 2.0);
    foil_gate_session_free(s);
}

typedef struct progress_log {
    int calls;
    int stop_after;
    char last_status[32];
} progress_log;

static int on_progress(void *user, const char *status, double seconds_left) {
    progress_log *log = user;
    log->calls++;
    snprintf(log->last_status, sizeof log->last_status, "%s", status);
    assert_true(seconds_left > 0);
    return log->stop_after && log->calls >= log->stop_after;
}

static void progress_and_cancel(void **state) {
    env *e = *state;
    foil_gate_session_t *s = create(e);
    progress_log log = {.stop_after = 3};
    assert_int_equal(foil_gate_session_wait(s, 5000, 20, on_progress, &log), FOIL_E_CANCELLED);
    assert_int_equal(log.calls, 3);
    assert_string_equal(log.last_status, "pending");
    foil_gate_session_free(s);
}

static void *cancel_soon(void *arg) {
    struct timespec ts = {0, 150 * 1000000L};
    nanosleep(&ts, NULL);
    foil_gate_session_cancel(arg);
    return NULL;
}

static void cancel_from_another_thread(void **state) {
    env *e = *state;
    foil_gate_session_t *s = create(e);
    pthread_t t;
    pthread_create(&t, NULL, cancel_soon, s);
    assert_int_equal(foil_gate_session_wait(s, 10000, 1000, NULL, NULL), FOIL_E_CANCELLED);
    pthread_join(t, NULL);
    foil_gate_session_free(s);
}

static void transient_poll_failures_are_retried(void **state) {
    env *e = *state;
    foil_gate_session_t *s = create(e);
    FOIL_ASSERT_OK(foil_emulator_approve(e->emu, foil_gate_session_id(s)));
    FOIL_ASSERT_OK(foil_emulator_inject_fault(e->emu, "GET", "/v1/gate/sessions/", 2,
                                              FOIL_EMULATOR_FAULT_STATUS, 429, 0));
    FOIL_ASSERT_OK(foil_emulator_inject_fault(e->emu, "GET", "/v1/gate/sessions/", 1,
                                              FOIL_EMULATOR_FAULT_STATUS, 503, 0));
    FOIL_ASSERT_OK(foil_gate_session_wait(s, 10000, 20, NULL, NULL));
    assert_string_equal(foil_gate_session_output(s, "ACME_API_KEY"), "ak_test_123");
    foil_gate_session_free(s);
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A cancel that comes while a poll is in flight aborts that poll at once (not after the
 * server's 3 s answer), and only it: the session's next wait runs normally. */
static void cancel_aborts_the_poll_in_flight(void **state) {
    env *e = *state;
    foil_gate_session_t *s = create(e);
    FOIL_ASSERT_OK(foil_emulator_inject_fault(e->emu, "GET", "/v1/gate/sessions/", 1,
                                              FOIL_EMULATOR_FAULT_DELAY, 0, 3000));
    pthread_t t;
    pthread_create(&t, NULL, cancel_soon, s);
    double t0 = now_seconds();
    assert_int_equal(foil_gate_session_wait(s, 10000, 20, NULL, NULL), FOIL_E_CANCELLED);
    assert_true(now_seconds() - t0 < 1.0);
    pthread_join(t, NULL);
    FOIL_ASSERT_OK(foil_emulator_approve(e->emu, foil_gate_session_id(s)));
    FOIL_ASSERT_OK(foil_gate_session_wait(s, 10000, 20, NULL, NULL));
    foil_gate_session_free(s);
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static uint64_t requests_served(env *e) {
    foil_emulator_stats_t stats;
    foil_emulator_stats(e->emu, &stats);
    return stats.requests;
}

/* Step until the wait is over; returns the terminal status (FOIL_OK: approved). */
static foil_status_t step_until_done(foil_gate_session_t *s, int *steps) {
    for (int i = 0; i < 10000; i++) {
        long wait_ms = -1;
        foil_status_t st = foil_gate_session_step(s, &wait_ms);
        if (steps) (*steps)++;
        if (st != FOIL_OK) {
            assert_int_equal(wait_ms, 0);
            return st;
        }
        if (wait_ms == 0) return FOIL_OK;
        assert_true(wait_ms > 0);
        sleep_ms(wait_ms);
    }
    fail_msg("the wait never ended");
    return FOIL_E_STATE;
}

static void step_until_approved_then_views(void **state) {
    env *e = *state;
    foil_gate_session_t *s = create(e);
    assert_null(foil_gate_session_outputs(s)); /* nothing before approval */
    assert_null(foil_gate_session_refused(s));
    assert_null(foil_gate_session_error(s));
    FOIL_ASSERT_OK(foil_gate_session_wait_start(s, 5000, 40));
    double left = foil_gate_session_seconds_left(s);
    assert_true(left > 4.0 && left <= 5.0);
    long wait_ms = -1;
    uint64_t before = requests_served(e);
    FOIL_ASSERT_OK(foil_gate_session_step(s, &wait_ms)); /* polls at once: pending */
    assert_int_equal(requests_served(e), before + 1);
    assert_true(wait_ms > 0 && wait_ms <= 40);
    assert_string_equal(foil_gate_session_status(s), "pending");
    /* Not due yet: no request, the time left until the next poll. */
    FOIL_ASSERT_OK(foil_gate_session_step(s, &wait_ms));
    assert_true(wait_ms > 0 && wait_ms <= 40);
    assert_int_equal(requests_served(e), before + 1);

    FOIL_ASSERT_OK(foil_emulator_approve(e->emu, foil_gate_session_id(s)));
    FOIL_ASSERT_OK(step_until_done(s, NULL));
    assert_string_equal(foil_gate_session_status(s), "approved");
    /* Approved: further steps say so at once, without a request. */
    before = requests_served(e);
    wait_ms = -1;
    FOIL_ASSERT_OK(foil_gate_session_step(s, &wait_ms));
    assert_int_equal(wait_ms, 0);
    assert_int_equal(requests_served(e), before);

    /* The outputs view matches the index API, member by member, in order. */
    const foil_json_t *outputs = foil_gate_session_outputs(s);
    assert_int_equal(foil_json_type(outputs), FOIL_JSON_OBJECT);
    assert_int_equal(foil_json_size(outputs), foil_gate_session_output_count(s));
    size_t i = 0;
    for (const foil_json_t *m = foil_json_at(outputs, 0); m; m = foil_json_next(m), i++) {
        assert_string_equal(foil_json_key(m), foil_gate_session_output_key(s, i));
        assert_string_equal(foil_json_string(m), foil_gate_session_output_value(s, i));
    }
    assert_string_equal(foil_json_get_string(outputs, "ACME_API_KEY"), "ak_test_123");
    assert_string_equal(foil_json_get_string(outputs, "ACME_NOTE"), "a b#c\n\"q\"");
    assert_null(foil_json_get(outputs, "PATH"));
    const foil_json_t *refused = foil_gate_session_refused(s);
    /* The refused view: one shape for every binding, {"KEY":"reason"}, in order. */
    assert_int_equal(foil_json_type(refused), FOIL_JSON_OBJECT);
    assert_int_equal(foil_json_size(refused), foil_gate_session_refused_count(s));
    assert_int_equal(foil_json_size(refused), 2);
    i = 0;
    for (const foil_json_t *r = foil_json_at(refused, 0); r; r = foil_json_next(r), i++) {
        assert_string_equal(foil_json_key(r), foil_gate_session_refused_key(s, i));
        assert_string_equal(foil_json_string(r), foil_gate_session_refused_reason(s, i));
    }
    assert_string_equal(foil_json_get_string(refused, "PATH"), "blocked");
    assert_null(foil_gate_session_error(s)); /* no call failed */
    FOIL_ASSERT_OK(foil_gate_session_ack(s));
    assert_string_equal(foil_json_get_string(foil_gate_session_outputs(s), "ACME_API_KEY"),
                        "ak_test_123"); /* still readable after the ack */
    foil_gate_session_free(s);
}

static void step_null_arguments_and_defaults(void **state) {
    env *e = *state;
    long wait_ms = -1;
    assert_int_equal(foil_gate_session_step(NULL, &wait_ms), FOIL_E_INVALID_ARGUMENT);
    assert_int_equal(wait_ms, 0);
    assert_int_equal(foil_gate_session_wait_start(NULL, 0, 0), FOIL_E_INVALID_ARGUMENT);
    assert_true(foil_gate_session_seconds_left(NULL) == -1);
    assert_null(foil_gate_session_outputs(NULL));
    assert_null(foil_gate_session_refused(NULL));
    assert_null(foil_gate_session_error(NULL));
    foil_gate_session_cancel(NULL);

    foil_gate_session_t *s = create(e);
    assert_int_equal(foil_gate_session_step(s, NULL), FOIL_E_INVALID_ARGUMENT);
    assert_string_equal(foil_error_field_name(foil_last_error(), 0), "wait_ms");
    /* No wait in progress: seconds until expires_at (the emulator's 900 s TTL). */
    double left = foil_gate_session_seconds_left(s);
    assert_true(left > 800 && left <= 900);
    /* A step without wait_start starts a wait with the defaults: 1 s between polls. */
    FOIL_ASSERT_OK(foil_gate_session_step(s, &wait_ms));
    assert_true(wait_ms > 500 && wait_ms <= 1000);
    left = foil_gate_session_seconds_left(s);
    assert_true(left > 800 && left <= 900);
    foil_gate_session_free(s);
}

/* The deadline bounds every sleep, and the wait ends with FOIL_E_TIMEOUT kept on the handle. */
static void step_deadline_bounds_the_sleep(void **state) {
    env *e = *state;
    foil_gate_session_t *s = create(e);
    FOIL_ASSERT_OK(foil_gate_session_wait_start(s, 300, 5000));
    long wait_ms = -1;
    FOIL_ASSERT_OK(foil_gate_session_step(s, &wait_ms));
    assert_true(wait_ms > 0 && wait_ms <= 300); /* not the 5 s interval */
    double t0 = now_seconds();
    int steps = 0;
    assert_int_equal(step_until_done(s, &steps), FOIL_E_TIMEOUT);
    assert_true(now_seconds() - t0 < 1.0);
    assert_true(steps <= 3);
    assert_true(foil_gate_session_seconds_left(s) > 800); /* the wait is over */
    const foil_error_t *err = foil_gate_session_error(s);
    assert_non_null(err);
    assert_int_equal(foil_error_status(err), FOIL_E_TIMEOUT);
    assert_string_equal(foil_json_get_string(foil_error_json(err), "kind"), "timeout");
    foil_gate_session_free(s);
}

/* Defect 13: a corrupt body, a wrong content type or an oversized body on one poll is
 * transient, like 500 / 429 / a reset: the wait goes on within its deadline. */
static void unusable_poll_answers_are_transient(void **state) {
    env *e = *state;
    foil_client_t *client = NULL;
    FOIL_ASSERT_OK(foil_client_new(&client));
    FOIL_ASSERT_OK(foil_client_set_base_url(client, foil_emulator_base_url(e->emu)));
    FOIL_ASSERT_OK(foil_client_set_max_response_bytes(client, 1024 * 1024));
    foil_gate_session_t *s = NULL;
    FOIL_ASSERT_OK(foil_gate_session_create(client, "acme", "p", NULL, &s));
    FOIL_ASSERT_OK(foil_emulator_approve(e->emu, foil_gate_session_id(s)));
    const foil_emulator_fault_kind_t kinds[] = {
        FOIL_EMULATOR_FAULT_CORRUPT, FOIL_EMULATOR_FAULT_CONTENT_TYPE,
        FOIL_EMULATOR_FAULT_OVERSIZED, FOIL_EMULATOR_FAULT_TRUNCATE, FOIL_EMULATOR_FAULT_RESET};
    /* Through step: each fault is absorbed, described by the thread's last error. */
    FOIL_ASSERT_OK(foil_gate_session_wait_start(s, 10000, 20));
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        FOIL_ASSERT_OK(
            foil_emulator_inject_fault(e->emu, "GET", "/v1/gate/sessions/", 1, kinds[i], 0, 0));
        long wait_ms = -1;
        foil_status_t st = foil_gate_session_step(s, &wait_ms);
        if (st != FOIL_OK)
            print_message("fault %d: %s\n", (int)kinds[i], foil_error_message(foil_last_error()));
        assert_int_equal(st, FOIL_OK);
        assert_true(wait_ms > 0);
        foil_status_t absorbed = foil_error_status(foil_last_error());
        assert_true(absorbed == FOIL_E_PROTOCOL || absorbed == FOIL_E_CONNECTION);
        assert_string_equal(foil_gate_session_status(s), "pending");
        sleep_ms(wait_ms);
    }
    assert_null(foil_gate_session_error(s));
    FOIL_ASSERT_OK(step_until_done(s, NULL));
    assert_string_equal(foil_gate_session_output(s, "ACME_API_KEY"), "ak_test_123");
    foil_gate_session_free(s);

    /* Through wait, as `foil signup` uses it: all three in a row, then the approval. */
    FOIL_ASSERT_OK(foil_gate_session_create(client, "acme", "p", NULL, &s));
    FOIL_ASSERT_OK(foil_emulator_approve(e->emu, foil_gate_session_id(s)));
    for (size_t i = 0; i < 3; i++)
        FOIL_ASSERT_OK(
            foil_emulator_inject_fault(e->emu, "GET", "/v1/gate/sessions/", 1, kinds[i], 0, 0));
    FOIL_ASSERT_OK(foil_gate_session_wait(s, 10000, 20, NULL, NULL));
    assert_string_equal(foil_gate_session_output(s, "ACME_API_KEY"), "ak_test_123");
    foil_gate_session_free(s);
    foil_client_free(client);
}

/* A deadline reached while polls keep failing names the last failure. */
static void timeout_names_the_last_transient_failure(void **state) {
    env *e = *state;
    foil_gate_session_t *s = create(e);
    FOIL_ASSERT_OK(foil_emulator_inject_fault(e->emu, "GET", "/v1/gate/sessions/", 1000,
                                              FOIL_EMULATOR_FAULT_STATUS, 500, 0));
    assert_int_equal(foil_gate_session_wait(s, 300, 20, NULL, NULL), FOIL_E_TIMEOUT);
    assert_non_null(strstr(foil_error_message(foil_last_error()), "last poll failed"));
    assert_non_null(strstr(foil_error_message(foil_gate_session_error(s)), "HTTP 500"));
    foil_emulator_clear_faults(e->emu);
    foil_gate_session_free(s);
}

/* Retry-After stretches the pause (the emulator sends 1 s with 429), never past the deadline. */
static void step_honours_retry_after_within_the_deadline(void **state) {
    env *e = *state;
    foil_gate_session_t *s = create(e);
    FOIL_ASSERT_OK(foil_emulator_inject_fault(e->emu, "GET", "/v1/gate/sessions/", 2,
                                              FOIL_EMULATOR_FAULT_STATUS, 429, 0));
    FOIL_ASSERT_OK(foil_gate_session_wait_start(s, 10000, 20));
    long wait_ms = -1;
    FOIL_ASSERT_OK(foil_gate_session_step(s, &wait_ms));
    assert_int_equal(foil_error_status(foil_last_error()), FOIL_E_RATE_LIMITED);
    assert_true(wait_ms > 900 && wait_ms <= 1000);
    FOIL_ASSERT_OK(foil_gate_session_wait_start(s, 400, 20)); /* a nearer deadline */
    FOIL_ASSERT_OK(foil_gate_session_step(s, &wait_ms));
    assert_int_equal(foil_error_status(foil_last_error()), FOIL_E_RATE_LIMITED);
    assert_true(wait_ms > 0 && wait_ms <= 400);
    foil_gate_session_free(s);
}

/* A failure that is not transient ends the wait; the handle keeps it for any thread. */
static void *read_session_error(void *arg) {
    const foil_error_t *err = foil_gate_session_error(arg);
    return (void *)(intptr_t)(err ? foil_error_http_status(err) : -1);
}

static void step_stops_on_a_lasting_failure(void **state) {
    env *e = *state;
    foil_gate_session_t *s = create(e);
    FOIL_ASSERT_OK(foil_emulator_inject_fault(e->emu, "GET", "/v1/gate/sessions/", 1,
                                              FOIL_EMULATOR_FAULT_STATUS, 403, 0));
    assert_int_equal(step_until_done(s, NULL), FOIL_E_PERMISSION);
    foil_error_clear(); /* this thread's record goes; the handle's copy stays */
    pthread_t t;
    void *http = NULL;
    assert_int_equal(pthread_create(&t, NULL, read_session_error, s), 0);
    pthread_join(t, &http);
    assert_int_equal((intptr_t)http, 403);
    assert_int_equal(foil_error_status(foil_gate_session_error(s)), FOIL_E_PERMISSION);
    foil_gate_session_free(s);
}

/* A cancel issued before a wait starts is not lost, and is consumed once. */
static void cancel_before_the_wait_is_kept(void **state) {
    env *e = *state;
    foil_gate_session_t *s = create(e);
    foil_gate_session_cancel(s);
    uint64_t before = requests_served(e);
    double t0 = now_seconds();
    assert_int_equal(foil_gate_session_wait(s, 5000, 20, NULL, NULL), FOIL_E_CANCELLED);
    assert_true(now_seconds() - t0 < 0.5);
    assert_int_equal(requests_served(e), before); /* cancelled before polling */
    assert_int_equal(foil_error_status(foil_gate_session_error(s)), FOIL_E_CANCELLED);
    /* Consumed: the next wait runs. */
    FOIL_ASSERT_OK(foil_emulator_approve(e->emu, foil_gate_session_id(s)));
    FOIL_ASSERT_OK(foil_gate_session_wait(s, 5000, 20, NULL, NULL));
    foil_gate_session_free(s);

    /* The same through step: after wait_start, and with no wait started at all. */
    s = create(e);
    long wait_ms = -1;
    FOIL_ASSERT_OK(foil_gate_session_wait_start(s, 5000, 20));
    foil_gate_session_cancel(s);
    assert_int_equal(foil_gate_session_step(s, &wait_ms), FOIL_E_CANCELLED);
    assert_int_equal(wait_ms, 0);
    FOIL_ASSERT_OK(foil_gate_session_step(s, &wait_ms)); /* a new wait with the defaults */
    assert_true(wait_ms > 0);
    foil_gate_session_cancel(s);
    foil_gate_session_cancel(s); /* twice is once */
    assert_int_equal(foil_gate_session_step(s, &wait_ms), FOIL_E_CANCELLED);
    FOIL_ASSERT_OK(foil_gate_session_step(s, &wait_ms));
    foil_gate_session_free(s);
}

static void *cancel_client_soon(void *arg) {
    sleep_ms(150);
    foil_client_cancel(arg);
    return NULL;
}

/* What a signal handler run inside a wait's poll does with the same signup, on the same
 * thread (as Python's Ctrl-C check runs it): the poll holds the session's lock there. */
typedef struct {
    foil_gate_session_t *s;
    int calls;
    char status[16];
    foil_status_t poll, wait;
    double seconds_left;
} inside_poll;

static int handler_inside_poll(void *context) {
    inside_poll *h = context;
    if (h->calls++) return 0;
    snprintf(h->status, sizeof h->status, "%s", foil_gate_session_status(h->s));
    h->seconds_left = foil_gate_session_seconds_left(h->s);
    h->poll = foil_gate_session_poll(h->s);
    h->wait = foil_gate_session_wait(h->s, 1000, 20, NULL, NULL);
    foil_gate_session_cancel(h->s);
    return 0;
}

/* Reads answer, calls that would change the state under the poll get FOIL_E_STATE at once,
 * and cancel ends the wait: never a wait for a lock the thread holds itself (it was a
 * deadlock). */
static void a_call_from_inside_a_poll_on_the_same_thread_never_waits_for_it(void **state) {
    env *e = *state;
    foil_gate_session_t *s = create(e);
    FOIL_ASSERT_OK(foil_emulator_inject_fault(e->emu, "GET", "/v1/gate/sessions/", 1,
                                              FOIL_EMULATOR_FAULT_DELAY, 0, 3000));
    inside_poll h = {.s = s};
    foil_cancel_t *token = NULL;
    FOIL_ASSERT_OK(foil_cancel_new(&token));
    foil_cancel_set_check(token, handler_inside_poll, &h);
    foil_cancel_bind(token);
    double t0 = now_seconds();
    assert_int_equal(foil_gate_session_wait(s, 10000, 20, NULL, NULL), FOIL_E_CANCELLED);
    assert_true(now_seconds() - t0 < 1.0);
    foil_cancel_bind(NULL);
    foil_cancel_free(token);
    assert_true(h.calls > 0);
    assert_string_equal(h.status, "pending");
    assert_true(h.seconds_left > 0);
    assert_int_equal(h.poll, FOIL_E_STATE);
    assert_int_equal(h.wait, FOIL_E_STATE);
    /* Usable afterwards, from this thread. */
    FOIL_ASSERT_OK(foil_emulator_approve(e->emu, foil_gate_session_id(s)));
    FOIL_ASSERT_OK(foil_gate_session_wait(s, 10000, 20, NULL, NULL));
    assert_string_equal(foil_gate_session_output(s, "ACME_API_KEY"), "ak_test_123");
    foil_gate_session_free(s);
}

/* foil_client_cancel aborts the poll in flight (a slow server), ending the wait. */
static void client_cancel_aborts_the_poll_in_flight(void **state) {
    env *e = *state;
    foil_gate_session_t *s = create(e);
    FOIL_ASSERT_OK(foil_emulator_inject_fault(e->emu, "GET", "/v1/gate/sessions/", 1,
                                              FOIL_EMULATOR_FAULT_DELAY, 0, 3000));
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, cancel_client_soon, e->client), 0);
    double t0 = now_seconds();
    assert_int_equal(foil_gate_session_wait(s, 10000, 20, NULL, NULL), FOIL_E_CANCELLED);
    assert_true(now_seconds() - t0 < 2.0);
    pthread_join(t, NULL);
    /* Later requests run normally. */
    FOIL_ASSERT_OK(foil_gate_session_poll(s));
    foil_gate_session_free(s);
}

static void create_validates_before_sending(void **state) {
    env *e = *state;
    foil_gate_session_t *s = NULL;
    assert_int_equal(foil_gate_session_create(e->client, "Bad Id", "p", NULL, &s),
                     FOIL_E_INVALID_ARGUMENT);
    assert_string_equal(foil_error_field_name(foil_last_error(), 0), "service_id");
    assert_int_equal(foil_gate_session_create(e->client, "acme", "", NULL, &s),
                     FOIL_E_INVALID_ARGUMENT);
    assert_int_equal(foil_gate_session_create(e->client, "acme", "p", "[1]", &s),
                     FOIL_E_INVALID_ARGUMENT);
    assert_string_equal(foil_error_field_name(foil_last_error(), 0), "metadata");
    /* Text the API cannot read is refused here, not sent (the session's every poll then
     * failed to parse the echo, and a wait never saw the approval). */
    assert_int_equal(foil_gate_session_create(e->client, "acme", "caf\xe9", NULL, &s),
                     FOIL_E_INVALID_ARGUMENT);
    assert_string_equal(foil_error_field_name(foil_last_error(), 0), "account_name");
    assert_int_equal(foil_gate_session_create(e->client, "acme", "p", "{\"k\":[\"\xff\"]}", &s),
                     FOIL_E_INVALID_ARGUMENT);
    assert_string_equal(foil_error_field_name(foil_last_error(), 0), "metadata");
    assert_int_equal(foil_gate_session_create(e->client, "acme", "p", "{\"\xc0\xaf\":1}", &s),
                     FOIL_E_INVALID_ARGUMENT);
    assert_int_equal(foil_gate_session_create(e->client, "no-such-service", "p", NULL, &s),
                     FOIL_E_NOT_FOUND);
    assert_null(s);
}

/* A create answer with this expires_at (NULL: none). */
static void answer_create(canned_server_t *server, const char *expires_at) {
    char body[512];
    snprintf(body, sizeof body,
             "{\"data\":{\"object\":\"gate_session\",\"id\":\"gate_0123456789abcdefghjkmnpqrs\","
             "\"status\":\"pending\",\"poll_token\":\"gtpl_x\",\"consent_url\":\"https://c.test/\""
             "%s%s%s}}",
             expires_at ? ",\"expires_at\":\"" : "", expires_at ? expires_at : "",
             expires_at ? "\"" : "");
    canned_server_respond(server, 200, body, NULL, NULL);
}

static void unreadable_expires_at_is_refused_at_create(void **state) {
    canned_env_t *e = *state;
    const char *bad[] = {
        "soon", "", "2026-04-04 20:15:00Z", "2026-13-04T20:15:00Z", "2026-04-04T20:15:00+02:00",
        NULL};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        answer_create(e->server, bad[i]);
        foil_gate_session_t *s = NULL;
        assert_int_equal(foil_gate_session_create(e->client, "acme", "p", NULL, &s),
                         FOIL_E_PROTOCOL);
        assert_null(s);
        assert_non_null(strstr(foil_error_message(foil_last_error()), "expires_at"));
    }
}

/* An export of a session the canned server created, with expires_at replaced (NULL: removed). */
static char *export_with_expires_at(canned_env_t *e, const char *expires_at) {
    answer_create(e->server, "2099-01-01T00:00:00.000Z");
    foil_gate_session_t *s = NULL;
    FOIL_ASSERT_OK(foil_gate_session_create(e->client, "acme", "p", NULL, &s));
    char *saved = NULL;
    FOIL_ASSERT_OK(foil_gate_session_export(s, &saved));
    foil_gate_session_free(s);
    cJSON *obj = cJSON_Parse(saved);
    foil_string_free(saved);
    if (expires_at)
        cJSON_ReplaceItemInObject(obj, "expires_at", cJSON_CreateString(expires_at));
    else
        cJSON_DeleteItemFromObject(obj, "expires_at");
    char *text = cJSON_PrintUnformatted(obj);
    cJSON_Delete(obj);
    return text;
}

static void unreadable_expires_at_is_refused_at_import(void **state) {
    canned_env_t *e = *state;
    const char *bad[] = {"tomorrow", NULL};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *text = export_with_expires_at(e, bad[i]);
        foil_gate_session_t *s = NULL;
        assert_int_equal(foil_gate_session_import(e->client, text, &s), FOIL_E_PROTOCOL);
        assert_null(s);
        free(text);
    }
    char *text = export_with_expires_at(e, "2099-01-01T00:00:00Z");
    foil_gate_session_t *s = NULL;
    FOIL_ASSERT_OK(foil_gate_session_import(e->client, text, &s));
    foil_gate_session_free(s);
    free(text);
}

static void far_future_expiry_is_capped(void **state) {
    canned_env_t *e = *state;
    answer_create(e->server, "9999-12-31T23:59:59Z");
    foil_gate_session_t *s = NULL;
    FOIL_ASSERT_OK(foil_gate_session_create(e->client, "acme", "p", NULL, &s));
    FOIL_ASSERT_OK(foil_gate_session_wait_start(s, 0, 0));
    double left = foil_gate_session_seconds_left(s);
    assert_true(left > FOIL_GATE_SESSION_MAX_WAIT_SECONDS - 60 &&
                left <= FOIL_GATE_SESSION_MAX_WAIT_SECONDS);
    /* A timeout of the caller's own is kept. */
    FOIL_ASSERT_OK(
        foil_gate_session_wait_start(s, 2L * FOIL_GATE_SESSION_MAX_WAIT_SECONDS * 1000, 0));
    assert_true(foil_gate_session_seconds_left(s) > FOIL_GATE_SESSION_MAX_WAIT_SECONDS + 60);
    foil_gate_session_free(s);
}

static void past_expiry_gets_one_last_poll(void **state) {
    canned_env_t *e = *state;
    const char *bodies[] = {
        "{\"data\":{\"object\":\"gate_session\",\"id\":\"gate_0123456789abcdefghjkmnpqrs\","
        "\"status\":\"pending\",\"poll_token\":\"gtpl_x\",\"consent_url\":\"https://c.test/\","
        "\"expires_at\":\"2000-01-01T00:00:00Z\"}}",
        "{\"data\":{\"object\":\"gate_session\",\"id\":\"gate_0123456789abcdefghjkmnpqrs\","
        "\"status\":\"pending\",\"expires_at\":\"2000-01-01T00:00:00Z\"}}",
    };
    canned_server_sequence(e->server, bodies, 2);
    foil_gate_session_t *s = NULL;
    FOIL_ASSERT_OK(foil_gate_session_create(e->client, "acme", "p", NULL, &s));
    assert_true(foil_gate_session_seconds_left(s) == 0);
    assert_int_equal(foil_gate_session_wait(s, 0, 0, NULL, NULL), FOIL_E_EXPIRED);
    assert_int_equal(canned_server_last(e->server).count, 2); /* create, then one poll */
    foil_gate_session_free(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(approve_wait_ack_then_gone, setup, teardown),
        cmocka_unit_test_setup_teardown(export_and_resume_after_crash, setup, teardown),
        cmocka_unit_test_setup_teardown(rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(expired, setup_short_ttl, teardown),
        cmocka_unit_test_setup_teardown(deadline, setup, teardown),
        cmocka_unit_test_setup_teardown(progress_and_cancel, setup, teardown),
        cmocka_unit_test_setup_teardown(cancel_from_another_thread, setup, teardown),
        cmocka_unit_test_setup_teardown(cancel_aborts_the_poll_in_flight, setup, teardown),
        cmocka_unit_test_setup_teardown(
            a_call_from_inside_a_poll_on_the_same_thread_never_waits_for_it, setup, teardown),
        cmocka_unit_test_setup_teardown(transient_poll_failures_are_retried, setup, teardown),
        cmocka_unit_test_setup_teardown(create_validates_before_sending, setup, teardown),
        cmocka_unit_test_setup_teardown(step_until_approved_then_views, setup, teardown),
        cmocka_unit_test_setup_teardown(step_null_arguments_and_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(step_deadline_bounds_the_sleep, setup, teardown),
        cmocka_unit_test_setup_teardown(unusable_poll_answers_are_transient, setup, teardown),
        cmocka_unit_test_setup_teardown(timeout_names_the_last_transient_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(step_honours_retry_after_within_the_deadline, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(step_stops_on_a_lasting_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(cancel_before_the_wait_is_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(client_cancel_aborts_the_poll_in_flight, setup, teardown),
        cmocka_unit_test_setup_teardown(unreadable_expires_at_is_refused_at_create,
                                        canned_env_setup, canned_env_teardown),
        cmocka_unit_test_setup_teardown(unreadable_expires_at_is_refused_at_import,
                                        canned_env_setup, canned_env_teardown),
        cmocka_unit_test_setup_teardown(far_future_expiry_is_capped, canned_env_setup,
                                        canned_env_teardown),
        cmocka_unit_test_setup_teardown(past_expiry_gets_one_last_poll, canned_env_setup,
                                        canned_env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
