/* Organization API key endpoints: create, list, iterate, update, revoke, rotate. */
#include "contract/values.h"
#include "run.h"
#include "validate.h"

#include <string.h>

static const foil_body_field_t create_fields[] = {
    {"name", FOIL_BODY_STRING, FOIL_BODY_REQUIRED | FOIL_BODY_NON_EMPTY, NULL, NULL, NULL},
    {"type", FOIL_BODY_STRING, 0, foil_values_api_key_types, NULL, NULL},
    {"environment", FOIL_BODY_STRING, 0, foil_values_api_key_environments, NULL, NULL},
    {"allowed_origins", FOIL_BODY_STRING_ARRAY, 0, NULL, foil_check_uri, NULL},
    {"scopes", FOIL_BODY_STRING_ARRAY, FOIL_BODY_NON_EMPTY, foil_values_api_key_scopes, NULL, NULL},
    {NULL, 0, 0, NULL, NULL, NULL},
};
static const foil_body_schema_t create_schema = {create_fields, true, false};

static const foil_body_field_t update_fields[] = {
    {"name", FOIL_BODY_STRING, 0, NULL, NULL, NULL},
    {"allowed_origins", FOIL_BODY_STRING_ARRAY, 0, NULL, foil_check_uri, NULL},
    {"scopes", FOIL_BODY_STRING_ARRAY, FOIL_BODY_NON_EMPTY, foil_values_api_key_scopes, NULL, NULL},
    {NULL, 0, 0, NULL, NULL, NULL},
};
static const foil_body_schema_t update_schema = {update_fields, true, true};

/* Scopes belong to secret keys: present iff "type" is "secret". */
static foil_status_t check_scopes_match_type(const cJSON *body) {
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(body, "type");
    bool secret = cJSON_IsString(type) && strcmp(type->valuestring, "secret") == 0;
    bool has_scopes = cJSON_GetObjectItemCaseSensitive(body, "scopes") != NULL;
    if (has_scopes && !secret)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "type",
                               "must be \"secret\" when scopes are given", "secret",
                               cJSON_IsString(type) ? type->valuestring : NULL);
    if (secret && !has_scopes)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "scopes", "is required for secret keys",
                               "a non-empty array of scopes", NULL);
    return FOIL_OK;
}

static foil_status_t check_key_args(const char *organization_id, const char *key_id) {
    foil_status_t st = foil_check_required(organization_id, "organization_id");
    if (st == FOIL_OK) st = foil_check_required(key_id, "key_id");
    return st;
}

foil_status_t foil_run_api_keys_create(const foil_run_t *run, const char *organization_id,
                                       const char *json_body) {
    cJSON *body = NULL;
    foil_status_t st;
    if ((st = foil_check_required(organization_id, "organization_id")) != FOIL_OK ||
        (st = foil_parse_body_arg(json_body, "json_body", &create_schema, &body)) != FOIL_OK)
        return st;
    if ((st = check_scopes_match_type(body)) == FOIL_OK) {
        foil_request_t req = {
            .op = FOIL_OP_CREATE_API_KEY, .path_args = {organization_id}, .body = body};
        st = foil_run_request(run, &req);
    }
    cJSON_Delete(body);
    return st;
}

foil_status_t foil_api_keys_create(foil_client_t *client, const char *organization_id,
                                   const char *json_body, foil_result_t **out) {
    foil_run_t run;
    foil_status_t st = foil_run_start_result(&run, client, out);
    return st == FOIL_OK ? foil_run_api_keys_create(&run, organization_id, json_body) : st;
}

foil_status_t foil_api_keys_list(foil_client_t *client, const char *organization_id, int limit,
                                 const char *cursor, foil_page_t **out) {
    const foil_list_arg_t args[] = {
        {"organization_id", organization_id}, {"cursor", cursor}, {NULL, NULL}};
    return foil_list_page(client, FOIL_OP_LIST_API_KEYS, limit, args, out);
}

foil_status_t foil_api_keys_iter(foil_client_t *client, const char *organization_id, int limit,
                                 foil_iter_t **out) {
    const foil_list_arg_t args[] = {{"organization_id", organization_id}, {NULL, NULL}};
    return foil_list_iter(client, FOIL_OP_LIST_API_KEYS, limit, args, out);
}

foil_status_t foil_run_api_keys_update(const foil_run_t *run, const char *organization_id,
                                       const char *key_id, const char *json_body) {
    cJSON *body = NULL;
    foil_status_t st;
    if ((st = check_key_args(organization_id, key_id)) != FOIL_OK ||
        (st = foil_parse_body_arg(json_body, "json_body", &update_schema, &body)) != FOIL_OK)
        return st;
    foil_request_t req = {
        .op = FOIL_OP_UPDATE_API_KEY, .path_args = {organization_id, key_id}, .body = body};
    st = foil_run_request(run, &req);
    cJSON_Delete(body);
    return st;
}

foil_status_t foil_api_keys_update(foil_client_t *client, const char *organization_id,
                                   const char *key_id, const char *json_body, foil_result_t **out) {
    foil_run_t run;
    foil_status_t st = foil_run_start_result(&run, client, out);
    return st == FOIL_OK ? foil_run_api_keys_update(&run, organization_id, key_id, json_body) : st;
}

foil_status_t foil_run_api_keys_action(const foil_run_t *run, foil_op_t op,
                                       const char *organization_id, const char *key_id) {
    foil_status_t st = check_key_args(organization_id, key_id);
    if (st != FOIL_OK) return st;
    foil_request_t req = {.op = op, .path_args = {organization_id, key_id}};
    return foil_run_request(run, &req);
}

static foil_status_t key_action(foil_client_t *client, foil_op_t op, const char *organization_id,
                                const char *key_id, foil_result_t **out) {
    foil_run_t run;
    foil_status_t st = foil_run_start_result(&run, client, out);
    return st == FOIL_OK ? foil_run_api_keys_action(&run, op, organization_id, key_id) : st;
}

foil_status_t foil_api_keys_revoke(foil_client_t *client, const char *organization_id,
                                   const char *key_id, foil_result_t **out) {
    return key_action(client, FOIL_OP_REVOKE_API_KEY, organization_id, key_id, out);
}

foil_status_t foil_api_keys_rotate(foil_client_t *client, const char *organization_id,
                                   const char *key_id, foil_result_t **out) {
    return key_action(client, FOIL_OP_ROTATE_API_KEY, organization_id, key_id, out);
}
