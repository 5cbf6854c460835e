/* A prepared request (foil/sansio.h): everything one operation sends, composed once from
 * a foil_request_t on a client, read by the caller's own transport or by libcurl's. */
#include "exchange.h"
#include "json/json_tree.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "Bearer <token>" for the operation's credential, NULL when it takes none. */
static foil_status_t bearer(const foil_client_t *c, const foil_request_t *req,
                            const foil_operation_t *op, const char **token) {
    *token = NULL;
    switch (op->auth) {
    case FOIL_AUTH_NONE:
        return FOIL_OK;
    case FOIL_AUTH_SECRET: {
        foil_status_t st = foil_client_resolve_secret_key(c, token);
        if (st != FOIL_OK) return st;
        if (foil_str_empty(*token))
            return foil_fail(FOIL_E_CONFIGURATION,
                             "%s needs a secret key: pass one to the client or set FOIL_SECRET_KEY",
                             op->name);
        break;
    }
    case FOIL_AUTH_POLL:
    case FOIL_AUTH_AGENT:
        *token = req->bearer;
        if (foil_str_empty(*token))
            return foil_fail_field(FOIL_E_INVALID_ARGUMENT,
                                   op->auth == FOIL_AUTH_POLL ? "poll_token" : "agent_token",
                                   "is required", "a non-empty token", NULL);
        break;
    }
    if (foil_has_control_chars(*token))
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "token",
                               "must not contain control characters (CR, LF, ...)", NULL, NULL);
    return FOIL_OK;
}

/* Adds "name: value" (value NULL: the text after "name: " is value_prefix + rest). */
static bool add_header(foil_http_request_t *r, const char *name, const char *prefix,
                       const char *value) {
    size_t n = strlen(name), p = strlen(prefix), v = strlen(value);
    char *line = malloc(n + 2 + p + v + 1);
    char *copy = foil_strdup(name);
    if (!line || !copy) {
        free(line);
        free(copy);
        return false;
    }
    memcpy(line, name, n);
    memcpy(line + n, ": ", 2);
    memcpy(line + n + 2, prefix, p);
    memcpy(line + n + 2 + p, value, v + 1);
    r->lines[r->header_count] = line;
    r->names[r->header_count++] = copy;
    return true;
}

/* The URL's parts for a transport that opens its own connections. */
static foil_status_t split_url(foil_http_request_t *r) {
    CURLU *u = curl_url();
    char *host = NULL, *port = NULL, *path = NULL, *query = NULL;
    bool ok = u && curl_url_set(u, CURLUPART_URL, r->url, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_SCHEME, &r->scheme, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK;
    if (ok && curl_url_get(u, CURLUPART_QUERY, &query, 0) != CURLUE_OK) query = NULL;
    if (ok) {
        size_t h = strlen(host);
        bool bracketed = h >= 2 && host[0] == '[' && host[h - 1] == ']';
        r->host = bracketed ? strndup(host + 1, h - 2) : foil_strdup(host);
        r->port = atoi(port);
        size_t t = strlen(path) + (query ? strlen(query) + 1 : 0) + 1;
        if ((r->target = malloc(t)))
            snprintf(r->target, t, "%s%s%s", path, query ? "?" : "", query ? query : "");
        ok = r->host && r->target;
    }
    curl_free(host);
    curl_free(port);
    curl_free(path);
    curl_free(query);
    curl_url_cleanup(u);
    return ok ? FOIL_OK : foil_fail_nomem();
}

/* A list's parameters but the cursor, kept for foil_prepare_next. */
static bool keep_list_args(foil_http_request_t *r, const foil_request_t *req) {
    for (size_t i = 0; i < 2; i++)
        if (req->path_args[i] && !(r->path_args[i] = foil_strdup(req->path_args[i]))) return false;
    for (size_t i = 0; i < req->query_count; i++) {
        if (strcmp(req->query[i].name, "cursor") == 0) continue;
        if (!(r->query_names[r->query_count] = foil_strdup(req->query[i].name)) ||
            !(r->query_values[r->query_count++] = foil_strdup(req->query[i].value)))
            return false;
    }
    return true;
}

static foil_status_t compose(foil_http_request_t *r, foil_client_t *c, const foil_request_t *req) {
    foil_client_mark_in_use(c); /* options are read from here on: freeze them */
    r->op = req->op;
    r->operation = foil_operation_get(req->op);
    const foil_operation_t *op = r->operation;
    r->projection = req->projection;
    r->idempotent = strcmp(op->method, "GET") == 0 || strcmp(op->method, "DELETE") == 0;
    r->timeout_ms = c->timeout_ms;
    r->connect_timeout_ms = c->connect_timeout_ms ? c->connect_timeout_ms : c->timeout_ms;
    r->max_response_bytes = c->max_response_bytes;
    r->max_retries = c->max_retries;
    r->auth_index = -1;
    if ((c->ca_bundle && !(r->ca_bundle = foil_strdup(c->ca_bundle))) ||
        (c->proxy && !(r->proxy = foil_strdup(c->proxy))))
        return foil_fail_nomem();
    const char *base_url = foil_client_resolve_base_url(c, &r->loopback);
    if (!base_url) return foil_error_status(foil_last_error());
    foil_status_t st = foil_url_build(base_url, req, op, &r->url);
    const char *token = NULL;
    if (st == FOIL_OK) st = bearer(c, req, op, &token);
    if (st != FOIL_OK) return st;
    if (req->body) {
        /* Strings from a caller's C arguments reach the body unchecked: one that is not
         * UTF-8 is refused here, for every operation, naming its parameter (the members'
         * names are the operation table's). */
        for (const cJSON *m = req->body->child; m; m = m->next)
            if (!foil_json_tree_utf8(m))
                return foil_fail_field(FOIL_E_INVALID_ARGUMENT, m->string ? m->string : "body",
                                       "is not valid UTF-8", "UTF-8 text", NULL);
        if ((st = foil_json_print(req->body, &r->body)) != FOIL_OK) return st;
        r->body_len = strlen(r->body);
    }
    /* client_header is "X-Foil-Client: <value>" */
    const char *client_value = strchr(c->client_header, ':') + 2;
    bool ok = add_header(r, "Accept", "", "application/json") &&
              (!c->user_agent || add_header(r, "User-Agent", "", c->user_agent)) &&
              add_header(r, "X-Foil-Client", "", client_value) &&
              (!r->body || add_header(r, "Content-Type", "", "application/json"));
    if (ok && token) {
        r->auth_index = (int)r->header_count;
        ok = add_header(r, "Authorization", "Bearer ", token);
    }
    if (!ok || (foil_operation_paginated(req->op) && !keep_list_args(r, req)))
        return foil_fail_nomem();
    return split_url(r);
}

foil_status_t foil_http_request_build(foil_client_t *c, const foil_request_t *req,
                                      foil_http_request_t **out) {
    *out = NULL;
    if (!c)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "client", "must not be NULL", NULL, NULL);
    foil_http_request_t *r = calloc(1, sizeof *r);
    if (!r) return foil_fail_nomem();
    foil_client_retain(c);
    r->client = c;
    foil_status_t st = compose(r, c, req);
    if (st != FOIL_OK) {
        foil_http_request_free(r);
        return st;
    }
    *out = r;
    return FOIL_OK;
}

void foil_http_request_free(foil_http_request_t *r) {
    if (!r) return;
    for (size_t i = 0; i < r->header_count; i++) {
        if ((int)i == r->auth_index)
            foil_wipe_free(r->lines[i]);
        else
            free(r->lines[i]);
        free(r->names[i]);
    }
    if (r->body) foil_wipe_free(r->body); /* it may hold tokens */
    free(r->url);
    curl_free(r->scheme);
    free(r->host);
    free(r->target);
    free(r->ca_bundle);
    free(r->proxy);
    for (size_t i = 0; i < 2; i++)
        free(r->path_args[i]);
    for (size_t i = 0; i < r->query_count; i++) {
        free(r->query_names[i]);
        free(r->query_values[i]);
    }
    foil_client_release(r->client);
    free(r);
}

const char *foil_http_request_operation(const foil_http_request_t *r) {
    return r ? r->operation->sdk_name : NULL;
}
const char *foil_http_request_method(const foil_http_request_t *r) {
    return r ? r->operation->method : NULL;
}
const char *foil_http_request_url(const foil_http_request_t *r) {
    return r ? r->url : NULL;
}
const char *foil_http_request_scheme(const foil_http_request_t *r) {
    return r ? r->scheme : NULL;
}
const char *foil_http_request_host(const foil_http_request_t *r) {
    return r ? r->host : NULL;
}
int foil_http_request_port(const foil_http_request_t *r) {
    return r ? r->port : 0;
}
const char *foil_http_request_target(const foil_http_request_t *r) {
    return r ? r->target : NULL;
}
size_t foil_http_request_header_count(const foil_http_request_t *r) {
    return r ? r->header_count : 0;
}
const char *foil_http_request_header_name(const foil_http_request_t *r, size_t i) {
    return r && i < r->header_count ? r->names[i] : NULL;
}
const char *foil_http_request_header_value(const foil_http_request_t *r, size_t i) {
    return r && i < r->header_count ? r->lines[i] + strlen(r->names[i]) + 2 : NULL;
}
const char *foil_http_request_body(const foil_http_request_t *r, size_t *body_len) {
    if (body_len) *body_len = r && r->body ? r->body_len : 0;
    return r ? r->body : NULL;
}
long foil_http_request_timeout_ms(const foil_http_request_t *r) {
    return r ? r->timeout_ms : 0;
}
long foil_http_request_connect_timeout_ms(const foil_http_request_t *r) {
    return r ? r->connect_timeout_ms : 0;
}
long foil_http_request_max_response_bytes(const foil_http_request_t *r) {
    return r ? r->max_response_bytes : 0;
}
const char *foil_http_request_ca_bundle(const foil_http_request_t *r) {
    return r ? r->ca_bundle : NULL;
}
const char *foil_http_request_proxy(const foil_http_request_t *r) {
    return r && !r->loopback ? r->proxy : NULL;
}
int foil_http_request_idempotent(const foil_http_request_t *r) {
    return r && r->idempotent;
}

void foil_request_query(foil_request_t *req, const char *name, const char *value) {
    if (value && req->query_count < FOIL_REQUEST_MAX_QUERY)
        req->query[req->query_count++] = (foil_query_param_t){name, value};
}
