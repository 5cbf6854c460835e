/* The client handle's layout, shared by client.c, transport.c and request.c. */
#ifndef FOIL_CLIENT_INTERNAL_H
#define FOIL_CLIENT_INTERNAL_H

#include "internal.h"

#include <stdatomic.h>

typedef struct foil_transport foil_transport_t;

struct foil_client {
    atomic_int refs; /* iterators and sessions keep their client alive */
    char *base_url;  /* no trailing slash */
    char *secret_key;
    char *ca_bundle;
    char *proxy;
    char *user_agent;
    char *client_header; /* "X-Foil-Client: libfoil-c/<version>[ suffix]" */
    long timeout_ms;
    long connect_timeout_ms;
    long max_response_bytes;
    int max_retries;
    atomic_long cancel_generation;
    atomic_long connections_opened;
    foil_transport_t *transport;
};

void foil_client_retain(foil_client_t *client);
void foil_client_release(foil_client_t *client);

/* transport.c: a pool of libcurl easy handles sharing one connection cache. */
foil_status_t foil_transport_new(foil_transport_t **out);
void foil_transport_free(foil_transport_t *t);
void *foil_transport_acquire(foil_transport_t *t); /* CURL *, NULL on no memory */
void foil_transport_release(foil_transport_t *t, void *easy);
/* Response buffers are reused across requests: growing and freeing a large body
 * buffer per request costs more than parsing small pages. take: *data NULL when no
 * spare buffer is pooled; give: keeps up to a few buffers of bounded size, frees the rest. */
void foil_transport_take_buffer(foil_transport_t *t, char **data, size_t *cap);
void foil_transport_give_buffer(foil_transport_t *t, char *data, size_t cap);

/* request.c: sets the options every request shares on a new easy handle (transport.c). */
void foil_request_configure_handle(void *easy);

/* ca_bundle.c: the system CA bundle path found at run time, or NULL. */
const char *foil_system_ca_bundle(void);

/* url.c */
bool foil_url_is_allowed(const char *url, const char **why);

#endif
