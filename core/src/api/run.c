/* Running an operation's request: prepared only, or sent over libcurl and its answer
 * wrapped (run.h). */
#include "run.h"

#include "http/exchange.h"
#include "validate.h"

#include <string.h>

/* The checks every typed function makes first: out, then the client. */
#define START(out_member)                                                                          \
    *run = (foil_run_t){.client = client, .out_member = out};                                      \
    foil_status_t st = foil_check_out(out);                                                        \
    if (st != FOIL_OK) return st;                                                                  \
    *out = NULL;                                                                                   \
    return foil_check_client(client)

foil_status_t foil_run_start_result(foil_run_t *run, foil_client_t *client, foil_result_t **out) {
    START(result);
}

foil_status_t foil_run_start_page(foil_run_t *run, foil_client_t *client, foil_page_t **out) {
    START(page);
}

foil_status_t foil_run_start_prepare(foil_run_t *run, foil_client_t *client,
                                     foil_http_request_t **out) {
    START(prepared);
}

foil_status_t foil_run_start_none(foil_run_t *run, foil_client_t *client) {
    *run = (foil_run_t){.client = client};
    return foil_check_client(client);
}

foil_status_t foil_run_answer(foil_op_t op, foil_response_t *response, foil_result_t **out) {
    *out = NULL;
    if (foil_operation_paginated(op)) {
        foil_page_t *page = NULL;
        foil_status_t st = foil_page_from_response(response, &page);
        return st == FOIL_OK ? foil_result_from_page(page, out) : st;
    }
    if (strcmp(foil_operation_get(op)->result_model, "none") == 0) {
        foil_response_clear(response); /* no content: nothing to hand back */
        return FOIL_OK;
    }
    return foil_result_from_response(response, out);
}

foil_status_t foil_run_send(const foil_http_request_t *prepared, foil_result_t **out) {
    *out = NULL;
    foil_response_t response;
    foil_status_t st = foil_request_perform(prepared, &response);
    return st == FOIL_OK ? foil_run_answer(prepared->op, &response, out) : st;
}

foil_status_t foil_run_request(const foil_run_t *run, const foil_request_t *req) {
    if (run->prepared) return foil_http_request_build(run->client, req, run->prepared);
    foil_http_request_t *prepared = NULL;
    foil_response_t response;
    foil_status_t st = foil_http_request_build(run->client, req, &prepared);
    if (st == FOIL_OK) st = foil_request_perform(prepared, &response);
    foil_http_request_free(prepared);
    if (st != FOIL_OK) return st;
    if (run->page) return foil_page_from_response(&response, run->page);
    if (run->result) return foil_run_answer(req->op, &response, run->result);
    foil_response_clear(&response);
    return FOIL_OK;
}
