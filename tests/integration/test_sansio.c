/* The core without I/O (foil/sansio.h) against the embedded emulator: a request prepared by
 * foil_prepare and sent by the test's own libcurl easy handle (tests/support/sansio_send.c),
 * then completed, gives what foil_call gives; the prepared request says everything a
 * transport needs; the next page is prepared from a page; transport failures and the
 * retry decision follow the blocking client's rules. */
#include "foil_test.h"

#include "emulator_env.h"
#include "json_shape.h"
#include "operation_rows.h"
#include "sansio_send.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

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

/* Every operation of the table with no parameters and with unusable ones: the same checks
 * (or, for the operations that take none, the same answer). */
static void every_operation_checks_alike(void **state) {
    foil_client_t *c = ((emulator_env_t *)*state)->client;
    const char *params[] = {NULL, "{}", "{\"nope\":1}", "[]", "{\"limit\":201}"};
    for (size_t i = 0; i < foil_operation_count(); i++)
        for (size_t p = 0; p < sizeof params / sizeof params[0]; p++)
            assert_same(c, foil_operation_sdk_name(i), params[p]);
}

/* --- every operation, successful, both ways ------------------------------------ */

/* The credential operation i sends: the client's secret key or the token parameter. */
static const char *credential_of(const emulator_env_t *e, const operation_twins_t *t, size_t i,
                                 int side) {
    const char *auth = foil_operation_auth(i);
    if (strcmp(auth, "secret_key") == 0) return foil_emulator_secret_key(e->emu);
    if (strcmp(auth, "poll_token") == 0) return operation_twins_value(t, POLL, side);
    if (strcmp(auth, "agent_token") == 0) return operation_twins_value(t, AGENT, side);
    return NULL;
}

/* The error JSON (message, fields, body) of a failure names no credential. */
static void assert_no_secret(const foil_error_t *err, const char *credential) {
    char *text = NULL;
    FOIL_ASSERT_OK(foil_json_serialize(foil_error_json(err), &text));
    assert_null(strstr(text, credential));
    assert_null(strstr(foil_error_message(err), credential));
    foil_string_free(text);
}

/* The prepared request of operation i lists Authorization exactly when the operation
 * takes a credential, with that credential, last; and no failure completed from it names
 * the credential (a 401 answer, each transport failure). */
static void check_prepared(const emulator_env_t *e, const operation_twins_t *t, size_t i,
                           const foil_http_request_t *req, int side) {
    const char *credential = credential_of(e, t, i, side);
    size_t count = foil_http_request_header_count(req), auth = count;
    for (size_t h = 0; h < count; h++)
        if (strcasecmp(foil_http_request_header_name(req, h), "Authorization") == 0) auth = h;
    if (!credential) {
        assert_int_equal(auth, count);
        return;
    }
    assert_int_equal(auth, count - 1);
    const char *value = foil_http_request_header_value(req, auth);
    assert_true(strncmp(value, "Bearer ", 7) == 0);
    assert_string_equal(value + 7, credential);
    foil_http_response_t *resp = NULL;
    FOIL_ASSERT_OK(foil_http_response_new(401, &resp));
    FOIL_ASSERT_OK(foil_http_response_add_header(resp, "X-Request-Id", "req_sansio"));
    const char *body = "{\"error\":{\"code\":\"authentication.invalid_key\","
                       "\"message\":\"Invalid key.\",\"status\":401}}";
    FOIL_ASSERT_OK(foil_http_response_append_body(resp, body, strlen(body)));
    foil_result_t *r = NULL;
    foil_error_t *err = NULL;
    assert_int_equal(foil_complete(req, resp, &r, &err), FOIL_E_AUTHENTICATION);
    assert_no_secret(err, credential);
    foil_error_free(err);
    foil_http_response_free(resp);
    foil_status_t kinds[] = {FOIL_E_TIMEOUT, FOIL_E_CONNECTION, FOIL_E_CANCELLED};
    for (size_t k = 0; k < 3; k++) {
        foil_complete_failure(req, kinds[k], "reset by peer", &err);
        assert_no_secret(err, credential);
        foil_error_free(err);
    }
}

/* The row's operation through prepare + the test's own libcurl + complete
 * (operation_way_t.run). */
static cJSON *run_sansio(void *ctx, const operation_twins_t *t, const operation_row_t *row,
                         size_t op, int values) {
    emulator_env_t *e = ctx;
    char *params = operation_twins_expand(t, row->params, values);
    foil_http_request_t *req = NULL;
    FOIL_ASSERT_OK(foil_prepare(e->client, row->op, params, &req, NULL));
    free(params);
    check_prepared(e, t, op, req, values);
    foil_result_t *r = NULL;
    foil_error_t *err = NULL;
    foil_status_t st = sansio_exchange(req, &r, &err);
    foil_http_request_free(req);
    return operation_answer(row->op, "sans-IO", st, r, err);
}

/* Either way's answer fits the operation's model; no model: no content
 * (operation_way_t.check). */
static void fits_model(void *ctx, const operation_row_t *row, size_t op, const cJSON *answer) {
    (void)ctx;
    const char *model = foil_operation_result_model(op);
    if (!model) {
        assert_null(answer);
        return;
    }
    assert_non_null(answer);
    const cJSON *data = cJSON_GetObjectItem(answer, "data");
    /* a list (paginated or not, as the registry's) is its items' model */
    if (foil_operation_paginated(op) || cJSON_IsArray(data)) {
        assert_true(cJSON_GetArraySize(data) > 0);
        for (const cJSON *item = data->child; item; item = item->next)
            if (!json_fits_model(item, model)) fail_msg("%s: an item is no %s", row->op, model);
    } else if (!json_fits_model(data, model)) {
        fail_msg("%s: data is no %s", row->op, model);
    }
}

/* Every operation of the table succeeds through prepare + the test's own libcurl +
 * complete as through foil_call: reads give the same document (but for request ids and
 * the calling key's last use), writes on twin objects the same shape, both fitting the
 * operation's model; a 204 is no result either way. */
static void every_operation_succeeds_alike(void **state) {
    emulator_env_t *e = *state;
    operation_twins_t *t = operation_twins_new(e->emu);
    operation_way_t way = {.name = "sans-IO", .run = run_sansio, .check = fits_model, .ctx = e};
    operation_rows_run(t, e->client, &way);
    operation_twins_free(t);
}

/* Each fault the emulator injects gives the same typed error both ways. */
static void every_fault_kind_alike(void **state) {
    emulator_env_t *e = *state;
    foil_client_t *c = NULL;
    FOIL_ASSERT_OK(foil_client_new(&c));
    FOIL_ASSERT_OK(foil_client_set_base_url(c, foil_emulator_base_url(e->emu)));
    FOIL_ASSERT_OK(foil_client_set_secret_key(c, foil_emulator_secret_key(e->emu)));
    FOIL_ASSERT_OK(foil_client_set_max_response_bytes(c, 1 << 20));
    foil_client_t *fast = NULL;
    FOIL_ASSERT_OK(foil_client_new(&fast));
    FOIL_ASSERT_OK(foil_client_set_base_url(fast, foil_emulator_base_url(e->emu)));
    FOIL_ASSERT_OK(foil_client_set_secret_key(fast, foil_emulator_secret_key(e->emu)));
    FOIL_ASSERT_OK(foil_client_set_timeout_ms(fast, EMULATOR_FAULT_TIMEOUT_MS));
    const emulator_fault_case_t *cases = emulator_answer_faults;
    for (size_t i = 0; i < emulator_answer_fault_count; i++) {
        /* one fault for foil_call's request, one for the sans-IO twin's */
        FOIL_ASSERT_OK(foil_emulator_inject_fault(e->emu, "GET", "/v1/sessions", 2, cases[i].kind,
                                                  cases[i].status, cases[i].delay_ms));
        foil_client_t *client = cases[i].delay_ms ? fast : c;
        foil_status_t st = assert_same(client, "sessions.list", "{\"limit\":2}");
        if (st != cases[i].expected)
            print_message("fault %d: %s\n", (int)cases[i].kind, foil_status_kind(st));
        assert_int_equal(st, cases[i].expected);
        foil_emulator_clear_faults(e->emu);
    }
    foil_client_free(fast);
    foil_client_free(c);
}

/* A freed request leaves no readable Authorization behind (ASan: use after free), and
 * no error the core makes of a request's outcome names the secret. */
static void secrets_stay_secret(void **state) {
    emulator_env_t *e = *state;
    const char *key = foil_emulator_secret_key(e->emu);
    foil_http_request_t *req = NULL;
    FOIL_ASSERT_OK(foil_prepare(e->client, "sessions.get", "{\"session_id\":\"s\"}", &req, NULL));
    foil_error_t *err = NULL;
    foil_status_t kinds[] = {FOIL_E_TIMEOUT, FOIL_E_CONNECTION, FOIL_E_CANCELLED};
    for (size_t i = 0; i < 3; i++) {
        foil_complete_failure(req, kinds[i], NULL, &err);
        assert_null(strstr(foil_error_message(err), key));
        foil_error_free(err);
    }
    foil_http_response_t *resp = NULL;
    FOIL_ASSERT_OK(foil_http_response_new(500, &resp));
    FOIL_ASSERT_OK(foil_http_response_append_body(resp, "oops", 4));
    foil_result_t *r = NULL;
    assert_int_equal(foil_complete(req, resp, &r, &err), FOIL_E_SERVER);
    assert_null(strstr(foil_error_message(err), key));
    foil_error_free(err);
    foil_http_response_free(resp);
    foil_http_request_free(req);
}

/* A Gate signup run step by step without I/O: create, wait until the emulator approves,
 * outputs, ack. */
static void gate_signup_without_io(void **state) {
    (void)state;
    foil_emulator_config_t cfg;
    foil_emulator_config_init(&cfg);
    cfg.auto_approve_ms = 200;
    foil_emulator_t *emu = NULL;
    FOIL_ASSERT_OK(foil_emulator_start(&cfg, &emu));
    foil_emulator_service_t acme = {
        .id = "acme", .name = "Acme", .outputs_json = "{\"ACME_API_KEY\":\"ak_sansio\"}"};
    FOIL_ASSERT_OK(foil_emulator_add_service(emu, &acme));
    foil_client_t *c = NULL;
    FOIL_ASSERT_OK(foil_client_new(&c));
    FOIL_ASSERT_OK(foil_client_set_base_url(c, foil_emulator_base_url(emu)));
    FOIL_ASSERT_OK(foil_client_set_secret_key(c, foil_emulator_secret_key(emu)));

    foil_gate_session_t *s = NULL;
    foil_http_request_t *req = NULL;
    foil_http_response_t *resp = NULL;
    long wait_ms = -1;
    FOIL_ASSERT_OK(foil_gate_session_prepare_create(c, "acme", "proj", NULL, &s, &req));
    assert_string_equal(foil_http_request_operation(req), "gate.sessions.create");
    FOIL_ASSERT_OK(sansio_send(req, &resp, NULL, 0));
    FOIL_ASSERT_OK(foil_gate_session_feed(s, req, resp, &wait_ms));
    assert_int_equal(wait_ms, 0);
    foil_http_response_free(resp);
    foil_http_request_free(req);
    assert_non_null(foil_gate_session_id(s));
    assert_non_null(foil_gate_session_consent_url(s));

    FOIL_ASSERT_OK(foil_gate_session_wait_start(s, 10000, 50));
    int polls = 0;
    for (;;) {
        FOIL_ASSERT_OK(foil_gate_session_next(s, &req, &wait_ms));
        if (req) {
            polls++;
            FOIL_ASSERT_OK(sansio_send(req, &resp, NULL, 0));
            foil_status_t st = foil_gate_session_feed(s, req, resp, &wait_ms);
            foil_http_response_free(resp);
            foil_http_request_free(req);
            FOIL_ASSERT_OK(st);
        }
        if (wait_ms == 0) break;
        struct timespec ts = {0, wait_ms * 1000000L};
        nanosleep(&ts, NULL);
    }
    assert_true(polls >= 1);
    assert_string_equal(foil_gate_session_output(s, "ACME_API_KEY"), "ak_sansio");

    FOIL_ASSERT_OK(foil_gate_session_prepare_ack(s, &req));
    FOIL_ASSERT_OK(sansio_send(req, &resp, NULL, 0));
    FOIL_ASSERT_OK(foil_gate_session_feed(s, req, resp, &wait_ms));
    foil_http_response_free(resp);
    /* a transport failure fed back is the ack's error */
    assert_int_equal(foil_gate_session_feed_failure(s, req, FOIL_E_TIMEOUT, NULL, &wait_ms),
                     FOIL_E_TIMEOUT);
    foil_http_request_free(req);
    assert_string_equal(foil_gate_session_status(s), "acknowledged");
    /* acknowledged: no poll is due any more */
    assert_int_equal(foil_gate_session_next(s, &req, &wait_ms), FOIL_E_STATE);
    assert_null(req);
    foil_gate_session_free(s);
    foil_client_free(c);
    foil_emulator_stop(emu);
}

/* prepare_poll is foil_gate_session_poll without I/O: a rejected session is FOIL_OK with the
 * status "rejected" (a wait's step would end with FOIL_E_REJECTED), a failure is the poll's
 * error (not absorbed), and no wait is started: a wait's poll fed afterwards is a step. */
static void gate_single_poll_without_io(void **state) {
    emulator_env_t *e = *state;
    foil_emulator_service_t svc = {.id = "single-poll", .name = "Single", .outputs_json = "{}"};
    FOIL_ASSERT_OK(foil_emulator_add_service(e->emu, &svc));
    foil_gate_session_t *s = NULL;
    foil_http_request_t *req = NULL;
    foil_http_response_t *resp = NULL;
    long wait_ms = -1;
    FOIL_ASSERT_OK(
        foil_gate_session_prepare_create(e->client, "single-poll", "proj", NULL, &s, &req));
    FOIL_ASSERT_OK(sansio_send(req, &resp, NULL, 0));
    FOIL_ASSERT_OK(foil_gate_session_feed(s, req, resp, &wait_ms));
    foil_http_response_free(resp);
    foil_http_request_free(req);

    FOIL_ASSERT_OK(foil_gate_session_prepare_poll(s, &req));
    assert_string_equal(foil_http_request_operation(req), "gate.sessions.poll");
    /* a transport failure is the poll's error, as foil_gate_session_poll gives it */
    assert_int_equal(foil_gate_session_feed_failure(s, req, FOIL_E_CONNECTION, "refused", &wait_ms),
                     FOIL_E_CONNECTION);
    assert_int_equal(wait_ms, 0);
    /* a loop's error message fed back as the detail reads the same, not prefixed twice */
    char message[256];
    snprintf(message, sizeof message, "%s", foil_error_message(foil_last_error()));
    assert_non_null(strstr(message, ": refused"));
    assert_int_equal(foil_gate_session_feed_failure(s, req, FOIL_E_CONNECTION, message, &wait_ms),
                     FOIL_E_CONNECTION);
    assert_string_equal(foil_error_message(foil_last_error()), message);
    FOIL_ASSERT_OK(sansio_send(req, &resp, NULL, 0));
    FOIL_ASSERT_OK(foil_gate_session_feed(s, req, resp, &wait_ms));
    assert_int_equal(wait_ms, 0);
    foil_http_response_free(resp);
    foil_http_request_free(req);
    assert_string_equal(foil_gate_session_status(s), "pending");

    FOIL_ASSERT_OK(foil_emulator_deny(e->emu, foil_gate_session_id(s)));
    FOIL_ASSERT_OK(foil_gate_session_prepare_poll(s, &req));
    FOIL_ASSERT_OK(sansio_send(req, &resp, NULL, 0));
    FOIL_ASSERT_OK(foil_gate_session_feed(s, req, resp, &wait_ms));
    foil_http_response_free(resp);
    foil_http_request_free(req);
    assert_string_equal(foil_gate_session_status(s), "rejected");
    /* a wait's poll of the same answer ends the wait */
    FOIL_ASSERT_OK(foil_gate_session_wait_start(s, 5000, 50));
    FOIL_ASSERT_OK(foil_gate_session_next(s, &req, &wait_ms));
    assert_non_null(req);
    FOIL_ASSERT_OK(sansio_send(req, &resp, NULL, 0));
    assert_int_equal(foil_gate_session_feed(s, req, resp, &wait_ms), FOIL_E_REJECTED);
    foil_http_response_free(resp);
    foil_http_request_free(req);
    assert_int_equal(foil_gate_session_prepare_poll(NULL, &req), FOIL_E_INVALID_ARGUMENT);
    assert_int_equal(foil_gate_session_prepare_poll(s, NULL), FOIL_E_INVALID_ARGUMENT);
    foil_gate_session_free(s);
}

/* The retry rules without I/O: idempotent requests only, retryable failures only, within
 * max_retries and the budget; Retry-After honoured and capped. */
static void retry_decision(void **state) {
    emulator_env_t *e = *state;
    foil_client_t *c = NULL;
    FOIL_ASSERT_OK(foil_client_new(&c));
    FOIL_ASSERT_OK(foil_client_set_base_url(c, foil_emulator_base_url(e->emu)));
    FOIL_ASSERT_OK(foil_client_set_secret_key(c, "sk_test_x"));
    FOIL_ASSERT_OK(foil_client_set_max_retries(c, 2));
    FOIL_ASSERT_OK(foil_client_set_timeout_ms(c, 10000));
    foil_http_request_t *get = NULL, *post = NULL;
    FOIL_ASSERT_OK(foil_prepare(c, "sessions.get", "{\"session_id\":\"s\"}", &get, NULL));
    FOIL_ASSERT_OK(
        foil_prepare(c, "organizations.create", "{\"name\":\"n\",\"slug\":\"n\"}", &post, NULL));
    foil_error_t *timeout = NULL, *limited = NULL, *missing = NULL;
    foil_complete_failure(get, FOIL_E_TIMEOUT, NULL, &timeout);
    foil_http_response_t *resp = NULL;
    foil_result_t *r = NULL;
    FOIL_ASSERT_OK(foil_http_response_new(429, &resp));
    FOIL_ASSERT_OK(foil_http_response_add_header(resp, "Retry-After", " 3 "));
    foil_complete(get, resp, &r, &limited);
    foil_http_response_free(resp);
    FOIL_ASSERT_OK(foil_http_response_new(404, &resp));
    foil_complete(get, resp, &r, &missing);
    foil_http_response_free(resp);
    long delay = -1;
    assert_int_equal(foil_retry_decision(get, 0, timeout, 0, &delay), 1);
    assert_true(delay >= 0 && delay <= 250);
    assert_int_equal(foil_retry_decision(get, 1, timeout, 0, &delay), 1);
    assert_true(delay >= 0 && delay <= 500);
    assert_int_equal(foil_retry_decision(get, 2, timeout, 0, &delay), 0);  /* max_retries */
    assert_int_equal(foil_retry_decision(post, 0, timeout, 0, &delay), 0); /* not idempotent */
    assert_int_equal(foil_retry_decision(get, 0, missing, 0, &delay), 0);  /* not retryable */
    assert_int_equal(foil_retry_decision(get, 0, limited, 0, &delay), 1);
    assert_int_equal(delay, 3000); /* Retry-After */
    /* a wait that would end past the budget (3 x 10 s) is not waited for */
    assert_int_equal(foil_retry_decision(get, 0, limited, 28000, &delay), 0);
    assert_int_equal(delay, 0);
    assert_int_equal(foil_retry_decision(NULL, 0, limited, 0, &delay), 0);
    foil_error_free(timeout);
    foil_error_free(limited);
    foil_error_free(missing);
    foil_http_request_free(get);
    foil_http_request_free(post);
    foil_client_free(c);
}

/* A Content-Length past the request's max_response_bytes is the size cap's error whatever
 * body came with it, so a transport of the caller's own can stop at the headers; one within
 * the cap, or one that is not a number, changes nothing. */
static void announced_length_past_the_cap(void **state) {
    emulator_env_t *e = *state;
    foil_client_t *c = NULL;
    FOIL_ASSERT_OK(foil_client_new(&c));
    FOIL_ASSERT_OK(foil_client_set_base_url(c, foil_emulator_base_url(e->emu)));
    FOIL_ASSERT_OK(foil_client_set_secret_key(c, "sk_test_x"));
    FOIL_ASSERT_OK(foil_client_set_max_response_bytes(c, 1024));
    foil_http_request_t *get = NULL;
    FOIL_ASSERT_OK(foil_prepare(c, "sessions.get", "{\"session_id\":\"s\"}", &get, NULL));
    const char *body = "{\"data\":{\"object\":\"session\",\"id\":\"s\"}}";
    const struct {
        const char *length;
        foil_status_t expected;
    } cases[] = {{"99999999999999", FOIL_E_PROTOCOL},
                 {"99999999999999999999999999999", FOIL_E_PROTOCOL},
                 {"1025", FOIL_E_PROTOCOL},
                 {"1024", FOIL_OK},
                 {"12x", FOIL_OK}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        foil_http_response_t *resp = NULL;
        foil_result_t *r = NULL;
        foil_error_t *err = NULL;
        FOIL_ASSERT_OK(foil_http_response_new(200, &resp));
        FOIL_ASSERT_OK(foil_http_response_add_header(resp, "Content-Length", cases[i].length));
        FOIL_ASSERT_OK(foil_http_response_append_body(resp, body, strlen(body)));
        assert_int_equal(foil_complete(get, resp, &r, &err), cases[i].expected);
        if (cases[i].expected != FOIL_OK)
            assert_non_null(strstr(foil_error_message(err), "exceeds the 1024 byte limit"));
        foil_result_free(r);
        foil_error_free(err);
        foil_http_response_free(resp);
    }
    foil_http_request_free(get);
    foil_client_free(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_outcome_as_foil_call),
        cmocka_unit_test(prepared_request_says_everything),
        cmocka_unit_test(prepare_next_walks_every_page),
        cmocka_unit_test(transport_failures),
        cmocka_unit_test(every_operation_checks_alike),
        cmocka_unit_test(every_operation_succeeds_alike),
        cmocka_unit_test(every_fault_kind_alike),
        cmocka_unit_test(secrets_stay_secret),
        cmocka_unit_test(gate_signup_without_io),
        cmocka_unit_test(gate_single_poll_without_io),
        cmocka_unit_test(retry_decision),
        cmocka_unit_test(announced_length_past_the_cap),
    };
    return cmocka_run_group_tests(tests, emulator_env_setup, emulator_env_teardown);
}
