/* Sessions over real HTTP: fixture bodies decode with every documented field
 * reachable, requests carry the right method/path/query/auth, bad arguments are
 * typed errors and send nothing. */
#include "foil_test.h"

#include "canned_server.h"

#include <stdlib.h>
#include <string.h>

typedef canned_env_t env;

static int setup(void **state) {
    return canned_env_setup(state);
}

static int teardown(void **state) {
    return canned_env_teardown(state);
}

static cJSON *serve_fixture(env *e, const char *rel, int status) {
    cJSON *doc = foil_test_fixture(rel);
    assert_non_null(doc);
    char *body = cJSON_PrintUnformatted(doc);
    canned_server_respond(e->server, status, body, NULL, NULL);
    free(body);
    return doc;
}

static void list_page_fields(void **state) {
    env *e = *state;
    cJSON *doc = serve_fixture(e, "api/sessions/list.json", 200);
    foil_page_t *page = NULL;
    FOIL_ASSERT_OK(foil_sessions_list(e->client, 25, "cur_abc", "human", "arm", &page));
    canned_request_t req = canned_server_last(e->server);
    assert_string_equal(req.method, "GET");
    assert_string_equal(req.url, "/v1/sessions");
    assert_string_equal(req.query, "limit=25&verdict=human&search=arm&cursor=cur_abc");
    assert_string_equal(req.authorization, "Bearer " CANNED_ENV_SECRET_KEY);
    assert_string_equal(req.content_type, "");
    assert_non_null(strstr(req.foil_client, "libfoil-c/"));

    const cJSON *data = cJSON_GetObjectItem(doc, "data");
    assert_int_equal(foil_page_count(page), (size_t)cJSON_GetArraySize(data));
    assert_true(cJSON_Compare(data, (const cJSON *)foil_page_items(page), 1));
    assert_int_equal(foil_page_limit(page), 50);
    assert_true(foil_page_has_more(page));
    assert_string_equal(foil_page_next_cursor(page), "cur_sessions_page_2");
    assert_string_equal(foil_page_request_id(page), "req_0123456789abcdef0123456789abcdef");

    const foil_json_t *s = foil_page_item(page, 0);
    assert_string_equal(foil_session_object(s), "session");
    assert_string_equal(foil_session_id(s), "sid_0123456789abcdefghjkmnpqrs");
    assert_string_equal(foil_session_created_at(s), "2026-03-24T20:00:00.000Z");
    assert_string_equal(foil_session_client_user_id(s), "user_123");
    const foil_json_t *d = foil_session_latest_decision(s);
    int64_t score = -1;
    int provisional = -1;
    assert_string_equal(foil_decision_event_id(d), "evt_23456789abcdefghjkmnpqrstv");
    assert_string_equal(foil_decision_verdict(d), "human");
    assert_true(foil_decision_risk_score(d, &score) && score == 9);
    assert_string_equal(foil_decision_phase(d), "behavioral");
    assert_true(foil_decision_is_provisional(d, &provisional) && provisional == 0);
    assert_true(foil_decision_evaluation_duration_ms(d, &score) && score == 142);
    assert_string_equal(foil_decision_evaluated_at(d), "2026-03-24T20:00:05.000Z");
    const foil_json_t *m = foil_decision_manipulation(d);
    assert_true(foil_manipulation_score(m, &score) && score == 0);
    assert_string_equal(foil_manipulation_verdict(m), "none");
    const foil_json_t *fp = foil_session_visitor_fingerprint(s);
    assert_string_equal(foil_fingerprint_link_id(fp), "vid_456789abcdefghjkmnpqrstvwx");
    assert_true(foil_fingerprint_link_confidence(fp, &score) && score == 94);
    assert_string_equal(foil_fingerprint_link_identified_at(fp), "2026-03-24T20:00:05.000Z");
    foil_page_free(page);
    cJSON_Delete(doc);
}

static void nullable_fields_stay_distinct(void **state) {
    env *e = *state;
    canned_server_respond(
        e->server, 200,
        "{\"data\":[{\"object\":\"session\",\"id\":\"sid_1\",\"client_user_id\":null,"
        "\"latest_decision\":{\"risk_score\":0,\"manipulation\":null},"
        "\"visitor_fingerprint\":{\"confidence\":null},\"future_field\":{\"x\":1}}],"
        "\"pagination\":{\"limit\":1,\"has_more\":false},\"meta\":{}}",
        NULL, NULL);
    foil_page_t *page = NULL;
    FOIL_ASSERT_OK(foil_sessions_list(e->client, 1, NULL, NULL, NULL, &page));
    const foil_json_t *s = foil_page_item(page, 0);
    int64_t v = -1;
    assert_null(foil_session_client_user_id(s));
    assert_true(foil_json_is_null(foil_json_get(s, "client_user_id")));
    assert_true(foil_decision_risk_score(foil_session_latest_decision(s), &v) && v == 0);
    assert_null(foil_decision_manipulation(foil_session_latest_decision(s)));
    assert_false(foil_fingerprint_link_confidence(foil_session_visitor_fingerprint(s), &v));
    int64_t x = 0;
    assert_true(foil_json_get_int(foil_json_path(s, "future_field"), "x", &x) && x == 1);
    assert_false(foil_page_has_more(page));
    assert_null(foil_page_next_cursor(page));
    assert_null(foil_page_request_id(page));
    foil_page_free(page);
}

static void get_detail(void **state) {
    env *e = *state;
    cJSON *doc = serve_fixture(e, "api/sessions/detail.json", 200);
    foil_result_t *r = NULL;
    FOIL_ASSERT_OK(foil_sessions_get(e->client, "sid_0123456789abcdefghjkmnpqrs", &r));
    assert_string_equal(canned_server_last(e->server).url,
                        "/v1/sessions/sid_0123456789abcdefghjkmnpqrs");
    assert_true(
        cJSON_Compare(cJSON_GetObjectItem(doc, "data"), (const cJSON *)foil_result_data(r), 1));
    assert_string_equal(foil_session_object(foil_result_data(r)), "session");
    assert_non_null(foil_session_detail_decision(foil_result_data(r)));
    assert_int_equal(foil_result_http_status(r), 200);
    foil_result_free(r);
    cJSON_Delete(doc);
}

static void attach_and_clear_client_user(void **state) {
    env *e = *state;
    cJSON *doc = serve_fixture(e, "api/sessions/detail.json", 200);
    foil_result_t *r = NULL;
    FOIL_ASSERT_OK(foil_sessions_attach_client_user(e->client, "sid_a/b", "user \"42\"", &r));
    canned_request_t req = canned_server_last(e->server);
    assert_string_equal(req.method, "PATCH");
    assert_string_equal(req.url,
                        "/v1/sessions/sid_a/b"); /* escaped on the wire, decoded by the server */
    assert_string_equal(req.content_type, "application/json");
    assert_string_equal(req.body, "{\"client_user_id\":\"user \\\"42\\\"\"}");
    foil_result_free(r);
    FOIL_ASSERT_OK(foil_sessions_clear_client_user(e->client, "sid_1", &r));
    assert_string_equal(canned_server_last(e->server).body, "{\"client_user_id\":null}");
    foil_result_free(r);
    cJSON_Delete(doc);
}

static void expect_invalid(env *e, foil_status_t st, const char *field) {
    assert_int_equal(st, FOIL_E_INVALID_ARGUMENT);
    assert_string_equal(foil_error_field_name(foil_last_error(), 0), field);
    assert_int_equal(canned_server_last(e->server).count, 0);
}

static void bad_arguments_send_nothing(void **state) {
    env *e = *state;
    foil_page_t *page = NULL;
    foil_result_t *r = NULL;
    foil_iter_t *it = NULL;
    expect_invalid(e, foil_sessions_list(e->client, 201, NULL, NULL, NULL, &page), "limit");
    expect_invalid(e, foil_sessions_list(e->client, -1, NULL, NULL, NULL, &page), "limit");
    expect_invalid(e, foil_sessions_list(e->client, 10, NULL, "robot", NULL, &page), "verdict");
    assert_string_equal(foil_error_field_received(foil_last_error(), 0), "robot");
    expect_invalid(e, foil_sessions_iter(e->client, 500, NULL, NULL, &it), "limit");
    assert_null(it);
    expect_invalid(e, foil_sessions_get(e->client, "", &r), "session_id");
    expect_invalid(e, foil_sessions_get(e->client, NULL, &r), "session_id");
    char long_id[300];
    memset(long_id, 'u', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    expect_invalid(e, foil_sessions_attach_client_user(e->client, "sid_1", long_id, &r),
                   "client_user_id");
    expect_invalid(e, foil_sessions_attach_client_user(e->client, "sid_1", NULL, &r),
                   "client_user_id");
    expect_invalid(e, foil_sessions_list(NULL, 0, NULL, NULL, NULL, &page), "client");
    assert_int_equal(foil_sessions_list(e->client, 0, NULL, NULL, NULL, NULL),
                     FOIL_E_INVALID_ARGUMENT);
    assert_null(page);
    assert_null(r);
}

static void missing_secret_key_is_configuration_error(void **state) {
    env *e = *state;
    FOIL_ASSERT_OK(foil_client_set_secret_key(e->client, NULL));
    foil_page_t *page = NULL;
    assert_int_equal(foil_sessions_list(e->client, 0, NULL, NULL, NULL, &page),
                     FOIL_E_CONFIGURATION);
    assert_non_null(strstr(foil_error_message(foil_last_error()), "FOIL_SECRET_KEY"));
    assert_int_equal(canned_server_last(e->server).count, 0);
}

static void malformed_success_bodies(void **state) {
    env *e = *state;
    foil_page_t *page = NULL;
    const char *bodies[] = {"",
                            "not json",
                            "[1,2]",
                            "{\"data\":{}}",
                            "{\"data\":[],\"pagination\":{}}",
                            "{\"data\":[], \"pagination\":"};
    for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
        canned_server_respond(e->server, 200, bodies[i], NULL, NULL);
        assert_int_equal(foil_sessions_list(e->client, 0, NULL, NULL, NULL, &page),
                         FOIL_E_PROTOCOL);
        assert_null(page);
    }
    foil_result_t *r = NULL;
    canned_server_respond(e->server, 200, "{\"meta\":{}}", NULL, NULL);
    assert_int_equal(foil_sessions_get(e->client, "sid_1", &r), FOIL_E_PROTOCOL);
}

static void iterator_stops_on_repeated_cursor(void **state) {
    env *e = *state;
    /* A server that always answers the same page with has_more must not loop forever. */
    cJSON *doc = serve_fixture(e, "api/sessions/list.json", 200);
    foil_iter_t *it = NULL;
    FOIL_ASSERT_OK(foil_sessions_iter(e->client, 0, NULL, NULL, &it));
    const foil_json_t *item = NULL;
    FOIL_ASSERT_OK(foil_iter_next(it, &item));
    assert_non_null(item);
    assert_int_equal(foil_iter_next(it, &item), FOIL_E_PROTOCOL);
    assert_null(item);
    assert_int_equal(foil_iter_position(it), 1);
    assert_int_equal(foil_iter_pages(it), 1);
    foil_iter_free(it);
    cJSON_Delete(doc);
}

int main(void) {
    int skip = foil_test_require_spec("test_sessions");
    if (skip) return skip;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(list_page_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(nullable_fields_stay_distinct, setup, teardown),
        cmocka_unit_test_setup_teardown(get_detail, setup, teardown),
        cmocka_unit_test_setup_teardown(attach_and_clear_client_user, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_arguments_send_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(missing_secret_key_is_configuration_error, setup, teardown),
        cmocka_unit_test_setup_teardown(malformed_success_bodies, setup, teardown),
        cmocka_unit_test_setup_teardown(iterator_stops_on_repeated_cursor, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
