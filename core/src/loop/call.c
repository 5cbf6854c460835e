/* One call's attempts on the loop's multi handle: the easy handle set up from the
 * prepared request and the answer's status and headers collected as the blocking
 * transport does (http/easy_setup.h), the body up to the size cap, then the outcome from
 * sansio.h's foil_complete. */
#include "call.h"

#include "http/easy_setup.h"

#include <sodium.h>
#include <stdlib.h>
#include <stdio.h>

foil_status_t foil_loop_call_new(const foil_http_request_t *request, foil_loop_call_t **out) {
    *out = NULL;
    foil_loop_call_t *c = calloc(1, sizeof *c);
    if (!c) return foil_fail_nomem();
    c->request = request;
    c->retry_due_ms = -1;
    *out = c;
    return FOIL_OK;
}

/* The attempt's answer, empty until its status line. Its body buffer comes from the
 * client's pool of spare buffers and goes back to it, as the blocking transport's does: a
 * 200-item page is ~100 KB, which a fresh buffer per call grew by doubling (three
 * reallocs, ~110 KB copied) and wiped on free. Like the blocking transport it is wiped
 * only when the request may have revealed a secret (not GET / DELETE). An exchange's
 * answer is handed over and freed by its caller, so it keeps a buffer of its own. */
static foil_status_t new_response(foil_loop_call_t *c) {
    foil_loop_call_drop_response(c);
    foil_http_response_t *r = malloc(sizeof *r);
    if (!r) return foil_fail_nomem();
    /* Kept whole (on_body stops the transfer past the cap), as foil_http_response_new. */
    foil_http_response_init(r, 0, NULL, 0, (size_t)-1 / 2);
    if (!c->exchange) foil_transport_take_buffer(c->request->client->transport, &r->data, &r->cap);
    c->response = r;
    return FOIL_OK;
}

bool foil_loop_call_answered(const foil_loop_call_t *c) {
    return c->response && c->response->http_status != 0;
}

void foil_loop_call_drop_response(foil_loop_call_t *c) {
    foil_http_response_t *r = c->response;
    if (!r) return;
    c->response = NULL;
    if (!c->exchange) {
        if (r->data && !c->request->idempotent) sodium_memzero(r->data, r->len);
        foil_transport_give_buffer(c->request->client->transport, r->data, r->cap);
        r->data = NULL;
        r->len = r->cap = 0;
    }
    foil_http_response_free(r);
}

void foil_loop_call_free(foil_loop_call_t *c) {
    if (!c) return;
    foil_loop_call_drop_response(c);
    if (c->owns_request) foil_http_request_free((foil_http_request_t *)c->request);
    foil_result_free(c->result);
    foil_http_response_free(c->answer);
    foil_error_free(c->error);
    free(c);
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp) {
    foil_loop_call_t *c = userp;
    size_t n = size * nmemb;
    if (!foil_loop_call_answered(c)) return 0; /* a body before any status line: not HTTP */
    /* The cap is enforced here, so an oversized answer is not read to its end. */
    long max = c->request->max_response_bytes;
    if (max >= 0 && c->response->len + n > (size_t)max) c->overflow = true;
    if (!foil_http_response_append(c->response, data, n) && !c->overflow) c->out_of_memory = true;
    return c->overflow || c->out_of_memory ? 0 : n;
}

void foil_loop_call_configure_handle(CURL *easy) {
    foil_easy_configure(easy);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
}

foil_status_t foil_loop_call_bind(foil_loop_call_t *c, CURL *easy) {
    foil_status_t st = new_response(c);
    if (st != FOIL_OK) return st;
    c->easy = easy;
    c->overflow = c->out_of_memory = false;
    foil_easy_bind(easy, c->request, c->headers, c->response);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, c);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, c);
    return FOIL_OK;
}

void foil_loop_call_unbind(foil_loop_call_t *c) {
    CURL *easy = c->easy;
    if (!easy) return;
    curl_easy_setopt(easy, CURLOPT_PRIVATE, NULL);
    foil_easy_unbind(easy);
    c->easy = NULL;
}

foil_status_t foil_loop_call_outcome(foil_loop_call_t *c, CURLcode code, foil_result_t **result,
                                     foil_error_t **error) {
    *result = NULL;
    *error = NULL;
    foil_status_t st;
    if (code == CURLE_FILESIZE_EXCEEDED && c->response) /* Content-Length past the cap */
        c->overflow = c->response->overflow = true;
    if (c->out_of_memory || code == CURLE_OUT_OF_MEMORY) {
        st = foil_error_out(foil_fail_nomem(), error);
    } else if ((code == CURLE_OK || c->overflow) && foil_loop_call_answered(c)) {
        /* An oversized answer is the size cap's error, as foil_call() gives it. */
        st = foil_complete(c->request, c->response, result, error);
    } else if (code == CURLE_OPERATION_TIMEDOUT) {
        st = foil_complete_failure(c->request, FOIL_E_TIMEOUT, NULL, error);
    } else {
        char detail[512];
        if (code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE)
            foil_easy_tls_failure(c->request, code, detail, sizeof detail);
        else
            snprintf(detail, sizeof detail, "%s",
                     curl_easy_strerror(code == CURLE_OK ? CURLE_RECV_ERROR : code));
        st = foil_complete_failure(c->request, FOIL_E_CONNECTION, detail, error);
    }
    foil_loop_call_drop_response(c);
    return st;
}
