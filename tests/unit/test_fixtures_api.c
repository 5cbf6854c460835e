/* Every fixture under fixtures/api (and, for the webhook operations that have no
 * fixture, the response example of openapi.json) pushed through the C API over
 * real HTTP: the request the client sends (method, path, query, Authorization
 * kind, Content-Type only with a body, the JSON body), the typed accessors of
 * every documented field, and the complete JSON view equal to the fixture. */
#include "canned_server.h"
#include "foil_test.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ORG "org_56789abcdefghjkmnpqrstvwxy"
#define KEY "key_6789abcdefghjkmnpqrstvwxyz"
#define ENDPOINT "we_0123456789abcdef0123456789abcdef"
#define EVENT "wevt_0123456789abcdef0123456789abcdef"
#define GATE_SESSION "gate_0123456789abcdefghjkmnpqrs"

#define AUTH_NONE ""
#define AUTH_SECRET "Bearer sk_test_surface"
#define AUTH_POLL "Bearer gtpoll_fixture_token"
#define AUTH_AGENT "Bearer agt_fixture_token"

typedef struct env {
    canned_server_t *server;
    foil_client_t *client;
    cJSON *spec;
} env;

/* What one call produced and what the request should have looked like. */
typedef struct outcome {
    foil_result_t *result;
    foil_page_t *page;
    bool no_content;
    const char *url;
    const char *query; /* decoded, in order; NULL: none */
    const char *body;  /* JSON; NULL: no body */
} outcome;

typedef void (*check_fn)(const foil_json_t *v, const cJSON *fx);

typedef struct api_case {
    const char *method;
    const char *path;
    const char *auth;
    void (*call)(env *e, outcome *o);
    check_fn check; /* one object of `data` (each item for arrays) */
    int runs;
} api_case;

/* --- field checks: the accessor returns exactly the fixture's member -------- */

static void want_string(const char *got, const cJSON *fx, const char *key) {
    const cJSON *want = cJSON_GetObjectItemCaseSensitive(fx, key);
    if (cJSON_IsString(want)) {
        if (!got) print_message("accessor for \"%s\" returned NULL\n", key);
        assert_non_null(got);
        assert_string_equal(got, want->valuestring);
    } else {
        assert_null(got);
    }
}

static void want_bool(int present, int got, const cJSON *fx, const char *key) {
    const cJSON *want = cJSON_GetObjectItemCaseSensitive(fx, key);
    assert_int_equal(present, cJSON_IsBool(want) ? 1 : 0);
    if (present) assert_int_equal(got, cJSON_IsTrue(want) ? 1 : 0);
}

static void want_int(int present, int64_t got, const cJSON *fx, const char *key) {
    const cJSON *want = cJSON_GetObjectItemCaseSensitive(fx, key);
    assert_int_equal(present, cJSON_IsNumber(want) ? 1 : 0);
    if (present) assert_true(got == (int64_t)want->valuedouble);
}

static void want_view(const foil_json_t *got, const cJSON *fx, const char *key) {
    const cJSON *want = cJSON_GetObjectItemCaseSensitive(fx, key);
    if (!want || cJSON_IsNull(want)) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_true(cJSON_Compare((const cJSON *)(const void *)got, want, 1));
}

#define F_STR(obj, field) want_string(foil_##obj##_##field(v), fx, #field)
#define F_BOOL(obj, field)                                                                         \
    do {                                                                                           \
        int b_ = -1;                                                                               \
        int ok_ = foil_##obj##_##field(v, &b_);                                                    \
        want_bool(ok_, b_, fx, #field);                                                            \
    } while (0)
#define F_INT(obj, field)                                                                          \
    do {                                                                                           \
        int64_t i_ = -1;                                                                           \
        int ok_ = foil_##obj##_##field(v, &i_);                                                    \
        want_int(ok_, i_, fx, #field);                                                             \
    } while (0)
#define F_VIEW(obj, field) want_view(foil_##obj##_##field(v), fx, #field)
#define MEMBER(name) cJSON_GetObjectItemCaseSensitive(fx, name)

/* Run `check` on each item of a view array against the fixture array. */
static void each_item(const foil_json_t *array, const cJSON *fx_array, check_fn check) {
    if (!fx_array || cJSON_IsNull(fx_array)) {
        assert_null(array);
        return;
    }
    assert_int_equal(foil_json_size(array), (size_t)cJSON_GetArraySize(fx_array));
    for (int i = 0; i < cJSON_GetArraySize(fx_array); i++)
        check(foil_json_at(array, (size_t)i), cJSON_GetArrayItem(fx_array, i));
}

static void check_decision(const foil_json_t *v, const cJSON *fx) {
    F_STR(decision, event_id);
    F_STR(decision, verdict);
    F_STR(decision, phase);
    F_STR(decision, evaluated_at);
    F_BOOL(decision, is_provisional);
    F_VIEW(decision, manipulation);
    F_INT(decision, risk_score);
}

static void check_fingerprint_link(const foil_json_t *v, const cJSON *fx) {
    F_STR(fingerprint_link, object);
    F_STR(fingerprint_link, id);
    F_STR(fingerprint_link, identified_at);
}

static void check_session(const foil_json_t *v, const cJSON *fx) {
    F_STR(session, object);
    F_STR(session, id);
    F_STR(session, created_at);
    F_STR(session, client_user_id);
    F_VIEW(session, latest_decision);
    F_VIEW(session_detail, decision);
    F_VIEW(session, visitor_fingerprint);
    if (MEMBER("latest_decision"))
        check_decision(foil_session_latest_decision(v), MEMBER("latest_decision"));
    if (MEMBER("visitor_fingerprint"))
        check_fingerprint_link(foil_session_visitor_fingerprint(v), MEMBER("visitor_fingerprint"));
}

static void check_activity_session(const foil_json_t *v, const cJSON *fx) {
    F_STR(fingerprint_activity_session, session_id);
    F_VIEW(fingerprint_activity_session, decision);
    F_VIEW(fingerprint_activity_session, request);
    F_VIEW(fingerprint_activity_session, score_breakdown);
    check_decision(foil_fingerprint_activity_session_decision(v), MEMBER("decision"));
}

static void check_fingerprint(const foil_json_t *fp, const cJSON *fp_fx) {
    const foil_json_t *v = fp;
    const cJSON *fx = fp_fx;
    F_STR(fingerprint, object);
    F_STR(fingerprint, id);
    F_VIEW(fingerprint, lifecycle);
    F_VIEW(fingerprint, latest_request);
    F_VIEW(fingerprint, storage);
    F_VIEW(fingerprint, anchors);
    F_VIEW(fingerprint_detail, components);
    F_VIEW(fingerprint_detail, activity);
    v = foil_fingerprint_lifecycle(fp), fx = cJSON_GetObjectItem(fp_fx, "lifecycle");
    F_STR(fingerprint_lifecycle, first_seen_at);
    F_STR(fingerprint_lifecycle, last_seen_at);
    F_STR(fingerprint_lifecycle, expires_at);
    F_INT(fingerprint_lifecycle, seen_count);
    v = foil_fingerprint_latest_request(fp), fx = cJSON_GetObjectItem(fp_fx, "latest_request");
    F_STR(fingerprint_request, user_agent);
    F_STR(fingerprint_request, ip_address);
    v = foil_fingerprint_storage(fp), fx = cJSON_GetObjectItem(fp_fx, "storage");
    F_BOOL(fingerprint_storage, cookies);
    F_BOOL(fingerprint_storage, local_storage);
    F_BOOL(fingerprint_storage, indexed_db);
    F_BOOL(fingerprint_storage, service_worker);
    F_BOOL(fingerprint_storage, window_name);
    v = foil_fingerprint_anchors(fp), fx = cJSON_GetObjectItem(fp_fx, "anchors");
    F_STR(fingerprint_anchors, webgl_hash);
    F_STR(fingerprint_anchors, parameters_hash);
    F_STR(fingerprint_anchors, audio_hash);
    if ((v = foil_fingerprint_detail_components(fp))) {
        fx = cJSON_GetObjectItem(fp_fx, "components");
        F_VIEW(fingerprint_components, vector);
    }
    if ((v = foil_fingerprint_detail_activity(fp))) {
        fx = cJSON_GetObjectItem(fp_fx, "activity");
        F_VIEW(fingerprint_activity, sessions);
        each_item(foil_fingerprint_activity_sessions(v), MEMBER("sessions"),
                  check_activity_session);
    }
}

static void check_organization(const foil_json_t *v, const cJSON *fx) {
    F_STR(organization, object);
    F_STR(organization, id);
    F_STR(organization, name);
    F_STR(organization, slug);
    F_STR(organization, status);
    F_STR(organization, created_at);
    F_STR(organization, updated_at);
}

static void check_api_key(const foil_json_t *v, const cJSON *fx) {
    F_STR(api_key, object);
    F_STR(api_key, id);
    F_STR(api_key, type);
    F_STR(api_key, environment);
    F_STR(api_key, name);
    F_STR(api_key, status);
    F_STR(api_key, key_preview);
    F_STR(api_key, display_key);
    F_STR(api_key, revealed_key);
    F_STR(api_key, last_used_at);
    F_STR(api_key, created_at);
    F_STR(api_key, rotated_at);
    F_STR(api_key, revoked_at);
    F_STR(api_key, grace_expires_at);
    F_VIEW(api_key, allowed_origins);
    F_VIEW(api_key, scopes);
    F_INT(api_key, rate_limit);
}

static void check_webhook_endpoint(const foil_json_t *v, const cJSON *fx) {
    F_STR(webhook_endpoint, object);
    F_STR(webhook_endpoint, id);
    F_STR(webhook_endpoint, name);
    F_STR(webhook_endpoint, url);
    F_STR(webhook_endpoint, status);
    F_STR(webhook_endpoint, signing_secret);
    F_STR(webhook_endpoint, created_at);
    F_STR(webhook_endpoint, updated_at);
    F_VIEW(webhook_endpoint, event_types);
}

static void check_webhook_delivery(const foil_json_t *v, const cJSON *fx) {
    F_STR(webhook_delivery, object);
    F_STR(webhook_delivery, id);
    F_STR(webhook_delivery, event_id);
    F_STR(webhook_delivery, endpoint_id);
    F_STR(webhook_delivery, event_type);
    F_STR(webhook_delivery, status);
    F_STR(webhook_delivery, response_body);
    F_STR(webhook_delivery, error);
    F_STR(webhook_delivery, created_at);
    F_STR(webhook_delivery, updated_at);
    F_INT(webhook_delivery, attempts);
    F_INT(webhook_delivery, response_status);
}

static void check_event(const foil_json_t *ev, const cJSON *ev_fx) {
    const foil_json_t *v = ev;
    const cJSON *fx = ev_fx;
    F_STR(event, object);
    F_STR(event, id);
    F_STR(event, type);
    F_STR(event, created_at);
    F_VIEW(event, subject);
    F_VIEW(event, data);
    F_VIEW(event, webhook_deliveries);
    each_item(foil_event_webhook_deliveries(ev), MEMBER("webhook_deliveries"),
              check_webhook_delivery);
    v = foil_event_subject(ev), fx = cJSON_GetObjectItem(ev_fx, "subject");
    F_STR(event_subject, type);
    F_STR(event_subject, id);
}

static void check_webhook_test(const foil_json_t *v, const cJSON *fx) {
    F_STR(webhook_test, object);
    F_STR(webhook_test, event_id);
    F_VIEW(webhook_test, delivery_ids);
    F_VIEW(webhook_test, latest_delivery);
    if (foil_webhook_test_latest_delivery(v))
        check_webhook_delivery(foil_webhook_test_latest_delivery(v), MEMBER("latest_delivery"));
}

static void check_env_var(const foil_json_t *v, const cJSON *fx) {
    F_STR(gate_env_var, name);
    F_STR(gate_env_var, key);
    F_BOOL(gate_env_var, secret);
}

static void check_sdk(const foil_json_t *v, const cJSON *fx) {
    F_STR(gate_sdk, label);
    F_STR(gate_sdk, install);
    F_STR(gate_sdk, url);
}

/* Members a registry entry and a managed service share, read through `get`. */
static void check_gate_parts(const foil_json_t *env_vars, const foil_json_t *sdks,
                             const foil_json_t *branding, const foil_json_t *consent,
                             const cJSON *service_fx) {
    each_item(env_vars, cJSON_GetObjectItem(service_fx, "env_vars"), check_env_var);
    each_item(sdks, cJSON_GetObjectItem(service_fx, "sdks"), check_sdk);
    const foil_json_t *v = branding;
    const cJSON *fx = cJSON_GetObjectItem(service_fx, "branding");
    F_STR(gate_branding, logo_url);
    F_STR(gate_branding, primary_color);
    F_STR(gate_branding, secondary_color);
    F_STR(gate_branding, ascii_art);
    F_BOOL(gate_branding, verified);
    v = consent, fx = cJSON_GetObjectItem(service_fx, "consent");
    F_STR(gate_consent, terms_url);
    F_STR(gate_consent, privacy_url);
}

static void check_registry_entry(const foil_json_t *v, const cJSON *fx) {
    F_STR(registry_entry, id);
    F_STR(registry_entry, status);
    F_STR(registry_entry, name);
    F_STR(registry_entry, description);
    F_STR(registry_entry, website);
    F_STR(registry_entry, dashboard_login_url);
    F_STR(registry_entry, docs_url);
    F_BOOL(registry_entry, discoverable);
    F_VIEW(registry_entry, env_vars);
    F_VIEW(registry_entry, sdks);
    F_VIEW(registry_entry, branding);
    F_VIEW(registry_entry, consent);
    assert_null(foil_json_get(v, "object")); /* registry entries carry no discriminator */
    check_gate_parts(foil_registry_entry_env_vars(v), foil_registry_entry_sdks(v),
                     foil_registry_entry_branding(v), foil_registry_entry_consent(v), fx);
}

static void check_gate_service(const foil_json_t *v, const cJSON *fx) {
    F_STR(gate_service, object);
    F_STR(gate_service, id);
    F_STR(gate_service, status);
    F_STR(gate_service, name);
    F_STR(gate_service, description);
    F_STR(gate_service, website);
    F_STR(gate_service, dashboard_login_url);
    F_STR(gate_service, docs_url);
    F_STR(gate_service, webhook_endpoint_id);
    F_STR(gate_service, created_at);
    F_STR(gate_service, updated_at);
    F_BOOL(gate_service, discoverable);
    F_VIEW(gate_service, env_vars);
    F_VIEW(gate_service, sdks);
    F_VIEW(gate_service, branding);
    F_VIEW(gate_service, consent);
    check_gate_parts(foil_gate_service_env_vars(v), foil_gate_service_sdks(v),
                     foil_gate_service_branding(v), foil_gate_service_consent(v), fx);
}

static void check_gate_session_info(const foil_json_t *v, const cJSON *fx) {
    F_STR(gate_session_info, object);
    F_STR(gate_session_info, id);
    F_STR(gate_session_info, status);
    F_STR(gate_session_created, poll_token);
    F_STR(gate_session_created, consent_url);
    F_STR(gate_session_info, expires_at);
    F_STR(gate_session_info, gate_account_id);
    F_STR(gate_session_info, account_name);
    F_STR(gate_session_info, docs_url);
    F_VIEW(gate_session_info, delivery_bundle);
    const foil_json_t *bundle = foil_gate_session_info_delivery_bundle(v);
    if (bundle) {
        v = bundle, fx = MEMBER("delivery_bundle");
        F_VIEW(delivery_bundle, integrator);
        F_VIEW(delivery_bundle, gate);
    }
}

static void check_gate_delivery_ack(const foil_json_t *v, const cJSON *fx) {
    F_STR(gate_delivery_ack, object);
    F_STR(gate_delivery_ack, gate_session_id);
    F_STR(gate_delivery_ack, status);
}

static void check_login_session(const foil_json_t *v, const cJSON *fx) {
    F_STR(login_session, object);
    F_STR(login_session, id);
    F_STR(login_session, status);
    F_STR(login_session, consent_url);
    F_STR(login_session, expires_at);
}

static void check_dashboard_login(const foil_json_t *v, const cJSON *fx) {
    F_STR(dashboard_login, object);
    F_STR(dashboard_login, gate_account_id);
    F_STR(dashboard_login, account_name);
}

static void check_agent_token_verification(const foil_json_t *v, const cJSON *fx) {
    F_BOOL(agent_token_verification, valid);
    F_STR(agent_token_verification, gate_account_id);
    F_STR(agent_token_verification, status);
    F_STR(agent_token_verification, created_at);
    F_STR(agent_token_verification, expires_at);
}

/* --- the calls ---------------------------------------------------------------- */

static void list_sessions(env *e, outcome *o) {
    FOIL_ASSERT_OK(foil_sessions_list(e->client, 10, NULL, "human", NULL, &o->page));
    o->url = "/v1/sessions", o->query = "limit=10&verdict=human";
}
static void get_session(env *e, outcome *o) {
    FOIL_ASSERT_OK(foil_sessions_get(e->client, "sid_0123456789abcdefghjkmnpqrs", &o->result));
    o->url = "/v1/sessions/sid_0123456789abcdefghjkmnpqrs";
}
static void update_session(env *e, outcome *o) {
    FOIL_ASSERT_OK(foil_sessions_attach_client_user(e->client, "sid_0123456789abcdefghjkmnpqrs",
                                                    "user_123", &o->result));
    o->url = "/v1/sessions/sid_0123456789abcdefghjkmnpqrs";
    o->body = "{\"client_user_id\":\"user_123\"}";
}
static void list_fingerprints(env *e, outcome *o) {
    FOIL_ASSERT_OK(
        foil_fingerprints_list(e->client, 20, "cur_fp", "203.0.113", "seen_count", &o->page));
    o->url = "/v1/fingerprints";
    o->query = "limit=20&search=203.0.113&sort=seen_count&cursor=cur_fp";
}
static void get_fingerprint(env *e, outcome *o) {
    FOIL_ASSERT_OK(foil_fingerprints_get(e->client, "vid_456789abcdefghjkmnpqrstvwx", &o->result));
    o->url = "/v1/fingerprints/vid_456789abcdefghjkmnpqrstvwx";
}
static void create_organization(env *e, outcome *o) {
    FOIL_ASSERT_OK(foil_organizations_create(e->client, "Example Organization",
                                             "example-organization", &o->result));
    o->url = "/v1/organizations";
    o->body = "{\"name\":\"Example Organization\",\"slug\":\"example-organization\"}";
}
static void get_organization(env *e, outcome *o) {
    FOIL_ASSERT_OK(foil_organizations_get(e->client, ORG, &o->result));
    o->url = "/v1/organizations/" ORG;
}
static void update_organization(env *e, outcome *o) {
    FOIL_ASSERT_OK(
        foil_organizations_update(e->client, ORG, "{\"status\": \"suspended\"}", &o->result));
    o->url = "/v1/organizations/" ORG;
    o->body = "{\"status\":\"suspended\"}";
}
static void list_api_keys(env *e, outcome *o) {
    FOIL_ASSERT_OK(foil_api_keys_list(e->client, ORG, 5, "cur_keys", &o->page));
    o->url = "/v1/organizations/" ORG "/api-keys", o->query = "limit=5&cursor=cur_keys";
}
#define CREATE_KEY_BODY                                                                            \
    "{\"name\":\"Production Backend\",\"type\":\"secret\",\"environment\":\"live\","               \
    "\"scopes\":[\"sessions:list\",\"sessions:read\",\"api_keys:read\"]}"
static void create_api_key(env *e, outcome *o) {
    FOIL_ASSERT_OK(foil_api_keys_create(e->client, ORG, CREATE_KEY_BODY, &o->result));
    o->url = "/v1/organizations/" ORG "/api-keys", o->body = CREATE_KEY_BODY;
}
static void revoke_api_key(env *e, outcome *o) {
    FOIL_ASSERT_OK(foil_api_keys_revoke(e->client, ORG, KEY, &o->result));
    o->url = "/v1/organizations/" ORG "/api-keys/" KEY;
}
#define UPDATE_KEY_BODY                                                                            \
    "{\"name\":\"Updated Web App\",\"allowed_origins\":[\"https://example.com\","                  \
    "\"https://app.example.com\"]}"
static void update_api_key(env *e, outcome *o) {
    FOIL_ASSERT_OK(foil_api_keys_update(e->client, ORG, KEY, UPDATE_KEY_BODY, &o->result));
    o->url = "/v1/organizations/" ORG "/api-keys/" KEY, o->body = UPDATE_KEY_BODY;
}
static void rotate_api_key(env *e, outcome *o) {
    FOIL_ASSERT_OK(foil_api_keys_rotate(e->client, ORG, KEY, &o->result));
    o->url = "/v1/organizations/" ORG "/api-keys/" KEY "/rotations";
}
static void list_endpoints(env *e, outcome *o) {
    FOIL_ASSERT_OK(foil_webhooks_list_endpoints(e->client, ORG, 0, NULL, &o->page));
    o->url = "/v1/organizations/" ORG "/webhooks/endpoints";
}
#define CREATE_ENDPOINT_BODY                                                                       \
    "{\"name\":\"Signups\",\"url\":\"https://app.acme.co/hooks\","                                 \
    "\"event_types\":[\"gate.session.approved\",\"session.result.persisted\"]}"
static void create_endpoint(env *e, outcome *o) {
    FOIL_ASSERT_OK(foil_webhooks_create_endpoint(e->client, ORG, CREATE_ENDPOINT_BODY, &o->result));
    o->url = "/v1/organizations/" ORG "/webhooks/endpoints", o->body = CREATE_ENDPOINT_BODY;
}
#define ENDPOINT_PATH "/v1/organizations/" ORG "/webhooks/endpoints/" ENDPOINT
static void update_endpoint(env *e, outcome *o) {
    const char *body =
        "{\"status\":\"disabled\",\"event_types\":[\"session.fingerprint.calculated\"]}";
    FOIL_ASSERT_OK(foil_webhooks_update_endpoint(e->client, ORG, ENDPOINT, body, &o->result));
    o->url = ENDPOINT_PATH, o->body = body;
}
static void disable_endpoint(env *e, outcome *o) {
    FOIL_ASSERT_OK(foil_webhooks_disable_endpoint(e->client, ORG, ENDPOINT, &o->result));
    o->url = ENDPOINT_PATH;
}
static void rotate_secret(env *e, outcome *o) {
    FOIL_ASSERT_OK(foil_webhooks_rotate_secret(e->client, ORG, ENDPOINT, &o->result));
    o->url = ENDPOINT_PATH "/rotations";
}
static void send_test(env *e, outcome *o) {
    FOIL_ASSERT_OK(foil_webhooks_send_test(e->client, ORG, ENDPOINT, &o->result));
    o->url = ENDPOINT_PATH "/test";
}
static void list_events(env *e, outcome *o) {
    FOIL_ASSERT_OK(foil_webhooks_list_events(e->client, ORG, 10, "cur_ev", ENDPOINT, "webhook.test",
                                             &o->page));
    o->url = "/v1/organizations/" ORG "/events";
    o->query = "endpoint_id=" ENDPOINT "&type=webhook.test&limit=10&cursor=cur_ev";
}
static void retrieve_event(env *e, outcome *o) {
    FOIL_ASSERT_OK(foil_webhooks_retrieve_event(e->client, ORG, EVENT, &o->result));
    o->url = "/v1/organizations/" ORG "/events/" EVENT;
}
static void list_registry(env *e, outcome *o) {
    FOIL_ASSERT_OK(foil_gate_registry_list(e->client, &o->result));
    o->url = "/v1/gate/registry";
}
static void get_registry(env *e, outcome *o) {
    FOIL_ASSERT_OK(foil_gate_registry_get(e->client, "foil", &o->result));
    o->url = "/v1/gate/registry/foil";
}
static void list_services(env *e, outcome *o) {
    FOIL_ASSERT_OK(foil_gate_services_list(e->client, &o->result));
    o->url = "/v1/gate/services";
}
#define CREATE_SERVICE_BODY                                                                        \
    "{\"id\":\"acme_prod\",\"discoverable\":false,\"name\":\"Acme Production\","                   \
    "\"description\":\"Acme production signup flow\",\"website\":\"https://acme.example.com\","    \
    "\"dashboard_login_url\":\"https://dashboard.acme.example.com/auth/gate\","                    \
    "\"env_vars\":[{\"name\":\"Secret key\",\"key\":\"ACME_SECRET_KEY\",\"secret\":true}],"        \
    "\"docs_url\":\"https://docs.acme.example.com/signup\","                                       \
    "\"sdks\":[{\"label\":\"Node\",\"install\":\"npm install @acme/sdk\","                         \
    "\"url\":\"https://www.npmjs.com/package/@acme/sdk\"}],"                                       \
    "\"branding\":{\"logo_url\":\"https://acme.example.com/logo.png\",\"primary_color\":"          \
    "\"#117BE7\",\"secondary_color\":\"#0B5CAD\",\"ascii_art\":\"ACME\"},"                         \
    "\"consent\":{\"terms_url\":\"https://acme.example.com/terms\",\"privacy_url\":"               \
    "\"https://acme.example.com/privacy\"},"                                                       \
    "\"webhook_endpoint_id\":\"" ENDPOINT "\"}"
static void create_service(env *e, outcome *o) {
    FOIL_ASSERT_OK(foil_gate_services_create(e->client, CREATE_SERVICE_BODY, &o->result));
    o->url = "/v1/gate/services", o->body = CREATE_SERVICE_BODY;
}
static void get_service(env *e, outcome *o) {
    FOIL_ASSERT_OK(foil_gate_services_get(e->client, "acme_prod", &o->result));
    o->url = "/v1/gate/services/acme_prod";
}
static void update_service(env *e, outcome *o) {
    const char *body = "{\"dashboard_login_url\":null,\"branding\":{\"primary_color\":\"#1B7f\"}}";
    FOIL_ASSERT_OK(foil_gate_services_update(e->client, "acme_prod", body, &o->result));
    o->url = "/v1/gate/services/acme_prod", o->body = body;
}
static void disable_service(env *e, outcome *o) {
    FOIL_ASSERT_OK(foil_gate_services_disable(e->client, "acme_prod", &o->result));
    o->url = "/v1/gate/services/acme_prod";
}
static char gate_create_body[1024];
static void create_gate_session(env *e, outcome *o) {
    cJSON *request = foil_test_fixture("gate-delivery/delivery-request.json");
    assert_non_null(request);
    char *delivery = cJSON_PrintUnformatted(cJSON_GetObjectItem(request, "delivery"));
    FOIL_ASSERT_OK(foil_gate_sessions_create(e->client, "foil", "my-project",
                                             "{\"source\":\"cli\"}", delivery, &o->result));
    snprintf(gate_create_body, sizeof gate_create_body,
             "{\"service_id\":\"foil\",\"account_name\":\"my-project\","
             "\"metadata\":{\"source\":\"cli\"},\"delivery\":%s}",
             delivery);
    free(delivery);
    cJSON_Delete(request);
    o->url = "/v1/gate/sessions", o->body = gate_create_body;
}
static void poll_gate_session(env *e, outcome *o) {
    FOIL_ASSERT_OK(
        foil_gate_sessions_poll(e->client, GATE_SESSION, "gtpoll_fixture_token", &o->result));
    o->url = "/v1/gate/sessions/" GATE_SESSION;
}
static void ack_gate_session(env *e, outcome *o) {
    FOIL_ASSERT_OK(foil_gate_sessions_acknowledge(e->client, GATE_SESSION, "gtpoll_fixture_token",
                                                  "gtack_fixture", &o->result));
    o->url = "/v1/gate/sessions/" GATE_SESSION "/ack",
    o->body = "{\"ack_token\":\"gtack_fixture\"}";
}
static void create_login_session(env *e, outcome *o) {
    FOIL_ASSERT_OK(
        foil_gate_login_sessions_create(e->client, "agt_fixture_token", "foil", &o->result));
    o->url = "/v1/gate/login-sessions", o->body = "{\"service_id\":\"foil\"}";
}
static void consume_login_session(env *e, outcome *o) {
    FOIL_ASSERT_OK(foil_gate_login_sessions_consume(e->client, "482931", &o->result));
    o->url = "/v1/gate/login-sessions/consume", o->body = "{\"code\":\"482931\"}";
}
static void verify_agent_token(env *e, outcome *o) {
    FOIL_ASSERT_OK(foil_gate_agent_tokens_verify(e->client, "agt_fixture_token", &o->result));
    o->url = "/v1/gate/agent-tokens/verify", o->body = "{\"agent_token\":\"agt_fixture_token\"}";
}
static void revoke_agent_token(env *e, outcome *o) {
    FOIL_ASSERT_OK(foil_gate_agent_tokens_revoke(e->client, "agt_fixture_token"));
    o->no_content = true;
    o->url = "/v1/gate/agent-tokens/revoke", o->body = "{\"agent_token\":\"agt_fixture_token\"}";
}

static api_case cases[] = {
    {"GET", "/v1/sessions", AUTH_SECRET, list_sessions, check_session, 0},
    {"GET", "/v1/sessions/{sessionId}", AUTH_SECRET, get_session, check_session, 0},
    {"PATCH", "/v1/sessions/{sessionId}", AUTH_SECRET, update_session, check_session, 0},
    {"GET", "/v1/fingerprints", AUTH_SECRET, list_fingerprints, check_fingerprint, 0},
    {"GET", "/v1/fingerprints/{visitorId}", AUTH_SECRET, get_fingerprint, check_fingerprint, 0},
    {"POST", "/v1/organizations", AUTH_SECRET, create_organization, check_organization, 0},
    {"GET", "/v1/organizations/{organizationId}", AUTH_SECRET, get_organization, check_organization,
     0},
    {"PATCH", "/v1/organizations/{organizationId}", AUTH_SECRET, update_organization,
     check_organization, 0},
    {"GET", "/v1/organizations/{organizationId}/api-keys", AUTH_SECRET, list_api_keys,
     check_api_key, 0},
    {"POST", "/v1/organizations/{organizationId}/api-keys", AUTH_SECRET, create_api_key,
     check_api_key, 0},
    {"DELETE", "/v1/organizations/{organizationId}/api-keys/{keyId}", AUTH_SECRET, revoke_api_key,
     check_api_key, 0},
    {"PATCH", "/v1/organizations/{organizationId}/api-keys/{keyId}", AUTH_SECRET, update_api_key,
     check_api_key, 0},
    {"POST", "/v1/organizations/{organizationId}/api-keys/{keyId}/rotations", AUTH_SECRET,
     rotate_api_key, check_api_key, 0},
    {"GET", "/v1/organizations/{organizationId}/webhooks/endpoints", AUTH_SECRET, list_endpoints,
     check_webhook_endpoint, 0},
    {"POST", "/v1/organizations/{organizationId}/webhooks/endpoints", AUTH_SECRET, create_endpoint,
     check_webhook_endpoint, 0},
    {"PATCH", "/v1/organizations/{organizationId}/webhooks/endpoints/{endpointId}", AUTH_SECRET,
     update_endpoint, check_webhook_endpoint, 0},
    {"DELETE", "/v1/organizations/{organizationId}/webhooks/endpoints/{endpointId}", AUTH_SECRET,
     disable_endpoint, check_webhook_endpoint, 0},
    {"POST", "/v1/organizations/{organizationId}/webhooks/endpoints/{endpointId}/rotations",
     AUTH_SECRET, rotate_secret, check_webhook_endpoint, 0},
    {"POST", "/v1/organizations/{organizationId}/webhooks/endpoints/{endpointId}/test", AUTH_SECRET,
     send_test, check_webhook_test, 0},
    {"GET", "/v1/organizations/{organizationId}/events", AUTH_SECRET, list_events, check_event, 0},
    {"GET", "/v1/organizations/{organizationId}/events/{eventId}", AUTH_SECRET, retrieve_event,
     check_event, 0},
    {"GET", "/v1/gate/registry", AUTH_NONE, list_registry, check_registry_entry, 0},
    {"GET", "/v1/gate/registry/{serviceId}", AUTH_NONE, get_registry, check_registry_entry, 0},
    {"GET", "/v1/gate/services", AUTH_SECRET, list_services, check_gate_service, 0},
    {"POST", "/v1/gate/services", AUTH_SECRET, create_service, check_gate_service, 0},
    {"GET", "/v1/gate/services/{serviceId}", AUTH_SECRET, get_service, check_gate_service, 0},
    {"PATCH", "/v1/gate/services/{serviceId}", AUTH_SECRET, update_service, check_gate_service, 0},
    {"DELETE", "/v1/gate/services/{serviceId}", AUTH_SECRET, disable_service, check_gate_service,
     0},
    {"POST", "/v1/gate/sessions", AUTH_NONE, create_gate_session, check_gate_session_info, 0},
    {"GET", "/v1/gate/sessions/{gateSessionId}", AUTH_POLL, poll_gate_session,
     check_gate_session_info, 0},
    {"POST", "/v1/gate/sessions/{gateSessionId}/ack", AUTH_POLL, ack_gate_session,
     check_gate_delivery_ack, 0},
    {"POST", "/v1/gate/login-sessions", AUTH_AGENT, create_login_session, check_login_session, 0},
    {"POST", "/v1/gate/login-sessions/consume", AUTH_SECRET, consume_login_session,
     check_dashboard_login, 0},
    {"POST", "/v1/gate/agent-tokens/verify", AUTH_SECRET, verify_agent_token,
     check_agent_token_verification, 0},
    {"POST", "/v1/gate/agent-tokens/revoke", AUTH_SECRET, revoke_agent_token, NULL, 0},
};
#define CASE_COUNT (sizeof cases / sizeof cases[0])

/* --- the driver ------------------------------------------------------------------ */

static int setup(void **state) {
    env *e = calloc(1, sizeof *e);
    assert_non_null(e);
    e->server = canned_server_start();
    assert_non_null(e->server);
    assert_int_equal(foil_client_new(&e->client), FOIL_OK);
    assert_int_equal(foil_client_set_base_url(e->client, canned_server_url(e->server)), FOIL_OK);
    assert_int_equal(foil_client_set_secret_key(e->client, "sk_test_surface"), FOIL_OK);
    char path[4096];
    snprintf(path, sizeof path, "%s/openapi.json", foil_test_spec_dir());
    char *text = foil_test_read_file(path, NULL);
    assert_non_null(text);
    e->spec = cJSON_Parse(text);
    free(text);
    assert_non_null(e->spec);
    for (size_t i = 0; i < CASE_COUNT; i++)
        cases[i].runs = 0;
    *state = e;
    return 0;
}

static int teardown(void **state) {
    env *e = *state;
    foil_client_free(e->client);
    canned_server_stop(e->server);
    cJSON_Delete(e->spec);
    free(e);
    return 0;
}

static api_case *find_case(const char *method, const char *path) {
    for (size_t i = 0; i < CASE_COUNT; i++)
        if (strcasecmp(cases[i].method, method) == 0 && strcmp(cases[i].path, path) == 0)
            return &cases[i];
    return NULL;
}

static void assert_same_json(const char *got, const char *want) {
    cJSON *a = cJSON_Parse(got), *b = cJSON_Parse(want);
    assert_non_null(a);
    assert_non_null(b);
    if (!cJSON_Compare(a, b, 1)) print_message("sent %s\nwanted %s\n", got, want);
    assert_true(cJSON_Compare(a, b, 1));
    cJSON_Delete(a);
    cJSON_Delete(b);
}

/* Serve `doc` with `status`, make the case's call, check the request and the
 * decoded response against the document. */
static void run_case(env *e, api_case *c, const cJSON *doc, int status) {
    char *body = status == 204 ? NULL : cJSON_PrintUnformatted(doc);
    canned_server_respond(e->server, status, body ? body : "", NULL, NULL);
    free(body);
    int before = canned_server_last(e->server).count;
    outcome o = {0};
    c->call(e, &o);
    c->runs++;

    canned_request_t req = canned_server_last(e->server);
    assert_int_equal(req.count, before + 1);
    assert_string_equal(req.method, c->method);
    assert_string_equal(req.url, o.url);
    assert_string_equal(req.query, o.query ? o.query : "");
    assert_string_equal(req.authorization, c->auth);
    if (o.body) {
        assert_string_equal(req.content_type, "application/json");
        assert_same_json(req.body, o.body);
    } else {
        assert_string_equal(req.content_type, "");
        assert_int_equal(req.body_len, 0);
    }

    const cJSON *data = cJSON_GetObjectItemCaseSensitive(doc, "data");
    const char *request_id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(doc, "meta"), "request_id"));
    if (o.no_content) {
        assert_null(data);
        assert_null(o.result);
        assert_null(o.page);
        return;
    }
    const foil_json_t *got;
    if (o.page) {
        got = foil_page_items(o.page);
        assert_int_equal(foil_page_count(o.page), (size_t)cJSON_GetArraySize(data));
        const cJSON *pagination = cJSON_GetObjectItemCaseSensitive(doc, "pagination");
        assert_int_equal(foil_page_has_more(o.page),
                         cJSON_IsTrue(cJSON_GetObjectItem(pagination, "has_more")));
        const char *next = cJSON_GetStringValue(cJSON_GetObjectItem(pagination, "next_cursor"));
        if (next && foil_page_has_more(o.page))
            assert_string_equal(foil_page_next_cursor(o.page), next);
        if (request_id) assert_string_equal(foil_page_request_id(o.page), request_id);
    } else {
        assert_non_null(o.result);
        got = foil_result_data(o.result);
        assert_int_equal(foil_result_http_status(o.result), status);
        if (request_id) assert_string_equal(foil_result_request_id(o.result), request_id);
    }
    /* The complete JSON view: nothing the API sent is lost. */
    assert_true(cJSON_Compare((const cJSON *)(const void *)got, data, 1));
    if (cJSON_IsArray(data)) {
        assert_true(cJSON_GetArraySize(data) > 0);
        each_item(got, data, c->check);
    } else {
        c->check(got, data);
    }
    foil_page_free(o.page);
    foil_result_free(o.result);
}

static void every_api_fixture(void **state) {
    env *e = *state;
    cJSON *manifest = foil_test_fixture("manifest.json");
    assert_non_null(manifest);
    size_t served = 0;
    const cJSON *entry;
    cJSON_ArrayForEach(entry, cJSON_GetObjectItem(manifest, "fixtures")) {
        const char *file = cJSON_GetStringValue(cJSON_GetObjectItem(entry, "file"));
        const char *method = cJSON_GetStringValue(cJSON_GetObjectItem(entry, "method"));
        const char *path = cJSON_GetStringValue(cJSON_GetObjectItem(entry, "path"));
        const char *status = cJSON_GetStringValue(cJSON_GetObjectItem(entry, "status"));
        assert_non_null(file);
        if (strncmp(file, "api/", 4) != 0) continue;
        api_case *c = find_case(method, path);
        if (!c) print_message("no C call for %s %s (%s)\n", method, path, file);
        assert_non_null(c);
        cJSON *doc = foil_test_fixture(file);
        assert_non_null(doc);
        run_case(e, c, doc, atoi(status));
        cJSON_Delete(doc);
        served++;
    }
    print_message("%zu api fixtures through the C API\n", served);
    assert_true(served >= 26);
    cJSON_Delete(manifest);
}

/* The 2xx response example openapi.json gives for an operation; *status its code. */
static const cJSON *spec_example(const cJSON *spec, const char *method, const char *path,
                                 int *status) {
    char lower[16];
    size_t i = 0;
    for (; method[i] && i + 1 < sizeof lower; i++)
        lower[i] = (char)(method[i] | 0x20);
    lower[i] = '\0';
    const cJSON *op = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItem(spec, "paths"), path), lower);
    const cJSON *response;
    cJSON_ArrayForEach(response, cJSON_GetObjectItem(op, "responses")) {
        if (response->string[0] != '2') continue;
        *status = atoi(response->string);
        const cJSON *media =
            cJSON_GetObjectItem(cJSON_GetObjectItem(response, "content"), "application/json");
        const cJSON *example = cJSON_GetObjectItem(media, "example");
        return example ? example
                       : cJSON_GetObjectItem(cJSON_GetObjectItem(media, "schema"), "example");
    }
    return NULL;
}

/* The webhook operations have no fixture: their openapi.json examples stand in. */
static void webhook_operations_from_spec_examples(void **state) {
    env *e = *state;
    size_t served = 0;
    for (size_t i = 0; i < CASE_COUNT; i++) {
        if (!strstr(cases[i].path, "/webhooks/") && !strstr(cases[i].path, "/events")) continue;
        int status = 0;
        const cJSON *example = spec_example(e->spec, cases[i].method, cases[i].path, &status);
        if (!example) print_message("no example for %s %s\n", cases[i].method, cases[i].path);
        assert_non_null(example);
        run_case(e, &cases[i], example, status);
        served++;
    }
    assert_int_equal(served, 8);
}

/* Together the two sources exercise every operation libfoil implements. */
static void every_operation_exercised(void **state) {
    every_api_fixture(state);
    webhook_operations_from_spec_examples(state);
    size_t missing = 0;
    for (size_t i = 0; i < CASE_COUNT; i++)
        if (!cases[i].runs) {
            print_message("never exercised: %s %s\n", cases[i].method, cases[i].path);
            missing++;
        }
    assert_int_equal(missing, 0);
    assert_int_equal(CASE_COUNT, foil_operation_count());
}

/* The key shown once is readable through its accessor; an x-request-id header
 * wins over meta.request_id. */
static void revealed_secrets_are_readable(void **state) {
    env *e = *state;
    cJSON *doc = foil_test_fixture("api/organizations/api-key-rotate.json");
    assert_non_null(doc);
    char *body = cJSON_PrintUnformatted(doc);
    canned_server_respond(e->server, 201, body, "req_rotate", NULL);
    free(body);
    foil_result_t *r = NULL;
    FOIL_ASSERT_OK(foil_api_keys_rotate(e->client, ORG, KEY, &r));
    assert_string_equal(foil_api_key_revealed_key(foil_result_data(r)),
                        "sk_live_[rotated_example_secret_key]");
    assert_string_equal(foil_result_request_id(r), "req_rotate"); /* header wins over meta */
    foil_result_free(r);
    cJSON_Delete(doc);
}

int main(void) {
    int skip = foil_test_require_spec("test_fixtures_api");
    if (skip) return skip;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(every_operation_exercised, setup, teardown),
        cmocka_unit_test_setup_teardown(revealed_secrets_are_readable, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
