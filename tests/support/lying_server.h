/* A one-connection HTTP server that answers every request with headers announcing a body
 * far past any client's size cap, then sends nothing more: a client must end the call at
 * the headers, not wait out its timeout for a body that never comes. */
#ifndef FOIL_TEST_LYING_SERVER_H
#define FOIL_TEST_LYING_SERVER_H

#include <foil/foil.h>

typedef struct lying_server lying_server_t;

/* Listening on 127.0.0.1; NULL on failure. */
lying_server_t *lying_server_start(void);
/* "http://127.0.0.1:PORT". */
const char *lying_server_url(const lying_server_t *s);
/* A client of it (a secret key, a 30 s timeout: far longer than a test should wait); NULL on
 * failure. */
foil_client_t *lying_server_client(const lying_server_t *s);
/* Waits for the connection to end (the client closes it), then frees. */
void lying_server_stop(lying_server_t *s);

#endif
