/* Base URL policy: https anywhere, plain http only to loopback hosts. */
#include "client_internal.h"

#include <curl/curl.h>
#include <stdio.h>
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
