/* Gate dashboard login sessions (create, consume) and agent tokens (verify, revoke). */
#include "crypto/delivery_internal.h"
#include "run.h"
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

/* One operation whose body is {"<name>": value}, wiped after (it may hold a secret). */
static foil_status_t one_member_request(const foil_run_t *run, foil_op_t op, const char *name,
                                        const char *value, const char *bearer) {
    cJSON *body = NULL;
    foil_status_t st = one_member_body(name, value, &body);
    if (st != FOIL_OK) return st;
    foil_request_t req = {.op = op, .body = body, .bearer = bearer};
    st = foil_run_request(run, &req);
    foil_json_wipe_delete(body);
    return st;
}

foil_status_t foil_run_gate_login_sessions_create(const foil_run_t *run, const char *agent_token,
                                                  const char *service_id) {
    foil_status_t st;
    if ((st = foil_check_required(agent_token, "agent_token")) != FOIL_OK ||
        (st = foil_check_service_id(service_id, "service_id")) != FOIL_OK)
        return st;
    return one_member_request(run, FOIL_OP_CREATE_GATE_LOGIN_SESSION, "service_id", service_id,
                              agent_token);
}

foil_status_t foil_gate_login_sessions_create(foil_client_t *client, const char *agent_token,
                                              const char *service_id, foil_result_t **out) {
    foil_run_t run;
    foil_status_t st = foil_run_start_result(&run, client, out);
    return st == FOIL_OK ? foil_run_gate_login_sessions_create(&run, agent_token, service_id) : st;
}

foil_status_t foil_run_gate_login_sessions_consume(const foil_run_t *run, const char *code) {
    foil_status_t st = foil_check_required(code, "code");
    if (st != FOIL_OK) return st;
    return one_member_request(run, FOIL_OP_CONSUME_GATE_LOGIN_SESSION, "code", code, NULL);
}

foil_status_t foil_gate_login_sessions_consume(foil_client_t *client, const char *code,
                                               foil_result_t **out) {
    foil_run_t run;
    foil_status_t st = foil_run_start_result(&run, client, out);
    return st == FOIL_OK ? foil_run_gate_login_sessions_consume(&run, code) : st;
}

foil_status_t foil_run_gate_agent_tokens_verify(const foil_run_t *run, const char *agent_token) {
    foil_status_t st = foil_check_required(agent_token, "agent_token");
    if (st != FOIL_OK) return st;
    return one_member_request(run, FOIL_OP_VERIFY_GATE_AGENT_TOKEN, "agent_token", agent_token,
                              NULL);
}

foil_status_t foil_gate_agent_tokens_verify(foil_client_t *client, const char *agent_token,
                                            foil_result_t **out) {
    foil_run_t run;
    foil_status_t st = foil_run_start_result(&run, client, out);
    return st == FOIL_OK ? foil_run_gate_agent_tokens_verify(&run, agent_token) : st;
}

foil_status_t foil_run_gate_agent_tokens_revoke(const foil_run_t *run, const char *agent_token) {
    foil_status_t st = foil_check_required(agent_token, "agent_token");
    if (st != FOIL_OK) return st;
    return one_member_request(run, FOIL_OP_REVOKE_GATE_AGENT_TOKEN, "agent_token", agent_token,
                              NULL);
}

foil_status_t foil_gate_agent_tokens_revoke(foil_client_t *client, const char *agent_token) {
    foil_run_t run;
    foil_status_t st = foil_run_start_none(&run, client);
    return st == FOIL_OK ? foil_run_gate_agent_tokens_revoke(&run, agent_token) : st;
}
