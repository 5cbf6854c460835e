/* Gate dashboard login sessions (create, consume) and agent tokens (verify, revoke). */
#include "crypto/delivery_internal.h"
#include "result.h"
#include "validate.h"

/* {"<name>": value}. The body may hold a secret, so callers free it with
 * foil_json_wipe_delete. */
static foil_status_t one_member_body(const char *name, const char *value, cJSON **out) {
    *out = cJSON_CreateObject();
    if (!*out || !cJSON_AddStringToObject(*out, name, value)) {
        cJSON_Delete(*out);
        *out = NULL;
        return foil_fail_nomem();
    }
    return FOIL_OK;
}

foil_status_t foil_gate_login_sessions_create(foil_client_t *client, const char *agent_token,
                                              const char *service_id, foil_result_t **out) {
    foil_status_t st = foil_check_out(out);
    if (st != FOIL_OK) return st;
    *out = NULL;
    cJSON *body = NULL;
    if ((st = foil_check_client(client)) != FOIL_OK ||
        (st = foil_check_required(agent_token, "agent_token")) != FOIL_OK ||
        (st = foil_check_service_id(service_id, "service_id")) != FOIL_OK ||
        (st = one_member_body("service_id", service_id, &body)) != FOIL_OK)
        return st;
    foil_request_t req = {
        .op = FOIL_OP_CREATE_GATE_LOGIN_SESSION, .body = body, .bearer = agent_token};
    st = foil_request_result(client, &req, out);
    cJSON_Delete(body);
    return st;
}

foil_status_t foil_gate_login_sessions_consume(foil_client_t *client, const char *code,
                                               foil_result_t **out) {
    foil_status_t st = foil_check_out(out);
    if (st != FOIL_OK) return st;
    *out = NULL;
    cJSON *body = NULL;
    if ((st = foil_check_client(client)) != FOIL_OK ||
        (st = foil_check_required(code, "code")) != FOIL_OK ||
        (st = one_member_body("code", code, &body)) != FOIL_OK)
        return st;
    foil_request_t req = {.op = FOIL_OP_CONSUME_GATE_LOGIN_SESSION, .body = body};
    st = foil_request_result(client, &req, out);
    foil_json_wipe_delete(body);
    return st;
}

static foil_status_t agent_token_body(foil_client_t *client, const char *agent_token,
                                      cJSON **body) {
    *body = NULL;
    foil_status_t st = foil_check_client(client);
    if (st == FOIL_OK) st = foil_check_required(agent_token, "agent_token");
    if (st == FOIL_OK) st = one_member_body("agent_token", agent_token, body);
    return st;
}

foil_status_t foil_gate_agent_tokens_verify(foil_client_t *client, const char *agent_token,
                                            foil_result_t **out) {
    foil_status_t st = foil_check_out(out);
    if (st != FOIL_OK) return st;
    *out = NULL;
    cJSON *body = NULL;
    if ((st = agent_token_body(client, agent_token, &body)) != FOIL_OK) return st;
    foil_request_t req = {.op = FOIL_OP_VERIFY_GATE_AGENT_TOKEN, .body = body};
    st = foil_request_result(client, &req, out);
    foil_json_wipe_delete(body);
    return st;
}

foil_status_t foil_gate_agent_tokens_revoke(foil_client_t *client, const char *agent_token) {
    cJSON *body = NULL;
    foil_status_t st = agent_token_body(client, agent_token, &body);
    if (st != FOIL_OK) return st;
    foil_request_t req = {.op = FOIL_OP_REVOKE_GATE_AGENT_TOKEN, .body = body};
    st = foil_request_no_content(client, &req);
    foil_json_wipe_delete(body);
    return st;
}
