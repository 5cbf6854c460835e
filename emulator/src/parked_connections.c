/* Parked connections: a delayed answer holds no worker thread. The request handler suspends
 * its connection (MHD_suspend_connection) and parks it here with a due time; one timer
 * thread resumes each connection when it is due, and libmicrohttpd then calls the handler
 * again to answer. Hundreds of delayed requests overlap on a pool of 4 workers. */
#include "emu.h"

#include <microhttpd.h>
#include <time.h>

static int64_t monotonic_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void unlink_node(emu_parking_t *p, emu_parked_t *n) {
    if (n->prev)
        n->prev->next = n->next;
    else
        p->head = n->next;
    if (n->next)
        n->next->prev = n->prev;
    else
        p->tail = n->prev;
    n->prev = n->next = NULL;
}

/* Resumes the connections that are due; returns the time the next one is due (or -1). */
static int64_t resume_due(emu_parking_t *p, int64_t now) {
    while (p->head && p->head->due_ms <= now) {
        emu_parked_t *n = p->head;
        unlink_node(p, n);
        MHD_resume_connection(n->conn);
    }
    return p->head ? p->head->due_ms : -1;
}

static void *timer_main(void *arg) {
    emu_parking_t *p = arg;
    pthread_mutex_lock(&p->lock);
    while (!p->stopping) {
        int64_t next = resume_due(p, monotonic_ms());
        if (next < 0) {
            pthread_cond_wait(&p->wake, &p->lock);
            continue;
        }
        struct timespec until = {(time_t)(next / 1000), (long)(next % 1000) * 1000000L};
        pthread_cond_timedwait(&p->wake, &p->lock, &until);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

int emu_parking_start(emu_parking_t *p) {
    pthread_condattr_t attr;
    if (pthread_condattr_init(&attr) != 0) return -1;
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC); /* due times ignore wall-clock jumps */
    int rc = pthread_cond_init(&p->wake, &attr);
    pthread_condattr_destroy(&attr);
    if (rc != 0) return -1;
    pthread_mutex_init(&p->lock, NULL);
    p->head = p->tail = NULL;
    p->stopping = 0;
    if (pthread_create(&p->thread, NULL, timer_main, p) != 0) {
        pthread_cond_destroy(&p->wake);
        pthread_mutex_destroy(&p->lock);
        return -1;
    }
    p->started = 1;
    return 0;
}

int emu_parking_park(emu_parking_t *p, emu_parked_t *node, struct MHD_Connection *conn,
                     unsigned delay_ms) {
    pthread_mutex_lock(&p->lock);
    if (p->stopping) {
        pthread_mutex_unlock(&p->lock);
        return -1;
    }
    node->conn = conn;
    node->due_ms = monotonic_ms() + delay_ms;
    /* Most delays are equal, so the new node usually goes last: walk from the tail. */
    emu_parked_t *after = p->tail;
    while (after && after->due_ms > node->due_ms)
        after = after->prev;
    node->prev = after;
    node->next = after ? after->next : p->head;
    if (node->next)
        node->next->prev = node;
    else
        p->tail = node;
    if (after)
        after->next = node;
    else
        p->head = node;
    /* Suspended under the lock, so the timer cannot resume it before it is suspended. */
    MHD_suspend_connection(conn);
    if (p->head == node) pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
    return 0;
}

void emu_parking_stop(emu_parking_t *p) {
    if (!p->started || p->stopping) return;
    pthread_mutex_lock(&p->lock);
    p->stopping = 1;
    /* MHD_stop_daemon aborts on a connection still suspended: resume every parked one, the
     * daemon then closes them (or answers them, if a worker gets there first). */
    while (p->head) {
        emu_parked_t *n = p->head;
        unlink_node(p, n);
        MHD_resume_connection(n->conn);
    }
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->thread, NULL);
}

void emu_parking_free(emu_parking_t *p) {
    if (!p->started) return;
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->lock);
    p->started = 0;
}
