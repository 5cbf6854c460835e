/* foil_client_t: configuration, reference counting and cancellation. */
#include "client_internal.h"

#include <pthread.h>
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

bool foil_has_control_chars(const char *s) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7F) return true;
    return false;
}

/* Values that become header lines: no CR, LF or other control character can split
 * or extend the request head. */
static foil_status_t check_header_value(const char *field, const char *value, size_t max,
                                        const char *expected_size) {
    if (!value) return FOIL_OK;
    if (foil_has_control_chars(value))
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, field,
                               "must not contain control characters (CR, LF, ...)",
                               "printable text", NULL);
    if (strlen(value) > max)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, field, "is too long", expected_size, NULL);
    return FOIL_OK;
}

static foil_status_t set_client_header(foil_client_t *c, const char *suffix) {
    foil_status_t st = check_header_value("suffix", suffix, 256, "at most 256 bytes");
    if (st != FOIL_OK) return st;
    char buf[512];
    snprintf(buf, sizeof buf, "X-Foil-Client: libfoil-c/%s%s%s", FOIL_VERSION,
             foil_str_empty(suffix) ? "" : " ", foil_str_empty(suffix) ? "" : suffix);
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
    atomic_init(&c->in_use, 0);
    atomic_init(&c->request_waiting, 0);
    atomic_init(&c->cancel_generation, 0);
    atomic_init(&c->connections_opened, 0);
    c->timeout_ms = FOIL_DEFAULT_TIMEOUT_MS;
    c->max_response_bytes = FOIL_DEFAULT_MAX_RESPONSE_BYTES;
    c->prefetch = true;
    atomic_init(&c->env_base, NULL);
    /* FOIL_BASE_URL and FOIL_SECRET_KEY are read later, only when a request needs them and
     * only when not set explicitly: a bad variable never beats an explicit setting. */
    if ((st = foil_transport_new(&c->transport)) != FOIL_OK ||
        (st = set_client_header(c, NULL)) != FOIL_OK) {
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
    free(c->base_url_redacted);
    free(atomic_load(&c->env_base));
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

static foil_status_t set_secret_key(foil_client_t *c, const char *secret_key) {
    ARG_CHECK(c, "client");
    if (secret_key && foil_has_control_chars(secret_key))
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "secret_key",
                               "must not contain control characters (CR, LF, ...)", NULL, NULL);
    foil_status_t st = replace(&c->secret_key, secret_key, true);
    if (st == FOIL_OK) c->secret_key_set = true;
    return st;
}

foil_status_t foil_client_resolve_secret_key(const foil_client_t *c, const char **out) {
    *out = c->secret_key;
    if (c->secret_key_set) return FOIL_OK;
    const char *env = getenv("FOIL_SECRET_KEY");
    if (foil_str_empty(env)) return FOIL_OK;
    if (foil_has_control_chars(env))
        return foil_fail_field(FOIL_E_CONFIGURATION, "FOIL_SECRET_KEY",
                               "the FOIL_SECRET_KEY environment variable contains control "
                               "characters (CR, LF, ...)",
                               "a secret key (sk_...)", NULL);
    *out = env;
    return FOIL_OK;
}

/* A copy of url without trailing slashes, then its redacted form; NULL when out of memory. */
static struct foil_env_base *env_base_new(const char *url, bool loopback) {
    size_t n = strlen(url);
    while (n > 0 && url[n - 1] == '/')
        n--;
    size_t redacted_size = foil_url_redacted_size(url);
    struct foil_env_base *b = malloc(sizeof *b + n + 1 + redacted_size);
    if (!b) return NULL;
    b->loopback = loopback;
    memcpy(b->url, url, n);
    b->url[n] = '\0';
    foil_url_redact(b->url, b->url + n + 1, redacted_size);
    b->redacted = b->url + n + 1;
    return b;
}

const char *foil_client_resolve_base_url(foil_client_t *c, bool *loopback) {
    if (c->base_url) {
        *loopback = c->base_url_loopback;
        return c->base_url;
    }
    struct foil_env_base *b = atomic_load(&c->env_base);
    if (!b) {
        const char *env = getenv("FOIL_BASE_URL");
        bool env_loopback = false;
        if (foil_str_empty(env)) {
            env = FOIL_DEFAULT_BASE_URL;
        } else {
            const char *why = NULL;
            if (!foil_url_is_allowed(env, &why, &env_loopback)) {
                char shown[512];
                foil_url_redact(env, shown, sizeof shown);
                foil_fail_field(FOIL_E_CONFIGURATION, "FOIL_BASE_URL", why,
                                "https://... or http://127.0.0.1:PORT", shown);
                return NULL;
            }
        }
        struct foil_env_base *mine = env_base_new(env, env_loopback), *expected = NULL;
        if (!mine) {
            foil_fail_nomem();
            return NULL;
        }
        /* Threads sharing the client may race here: the first copy stored wins. */
        if (atomic_compare_exchange_strong(&c->env_base, &expected, mine)) {
            b = mine;
        } else {
            free(mine);
            b = expected;
        }
    }
    *loopback = b->loopback;
    return b->url;
}

static foil_status_t set_base_url(foil_client_t *c, const char *base_url) {
    ARG_CHECK(c, "client");
    ARG_CHECK(base_url, "base_url");
    const char *why = NULL;
    bool loopback = false;
    if (!foil_url_is_allowed(base_url, &why, &loopback)) {
        char shown[512]; /* never echo credentials written into the URL */
        foil_url_redact(base_url, shown, sizeof shown);
        return foil_fail_field(FOIL_E_CONFIGURATION, "base_url", why,
                               "https://... or http://127.0.0.1:PORT", shown);
    }
    char *copy = foil_strdup(base_url), *redacted = malloc(foil_url_redacted_size(base_url));
    if (!copy || !redacted) {
        free(copy);
        free(redacted);
        return foil_fail_nomem();
    }
    size_t n = strlen(copy);
    while (n > 0 && copy[n - 1] == '/')
        copy[--n] = '\0';
    foil_url_redact(copy, redacted, foil_url_redacted_size(base_url));
    free(c->base_url);
    free(c->base_url_redacted);
    c->base_url = copy;
    c->base_url_redacted = redacted;
    c->base_url_loopback = loopback;
    return FOIL_OK;
}

const char *foil_client_base_url(const foil_client_t *c) {
    bool loopback;
    return c ? foil_client_resolve_base_url((foil_client_t *)c, &loopback) : NULL;
}

const char *foil_client_base_url_redacted(const foil_client_t *c) {
    bool loopback;
    if (!c || !foil_client_resolve_base_url((foil_client_t *)c, &loopback)) return NULL;
    return c->base_url ? c->base_url_redacted : atomic_load(&c->env_base)->redacted;
}

static foil_status_t set_timeout_ms(foil_client_t *c, long timeout_ms) {
    ARG_CHECK(c, "client");
    if (timeout_ms <= 0)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "timeout_ms", "must be positive", "> 0",
                               NULL);
    c->timeout_ms = timeout_ms;
    return FOIL_OK;
}

static foil_status_t set_connect_timeout_ms(foil_client_t *c, long timeout_ms) {
    ARG_CHECK(c, "client");
    if (timeout_ms <= 0)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "connect_timeout_ms", "must be positive",
                               "> 0", NULL);
    c->connect_timeout_ms = timeout_ms;
    return FOIL_OK;
}

static foil_status_t set_ca_bundle(foil_client_t *c, const char *path) {
    ARG_CHECK(c, "client");
    return replace(&c->ca_bundle, path, false);
}

static foil_status_t set_proxy(foil_client_t *c, const char *proxy_url) {
    ARG_CHECK(c, "client");
    return replace(&c->proxy, proxy_url, false);
}

static foil_status_t set_user_agent(foil_client_t *c, const char *user_agent) {
    ARG_CHECK(c, "client");
    foil_status_t st = check_header_value("user_agent", user_agent, 1024, "at most 1024 bytes");
    if (st != FOIL_OK) return st;
    return replace(&c->user_agent, user_agent, false);
}

static foil_status_t set_client_suffix(foil_client_t *c, const char *suffix) {
    ARG_CHECK(c, "client");
    return set_client_header(c, suffix);
}

static foil_status_t set_max_retries(foil_client_t *c, int max_retries) {
    ARG_CHECK(c, "client");
    if (max_retries < 0 || max_retries > 10)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "max_retries", "out of range", "0..10",
                               NULL);
    c->max_retries = max_retries;
    return FOIL_OK;
}

static foil_status_t set_max_response_bytes(foil_client_t *c, long bytes) {
    ARG_CHECK(c, "client");
    if (bytes <= 0)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "max_response_bytes", "must be positive",
                               "> 0", NULL);
    c->max_response_bytes = bytes;
    return FOIL_OK;
}

static foil_status_t set_prefetch(foil_client_t *c, int enabled) {
    ARG_CHECK(c, "client");
    c->prefetch = enabled != 0;
    return FOIL_OK;
}

/* --- options are frozen at the first request -----------------------------------
 * Options are written under one process-wide lock: setters are rare, and one lock is
 * one for the fork handlers to take (a fork while a setter writes cannot leave a child
 * with a half-written option or a lock held by a thread it does not have). */

static pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER;

static void config_lock_take(void) {
    pthread_mutex_lock(&config_lock);
}

static void config_lock_give(void) {
    pthread_mutex_unlock(&config_lock);
}

__attribute__((constructor)) static void watch_forks(void) {
    pthread_atfork(config_lock_take, config_lock_give, config_lock_give);
}

void foil_client_mark_in_use(foil_client_t *c) {
    if (atomic_load_explicit(&c->in_use, memory_order_acquire)) return;
    /* Said before waiting: every setter from now on refuses without taking the lock, so
     * setters called in a loop cannot keep this request waiting; only a setter already
     * writing finishes first. */
    atomic_store(&c->request_waiting, 1);
    pthread_mutex_lock(&config_lock);
    atomic_store_explicit(&c->in_use, 1, memory_order_release);
    pthread_mutex_unlock(&config_lock);
}

/* Take the right to write options; FOIL_E_STATE once a request has started or waits to. */
static foil_status_t config_begin(foil_client_t *c) {
    if (!atomic_load(&c->request_waiting)) {
        pthread_mutex_lock(&config_lock);
        if (!atomic_load(&c->in_use)) return FOIL_OK;
        pthread_mutex_unlock(&config_lock);
    }
    return foil_fail(FOIL_E_STATE, "client options must be set before the client's "
                                   "first request; create another client instead");
}

#define LOCKED_SETTER(name, type)                                                                  \
    foil_status_t foil_client_set_##name(foil_client_t *c, type value) {                           \
        ARG_CHECK(c, "client");                                                                    \
        foil_status_t st = config_begin(c);                                                        \
        if (st != FOIL_OK) return st;                                                              \
        st = set_##name(c, value);                                                                 \
        pthread_mutex_unlock(&config_lock);                                                        \
        return st;                                                                                 \
    }
LOCKED_SETTER(secret_key, const char *)
LOCKED_SETTER(base_url, const char *)
LOCKED_SETTER(timeout_ms, long)
LOCKED_SETTER(connect_timeout_ms, long)
LOCKED_SETTER(ca_bundle, const char *)
LOCKED_SETTER(proxy, const char *)
LOCKED_SETTER(user_agent, const char *)
LOCKED_SETTER(client_suffix, const char *)
LOCKED_SETTER(max_retries, int)
LOCKED_SETTER(max_response_bytes, long)
LOCKED_SETTER(prefetch, int)

void foil_client_cancel(foil_client_t *c) {
    if (c) atomic_fetch_add(&c->cancel_generation, 1);
}

long foil_client_connections_opened(const foil_client_t *c) {
    return c ? atomic_load(&((foil_client_t *)c)->connections_opened) : 0;
}
