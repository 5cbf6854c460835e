/* See sansio_send.h. */
#include "sansio_send.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

/* The answer being received: made at the final status line (a 100-continue's is replaced). */
typedef struct receiving {
    foil_http_response_t *resp;
} receiving;

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userp) {
    receiving *r = userp;
    size_t n = size * nmemb;
    return r->resp && foil_http_response_append_body(r->resp, ptr, n) == FOIL_OK ? n : 0;
}

static size_t on_header(char *buf, size_t size, size_t nitems, void *userp) {
    receiving *r = userp;
    size_t n = size * nitems;
    int status = 0;
    if (n > 9 && strncmp(buf, "HTTP/", 5) == 0 && sscanf(buf, "HTTP/%*s %d", &status) == 1) {
        foil_http_response_free(r->resp);
        r->resp = NULL;
        return foil_http_response_new(status, &r->resp) == FOIL_OK ? n : 0;
    }
    const char *colon = memchr(buf, ':', n);
    if (!colon || !r->resp) return n;
    char name[256], value[1024];
    size_t name_len = (size_t)(colon - buf), value_len = n - name_len - 1;
    if (name_len >= sizeof name || value_len >= sizeof value) return n;
    memcpy(name, buf, name_len);
    name[name_len] = '\0';
    memcpy(value, colon + 1, value_len);
    value[value_len] = '\0';
    foil_http_response_add_header(r->resp, name, value); /* the core trims the value */
    return n;
}

foil_status_t sansio_send(const foil_http_request_t *req, foil_http_response_t **resp, char *detail,
                          size_t detail_cap) {
    *resp = NULL;
    if (detail_cap) detail[0] = '\0';
    CURL *easy = curl_easy_init();
    if (!easy) return FOIL_E_NOMEM;
    struct curl_slist *headers = curl_slist_append(NULL, "Expect:");
    char line[4096];
    for (size_t i = 0; i < foil_http_request_header_count(req); i++) {
        snprintf(line, sizeof line, "%s: %s", foil_http_request_header_name(req, i),
                 foil_http_request_header_value(req, i));
        headers = curl_slist_append(headers, line);
    }
    size_t body_len = 0;
    const char *body = foil_http_request_body(req, &body_len);
    if (!body) headers = curl_slist_append(headers, "Content-Type:");
    receiving r = {NULL};
    curl_easy_setopt(easy, CURLOPT_URL, foil_http_request_url(req));
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, foil_http_request_timeout_ms(req));
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, foil_http_request_connect_timeout_ms(req));
    curl_easy_setopt(easy, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &r);
    const char *method = foil_http_request_method(req);
    if (strcmp(method, "GET") != 0) {
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body ? body : "");
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, (long)body_len);
        if (strcmp(method, "POST") != 0) curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method);
    }
    CURLcode rc = curl_easy_perform(easy);
    curl_easy_cleanup(easy);
    curl_slist_free_all(headers);
    if (rc == CURLE_OK) {
        *resp = r.resp;
        return FOIL_OK;
    }
    foil_http_response_free(r.resp);
    if (detail_cap) snprintf(detail, detail_cap, "%s", curl_easy_strerror(rc));
    return rc == CURLE_OPERATION_TIMEDOUT ? FOIL_E_TIMEOUT : FOIL_E_CONNECTION;
}

foil_status_t sansio_exchange(const foil_http_request_t *req, foil_result_t **out,
                              foil_error_t **error_out) {
    foil_http_response_t *resp = NULL;
    char detail[256];
    foil_status_t st = sansio_send(req, &resp, detail, sizeof detail);
    if (st != FOIL_OK) {
        *out = NULL;
        return foil_complete_failure(req, st, detail, error_out);
    }
    st = foil_complete(req, resp, out, error_out);
    foil_http_response_free(resp);
    return st;
}

foil_status_t sansio_call(foil_client_t *client, const char *operation, const char *params_json,
                          foil_result_t **out, foil_error_t **error_out) {
    foil_http_request_t *req = NULL;
    foil_status_t st = foil_prepare(client, operation, params_json, &req, error_out);
    if (st != FOIL_OK) {
        *out = NULL;
        return st;
    }
    st = sansio_exchange(req, out, error_out);
    foil_http_request_free(req);
    return st;
}
