/* The caller's side of the sans-IO contract (foil/sansio.h) for tests: a prepared request
 * sent with a plain libcurl easy handle, as any host would with its own HTTP stack, and
 * completed with foil_complete / foil_complete_failure. */
#ifndef FOIL_TEST_SANSIO_SEND_H
#define FOIL_TEST_SANSIO_SEND_H

#include "foil/foil.h"

/* Send `req` once (every header, the body, its timeouts); *resp is the answer as received
 * (NULL when none came: then the return is the transport failure, FOIL_E_TIMEOUT or
 * FOIL_E_CONNECTION, and detail names it). */
foil_status_t sansio_send(const foil_http_request_t *req, foil_http_response_t **resp, char *detail,
                          size_t detail_cap);
/* sansio_send, then foil_complete or foil_complete_failure: what foil_call gives. */
foil_status_t sansio_exchange(const foil_http_request_t *req, foil_result_t **out,
                              foil_error_t **error_out);
/* foil_prepare + sansio_exchange: foil_call's twin without foil_call. */
foil_status_t sansio_call(foil_client_t *client, const char *operation, const char *params_json,
                          foil_result_t **out, foil_error_t **error_out);

#endif
