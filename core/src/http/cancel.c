/* Cancellation tokens (foil/cancel.h): an atomic flag and the calling thread's binding,
 * read by the request loop, retry back-off and Gate waits (foil_cancel_requested); and a
 * second per-thread flag for the call in progress (a Gate session's own cancel). */
#include "internal.h"

#include <stdatomic.h>
#include <stdlib.h>

struct foil_cancel {
    atomic_int fired;
    int (*check)(void *context); /* foil_cancel_set_check(): run by the waiting thread */
    void *context;
};

static _Thread_local foil_cancel_t *bound;
/* A second flag the calling thread's current call also stops on (a Gate session's cancel
 * during its poll), set by foil_cancel_also(). */
static _Thread_local atomic_int *also;

foil_status_t foil_cancel_new(foil_cancel_t **out) {
    if (!out) return foil_fail(FOIL_E_INVALID_ARGUMENT, "out must not be NULL");
    *out = malloc(sizeof **out);
    if (!*out) return foil_fail_nomem();
    atomic_init(&(*out)->fired, 0);
    (*out)->check = NULL;
    (*out)->context = NULL;
    return FOIL_OK;
}

void foil_cancel_set_check(foil_cancel_t *token, int (*check)(void *context), void *context) {
    if (!token) return;
    token->check = check;
    token->context = context;
}

void foil_cancel_bind(foil_cancel_t *token) {
    bound = token;
}

foil_cancel_t *foil_cancel_bound(void) {
    return bound;
}

void foil_cancel_fire(foil_cancel_t *token) {
    if (token) atomic_store(&token->fired, 1);
}

void foil_cancel_reset(foil_cancel_t *token) {
    if (token) atomic_store(&token->fired, 0);
}

int foil_cancel_fired(const foil_cancel_t *token) {
    return token ? atomic_load(&((foil_cancel_t *)token)->fired) : 0;
}

void foil_cancel_free(foil_cancel_t *token) {
    if (!token) return;
    if (bound == token) bound = NULL;
    free(token);
}

atomic_int *foil_cancel_also(atomic_int *flag) {
    atomic_int *previous = also;
    also = flag;
    return previous;
}

bool foil_cancel_requested(void) {
    if (also && atomic_load(also)) return true;
    /* The check may run a host's handler that makes calls of its own on this thread, which
     * bind and unbind their tokens: this call's token is the one read here. */
    foil_cancel_t *token = bound;
    if (!token) return false;
    if (!atomic_load(&token->fired) && token->check && token->check(token->context))
        atomic_store(&token->fired, 1);
    return atomic_load(&token->fired);
}
