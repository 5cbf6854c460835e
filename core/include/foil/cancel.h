/* libfoil: cancelling one thread's calls (a cancellation token).
 *
 * foil_client_cancel() stops every request in flight on a client, on every thread that
 * shares it. A token stops only the calls of the thread it is bound to, which is what a
 * binding's interrupt needs (Ruby's unblocking function for one Thread#kill, a signal
 * handler for the main thread, a timeout around one call):
 *
 *   foil_cancel_t *t;  foil_cancel_new(&t);
 *   foil_cancel_bind(t);          // this thread's calls now watch t
 *   ... foil_sessions_list(...) ...   // another thread: foil_cancel_fire(t)
 *   foil_cancel_bind(NULL);
 *   foil_cancel_free(t);
 *
 * Once fired, a token stays fired until foil_cancel_reset(): the request in flight ends
 * within ~0.1 s with FOIL_E_CANCELLED, and so does every later request, retry back-off or
 * Gate wait on that thread while the token is bound (a fire just before a call starts is
 * not lost). fire, reset and fired are safe from any thread and from a signal handler
 * (C11 atomics, no lock). A thread has at most one bound token; bind replaces it.
 * The caller keeps the token alive while it is bound.
 */
#ifndef FOIL_CANCEL_H
#define FOIL_CANCEL_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct foil_cancel foil_cancel_t;

FOIL_API foil_status_t foil_cancel_new(foil_cancel_t **out);
/* Bind a token to the calling thread (NULL unbinds). */
FOIL_API void foil_cancel_bind(foil_cancel_t *token);
/* The calling thread's bound token, NULL when none. */
FOIL_API foil_cancel_t *foil_cancel_bound(void);
FOIL_API void foil_cancel_fire(foil_cancel_t *token);
FOIL_API void foil_cancel_reset(foil_cancel_t *token);
/* 1 once fired (until reset), else 0; 0 for NULL. */
FOIL_API int foil_cancel_fired(const foil_cancel_t *token);
/* Unbinds it first when the calling thread has it bound. NULL: no-op. */
FOIL_API void foil_cancel_free(foil_cancel_t *token);
/* A check the waiting thread also runs at each of its ticks (about every 0.1 s) while the
 * token is bound: non-zero fires the token. For runtimes that mark a pending interrupt
 * without always calling an unblocking function (Ruby, for a signal that arrives while
 * other threads exist). It runs on the thread making the call, without any lock of
 * libfoil's, and must be cheap; NULL removes it. Set it before binding the token. */
FOIL_API void foil_cancel_set_check(foil_cancel_t *token, int (*check)(void *context),
                                    void *context);

#ifdef __cplusplus
}
#endif
#endif
