/* foil_client_t: configuration, reference counting and cancellation. */
#include "client_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARG_CHECK(cond, name)                                                                      \
    do {                                                                                           \
        if (!(cond))                                                                               \
            return foil_fail_field(FOIL_E_INVALID_ARGUMENT, name, "must not be NULL", NULL, NULL); \
    } while (0)

static foil_status_t replace(char **slot, const char *value, bool secret) {
    char *copy = NULL;
    if (!foil_str_empty(value) && !(copy = foil_strdup(value))) return foil_fail_nomem();
    if (secret)
        foil_wipe_free(*slot);
    else
        free(*slot);
    *slot = copy;
    return FOIL_OK;
}

static foil_status_t set_client_header(foil_client_t *c, const char *suffix) {
    char buf[512];
    snprintf(buf, sizeof buf, "X-Foil-Client: libfoil-c/%s%s%s", FOIL_VERSION,
             foil_str_empty(suffix) ? "" : " ", foil_str_empty(suffix) ? "" : suffix);
    if (strpbrk(buf, "\r\n"))
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "suffix", "must not contain line breaks",
                               NULL, NULL);
    return replace(&c->client_header, buf, false);
}

foil_status_t foil_client_new(foil_client_t **out) {
    ARG_CHECK(out, "out");
    *out = NULL;
    foil_status_t st = foil_ensure_init();
    if (st != FOIL_OK) return st;
    foil_client_t *c = calloc(1, sizeof *c);
    if (!c) return foil_fail_nomem();
    atomic_init(&c->refs, 1);
    atomic_init(&c->cancel_generation, 0);
    atomic_init(&c->connections_opened, 0);
    c->timeout_ms = FOIL_DEFAULT_TIMEOUT_MS;
    c->max_response_bytes = FOIL_DEFAULT_MAX_RESPONSE_BYTES;
    const char *env_url = getenv("FOIL_BASE_URL");
    if ((st = foil_transport_new(&c->transport)) != FOIL_OK ||
        (st = set_client_header(c, NULL)) != FOIL_OK ||
        (st = foil_client_set_base_url(c, foil_str_empty(env_url) ? FOIL_DEFAULT_BASE_URL
                                                                  : env_url)) != FOIL_OK ||
        (st = foil_client_set_secret_key(c, getenv("FOIL_SECRET_KEY"))) != FOIL_OK) {
        foil_client_release(c);
        return st;
    }
    *out = c;
    return FOIL_OK;
}

void foil_client_retain(foil_client_t *c) {
    atomic_fetch_add(&c->refs, 1);
}

void foil_client_release(foil_client_t *c) {
    if (!c || atomic_fetch_sub(&c->refs, 1) != 1) return;
    foil_transport_free(c->transport);
    free(c->base_url);
    foil_wipe_free(c->secret_key);
    free(c->ca_bundle);
    free(c->proxy);
    free(c->user_agent);
    free(c->client_header);
    free(c);
}

void foil_client_free(foil_client_t *client) {
    foil_client_release(client);
}

foil_status_t foil_client_set_secret_key(foil_client_t *c, const char *secret_key) {
    ARG_CHECK(c, "client");
    if (secret_key && strpbrk(secret_key, "\r\n"))
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "secret_key",
                               "must not contain line breaks", NULL, NULL);
    return replace(&c->secret_key, secret_key, true);
}

foil_status_t foil_client_set_base_url(foil_client_t *c, const char *base_url) {
    ARG_CHECK(c, "client");
    ARG_CHECK(base_url, "base_url");
    const char *why = NULL;
    if (!foil_url_is_allowed(base_url, &why))
        return foil_fail_field(FOIL_E_CONFIGURATION, "base_url", why,
                               "https://... or http://127.0.0.1:PORT", base_url);
    char *copy = foil_strdup(base_url);
    if (!copy) return foil_fail_nomem();
    size_t n = strlen(copy);
    while (n > 0 && copy[n - 1] == '/')
        copy[--n] = '\0';
    free(c->base_url);
    c->base_url = copy;
    return FOIL_OK;
}

const char *foil_client_base_url(const foil_client_t *c) {
    return c ? c->base_url : NULL;
}

foil_status_t foil_client_set_timeout_ms(foil_client_t *c, long timeout_ms) {
    ARG_CHECK(c, "client");
    if (timeout_ms <= 0)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "timeout_ms", "must be positive", "> 0",
                               NULL);
    c->timeout_ms = timeout_ms;
    return FOIL_OK;
}

foil_status_t foil_client_set_connect_timeout_ms(foil_client_t *c, long timeout_ms) {
    ARG_CHECK(c, "client");
    if (timeout_ms <= 0)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "connect_timeout_ms", "must be positive",
                               "> 0", NULL);
    c->connect_timeout_ms = timeout_ms;
    return FOIL_OK;
}

foil_status_t foil_client_set_ca_bundle(foil_client_t *c, const char *path) {
    ARG_CHECK(c, "client");
    return replace(&c->ca_bundle, path, false);
}

foil_status_t foil_client_set_proxy(foil_client_t *c, const char *proxy_url) {
    ARG_CHECK(c, "client");
    return replace(&c->proxy, proxy_url, false);
}

foil_status_t foil_client_set_user_agent(foil_client_t *c, const char *user_agent) {
    ARG_CHECK(c, "client");
    return replace(&c->user_agent, user_agent, false);
}

foil_status_t foil_client_set_client_suffix(foil_client_t *c, const char *suffix) {
    ARG_CHECK(c, "client");
    return set_client_header(c, suffix);
}

foil_status_t foil_client_set_max_retries(foil_client_t *c, int max_retries) {
    ARG_CHECK(c, "client");
    if (max_retries < 0 || max_retries > 10)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "max_retries", "out of range", "0..10",
                               NULL);
    c->max_retries = max_retries;
    return FOIL_OK;
}

foil_status_t foil_client_set_max_response_bytes(foil_client_t *c, long bytes) {
    ARG_CHECK(c, "client");
    if (bytes <= 0)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "max_response_bytes", "must be positive",
                               "> 0", NULL);
    c->max_response_bytes = bytes;
    return FOIL_OK;
}

void foil_client_cancel(foil_client_t *c) {
    if (c) atomic_fetch_add(&c->cancel_generation, 1);
}

long foil_client_connections_opened(const foil_client_t *c) {
    return c ? atomic_load(&((foil_client_t *)c)->connections_opened) : 0;
}
