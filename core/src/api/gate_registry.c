/* Public Gate registry endpoints: list, get. */
#include "result.h"
#include "validate.h"

foil_status_t foil_gate_registry_list(foil_client_t *client, foil_result_t **out) {
    foil_status_t st = foil_check_out(out);
    if (st != FOIL_OK) return st;
    *out = NULL;
    if ((st = foil_check_client(client)) != FOIL_OK) return st;
    foil_request_t req = {.op = FOIL_OP_LIST_GATE_REGISTRY};
    return foil_request_result(client, &req, out);
}

foil_status_t foil_gate_registry_get(foil_client_t *client, const char *service_id,
                                     foil_result_t **out) {
    foil_status_t st = foil_check_out(out);
    if (st != FOIL_OK) return st;
    *out = NULL;
    if ((st = foil_check_client(client)) != FOIL_OK ||
        (st = foil_check_service_id(service_id, "service_id")) != FOIL_OK)
        return st;
    foil_request_t req = {.op = FOIL_OP_GET_GATE_REGISTRY_SERVICE, .path_args = {service_id}};
    return foil_request_result(client, &req, out);
}
