/* See easy_setup.h. */
#include "easy_setup.h"

#include <stdio.h>
#include <string.h>

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

static size_t on_header(char *line, size_t size, size_t nitems, void *userp) {
    foil_http_response_t *r = userp;
    size_t n = size * nitems;
    int status = status_of(line, n);
    if (status >= 0) {
        /* A new answer (after a 1xx, or a proxy's CONNECT): only the final one counts. The
         * body buffer is kept for reuse. */
        foil_http_response_init(r, status, r->data, r->cap, r->max);
        return n;
    }
    const char *colon = memchr(line, ':', n);
    if (colon) {
        size_t name_len = (size_t)(colon - line);
        foil_http_response_header(r, line, name_len, colon + 1, n - name_len - 1);
    }
    return n;
}

void foil_easy_configure(CURL *easy) {
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
    /* List pages run to hundreds of KB: read them in a few large reads, not 16 KB ones
     * (each read costs a poll and a socket lock, measured at ~15% of a walk's time). */
    curl_easy_setopt(easy, CURLOPT_BUFFERSIZE, 256L * 1024);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    /* One transfer per connection: a connection of the client's shared cache is never
     * multiplexed between transfers driven by different threads' multi handles. */
    curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
}

void foil_easy_bind(CURL *easy, const foil_http_request_t *req, foil_easy_headers_t headers,
                    foil_http_response_t *resp) {
    size_t n = 0;
    for (size_t i = 0; i < req->header_count; i++, n++)
        headers[n] = (struct curl_slist){req->lines[i], &headers[n + 1]};
    headers[n++] = (struct curl_slist){"Expect:", NULL}; /* a body is sent at once */
    /* "Content-Type:" stops libcurl adding a form type to a body-less POST. */
    if (!req->body) {
        headers[n - 1].next = &headers[n];
        headers[n++] = (struct curl_slist){"Content-Type:", NULL};
    }
    curl_easy_setopt(easy, CURLOPT_URL, req->url);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, resp);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, req->timeout_ms);
    /* An answer announcing a Content-Length past the cap ends at its headers
     * (CURLE_FILESIZE_EXCEEDED), rather than waiting for a body that may never come. */
    curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE,
                     (curl_off_t)(req->max_response_bytes > 0 ? req->max_response_bytes : 0));
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, req->connect_timeout_ms);
    const char *ca = req->ca_bundle ? req->ca_bundle : foil_system_ca_bundle();
    if (ca) curl_easy_setopt(easy, CURLOPT_CAINFO, ca);
    /* Never through a proxy to a loopback base URL: plain http:// is allowed there, and a
     * proxy (the client's, or http_proxy in the environment) would read the secret key. */
    curl_easy_setopt(easy, CURLOPT_PROXY, req->loopback ? NULL : req->proxy);
    curl_easy_setopt(easy, CURLOPT_NOPROXY, req->loopback ? "*" : NULL);
    const char *method = req->operation->method;
    if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, NULL);
    } else {
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, req->body ? req->body : "");
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
        curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, strcmp(method, "POST") == 0 ? NULL : method);
    }
}

void foil_easy_unbind(CURL *easy) {
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, NULL);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, NULL);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, NULL);
}

void foil_easy_tls_failure(const foil_http_request_t *req, CURLcode code, char *out, size_t cap) {
    const char *system = foil_system_ca_bundle();
    if (req->ca_bundle)
        snprintf(out, cap, "TLS verification failed with ca_bundle %s: %s", req->ca_bundle,
                 curl_easy_strerror(code));
    else if (!system)
        snprintf(out, cap,
                 "TLS verification failed: no CA certificate store found on this machine "
                 "(SSL_CERT_FILE, or the Debian, RHEL, SUSE or Alpine bundle); set ca_bundle to "
                 "a PEM file of trusted CAs: %s",
                 curl_easy_strerror(code));
    else
        snprintf(out, cap,
                 "TLS verification failed with the system CA store %s (set ca_bundle to use "
                 "another): %s",
                 system, curl_easy_strerror(code));
}
