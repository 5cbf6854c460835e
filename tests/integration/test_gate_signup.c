/* Gate signup end to end against the embedded emulator over real HTTP: create,
 * approve, wait, decrypt both envelopes, env-var policy, export/resume, ack, 410,
 * rejection, expiry, deadlines, cancellation and Retry-After. */
#include "foil_test.h"

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
    assert_int_equal(foil_gate_session_create(e->client, "no-such-service", "p", NULL, &s),
                     FOIL_E_NOT_FOUND);
    assert_null(s);
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
        cmocka_unit_test_setup_teardown(transient_poll_failures_are_retried, setup, teardown),
        cmocka_unit_test_setup_teardown(create_validates_before_sending, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
