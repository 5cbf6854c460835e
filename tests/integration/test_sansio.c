/* The core without I/O (foil/sansio.h) against the embedded emulator: a request prepared by
 * foil_prepare and sent by the test's own libcurl easy handle (tests/support/sansio_send.c),
 * then completed, gives what foil_call gives; the prepared request says everything a
 * transport needs; the next page is prepared from a page; transport failures and the
 * retry decision follow the blocking client's rules. */
#include "foil_test.h"

#include "emulator_env.h"
#include "json_shape.h"
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

/* Values the rows share, one per side: what foil_call works on and what the sans-IO twin
 * works on (the same for reads, twins for writes: a key revoked once cannot be again). */
enum side { CALLED, SANSIO };
enum var {
    ORG,
    ORG2,
    SLUG,
    SID,
    VID,
    KEY,
    EP,
    EVT,
    SVC,
    DELIVERY,
    GS,
    POLL,
    ACK,
    AGENT,
    LOGIN,
    CODE,
    NVARS
};
static const char *const var_names[NVARS] = {"ORG", "ORG2",  "SLUG",  "SID",      "VID", "KEY",
                                             "EP",  "EVT",   "SVC",   "DELIVERY", "GS",  "POLL",
                                             "ACK", "AGENT", "LOGIN", "CODE"};

typedef struct twins {
    emulator_env_t *env;
    char vars[NVARS][2][512];
    foil_delivery_key_pair_t *keys[2];
} twins;

static void set_var(twins *t, enum var v, int side, const char *value) {
    assert_non_null(value);
    assert_true(strlen(value) < sizeof t->vars[v][side]);
    strcpy(t->vars[v][side], value);
}

static void make_delivery_requests(twins *t) {
    for (int side = 0; side < 2; side++) {
        FOIL_ASSERT_OK(foil_delivery_key_pair_new(&t->keys[side]));
        char *json = NULL;
        FOIL_ASSERT_OK(foil_delivery_key_pair_request_json(t->keys[side], &json));
        set_var(t, DELIVERY, side, json);
        foil_string_free(json);
    }
}

static void approve_signups(twins *t) {
    for (int side = 0; side < 2; side++)
        FOIL_ASSERT_OK(foil_emulator_approve(t->env->emu, t->vars[GS][side]));
}

static void approve_logins(twins *t) {
    for (int side = 0; side < 2; side++) {
        char *code = NULL;
        FOIL_ASSERT_OK(foil_emulator_approve_login(t->env->emu, t->vars[LOGIN][side], &code));
        set_var(t, CODE, side, code);
        foil_emulator_string_free(code);
    }
}

/* The ack token and the agent token sealed in the gate envelope of a poll's bundle. */
static void open_bundle(twins *t, int side, const cJSON *poll) {
    const cJSON *gate = json_at_path(poll, "data.delivery_bundle.gate");
    assert_non_null(gate);
    char *envelope = cJSON_PrintUnformatted(gate);
    foil_delivery_payload_t *payload = NULL;
    FOIL_ASSERT_OK(foil_gate_delivery_decrypt(t->keys[side], envelope, &payload));
    set_var(t, ACK, side, foil_delivery_payload_ack_token(payload));
    set_var(t, AGENT, side, foil_delivery_payload_output(payload, "ACME_GATE_AGENT_TOKEN"));
    foil_delivery_payload_free(payload);
    free(envelope);
}

typedef struct row {
    const char *op;     /* SDK name */
    const char *params; /* {VAR} is replaced by the side's value */
    bool same;          /* a read of one object: equal documents; else a write: equal shapes */
    enum var capture;   /* this path of each side's result becomes the variable */
    const char *capture_path;
    void (*before)(twins *t), (*after)(twins *t);
} row;

#define NO_CAPTURE NVARS, NULL

/* One row per operation, in an order where each finds what it needs (test_call.c's). */
static const row rows[] = {
    {"sessions.list", "{\"limit\":5,\"verdict\":\"bot\"}", true, NO_CAPTURE},
    {"sessions.get", "{\"session_id\":\"{SID}\"}", true, NO_CAPTURE},
    {"sessions.update", "{\"session_id\":\"{SID}\",\"client_user_id\":\"user_42\"}", false,
     NO_CAPTURE},
    {"fingerprints.list", "{\"limit\":3,\"sort\":\"seen_count\"}", true, VID, "data.0.id"},
    {"fingerprints.get", "{\"visitor_id\":\"{VID}\"}", true, NO_CAPTURE},
    {"organizations.create", "{\"name\":\"Sans Org\",\"slug\":\"{SLUG}\"}", false, ORG2, "data.id"},
    {"organizations.get", "{\"organization_id\":\"{ORG2}\"}", true, NO_CAPTURE},
    {"organizations.update", "{\"organization_id\":\"{ORG2}\",\"name\":\"Renamed\"}", false,
     NO_CAPTURE},
    {"organizations.api_keys.create",
     "{\"organization_id\":\"{ORG}\",\"name\":\"Sans key\",\"type\":\"secret\","
     "\"environment\":\"test\",\"scopes\":[\"fingerprints:list\"]}",
     false, KEY, "data.id"},
    {"organizations.api_keys.list", "{\"organization_id\":\"{ORG}\",\"limit\":2}", true,
     NO_CAPTURE},
    {"organizations.api_keys.update",
     "{\"organization_id\":\"{ORG}\",\"key_id\":\"{KEY}\",\"name\":\"Renamed key\"}", false,
     NO_CAPTURE},
    {"organizations.api_keys.rotate", "{\"organization_id\":\"{ORG}\",\"key_id\":\"{KEY}\"}", false,
     NO_CAPTURE},
    {"organizations.api_keys.revoke", "{\"organization_id\":\"{ORG}\",\"key_id\":\"{KEY}\"}", false,
     NO_CAPTURE},
    {"webhooks.create_endpoint",
     "{\"organization_id\":\"{ORG}\",\"name\":\"Hooks\",\"url\":\"http://127.0.0.1:9/hook\","
     "\"event_types\":[\"gate.session.approved\"]}",
     false, EP, "data.id"},
    {"webhooks.list_endpoints", "{\"organization_id\":\"{ORG}\"}", true, NO_CAPTURE},
    {"webhooks.update_endpoint",
     "{\"organization_id\":\"{ORG}\",\"endpoint_id\":\"{EP}\",\"name\":\"Renamed hooks\"}", false,
     NO_CAPTURE},
    {"webhooks.rotate_secret", "{\"organization_id\":\"{ORG}\",\"endpoint_id\":\"{EP}\"}", false,
     NO_CAPTURE},
    {"webhooks.send_test", "{\"organization_id\":\"{ORG}\",\"endpoint_id\":\"{EP}\"}", false, EVT,
     "data.event_id"},
    {"webhooks.list_events",
     "{\"organization_id\":\"{ORG}\",\"limit\":10,\"type\":\"webhook.test\"}", true, NO_CAPTURE},
    {"webhooks.retrieve_event", "{\"organization_id\":\"{ORG}\",\"event_id\":\"{EVT}\"}", true,
     NO_CAPTURE},
    {"gate.registry.list", NULL, true, NO_CAPTURE},
    {"gate.registry.get", "{\"service_id\":\"acme\"}", true, NO_CAPTURE},
    {"gate.services.create",
     "{\"id\":\"{SVC}\",\"name\":\"Svc\",\"description\":\"A service\","
     "\"website\":\"https://svc.example\",\"webhook_endpoint_id\":\"{EP}\","
     "\"discoverable\":false,\"branding\":{\"primary_color\":\"#0af\"}}",
     false, NO_CAPTURE},
    {"gate.services.list", "{}", true, NO_CAPTURE},
    {"gate.services.get", "{\"service_id\":\"{SVC}\"}", true, NO_CAPTURE},
    {"gate.services.update",
     "{\"service_id\":\"{SVC}\",\"name\":\"Svc 2\",\"dashboard_login_url\":null}", false,
     NO_CAPTURE},
    {"gate.services.disable", "{\"service_id\":\"{SVC}\"}", false, NO_CAPTURE},
    {"webhooks.disable_endpoint", "{\"organization_id\":\"{ORG}\",\"endpoint_id\":\"{EP}\"}", false,
     NO_CAPTURE},
    {"gate.sessions.create",
     "{\"service_id\":\"acme\",\"account_name\":\"sans-project\",\"delivery\":{DELIVERY}}", false,
     GS, "data.id", make_delivery_requests, NULL},
    {"gate.sessions.poll", "{\"gate_session_id\":\"{GS}\",\"poll_token\":\"{POLL}\"}", false,
     NO_CAPTURE, approve_signups, NULL},
    {"gate.sessions.acknowledge",
     "{\"gate_session_id\":\"{GS}\",\"poll_token\":\"{POLL}\",\"ack_token\":\"{ACK}\"}", false,
     NO_CAPTURE},
    {"gate.login_sessions.create", "{\"agent_token\":\"{AGENT}\",\"service_id\":\"acme\"}", false,
     LOGIN, "data.id", NULL, approve_logins},
    {"gate.login_sessions.consume", "{\"code\":\"{CODE}\"}", false, NO_CAPTURE},
    {"gate.agent_tokens.verify", "{\"agent_token\":\"{AGENT}\"}", true, NO_CAPTURE},
    {"gate.agent_tokens.revoke", "{\"agent_token\":\"{AGENT}\"}", false, NO_CAPTURE},
};

/* params with every {VAR} replaced by the side's value. */
static char *expand(const twins *t, const char *tmpl, int side) {
    if (!tmpl) return NULL;
    size_t cap = strlen(tmpl) + 4096, n = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    for (const char *p = tmpl; *p;) {
        bool replaced = false;
        for (int v = 0; *p == '{' && v < NVARS && !replaced; v++) {
            size_t k = strlen(var_names[v]);
            if (strncmp(p + 1, var_names[v], k) == 0 && p[1 + k] == '}') {
                const char *value = t->vars[v][side];
                assert_true(value[0] != '\0' && n + strlen(value) < cap);
                memcpy(out + n, value, strlen(value));
                n += strlen(value);
                p += k + 2;
                replaced = true;
            }
        }
        if (!replaced) out[n++] = *p++;
        assert_true(n < cap);
    }
    out[n] = '\0';
    return out;
}

/* The credential operation i sends: the client's secret key or the token parameter. */
static const char *credential_of(const twins *t, size_t i, int side) {
    const char *auth = foil_operation_auth(i);
    if (strcmp(auth, "secret_key") == 0) return foil_emulator_secret_key(t->env->emu);
    if (strcmp(auth, "poll_token") == 0) return t->vars[POLL][side];
    if (strcmp(auth, "agent_token") == 0) return t->vars[AGENT][side];
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
static void check_prepared(const twins *t, size_t i, const foil_http_request_t *req, int side) {
    const char *credential = credential_of(t, i, side);
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

/* The row's operation through foil_call (CALLED) or prepare + own send + complete
 * (SANSIO); its result as JSON (NULL for no content). */
static cJSON *run_side(twins *t, const row *w, size_t op_index, int side) {
    int vars = w->same ? CALLED : side; /* a read is of the same object both ways */
    char *params = expand(t, w->params, vars);
    foil_result_t *r = NULL;
    foil_error_t *err = NULL;
    foil_status_t st;
    if (side == CALLED) {
        st = foil_call(t->env->client, w->op, params, &r, &err);
    } else {
        foil_http_request_t *req = NULL;
        FOIL_ASSERT_OK(foil_prepare(t->env->client, w->op, params, &req, NULL));
        check_prepared(t, op_index, req, vars);
        st = sansio_exchange(req, &r, &err);
        foil_http_request_free(req);
    }
    if (st != FOIL_OK)
        fail_msg("%s (%s): %s", w->op, side == CALLED ? "foil_call" : "sans-IO",
                 foil_error_message(err));
    free(params);
    assert_null(err);
    if (!r) return NULL;
    char *text = NULL;
    FOIL_ASSERT_OK(foil_json_serialize(foil_result_json(r), &text));
    cJSON *json = cJSON_Parse(text);
    assert_non_null(json);
    foil_string_free(text);
    foil_result_free(r);
    return json;
}

/* Every operation of the table succeeds through prepare + the test's own libcurl +
 * complete as through foil_call: reads give the same document (but for request ids and
 * the calling key's last use), writes on twin objects the same shape, both fitting the
 * operation's model; a 204 is no result either way. */
static void every_operation_succeeds_alike(void **state) {
    twins *t = calloc(1, sizeof *t);
    assert_non_null(t);
    t->env = *state;
    foil_emulator_service_t acme = {.id = "acme",
                                    .name = "Acme",
                                    .outputs_json = "{\"ACME_API_KEY\":\"ak_sansio_rows\"}",
                                    .dashboard_login_url = "https://acme.example/login"};
    FOIL_ASSERT_OK(foil_emulator_add_service(t->env->emu, &acme));
    const char *org = foil_emulator_organization_id(t->env->emu);
    set_var(t, ORG, CALLED, org);
    set_var(t, ORG, SANSIO, org);
    char *sid = NULL;
    for (int side = 0; side < 2; side++) {
        FOIL_ASSERT_OK(foil_emulator_session_id(t->env->emu, (size_t)side, &sid));
        set_var(t, SID, side, sid);
        foil_emulator_string_free(sid);
    }
    set_var(t, SLUG, CALLED, "called-org");
    set_var(t, SLUG, SANSIO, "sansio-org");
    set_var(t, SVC, CALLED, "called_svc");
    set_var(t, SVC, SANSIO, "sansio_svc");

    size_t n_rows = sizeof rows / sizeof rows[0];
    assert_int_equal(n_rows, foil_operation_count());
    bool covered[64] = {false};
    assert_true(foil_operation_count() <= 64);
    for (size_t i = 0; i < n_rows; i++) {
        const row *w = &rows[i];
        size_t op = foil_operation_count();
        for (size_t k = 0; k < foil_operation_count(); k++)
            if (strcmp(foil_operation_sdk_name(k), w->op) == 0) op = k;
        assert_true(op < foil_operation_count());
        assert_false(covered[op]);
        covered[op] = true;
        if (w->before) w->before(t);
        cJSON *called = run_side(t, w, op, CALLED), *sansio = run_side(t, w, op, SANSIO);
        const char *model = foil_operation_result_model(op);
        if (!model) {
            assert_null(called);
            assert_null(sansio);
            continue;
        }
        assert_non_null(called);
        assert_non_null(sansio);
        if (w->same) {
            json_drop_volatile(called);
            json_drop_volatile(sansio);
            if (!cJSON_Compare(called, sansio, true))
                fail_msg("%s: foil_call and sans-IO differ:\n%s\n%s", w->op,
                         cJSON_PrintUnformatted(called), cJSON_PrintUnformatted(sansio));
        } else if (!json_same_shape(called, sansio, "$")) {
            fail_msg("%s: shapes differ", w->op);
        }
        for (int side = 0; side < 2; side++) {
            const cJSON *data = cJSON_GetObjectItem(side == CALLED ? called : sansio, "data");
            /* a list (paginated or not, as the registry's) is its items' model */
            if (foil_operation_paginated(op) || cJSON_IsArray(data)) {
                assert_true(cJSON_GetArraySize(data) > 0);
                for (const cJSON *item = data->child; item; item = item->next)
                    if (!json_fits_model(item, model))
                        fail_msg("%s: an item is no %s", w->op, model);
            } else if (!json_fits_model(data, model)) {
                fail_msg("%s: data is no %s", w->op, model);
            }
        }
        if (w->capture_path)
            for (int side = 0; side < 2; side++) {
                const cJSON *v = json_at_path(side == CALLED ? called : sansio, w->capture_path);
                assert_true(cJSON_IsString(v));
                set_var(t, w->capture, side, v->valuestring);
            }
        if (strcmp(w->op, "gate.sessions.create") == 0)
            for (int side = 0; side < 2; side++)
                set_var(
                    t, POLL, side,
                    json_at_path(side == CALLED ? called : sansio, "data.poll_token")->valuestring);
        if (strcmp(w->op, "gate.sessions.poll") == 0) {
            open_bundle(t, CALLED, called);
            open_bundle(t, SANSIO, sansio);
        }
        if (w->after) w->after(t);
        cJSON_Delete(called);
        cJSON_Delete(sansio);
    }
    for (int side = 0; side < 2; side++)
        foil_delivery_key_pair_free(t->keys[side]);
    free(t);
}

/* Each fault the emulator injects gives the same typed error both ways. */
static void every_fault_kind_alike(void **state) {
    emulator_env_t *e = *state;
    foil_client_t *c = NULL;
    FOIL_ASSERT_OK(foil_client_new(&c));
    FOIL_ASSERT_OK(foil_client_set_base_url(c, foil_emulator_base_url(e->emu)));
    FOIL_ASSERT_OK(foil_client_set_secret_key(c, foil_emulator_secret_key(e->emu)));
    FOIL_ASSERT_OK(foil_client_set_max_response_bytes(c, 1 << 20));
    /* only the delay fault meets a short timeout: the others answer at their own pace
     * (a 64 MiB body under valgrind takes seconds) */
    foil_client_t *fast = NULL;
    FOIL_ASSERT_OK(foil_client_new(&fast));
    FOIL_ASSERT_OK(foil_client_set_base_url(fast, foil_emulator_base_url(e->emu)));
    FOIL_ASSERT_OK(foil_client_set_secret_key(fast, foil_emulator_secret_key(e->emu)));
    FOIL_ASSERT_OK(foil_client_set_timeout_ms(fast, 300));
    struct {
        foil_emulator_fault_kind_t kind;
        unsigned status, delay_ms;
        foil_status_t expected;
    } faults[] = {
        {FOIL_EMULATOR_FAULT_STATUS, 429, 0, FOIL_E_RATE_LIMITED},
        {FOIL_EMULATOR_FAULT_STATUS, 500, 0, FOIL_E_SERVER},
        {FOIL_EMULATOR_FAULT_STATUS, 503, 0, FOIL_E_SERVER},
        {FOIL_EMULATOR_FAULT_STATUS, 401, 0, FOIL_E_AUTHENTICATION},
        {FOIL_EMULATOR_FAULT_DELAY, 0, 1500, FOIL_E_TIMEOUT},
        {FOIL_EMULATOR_FAULT_RESET, 0, 0, FOIL_E_CONNECTION},
        {FOIL_EMULATOR_FAULT_TRUNCATE, 0, 0, FOIL_E_CONNECTION},
        {FOIL_EMULATOR_FAULT_CORRUPT, 0, 0, FOIL_E_PROTOCOL},
        {FOIL_EMULATOR_FAULT_CONTENT_TYPE, 0, 0, FOIL_E_PROTOCOL},
        {FOIL_EMULATOR_FAULT_OVERSIZED, 0, 0, FOIL_E_PROTOCOL},
    };
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        /* one fault for foil_call's request, one for the sans-IO twin's */
        FOIL_ASSERT_OK(foil_emulator_inject_fault(e->emu, "GET", "/v1/sessions", 2, faults[i].kind,
                                                  faults[i].status, faults[i].delay_ms));
        foil_client_t *client = faults[i].kind == FOIL_EMULATOR_FAULT_DELAY ? fast : c;
        foil_status_t st = assert_same(client, "sessions.list", "{\"limit\":2}");
        if (st != faults[i].expected)
            print_message("fault %d: %s\n", (int)faults[i].kind, foil_status_kind(st));
        assert_int_equal(st, faults[i].expected);
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
    };
    return cmocka_run_group_tests(tests, emulator_env_setup, emulator_env_teardown);
}
