/* Every fingerprint, organization, API key, webhook, Gate registry / service /
 * login / agent-token call against the embedded emulator over real HTTP, with
 * the state changes each one makes visible through the next. */
#include "foil_emulator.h"
#include "foil_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FINGERPRINTS 120

typedef struct env {
    foil_emulator_t *emu;
    foil_client_t *client;
} env;

static int setup(void **state) {
    env *e = calloc(1, sizeof *e);
    assert_non_null(e);
    foil_emulator_config_t cfg;
    foil_emulator_config_init(&cfg);
    cfg.fingerprint_count = FINGERPRINTS;
    assert_int_equal(foil_emulator_start(&cfg, &e->emu), FOIL_OK);
    foil_emulator_service_t acme = {
        .id = "acme",
        .name = "Acme",
        .outputs_json = "{\"ACME_API_KEY\":\"ak_test_surface\"}",
        .dashboard_login_url = "https://acme.example/login",
    };
    assert_int_equal(foil_emulator_add_service(e->emu, &acme), FOIL_OK);
    assert_int_equal(foil_client_new(&e->client), FOIL_OK);
    assert_int_equal(foil_client_set_base_url(e->client, foil_emulator_base_url(e->emu)), FOIL_OK);
    assert_int_equal(foil_client_set_secret_key(e->client, foil_emulator_secret_key(e->emu)),
                     FOIL_OK);
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

/* Items of an iterator, checking each has an id starting with `prefix`. */
static size_t drain(foil_iter_t *it, const char *prefix) {
    size_t n = 0;
    const foil_json_t *item = NULL;
    for (;;) {
        FOIL_ASSERT_OK(foil_iter_next(it, &item));
        if (!item) break;
        const char *id = foil_json_get_string(item, "id");
        assert_non_null(id);
        assert_int_equal(strncmp(id, prefix, strlen(prefix)), 0);
        n++;
    }
    foil_iter_free(it);
    return n;
}

static void fingerprints(void **state) {
    env *e = *state;
    foil_page_t *page = NULL;
    FOIL_ASSERT_OK(foil_fingerprints_list(e->client, 7, NULL, NULL, "seen_count", &page));
    assert_int_equal(foil_page_count(page), 7);
    assert_true(foil_page_has_more(page));
    const foil_json_t *first = foil_page_item(page, 0);
    assert_string_equal(foil_fingerprint_object(first), "visitor_fingerprint");
    int64_t seen_first = 0, seen_second = 0;
    assert_true(
        foil_fingerprint_lifecycle_seen_count(foil_fingerprint_lifecycle(first), &seen_first));
    assert_true(foil_fingerprint_lifecycle_seen_count(
        foil_fingerprint_lifecycle(foil_page_item(page, 1)), &seen_second));
    assert_true(seen_first >= seen_second);
    char id[64];
    snprintf(id, sizeof id, "%s", foil_fingerprint_id(first));

    foil_page_t *next = NULL;
    FOIL_ASSERT_OK(foil_fingerprints_list(e->client, 7, foil_page_next_cursor(page), NULL,
                                          "seen_count", &next));
    assert_int_equal(foil_page_count(next), 7);
    assert_string_not_equal(foil_fingerprint_id(foil_page_item(next, 0)), id);
    foil_page_free(next);
    foil_page_free(page);

    foil_iter_t *it = NULL;
    FOIL_ASSERT_OK(foil_fingerprints_iter(e->client, 50, NULL, NULL, &it));
    assert_int_equal(drain(it, "vid_"), FINGERPRINTS);

    foil_result_t *r = NULL;
    FOIL_ASSERT_OK(foil_fingerprints_get(e->client, id, &r));
    const foil_json_t *fp = foil_result_data(r);
    assert_string_equal(foil_fingerprint_id(fp), id);
    assert_non_null(foil_fingerprint_storage(fp));
    assert_non_null(foil_fingerprint_detail_components(fp));
    assert_non_null(foil_fingerprint_detail_activity(fp));
    foil_result_free(r);
    assert_int_equal(foil_fingerprints_get(e->client, "vid_0000000000000000000000000a", &r),
                     FOIL_E_NOT_FOUND);
}

static void organizations(void **state) {
    env *e = *state;
    foil_result_t *r = NULL;
    FOIL_ASSERT_OK(foil_organizations_create(e->client, "Surface Org", "surface-org", &r));
    assert_int_equal(foil_result_http_status(r), 201);
    char org[64];
    snprintf(org, sizeof org, "%s", foil_organization_id(foil_result_data(r)));
    assert_int_equal(strncmp(org, "org_", 4), 0);
    assert_string_equal(foil_organization_slug(foil_result_data(r)), "surface-org");
    assert_string_equal(foil_organization_status(foil_result_data(r)), "active");
    foil_result_free(r);

    assert_int_equal(foil_organizations_create(e->client, "Again", "surface-org", &r),
                     FOIL_E_CONFLICT);
    assert_null(r);

    FOIL_ASSERT_OK(foil_organizations_update(
        e->client, org, "{\"name\":\"Renamed\",\"status\":\"suspended\"}", &r));
    assert_string_equal(foil_organization_name(foil_result_data(r)), "Renamed");
    foil_result_free(r);
    FOIL_ASSERT_OK(foil_organizations_get(e->client, org, &r));
    assert_string_equal(foil_organization_name(foil_result_data(r)), "Renamed");
    assert_string_equal(foil_organization_status(foil_result_data(r)), "suspended");
    foil_result_free(r);
}

static void api_keys(void **state) {
    env *e = *state;
    const char *org = foil_emulator_organization_id(e->emu);
    foil_result_t *r = NULL;
    FOIL_ASSERT_OK(foil_api_keys_create(
        e->client, org,
        "{\"name\":\"Fingerprints only\",\"type\":\"secret\",\"environment\":\"test\","
        "\"scopes\":[\"fingerprints:list\"]}",
        &r));
    const foil_json_t *key = foil_result_data(r);
    char key_id[64];
    snprintf(key_id, sizeof key_id, "%s", foil_api_key_id(key));
    assert_string_equal(foil_api_key_type(key), "secret");
    const char *revealed = foil_api_key_revealed_key(key);
    assert_non_null(revealed);
    assert_int_equal(strncmp(revealed, "sk_", 3), 0);

    /* The new key works, within its scope only. */
    foil_client_t *scoped = NULL;
    FOIL_ASSERT_OK(foil_client_new(&scoped));
    FOIL_ASSERT_OK(foil_client_set_base_url(scoped, foil_emulator_base_url(e->emu)));
    FOIL_ASSERT_OK(foil_client_set_secret_key(scoped, revealed));
    foil_result_free(r);
    foil_page_t *page = NULL;
    FOIL_ASSERT_OK(foil_fingerprints_list(scoped, 1, NULL, NULL, NULL, &page));
    foil_page_free(page);
    assert_int_equal(foil_gate_services_list(scoped, &r), FOIL_E_PERMISSION);

    FOIL_ASSERT_OK(foil_api_keys_list(e->client, org, 1, NULL, &page));
    assert_int_equal(foil_page_count(page), 1);
    foil_page_free(page);
    foil_iter_t *it = NULL;
    FOIL_ASSERT_OK(foil_api_keys_iter(e->client, org, 1, &it));
    assert_true(drain(it, "key_") >= 2); /* the demo key and the new one */

    FOIL_ASSERT_OK(foil_api_keys_update(e->client, org, key_id,
                                        "{\"name\":\"Renamed\",\"scopes\":[\"fingerprints:list\","
                                        "\"gate:services:read\"]}",
                                        &r));
    assert_string_equal(foil_api_key_name(foil_result_data(r)), "Renamed");
    assert_null(foil_api_key_revealed_key(foil_result_data(r)));
    foil_result_free(r);
    FOIL_ASSERT_OK(foil_gate_services_list(scoped, &r));
    foil_result_free(r);

    FOIL_ASSERT_OK(foil_api_keys_rotate(e->client, org, key_id, &r));
    assert_int_equal(foil_result_http_status(r), 201);
    assert_non_null(foil_api_key_revealed_key(foil_result_data(r)));
    foil_result_free(r);

    FOIL_ASSERT_OK(foil_api_keys_revoke(e->client, org, key_id, &r));
    assert_string_equal(foil_api_key_status(foil_result_data(r)), "revoked");
    assert_non_null(foil_api_key_revoked_at(foil_result_data(r)));
    foil_result_free(r);
    foil_client_free(scoped);
}

/* Creates an active endpoint subscribed to gate.session.approved; its id in `id`. */
static void create_endpoint(env *e, char *id, size_t cap) {
    foil_result_t *r = NULL;
    FOIL_ASSERT_OK(foil_webhooks_create_endpoint(
        e->client, foil_emulator_organization_id(e->emu),
        "{\"name\":\"Surface hooks\",\"url\":\"http://127.0.0.1:9/hook\","
        "\"event_types\":[\"gate.session.approved\"]}",
        &r));
    const foil_json_t *ep = foil_result_data(r);
    assert_string_equal(foil_webhook_endpoint_status(ep), "active");
    assert_non_null(foil_webhook_endpoint_signing_secret(ep));
    snprintf(id, cap, "%s", foil_webhook_endpoint_id(ep));
    foil_result_free(r);
}

static void webhooks(void **state) {
    env *e = *state;
    const char *org = foil_emulator_organization_id(e->emu);
    char endpoint[64];
    create_endpoint(e, endpoint, sizeof endpoint);

    foil_page_t *page = NULL;
    FOIL_ASSERT_OK(foil_webhooks_list_endpoints(e->client, org, 0, NULL, &page));
    assert_true(foil_page_count(page) >= 1);
    foil_page_free(page);
    foil_iter_t *it = NULL;
    FOIL_ASSERT_OK(foil_webhooks_iter_endpoints(e->client, org, 0, &it));
    assert_true(drain(it, "we_") >= 1);

    foil_result_t *r = NULL;
    FOIL_ASSERT_OK(foil_webhooks_update_endpoint(
        e->client, org, endpoint,
        "{\"name\":\"Renamed hooks\",\"event_types\":[\"gate.session.approved\","
        "\"session.result.persisted\"]}",
        &r));
    assert_string_equal(foil_webhook_endpoint_name(foil_result_data(r)), "Renamed hooks");
    assert_int_equal(foil_json_size(foil_webhook_endpoint_event_types(foil_result_data(r))), 2);
    assert_null(foil_webhook_endpoint_signing_secret(foil_result_data(r)));
    foil_result_free(r);

    FOIL_ASSERT_OK(foil_webhooks_rotate_secret(e->client, org, endpoint, &r));
    assert_int_equal(foil_result_http_status(r), 201);
    assert_non_null(foil_webhook_endpoint_signing_secret(foil_result_data(r)));
    foil_result_free(r);

    FOIL_ASSERT_OK(foil_webhooks_send_test(e->client, org, endpoint, &r));
    assert_int_equal(foil_result_http_status(r), 202);
    const foil_json_t *test = foil_result_data(r);
    assert_string_equal(foil_webhook_test_object(test), "webhook_test");
    char event[64];
    snprintf(event, sizeof event, "%s", foil_webhook_test_event_id(test));
    foil_result_free(r);

    FOIL_ASSERT_OK(
        foil_webhooks_list_events(e->client, org, 10, NULL, endpoint, "webhook.test", &page));
    assert_true(foil_page_count(page) >= 1);
    assert_string_equal(foil_event_type(foil_page_item(page, 0)), "webhook.test");
    foil_page_free(page);
    FOIL_ASSERT_OK(foil_webhooks_iter_events(e->client, org, 0, NULL, "webhook.test", &it));
    assert_true(drain(it, "wevt_") >= 1);

    FOIL_ASSERT_OK(foil_webhooks_retrieve_event(e->client, org, event, &r));
    const foil_json_t *ev = foil_result_data(r);
    assert_string_equal(foil_event_id(ev), event);
    const foil_json_t *deliveries = foil_event_webhook_deliveries(ev);
    assert_true(foil_json_size(deliveries) >= 1);
    assert_string_equal(foil_webhook_delivery_endpoint_id(foil_json_at(deliveries, 0)), endpoint);
    foil_result_free(r);

    FOIL_ASSERT_OK(foil_webhooks_disable_endpoint(e->client, org, endpoint, &r));
    assert_string_equal(foil_webhook_endpoint_status(foil_result_data(r)), "disabled");
    foil_result_free(r);
}

static void gate_registry_and_services(void **state) {
    env *e = *state;
    foil_result_t *r = NULL;
    FOIL_ASSERT_OK(foil_gate_registry_list(e->client, &r));
    assert_true(foil_result_count(r) >= 1);
    foil_result_free(r);
    FOIL_ASSERT_OK(foil_gate_registry_get(e->client, "foil", &r));
    assert_string_equal(foil_registry_entry_id(foil_result_data(r)), "foil");
    foil_result_free(r);

    char endpoint[64], body[2048];
    create_endpoint(e, endpoint, sizeof endpoint);
    snprintf(body, sizeof body,
             "{\"id\":\"surface_svc\",\"name\":\"Surface\",\"description\":\"A test service\","
             "\"website\":\"https://surface.example\",\"webhook_endpoint_id\":\"%s\","
             "\"discoverable\":false,\"env_vars\":[{\"name\":\"Key\",\"key\":\"SURFACE_KEY\","
             "\"secret\":true}],\"branding\":{\"primary_color\":\"#0af\"}}",
             endpoint);
    FOIL_ASSERT_OK(foil_gate_services_create(e->client, body, &r));
    const foil_json_t *svc = foil_result_data(r);
    assert_string_equal(foil_gate_service_object(svc), "gate_service");
    assert_string_equal(foil_gate_service_webhook_endpoint_id(svc), endpoint);
    assert_string_equal(foil_gate_branding_primary_color(foil_gate_service_branding(svc)), "#0af");
    foil_result_free(r);
    assert_int_equal(foil_gate_services_create(e->client, body, &r), FOIL_E_CONFLICT);

    FOIL_ASSERT_OK(foil_gate_services_list(e->client, &r));
    assert_true(foil_result_count(r) >= 1);
    foil_result_free(r);
    assert_int_equal(foil_gate_registry_get(e->client, "surface_svc", &r), FOIL_E_NOT_FOUND);

    FOIL_ASSERT_OK(foil_gate_services_update(e->client, "surface_svc",
                                             "{\"discoverable\":true,\"name\":\"Surface 2\"}", &r));
    assert_string_equal(foil_gate_service_name(foil_result_data(r)), "Surface 2");
    foil_result_free(r);
    FOIL_ASSERT_OK(foil_gate_registry_get(e->client, "surface_svc", &r));
    assert_string_equal(foil_registry_entry_name(foil_result_data(r)), "Surface 2");
    foil_result_free(r);

    FOIL_ASSERT_OK(foil_gate_services_get(e->client, "surface_svc", &r));
    int discoverable = 0;
    assert_true(foil_gate_service_discoverable(foil_result_data(r), &discoverable) && discoverable);
    foil_result_free(r);
    FOIL_ASSERT_OK(foil_gate_services_disable(e->client, "surface_svc", &r));
    assert_string_equal(foil_gate_service_status(foil_result_data(r)), "disabled");
    foil_result_free(r);
}

/* Agent token from a real signup, then login, consume, verify and revoke. */
static void gate_login_and_agent_tokens(void **state) {
    env *e = *state;
    foil_gate_session_t *signup = NULL;
    FOIL_ASSERT_OK(foil_gate_session_create(e->client, "acme", "surface-project", NULL, &signup));
    FOIL_ASSERT_OK(foil_emulator_approve(e->emu, foil_gate_session_id(signup)));
    FOIL_ASSERT_OK(foil_gate_session_wait(signup, 5000, 20, NULL, NULL));
    char agent[256];
    const char *token = foil_gate_session_output(signup, "ACME_GATE_AGENT_TOKEN");
    assert_non_null(token);
    snprintf(agent, sizeof agent, "%s", token);
    FOIL_ASSERT_OK(foil_gate_session_ack(signup));
    foil_gate_session_free(signup);

    foil_result_t *r = NULL;
    FOIL_ASSERT_OK(foil_gate_login_sessions_create(e->client, agent, "acme", &r));
    const foil_json_t *login = foil_result_data(r);
    assert_string_equal(foil_login_session_object(login), "gate_login_session");
    assert_string_equal(foil_login_session_status(login), "pending");
    assert_non_null(foil_login_session_consent_url(login));
    char *code = NULL;
    FOIL_ASSERT_OK(foil_emulator_approve_login(e->emu, foil_login_session_id(login), &code));
    foil_result_free(r);

    FOIL_ASSERT_OK(foil_gate_login_sessions_consume(e->client, code, &r));
    assert_string_equal(foil_dashboard_login_object(foil_result_data(r)), "gate_dashboard_login");
    assert_string_equal(foil_dashboard_login_account_name(foil_result_data(r)), "surface-project");
    foil_result_free(r);
    assert_int_equal(foil_gate_login_sessions_consume(e->client, code, &r), FOIL_E_GONE);
    foil_emulator_string_free(code);

    FOIL_ASSERT_OK(foil_gate_agent_tokens_verify(e->client, agent, &r));
    int valid = 0;
    assert_true(foil_agent_token_verification_valid(foil_result_data(r), &valid) && valid);
    assert_string_equal(foil_agent_token_verification_status(foil_result_data(r)), "active");
    foil_result_free(r);

    FOIL_ASSERT_OK(foil_gate_agent_tokens_revoke(e->client, agent));
    FOIL_ASSERT_OK(foil_gate_agent_tokens_verify(e->client, agent, &r));
    assert_true(foil_agent_token_verification_valid(foil_result_data(r), &valid) && !valid);
    foil_result_free(r);
    assert_int_equal(foil_gate_login_sessions_create(e->client, agent, "acme", &r),
                     FOIL_E_PERMISSION);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(fingerprints, setup, teardown),
        cmocka_unit_test_setup_teardown(organizations, setup, teardown),
        cmocka_unit_test_setup_teardown(api_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(webhooks, setup, teardown),
        cmocka_unit_test_setup_teardown(gate_registry_and_services, setup, teardown),
        cmocka_unit_test_setup_teardown(gate_login_and_agent_tokens, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
