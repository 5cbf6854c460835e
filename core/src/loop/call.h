/* One call on an event loop: its prepared request, the attempt on the wire (a libcurl
 * easy handle set up from the request), the response as it arrives, and its outcome. */
#ifndef FOIL_LOOP_CALL_H
#define FOIL_LOOP_CALL_H

#include "internal.h"

#include "foil/sansio.h"
#include "http/easy_setup.h"

#include <curl/curl.h>
#include <stdint.h>

typedef struct foil_loop_call {
    struct foil_loop_call *prev, *next; /* the loop's calls not yet collected */
    struct foil_loop_call *done_next;   /* the loop's finished calls, oldest first */
    uint64_t id;
    const foil_http_request_t *request;
    bool owns_request;              /* started by operation name: freed with the call */
    bool exchange;                  /* foil_loop_start_exchange: done with the response itself */
    CURL *easy;                     /* while an attempt is on the wire */
    foil_easy_headers_t headers;    /* the attempt's, pointing into the request's lines */
    foil_http_response_t *response; /* the attempt's answer so far (status 0 before it) */
    bool overflow;          /* the body went past max_response_bytes: the transfer stopped */
    bool out_of_memory;     /* keeping the body failed */
    int attempt;            /* 0: the first */
    long long started_ms;   /* when the first attempt began */
    long long retry_due_ms; /* waiting to be sent again at this time; -1: not waiting */
    long cancel_generation; /* the client's foil_client_cancel() count at the start */
    bool done;
    foil_status_t status;
    foil_result_t *result;
    foil_http_response_t *answer; /* an exchange's response, once done */
    foil_error_t *error;
} foil_loop_call_t;

/* A call for `request`, which it borrows: the call's owns_request says who frees it. */
foil_status_t foil_loop_call_new(const foil_http_request_t *request, foil_loop_call_t **out);
/* Frees the call, its request when it owns it (wiping its secrets) and any outcome not
 * collected. The easy handle must have been given back first. */
void foil_loop_call_free(foil_loop_call_t *c);

/* The attempt's answer has begun: its status line came. */
bool foil_loop_call_answered(const foil_loop_call_t *c);
/* Free the attempt's answer so far (c->response), its body buffer back to the client's
 * pool (wiped first when the request is not idempotent). */
void foil_loop_call_drop_response(foil_loop_call_t *c);

/* The options every attempt shares, once on a new handle. */
void foil_loop_call_configure_handle(CURL *easy);
/* Set `easy` up for the call's next attempt (c->easy = easy) with a new, empty response;
 * FOIL_E_NOMEM when that cannot be had (nothing is bound then). */
foil_status_t foil_loop_call_bind(foil_loop_call_t *c, CURL *easy);
/* Drop the handle's pointers into the call (before it is pooled again). */
void foil_loop_call_unbind(foil_loop_call_t *c);

/* The attempt's outcome from libcurl's `code`: foil_complete() on the answer, or
 * foil_complete_failure() for a transport failure. FOIL_OK with *result (NULL for a
 * 204), or the status with *error (owned). The response is freed. */
foil_status_t foil_loop_call_outcome(foil_loop_call_t *c, CURLcode code, foil_result_t **result,
                                     foil_error_t **error);

#endif
