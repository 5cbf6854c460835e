/* Organization endpoints: create, get, update. */
#include "run.h"
#include "contract/values.h"
#include "validate.h"

static const foil_body_field_t update_fields[] = {
    {"name", FOIL_BODY_STRING, FOIL_BODY_NON_EMPTY, NULL, NULL, NULL},
    {"status", FOIL_BODY_STRING, 0, foil_values_organization_statuses, NULL, NULL},
    {NULL, 0, 0, NULL, NULL, NULL},
};
static const foil_body_schema_t update_schema = {update_fields, true, true};

foil_status_t foil_run_organizations_create(const foil_run_t *run, const char *name,
                                            const char *slug) {
    foil_status_t st;
    if ((st = foil_check_required(name, "name")) != FOIL_OK ||
        (st = foil_check_slug(slug, "slug")) != FOIL_OK)
        return st;
    cJSON *body = cJSON_CreateObject();
    if (!body || !cJSON_AddStringToObject(body, "name", name) ||
        !cJSON_AddStringToObject(body, "slug", slug)) {
        cJSON_Delete(body);
        return foil_fail_nomem();
    }
    foil_request_t req = {.op = FOIL_OP_CREATE_ORGANIZATION, .body = body};
    st = foil_run_request(run, &req);
    cJSON_Delete(body);
    return st;
}

foil_status_t foil_organizations_create(foil_client_t *client, const char *name, const char *slug,
                                        foil_result_t **out) {
    foil_run_t run;
    foil_status_t st = foil_run_start_result(&run, client, out);
    return st == FOIL_OK ? foil_run_organizations_create(&run, name, slug) : st;
}

foil_status_t foil_run_organizations_get(const foil_run_t *run, const char *organization_id) {
    foil_status_t st = foil_check_required(organization_id, "organization_id");
    if (st != FOIL_OK) return st;
    foil_request_t req = {.op = FOIL_OP_GET_ORGANIZATION, .path_args = {organization_id}};
    return foil_run_request(run, &req);
}

foil_status_t foil_organizations_get(foil_client_t *client, const char *organization_id,
                                     foil_result_t **out) {
    foil_run_t run;
    foil_status_t st = foil_run_start_result(&run, client, out);
    return st == FOIL_OK ? foil_run_organizations_get(&run, organization_id) : st;
}

foil_status_t foil_run_organizations_update(const foil_run_t *run, const char *organization_id,
                                            const char *json_body) {
    cJSON *body = NULL;
    foil_status_t st;
    if ((st = foil_check_required(organization_id, "organization_id")) != FOIL_OK ||
        (st = foil_parse_body_arg(json_body, "json_body", &update_schema, &body)) != FOIL_OK)
        return st;
    foil_request_t req = {
        .op = FOIL_OP_UPDATE_ORGANIZATION, .path_args = {organization_id}, .body = body};
    st = foil_run_request(run, &req);
    cJSON_Delete(body);
    return st;
}

foil_status_t foil_organizations_update(foil_client_t *client, const char *organization_id,
                                        const char *json_body, foil_result_t **out) {
    foil_run_t run;
    foil_status_t st = foil_run_start_result(&run, client, out);
    return st == FOIL_OK ? foil_run_organizations_update(&run, organization_id, json_body) : st;
}
