/* Stopping a libmicrohttpd daemon without the crash of libmicrohttpd 0.9.75 (Debian 12).
 *
 * Once MHD_stop_daemon has set the daemon's shutdown flag, MHD_queue_response returns MHD_YES
 * without queueing anything, and libmicrohttpd's own error answer to a malformed request (a
 * TLS hello sent to plain HTTP, garbage) then dereferences the missing response: SIGSEGV in a
 * connection thread when a stop meets such a request. mhd_stop_daemon first lets every
 * connection finish with the flag still clear: it refuses new connections, shuts down the read
 * side of every open one (each then sees the end of its input, answers what it already read,
 * and closes), waits until they are all closed, and only then stops the daemon.
 * (MHD_quiesce_daemon is no way to stop accepting: on an epoll daemon with its own threads it
 * races the worker threads and can abort the process, a known 0.9.75 defect.)
 *
 * Use: pass mhd_stop_accept as the daemon's accept policy and mhd_stop_notify as its
 * MHD_OPTION_NOTIFY_CONNECTION callback (or call them from yours), both with the tracker as
 * their closure, then stop the daemon with mhd_stop_daemon. */
#ifndef FOIL_MHD_STOP_H
#define FOIL_MHD_STOP_H

#include <microhttpd.h>
#include <pthread.h>
#include <stddef.h>

typedef struct mhd_open_connection mhd_open_connection_t;

/* The open connections of one daemon. */
typedef struct mhd_connections {
    pthread_mutex_t lock;
    pthread_cond_t all_closed;
    mhd_open_connection_t *head;
    size_t open;
    size_t accepting; /* let in by the accept policy, not yet reported started */
    int draining;     /* set by mhd_stop_daemon: no new connection is let in */
} mhd_connections_t;

/* 0, or -1 when out of resources. */
int mhd_connections_init(mhd_connections_t *t);
/* An MHD_AcceptPolicyCallback (cls: the mhd_connections_t): refuses connections once the stop
 * has begun. */
enum MHD_Result mhd_stop_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen);
/* An MHD_NotifyConnectionCallback (cls: the mhd_connections_t). */
void mhd_stop_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                     enum MHD_ConnectionNotificationCode code);
/* Stops and frees the daemon, after letting its open connections finish (up to about a second
 * for connections that neither read nor close, e.g. a response to a client that stopped
 * reading: those are then cut). Call it once, from a thread that is not one of the daemon's. */
void mhd_stop_daemon(mhd_connections_t *t, struct MHD_Daemon *daemon);
/* After the daemon is stopped (or never started). */
void mhd_connections_destroy(mhd_connections_t *t);

#endif
