/* Visitor fingerprint endpoints: list, iterate, get. */
#include "iterator.h"
#include "validate.h"

static const char *const sorts[] = {"seen_count", "first_seen", NULL};

static foil_status_t list_request(int limit, const char *search, const char *sort,
                                  foil_int_text_t *limit_text, foil_request_t *req) {
    const char *limit_value = NULL;
    foil_status_t st = foil_check_limit(limit, limit_text, &limit_value);
    if (st == FOIL_OK) st = foil_check_enum(sort, "sort", sorts);
    if (st != FOIL_OK) return st;
    *req = (foil_request_t){.op = FOIL_OP_LIST_FINGERPRINTS};
    foil_request_query(req, "limit", limit_value);
    foil_request_query(req, "search", search);
    foil_request_query(req, "sort", sort);
    return FOIL_OK;
}

foil_status_t foil_fingerprints_list(foil_client_t *client, int limit, const char *cursor,
                                     const char *search, const char *sort, foil_page_t **out) {
    foil_status_t st = foil_check_out(out);
    if (st != FOIL_OK) return st;
    *out = NULL;
    foil_int_text_t limit_text;
    foil_request_t req;
    if ((st = foil_check_client(client)) != FOIL_OK ||
        (st = list_request(limit, search, sort, &limit_text, &req)) != FOIL_OK)
        return st;
    foil_request_query(&req, "cursor", cursor);
    return foil_request_page(client, &req, out);
}

foil_status_t foil_fingerprints_iter(foil_client_t *client, int limit, const char *search,
                                     const char *sort, foil_iter_t **out) {
    foil_status_t st = foil_check_out(out);
    if (st != FOIL_OK) return st;
    *out = NULL;
    foil_int_text_t limit_text;
    foil_request_t req;
    if ((st = foil_check_client(client)) != FOIL_OK ||
        (st = list_request(limit, search, sort, &limit_text, &req)) != FOIL_OK)
        return st;
    return foil_iter_create(client, &req, out);
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
