/* foil_call / foil_call_iter against the embedded emulator: every operation of the
 * table by its SDK name gives what the typed function gives (the shared operation rows,
 * all 35), argument errors name the parameter, a failed call hands back an owned copy of
 * its error, iterators walk pages, and secrets are not echoed. */
#include "foil_test.h"

#include "foil_emulator.h"
#include "operation_rows.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct env {
    foil_emulator_t *emu;
    foil_client_t *client;
    operation_twins_t *twins; /* the rows' values; adds the service "acme" */
} env;

static int setup(void **state) {
    env *e = calloc(1, sizeof *e);
    assert_non_null(e);
    foil_emulator_config_t cfg;
    foil_emulator_config_init(&cfg);
    cfg.session_count = 30;
    cfg.fingerprint_count = 30;
    assert_int_equal(foil_emulator_start(&cfg, &e->emu), FOIL_OK);
    e->twins = operation_twins_new(e->emu);
    FOIL_ASSERT_OK(foil_client_new(&e->client));
    FOIL_ASSERT_OK(foil_client_set_base_url(e->client, foil_emulator_base_url(e->emu)));
    FOIL_ASSERT_OK(foil_client_set_secret_key(e->client, foil_emulator_secret_key(e->emu)));
    *state = e;
    return 0;
}

static int teardown(void **state) {
    env *e = *state;
    operation_twins_free(e->twins);
    foil_client_free(e->client);
    foil_emulator_stop(e->emu);
    free(e);
    return 0;
}

/* --- the typed function of each operation, its answer as JSON text ------------- */

static char *text_of(const foil_json_t *v) {
    char *s = NULL;
    FOIL_ASSERT_OK(foil_json_serialize(v, &s));
    return s;
}
static foil_status_t result_text(foil_status_t st, foil_result_t *r, char **json) {
    *json = st == FOIL_OK ? text_of(foil_result_json(r)) : NULL;
    foil_result_free(r);
    return st;
}
static foil_status_t page_text(foil_status_t st, foil_page_t *p, char **json) {
    *json = st == FOIL_OK ? text_of(foil_page_json(p)) : NULL;
    foil_page_free(p);
    return st;
}

/* A typed function on the objects of one side (V: that side's value). */
typedef struct typed_env {
    foil_client_t *client;
    const operation_twins_t *twins;
    int side;
} typed_env;
typedef foil_status_t (*typed_fn)(const typed_env *e, char **json);
#define TYPED(fn) static foil_status_t fn(const typed_env *e, char **json)
#define V(name) operation_twins_value(e->twins, name, e->side)
#define R(call)                                                                                    \
    foil_result_t *r = NULL;                                                                       \
    foil_status_t st = (call);                                                                     \
    return result_text(st, r, json)
#define P(call)                                                                                    \
    foil_page_t *p = NULL;                                                                         \
    foil_status_t st = (call);                                                                     \
    return page_text(st, p, json)

TYPED(t_sessions_list) {
    P(foil_sessions_list(e->client, 5, NULL, "bot", NULL, &p));
}
TYPED(t_sessions_get) {
    R(foil_sessions_get(e->client, V(SID), &r));
}
TYPED(t_sessions_update) {
    R(foil_sessions_attach_client_user(e->client, V(SID), "user_42", &r));
}
TYPED(t_fingerprints_list) {
    P(foil_fingerprints_list(e->client, 3, NULL, NULL, "seen_count", &p));
}
TYPED(t_fingerprints_get) {
    R(foil_fingerprints_get(e->client, V(VID), &r));
}
TYPED(t_organizations_create) {
    R(foil_organizations_create(e->client, "Typed Org", V(SLUG), &r));
}
TYPED(t_organizations_get) {
    R(foil_organizations_get(e->client, V(ORG2), &r));
}
TYPED(t_organizations_update) {
    R(foil_organizations_update(e->client, V(ORG2), "{\"name\":\"Renamed\"}", &r));
}
TYPED(t_api_keys_create) {
    R(foil_api_keys_create(e->client, V(ORG),
                           "{\"name\":\"Typed key\",\"type\":\"secret\",\"environment\":\"test\","
                           "\"scopes\":[\"fingerprints:list\"]}",
                           &r));
}
TYPED(t_api_keys_list) {
    P(foil_api_keys_list(e->client, V(ORG), 2, NULL, &p));
}
TYPED(t_api_keys_update) {
    R(foil_api_keys_update(e->client, V(ORG), V(KEY), "{\"name\":\"Renamed key\"}", &r));
}
TYPED(t_api_keys_rotate) {
    R(foil_api_keys_rotate(e->client, V(ORG), V(KEY), &r));
}
TYPED(t_api_keys_revoke) {
    R(foil_api_keys_revoke(e->client, V(ORG), V(KEY), &r));
}
TYPED(t_endpoints_create) {
    R(foil_webhooks_create_endpoint(e->client, V(ORG),
                                    "{\"name\":\"Hooks\",\"url\":\"http://127.0.0.1:9/hook\","
                                    "\"event_types\":[\"gate.session.approved\"]}",
                                    &r));
}
TYPED(t_endpoints_list) {
    P(foil_webhooks_list_endpoints(e->client, V(ORG), 0, NULL, &p));
}
TYPED(t_endpoints_update) {
    R(foil_webhooks_update_endpoint(e->client, V(ORG), V(EP), "{\"name\":\"Renamed hooks\"}", &r));
}
TYPED(t_endpoints_rotate) {
    R(foil_webhooks_rotate_secret(e->client, V(ORG), V(EP), &r));
}
TYPED(t_endpoints_test) {
    R(foil_webhooks_send_test(e->client, V(ORG), V(EP), &r));
}
TYPED(t_events_list) {
    P(foil_webhooks_list_events(e->client, V(ORG), 10, NULL, NULL, "webhook.test", &p));
}
TYPED(t_events_get) {
    R(foil_webhooks_retrieve_event(e->client, V(ORG), V(EVT), &r));
}
TYPED(t_registry_list) {
    R(foil_gate_registry_list(e->client, &r));
}
TYPED(t_registry_get) {
    R(foil_gate_registry_get(e->client, "acme", &r));
}
TYPED(t_services_create) {
    char body[2048];
    snprintf(body, sizeof body,
             "{\"id\":\"%s\",\"name\":\"Svc\",\"description\":\"A service\","
             "\"website\":\"https://svc.example\",\"webhook_endpoint_id\":\"%s\","
             "\"discoverable\":false,\"branding\":{\"primary_color\":\"#0af\"}}",
             V(SVC), V(EP));
    R(foil_gate_services_create(e->client, body, &r));
}
TYPED(t_services_list) {
    R(foil_gate_services_list(e->client, &r));
}
TYPED(t_services_get) {
    R(foil_gate_services_get(e->client, V(SVC), &r));
}
TYPED(t_services_update) {
    R(foil_gate_services_update(e->client, V(SVC),
                                "{\"name\":\"Svc 2\",\"dashboard_login_url\":null}", &r));
}
TYPED(t_services_disable) {
    R(foil_gate_services_disable(e->client, V(SVC), &r));
}
TYPED(t_endpoints_disable) {
    R(foil_webhooks_disable_endpoint(e->client, V(ORG), V(EP), &r));
}
TYPED(t_gate_sessions_create) {
    R(foil_gate_sessions_create(e->client, "acme", "typed-project", NULL, V(DELIVERY), &r));
}
TYPED(t_gate_sessions_poll) {
    R(foil_gate_sessions_poll(e->client, V(GS), V(POLL), &r));
}
TYPED(t_gate_sessions_ack) {
    R(foil_gate_sessions_acknowledge(e->client, V(GS), V(POLL), V(ACK), &r));
}
TYPED(t_login_create) {
    R(foil_gate_login_sessions_create(e->client, V(AGENT), "acme", &r));
}
TYPED(t_login_consume) {
    R(foil_gate_login_sessions_consume(e->client, V(CODE), &r));
}
TYPED(t_agent_verify) {
    R(foil_gate_agent_tokens_verify(e->client, V(AGENT), &r));
}
TYPED(t_agent_revoke) {
    *json = NULL;
    return foil_gate_agent_tokens_revoke(e->client, V(AGENT));
}

static const struct {
    const char *op; /* SDK name */
    typed_fn fn;
} typed[] = {
    {"sessions.list", t_sessions_list},
    {"sessions.get", t_sessions_get},
    {"sessions.update", t_sessions_update},
    {"fingerprints.list", t_fingerprints_list},
    {"fingerprints.get", t_fingerprints_get},
    {"organizations.create", t_organizations_create},
    {"organizations.get", t_organizations_get},
    {"organizations.update", t_organizations_update},
    {"organizations.api_keys.create", t_api_keys_create},
    {"organizations.api_keys.list", t_api_keys_list},
    {"organizations.api_keys.update", t_api_keys_update},
    {"organizations.api_keys.rotate", t_api_keys_rotate},
    {"organizations.api_keys.revoke", t_api_keys_revoke},
    {"webhooks.create_endpoint", t_endpoints_create},
    {"webhooks.list_endpoints", t_endpoints_list},
    {"webhooks.update_endpoint", t_endpoints_update},
    {"webhooks.rotate_secret", t_endpoints_rotate},
    {"webhooks.send_test", t_endpoints_test},
    {"webhooks.list_events", t_events_list},
    {"webhooks.retrieve_event", t_events_get},
    {"webhooks.disable_endpoint", t_endpoints_disable},
    {"gate.registry.list", t_registry_list},
    {"gate.registry.get", t_registry_get},
    {"gate.services.create", t_services_create},
    {"gate.services.list", t_services_list},
    {"gate.services.get", t_services_get},
    {"gate.services.update", t_services_update},
    {"gate.services.disable", t_services_disable},
    {"gate.sessions.create", t_gate_sessions_create},
    {"gate.sessions.poll", t_gate_sessions_poll},
    {"gate.sessions.acknowledge", t_gate_sessions_ack},
    {"gate.login_sessions.create", t_login_create},
    {"gate.login_sessions.consume", t_login_consume},
    {"gate.agent_tokens.verify", t_agent_verify},
    {"gate.agent_tokens.revoke", t_agent_revoke},
};

/* The row's operation through its typed function (operation_way_t.run). */
static cJSON *run_typed(void *ctx, const operation_twins_t *t, const operation_row_t *row,
                        size_t op, int values) {
    (void)op;
    const env *e = ctx;
    for (size_t i = 0; i < sizeof typed / sizeof typed[0]; i++) {
        if (strcmp(typed[i].op, row->op) != 0) continue;
        typed_env on_side = {e->client, t, values};
        char *text = NULL;
        FOIL_ASSERT_OK(typed[i].fn(&on_side, &text));
        if (!text) return NULL; /* no content */
        cJSON *json = cJSON_Parse(text);
        assert_non_null(json);
        foil_string_free(text);
        return json;
    }
    fail_msg("no typed function for %s", row->op);
    return NULL;
}

/* Every operation through foil_call and through its typed function: reads the same
 * document, writes on twin objects the same shape, a 204 no result either way. */
static void every_operation_matches_typed(void **state) {
    env *e = *state;
    assert_int_equal(sizeof typed / sizeof typed[0], foil_operation_count());
    operation_way_t way = {.name = "the typed function", .run = run_typed, .ctx = e};
    operation_rows_run(e->twins, e->client, &way);
}

/* foil_call fails with `status`, naming `field` in the returned copy and in the
 * thread's record alike; *out is NULL. */
static void expect_field_error(env *e, const char *op, const char *params, foil_status_t status,
                               const char *field, const char *issue) {
    foil_result_t *r = (foil_result_t *)(void *)&r; /* not NULL: must be reset */
    foil_error_t *err = NULL;
    foil_status_t st = foil_call(e->client, op, params, &r, &err);
    if (st != status)
        fail_msg("%s %s: got %s (%s)", op, params ? params : "NULL", foil_status_kind(st),
                 foil_error_message(foil_last_error()));
    assert_null(r);
    assert_non_null(err);
    assert_ptr_not_equal(err, foil_last_error());
    assert_int_equal(foil_error_status(err), status);
    assert_int_equal(foil_error_http_status(err), 0); /* nothing was sent */
    assert_int_equal(foil_error_field_count(err), 1);
    if (strcmp(foil_error_field_name(err, 0), field) != 0)
        fail_msg("%s %s: field %s, expected %s (%s)", op, params, foil_error_field_name(err, 0),
                 field, foil_error_field_issue(err, 0));
    if (issue) assert_string_equal(foil_error_field_issue(err, 0), issue);
    assert_string_equal(foil_error_field_name(foil_last_error(), 0), field);
    assert_string_equal(foil_error_code(err), foil_error_code(foil_last_error()));
    foil_error_free(err);
}

static void argument_errors(void **state) {
    env *e = *state;
    const foil_status_t INVALID = FOIL_E_INVALID_ARGUMENT;
    /* The operation. */
    expect_field_error(e, "sessions.nope", NULL, INVALID, "operation", "is not a known operation");
    assert_string_equal(foil_error_field_received(foil_last_error(), 0), "sessions.nope");
    expect_field_error(e, "listSessions", NULL, INVALID, "operation", NULL);
    expect_field_error(e, "", NULL, INVALID, "operation", NULL);
    expect_field_error(e, NULL, NULL, INVALID, "operation", "is required");
    /* params_json itself. */
    expect_field_error(e, "sessions.list", "[1]", INVALID, "params_json", "must be a JSON object");
    expect_field_error(e, "sessions.list", "\"limit\"", INVALID, "params_json", NULL);
    expect_field_error(e, "sessions.list", "{\"limit\":5", INVALID, "params_json", NULL);
    expect_field_error(e, "sessions.list", "{} {}", INVALID, "params_json", NULL);
    expect_field_error(e, "sessions.list", "", INVALID, "params_json", NULL);
    expect_field_error(e, "sessions.get", "{\"session_id\":\"sid_1\\u0000/../x\"}", INVALID,
                       "params_json", NULL);
    expect_field_error(e, "sessions.get", "{\"session_id\\u0000x\":\"sid_1\"}", INVALID,
                       "params_json", NULL);
    /* An escaped backslash before "u0000" is text, not a NUL: the id reaches the API. */
    foil_result_t *nf = NULL;
    assert_int_equal(
        foil_call(e->client, "sessions.get", "{\"session_id\":\"sid_\\\\u0000\"}", &nf, NULL),
        FOIL_E_NOT_FOUND);
    /* Unknown, repeated, missing, mistyped parameters. */
    expect_field_error(e, "sessions.list", "{\"limt\":5}", INVALID, "limt",
                       "is not a parameter of this operation");
    assert_string_equal(foil_error_field_expected(foil_last_error(), 0),
                        "one of limit, cursor, verdict, search");
    expect_field_error(e, "gate.registry.list", "{\"limit\":5}", INVALID, "limit", NULL);
    expect_field_error(e, "sessions.get", "{\"id\":\"sid_1\"}", INVALID, "id", NULL);
    expect_field_error(e, "sessions.list", "{\"limit\":5,\"limit\":6}", INVALID, "limit",
                       "is given twice");
    expect_field_error(e, "sessions.get", "{}", INVALID, "session_id", "is required");
    expect_field_error(e, "sessions.get", NULL, INVALID, "session_id", "is required");
    expect_field_error(e, "sessions.get", "{\"session_id\":null}", INVALID, "session_id",
                       "is required");
    expect_field_error(e, "sessions.update", "{\"session_id\":\"sid_x\"}", INVALID,
                       "client_user_id", "is required");
    expect_field_error(e, "gate.sessions.poll", "{\"gate_session_id\":\"gs_1\"}", INVALID,
                       "poll_token", "is required");
    expect_field_error(e, "gate.sessions.create",
                       "{\"service_id\":\"acme\",\"account_name\":\"x\"}", INVALID, "delivery",
                       "is required");
    expect_field_error(e, "sessions.list", "{\"limit\":\"5\"}", INVALID, "limit",
                       "has the wrong JSON type");
    assert_string_equal(foil_error_field_expected(foil_last_error(), 0), "an integer");
    expect_field_error(e, "sessions.list", "{\"limit\":2.5}", INVALID, "limit", NULL);
    expect_field_error(e, "sessions.list", "{\"limit\":true}", INVALID, "limit", NULL);
    expect_field_error(e, "sessions.list", "{\"verdict\":1}", INVALID, "verdict", NULL);
    expect_field_error(e, "sessions.get", "{\"session_id\":[\"a\"]}", INVALID, "session_id", NULL);
    expect_field_error(e, "gate.services.update", "{\"service_id\":\"svc\",\"discoverable\":1}",
                       INVALID, "discoverable", NULL);
    expect_field_error(e, "gate.sessions.create",
                       "{\"service_id\":\"acme\",\"account_name\":\"x\",\"delivery\":\"{}\"}",
                       INVALID, "delivery", NULL);
    expect_field_error(e, "organizations.api_keys.create",
                       "{\"organization_id\":\"org_1\",\"name\":\"k\",\"scopes\":\"*\"}", INVALID,
                       "scopes", NULL);
    /* The typed functions' own checks, unchanged: limits, enums, patterns, nested members. */
    expect_field_error(e, "sessions.list", "{\"limit\":0}", INVALID, "limit",
                       "must be between 1 and 200");
    expect_field_error(e, "sessions.list", "{\"limit\":201}", INVALID, "limit",
                       "must be between 1 and 200");
    assert_string_equal(foil_error_field_received(foil_last_error(), 0), "201");
    expect_field_error(e, "sessions.list", "{\"limit\":-1e300}", INVALID, "limit", NULL);
    expect_field_error(e, "organizations.api_keys.list",
                       "{\"organization_id\":\"org_1\",\"limit\":1e12}", INVALID, "limit", NULL);
    expect_field_error(e, "sessions.list", "{\"verdict\":\"robot\"}", INVALID, "verdict",
                       "is not an allowed value");
    assert_string_equal(foil_error_field_expected(foil_last_error(), 0),
                        "one of bot, human, inconclusive");
    expect_field_error(e, "sessions.get", "{\"session_id\":\"\"}", INVALID, "session_id",
                       "must not be empty");
    char long_user[300];
    memset(long_user, 'u', 257);
    long_user[257] = '\0';
    char params[512];
    snprintf(params, sizeof params, "{\"session_id\":\"sid_x\",\"client_user_id\":\"%s\"}",
             long_user);
    expect_field_error(e, "sessions.update", params, INVALID, "client_user_id", "is too long");
    expect_field_error(e, "gate.registry.get", "{\"service_id\":\"Not_OK!\"}", INVALID,
                       "service_id", NULL);
    expect_field_error(e, "organizations.create", "{\"name\":\"A\",\"slug\":\"Bad Slug\"}", INVALID,
                       "slug", NULL);
    expect_field_error(e, "organizations.update",
                       "{\"organization_id\":\"org_1\",\"status\":\"x\"}", INVALID, "status",
                       "is not an allowed value");
    expect_field_error(e, "organizations.api_keys.create",
                       "{\"organization_id\":\"org_1\",\"name\":\"k\",\"type\":\"secret\","
                       "\"scopes\":[\"sessions:list\",\"nope\"]}",
                       INVALID, "scopes[1]", "is not an allowed value");
    expect_field_error(e, "organizations.api_keys.create",
                       "{\"organization_id\":\"org_1\",\"name\":\"k\",\"type\":\"publishable\","
                       "\"scopes\":[\"*\"]}",
                       INVALID, "type", NULL);
    expect_field_error(e, "webhooks.create_endpoint",
                       "{\"organization_id\":\"org_1\",\"name\":\"h\",\"url\":\"not a uri\","
                       "\"event_types\":[\"gate.session.approved\"]}",
                       INVALID, "url", "must be an absolute URI");
    expect_field_error(e, "gate.services.create",
                       "{\"id\":\"gate\",\"name\":\"n\",\"description\":\"d\","
                       "\"website\":\"https://x.example\",\"webhook_endpoint_id\":\"we_1\"}",
                       INVALID, "id", "is a reserved service id");
    expect_field_error(e, "gate.services.update",
                       "{\"service_id\":\"svc\",\"branding\":{\"primary_color\":\"blue\"}}",
                       INVALID, "branding.primary_color", "must be a hex colour");
    expect_field_error(e, "gate.services.update", "{\"service_id\":\"svc\",\"name\":null}", INVALID,
                       "params_json", "must set at least one property to change");
    expect_field_error(e, "organizations.update", "{\"organization_id\":\"org_1\"}", INVALID,
                       "params_json", NULL);
    expect_field_error(e, "organizations.api_keys.update",
                       "{\"organization_id\":\"org_1\",\"key_id\":\"key_1\"}", INVALID,
                       "params_json", NULL);
    expect_field_error(e, "webhooks.update_endpoint",
                       "{\"organization_id\":\"org_1\",\"endpoint_id\":\"we_1\"}", INVALID,
                       "params_json", NULL);
    expect_field_error(e, "gate.sessions.create",
                       "{\"service_id\":\"acme\",\"account_name\":\"x\",\"delivery\":{}}",
                       FOIL_E_VALIDATION, "delivery.version", NULL);
    /* NULL out and client. */
    foil_error_t *err = NULL;
    assert_int_equal(foil_call(e->client, "sessions.list", NULL, NULL, &err), INVALID);
    assert_string_equal(foil_error_field_name(err, 0), "out");
    foil_error_free(err);
    foil_result_t *r = NULL;
    assert_int_equal(foil_call(NULL, "sessions.list", NULL, &r, &err), INVALID);
    assert_string_equal(foil_error_field_name(err, 0), "client");
    foil_error_free(err);
    /* error_out may be NULL: the thread's record still says what failed. */
    assert_int_equal(foil_call(e->client, "sessions.nope", NULL, &r, NULL), INVALID);
    assert_null(r);
    assert_string_equal(foil_error_field_name(foil_last_error(), 0), "operation");
}

/* Each operation called with {} names its first required parameter, or runs. */
static void required_parameters_from_the_table(void **state) {
    env *e = *state;
    for (size_t i = 0; i < foil_operation_count(); i++) {
        cJSON *params = cJSON_Parse(foil_operation_params(i));
        const cJSON *p, *first = NULL;
        cJSON_ArrayForEach(p, params) {
            if (!first && cJSON_IsTrue(cJSON_GetObjectItem(p, "required"))) first = p;
        }
        foil_result_t *r = NULL;
        foil_error_t *err = NULL;
        foil_status_t st = foil_call(e->client, foil_operation_sdk_name(i), "{}", &r, &err);
        if (first) {
            assert_int_equal(st, FOIL_E_INVALID_ARGUMENT);
            assert_string_equal(foil_error_field_name(err, 0),
                                cJSON_GetObjectItem(first, "name")->valuestring);
            assert_string_equal(foil_error_field_issue(err, 0), "is required");
        } else {
            FOIL_ASSERT_OK(st); /* the lists without parameters */
            assert_null(err);
            assert_non_null(r);
        }
        foil_result_free(r);
        foil_error_free(err);
        cJSON_Delete(params);
    }
}

typedef struct thread_call {
    env *e;
    foil_status_t st;
    foil_error_t *err;
} thread_call;

static void *call_on_thread(void *arg) {
    thread_call *t = arg;
    foil_result_t *r = NULL;
    t->st = foil_call(t->e->client, "sessions.get",
                      "{\"session_id\":\"sid_0000000000000000000000000z\"}", &r, &t->err);
    return NULL;
}

/* A 404: the copy carries status, code and request id, outlives later calls on this
 * thread, and can be read on a thread other than the one that failed. */
static void error_out_on_not_found(void **state) {
    env *e = *state;
    foil_result_t *r = NULL;
    foil_error_t *err = NULL;
    assert_int_equal(foil_call(e->client, "sessions.get",
                               "{\"session_id\":\"sid_0000000000000000000000000z\"}", &r, &err),
                     FOIL_E_NOT_FOUND);
    assert_null(r);
    assert_non_null(err);
    assert_int_equal(foil_error_status(err), FOIL_E_NOT_FOUND);
    assert_int_equal(foil_error_http_status(err), 404);
    assert_string_equal(foil_error_code(err), foil_error_code(foil_last_error()));
    assert_int_equal(strncmp(foil_error_code(err), "client.", 7) != 0, 1); /* the API's code */
    const char *rid = foil_error_request_id(err);
    assert_non_null(rid);
    assert_int_equal(strncmp(rid, "req_", 4), 0);
    assert_string_equal(rid, foil_error_request_id(foil_last_error()));
    assert_non_null(foil_error_body(err));
    char saved_rid[64];
    snprintf(saved_rid, sizeof saved_rid, "%s", rid);

    /* Another failure and a success on this thread leave the copy alone. */
    foil_error_t *other = NULL;
    assert_int_equal(foil_call(e->client, "nope", NULL, &r, &other), FOIL_E_INVALID_ARGUMENT);
    assert_non_null(other);
    foil_error_free(other);
    FOIL_ASSERT_OK(foil_call(e->client, "gate.registry.list", NULL, &r, &other));
    assert_null(other); /* success: no error */
    foil_result_free(r);
    assert_int_equal(foil_error_status(foil_last_error()), FOIL_E_INVALID_ARGUMENT);
    assert_int_equal(foil_error_http_status(err), 404);
    assert_string_equal(foil_error_request_id(err), saved_rid);
    foil_error_free(err);

    /* Failed on another thread, read here. */
    pthread_t t;
    thread_call tc = {.e = e};
    assert_int_equal(pthread_create(&t, NULL, call_on_thread, &tc), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_int_equal(tc.st, FOIL_E_NOT_FOUND);
    assert_non_null(tc.err);
    assert_int_equal(foil_error_http_status(tc.err), 404);
    assert_int_equal(strncmp(foil_error_request_id(tc.err), "req_", 4), 0);
    assert_string_not_equal(foil_error_request_id(tc.err), saved_rid);
    foil_error_free(tc.err);
    foil_error_free(NULL);

    /* A 404 from an iterator's first page is reported by foil_iter_next. */
    foil_iter_t *it = NULL;
    FOIL_ASSERT_OK(foil_call_iter(e->client, "organizations.api_keys.list",
                                  "{\"organization_id\":\"org_0000000000000000000000000z\"}", &it,
                                  &err));
    assert_null(err);
    const foil_json_t *item = NULL;
    assert_int_equal(foil_iter_next(it, &item), FOIL_E_NOT_FOUND);
    foil_iter_free(it);
}

/* Collect the ids an iterator yields. */
static size_t drain_ids(foil_iter_t *it, char ids[][64], size_t cap) {
    size_t n = 0;
    const foil_json_t *item = NULL;
    for (;;) {
        FOIL_ASSERT_OK(foil_iter_next(it, &item));
        if (!item) break;
        assert_true(n < cap);
        snprintf(ids[n++], 64, "%s", foil_json_get_string(item, "id"));
    }
    return n;
}

static void iterators(void **state) {
    env *e = *state;
    static char by_call[64][64], by_typed[64][64];
    foil_iter_t *it = NULL;
    foil_error_t *err = NULL;
    FOIL_ASSERT_OK(foil_call_iter(e->client, "sessions.list", "{\"limit\":7}", &it, &err));
    assert_null(err);
    size_t n = drain_ids(it, by_call, 64);
    assert_int_equal(n, 30);
    assert_int_equal(foil_iter_pages(it), 5);
    assert_int_equal(foil_iter_position(it), 30);
    foil_iter_free(it);
    FOIL_ASSERT_OK(foil_sessions_iter(e->client, 7, NULL, NULL, &it));
    assert_int_equal(drain_ids(it, by_typed, 64), n);
    foil_iter_free(it);
    static char all[64][64];
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(by_call[i], by_typed[i]);
        snprintf(all[i], 64, "%s", by_call[i]);
    }

    /* Filters reach the typed iterator; null means not given. */
    FOIL_ASSERT_OK(foil_call_iter(e->client, "sessions.list",
                                  "{\"limit\":4,\"verdict\":\"human\",\"search\":null}", &it,
                                  NULL));
    size_t humans = drain_ids(it, by_call, 64);
    foil_iter_free(it);
    FOIL_ASSERT_OK(foil_sessions_iter(e->client, 4, "human", NULL, &it));
    assert_int_equal(drain_ids(it, by_typed, 64), humans);
    foil_iter_free(it);
    assert_true(humans < 30);
    FOIL_ASSERT_OK(foil_call_iter(e->client, "fingerprints.list", NULL, &it, NULL));
    assert_int_equal(drain_ids(it, by_call, 64), 30);
    assert_int_equal(foil_iter_pages(it), 1);
    foil_iter_free(it);
    char org_params[128];
    snprintf(org_params, sizeof org_params, "{\"organization_id\":\"%s\",\"limit\":1}",
             foil_emulator_organization_id(e->emu));
    FOIL_ASSERT_OK(foil_call_iter(e->client, "organizations.api_keys.list", org_params, &it, &err));
    assert_null(err);
    assert_int_equal(drain_ids(it, by_call, 64), 1); /* the demo key */
    foil_iter_free(it);

    /* One page through foil_call: the whole body, and its pagination read by the result. */
    foil_result_t *r = NULL;
    FOIL_ASSERT_OK(foil_call(e->client, "sessions.list", "{\"limit\":7}", &r, NULL));
    assert_int_equal(foil_result_count(r), 7);
    assert_int_equal(foil_result_paginated(r), 1);
    assert_int_equal(foil_result_limit(r), 7);
    assert_int_equal(foil_result_has_more(r), 1);
    const foil_json_t *pagination = foil_json_get(foil_result_json(r), "pagination");
    assert_string_equal(foil_result_next_cursor(r),
                        foil_json_get_string(pagination, "next_cursor"));
    char cursor[256];
    snprintf(cursor, sizeof cursor, "{\"limit\":7,\"cursor\":\"%s\"}", foil_result_next_cursor(r));
    foil_result_free(r);
    FOIL_ASSERT_OK(foil_call(e->client, "sessions.list", cursor, &r, NULL));
    assert_string_equal(foil_json_get_string(foil_result_item(r, 0), "id"), all[7]);
    foil_result_free(r);
    /* The last page has no more; an object result carries no pagination. */
    FOIL_ASSERT_OK(foil_call(e->client, "sessions.list", "{\"limit\":200}", &r, NULL));
    assert_int_equal(foil_result_paginated(r), 1);
    assert_int_equal(foil_result_has_more(r), 0);
    assert_null(foil_result_next_cursor(r));
    foil_result_free(r);
    snprintf(cursor, sizeof cursor, "{\"session_id\":\"%s\"}", all[0]);
    FOIL_ASSERT_OK(foil_call(e->client, "sessions.get", cursor, &r, NULL));
    assert_int_equal(foil_result_paginated(r), 0);
    assert_int_equal(foil_result_limit(r), 0);
    assert_int_equal(foil_result_has_more(r), 0);
    assert_null(foil_result_next_cursor(r));
    foil_result_free(r);
    assert_int_equal(foil_result_paginated(NULL), 0);

    /* Not a paginated list; a cursor; bad parameters. */
    assert_int_equal(foil_call_iter(e->client, "gate.registry.list", NULL, &it, &err),
                     FOIL_E_INVALID_ARGUMENT);
    assert_null(it);
    assert_string_equal(foil_error_field_name(err, 0), "operation");
    assert_string_equal(foil_error_field_issue(err, 0), "is not a paginated list");
    foil_error_free(err);
    assert_int_equal(foil_call_iter(e->client, "sessions.get", "{\"session_id\":\"x\"}", &it, &err),
                     FOIL_E_INVALID_ARGUMENT);
    foil_error_free(err);
    assert_int_equal(foil_call_iter(e->client, "sessions.list", "{\"cursor\":\"abc\"}", &it, &err),
                     FOIL_E_INVALID_ARGUMENT);
    assert_string_equal(foil_error_field_name(err, 0), "cursor");
    foil_error_free(err);
    assert_int_equal(foil_call_iter(e->client, "sessions.list", "{\"limit\":0}", &it, &err),
                     FOIL_E_INVALID_ARGUMENT);
    assert_string_equal(foil_error_field_name(err, 0), "limit");
    foil_error_free(err);
    assert_int_equal(foil_call_iter(e->client, "webhooks.list_events", "{}", &it, &err),
                     FOIL_E_INVALID_ARGUMENT);
    assert_string_equal(foil_error_field_name(err, 0), "organization_id");
    foil_error_free(err);
    assert_int_equal(foil_call_iter(e->client, "nope", "{}", &it, &err), FOIL_E_INVALID_ARGUMENT);
    assert_string_equal(foil_error_field_name(err, 0), "operation");
    foil_error_free(err);
    assert_int_equal(foil_call_iter(e->client, "sessions.list", NULL, NULL, &err),
                     FOIL_E_INVALID_ARGUMENT);
    foil_error_free(err);
}

/* sessions.update with null clears the user; tokens never appear in errors. */
static void update_null_and_secrets(void **state) {
    env *e = *state;
    char *sid = NULL;
    FOIL_ASSERT_OK(foil_emulator_session_id(e->emu, 2, &sid));
    char params[256];
    snprintf(params, sizeof params, "{\"session_id\":\"%s\",\"client_user_id\":\"user_7\"}", sid);
    foil_result_t *r = NULL;
    FOIL_ASSERT_OK(foil_call(e->client, "sessions.update", params, &r, NULL));
    assert_string_equal(foil_json_get_string(foil_result_data(r), "client_user_id"), "user_7");
    foil_result_free(r);
    snprintf(params, sizeof params, "{\"session_id\":\"%s\",\"client_user_id\":null}", sid);
    FOIL_ASSERT_OK(foil_call(e->client, "sessions.update", params, &r, NULL));
    assert_int_equal(foil_json_type(foil_json_get(foil_result_data(r), "client_user_id")),
                     FOIL_JSON_NULL);
    foil_result_free(r);
    FOIL_ASSERT_OK(foil_sessions_get(e->client, sid, &r));
    assert_int_equal(foil_json_type(foil_json_get(foil_result_data(r), "client_user_id")),
                     FOIL_JSON_NULL);
    foil_result_free(r);
    foil_emulator_string_free(sid);

    const char *token = "agt_thisisnotarealtokenbutasecretone";
    const char *cases[][2] = {
        {"gate.login_sessions.create", "{\"agent_token\":\"%s\",\"service_id\":\"acme\"}"},
        {"gate.agent_tokens.revoke", "{\"agent_token\":\"%s\",\"extra\":1}"},
        {"gate.sessions.poll", "{\"gate_session_id\":\"gs_nope\",\"poll_token\":\"%s\"}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[512];
        snprintf(text, sizeof text, cases[i][1], token);
        foil_error_t *err = NULL;
        assert_int_not_equal(foil_call(e->client, cases[i][0], text, &r, &err), FOIL_OK);
        assert_null(r);
        assert_null(strstr(foil_error_message(err), token));
        const char *body = foil_error_body(err);
        assert_true(body == NULL || strstr(body, token) == NULL);
        for (size_t f = 0; f < foil_error_field_count(err); f++) {
            const char *rec = foil_error_field_received(err, f);
            assert_true(rec == NULL || strstr(rec, token) == NULL);
        }
        foil_error_free(err);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(every_operation_matches_typed, setup, teardown),
        cmocka_unit_test_setup_teardown(argument_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(required_parameters_from_the_table, setup, teardown),
        cmocka_unit_test_setup_teardown(error_out_on_not_found, setup, teardown),
        cmocka_unit_test_setup_teardown(iterators, setup, teardown),
        cmocka_unit_test_setup_teardown(update_null_and_secrets, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
