/* Error model: every fixture in errors/ through real HTTP maps to the right status,
 * code, message, request id and field errors; non-envelope bodies still help. */
#include "foil_test.h"

#include "canned_server.h"

#include <pthread.h>
#include <stdio.h>
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

/* An envelope cJSON would have cut short (a message holding \u0000) or that is not UTF-8
 * is not taken apart: the error says the request failed, with the raw body kept whole. */
static void envelopes_the_parser_refuses_are_not_read(void **state) {
    env *e = *state;
    const char *bodies[] = {"{\"error\":{\"code\":\"bad\",\"message\":\"shown\\u0000hidden\"}}",
                            "{\"error\":{\"code\":\"bad\",\"message\":\"\xff\xfe\"}}"};
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
        canned_server_respond(e->server, 400, bodies[i], NULL, NULL);
        foil_result_t *r = NULL;
        assert_int_equal(foil_sessions_get(e->client, "sid_x", &r), FOIL_E_VALIDATION);
        const foil_error_t *err = foil_last_error();
        assert_string_equal(foil_error_code(err), "request.failed");
        assert_null(strstr(foil_error_message(err), "shown"));
        assert_string_equal(foil_error_body(err), bodies[i]);
    }
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

/* Every key of the JSON view, in one place. */
static void assert_error_json_keys(const foil_json_t *j) {
    static const char *keys[] = {"kind",        "status",       "code",           "message",
                                 "request_id",  "retryable",    "retry_after",    "docs_url",
                                 "next_action", "field_errors", "allowed_values", "details",
                                 "body"};
    assert_int_equal(foil_json_type(j), FOIL_JSON_OBJECT);
    assert_int_equal(foil_json_size(j), sizeof keys / sizeof keys[0]);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        assert_non_null(foil_json_get(j, keys[i]));
    assert_int_equal(foil_json_type(foil_json_get(j, "field_errors")), FOIL_JSON_ARRAY);
    assert_int_equal(foil_json_type(foil_json_get(j, "allowed_values")), FOIL_JSON_ARRAY);
}

static void error_json_api_error(void **state) {
    const foil_error_t *err =
        serve_and_fail(*state, "errors/validation-error.json", 422, "req_h", FOIL_E_VALIDATION);
    const foil_json_t *j = foil_error_json(err);
    assert_error_json_keys(j);
    assert_ptr_equal(foil_error_json(err), j); /* built once, kept in the record */
    int64_t status = 0;
    int retryable = -1;
    assert_string_equal(foil_json_get_string(j, "kind"), "validation");
    assert_true(foil_json_get_int(j, "status", &status) && status == 422);
    assert_string_equal(foil_json_get_string(j, "code"), foil_error_code(err));
    assert_string_equal(foil_json_get_string(j, "message"), foil_error_message(err));
    assert_string_equal(foil_json_get_string(j, "request_id"), "req_h");
    assert_true(foil_json_get_bool(j, "retryable", &retryable));
    assert_int_equal(retryable, foil_error_retryable(err));
    assert_true(foil_json_is_null(foil_json_get(j, "retry_after")));
    assert_string_equal(foil_json_get_string(j, "body"), foil_error_body(err));
    assert_string_equal(foil_json_get_string(foil_json_get(j, "details"), "parameter_set"),
                        "sessions");
    /* field_errors: details.fields as the API sent them (the official SDKs' shape). */
    cJSON *doc = foil_test_fixture("errors/validation-error.json");
    const cJSON *fields = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "error"), "details"), "fields");
    const foil_json_t *fe = foil_json_get(j, "field_errors");
    assert_int_equal(foil_json_size(fe), (size_t)cJSON_GetArraySize(fields));
    assert_true(foil_json_size(fe) > 0);
    size_t i = 0;
    for (const foil_json_t *f = foil_json_at(fe, 0); f; f = foil_json_next(f), i++) {
        const cJSON *want = cJSON_GetArrayItem(fields, (int)i);
        assert_int_equal(foil_json_size(f), (size_t)cJSON_GetArraySize(want));
        assert_string_equal(foil_json_get_string(f, "name"),
                            cJSON_GetObjectItem(want, "name")->valuestring);
        assert_string_equal(foil_json_get_string(f, "issue"),
                            cJSON_GetObjectItem(want, "issue")->valuestring);
    }
    cJSON_Delete(doc);
    /* The next failure replaces the record and its view. */
    foil_page_t *page = NULL;
    assert_int_equal(foil_sessions_list(NULL, 0, NULL, NULL, NULL, &page), FOIL_E_INVALID_ARGUMENT);
    assert_string_equal(foil_json_get_string(foil_error_json(foil_last_error()), "kind"),
                        "invalid_argument");
}

static void error_json_extras_and_retry_after(void **state) {
    env *e = *state;
    canned_server_respond(e->server, 429,
                          "{\"error\":{\"code\":\"rate_limit.exceeded\",\"message\":\"slow down\","
                          "\"status\":429,\"retryable\":true,\"request_id\":\"req_1\",\"details\":{"
                          "\"allowed_values\":[\"a\",\"b\"],\"next_action\":\"retry\",\"fields\":[{"
                          "\"name\":\"n\",\"issue\":\"i\",\"received\":42}, 7]}}}",
                          NULL, "2");
    foil_result_t *r = NULL;
    assert_int_equal(foil_sessions_get(e->client, "sid_x", &r), FOIL_E_RATE_LIMITED);
    const foil_json_t *j = foil_error_json(foil_last_error());
    assert_error_json_keys(j);
    double ra = 0;
    int64_t received = 0;
    assert_string_equal(foil_json_get_string(j, "kind"), "rate_limited");
    assert_true(foil_json_get_number(j, "retry_after", &ra) && ra == 2.0);
    assert_string_equal(foil_json_get_string(j, "next_action"), "retry");
    assert_true(foil_json_is_null(foil_json_get(j, "docs_url")));
    const foil_json_t *allowed = foil_json_get(j, "allowed_values");
    assert_int_equal(foil_json_size(allowed), 2);
    assert_string_equal(foil_json_string(foil_json_at(allowed, 1)), "b");
    /* Only objects are field errors; "received" keeps its JSON type; absent keys stay absent. */
    const foil_json_t *fe = foil_json_get(j, "field_errors");
    assert_int_equal(foil_json_size(fe), 1);
    assert_true(foil_json_get_int(foil_json_at(fe, 0), "received", &received) && received == 42);
    assert_null(foil_json_get(foil_json_at(fe, 0), "expected"));
}

static void error_json_client_side(void **state) {
    (void)state;
    foil_page_t *page = NULL;
    assert_int_equal(foil_sessions_list(NULL, 0, NULL, NULL, NULL, &page), FOIL_E_INVALID_ARGUMENT);
    const foil_json_t *j = foil_error_json(foil_last_error());
    assert_error_json_keys(j);
    int64_t status = -1;
    int retryable = -1;
    assert_string_equal(foil_json_get_string(j, "kind"), "invalid_argument");
    assert_true(foil_json_get_int(j, "status", &status) && status == 0);
    assert_string_equal(foil_json_get_string(j, "code"), "client.invalid_argument");
    assert_true(foil_json_get_bool(j, "retryable", &retryable) && retryable == 0);
    assert_true(foil_json_is_null(foil_json_get(j, "request_id")));
    assert_true(foil_json_is_null(foil_json_get(j, "retry_after")));
    assert_true(foil_json_is_null(foil_json_get(j, "details")));
    assert_true(foil_json_is_null(foil_json_get(j, "body")));
    assert_int_equal(foil_json_size(foil_json_get(j, "allowed_values")), 0);
    const foil_json_t *fe = foil_json_get(j, "field_errors");
    assert_int_equal(foil_json_size(fe), 1);
    const foil_json_t *f = foil_json_at(fe, 0);
    assert_string_equal(foil_json_get_string(f, "name"),
                        foil_error_field_name(foil_last_error(), 0));
    assert_string_equal(foil_json_get_string(f, "issue"), "must not be NULL");
    assert_null(foil_json_get(f, "expected"));
    assert_null(foil_json_get(f, "received"));

    /* A record with nothing failed. */
    foil_error_clear();
    j = foil_error_json(foil_last_error());
    assert_string_equal(foil_json_get_string(j, "kind"), "ok");
    assert_string_equal(foil_json_get_string(j, "code"), "ok");
    assert_null(foil_error_json(NULL));
}

/* foil_error_new: the record of a failure known only by its status, for bindings. */
static void error_new_for_any_status(void **state) {
    (void)state;
    for (size_t i = 1; i < foil_status_count(); i++) {
        foil_status_t st = foil_status_at(i);
        foil_error_t *e = NULL;
        FOIL_ASSERT_OK(foil_error_new(st, NULL, &e));
        assert_non_null(e);
        assert_int_equal(foil_error_status(e), st);
        assert_string_equal(foil_error_message(e), foil_status_str(st));
        char code[64];
        snprintf(code, sizeof code, "client.%s", foil_status_kind(st));
        assert_string_equal(foil_error_code(e), code);
        assert_int_equal(foil_error_retryable(e), st == FOIL_E_CONNECTION || st == FOIL_E_TIMEOUT);
        const foil_json_t *j = foil_error_json(e);
        assert_error_json_keys(j);
        assert_string_equal(foil_json_get_string(j, "kind"), foil_status_kind(st));
        /* The thread's record describes the same failure. */
        assert_int_equal(foil_error_status(foil_last_error()), st);
        foil_error_free(e);
    }
    foil_error_t *e = NULL;
    FOIL_ASSERT_OK(foil_error_new(FOIL_E_INVALID_ARGUMENT, "close: expected a libfoil handle", &e));
    assert_string_equal(foil_error_message(e), "close: expected a libfoil handle");
    assert_int_equal(foil_error_field_count(e), 0);
    foil_error_free(e);
    e = (foil_error_t *)1;
    assert_int_equal(foil_error_new(FOIL_OK, NULL, &e), FOIL_E_INVALID_ARGUMENT);
    assert_null(e);
    e = (foil_error_t *)1;
    assert_int_equal(foil_error_new((foil_status_t)99, NULL, &e), FOIL_E_INVALID_ARGUMENT);
    assert_null(e);
    assert_int_equal(foil_error_new(FOIL_E_STATE, NULL, NULL), FOIL_E_INVALID_ARGUMENT);
}

static void error_copy_is_owned_and_deep(void **state) {
    env *e = *state;
    canned_server_respond(
        e->server, 429,
        "{\"error\":{\"code\":\"rate_limit.exceeded\",\"message\":\"slow down\","
        "\"status\":429,\"retryable\":true,\"request_id\":\"req_1\",\"details\":{"
        "\"allowed_values\":[\"a\"],\"fields\":[{\"name\":\"n\",\"issue\":\"i\"}]}}}",
        NULL, "3");
    foil_result_t *r = NULL;
    assert_int_equal(foil_sessions_get(e->client, "sid_x", &r), FOIL_E_RATE_LIMITED);
    char *before = NULL;
    FOIL_ASSERT_OK(foil_json_serialize(foil_error_json(foil_last_error()), &before));
    foil_error_t *copy = NULL;
    FOIL_ASSERT_OK(foil_error_copy(foil_last_error(), &copy));
    assert_non_null(copy);
    assert_ptr_not_equal(copy, foil_last_error());
    /* A later failure replaces the thread's record, not the copy. */
    foil_page_t *page = NULL;
    assert_int_equal(foil_sessions_list(NULL, 0, NULL, NULL, NULL, &page), FOIL_E_INVALID_ARGUMENT);
    assert_int_equal(foil_error_status(copy), FOIL_E_RATE_LIMITED);
    assert_int_equal(foil_error_http_status(copy), 429);
    assert_string_equal(foil_error_code(copy), "rate_limit.exceeded");
    assert_string_equal(foil_error_request_id(copy), "req_1");
    assert_true(foil_error_retry_after(copy) == 3.0);
    assert_string_equal(foil_error_field_name(copy, 0), "n");
    assert_string_equal(foil_error_allowed_value(copy, 0), "a");
    assert_non_null(foil_error_details(copy));
    char *after = NULL;
    FOIL_ASSERT_OK(foil_json_serialize(foil_error_json(copy), &after));
    assert_string_equal(after, before);
    /* A copy of a copy, then both freed (and a record is never freed by hand). */
    foil_error_t *copy2 = NULL;
    FOIL_ASSERT_OK(foil_error_copy(copy, &copy2));
    foil_error_free(copy);
    assert_string_equal(foil_error_message(copy2), "slow down");
    foil_error_free(copy2);
    foil_error_free(NULL);
    foil_error_free((foil_error_t *)foil_last_error());
    assert_int_equal(foil_error_status(foil_last_error()), FOIL_E_INVALID_ARGUMENT);
    assert_string_equal(foil_error_code(foil_last_error()), "client.invalid_argument");
    foil_string_free(before);
    foil_string_free(after);
}

static void error_copy_null_arguments(void **state) {
    (void)state;
    foil_error_t *copy = (foil_error_t *)0x1;
    assert_int_equal(foil_error_copy(NULL, &copy), FOIL_E_INVALID_ARGUMENT);
    assert_null(copy);
    assert_string_equal(foil_error_field_name(foil_last_error(), 0), "error");
    assert_int_equal(foil_error_copy(foil_last_error(), NULL), FOIL_E_INVALID_ARGUMENT);
    /* Copying a clear record gives a FOIL_OK copy. */
    foil_error_clear();
    FOIL_ASSERT_OK(foil_error_copy(foil_last_error(), &copy));
    assert_int_equal(foil_error_status(copy), FOIL_OK);
    assert_string_equal(foil_json_get_string(foil_error_json(copy), "kind"), "ok");
    foil_error_free(copy);
}

static void *fail_and_copy(void *arg) {
    (void)arg;
    foil_page_t *page = NULL;
    foil_sessions_list(NULL, 0, NULL, NULL, NULL, &page);
    foil_error_t *copy = NULL;
    (void)foil_error_json(foil_last_error()); /* cached in this thread's record */
    if (foil_error_copy(foil_last_error(), &copy) != FOIL_OK) return NULL;
    return copy;
}

static void *view_without_failure(void *arg) {
    (void)arg;
    /* A view of a never-written record must still be freed at thread exit. */
    const char *kind = foil_json_get_string(foil_error_json(foil_last_error()), "kind");
    return (void *)(intptr_t)(kind && strcmp(kind, "ok") == 0);
}

/* A copy outlives the thread that made it (and the thread's record). */
static void error_copy_crosses_threads(void **state) {
    (void)state;
    foil_error_clear();
    pthread_t t;
    void *result = NULL;
    assert_int_equal(pthread_create(&t, NULL, fail_and_copy, NULL), 0);
    pthread_join(t, &result);
    foil_error_t *copy = result;
    assert_non_null(copy);
    assert_int_equal(foil_error_status(copy), FOIL_E_INVALID_ARGUMENT);
    assert_string_equal(foil_json_get_string(foil_error_json(copy), "kind"), "invalid_argument");
    assert_int_equal(foil_error_status(foil_last_error()), FOIL_OK); /* this thread: untouched */
    foil_error_free(copy);
    assert_int_equal(pthread_create(&t, NULL, view_without_failure, NULL), 0);
    pthread_join(t, &result);
    assert_int_equal((intptr_t)result, 1);
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
        cmocka_unit_test_setup_teardown(envelopes_the_parser_refuses_are_not_read, setup, teardown),
        cmocka_unit_test_setup_teardown(details_extras, setup, teardown),
        cmocka_unit_test(status_table),
        cmocka_unit_test(records_freed_at_thread_exit),
        cmocka_unit_test_setup_teardown(error_json_api_error, setup, teardown),
        cmocka_unit_test_setup_teardown(error_json_extras_and_retry_after, setup, teardown),
        cmocka_unit_test(error_json_client_side),
        cmocka_unit_test(error_new_for_any_status),
        cmocka_unit_test_setup_teardown(error_copy_is_owned_and_deep, setup, teardown),
        cmocka_unit_test(error_copy_null_arguments),
        cmocka_unit_test(error_copy_crosses_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
