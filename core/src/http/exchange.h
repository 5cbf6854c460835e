/* One HTTP exchange without I/O (foil/sansio.h): the prepared request (prepared.c), the
 * response as received (response.c), its decoding and the retry rules (decode.c,
 * retry.c). The libcurl transport (request.c) sends a prepared request and fills a
 * response through the same structures, so both paths decode alike. */
#ifndef FOIL_EXCHANGE_H
#define FOIL_EXCHANGE_H

#include "request.h"

/* Accept, User-Agent, X-Foil-Client, Content-Type, Authorization. */
#define FOIL_HTTP_MAX_HEADERS 5

struct foil_http_request {
    foil_client_t *client; /* retained: foil_prepare_next prepares the next page on it */
    foil_op_t op;
    const foil_operation_t *operation;
    char *url;
    char *scheme, *host, *target;
    int port;
    /* "Name: value" lines (libcurl's form) and the names alone; a value is at
     * line + strlen(name) + 2. */
    char *lines[FOIL_HTTP_MAX_HEADERS];
    char *names[FOIL_HTTP_MAX_HEADERS];
    size_t header_count;
    int auth_index; /* the Authorization line, -1: none */
    char *body;     /* JSON text, NULL: none */
    size_t body_len;
    bool loopback, idempotent;
    long timeout_ms, connect_timeout_ms, max_response_bytes;
    int max_retries;
    char *ca_bundle, *proxy;
    /* NULL, or what a list answer's items keep (the iterator's; borrowed) */
    const struct foil_json_projection *projection;
    /* A list's parameters but the cursor, for foil_prepare_next. */
    char *path_args[2];
    char *query_names[FOIL_REQUEST_MAX_QUERY];
    char *query_values[FOIL_REQUEST_MAX_QUERY];
    size_t query_count;
    /* foil_gate_session_prepare_poll's request: fed back as one poll, not a wait's step. */
    bool single_poll;
};

struct foil_http_response {
    int http_status;
    char request_id[128]; /* X-Request-Id, cut to fit */
    double retry_after;   /* seconds; -1: none or unreadable */
    char *data;           /* the body, NUL-terminated after len bytes */
    size_t len, cap;
    size_t max;    /* bytes kept at most: past it, overflow is set and nothing more kept */
    bool overflow; /* the body was longer than max */
    /* Content-Length as announced (saturated at LLONG_MAX); -1: none or unreadable. Past
     * the request's max_response_bytes it is the size cap's error, whatever came of it. */
    long long content_length;
};

/* prepared.c: the request for `req` on `client` (its options frozen, as by a send). */
foil_status_t foil_http_request_build(foil_client_t *client, const foil_request_t *req,
                                      foil_http_request_t **out);

/* response.c. init: an empty response keeping at most `max` body bytes (reusing
 * data/cap, which may be NULL/0). append: false when out of memory. The header rules
 * (which names count, Retry-After's forms) are shared with the libcurl transport. */
void foil_http_response_init(foil_http_response_t *r, int http_status, char *data, size_t cap,
                             size_t max);
bool foil_http_response_append(foil_http_response_t *r, const char *data, size_t len);
void foil_http_response_header(foil_http_response_t *r, const char *name, size_t name_len,
                               const char *value, size_t value_len);

/* decode.c: the outcome of `req` from `resp`: a 2xx body parsed into `out` (its answer,
 * not yet a result), else the typed error. */
foil_status_t foil_http_decode(const foil_http_request_t *req, const foil_http_response_t *resp,
                               foil_response_t *out);
/* The typed error of a transfer that got no response (FOIL_E_CONNECTION, _TIMEOUT,
 * _CANCELLED; anything else is FOIL_E_INVALID_ARGUMENT). detail may be NULL. */
foil_status_t foil_http_fail_transfer(const foil_http_request_t *req, foil_status_t status,
                                      const char *detail);

/* retry.c: whether the failed attempt `attempt` (0: the first) is sent again, and the
 * wait before it (seconds): the rules of foil_retry_decision. retry_after: the failed
 * answer's (-1: none), http_status 0 when no answer came. */
bool foil_http_retry(const foil_http_request_t *req, int attempt, foil_status_t failure,
                     int http_status, double retry_after, double elapsed, double *wait);

#endif
