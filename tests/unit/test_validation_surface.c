/* Client-side validation of every documented constraint of the fingerprint,
 * organization, API key, webhook, Gate registry / service / login / agent-token
 * calls: a bad argument is FOIL_E_INVALID_ARGUMENT naming the field, *out is
 * NULL, and nothing reaches the server. Edge values that are valid do get sent. */
#include "foil_test.h"

#include "canned_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ORG "org_56789abcdefghjkmnpqrstvwxy"
#define OK_BODY "{\"data\":{\"object\":\"x\"},\"meta\":{\"request_id\":\"req_1\"}}"

typedef canned_env_t env;

static int setup(void **state) {
    if (canned_env_setup(state) != 0) return -1;
    env *e = *state;
    canned_server_respond(e->server, 200, OK_BODY, NULL, NULL);
    return 0;
}

static int teardown(void **state) {
    return canned_env_teardown(state);
}

static int sent(env *e) {
    return canned_server_last(e->server).count;
}

/* The call was refused before sending, naming `field`. */
static void refused(env *e, int before, foil_status_t st, const char *field) {
    const foil_error_t *err = foil_last_error();
    if (st != FOIL_E_INVALID_ARGUMENT)
        print_message("expected invalid_argument for %s, got %s: %s\n", field, foil_status_kind(st),
                      foil_error_message(err));
    assert_int_equal(st, FOIL_E_INVALID_ARGUMENT);
    assert_string_equal(foil_error_code(err), "client.invalid_argument");
    assert_int_equal(foil_error_field_count(err), 1);
    assert_string_equal(foil_error_field_name(err, 0), field);
    assert_int_equal(sent(e), before);
}

/* r starts non-NULL so the test sees it reset. */
#define REFUSE_RESULT(call_with_r, field)                                                          \
    do {                                                                                           \
        int before_ = sent(e);                                                                     \
        foil_result_t *r = (foil_result_t *)(void *)&before_;                                      \
        foil_status_t st_ = (call_with_r);                                                         \
        assert_null(r);                                                                            \
        refused(e, before_, st_, field);                                                           \
    } while (0)
#define REFUSE_PAGE(call_with_p, field)                                                            \
    do {                                                                                           \
        int before_ = sent(e);                                                                     \
        foil_page_t *p = (foil_page_t *)(void *)&before_;                                          \
        foil_status_t st_ = (call_with_p);                                                         \
        assert_null(p);                                                                            \
        refused(e, before_, st_, field);                                                           \
    } while (0)
#define REFUSE_ITER(call_with_it, field)                                                           \
    do {                                                                                           \
        int before_ = sent(e);                                                                     \
        foil_iter_t *it = (foil_iter_t *)(void *)&before_;                                         \
        foil_status_t st_ = (call_with_it);                                                        \
        assert_null(it);                                                                           \
        refused(e, before_, st_, field);                                                           \
    } while (0)
/* The call passed validation: exactly one request went out. */
#define ACCEPT_RESULT(call_with_r)                                                                 \
    do {                                                                                           \
        int before_ = sent(e);                                                                     \
        foil_result_t *r = NULL;                                                                   \
        FOIL_ASSERT_OK(call_with_r);                                                               \
        foil_result_free(r);                                                                       \
        assert_int_equal(sent(e), before_ + 1);                                                    \
    } while (0)

static void fingerprints(void **state) {
    env *e = *state;
    REFUSE_PAGE(foil_fingerprints_list(e->client, 0, NULL, NULL, "last_seen", &p), "sort");
    assert_string_equal(foil_error_field_received(foil_last_error(), 0), "last_seen");
    REFUSE_PAGE(foil_fingerprints_list(e->client, 201, NULL, NULL, NULL, &p), "limit");
    REFUSE_PAGE(foil_fingerprints_list(NULL, 0, NULL, NULL, NULL, &p), "client");
    REFUSE_ITER(foil_fingerprints_iter(e->client, -3, NULL, NULL, &it), "limit");
    REFUSE_ITER(foil_fingerprints_iter(e->client, 0, NULL, "SEEN_COUNT", &it), "sort");
    REFUSE_RESULT(foil_fingerprints_get(e->client, "", &r), "visitor_id");
    REFUSE_RESULT(foil_fingerprints_get(e->client, NULL, &r), "visitor_id");
    assert_int_equal(foil_fingerprints_get(e->client, "vid_1", NULL), FOIL_E_INVALID_ARGUMENT);
    assert_string_equal(foil_error_field_name(foil_last_error(), 0), "out");
}

static void organizations(void **state) {
    env *e = *state;
    const char *bad_slugs[] = {"Acme",        "acme--growth", "-acme", "acme-",
                               "acme_growth", "acme growth",  ""};
    for (size_t i = 0; i < sizeof bad_slugs / sizeof bad_slugs[0]; i++)
        REFUSE_RESULT(foil_organizations_create(e->client, "Acme", bad_slugs[i], &r), "slug");
    REFUSE_RESULT(foil_organizations_create(e->client, "", "acme", &r), "name");
    REFUSE_RESULT(foil_organizations_create(e->client, "Acme", NULL, &r), "slug");
    ACCEPT_RESULT(foil_organizations_create(e->client, "Acme", "acme-growth-2", &r));
    ACCEPT_RESULT(foil_organizations_create(e->client, "Acme", "a", &r));

    REFUSE_RESULT(foil_organizations_get(e->client, NULL, &r), "organization_id");
    REFUSE_RESULT(foil_organizations_update(e->client, ORG, "{}", &r), "json_body");
    REFUSE_RESULT(foil_organizations_update(e->client, ORG, "[1]", &r), "json_body");
    REFUSE_RESULT(foil_organizations_update(e->client, ORG, "{\"name\":", &r), "json_body");
    REFUSE_RESULT(foil_organizations_update(e->client, ORG, NULL, &r), "json_body");
    REFUSE_RESULT(foil_organizations_update(e->client, ORG, "{\"status\":\"paused\"}", &r),
                  "status");
    REFUSE_RESULT(foil_organizations_update(e->client, ORG, "{\"name\":\"\"}", &r), "name");
    REFUSE_RESULT(foil_organizations_update(e->client, ORG, "{\"name\":7}", &r), "name");
    REFUSE_RESULT(foil_organizations_update(e->client, ORG, "{\"slug\":\"new\"}", &r), "slug");
    REFUSE_RESULT(foil_organizations_update(e->client, "", "{\"name\":\"A\"}", &r),
                  "organization_id");
    ACCEPT_RESULT(foil_organizations_update(e->client, ORG, "{\"status\":\"deleted\"}", &r));
}

static void api_keys(void **state) {
    env *e = *state;
    REFUSE_RESULT(foil_api_keys_create(e->client, ORG, "{\"type\":\"secret\"}", &r), "name");
    REFUSE_RESULT(foil_api_keys_create(e->client, ORG, "{\"name\":\"\"}", &r), "name");
    REFUSE_RESULT(foil_api_keys_create(e->client, ORG, "{\"name\":\"k\",\"type\":\"admin\"}", &r),
                  "type");
    REFUSE_RESULT(
        foil_api_keys_create(e->client, ORG, "{\"name\":\"k\",\"environment\":\"prod\"}", &r),
        "environment");
    REFUSE_RESULT(foil_api_keys_create(e->client, ORG,
                                       "{\"name\":\"k\",\"type\":\"secret\",\"scopes\":[]}", &r),
                  "scopes");
    REFUSE_RESULT(
        foil_api_keys_create(e->client, ORG,
                             "{\"name\":\"k\",\"type\":\"secret\",\"scopes\":[\"sessions:list\","
                             "\"sessions:delete\"]}",
                             &r),
        "scopes[1]");
    REFUSE_RESULT(foil_api_keys_create(e->client, ORG,
                                       "{\"name\":\"k\",\"type\":\"secret\",\"scopes\":[7]}", &r),
                  "scopes[0]");
    /* Scopes only with, and always with, type "secret". */
    REFUSE_RESULT(foil_api_keys_create(e->client, ORG, "{\"name\":\"k\",\"type\":\"secret\"}", &r),
                  "scopes");
    REFUSE_RESULT(foil_api_keys_create(e->client, ORG, "{\"name\":\"k\",\"scopes\":[\"*\"]}", &r),
                  "type");
    REFUSE_RESULT(
        foil_api_keys_create(e->client, ORG,
                             "{\"name\":\"k\",\"type\":\"publishable\",\"scopes\":[\"*\"]}", &r),
        "type");
    REFUSE_RESULT(foil_api_keys_create(
                      e->client, ORG, "{\"name\":\"k\",\"allowed_origins\":[\"example.com\"]}", &r),
                  "allowed_origins[0]");
    REFUSE_RESULT(foil_api_keys_create(e->client, ORG,
                                       "{\"name\":\"k\",\"allowed_origins\":\"https://a.b\"}", &r),
                  "allowed_origins");
    REFUSE_RESULT(foil_api_keys_create(e->client, ORG, "{\"name\":\"k\",\"owner\":\"me\"}", &r),
                  "owner");
    REFUSE_RESULT(foil_api_keys_create(e->client, NULL, "{\"name\":\"k\"}", &r), "organization_id");
    ACCEPT_RESULT(
        foil_api_keys_create(e->client, ORG,
                             "{\"name\":\"k\",\"type\":\"publishable\",\"environment\":\"test\","
                             "\"allowed_origins\":[\"https://app.example.com\"]}",
                             &r));
    ACCEPT_RESULT(foil_api_keys_create(
        e->client, ORG, "{\"name\":\"k\",\"type\":\"secret\",\"scopes\":[\"*\"]}", &r));

    REFUSE_PAGE(foil_api_keys_list(e->client, ORG, 1000, NULL, &p), "limit");
    REFUSE_PAGE(foil_api_keys_list(e->client, "", 0, NULL, &p), "organization_id");
    REFUSE_ITER(foil_api_keys_iter(e->client, ORG, 0 - 1, &it), "limit");
    REFUSE_ITER(foil_api_keys_iter(e->client, NULL, 0, &it), "organization_id");

    REFUSE_RESULT(foil_api_keys_update(e->client, ORG, "key_1", "{}", &r), "json_body");
    REFUSE_RESULT(foil_api_keys_update(e->client, ORG, "key_1", "{\"type\":\"secret\"}", &r),
                  "type");
    REFUSE_RESULT(foil_api_keys_update(e->client, ORG, "key_1", "{\"scopes\":[]}", &r), "scopes");
    REFUSE_RESULT(foil_api_keys_update(e->client, ORG, "key_1", "{\"scopes\":[\"root\"]}", &r),
                  "scopes[0]");
    REFUSE_RESULT(foil_api_keys_update(e->client, ORG, NULL, "{\"name\":\"n\"}", &r), "key_id");
    REFUSE_RESULT(foil_api_keys_revoke(e->client, ORG, "", &r), "key_id");
    REFUSE_RESULT(foil_api_keys_rotate(e->client, NULL, "key_1", &r), "organization_id");
    ACCEPT_RESULT(foil_api_keys_update(e->client, ORG, "key_1", "{\"name\":\"\"}", &r));
}

static void webhooks(void **state) {
    env *e = *state;
    const char *name_url = "\"name\":\"n\",\"url\":\"https://h.example/x\"";
    char body[256];
    REFUSE_RESULT(foil_webhooks_create_endpoint(
                      e->client, ORG, "{\"name\":\"n\",\"url\":\"https://h.example/x\"}", &r),
                  "event_types");
    snprintf(body, sizeof body, "{%s,\"event_types\":[]}", name_url);
    REFUSE_RESULT(foil_webhooks_create_endpoint(e->client, ORG, body, &r), "event_types");
    snprintf(body, sizeof body, "{%s,\"event_types\":[\"webhook.test\"]}", name_url);
    REFUSE_RESULT(foil_webhooks_create_endpoint(e->client, ORG, body, &r), "event_types[0]");
    snprintf(body, sizeof body, "{%s,\"event_types\":[\"gate.session.approved\"],\"secret\":1}",
             name_url);
    REFUSE_RESULT(foil_webhooks_create_endpoint(e->client, ORG, body, &r), "secret");
    REFUSE_RESULT(foil_webhooks_create_endpoint(
                      e->client, ORG,
                      "{\"name\":\"n\",\"url\":\"not a url\",\"event_types\":[\"gate.session."
                      "approved\"]}",
                      &r),
                  "url");
    REFUSE_RESULT(foil_webhooks_create_endpoint(
                      e->client, ORG,
                      "{\"name\":\"\",\"url\":\"https://h\",\"event_types\":[\"gate.session."
                      "approved\"]}",
                      &r),
                  "name");
    snprintf(body, sizeof body, "{%s,\"event_types\":[\"session.result.persisted\"]}", name_url);
    ACCEPT_RESULT(foil_webhooks_create_endpoint(e->client, ORG, body, &r));

    REFUSE_RESULT(foil_webhooks_update_endpoint(e->client, ORG, "we_1", "{}", &r), "json_body");
    REFUSE_RESULT(
        foil_webhooks_update_endpoint(e->client, ORG, "we_1", "{\"status\":\"paused\"}", &r),
        "status");
    REFUSE_RESULT(
        foil_webhooks_update_endpoint(e->client, ORG, "we_1", "{\"event_types\":null}", &r),
        "event_types");
    REFUSE_RESULT(foil_webhooks_update_endpoint(e->client, ORG, NULL, "{\"name\":\"n\"}", &r),
                  "endpoint_id");
    ACCEPT_RESULT(
        foil_webhooks_update_endpoint(e->client, ORG, "we_1", "{\"status\":\"disabled\"}", &r));
    REFUSE_RESULT(foil_webhooks_disable_endpoint(e->client, ORG, "", &r), "endpoint_id");
    REFUSE_RESULT(foil_webhooks_rotate_secret(e->client, "", "we_1", &r), "organization_id");
    REFUSE_RESULT(foil_webhooks_send_test(e->client, ORG, NULL, &r), "endpoint_id");

    REFUSE_PAGE(foil_webhooks_list_endpoints(e->client, ORG, 300, NULL, &p), "limit");
    REFUSE_ITER(foil_webhooks_iter_endpoints(e->client, NULL, 0, &it), "organization_id");
    REFUSE_PAGE(foil_webhooks_list_events(e->client, ORG, 0, NULL, NULL, "session.created", &p),
                "type");
    REFUSE_PAGE(foil_webhooks_list_events(e->client, ORG, 0, NULL, "", NULL, &p), "endpoint_id");
    REFUSE_ITER(foil_webhooks_iter_events(e->client, ORG, 0, NULL, "gate.session.denied", &it),
                "type");
    REFUSE_ITER(foil_webhooks_iter_events(e->client, ORG, 500, NULL, NULL, &it), "limit");
    REFUSE_RESULT(foil_webhooks_retrieve_event(e->client, ORG, NULL, &r), "event_id");
}

#define SERVICE_BASE                                                                               \
    "\"name\":\"Acme\",\"description\":\"d\",\"website\":\"https://acme.example\","                \
    "\"webhook_endpoint_id\":\"we_0123456789abcdef0123456789abcdef\""

static void gate_services(void **state) {
    env *e = *state;
    char body[1024];
    const char *reserved[] = {"gate",    "registry", "services", "service", "login", "sessions",
                              "session", "tokens",   "token",    "webhook", "auth"};
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
        snprintf(body, sizeof body, "{\"id\":\"%s\",%s}", reserved[i], SERVICE_BASE);
        REFUSE_RESULT(foil_gate_services_create(e->client, body, &r), "id");
    }
    const char *bad_ids[] = {"ab",    "Acme",      "-acme",
                             "acme_", "acme.prod", "a23456789012345678901234567890123"};
    for (size_t i = 0; i < sizeof bad_ids / sizeof bad_ids[0]; i++) {
        snprintf(body, sizeof body, "{\"id\":\"%s\",%s}", bad_ids[i], SERVICE_BASE);
        REFUSE_RESULT(foil_gate_services_create(e->client, body, &r), "id");
        REFUSE_RESULT(foil_gate_services_get(e->client, bad_ids[i], &r), "service_id");
        REFUSE_RESULT(foil_gate_registry_get(e->client, bad_ids[i], &r), "service_id");
    }
    REFUSE_RESULT(foil_gate_services_create(
                      e->client,
                      "{\"id\":\"acme\",\"name\":\"Acme\",\"description\":\"d\",\"website\":"
                      "\"https://acme.example\"}",
                      &r),
                  "webhook_endpoint_id");
    const char *bad_colors[] = {"117BE7",  "#12",        "#12345", "#1234567",
                                "#GGGGGG", "#123456789", "red"};
    for (size_t i = 0; i < sizeof bad_colors / sizeof bad_colors[0]; i++) {
        snprintf(body, sizeof body, "{\"id\":\"acme\",%s,\"branding\":{\"primary_color\":\"%s\"}}",
                 SERVICE_BASE, bad_colors[i]);
        REFUSE_RESULT(foil_gate_services_create(e->client, body, &r), "branding.primary_color");
        snprintf(body, sizeof body, "{\"branding\":{\"secondary_color\":\"%s\"}}", bad_colors[i]);
        REFUSE_RESULT(foil_gate_services_update(e->client, "acme", body, &r),
                      "branding.secondary_color");
    }
    const char *good_colors[] = {"#FFF", "#fffa", "#117BE7", "#117be7cc"};
    for (size_t i = 0; i < sizeof good_colors / sizeof good_colors[0]; i++) {
        snprintf(body, sizeof body, "{\"branding\":{\"primary_color\":\"%s\"}}", good_colors[i]);
        ACCEPT_RESULT(foil_gate_services_update(e->client, "acme", body, &r));
    }
    snprintf(body, sizeof body,
             "{\"id\":\"acme\",%s,\"env_vars\":[{\"name\":\"K\",\"key\":\"K\"}]}", SERVICE_BASE);
    REFUSE_RESULT(foil_gate_services_create(e->client, body, &r), "env_vars[0].secret");
    snprintf(body, sizeof body,
             "{\"id\":\"acme\",%s,\"sdks\":[{\"label\":\"Node\",\"install\":\"npm i a\","
             "\"url\":\"npmjs\"}]}",
             SERVICE_BASE);
    REFUSE_RESULT(foil_gate_services_create(e->client, body, &r), "sdks[0].url");
    snprintf(body, sizeof body, "{\"id\":\"acme\",%s,\"consent\":{\"terms_url\":\"/terms\"}}",
             SERVICE_BASE);
    REFUSE_RESULT(foil_gate_services_create(e->client, body, &r), "consent.terms_url");
    snprintf(body, sizeof body, "{\"id\":\"acme\",%s,\"discoverable\":\"yes\"}", SERVICE_BASE);
    REFUSE_RESULT(foil_gate_services_create(e->client, body, &r), "discoverable");
    snprintf(body, sizeof body, "{\"id\":\"acme\",%s,\"dashboard_login_url\":null}", SERVICE_BASE);
    REFUSE_RESULT(foil_gate_services_create(e->client, body, &r), "dashboard_login_url");
    snprintf(body, sizeof body, "{\"id\":\"acme-prod_2\",%s}", SERVICE_BASE);
    ACCEPT_RESULT(foil_gate_services_create(e->client, body, &r));

    REFUSE_RESULT(foil_gate_services_update(e->client, "acme", "{}", &r), "json_body");
    REFUSE_RESULT(foil_gate_services_update(e->client, "acme", "{\"website\":\"acme\"}", &r),
                  "website");
    REFUSE_RESULT(foil_gate_services_update(e->client, "acme", "{\"env_vars\":{}}", &r),
                  "env_vars");
    REFUSE_RESULT(foil_gate_services_update(e->client, "Acme", "{\"name\":\"n\"}", &r),
                  "service_id");
    ACCEPT_RESULT(
        foil_gate_services_update(e->client, "acme", "{\"dashboard_login_url\":null}", &r));
    REFUSE_RESULT(foil_gate_services_disable(e->client, NULL, &r), "service_id");
    REFUSE_RESULT(foil_gate_services_list(NULL, &r), "client");
    REFUSE_RESULT(foil_gate_registry_list(NULL, &r), "client");
}

static void gate_login(void **state) {
    env *e = *state;
    REFUSE_RESULT(foil_gate_login_sessions_create(e->client, NULL, "foil", &r), "agent_token");
    REFUSE_RESULT(foil_gate_login_sessions_create(e->client, "", "foil", &r), "agent_token");
    REFUSE_RESULT(foil_gate_login_sessions_create(e->client, "agt_x", "Foil!", &r), "service_id");
    REFUSE_RESULT(foil_gate_login_sessions_create(e->client, "agt_x", NULL, &r), "service_id");
    REFUSE_RESULT(foil_gate_login_sessions_consume(e->client, "", &r), "code");
    REFUSE_RESULT(foil_gate_login_sessions_consume(e->client, NULL, &r), "code");
    REFUSE_RESULT(foil_gate_agent_tokens_verify(e->client, NULL, &r), "agent_token");
    REFUSE_RESULT(foil_gate_agent_tokens_verify(NULL, "agt_x", &r), "client");
    int before = sent(e);
    refused(e, before, foil_gate_agent_tokens_revoke(e->client, ""), "agent_token");
    refused(e, before, foil_gate_agent_tokens_revoke(NULL, "agt_x"), "client");
    /* Token values never appear in errors. */
    canned_server_respond(e->server, 403,
                          "{\"error\":{\"code\":\"gate.invalid_agent_token\",\"message\":\"no\"}}",
                          NULL, NULL);
    foil_result_t *r = NULL;
    assert_int_equal(foil_gate_login_sessions_create(e->client, "agt_secret_value", "foil", &r),
                     FOIL_E_PERMISSION);
    assert_null(strstr(foil_error_message(foil_last_error()), "agt_secret_value"));
    assert_null(r);
}

/* Without a secret key the secret-key calls fail before sending; the public
 * registry and the agent-token login still go out. */
static void auth_kinds_without_secret_key(void **state) {
    env *e = *state;
    FOIL_ASSERT_OK(foil_client_set_secret_key(e->client, NULL));
    unsetenv("FOIL_SECRET_KEY");
    int before = sent(e);
    foil_result_t *res = NULL;
    assert_int_equal(foil_gate_services_list(e->client, &res), FOIL_E_CONFIGURATION);
    assert_int_equal(foil_gate_login_sessions_consume(e->client, "482931", &res),
                     FOIL_E_CONFIGURATION);
    assert_int_equal(foil_gate_agent_tokens_revoke(e->client, "agt_x"), FOIL_E_CONFIGURATION);
    assert_int_equal(sent(e), before);
    ACCEPT_RESULT(foil_gate_registry_get(e->client, "foil", &r));
    assert_string_equal(canned_server_last(e->server).authorization, "");
    ACCEPT_RESULT(foil_gate_login_sessions_create(e->client, "agt_x", "foil", &r));
    assert_string_equal(canned_server_last(e->server).authorization, "Bearer agt_x");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(fingerprints, setup, teardown),
        cmocka_unit_test_setup_teardown(organizations, setup, teardown),
        cmocka_unit_test_setup_teardown(api_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(webhooks, setup, teardown),
        cmocka_unit_test_setup_teardown(gate_services, setup, teardown),
        cmocka_unit_test_setup_teardown(gate_login, setup, teardown),
        cmocka_unit_test_setup_teardown(auth_kinds_without_secret_key, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
