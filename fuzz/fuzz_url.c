/* libFuzzer harness: request URL building (http/url.c) and the base URL policy.
 *
 * Input layout: byte 0 picks the operation; the rest is split at 0xFF bytes into a base
 * URL, up to two path arguments and two query values. For every URL that is built:
 *  - it starts with the base URL, and its path is the operation's template with each
 *    {parameter} replaced by exactly one segment: no argument can add a segment, a
 *    query or a fragment (the defect an id of ".." or "a/b?c#d" would be);
 *  - decoding a segment gives the argument back byte for byte;
 *  - only unreserved bytes and %XX escapes appear in what the arguments produced;
 *  - "." and ".." and empty arguments are refused.
 * And foil_url_is_allowed() never accepts plain http:// to a host it does not call
 * loopback. */
#include "http/request.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes one escaped argument at *p (up to the next '/', '?', '&' or end) and compares. */
static void check_segment(const char **p, const char *want) {
    const char *s = *p;
    size_t i = 0, n = strlen(want);
    while (*s && *s != '/' && *s != '?' && *s != '&') {
        unsigned char ch;
        if (*s == '%') {
            int hi = hexval(s[1]), lo = hi < 0 ? -1 : hexval(s[2]);
            if (lo < 0) abort();
            ch = (unsigned char)(hi * 16 + lo);
            s += 3;
        } else {
            ch = (unsigned char)*s++;
            if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                  (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.' || ch == '~'))
                abort();
        }
        if (i >= n || (unsigned char)want[i] != ch) abort();
        i++;
    }
    if (i != n) abort();
    *p = s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    foil_op_t op_id = (foil_op_t)(data[0] % FOIL_OP__COUNT);
    const foil_operation_t *op = foil_operation_get(op_id);

    char *buf = malloc(size);
    if (!buf) return 0;
    memcpy(buf, data + 1, size - 1);
    buf[size - 1] = '\0';
    char *parts[5] = {buf, "", "", "", ""};
    size_t nparts = 1;
    for (size_t i = 0; i + 1 < size && nparts < 5; i++)
        if ((unsigned char)buf[i] == 0xFF) {
            buf[i] = '\0';
            parts[nparts++] = buf + i + 1;
        }
    /* NULs inside parts end them early, as C strings do at the ABI. */
    const char *base = parts[0];

    const char *why = NULL;
    bool loopback = false;
    if (foil_url_is_allowed(base, &why, &loopback)) {
        if (strncasecmp(base, "http://", 7) == 0 && !loopback) abort();
    } else if (!why) {
        abort();
    }

    foil_request_t req = {.op = op_id};
    req.path_args[0] = parts[1];
    req.path_args[1] = parts[2];
    foil_request_query(&req, "limit", parts[3]);
    foil_request_query(&req, "cursor", parts[4]);

    char *url = NULL;
    if (foil_url_build(base, &req, op, &url) == FOIL_OK) {
        size_t base_len = strlen(base);
        if (strncmp(url, base, base_len) != 0) abort();
        const char *u = url + base_len, *t = op->path;
        size_t arg = 0;
        while (*t) {
            if (*t == '{') {
                const char *v = req.path_args[arg++];
                if (!v[0] || strcmp(v, ".") == 0 || strcmp(v, "..") == 0) abort();
                check_segment(&u, v);
                t = strchr(t, '}') + 1;
            } else {
                if (*u != *t) abort();
                u++;
                t++;
            }
        }
        /* After the path: nothing, or the query we asked for. */
        if (*u && *u != '?') abort();
        if (*u == '?') {
            u++;
            if (strncmp(u, "limit=", 6) != 0) abort();
            u += 6;
            check_segment(&u, parts[3]);
            if (strncmp(u, "&cursor=", 8) != 0) abort();
        }
        free(url);
    } else {
        foil_error_clear();
    }
    free(buf);
    return 0;
}
