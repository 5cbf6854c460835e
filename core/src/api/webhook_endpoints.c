/* Webhook endpoint and event endpoints of an organization. */
#include "run.h"
#include "contract/values.h"
#include "validate.h"

static const char *const endpoint_statuses[] = {"active", "disabled", NULL};

static const foil_body_field_t create_fields[] = {
    {"name", FOIL_BODY_STRING, FOIL_BODY_REQUIRED | FOIL_BODY_NON_EMPTY, NULL, NULL, NULL},
    {"url", FOIL_BODY_STRING, FOIL_BODY_REQUIRED, NULL, foil_check_uri, NULL},
    {"event_types", FOIL_BODY_STRING_ARRAY, FOIL_BODY_REQUIRED | FOIL_BODY_NON_EMPTY,
     foil_values_webhook_subscribable, NULL, NULL},
    {NULL, 0, 0, NULL, NULL, NULL},
};
static const foil_body_schema_t create_schema = {create_fields, true, false};

static const foil_body_field_t update_fields[] = {
    {"name", FOIL_BODY_STRING, FOIL_BODY_NON_EMPTY, NULL, NULL, NULL},
    {"url", FOIL_BODY_STRING, 0, NULL, foil_check_uri, NULL},
    {"status", FOIL_BODY_STRING, 0, endpoint_statuses, NULL, NULL},
    {"event_types", FOIL_BODY_STRING_ARRAY, FOIL_BODY_NON_EMPTY, foil_values_webhook_subscribable,
     NULL, NULL},
    {NULL, 0, 0, NULL, NULL, NULL},
};
static const foil_body_schema_t update_schema = {update_fields, true, true};

static foil_status_t check_endpoint(const char *organization_id, const char *endpoint_id) {
    foil_status_t st = foil_check_required(organization_id, "organization_id");
    return st == FOIL_OK ? foil_check_required(endpoint_id, "endpoint_id") : st;
}

foil_status_t foil_webhooks_list_endpoints(foil_client_t *client, const char *organization_id,
                                           int limit, const char *cursor, foil_page_t **out) {
    const foil_list_arg_t args[] = {
        {"organization_id", organization_id}, {"cursor", cursor}, {NULL, NULL}};
    return foil_list_page(client, FOIL_OP_LIST_WEBHOOK_ENDPOINTS, limit, args, out);
}

foil_status_t foil_webhooks_iter_endpoints(foil_client_t *client, const char *organization_id,
                                           int limit, foil_iter_t **out) {
    const foil_list_arg_t args[] = {{"organization_id", organization_id}, {NULL, NULL}};
    return foil_list_iter(client, FOIL_OP_LIST_WEBHOOK_ENDPOINTS, limit, args, out);
}

foil_status_t foil_run_webhooks_create_endpoint(const foil_run_t *run, const char *organization_id,
                                                const char *json_body) {
    cJSON *body = NULL;
    foil_status_t st;
    if ((st = foil_check_required(organization_id, "organization_id")) != FOIL_OK ||
        (st = foil_parse_body_arg(json_body, "json_body", &create_schema, &body)) != FOIL_OK)
        return st;
    foil_request_t req = {
        .op = FOIL_OP_CREATE_WEBHOOK_ENDPOINT, .path_args = {organization_id}, .body = body};
    st = foil_run_request(run, &req);
    cJSON_Delete(body);
    return st;
}

foil_status_t foil_webhooks_create_endpoint(foil_client_t *client, const char *organization_id,
                                            const char *json_body, foil_result_t **out) {
    foil_run_t run;
    foil_status_t st = foil_run_start_result(&run, client, out);
    return st == FOIL_OK ? foil_run_webhooks_create_endpoint(&run, organization_id, json_body) : st;
}

foil_status_t foil_run_webhooks_update_endpoint(const foil_run_t *run, const char *organization_id,
                                                const char *endpoint_id, const char *json_body) {
    cJSON *body = NULL;
    foil_status_t st;
    if ((st = check_endpoint(organization_id, endpoint_id)) != FOIL_OK ||
        (st = foil_parse_body_arg(json_body, "json_body", &update_schema, &body)) != FOIL_OK)
        return st;
    foil_request_t req = {.op = FOIL_OP_UPDATE_WEBHOOK_ENDPOINT,
                          .path_args = {organization_id, endpoint_id},
                          .body = body};
    st = foil_run_request(run, &req);
    cJSON_Delete(body);
    return st;
}

foil_status_t foil_webhooks_update_endpoint(foil_client_t *client, const char *organization_id,
                                            const char *endpoint_id, const char *json_body,
                                            foil_result_t **out) {
    foil_run_t run;
    foil_status_t st = foil_run_start_result(&run, client, out);
    return st == FOIL_OK
               ? foil_run_webhooks_update_endpoint(&run, organization_id, endpoint_id, json_body)
               : st;
}

foil_status_t foil_run_webhooks_endpoint_action(const foil_run_t *run, foil_op_t op,
                                                const char *organization_id,
                                                const char *endpoint_id) {
    foil_status_t st = check_endpoint(organization_id, endpoint_id);
    if (st != FOIL_OK) return st;
    foil_request_t req = {.op = op, .path_args = {organization_id, endpoint_id}};
    return foil_run_request(run, &req);
}

static foil_status_t endpoint_action(foil_client_t *client, foil_op_t op,
                                     const char *organization_id, const char *endpoint_id,
                                     foil_result_t **out) {
    foil_run_t run;
    foil_status_t st = foil_run_start_result(&run, client, out);
    return st == FOIL_OK ? foil_run_webhooks_endpoint_action(&run, op, organization_id, endpoint_id)
                         : st;
}

foil_status_t foil_webhooks_disable_endpoint(foil_client_t *client, const char *organization_id,
                                             const char *endpoint_id, foil_result_t **out) {
    return endpoint_action(client, FOIL_OP_DISABLE_WEBHOOK_ENDPOINT, organization_id, endpoint_id,
                           out);
}

foil_status_t foil_webhooks_rotate_secret(foil_client_t *client, const char *organization_id,
                                          const char *endpoint_id, foil_result_t **out) {
    return endpoint_action(client, FOIL_OP_ROTATE_WEBHOOK_SECRET, organization_id, endpoint_id,
                           out);
}

foil_status_t foil_webhooks_send_test(foil_client_t *client, const char *organization_id,
                                      const char *endpoint_id, foil_result_t **out) {
    return endpoint_action(client, FOIL_OP_SEND_TEST_WEBHOOK, organization_id, endpoint_id, out);
}

foil_status_t foil_webhooks_list_events(foil_client_t *client, const char *organization_id,
                                        int limit, const char *cursor, const char *endpoint_id,
                                        const char *type, foil_page_t **out) {
    const foil_list_arg_t args[] = {{"organization_id", organization_id},
                                    {"cursor", cursor},
                                    {"endpoint_id", endpoint_id},
                                    {"type", type},
                                    {NULL, NULL}};
    return foil_list_page(client, FOIL_OP_LIST_EVENTS, limit, args, out);
}

foil_status_t foil_webhooks_iter_events(foil_client_t *client, const char *organization_id,
                                        int limit, const char *endpoint_id, const char *type,
                                        foil_iter_t **out) {
    const foil_list_arg_t args[] = {{"organization_id", organization_id},
                                    {"endpoint_id", endpoint_id},
                                    {"type", type},
                                    {NULL, NULL}};
    return foil_list_iter(client, FOIL_OP_LIST_EVENTS, limit, args, out);
}

foil_status_t foil_run_webhooks_retrieve_event(const foil_run_t *run, const char *organization_id,
                                               const char *event_id) {
    foil_status_t st;
    if ((st = foil_check_required(organization_id, "organization_id")) != FOIL_OK ||
        (st = foil_check_required(event_id, "event_id")) != FOIL_OK)
        return st;
    foil_request_t req = {.op = FOIL_OP_RETRIEVE_EVENT, .path_args = {organization_id, event_id}};
    return foil_run_request(run, &req);
}

foil_status_t foil_webhooks_retrieve_event(foil_client_t *client, const char *organization_id,
                                           const char *event_id, foil_result_t **out) {
    foil_run_t run;
    foil_status_t st = foil_run_start_result(&run, client, out);
    return st == FOIL_OK ? foil_run_webhooks_retrieve_event(&run, organization_id, event_id) : st;
}
