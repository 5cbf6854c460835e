/* One call's attempts on the loop's multi handle: the easy handle set up from the
 * prepared request (as the blocking transport sets up its own), the answer collected as
 * it arrives (status, the headers that matter, the body up to the size cap), then the
 * outcome from sansio.h's foil_complete. */
#include "call.h"

#include "http/client_internal.h"
#include "http/exchange.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

foil_status_t foil_loop_call_new(const foil_http_request_t *request, foil_loop_call_t **out) {
    *out = NULL;
    foil_loop_call_t *c = calloc(1, sizeof *c);
    size_t count = foil_http_request_header_count(request), len = 0;
    bool has_content_type = false;
    for (size_t i = 0; i < count; i++) {
        const char *name = foil_http_request_header_name(request, i);
        len += strlen(name) + 2 + strlen(foil_http_request_header_value(request, i)) + 1;
        has_content_type = has_content_type || strcasecmp(name, "Content-Type") == 0;
    }
    /* "Expect:" sends a body at once; "Content-Type:" stops libcurl adding a form type
     * to a body-less POST. */
    static const char *const extra[] = {"Expect:", "Content-Type:"};
    size_t extra_count = has_content_type ? 1 : 2;
    if (c) {
        c->header_lines = malloc(len ? len : 1);
        c->headers = calloc(count + extra_count, sizeof *c->headers);
    }
    if (!c || !c->header_lines || !c->headers) {
        if (c) {
            free(c->header_lines);
            free(c->headers);
        }
        free(c);
        return foil_fail_nomem();
    }
    char *p = c->header_lines;
    for (size_t i = 0; i < count; i++) {
        const char *name = foil_http_request_header_name(request, i);
        const char *value = foil_http_request_header_value(request, i);
        size_t n = strlen(name), v = strlen(value);
        c->headers[i].data = p;
        memcpy(p, name, n);
        memcpy(p + n, ": ", 2);
        memcpy(p + n + 2, value, v + 1);
        p += n + 2 + v + 1;
    }
    for (size_t i = 0; i < extra_count; i++)
        c->headers[count + i].data = (char *)extra[i];
    for (size_t i = 0; i + 1 < count + extra_count; i++)
        c->headers[i].next = &c->headers[i + 1];
    c->header_lines_len = len;
    c->request = request;
    c->retry_due_ms = -1;
    *out = c;
    return FOIL_OK;
}

/* The answer's body buffer comes from the client's pool of spare buffers and goes back
 * to it, as the blocking transport's does: a 200-item page is ~100 KB, which a fresh
 * buffer per call grew by doubling (three reallocs, ~110 KB copied) and wiped on free.
 * Like the blocking transport it is wiped only when the request may have revealed a
 * secret (not GET / DELETE). An exchange's answer is handed over and freed by its
 * caller, so it keeps a buffer of its own. */
static void start_response(foil_loop_call_t *c, foil_http_response_t *r) {
    if (c->exchange) return;
    foil_transport_take_buffer(c->request->client->transport, &r->data, &r->cap);
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
    if (c->header_lines) sodium_memzero(c->header_lines, c->header_lines_len);
    free(c->header_lines);
    free(c->headers);
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
    if (!c->response) return 0; /* a body before any status line: not HTTP */
    /* The cap is enforced here, so an oversized answer is not read to its end. */
    long max = foil_http_request_max_response_bytes(c->request);
    if (max >= 0 && c->received + n > (size_t)max) c->overflow = true;
    if (foil_http_response_append_body(c->response, data, n) != FOIL_OK && !c->overflow)
        c->out_of_memory = true;
    c->received += n;
    return c->overflow || c->out_of_memory ? 0 : n;
}

/* "HTTP/1.1 200 OK" -> 200; -1 when the line is not a status line. */
static int status_of(const char *line, size_t n) {
    if (n < 12 || strncmp(line, "HTTP/", 5) != 0) return -1;
    const char *sp = memchr(line, ' ', n);
    if (!sp || (size_t)(sp - line) + 4 > n) return -1;
    int status = 0;
    for (int i = 1; i <= 3; i++) {
        if (sp[i] < '0' || sp[i] > '9') return -1;
        status = status * 10 + (sp[i] - '0');
    }
    return status;
}

static const char *const kept_headers[] = {"X-Request-Id", "Retry-After", "Content-Type"};

static size_t on_header(char *line, size_t size, size_t nitems, void *userp) {
    foil_loop_call_t *c = userp;
    size_t n = size * nitems;
    int status = status_of(line, n);
    if (status >= 0) {
        /* A new answer (after a 1xx): only the final one counts. */
        foil_loop_call_drop_response(c);
        c->received = 0;
        if (foil_http_response_new(status, &c->response) != FOIL_OK)
            c->out_of_memory = true;
        else
            start_response(c, c->response);
        return c->out_of_memory ? 0 : n;
    }
    const char *colon = memchr(line, ':', n);
    if (!colon || !c->response) return n;
    size_t name_len = (size_t)(colon - line);
    for (size_t i = 0; i < sizeof kept_headers / sizeof *kept_headers; i++) {
        if (strlen(kept_headers[i]) != name_len || strncasecmp(line, kept_headers[i], name_len))
            continue;
        const char *v = colon + 1, *end = line + n;
        while (v < end && (*v == ' ' || *v == '\t'))
            v++;
        while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
            end--;
        char name[16], *value = malloc((size_t)(end - v) + 1);
        memcpy(name, line, name_len);
        name[name_len] = '\0';
        if (value) {
            memcpy(value, v, (size_t)(end - v));
            value[end - v] = '\0';
        }
        if (!value || foil_http_response_add_header(c->response, name, value) != FOIL_OK)
            c->out_of_memory = true;
        free(value);
        return c->out_of_memory ? 0 : n;
    }
    return n;
}

void foil_loop_call_configure_handle(CURL *easy) {
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
    /* List pages run to hundreds of KB: a few large reads, as the blocking transport. */
    curl_easy_setopt(easy, CURLOPT_BUFFERSIZE, 256L * 1024);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    /* One transfer per connection: a connection of the client's shared cache is never
     * multiplexed between this loop and another thread's transfers. */
    curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
}

void foil_loop_call_bind(foil_loop_call_t *c, CURL *easy) {
    const foil_http_request_t *r = c->request;
    c->easy = easy;
    c->received = 0;
    c->overflow = c->out_of_memory = false;
    curl_easy_setopt(easy, CURLOPT_PRIVATE, c);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, c);
    curl_easy_setopt(easy, CURLOPT_URL, foil_http_request_url(r));
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, c->headers);
    long timeout = foil_http_request_timeout_ms(r);
    long connect_timeout = foil_http_request_connect_timeout_ms(r);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeout);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, connect_timeout ? connect_timeout : timeout);
    const char *ca = foil_http_request_ca_bundle(r);
    if (!ca) ca = foil_system_ca_bundle();
    if (ca) curl_easy_setopt(easy, CURLOPT_CAINFO, ca);
    /* Never through a proxy to a loopback base URL (plain http:// is allowed there, and a
     * proxy from the environment would read the secret key), as the blocking transport. */
    bool loopback = false;
    const char *why = NULL;
    foil_url_is_allowed(foil_http_request_url(r), &why, &loopback);
    curl_easy_setopt(easy, CURLOPT_PROXY, loopback ? NULL : foil_http_request_proxy(r));
    curl_easy_setopt(easy, CURLOPT_NOPROXY, loopback ? "*" : NULL);
    const char *method = foil_http_request_method(r);
    if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, NULL);
    } else {
        size_t len = 0;
        const char *body = foil_http_request_body(r, &len);
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body ? body : "");
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
        curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, strcmp(method, "POST") == 0 ? NULL : method);
    }
}

void foil_loop_call_unbind(foil_loop_call_t *c) {
    CURL *easy = c->easy;
    if (!easy) return;
    curl_easy_setopt(easy, CURLOPT_PRIVATE, NULL);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, NULL);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, NULL);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, NULL);
    c->easy = NULL;
}

/* The reason foil_call() gives for a failed TLS verification: where trust came from. */
static void tls_detail(const foil_http_request_t *r, CURLcode code, char *out, size_t cap) {
    const char *ca = foil_http_request_ca_bundle(r);
    if (ca)
        snprintf(out, cap, "TLS verification failed with ca_bundle %s: %s", ca,
                 curl_easy_strerror(code));
    else if (!foil_system_ca_bundle())
        snprintf(out, cap,
                 "TLS verification failed: no CA certificate store found on this machine "
                 "(SSL_CERT_FILE, or the Debian, RHEL, SUSE or Alpine bundle); set ca_bundle to "
                 "a PEM file of trusted CAs: %s",
                 curl_easy_strerror(code));
    else
        snprintf(out, cap,
                 "TLS verification failed with the system CA store %s (set ca_bundle to use "
                 "another): %s",
                 foil_system_ca_bundle(), curl_easy_strerror(code));
}

foil_status_t foil_loop_call_outcome(foil_loop_call_t *c, CURLcode code, foil_result_t **result,
                                     foil_error_t **error) {
    *result = NULL;
    *error = NULL;
    foil_status_t st;
    if (c->out_of_memory || code == CURLE_OUT_OF_MEMORY) {
        st = foil_error_out(foil_fail_nomem(), error);
    } else if ((code == CURLE_OK || c->overflow) && c->response) {
        /* An oversized answer is the size cap's error, as foil_call() gives it. */
        st = foil_complete(c->request, c->response, result, error);
    } else if (code == CURLE_OPERATION_TIMEDOUT) {
        st = foil_complete_failure(c->request, FOIL_E_TIMEOUT, NULL, error);
    } else {
        char detail[512];
        if (code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE)
            tls_detail(c->request, code, detail, sizeof detail);
        else
            snprintf(detail, sizeof detail, "%s",
                     curl_easy_strerror(code == CURLE_OK ? CURLE_RECV_ERROR : code));
        st = foil_complete_failure(c->request, FOIL_E_CONNECTION, detail, error);
    }
    foil_loop_call_drop_response(c);
    return st;
}
