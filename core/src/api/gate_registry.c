/* Public Gate registry endpoints: list, get. */
#include "run.h"
#include "validate.h"

foil_status_t foil_run_gate_registry_list(const foil_run_t *run) {
    foil_request_t req = {.op = FOIL_OP_LIST_GATE_REGISTRY};
    return foil_run_request(run, &req);
}

foil_status_t foil_gate_registry_list(foil_client_t *client, foil_result_t **out) {
    foil_run_t run;
    foil_status_t st = foil_run_start_result(&run, client, out);
    return st == FOIL_OK ? foil_run_gate_registry_list(&run) : st;
}

foil_status_t foil_run_gate_registry_get(const foil_run_t *run, const char *service_id) {
    foil_status_t st = foil_check_service_id(service_id, "service_id");
    if (st != FOIL_OK) return st;
    foil_request_t req = {.op = FOIL_OP_GET_GATE_REGISTRY_SERVICE, .path_args = {service_id}};
    return foil_run_request(run, &req);
}

foil_status_t foil_gate_registry_get(foil_client_t *client, const char *service_id,
                                     foil_result_t **out) {
    foil_run_t run;
    foil_status_t st = foil_run_start_result(&run, client, out);
    return st == FOIL_OK ? foil_run_gate_registry_get(&run, service_id) : st;
}
