/* Completing a prepared request from an answer the caller obtained (foil/sansio.h), and
 * the next page's request: the same decoding and wrapping foil_call's libcurl path uses. */
#include "run.h"

#include "http/exchange.h"

#include <string.h>

static foil_status_t null_argument(const char *name) {
    return foil_fail_field(FOIL_E_INVALID_ARGUMENT, name, "must not be NULL", NULL, NULL);
}

foil_status_t foil_complete(const foil_http_request_t *request,
                            const foil_http_response_t *response, foil_result_t **out,
                            foil_error_t **error_out) {
    if (error_out) *error_out = NULL;
    if (!out) return foil_error_out(null_argument("out"), error_out);
    *out = NULL;
    if (!request || !response)
        return foil_error_out(null_argument(!request ? "request" : "response"), error_out);
    foil_response_t decoded;
    foil_status_t st = foil_http_decode(request, response, &decoded);
    if (st == FOIL_OK) st = foil_run_answer(request->op, &decoded, out);
    return foil_error_out(st, error_out);
}

foil_status_t foil_complete_failure(const foil_http_request_t *request, foil_status_t status,
                                    const char *detail, foil_error_t **error_out) {
    if (error_out) *error_out = NULL;
    foil_status_t st =
        request ? foil_http_fail_transfer(request, status, detail) : null_argument("request");
    return foil_error_out(st, error_out);
}

foil_status_t foil_prepare_next(const foil_http_request_t *request, const foil_result_t *page,
                                foil_http_request_t **out, foil_error_t **error_out) {
    if (error_out) *error_out = NULL;
    if (!out) return foil_error_out(null_argument("out"), error_out);
    *out = NULL;
    foil_status_t st = FOIL_OK;
    if (!request || !page)
        st = null_argument(!request ? "request" : "page");
    else if (!foil_operation_paginated(request->op) || !foil_result_paginated(page))
        st = foil_fail_field(FOIL_E_INVALID_ARGUMENT, "request",
                             "is not a paginated list's, or page is not its answer",
                             "a list request and the page foil_complete gave for it",
                             request->operation->sdk_name);
    if (st != FOIL_OK || !foil_result_has_more(page)) return foil_error_out(st, error_out);
    const char *cursor = foil_result_next_cursor(page);
    if (foil_str_empty(cursor))
        return foil_error_out(
            foil_fail(FOIL_E_PROTOCOL, "list says has_more but gives no next_cursor"), error_out);
    foil_request_t req = {.op = request->op,
                          .path_args = {request->path_args[0], request->path_args[1]}};
    for (size_t i = 0; i < request->query_count; i++)
        foil_request_query(&req, request->query_names[i], request->query_values[i]);
    foil_request_query(&req, "cursor", cursor);
    st = foil_http_request_build(request->client, &req, out);
    return foil_error_out(st, error_out);
}
