/* The core without I/O (foil/sansio.h) against the embedded emulator: a request prepared by
 * foil_prepare and sent by the test's own libcurl easy handle (tests/support/sansio_send.c),
 * then completed, gives what foil_call gives; the prepared request says everything a
 * transport needs; the next page is prepared from a page; transport failures and the
 * retry decision follow the blocking client's rules. */
#include "foil_test.h"

#include "emulator_env.h"
#include "sansio_send.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The result as JSON text without its meta (a request id per request) (NULL result:
 * "null"), malloc'd. */
static char *result_text(const foil_result_t *r) {
    if (!r) return strdup("null");
    char *text = NULL;
    FOIL_ASSERT_OK(foil_json_serialize(foil_result_json(r), &text));
    cJSON *json = cJSON_Parse(text);
    foil_string_free(text);
    cJSON_DeleteItemFromObject(json, "meta");
    char *out = cJSON_PrintUnformatted(json);
    cJSON_Delete(json);
    return out;
}

/* The error's JSON without its request id and raw body (each request has its own id). */
static char *error_text(const foil_error_t *e) {
    if (!e) return strdup("none");
    char *text = NULL;
    FOIL_ASSERT_OK(foil_json_serialize(foil_error_json(e), &text));
    cJSON *json = cJSON_Parse(text);
    foil_string_free(text);
    cJSON_DeleteItemFromObject(json, "request_id");
    cJSON_DeleteItemFromObject(json, "body");
    char *out = cJSON_PrintUnformatted(json);
    cJSON_Delete(json);
    return out;
}

/* foil_call and foil_prepare + send + foil_complete give the same outcome. Returns the
 * status; results compared with their request ids (different per request) kept apart. */
static foil_status_t assert_same(foil_client_t *c, const char *op, const char *params) {
    foil_result_t *called = NULL, *completed = NULL;
    foil_error_t *call_error = NULL, *complete_error = NULL;
    foil_status_t a = foil_call(c, op, params, &called, &call_error);
    foil_status_t b = sansio_call(c, op, params, &completed, &complete_error);
    if (a != b)
        print_message("%s %s: foil_call %s, sans-IO %s (%s)\n", op, params ? params : "",
                      foil_status_kind(a), foil_status_kind(b),
                      complete_error ? foil_error_message(complete_error) : "");
    assert_int_equal(a, b);
    char *ta = result_text(called), *tb = result_text(completed);
    char *ea = error_text(call_error), *eb = error_text(complete_error);
    /* reads give the same document; writes made twice may differ (ids): same shape */
    if (strcmp(ta, tb) != 0 && strncmp(op, "sessions.", 9) == 0) assert_string_equal(ta, tb);
    assert_string_equal(ea, eb);
    free(ta);
    free(tb);
    free(ea);
    free(eb);
    foil_result_free(called);
    foil_result_free(completed);
    foil_error_free(call_error);
    foil_error_free(complete_error);
    return a;
}

static void same_outcome_as_foil_call(void **state) {
    foil_client_t *c = ((emulator_env_t *)*state)->client;
    assert_int_equal(assert_same(c, "sessions.list", "{\"limit\":5}"), FOIL_OK);
    assert_int_equal(assert_same(c, "sessions.list", "{\"limit\":5,\"verdict\":\"bot\"}"), FOIL_OK);
    assert_int_equal(assert_same(c, "sessions.get", "{\"session_id\":\"nope\"}"), FOIL_E_NOT_FOUND);
    assert_int_equal(assert_same(c, "sessions.get", "{}"), FOIL_E_INVALID_ARGUMENT);
    assert_int_equal(assert_same(c, "sessions.list", "{\"limit\":0}"), FOIL_E_INVALID_ARGUMENT);
    assert_int_equal(assert_same(c, "no.such", NULL), FOIL_E_INVALID_ARGUMENT);
    assert_int_equal(assert_same(c, "gate.registry.list", NULL), FOIL_OK);
}

static void prepared_request_says_everything(void **state) {
    emulator_env_t *e = *state;
    foil_http_request_t *req = NULL;
    foil_error_t *err = NULL;
    FOIL_ASSERT_OK(
        foil_prepare(e->client, "sessions.list", "{\"limit\":3,\"search\":\"a b\"}", &req, &err));
    assert_null(err);
    assert_string_equal(foil_http_request_operation(req), "sessions.list");
    assert_string_equal(foil_http_request_method(req), "GET");
    assert_string_equal(foil_http_request_scheme(req), "http");
    assert_string_equal(foil_http_request_host(req), "127.0.0.1");
    char url[512];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", foil_http_request_port(req),
             foil_http_request_target(req));
    assert_string_equal(foil_http_request_url(req), url);
    assert_non_null(strstr(foil_http_request_target(req), "limit=3"));
    assert_non_null(strstr(foil_http_request_target(req), "search=a%20b"));
    size_t len = 99;
    assert_null(foil_http_request_body(req, &len));
    assert_int_equal(len, 0);
    assert_int_equal(foil_http_request_idempotent(req), 1);
    assert_true(foil_http_request_timeout_ms(req) > 0);
    assert_int_equal(foil_http_request_max_response_bytes(req), FOIL_DEFAULT_MAX_RESPONSE_BYTES);
    bool auth = false;
    for (size_t i = 0; i < foil_http_request_header_count(req); i++) {
        const char *name = foil_http_request_header_name(req, i);
        if (strcmp(name, "Authorization") == 0) {
            auth = true;
            assert_string_equal(foil_http_request_header_value(req, i) + 7,
                                foil_emulator_secret_key(e->emu));
        }
    }
    assert_true(auth);
    assert_null(foil_http_request_header_name(req, 99));
    foil_http_request_free(req);

    FOIL_ASSERT_OK(foil_prepare(e->client, "sessions.update",
                                "{\"session_id\":\"s1\",\"client_user_id\":\"u\\u00e9\"}", &req,
                                NULL));
    assert_string_equal(foil_http_request_method(req), "PATCH");
    const char *body = foil_http_request_body(req, &len);
    assert_non_null(body);
    assert_int_equal(len, strlen(body));
    assert_string_equal(body, "{\"client_user_id\":\"u\xc3\xa9\"}");
    assert_int_equal(foil_http_request_idempotent(req), 0);
    foil_http_request_free(req);
    foil_http_request_free(NULL);
}

static void prepare_next_walks_every_page(void **state) {
    emulator_env_t *e = *state;
    foil_http_request_t *req = NULL;
    FOIL_ASSERT_OK(foil_prepare(e->client, "sessions.list", "{\"limit\":100}", &req, NULL));
    size_t items = 0, pages = 0;
    while (req) {
        foil_result_t *page = NULL;
        FOIL_ASSERT_OK(sansio_exchange(req, &page, NULL));
        items += foil_result_count(page);
        pages++;
        foil_http_request_t *next = NULL;
        FOIL_ASSERT_OK(foil_prepare_next(req, page, &next, NULL));
        if (next) assert_non_null(strstr(foil_http_request_target(next), "cursor="));
        foil_result_free(page);
        foil_http_request_free(req);
        req = next;
    }
    assert_int_equal(items, 250);
    assert_int_equal(pages, 3);
}

static void transport_failures(void **state) {
    emulator_env_t *e = *state;
    foil_http_request_t *req = NULL;
    FOIL_ASSERT_OK(foil_prepare(e->client, "sessions.get", "{\"session_id\":\"s\"}", &req, NULL));
    foil_error_t *err = NULL;
    assert_int_equal(foil_complete_failure(req, FOIL_E_TIMEOUT, NULL, &err), FOIL_E_TIMEOUT);
    assert_non_null(strstr(foil_error_message(err), "timed out after"));
    foil_error_free(err);
    assert_int_equal(foil_complete_failure(req, FOIL_E_CONNECTION, "refused", &err),
                     FOIL_E_CONNECTION);
    assert_non_null(strstr(foil_error_message(err), "refused"));
    foil_error_free(err);
    assert_int_equal(foil_complete_failure(req, FOIL_E_NOT_FOUND, NULL, &err),
                     FOIL_E_INVALID_ARGUMENT);
    foil_error_free(err);
    foil_http_request_free(req);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_outcome_as_foil_call),
        cmocka_unit_test(prepared_request_says_everything),
        cmocka_unit_test(prepare_next_walks_every_page),
        cmocka_unit_test(transport_failures),
    };
    return cmocka_run_group_tests(tests, emulator_env_setup, emulator_env_teardown);
}
