/* A response as received (foil/sansio.h): the status, the headers that matter, the body
 * up to a cap. Filled by the caller's own transport or by libcurl's callbacks alike. */
#include "exchange.h"

#include <curl/curl.h>
#include <limits.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

void foil_http_response_init(foil_http_response_t *r, int http_status, char *data, size_t cap,
                             size_t max) {
    memset(r, 0, sizeof *r);
    r->http_status = http_status;
    r->retry_after = -1;
    r->content_length = -1;
    r->data = data;
    r->cap = cap;
    r->max = max;
}

bool foil_http_response_append(foil_http_response_t *r, const char *data, size_t len) {
    if (r->overflow || len > r->max - r->len) {
        r->overflow = true;
        return true;
    }
    if (r->len + len + 1 > r->cap) {
        size_t cap = r->cap ? r->cap : 16384;
        while (cap < r->len + len + 1)
            cap *= 2;
        char *grown = realloc(r->data, cap);
        if (!grown) return false;
        r->data = grown;
        r->cap = cap;
    }
    memcpy(r->data + r->len, data, len);
    r->len += len;
    r->data[r->len] = '\0';
    return true;
}

/* Retry-After (RFC 9110 §10.2.3): delay-seconds (digits only) or an HTTP-date. Anything
 * else ("inf", "nan", "-5", "1e9", hex, garbage) is ignored: -1. The result is finite and
 * at most a day. */
static double parse_retry_after(const char *v) {
    const double max = 86400;
    if (*v >= '0' && *v <= '9') {
        double secs = 0;
        for (; *v >= '0' && *v <= '9'; v++)
            if (secs <= max) secs = secs * 10 + (*v - '0');
        if (*v) return -1;
        return secs < max ? secs : max;
    }
    time_t when = curl_getdate(v, NULL); /* HTTP-date form */
    if (when < 0) return -1;
    double d = difftime(when, time(NULL));
    if (!(d > 0)) return 0;
    return d < max ? d : max;
}

/* Content-Length's digits, saturated at LLONG_MAX; -1 when it is not a number. */
static long long parse_content_length(const char *v, size_t n) {
    if (n == 0) return -1;
    long long total = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9') return -1;
        int digit = v[i] - '0';
        total = total > (LLONG_MAX - digit) / 10 ? LLONG_MAX : total * 10 + digit;
    }
    return total;
}

void foil_http_response_header(foil_http_response_t *r, const char *name, size_t name_len,
                               const char *v, size_t v_len) {
    while (v_len && (*v == ' ' || *v == '\t'))
        v++, v_len--;
    while (v_len && (v[v_len - 1] == '\r' || v[v_len - 1] == '\n' || v[v_len - 1] == ' ' ||
                     v[v_len - 1] == '\t'))
        v_len--;
    char value[128];
    if (v_len >= sizeof value) v_len = sizeof value - 1;
    memcpy(value, v, v_len);
    value[v_len] = '\0';
    if (name_len == 12 && strncasecmp(name, "x-request-id", 12) == 0)
        memcpy(r->request_id, value, v_len + 1);
    else if (name_len == 11 && strncasecmp(name, "retry-after", 11) == 0)
        r->retry_after = parse_retry_after(value);
    else if (name_len == 14 && strncasecmp(name, "content-length", 14) == 0)
        r->content_length = parse_content_length(v, v_len);
}

foil_status_t foil_http_response_new(int http_status, foil_http_response_t **out) {
    if (!out)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "out", "must not be NULL", NULL, NULL);
    *out = NULL;
    if (http_status < 100 || http_status > 999)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "http_status", "is not an HTTP status",
                               "100..999", NULL);
    foil_http_response_t *r = malloc(sizeof *r);
    if (!r) return foil_fail_nomem();
    /* Kept whole up to any client's cap: foil_complete compares it with the request's. */
    foil_http_response_init(r, http_status, NULL, 0, (size_t)-1 / 2);
    *out = r;
    return FOIL_OK;
}

foil_status_t foil_http_response_add_header(foil_http_response_t *r, const char *name,
                                            const char *value) {
    if (!r || !name || !value)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT,
                               !r      ? "resp"
                               : !name ? "name"
                                       : "value",
                               "must not be NULL", NULL, NULL);
    foil_http_response_header(r, name, strlen(name), value, strlen(value));
    return FOIL_OK;
}

foil_status_t foil_http_response_append_body(foil_http_response_t *r, const void *data,
                                             size_t len) {
    if (!r || (!data && len))
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, !r ? "resp" : "data", "must not be NULL",
                               NULL, NULL);
    if (len && !foil_http_response_append(r, data, len)) return foil_fail_nomem();
    return FOIL_OK;
}

void foil_http_response_free(foil_http_response_t *r) {
    if (!r) return;
    if (r->data) sodium_memzero(r->data, r->len);
    free(r->data);
    free(r);
}

void foil_response_clear(foil_response_t *r) {
    foil_json_arena_free(r->arena, r->wipe);
    free(r->request_id);
    memset(r, 0, sizeof *r);
}
