/* Organization-owned Gate service endpoints: list, get, create, update, disable. */
#include "run.h"
#include "validate.h"

static const foil_body_field_t env_var_fields[] = {
    {"name", FOIL_BODY_STRING, FOIL_BODY_REQUIRED, NULL, NULL, NULL},
    {"key", FOIL_BODY_STRING, FOIL_BODY_REQUIRED, NULL, NULL, NULL},
    {"secret", FOIL_BODY_BOOL, FOIL_BODY_REQUIRED, NULL, NULL, NULL},
    {NULL, 0, 0, NULL, NULL, NULL},
};
static const foil_body_schema_t env_var_schema = {env_var_fields, false, false};

static const foil_body_field_t sdk_fields[] = {
    {"label", FOIL_BODY_STRING, FOIL_BODY_REQUIRED, NULL, NULL, NULL},
    {"install", FOIL_BODY_STRING, FOIL_BODY_REQUIRED, NULL, NULL, NULL},
    {"url", FOIL_BODY_STRING, FOIL_BODY_REQUIRED, NULL, foil_check_uri, NULL},
    {NULL, 0, 0, NULL, NULL, NULL},
};
static const foil_body_schema_t sdk_schema = {sdk_fields, false, false};

/* "verified" is read-only: the API sets it, so requests need not carry it. */
static const foil_body_field_t branding_fields[] = {
    {"logo_url", FOIL_BODY_STRING, 0, NULL, foil_check_uri, NULL},
    {"primary_color", FOIL_BODY_STRING, 0, NULL, foil_check_hex_color, NULL},
    {"secondary_color", FOIL_BODY_STRING, 0, NULL, foil_check_hex_color, NULL},
    {"ascii_art", FOIL_BODY_STRING, 0, NULL, NULL, NULL},
    {"verified", FOIL_BODY_BOOL, 0, NULL, NULL, NULL},
    {NULL, 0, 0, NULL, NULL, NULL},
};
static const foil_body_schema_t branding_schema = {branding_fields, false, false};

static const foil_body_field_t consent_fields[] = {
    {"terms_url", FOIL_BODY_STRING, 0, NULL, foil_check_uri, NULL},
    {"privacy_url", FOIL_BODY_STRING, 0, NULL, foil_check_uri, NULL},
    {NULL, 0, 0, NULL, NULL, NULL},
};
static const foil_body_schema_t consent_schema = {consent_fields, false, false};

#define REQ FOIL_BODY_REQUIRED
#define SERVICE_MEMBERS(required, login_url_flags)                                                 \
    {"discoverable", FOIL_BODY_BOOL, 0, NULL, NULL, NULL},                                         \
        {"name", FOIL_BODY_STRING, required, NULL, NULL, NULL},                                    \
        {"description", FOIL_BODY_STRING, required, NULL, NULL, NULL},                             \
        {"website", FOIL_BODY_STRING, required, NULL, foil_check_uri, NULL},                       \
        {"dashboard_login_url", FOIL_BODY_STRING, login_url_flags, NULL, foil_check_uri, NULL},    \
        {"env_vars", FOIL_BODY_OBJECT_ARRAY, 0, NULL, NULL, &env_var_schema},                      \
        {"docs_url", FOIL_BODY_STRING, 0, NULL, foil_check_uri, NULL},                             \
        {"sdks", FOIL_BODY_OBJECT_ARRAY, 0, NULL, NULL, &sdk_schema},                              \
        {"branding", FOIL_BODY_OBJECT, 0, NULL, NULL, &branding_schema},                           \
        {"consent", FOIL_BODY_OBJECT, 0, NULL, NULL, &consent_schema}, {                           \
        "webhook_endpoint_id", FOIL_BODY_STRING, required | FOIL_BODY_NON_EMPTY, NULL, NULL, NULL  \
    }

static const foil_body_field_t create_fields[] = {
    {"id", FOIL_BODY_STRING, REQ, NULL, foil_check_new_service_id, NULL},
    SERVICE_MEMBERS(REQ, 0),
    {NULL, 0, 0, NULL, NULL, NULL},
};
static const foil_body_schema_t create_schema = {create_fields, false, false};

static const foil_body_field_t update_fields[] = {
    SERVICE_MEMBERS(0, FOIL_BODY_NULLABLE),
    {NULL, 0, 0, NULL, NULL, NULL},
};
static const foil_body_schema_t update_schema = {update_fields, false, true};

foil_status_t foil_run_gate_services_list(const foil_run_t *run) {
    foil_request_t req = {.op = FOIL_OP_LIST_GATE_SERVICES};
    return foil_run_request(run, &req);
}

foil_status_t foil_gate_services_list(foil_client_t *client, foil_result_t **out) {
    foil_run_t run;
    foil_status_t st = foil_run_start_result(&run, client, out);
    return st == FOIL_OK ? foil_run_gate_services_list(&run) : st;
}

foil_status_t foil_run_gate_services_action(const foil_run_t *run, foil_op_t op,
                                            const char *service_id) {
    foil_status_t st = foil_check_service_id(service_id, "service_id");
    if (st != FOIL_OK) return st;
    foil_request_t req = {.op = op, .path_args = {service_id}};
    return foil_run_request(run, &req);
}

static foil_status_t service_action(foil_client_t *client, foil_op_t op, const char *service_id,
                                    foil_result_t **out) {
    foil_run_t run;
    foil_status_t st = foil_run_start_result(&run, client, out);
    return st == FOIL_OK ? foil_run_gate_services_action(&run, op, service_id) : st;
}

foil_status_t foil_gate_services_get(foil_client_t *client, const char *service_id,
                                     foil_result_t **out) {
    return service_action(client, FOIL_OP_GET_GATE_SERVICE, service_id, out);
}

foil_status_t foil_gate_services_disable(foil_client_t *client, const char *service_id,
                                         foil_result_t **out) {
    return service_action(client, FOIL_OP_DISABLE_GATE_SERVICE, service_id, out);
}

foil_status_t foil_run_gate_services_create(const foil_run_t *run, const char *json_body) {
    cJSON *body = NULL;
    foil_status_t st = foil_parse_body_arg(json_body, "json_body", &create_schema, &body);
    if (st != FOIL_OK) return st;
    foil_request_t req = {.op = FOIL_OP_CREATE_GATE_SERVICE, .body = body};
    st = foil_run_request(run, &req);
    cJSON_Delete(body);
    return st;
}

foil_status_t foil_gate_services_create(foil_client_t *client, const char *json_body,
                                        foil_result_t **out) {
    foil_run_t run;
    foil_status_t st = foil_run_start_result(&run, client, out);
    return st == FOIL_OK ? foil_run_gate_services_create(&run, json_body) : st;
}

foil_status_t foil_run_gate_services_update(const foil_run_t *run, const char *service_id,
                                            const char *json_body) {
    cJSON *body = NULL;
    foil_status_t st;
    if ((st = foil_check_service_id(service_id, "service_id")) != FOIL_OK ||
        (st = foil_parse_body_arg(json_body, "json_body", &update_schema, &body)) != FOIL_OK)
        return st;
    foil_request_t req = {
        .op = FOIL_OP_UPDATE_GATE_SERVICE, .path_args = {service_id}, .body = body};
    st = foil_run_request(run, &req);
    cJSON_Delete(body);
    return st;
}

foil_status_t foil_gate_services_update(foil_client_t *client, const char *service_id,
                                        const char *json_body, foil_result_t **out) {
    foil_run_t run;
    foil_status_t st = foil_run_start_result(&run, client, out);
    return st == FOIL_OK ? foil_run_gate_services_update(&run, service_id, json_body) : st;
}
