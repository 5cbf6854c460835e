/* Visitor fingerprint endpoints: list, iterate, get. */
#include "lists.h"
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

foil_status_t foil_fingerprints_get(foil_client_t *client, const char *visitor_id,
                                    foil_result_t **out) {
    foil_status_t st = foil_check_out(out);
    if (st != FOIL_OK) return st;
    *out = NULL;
    if ((st = foil_check_client(client)) != FOIL_OK ||
        (st = foil_check_required(visitor_id, "visitor_id")) != FOIL_OK)
        return st;
    foil_request_t req = {.op = FOIL_OP_GET_FINGERPRINT, .path_args = {visitor_id}};
    return foil_request_result(client, &req, out);
}
