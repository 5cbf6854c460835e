/* Request URLs: the base URL policy (https anywhere, plain http only to loopback hosts),
 * redaction, and building a request's URL from its operation's path template. */
#include "request.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool host_is_loopback(const char *host) {
    if (strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0 ||
        strcmp(host, "::1") == 0)
        return true;
    /* 127.0.0.0/8 written as a dotted quad. */
    if (strncmp(host, "127.", 4) != 0) return false;
    int dots = 0;
    for (const char *p = host + 4; *p; p++) {
        if (*p == '.')
            dots++;
        else if (*p < '0' || *p > '9')
            return false;
    }
    return dots == 2;
}

bool foil_url_is_allowed(const char *url, const char **why, bool *loopback) {
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL;
    bool ok = false;
    if (loopback) *loopback = false;
    *why = "is not a valid URL";
    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
        if (loopback) *loopback = host_is_loopback(host);
        if (strcasecmp(scheme, "https") == 0) {
            ok = true;
        } else if (strcasecmp(scheme, "http") == 0) {
            ok = host_is_loopback(host);
            if (!ok) *why = "uses plain http:// to a non-loopback host (use https://)";
        } else {
            *why = "must use https:// (or http:// to a loopback host)";
        }
    }
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return ok;
}

size_t foil_url_redacted_size(const char *url) {
    return strlen(url) + sizeof "***"; /* "***" stands for at least one byte of userinfo */
}

void foil_url_redact(const char *url, char *out, size_t cap) {
    if (cap == 0) return;
    const char *authority = strstr(url, "://");
    authority = authority ? authority + 3 : url;
    size_t host_part = strcspn(authority, "/?#");
    const char *at = NULL;
    for (const char *p = authority; p < authority + host_part; p++)
        if (*p == '@') at = p;
    if (!at) {
        snprintf(out, cap, "%s", url);
        return;
    }
    snprintf(out, cap, "%.*s***%s", (int)(authority - url), url, at);
}

static bool is_unreserved(unsigned char ch) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch == '_' || ch == '.' || ch == '~';
}

/* Bytes `s` takes once percent-encoded. */
static size_t escaped_length(const char *s) {
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += is_unreserved(*p) ? 1 : 3;
    return n;
}

/* Copies `s` percent-encoded to `out`, runs of unreserved bytes in one go; returns the end. */
static char *put_escaped(char *out, const char *s) {
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        const unsigned char *run = p;
        while (*p && is_unreserved(*p))
            p++;
        memcpy(out, run, (size_t)(p - run));
        out += p - run;
        if (*p) {
            *out++ = '%';
            *out++ = hex[*p >> 4];
            *out++ = hex[*p & 15];
            p++;
        }
    }
    return out;
}

static char *put(char *out, const char *s, size_t n) {
    memcpy(out, s, n);
    return out + n;
}

/* The path template's parameters in order, NULL when one is missing. */
static bool path_values(const foil_request_t *req, const foil_operation_t *op,
                        const char *values[2], size_t *count) {
    *count = 0;
    for (const char *p = strchr(op->path, '{'); p; p = strchr(p, '{')) {
        const char *close = strchr(p, '}');
        if (!close || *count == 2 || !req->path_args[*count]) return false;
        values[*count] = req->path_args[*count];
        ++*count;
        p = close + 1;
    }
    return true;
}

/* The name callers give the i-th path parameter (session_id, not the template's sessionId):
 * operations.def lists path parameters in template order. */
static const char *path_param_name(const foil_operation_t *op, size_t i) {
    for (const foil_param_t *p = op->params; p && p->name; p++)
        if (p->in == FOIL_PARAM_PATH && i-- == 0) return p->name;
    return "id";
}

/* See request.h: the path sized up front and written in bulk. Every byte outside RFC 3986's
 * unreserved set is percent-encoded, so no id can add a segment, a query or a fragment; the dot
 * segments "." and "..", which unreserved bytes can still spell, are refused, as is an empty id
 * (each would turn the request into one for another resource). */
foil_status_t foil_url_build(const char *base_url, const foil_request_t *req,
                             const foil_operation_t *op, char **out) {
    const char *values[2];
    size_t value_count = 0;
    if (!path_values(req, op, values, &value_count))
        return foil_fail(FOIL_E_INVALID_ARGUMENT, "missing path parameter for %s", op->path);
    size_t base_len = strlen(base_url), size = base_len + strlen(op->path) + 1;
    for (size_t i = 0; i < value_count; i++) {
        const char *v = values[i];
        if (v[0] == '\0' || strcmp(v, ".") == 0 || strcmp(v, "..") == 0)
            return foil_fail_field(FOIL_E_INVALID_ARGUMENT, path_param_name(op, i),
                                   v[0] ? "must not be a dot segment (\".\" or \"..\")"
                                        : "must not be empty",
                                   "an id", v);
        if (strlen(v) > FOIL_REQUEST_MAX_ARGUMENT)
            return foil_fail_field(FOIL_E_INVALID_ARGUMENT, path_param_name(op, i), "is too long",
                                   "at most 8192 bytes", NULL);
        size += escaped_length(v);
    }
    for (size_t i = 0; i < req->query_count; i++) {
        if (strlen(req->query[i].value) > FOIL_REQUEST_MAX_ARGUMENT)
            return foil_fail_field(FOIL_E_INVALID_ARGUMENT, req->query[i].name, "is too long",
                                   "at most 8192 bytes", NULL);
        size += 2 + escaped_length(req->query[i].name) + escaped_length(req->query[i].value);
    }
    if (size - 1 > FOIL_REQUEST_MAX_URL)
        return foil_fail(FOIL_E_INVALID_ARGUMENT,
                         "%s: the request URL would be %zu bytes, over the %d byte limit", op->name,
                         size - 1, FOIL_REQUEST_MAX_URL);
    char *url = malloc(size);
    if (!url) return foil_fail_nomem();
    char *w = put(url, base_url, base_len);
    size_t arg = 0;
    for (const char *p = op->path; *p;) {
        const char *open_brace = strchr(p, '{');
        if (!open_brace) {
            w = put(w, p, strlen(p));
            break;
        }
        w = put(w, p, (size_t)(open_brace - p));
        w = put_escaped(w, values[arg++]);
        p = strchr(open_brace, '}') + 1;
    }
    for (size_t i = 0; i < req->query_count; i++) {
        *w++ = i == 0 ? '?' : '&';
        w = put_escaped(w, req->query[i].name);
        *w++ = '=';
        w = put_escaped(w, req->query[i].value);
    }
    *w = '\0';
    *out = url;
    return FOIL_OK;
}
