/* The error_out calls for FFI callers: foil_client_configure (client options as one JSON
 * object) and foil_gate_session_create_ex / _import_ex hand a failure back as an owned
 * copy that stays right after the thread's own record changed, and on another thread. */
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
    char options[512];
} env;

static int setup(void **state) {
    env *e = calloc(1, sizeof *e);
    foil_emulator_config_t cfg;
    foil_emulator_config_init(&cfg);
    cfg.session_count = 10;
    if (foil_emulator_start(&cfg, &e->emu) != FOIL_OK) return -1;
    foil_emulator_service_t acme = {.id = "acme", .outputs_json = "{\"ACME_API_KEY\":\"k\"}"};
    if (foil_emulator_add_service(e->emu, &acme) != FOIL_OK) return -1;
    snprintf(e->options, sizeof e->options, "{\"base_url\":\"%s\",\"secret_key\":\"%s\"}",
             foil_emulator_base_url(e->emu), foil_emulator_secret_key(e->emu));
    if (foil_client_new(&e->client) != FOIL_OK) return -1;
    *state = e;
    return 0;
}

static int teardown(void **state) {
    env *e = *state;
    foil_client_free(e->client);
    foil_emulator_stop(e->emu);
    free(e);
    return 0;
}

static const char *field0(const foil_error_t *err) {
    return foil_error_field_count(err) ? foil_error_field_name(err, 0) : "(none)";
}

/* configure must fail with `status`, a copy naming `field`, and the same in the thread's
 * record. */
static void assert_refused(foil_client_t *c, const char *options, foil_status_t status,
                           const char *field) {
    foil_error_t *err = (foil_error_t *)1;
    assert_int_equal(foil_client_configure(c, options, &err), status);
    assert_non_null(err);
    assert_ptr_not_equal(err, foil_last_error());
    assert_int_equal(foil_error_status(err), status);
    if (strcmp(field0(err), field) != 0)
        fail_msg("%s: field %s, want %s", options, field0(err), field);
    assert_string_equal(field0(foil_last_error()), field);
    foil_error_free(err);
    /* error_out may be NULL */
    assert_int_equal(foil_client_configure(c, options, NULL), status);
}

static void configure_sets_every_kind_of_option(void **state) {
    env *e = *state;
    foil_error_t *err = (foil_error_t *)1;
    FOIL_ASSERT_OK(foil_client_configure(e->client, e->options, &err));
    assert_null(err);
    FOIL_ASSERT_OK(
        foil_client_configure(e->client,
                              "{\"timeout_ms\":5000,\"connect_timeout_ms\":2000,\"max_retries\":2,"
                              "\"max_response_bytes\":1048576,\"user_agent\":\"ffi-test/"
                              "1\",\"client_suffix\":\"go/1.19\","
                              "\"proxy\":null,\"ca_bundle\":null}",
                              &err));
    assert_null(err);
    FOIL_ASSERT_OK(foil_client_configure(e->client, NULL, &err)); /* nothing to do */
    FOIL_ASSERT_OK(foil_client_configure(e->client, "{}", &err));
    assert_string_equal(foil_client_base_url(e->client), foil_emulator_base_url(e->emu));
    foil_result_t *r = NULL;
    FOIL_ASSERT_OK(foil_call(e->client, "sessions.list", "{\"limit\":3}", &r, NULL));
    assert_int_equal(foil_result_count(r), 3);
    foil_result_free(r);
    /* After the first request the options are frozen: the setters' FOIL_E_STATE comes back. */
    err = NULL;
    assert_int_equal(foil_client_configure(e->client, "{\"timeout_ms\":1000}", &err), FOIL_E_STATE);
    assert_non_null(err);
    assert_int_equal(foil_error_status(err), FOIL_E_STATE);
    foil_error_free(err);
}

static void configure_null_clears_the_secret_key(void **state) {
    env *e = *state;
    FOIL_ASSERT_OK(foil_client_configure(e->client, e->options, NULL));
    unsetenv("FOIL_SECRET_KEY");
    FOIL_ASSERT_OK(foil_client_configure(e->client, "{\"secret_key\":null}", NULL));
    foil_result_t *r = NULL;
    foil_error_t *err = NULL;
    assert_int_equal(foil_call(e->client, "sessions.list", NULL, &r, &err), FOIL_E_CONFIGURATION);
    foil_error_free(err);
}

static void configure_refuses_bad_options_by_name(void **state) {
    env *e = *state;
    assert_refused(e->client, "{\"base_url\":\"ftp://example.com\"}", FOIL_E_CONFIGURATION,
                   "base_url");
    assert_refused(e->client, "{\"base_url\":null}", FOIL_E_INVALID_ARGUMENT, "base_url");
    assert_refused(e->client, "{\"timeout\":5}", FOIL_E_INVALID_ARGUMENT, "timeout");
    assert_refused(e->client, "{\"timeout_ms\":5,\"timeout_ms\":6}", FOIL_E_INVALID_ARGUMENT,
                   "timeout_ms");
    assert_refused(e->client, "{\"timeout_ms\":\"5\"}", FOIL_E_INVALID_ARGUMENT, "timeout_ms");
    assert_refused(e->client, "{\"timeout_ms\":1.5}", FOIL_E_INVALID_ARGUMENT, "timeout_ms");
    assert_refused(e->client, "{\"timeout_ms\":0}", FOIL_E_INVALID_ARGUMENT, "timeout_ms");
    assert_refused(e->client, "{\"max_retries\":11}", FOIL_E_INVALID_ARGUMENT, "max_retries");
    assert_refused(e->client, "{\"max_retries\":4294967296}", FOIL_E_INVALID_ARGUMENT,
                   "max_retries");
    assert_refused(e->client, "{\"max_response_bytes\":1e300}", FOIL_E_INVALID_ARGUMENT,
                   "max_response_bytes");
    assert_refused(e->client, "{\"user_agent\":7}", FOIL_E_INVALID_ARGUMENT, "user_agent");
    assert_refused(e->client, "{\"user_agent\":\"a\\r\\nX-Evil: 1\"}", FOIL_E_INVALID_ARGUMENT,
                   "user_agent");
    assert_refused(e->client, "[]", FOIL_E_INVALID_ARGUMENT, "options_json");
    assert_refused(e->client, "{\"proxy\":", FOIL_E_INVALID_ARGUMENT, "options_json");
    assert_refused(e->client, "{\"proxy\":\"a\\u0000b\"}", FOIL_E_INVALID_ARGUMENT, "options_json");
    assert_refused(NULL, "{}", FOIL_E_INVALID_ARGUMENT, "client");
}

static void configure_never_echoes_the_secret_key(void **state) {
    env *e = *state;
    foil_error_t *err = NULL;
    assert_int_equal(
        foil_client_configure(e->client, "{\"secret_key\":\"sk_live_SECRET\\n\"}", &err),
        FOIL_E_INVALID_ARGUMENT);
    char *text = NULL;
    FOIL_ASSERT_OK(foil_json_serialize(foil_error_json(err), &text));
    assert_null(strstr(text, "SECRET"));
    foil_string_free(text);
    foil_error_free(err);
}

static void *read_on_another_thread(void *arg) {
    const foil_error_t *err = arg;
    return (void *)(intptr_t)(foil_error_status(err) == FOIL_E_NOT_FOUND &&
                              foil_error_http_status(err) == 404 &&
                              strcmp(foil_error_code(err), "request.not_found") == 0 &&
                              foil_error_request_id(err) != NULL);
}

static void gate_create_ex_hands_back_the_failure(void **state) {
    env *e = *state;
    FOIL_ASSERT_OK(foil_client_configure(e->client, e->options, NULL));
    foil_gate_session_t *s = (foil_gate_session_t *)1;
    foil_error_t *err = NULL;
    assert_int_equal(foil_gate_session_create_ex(e->client, "nope", "p", NULL, &s, &err),
                     FOIL_E_NOT_FOUND);
    assert_null(s);
    assert_non_null(err);
    foil_error_clear(); /* the thread's record moves on; the copy does not */
    assert_int_equal(foil_error_status(foil_last_error()), FOIL_OK);
    pthread_t t;
    void *ok = NULL;
    assert_int_equal(pthread_create(&t, NULL, read_on_another_thread, err), 0);
    assert_int_equal(pthread_join(t, &ok), 0);
    assert_true(ok != NULL);
    foil_error_free(err);

    err = (foil_error_t *)1;
    FOIL_ASSERT_OK(foil_gate_session_create_ex(e->client, "acme", "p", NULL, &s, &err));
    assert_null(err);
    assert_string_equal(foil_gate_session_status(s), "pending");
    char *saved = NULL;
    FOIL_ASSERT_OK(foil_gate_session_export(s, &saved));
    foil_gate_session_free(s);

    foil_gate_session_t *resumed = NULL;
    err = (foil_error_t *)1;
    FOIL_ASSERT_OK(foil_gate_session_import_ex(e->client, saved, &resumed, &err));
    assert_null(err);
    assert_non_null(resumed);
    foil_gate_session_free(resumed);
    foil_string_free(saved);

    assert_int_equal(foil_gate_session_import_ex(e->client, "{\"x\":1}", &resumed, &err),
                     FOIL_E_INVALID_ARGUMENT);
    assert_null(resumed);
    assert_non_null(err);
    assert_int_equal(foil_error_status(err), FOIL_E_INVALID_ARGUMENT);
    foil_error_free(err);
    assert_int_equal(foil_gate_session_create_ex(NULL, "acme", "p", NULL, &s, NULL),
                     FOIL_E_INVALID_ARGUMENT);
}

/* A step that absorbs a 503 keeps it on the handle (foil_gate_session_transient_error),
 * readable after the thread's record moved on; a good poll clears it. */
static void step_keeps_the_absorbed_failure(void **state) {
    env *e = *state;
    FOIL_ASSERT_OK(foil_client_configure(e->client, e->options, NULL));
    foil_gate_session_t *s = NULL;
    FOIL_ASSERT_OK(foil_gate_session_create_ex(e->client, "acme", "p", NULL, &s, NULL));
    assert_null(foil_gate_session_transient_error(s));
    FOIL_ASSERT_OK(foil_emulator_inject_fault(e->emu, "GET", "/v1/gate/sessions/", 1,
                                              foil_emulator_fault_kind_from_name("status"), 503,
                                              0));
    FOIL_ASSERT_OK(foil_gate_session_wait_start(s, 10000, 10));
    long wait_ms = 0;
    FOIL_ASSERT_OK(foil_gate_session_step(s, &wait_ms)); /* absorbed: still waiting */
    assert_true(wait_ms > 0);
    foil_error_clear();
    const foil_error_t *t = foil_gate_session_transient_error(s);
    assert_non_null(t);
    assert_int_equal(foil_error_status(t), FOIL_E_SERVER);
    assert_int_equal(foil_error_http_status(t), 503);
    assert_null(foil_gate_session_error(s)); /* not a failure of the call */
    FOIL_ASSERT_OK(foil_emulator_approve(e->emu, foil_gate_session_id(s)));
    for (int i = 0; i < 500 && wait_ms > 0; i++) {
        struct timespec ts = {wait_ms / 1000, (wait_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        FOIL_ASSERT_OK(foil_gate_session_step(s, &wait_ms));
    }
    assert_int_equal(wait_ms, 0); /* approved */
    assert_null(foil_gate_session_transient_error(s));
    assert_null(foil_gate_session_transient_error(NULL));
    /* wait_start forgets a kept failure too */
    FOIL_ASSERT_OK(foil_emulator_inject_fault(e->emu, "GET", "/v1/gate/sessions/", 1,
                                              foil_emulator_fault_kind_from_name("status"), 502,
                                              0));
    foil_gate_session_t *s2 = NULL;
    FOIL_ASSERT_OK(foil_gate_session_create_ex(e->client, "acme", "q", NULL, &s2, NULL));
    FOIL_ASSERT_OK(foil_gate_session_step(s2, &wait_ms));
    assert_non_null(foil_gate_session_transient_error(s2));
    FOIL_ASSERT_OK(foil_gate_session_wait_start(s2, 1000, 10));
    assert_null(foil_gate_session_transient_error(s2));
    foil_gate_session_free(s2);
    foil_gate_session_free(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(configure_sets_every_kind_of_option, setup, teardown),
        cmocka_unit_test_setup_teardown(configure_null_clears_the_secret_key, setup, teardown),
        cmocka_unit_test_setup_teardown(configure_refuses_bad_options_by_name, setup, teardown),
        cmocka_unit_test_setup_teardown(configure_never_echoes_the_secret_key, setup, teardown),
        cmocka_unit_test_setup_teardown(gate_create_ex_hands_back_the_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(step_keeps_the_absorbed_failure, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
