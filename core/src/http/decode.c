/* The outcome of one exchange: a 2xx answer parsed, or the typed error of the answer or
 * of the transfer that got none. Both transports (libcurl's and the caller's own) end
 * here, so they give the same result and the same error for the same answer. */
#include "exchange.h"

#include <stdio.h>
#include <string.h>

/* The typed error of a non-2xx answer. Its body is read with the response parser, so an
 * envelope holding \u0000 or invalid UTF-8 is not taken apart (cJSON would cut a message
 * at the NUL): it counts as "not the error envelope", its raw body kept. */
static foil_status_t fail_http(const foil_http_response_t *a) {
    foil_json_arena_t *arena = NULL;
    cJSON *envelope = NULL;
    if (a->len > 0 && foil_json_arena_parse(a->data, a->len, &arena, &envelope) != FOIL_OK)
        envelope = NULL;
    foil_status_t st =
        foil_fail_http(a->http_status, a->data, a->len, envelope, a->request_id, a->retry_after);
    foil_json_arena_free(arena, true);
    return st;
}

foil_status_t foil_http_decode(const foil_http_request_t *m, const foil_http_response_t *a,
                               foil_response_t *out) {
    memset(out, 0, sizeof *out);
    const char *name = m->operation->name;
    if (a->overflow || a->len > (size_t)m->max_response_bytes ||
        a->content_length > (long long)m->max_response_bytes)
        return foil_fail(FOIL_E_PROTOCOL, "%s: response body exceeds the %ld byte limit", name,
                         m->max_response_bytes);
    if (a->http_status < 200 || a->http_status >= 300) return fail_http(a);
    foil_status_t st = FOIL_OK;
    out->http_status = a->http_status;
    if (a->request_id[0] && !(out->request_id = foil_strdup(a->request_id))) st = foil_fail_nomem();
    if (st == FOIL_OK && a->http_status != 204) {
        out->wipe = !m->idempotent;
        st = foil_json_arena_parse_projected(a->data ? a->data : "", a->len, m->projection,
                                             &out->arena, &out->root);
        if (st == FOIL_E_PROTOCOL) {
            char why[160]; /* the parser's reason ("not valid JSON: ..."), never the text */
            snprintf(why, sizeof why, "%s", foil_error_message(foil_last_error()));
            st =
                foil_fail(FOIL_E_PROTOCOL, "%s: HTTP %d response is %s", name, a->http_status, why);
        } else if (st == FOIL_OK && !cJSON_IsObject(out->root))
            st = foil_fail(FOIL_E_PROTOCOL, "%s: HTTP %d response is not a JSON object", name,
                           a->http_status);
        else if (st == FOIL_OK && !out->request_id) {
            const cJSON *rid = cJSON_GetObjectItemCaseSensitive(
                cJSON_GetObjectItemCaseSensitive(out->root, "meta"), "request_id");
            if (cJSON_IsString(rid) && !(out->request_id = foil_strdup(rid->valuestring)))
                st = foil_fail_nomem();
        }
    }
    if (st != FOIL_OK) foil_response_clear(out);
    return st;
}

foil_status_t foil_http_fail_transfer(const foil_http_request_t *m, foil_status_t status,
                                      const char *detail) {
    const char *name = m->operation->name;
    switch (status) {
    case FOIL_E_TIMEOUT:
        return foil_fail(FOIL_E_TIMEOUT, "%s timed out after %ld ms", name, m->timeout_ms);
    case FOIL_E_CANCELLED:
        return foil_fail(FOIL_E_CANCELLED, "%s was cancelled", name);
    case FOIL_E_CONNECTION: {
        /* A detail that is already this operation's message (a loop's failure, which a binding
         * feeds back to a Gate session) is not prefixed a second time. */
        size_t n = strlen(name);
        if (!foil_str_empty(detail) && strncmp(detail, name, n) == 0 && detail[n] == ':' &&
            detail[n + 1] == ' ')
            return foil_fail(FOIL_E_CONNECTION, "%s", detail);
        return foil_fail(FOIL_E_CONNECTION, "%s: %s", name,
                         foil_str_empty(detail) ? "connection failed" : detail);
    }
    default:
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "status", "is not a transport failure",
                               "FOIL_E_CONNECTION, FOIL_E_TIMEOUT or FOIL_E_CANCELLED", NULL);
    }
}
