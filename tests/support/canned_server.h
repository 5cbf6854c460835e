/* A loopback HTTP server that answers every request with one canned response and
 * records the last request, for contract tests that push the spec's fixture
 * bodies through the real client stack. */
#ifndef FOIL_CANNED_SERVER_H
#define FOIL_CANNED_SERVER_H

#include <stddef.h>

#include "foil/foil.h"

typedef struct canned_server canned_server_t;

typedef struct canned_request {
    char method[16];
    char url[2048];   /* path as received */
    char query[2048]; /* decoded query arguments, "name=value&..." in order */
    char authorization[512];
    char content_type[128];
    char foil_client[128];
    char body[65536];
    size_t body_len;
    int count; /* requests served so far */
} canned_request_t;

/* Start on 127.0.0.1 with a free port; NULL on failure. */
canned_server_t *canned_server_start(void);
/* The next responses: status, body (copied), optional x-request-id (NULL: none),
 * optional Retry-After (NULL: none). */
void canned_server_respond(canned_server_t *s, int status, const char *body, const char *request_id,
                           const char *retry_after);
/* The next responses: 200 with bodies[0], then bodies[1], ...; the last repeats once all
 * are served. Replaced by the next canned_server_respond / canned_server_sequence. */
void canned_server_sequence(canned_server_t *s, const char *const *bodies, size_t count);
/* From now on every answer names what it answers: a session get for /.../<id> is
 * {"data":{"object":"session","id":"<id>"}}; a session list page is the one item
 * "item_<cursor>" (cursors 0 (none), 1, ...; list_pages pages in all). list_pages 0: off. */
void canned_server_echo(canned_server_t *s, int list_pages);
/* In echo mode, list pages end with "meta": <meta> (a JSON object; NULL or "": none). */
void canned_server_echo_meta(canned_server_t *s, const char *meta);
/* Delay every response by delay_ms (0: none). */
void canned_server_delay(canned_server_t *s, long delay_ms);
const char *canned_server_url(const canned_server_t *s);
/* Snapshot of the last request. */
canned_request_t canned_server_last(canned_server_t *s);
void canned_server_stop(canned_server_t *s);

/* What most contract tests need: a canned server and a client pointed at it. */
typedef struct canned_env {
    canned_server_t *server;
    foil_client_t *client;
} canned_env_t;

#define CANNED_ENV_SECRET_KEY "sk_test_canned"

/* cmocka setup / teardown: *state becomes a canned_env_t whose client sends
 * CANNED_ENV_SECRET_KEY. Returns non-zero (a failed setup) when anything fails. */
int canned_env_setup(void **state);
int canned_env_teardown(void **state);
/* Another client on the env's server with CANNED_ENV_SECRET_KEY, for tests that need other
 * options (options are set before a client's first request). Free it with
 * foil_client_free(); NULL on failure. */
foil_client_t *canned_env_client(const canned_env_t *e);

#endif
