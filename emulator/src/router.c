/* The route table: every path of openapi.json, the consent page and the /_emulator routes. */
#include "emu.h"

#include <stdio.h>
#include <string.h>

typedef struct route {
    const char *method;
    const char *pattern; /* ":" segments capture a parameter */
    emu_handler_fn handler;
    int limited; /* counts against the rate limits */
} route_t;

static const route_t ROUTES[] = {
    {"GET", "/v1/gate/registry", emu_h_registry_list, 1},
    {"GET", "/v1/gate/registry/:", emu_h_registry_get, 1},
    {"GET", "/v1/gate/services", emu_h_services_list, 1},
    {"POST", "/v1/gate/services", emu_h_services_create, 1},
    {"GET", "/v1/gate/services/:", emu_h_services_get, 1},
    {"PATCH", "/v1/gate/services/:", emu_h_services_update, 1},
    {"DELETE", "/v1/gate/services/:", emu_h_services_disable, 1},
    {"POST", "/v1/gate/sessions", emu_h_gate_create, 1},
    {"GET", "/v1/gate/sessions/:", emu_h_gate_poll, 1},
    {"POST", "/v1/gate/sessions/:/ack", emu_h_gate_ack, 1},
    {"POST", "/v1/gate/login-sessions", emu_h_login_create, 1},
    {"POST", "/v1/gate/login-sessions/consume", emu_h_login_consume, 1},
    {"POST", "/v1/gate/agent-tokens/verify", emu_h_agent_verify, 1},
    {"POST", "/v1/gate/agent-tokens/revoke", emu_h_agent_revoke, 1},
    {"GET", "/v1/sessions", emu_h_sessions_list, 1},
    {"GET", "/v1/sessions/:", emu_h_sessions_get, 1},
    {"PATCH", "/v1/sessions/:", emu_h_sessions_update, 1},
    {"GET", "/v1/fingerprints", emu_h_fingerprints_list, 1},
    {"GET", "/v1/fingerprints/:", emu_h_fingerprints_get, 1},
    {"POST", "/v1/organizations", emu_h_org_create, 1},
    {"GET", "/v1/organizations/:", emu_h_org_get, 1},
    {"PATCH", "/v1/organizations/:", emu_h_org_update, 1},
    {"GET", "/v1/organizations/:/api-keys", emu_h_keys_list, 1},
    {"POST", "/v1/organizations/:/api-keys", emu_h_keys_create, 1},
    {"PATCH", "/v1/organizations/:/api-keys/:", emu_h_keys_update, 1},
    {"DELETE", "/v1/organizations/:/api-keys/:", emu_h_keys_revoke, 1},
    {"POST", "/v1/organizations/:/api-keys/:/rotations", emu_h_keys_rotate, 1},
    {"GET", "/v1/organizations/:/webhooks/endpoints", emu_h_endpoints_list, 1},
    {"POST", "/v1/organizations/:/webhooks/endpoints", emu_h_endpoints_create, 1},
    {"PATCH", "/v1/organizations/:/webhooks/endpoints/:", emu_h_endpoints_update, 1},
    {"DELETE", "/v1/organizations/:/webhooks/endpoints/:", emu_h_endpoints_disable, 1},
    {"POST", "/v1/organizations/:/webhooks/endpoints/:/rotations", emu_h_endpoints_rotate, 1},
    {"POST", "/v1/organizations/:/webhooks/endpoints/:/test", emu_h_endpoints_test, 1},
    {"GET", "/v1/organizations/:/events", emu_h_events_list, 1},
    {"GET", "/v1/organizations/:/events/:", emu_h_events_get, 1},
    {"GET", "/gate", emu_consent_page, 0},
    {"POST", "/gate/decision", emu_consent_decision, 0},
    {"GET", "/_emulator", emu_h_x_info, 0},
    {"POST", "/_emulator/gate/sessions/:/approve", emu_h_x_gate_approve, 0},
    {"POST", "/_emulator/gate/sessions/:/deny", emu_h_x_gate_deny, 0},
    {"POST", "/_emulator/gate/login-sessions/:/approve", emu_h_x_login_approve, 0},
    {"POST", "/_emulator/sessions/:/sealed-token", emu_h_x_sealed_token, 0},
    {"POST", "/_emulator/faults", emu_h_x_faults_add, 0},
    {"DELETE", "/_emulator/faults", emu_h_x_faults_clear, 0},
    {"POST", "/_emulator/secret-keys", emu_h_x_secret_keys, 0},
    {"POST", "/_emulator/webhook-sink", emu_h_x_webhook_sink, 0},
};

/* Matches `path` against `pattern`, capturing ":" segments into req->params. */
static int match(const char *pattern, const char *path, emu_request_t *req) {
    size_t n = 0;
    while (*pattern && *path) {
        if (*pattern != '/' || *path != '/') return 0;
        pattern++;
        path++;
        const char *seg_end = strchr(path, '/');
        size_t seg_len = seg_end ? (size_t)(seg_end - path) : strlen(path);
        if (*pattern == ':') {
            if (seg_len == 0 || seg_len >= sizeof(req->params[0]) || n == EMU_MAX_PARAMS) return 0;
            memcpy(req->params[n], path, seg_len);
            req->params[n][seg_len] = '\0';
            n++;
            pattern++;
        } else {
            const char *pat_end = strchr(pattern, '/');
            size_t pat_len = pat_end ? (size_t)(pat_end - pattern) : strlen(pattern);
            if (pat_len != seg_len || strncmp(pattern, path, seg_len) != 0) return 0;
            pattern += pat_len;
        }
        path += seg_len;
    }
    if (*pattern || (*path && strcmp(path, "/") != 0)) return 0;
    req->nparams = n;
    return 1;
}

void emu_route(emu_request_t *req, emu_response_t *resp) {
    char allow[64] = "";
    for (size_t i = 0; i < sizeof(ROUTES) / sizeof(ROUTES[0]); i++) {
        const route_t *r = &ROUTES[i];
        if (!match(r->pattern, req->path, req)) continue;
        if (strcmp(r->method, req->method) != 0) {
            size_t used = strlen(allow);
            snprintf(allow + used, sizeof(allow) - used, "%s%s", used ? ", " : "", r->method);
            continue;
        }
        if (r->limited && !emu_rate_limit(req, resp)) return;
        r->handler(req, resp);
        return;
    }
    if (allow[0]) {
        emu_response_header(resp, "Allow", allow);
        emu_respond_error(req, resp, 405, "request.method_not_allowed",
                          "This path does not support the request method.", NULL);
        return;
    }
    char msg[200];
    snprintf(msg, sizeof(msg), "No route matches %s %.120s.", req->method, req->path);
    emu_respond_error(req, resp, 404, "request.not_found", msg, NULL);
}
