/* foil_result_t and foil_page_t (result.c): an operation's decoded answer, wrapped. */
#ifndef FOIL_RESULT_INTERNAL_H
#define FOIL_RESULT_INTERNAL_H

#include "http/request.h"

/* Wrap a decoded answer as a result (`data` an object or an array) / a list's page.
 * Both take the response, cleared even on failure. */
foil_status_t foil_result_from_response(foil_response_t *response, foil_result_t **out);
foil_status_t foil_page_from_response(foil_response_t *response, foil_page_t **out);
/* The page's response as a result (data + pagination in foil_result_json()). Takes
 * the page, which is freed even on failure. */
foil_status_t foil_result_from_page(foil_page_t *page, foil_result_t **out);

#endif
