/* foil_result_t and foil_page_t (result.c): a request's response, sent and wrapped. */
#ifndef FOIL_RESULT_INTERNAL_H
#define FOIL_RESULT_INTERNAL_H

#include "http/request.h"

/* Send and wrap the response as a result / a page / nothing (204). */
foil_status_t foil_request_result(foil_client_t *client, const foil_request_t *req,
                                  foil_result_t **out);
foil_status_t foil_request_page(foil_client_t *client, const foil_request_t *req,
                                foil_page_t **out);
/* Wrap a list response as a page (takes the response, cleared even on failure). */
foil_status_t foil_page_from_response(foil_response_t *response, foil_page_t **out);
foil_status_t foil_request_no_content(foil_client_t *client, const foil_request_t *req);
/* The page's response as a result (data + pagination in foil_result_json()). Takes
 * the page, which is freed even on failure. */
foil_status_t foil_result_from_page(foil_page_t *page, foil_result_t **out);

#endif
