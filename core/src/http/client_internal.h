/* The client handle's layout, shared by client.c, transport.c and request.c. */
#ifndef FOIL_CLIENT_INTERNAL_H
#define FOIL_CLIENT_INTERNAL_H

#include "internal.h"

#include <stdatomic.h>

typedef struct foil_transport foil_transport_t;

struct foil_client {
    atomic_int refs; /* iterators and sessions keep their client alive */
    char *base_url;  /* set explicitly, no trailing slash; NULL: FOIL_BASE_URL or the default */
    char *base_url_redacted; /* base_url with any user:password@ as ***@ (for display) */
    bool base_url_loopback;
    _Atomic(struct foil_env_base *) env_base; /* FOIL_BASE_URL as read at first need */
    char *secret_key;
    bool secret_key_set; /* set explicitly (even to none): FOIL_SECRET_KEY is not read */
    char *ca_bundle;
    char *proxy;
    char *user_agent;
    char *client_header; /* "X-Foil-Client: libfoil-c/<version>[ suffix]" */
    long timeout_ms;
    long connect_timeout_ms;
    long max_response_bytes;
    int max_retries;
    bool prefetch; /* iterators request the next page while the current one is read */
    /* Set for good by the first request, under the options lock setters write under
     * (client.c): no option changes under a request, and a setter after the first
     * request is FOIL_E_STATE instead of a data race. */
    atomic_int in_use;
    atomic_int request_waiting; /* set by the first request before it locks: setters give up */
    atomic_long cancel_generation;
    atomic_long connections_opened;
    foil_transport_t *transport;
};

struct foil_env_base {
    bool loopback;
    const char *redacted; /* url with any user:password@ as ***@, stored after it */
    char url[];           /* no trailing slash */
};

void foil_client_retain(foil_client_t *client);
/* Freeze the client's options: called by every request before it reads them. Cheap once
 * the client is in use (one atomic load). */
void foil_client_mark_in_use(foil_client_t *client);

/* The base URL a request goes to: the one set explicitly, else FOIL_BASE_URL (read once,
 * at the first request that needs it), else FOIL_DEFAULT_BASE_URL. NULL with the last
 * error set (FOIL_E_CONFIGURATION naming FOIL_BASE_URL) when the variable is unusable.
 * *loopback: the host is a loopback address. */
const char *foil_client_resolve_base_url(foil_client_t *client, bool *loopback);
/* The secret key a request sends: the one set explicitly (NULL when cleared), else
 * FOIL_SECRET_KEY. FOIL_E_CONFIGURATION naming the variable (never its value) when it
 * holds control characters. */
foil_status_t foil_client_resolve_secret_key(const foil_client_t *client, const char **out);
/* 1 when s holds a byte that may not appear in an HTTP header value (controls, DEL). */
bool foil_has_control_chars(const char *s);
void foil_client_release(foil_client_t *client);

/* http/transport.c: a pool of libcurl easy handles sharing one connection cache. */
foil_status_t foil_transport_new(foil_transport_t **out);
void foil_transport_free(foil_transport_t *t);
/* A pooled CURL * (NULL on no memory); *fresh tells the caller that it is new and needs
 * the options every request shares. */
void *foil_transport_acquire(foil_transport_t *t, bool *fresh);
void foil_transport_release(foil_transport_t *t, void *easy);
/* A new CURL * on the same connection cache, outside the pool (NULL on no memory): for
 * a transport that configures its handles its own way (the event loop, loop/). Freed
 * with curl_easy_cleanup() in the process that made it (after fork: foil_fork_keep). */
void *foil_transport_new_handle(foil_transport_t *t);
/* Response buffers are reused across requests: growing and freeing a large body
 * buffer per request costs more than parsing small pages. take: *data NULL when no
 * spare buffer is pooled; give: keeps up to a few buffers of bounded size, frees the rest. */
void foil_transport_take_buffer(foil_transport_t *t, char **data, size_t *cap);
void foil_transport_give_buffer(foil_transport_t *t, char *data, size_t cap);

/* http/ca_bundle.c: the system CA bundle path found at run time, or NULL. */
const char *foil_system_ca_bundle(void);

/* http/url.c. *loopback (may be NULL): the host is a loopback address. */
bool foil_url_is_allowed(const char *url, const char **why, bool *loopback);
/* `url` with any user:password@ replaced by "***@", into out (truncated to cap). */
void foil_url_redact(const char *url, char *out, size_t cap);
/* Bytes foil_url_redact needs to write all of `url`, the NUL included. */
size_t foil_url_redacted_size(const char *url);

#endif
