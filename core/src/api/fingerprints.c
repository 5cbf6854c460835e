/* Visitor fingerprint endpoints: list, iterate, get. */
#include "run.h"
#include "validate.h"

foil_status_t foil_fingerprints_list(foil_client_t *client, int limit, const char *cursor,
                                     const char *search, const char *sort, foil_page_t **out) {
    const foil_list_arg_t args[] = {
        {"cursor", cursor}, {"search", search}, {"sort", sort}, {NULL, NULL}};
    return foil_list_page(client, FOIL_OP_LIST_FINGERPRINTS, limit, args, out);
}

foil_status_t foil_fingerprints_iter(foil_client_t *client, int limit, const char *search,
                                     const char *sort, foil_iter_t **out) {
    const foil_list_arg_t args[] = {{"search", search}, {"sort", sort}, {NULL, NULL}};
    return foil_list_iter(client, FOIL_OP_LIST_FINGERPRINTS, limit, args, out);
}

foil_status_t foil_run_fingerprints_get(const foil_run_t *run, const char *visitor_id) {
    foil_status_t st = foil_check_required(visitor_id, "visitor_id");
    if (st != FOIL_OK) return st;
    foil_request_t req = {.op = FOIL_OP_GET_FINGERPRINT, .path_args = {visitor_id}};
    return foil_run_request(run, &req);
}

foil_status_t foil_fingerprints_get(foil_client_t *client, const char *visitor_id,
                                    foil_result_t **out) {
    foil_run_t run;
    foil_status_t st = foil_run_start_result(&run, client, out);
    return st == FOIL_OK ? foil_run_fingerprints_get(&run, visitor_id) : st;
}
