/* Stopping a libmicrohttpd daemon without the crash of 0.9.75 (see mhd_stop.h). */
#define _POSIX_C_SOURCE 200809L
#include "mhd_stop.h"

#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

/* How long open connections get to finish after their read side is shut down, then after
 * both sides are (a response to a client that stopped reading only ends with a write error). */
#define READ_SHUTDOWN_GRACE_MS 500
#define FULL_SHUTDOWN_GRACE_MS 500
#define RESHUTDOWN_MS 20

struct mhd_open_connection {
    int fd;
    mhd_open_connection_t *prev, *next;
};

int mhd_connections_init(mhd_connections_t *t) {
    pthread_condattr_t attr;
    if (pthread_condattr_init(&attr) != 0) return -1;
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(&t->all_closed, &attr);
    pthread_condattr_destroy(&attr);
    if (rc != 0) return -1;
    if (pthread_mutex_init(&t->lock, NULL) != 0) {
        pthread_cond_destroy(&t->all_closed);
        return -1;
    }
    t->head = NULL;
    t->open = t->accepting = 0;
    t->draining = 0;
    return 0;
}

enum MHD_Result mhd_stop_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen) {
    (void)addr;
    (void)addrlen;
    mhd_connections_t *t = cls;
    pthread_mutex_lock(&t->lock);
    const int draining = t->draining;
    if (!draining) t->accepting++; /* waited for too, until it is started */
    pthread_mutex_unlock(&t->lock);
    return draining ? MHD_NO : MHD_YES;
}

/* libmicrohttpd notifies a close before it closes the socket, and every fd in the list is
 * touched under the lock: a shutdown never reaches a descriptor reused since. */
void mhd_stop_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                     enum MHD_ConnectionNotificationCode code) {
    mhd_connections_t *t = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        mhd_open_connection_t *c = ci ? calloc(1, sizeof(*c)) : NULL;
        pthread_mutex_lock(&t->lock);
        if (t->accepting) t->accepting--;
        if (!c) { /* not drained: stopped the old way */
            if (t->open == 0 && t->accepting == 0) pthread_cond_broadcast(&t->all_closed);
            pthread_mutex_unlock(&t->lock);
            return;
        }
        c->fd = ci->connect_fd;
        c->next = t->head;
        if (t->head) t->head->prev = c;
        t->head = c;
        t->open++;
        if (t->draining) shutdown(c->fd, SHUT_RD); /* let in as the stop began */
        pthread_mutex_unlock(&t->lock);
        *socket_context = c;
        return;
    }
    mhd_open_connection_t *c = *socket_context;
    if (code != MHD_CONNECTION_NOTIFY_CLOSED || !c) return;
    pthread_mutex_lock(&t->lock);
    if (c->prev)
        c->prev->next = c->next;
    else
        t->head = c->next;
    if (c->next) c->next->prev = c->prev;
    if (--t->open == 0 && t->accepting == 0) pthread_cond_broadcast(&t->all_closed);
    pthread_mutex_unlock(&t->lock);
    free(c);
    *socket_context = NULL;
}

static struct timespec after_ms(long ms) {
    struct timespec at;
    clock_gettime(CLOCK_MONOTONIC, &at);
    at.tv_sec += ms / 1000;
    at.tv_nsec += (ms % 1000) * 1000000L;
    if (at.tv_nsec >= 1000000000L) {
        at.tv_sec++;
        at.tv_nsec -= 1000000000L;
    }
    return at;
}

static int before(const struct timespec *a, const struct timespec *b) {
    return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* Shuts down `how` every open connection and waits, with the lock held, until none is open or
 * about to be, or ms have passed. The shutdown is repeated every few milliseconds: on epoll,
 * libmicrohttpd can miss the one wake-up a shutdown gives when it comes while the connection
 * is busy with a request (it then waited out the whole time limit). */
static void shut_down_and_wait(mhd_connections_t *t, int how, long ms) {
    const struct timespec deadline = after_ms(ms);
    while (t->open > 0 || t->accepting > 0) {
        for (mhd_open_connection_t *c = t->head; c; c = c->next)
            shutdown(c->fd, how);
        struct timespec slice = after_ms(RESHUTDOWN_MS);
        if (!before(&slice, &deadline)) slice = deadline;
        pthread_cond_timedwait(&t->all_closed, &t->lock, &slice);
        struct timespec now = after_ms(0);
        if (!before(&now, &deadline)) return;
    }
}

void mhd_stop_daemon(mhd_connections_t *t, struct MHD_Daemon *daemon) {
    if (!daemon) return;
    pthread_mutex_lock(&t->lock);
    t->draining = 1;
    shut_down_and_wait(t, SHUT_RD, READ_SHUTDOWN_GRACE_MS);
    if (t->open > 0) shut_down_and_wait(t, SHUT_RDWR, FULL_SHUTDOWN_GRACE_MS);
    pthread_mutex_unlock(&t->lock);
    MHD_stop_daemon(daemon);
}

void mhd_connections_destroy(mhd_connections_t *t) {
    /* A connection libmicrohttpd never reported closed (none should be left). */
    while (t->head) {
        mhd_open_connection_t *c = t->head;
        t->head = c->next;
        free(c);
    }
    pthread_cond_destroy(&t->all_closed);
    pthread_mutex_destroy(&t->lock);
}
