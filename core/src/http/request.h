/* One API operation's request (foil_request_t), its decoded answer (foil_response_t), and
 * sending it over libcurl. */
#ifndef FOIL_REQUEST_H
#define FOIL_REQUEST_H

#include "client_internal.h"
#include "json/json_arena.h"
#include "contract/operations.h"

#define FOIL_REQUEST_MAX_QUERY 8
/* Largest path or query argument, and largest request URL, sent: bigger is
 * FOIL_E_INVALID_ARGUMENT before anything goes on the wire. */
#define FOIL_REQUEST_MAX_ARGUMENT 8192
#define FOIL_REQUEST_MAX_URL 16384

typedef struct foil_query_param {
    const char *name;
    const char *value; /* NULL: omitted */
} foil_query_param_t;

typedef struct foil_request {
    foil_op_t op;
    const char *path_args[2]; /* substituted, escaped, into the template's {...} in order */
    foil_query_param_t query[FOIL_REQUEST_MAX_QUERY];
    size_t query_count;
    const cJSON *body;  /* NULL: no body */
    const char *bearer; /* poll or agent token for POLL / AGENT operations */
    /* NULL, or what a list answer's items keep (foil_json_arena_parse_projected) */
    const struct foil_json_projection *projection;
} foil_request_t;

typedef struct foil_response {
    int http_status;
    cJSON *root;              /* NULL for 204; read-only, owned by `arena` (no cJSON_Delete) */
    foil_json_arena_t *arena; /* NULL for 204 */
    bool wipe;                /* the body may carry secrets (not GET / DELETE): wipe on clear */
    char *request_id;
} foil_response_t;

/* http/request.c: send a prepared request over libcurl (http/exchange.h), retried as
 * foil_retry_decision says, and decode its answer as foil_complete does. On FOIL_OK the
 * response holds the parsed 2xx body. */
foil_status_t foil_request_perform(const foil_http_request_t *req, foil_response_t *out);
/* http/response.c */
void foil_response_clear(foil_response_t *r);

/* A GET started now and read later (a walk's next page): see request.c. start is best
 * effort; finish returns FOIL_OK with the parsed 2xx answer, FOIL_E_CANCELLED when this
 * thread's token or the client cancelled the wait, and any other status when there is no
 * answer to keep (nothing was started, or a bad answer: the caller sends the request the
 * ordinary way). body waits for the answer like finish but does not parse it: the raw 2xx
 * body (valid until finish or drop), or NULL when there is none to keep; the connection is
 * free for another request from then on. drop abandons a started request. One thread at a
 * time per ahead. */
typedef struct foil_request_ahead foil_request_ahead_t;
foil_request_ahead_t *foil_request_ahead_new(void);
void foil_request_ahead_start(foil_request_ahead_t *ah, foil_client_t *client,
                              const foil_request_t *req);
const char *foil_request_ahead_body(foil_request_ahead_t *ah, size_t *len);
foil_status_t foil_request_ahead_finish(foil_request_ahead_t *ah, foil_response_t *out);
void foil_request_ahead_drop(foil_request_ahead_t *ah);
void foil_request_ahead_free(foil_request_ahead_t *ah);

/* http/url.c: base_url + the operation's path with its {parameters} percent-encoded
 * (every byte outside RFC 3986's unreserved set, so no id can add a segment, a query or
 * a fragment; "." / ".." / empty ids are refused) + the escaped query. Arguments over
 * FOIL_REQUEST_MAX_ARGUMENT bytes and URLs over FOIL_REQUEST_MAX_URL are refused.
 * *out is malloc'd. */
foil_status_t foil_url_build(const char *base_url, const foil_request_t *req,
                             const foil_operation_t *op, char **out);

/* http/prepared.c: add a query parameter (NULL value: skipped). */
void foil_request_query(foil_request_t *req, const char *name, const char *value);

#endif
