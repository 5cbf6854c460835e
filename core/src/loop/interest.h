/* What the host is to watch: libcurl's socket and timer callbacks record each socket's
 * wanted events and the timer's due time here, and the host reads the changes back
 * (foil_loop_next_change, foil_loop_timeout_ms). Nothing here calls into the host. */
#ifndef FOIL_LOOP_INTEREST_H
#define FOIL_LOOP_INTEREST_H

#include "internal.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct interest_slot {
    unsigned char wanted;   /* FOIL_LOOP_READ | FOIL_LOOP_WRITE libcurl wants now */
    unsigned char reported; /* what the host was last told */
    bool queued;            /* in `changed` */
    bool closed;            /* libcurl let go of the socket since the host was told: a
                             * socket with the same number later is a new one */
} interest_slot;

typedef struct foil_loop_interest {
    interest_slot *slots; /* indexed by fd */
    size_t slot_count;
    int *changed; /* fds whose slot differs from what the host was told, oldest first */
    size_t changed_count, changed_cap, changed_next;
    long long timer_due_ms; /* foil_loop_now_ms() when libcurl's timer is due; -1: none */
    bool failed;            /* out of memory recording a change */
} foil_loop_interest_t;

/* Monotonic milliseconds. */
long long foil_loop_now_ms(void);

void foil_loop_interest_init(foil_loop_interest_t *in);
void foil_loop_interest_clear(foil_loop_interest_t *in);
/* Hands `multi`'s socket and timer callbacks to `in`. */
void foil_loop_interest_attach(foil_loop_interest_t *in, CURLM *multi);
/* Every watched fd as "stop watching" (the sockets are gone: a forked child). */
void foil_loop_interest_forget_all(foil_loop_interest_t *in);
/* The next change: 1 with *fd and *events, 0 when none is left. */
int foil_loop_interest_next(foil_loop_interest_t *in, int *fd, int *events);

#endif
