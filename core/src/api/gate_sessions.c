/* Gate signup-session operations: create, poll, acknowledge. */
#include "crypto/delivery_internal.h"
#include "run.h"
#include "validate.h"

foil_status_t foil_run_gate_sessions_create(const foil_run_t *run, const char *service_id,
                                            const char *account_name, const char *metadata_json,
                                            const char *delivery_json) {
    cJSON *metadata = NULL, *delivery = NULL, *body = NULL;
    foil_status_t st;
    if ((st = foil_check_service_id(service_id, "service_id")) != FOIL_OK ||
        (st = foil_check_required(account_name, "account_name")) != FOIL_OK ||
        (metadata_json &&
         (st = foil_parse_object_arg(metadata_json, "metadata", &metadata)) != FOIL_OK) ||
        (st = foil_parse_object_arg(delivery_json, "delivery", &delivery)) != FOIL_OK ||
        (st = foil_gate_delivery_request_validate(delivery_json)) != FOIL_OK)
        goto done;
    body = cJSON_CreateObject();
    if (!body || !cJSON_AddStringToObject(body, "service_id", service_id) ||
        !cJSON_AddStringToObject(body, "account_name", account_name)) {
        st = foil_fail_nomem();
        goto done;
    }
    if (metadata) {
        cJSON_AddItemToObject(body, "metadata", metadata);
        metadata = NULL;
    }
    cJSON_AddItemToObject(body, "delivery", delivery);
    delivery = NULL;
    foil_request_t req = {.op = FOIL_OP_CREATE_GATE_SESSION, .body = body};
    st = foil_run_request(run, &req);
done:
    cJSON_Delete(metadata);
    cJSON_Delete(delivery);
    cJSON_Delete(body);
    return st;
}

foil_status_t foil_gate_sessions_create(foil_client_t *client, const char *service_id,
                                        const char *account_name, const char *metadata_json,
                                        const char *delivery_json, foil_result_t **out) {
    foil_run_t run;
    foil_status_t st = foil_run_start_result(&run, client, out);
    return st == FOIL_OK ? foil_run_gate_sessions_create(&run, service_id, account_name,
                                                         metadata_json, delivery_json)
                         : st;
}

foil_status_t foil_run_gate_sessions_poll(const foil_run_t *run, const char *gate_session_id,
                                          const char *poll_token) {
    foil_status_t st;
    if ((st = foil_check_required(gate_session_id, "gate_session_id")) != FOIL_OK ||
        (st = foil_check_required(poll_token, "poll_token")) != FOIL_OK)
        return st;
    foil_request_t req = {
        .op = FOIL_OP_POLL_GATE_SESSION, .path_args = {gate_session_id}, .bearer = poll_token};
    return foil_run_request(run, &req);
}

foil_status_t foil_gate_sessions_poll(foil_client_t *client, const char *gate_session_id,
                                      const char *poll_token, foil_result_t **out) {
    foil_run_t run;
    foil_status_t st = foil_run_start_result(&run, client, out);
    return st == FOIL_OK ? foil_run_gate_sessions_poll(&run, gate_session_id, poll_token) : st;
}

foil_status_t foil_run_gate_sessions_acknowledge(const foil_run_t *run, const char *gate_session_id,
                                                 const char *poll_token, const char *ack_token) {
    foil_status_t st;
    if ((st = foil_check_required(gate_session_id, "gate_session_id")) != FOIL_OK ||
        (st = foil_check_required(poll_token, "poll_token")) != FOIL_OK ||
        (st = foil_check_required(ack_token, "ack_token")) != FOIL_OK)
        return st;
    cJSON *body = cJSON_CreateObject();
    if (!body || !cJSON_AddStringToObject(body, "ack_token", ack_token)) {
        cJSON_Delete(body);
        return foil_fail_nomem();
    }
    foil_request_t req = {.op = FOIL_OP_ACK_GATE_SESSION,
                          .path_args = {gate_session_id},
                          .bearer = poll_token,
                          .body = body};
    st = foil_run_request(run, &req);
    foil_json_wipe_delete(body); /* the ack token is a credential */
    return st;
}

foil_status_t foil_gate_sessions_acknowledge(foil_client_t *client, const char *gate_session_id,
                                             const char *poll_token, const char *ack_token,
                                             foil_result_t **out) {
    foil_run_t run;
    foil_status_t st = foil_run_start_result(&run, client, out);
    return st == FOIL_OK
               ? foil_run_gate_sessions_acknowledge(&run, gate_session_id, poll_token, ack_token)
               : st;
}
