/* See operation_rows.h. */
#include "operation_rows.h"

#include "foil_test.h"
#include "json_shape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const var_names[OPERATION_NVARS] = {
    "ORG", "ORG2",     "SLUG", "SID",  "VID", "KEY",   "EP",    "EVT",
    "SVC", "DELIVERY", "GS",   "POLL", "ACK", "AGENT", "LOGIN", "CODE"};

struct operation_twins {
    foil_emulator_t *emu;
    char vars[OPERATION_NVARS][2][512];
    foil_delivery_key_pair_t *keys[2]; /* each side's, for the gate session it creates */
};

static void set_var(operation_twins_t *t, enum operation_var v, int side, const char *value) {
    assert_non_null(value);
    assert_true(strlen(value) < sizeof t->vars[v][side]);
    strcpy(t->vars[v][side], value);
}

operation_twins_t *operation_twins_new(foil_emulator_t *emu) {
    operation_twins_t *t = calloc(1, sizeof *t);
    assert_non_null(t);
    t->emu = emu;
    foil_emulator_service_t acme = {.id = "acme",
                                    .name = "Acme",
                                    .outputs_json = "{\"ACME_API_KEY\":\"ak_operation_rows\"}",
                                    .dashboard_login_url = "https://acme.example/login"};
    FOIL_ASSERT_OK(foil_emulator_add_service(emu, &acme));
    const char *org = foil_emulator_organization_id(emu);
    set_var(t, ORG, BY_CALL, org);
    set_var(t, ORG, BY_TWIN, org);
    for (int side = 0; side < 2; side++) {
        char *sid = NULL;
        FOIL_ASSERT_OK(foil_emulator_session_id(emu, (size_t)side, &sid));
        set_var(t, SID, side, sid);
        foil_emulator_string_free(sid);
    }
    set_var(t, SLUG, BY_CALL, "call-org");
    set_var(t, SLUG, BY_TWIN, "twin-org");
    set_var(t, SVC, BY_CALL, "call_svc");
    set_var(t, SVC, BY_TWIN, "twin_svc");
    return t;
}

void operation_twins_free(operation_twins_t *t) {
    if (!t) return;
    for (int side = 0; side < 2; side++)
        foil_delivery_key_pair_free(t->keys[side]);
    free(t);
}

const char *operation_twins_value(const operation_twins_t *t, enum operation_var v, int side) {
    return t->vars[v][side];
}

char *operation_twins_expand(const operation_twins_t *t, const char *tmpl, int side) {
    if (!tmpl) return NULL;
    size_t cap = strlen(tmpl) + 4096, n = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    for (const char *p = tmpl; *p;) {
        bool replaced = false;
        for (int v = 0; *p == '{' && v < OPERATION_NVARS && !replaced; v++) {
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

/* --- hooks between rows (both sides) ------------------------------------------ */

static void make_delivery_requests(operation_twins_t *t) {
    for (int side = 0; side < 2; side++) {
        FOIL_ASSERT_OK(foil_delivery_key_pair_new(&t->keys[side]));
        char *json = NULL;
        FOIL_ASSERT_OK(foil_delivery_key_pair_request_json(t->keys[side], &json));
        set_var(t, DELIVERY, side, json);
        foil_string_free(json);
    }
}

static void approve_signups(operation_twins_t *t) {
    for (int side = 0; side < 2; side++)
        FOIL_ASSERT_OK(foil_emulator_approve(t->emu, t->vars[GS][side]));
}

/* The ack token and the agent token sealed in the gate envelope of each side's poll. */
static void open_bundles(operation_twins_t *t, cJSON *const polls[2]) {
    for (int side = 0; side < 2; side++) {
        const cJSON *gate = json_at_path(polls[side], "data.delivery_bundle.gate");
        assert_non_null(gate);
        char *envelope = cJSON_PrintUnformatted(gate);
        foil_delivery_payload_t *payload = NULL;
        FOIL_ASSERT_OK(foil_gate_delivery_decrypt(t->keys[side], envelope, &payload));
        set_var(t, ACK, side, foil_delivery_payload_ack_token(payload));
        set_var(t, AGENT, side, foil_delivery_payload_output(payload, "ACME_GATE_AGENT_TOKEN"));
        foil_delivery_payload_free(payload);
        free(envelope);
    }
}

static void approve_logins(operation_twins_t *t, cJSON *const answers[2]) {
    (void)answers;
    for (int side = 0; side < 2; side++) {
        char *code = NULL;
        FOIL_ASSERT_OK(foil_emulator_approve_login(t->emu, t->vars[LOGIN][side], &code));
        set_var(t, CODE, side, code);
        foil_emulator_string_free(code);
    }
}

/* --- the rows ------------------------------------------------------------------ */

static const operation_row_t rows[] = {
    {"sessions.list", "{\"limit\":5,\"verdict\":\"bot\"}", true},
    {"sessions.get", "{\"session_id\":\"{SID}\"}", true},
    {"sessions.update", "{\"session_id\":\"{SID}\",\"client_user_id\":\"user_42\"}", false},
    {"fingerprints.list", "{\"limit\":3,\"sort\":\"seen_count\"}", true, {{VID, "data.0.id"}}},
    {"fingerprints.get", "{\"visitor_id\":\"{VID}\"}", true},
    {"organizations.create",
     "{\"name\":\"Rows Org\",\"slug\":\"{SLUG}\"}",
     false,
     {{ORG2, "data.id"}}},
    {"organizations.get", "{\"organization_id\":\"{ORG2}\"}", true},
    {"organizations.update", "{\"organization_id\":\"{ORG2}\",\"name\":\"Renamed\"}", false},
    {"organizations.api_keys.create",
     "{\"organization_id\":\"{ORG}\",\"name\":\"Rows key\",\"type\":\"secret\","
     "\"environment\":\"test\",\"scopes\":[\"fingerprints:list\"]}",
     false,
     {{KEY, "data.id"}}},
    {"organizations.api_keys.list", "{\"organization_id\":\"{ORG}\",\"limit\":2}", true},
    {"organizations.api_keys.update",
     "{\"organization_id\":\"{ORG}\",\"key_id\":\"{KEY}\",\"name\":\"Renamed key\"}", false},
    {"organizations.api_keys.rotate", "{\"organization_id\":\"{ORG}\",\"key_id\":\"{KEY}\"}",
     false},
    {"organizations.api_keys.revoke", "{\"organization_id\":\"{ORG}\",\"key_id\":\"{KEY}\"}",
     false},
    {"webhooks.create_endpoint",
     "{\"organization_id\":\"{ORG}\",\"name\":\"Hooks\",\"url\":\"http://127.0.0.1:9/hook\","
     "\"event_types\":[\"gate.session.approved\"]}",
     false,
     {{EP, "data.id"}}},
    {"webhooks.list_endpoints", "{\"organization_id\":\"{ORG}\"}", true},
    {"webhooks.update_endpoint",
     "{\"organization_id\":\"{ORG}\",\"endpoint_id\":\"{EP}\",\"name\":\"Renamed hooks\"}", false},
    {"webhooks.rotate_secret", "{\"organization_id\":\"{ORG}\",\"endpoint_id\":\"{EP}\"}", false},
    {"webhooks.send_test",
     "{\"organization_id\":\"{ORG}\",\"endpoint_id\":\"{EP}\"}",
     false,
     {{EVT, "data.event_id"}}},
    {"webhooks.list_events",
     "{\"organization_id\":\"{ORG}\",\"limit\":10,\"type\":\"webhook.test\"}", true},
    {"webhooks.retrieve_event", "{\"organization_id\":\"{ORG}\",\"event_id\":\"{EVT}\"}", true},
    {"gate.registry.list", NULL, true},
    {"gate.registry.get", "{\"service_id\":\"acme\"}", true},
    {"gate.services.create",
     "{\"id\":\"{SVC}\",\"name\":\"Svc\",\"description\":\"A service\","
     "\"website\":\"https://svc.example\",\"webhook_endpoint_id\":\"{EP}\","
     "\"discoverable\":false,\"branding\":{\"primary_color\":\"#0af\"}}",
     false},
    {"gate.services.list", "{}", true},
    {"gate.services.get", "{\"service_id\":\"{SVC}\"}", true},
    {"gate.services.update",
     "{\"service_id\":\"{SVC}\",\"name\":\"Svc 2\",\"dashboard_login_url\":null}", false},
    {"gate.services.disable", "{\"service_id\":\"{SVC}\"}", false},
    {"webhooks.disable_endpoint", "{\"organization_id\":\"{ORG}\",\"endpoint_id\":\"{EP}\"}",
     false},
    {"gate.sessions.create",
     "{\"service_id\":\"acme\",\"account_name\":\"rows-project\",\"delivery\":{DELIVERY}}",
     false,
     {{GS, "data.id"}, {POLL, "data.poll_token"}},
     make_delivery_requests},
    {"gate.sessions.poll", "{\"gate_session_id\":\"{GS}\",\"poll_token\":\"{POLL}\"}", false,
     .before = approve_signups, .after = open_bundles},
    {"gate.sessions.acknowledge",
     "{\"gate_session_id\":\"{GS}\",\"poll_token\":\"{POLL}\",\"ack_token\":\"{ACK}\"}", false},
    {"gate.login_sessions.create",
     "{\"agent_token\":\"{AGENT}\",\"service_id\":\"acme\"}",
     false,
     {{LOGIN, "data.id"}},
     .after = approve_logins},
    {"gate.login_sessions.consume", "{\"code\":\"{CODE}\"}", false},
    {"gate.agent_tokens.verify", "{\"agent_token\":\"{AGENT}\"}", true},
    {"gate.agent_tokens.revoke", "{\"agent_token\":\"{AGENT}\"}", false},
};

cJSON *operation_answer(const char *op, const char *way, foil_status_t st, foil_result_t *r,
                        const foil_error_t *err) {
    if (st != FOIL_OK)
        fail_msg("%s (%s): %s (%s)", op, way, foil_error_message(err), foil_error_code(err));
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

/* The row's operation through foil_call on the BY_CALL objects; its answer's JSON. */
static cJSON *run_foil_call(operation_twins_t *t, foil_client_t *client, const operation_row_t *w) {
    char *params = operation_twins_expand(t, w->params, BY_CALL);
    foil_result_t *r = NULL;
    foil_error_t *err = NULL;
    foil_status_t st = foil_call(client, w->op, params, &r, &err);
    free(params);
    /* The result's data view is the body's data. */
    if (r) assert_ptr_equal(foil_result_data(r), foil_json_get(foil_result_json(r), "data"));
    return operation_answer(w->op, "foil_call", st, r, err);
}

static size_t operation_index(const char *op) {
    for (size_t k = 0; k < foil_operation_count(); k++)
        if (strcmp(foil_operation_sdk_name(k), op) == 0) return k;
    fail_msg("%s is no operation of the table", op);
    return 0;
}

static void compare(const operation_row_t *w, const char *way, cJSON *called, cJSON *other) {
    bool alike;
    if (w->same) {
        json_drop_volatile(called);
        json_drop_volatile(other);
        alike = cJSON_Compare(called, other, true);
    } else {
        alike = json_same_shape(called, other, "$");
    }
    if (alike) return;
    char *a = cJSON_PrintUnformatted(called), *b = cJSON_PrintUnformatted(other);
    print_message("%s\n", a); /* each apart: cmocka cuts a long message */
    print_message("%s\n", b);
    free(a);
    free(b);
    fail_msg("%s: foil_call and %s differ (%s)", w->op, way, w->same ? "documents" : "shapes");
}

void operation_rows_run(operation_twins_t *t, foil_client_t *client, const operation_way_t *way) {
    size_t n_rows = sizeof rows / sizeof rows[0];
    assert_int_equal(n_rows, foil_operation_count());
    bool covered[64] = {false};
    assert_true(foil_operation_count() <= 64);
    for (size_t i = 0; i < n_rows; i++) {
        const operation_row_t *w = &rows[i];
        print_message("%s\n", w->op);
        size_t op = operation_index(w->op);
        assert_false(covered[op]);
        covered[op] = true;
        if (w->before) w->before(t);
        cJSON *answers[2];
        answers[BY_CALL] = run_foil_call(t, client, w);
        /* a read is of the same object both ways */
        answers[BY_TWIN] = way->run(way->ctx, t, w, op, w->same ? BY_CALL : BY_TWIN);
        if ((answers[BY_CALL] == NULL) != (answers[BY_TWIN] == NULL))
            fail_msg("%s: content from one of foil_call and %s only", w->op, way->name);
        for (int side = 0; side < 2; side++)
            if (way->check) way->check(way->ctx, w, op, answers[side]);
        if (answers[BY_CALL]) compare(w, way->name, answers[BY_CALL], answers[BY_TWIN]);
        for (size_t c = 0; c < 2 && w->capture[c].path; c++)
            for (int side = 0; side < 2; side++) {
                const cJSON *v = json_at_path(answers[side], w->capture[c].path);
                assert_true(cJSON_IsString(v));
                set_var(t, w->capture[c].var, side, v->valuestring);
            }
        if (w->after) w->after(t, answers);
        cJSON_Delete(answers[BY_CALL]);
        cJSON_Delete(answers[BY_TWIN]);
    }
}
