/* Error model: every fixture in errors/ through real HTTP maps to the right status,
 * code, message, request id and field errors; non-envelope bodies still help. */
#include "foil_test.h"

#include "canned_server.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef canned_env_t env;

static int setup(void **state) {
    return canned_env_setup(state);
}

static int teardown(void **state) {
    return canned_env_teardown(state);
}

/* Serve the fixture's body with its status and check the mapped error. */
static const foil_error_t *serve_and_fail(env *e, const char *fixture, int status,
                                          const char *header_request_id, foil_status_t expected) {
    cJSON *doc = foil_test_fixture(fixture);
    assert_non_null(doc);
    char *body = cJSON_PrintUnformatted(doc);
    canned_server_respond(e->server, status, body, header_request_id, NULL);
    foil_page_t *page = (foil_page_t *)0x1;
    assert_int_equal(foil_sessions_list(e->client, 0, NULL, NULL, NULL, &page), expected);
    assert_null(page);
    const foil_error_t *err = foil_last_error();
    const cJSON *error = cJSON_GetObjectItem(doc, "error");
    assert_int_equal(foil_error_status(err), expected);
    assert_int_equal(foil_error_http_status(err), status);
    assert_string_equal(foil_error_code(err), cJSON_GetObjectItem(error, "code")->valuestring);
    assert_string_equal(foil_error_message(err),
                        cJSON_GetObjectItem(error, "message")->valuestring);
    assert_int_equal(foil_error_retryable(err),
                     cJSON_IsTrue(cJSON_GetObjectItem(error, "retryable")));
    assert_string_equal(foil_error_body(err), body);
    const cJSON *docs = cJSON_GetObjectItem(error, "docs_url");
    if (docs)
        assert_string_equal(foil_error_docs_url(err), docs->valuestring);
    else
        assert_null(foil_error_docs_url(err));
    free(body);
    cJSON_Delete(doc);
    return err;
}

static void missing_api_key(void **state) {
    const foil_error_t *err =
        serve_and_fail(*state, "errors/missing-api-key.json", 401, NULL, FOIL_E_AUTHENTICATION);
    /* No header: the body's request id is used. */
    assert_string_equal(foil_error_request_id(err), "req_0123456789abcdef0123456789abcdef");
    assert_int_equal(foil_error_field_count(err), 0);
}

static void invalid_api_key_prefers_header_request_id(void **state) {
    const foil_error_t *err =
        serve_and_fail(*state, "errors/invalid-api-key.json", 401,
                       "req_ffffffffffffffffffffffffffffffff", FOIL_E_AUTHENTICATION);
    assert_string_equal(foil_error_request_id(err), "req_ffffffffffffffffffffffffffffffff");
}

static void not_found(void **state) {
    env *e = *state;
    cJSON *doc = foil_test_fixture("errors/not-found.json");
    char *body = cJSON_PrintUnformatted(doc);
    canned_server_respond(e->server, 404, body, NULL, NULL);
    foil_result_t *r = NULL;
    assert_int_equal(foil_sessions_get(e->client, "sid_missing", &r), FOIL_E_NOT_FOUND);
    assert_string_equal(foil_error_code(foil_last_error()), "request.not_found");
    assert_string_equal(canned_server_last(e->server).url, "/v1/sessions/sid_missing");
    free(body);
    cJSON_Delete(doc);
}

static void validation_error_fields(void **state) {
    const foil_error_t *err =
        serve_and_fail(*state, "errors/validation-error.json", 422, NULL, FOIL_E_VALIDATION);
    cJSON *doc = foil_test_fixture("errors/validation-error.json");
    const cJSON *fields = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "error"), "details"), "fields");
    assert_int_equal(foil_error_field_count(err), (size_t)cJSON_GetArraySize(fields));
    for (size_t i = 0; i < foil_error_field_count(err); i++) {
        const cJSON *f = cJSON_GetArrayItem(fields, (int)i);
        assert_string_equal(foil_error_field_name(err, i),
                            cJSON_GetObjectItem(f, "name")->valuestring);
        assert_string_equal(foil_error_field_issue(err, i),
                            cJSON_GetObjectItem(f, "issue")->valuestring);
        assert_string_equal(foil_error_field_expected(err, i),
                            cJSON_GetObjectItem(f, "expected")->valuestring);
        assert_string_equal(foil_error_field_received(err, i),
                            cJSON_GetObjectItem(f, "received")->valuestring);
    }
    assert_string_equal(foil_json_get_string(foil_error_details(err), "parameter_set"), "sessions");
    cJSON_Delete(doc);
}

static void non_envelope_body(void **state) {
    env *e = *state;
    canned_server_respond(e->server, 502, "<html>Bad gateway</html>", "req_0000", "7");
    foil_result_t *r = NULL;
    assert_int_equal(foil_sessions_get(e->client, "sid_x", &r), FOIL_E_SERVER);
    const foil_error_t *err = foil_last_error();
    assert_string_equal(foil_error_code(err), "request.failed");
    assert_string_equal(foil_error_body(err), "<html>Bad gateway</html>");
    assert_string_equal(foil_error_request_id(err), "req_0000");
    assert_true(foil_error_retryable(err));
    assert_true(foil_error_retry_after(err) == 7.0);
    assert_non_null(strstr(foil_error_message(err), "502"));
}

static void details_extras(void **state) {
    env *e = *state;
    canned_server_respond(e->server, 429,
                          "{\"error\":{\"code\":\"rate_limit.exceeded\",\"message\":\"slow down\","
                          "\"status\":429,\"retryable\":true,\"request_id\":\"req_1\",\"details\":{"
                          "\"allowed_values\":[\"a\",\"b\"],\"next_action\":\"retry\",\"fields\":[{"
                          "\"name\":\"n\",\"issue\":\"i\",\"received\":42}]}}}",
                          NULL, "1");
    foil_result_t *r = NULL;
    assert_int_equal(foil_sessions_get(e->client, "sid_x", &r), FOIL_E_RATE_LIMITED);
    const foil_error_t *err = foil_last_error();
    assert_int_equal(foil_error_allowed_value_count(err), 2);
    assert_string_equal(foil_error_allowed_value(err, 1), "b");
    assert_string_equal(foil_error_next_action(err), "retry");
    assert_string_equal(foil_error_field_received(err, 0), "42");
    assert_null(foil_error_field_expected(err, 0));
    assert_null(foil_error_field_name(err, 5));
}

static void status_table(void **state) {
    (void)state;
    assert_string_equal(foil_status_kind(FOIL_E_NOT_FOUND), "not_found");
    assert_string_equal(foil_status_str(FOIL_OK), "success");
    assert_string_equal(foil_status_kind((foil_status_t)999), "unknown");
    foil_error_clear();
    assert_int_equal(foil_error_status(foil_last_error()), FOIL_OK);
    assert_string_equal(foil_error_code(foil_last_error()), "ok");
}

static void *fail_once(void *arg) {
    (void)arg;
    foil_page_t *page = NULL;
    /* Leaves an allocated record (message, code, field) behind on this thread. */
    foil_sessions_list(NULL, 0, NULL, NULL, NULL, &page);
    return (void *)(intptr_t)foil_error_status(foil_last_error());
}

/* Each thread's record is freed when it exits (valgrind / LeakSanitizer check this). */
static void records_freed_at_thread_exit(void **state) {
    (void)state;
    for (int i = 0; i < 4; i++) {
        pthread_t t;
        void *status = NULL;
        assert_int_equal(pthread_create(&t, NULL, fail_once, NULL), 0);
        pthread_join(t, &status);
        assert_int_equal((intptr_t)status, FOIL_E_INVALID_ARGUMENT);
    }
}

int main(void) {
    int skip = foil_test_require_spec("test_errors");
    if (skip) return skip;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(missing_api_key, setup, teardown),
        cmocka_unit_test_setup_teardown(invalid_api_key_prefers_header_request_id, setup, teardown),
        cmocka_unit_test_setup_teardown(not_found, setup, teardown),
        cmocka_unit_test_setup_teardown(validation_error_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(non_envelope_body, setup, teardown),
        cmocka_unit_test_setup_teardown(details_extras, setup, teardown),
        cmocka_unit_test(status_table),
        cmocka_unit_test(records_freed_at_thread_exit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
