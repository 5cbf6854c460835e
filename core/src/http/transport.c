/* A pool of libcurl easy handles sharing one connection cache, DNS cache and TLS
 * sessions, so keep-alive connections are reused across calls and threads.
 *
 * After fork() the child leaves the parent's connections alone: a request sent on one
 * would read the parent's answer, and libcurl closing one would run the protocol's
 * shutdown (a TLS close_notify) in the parent's stream. The child handler closes the
 * inherited sockets with close(2) only (nothing is sent or read), sets the inherited
 * cache and pooled handles aside untouched (foil_fork_keep), and the child's next
 * request opens its own connections. The pool lock is taken before the fork, so no
 * pool is copied half-updated; the cache's locks are new with each cache. */
#include "client_internal.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#define SPARE_BUFFERS 8
#define SPARE_BUFFER_MAX (4u << 20)
/* Sockets remembered for the fork handler: the pool's connections (at most 64 idle) and
 * those in use. A socket beyond this is not closed in a child, only never used there. */
#define SOCKET_SLOTS 256

/* A connection cache (CURLSH) with the locks libcurl asks for around it. */
typedef struct cache {
    CURLSH *share;
    pthread_mutex_t locks[CURL_LOCK_DATA_LAST];
} cache;

struct foil_transport {
    struct foil_transport *prev, *next; /* the process's transports, for the fork handlers */
    pthread_mutex_t pool_lock;
    unsigned long generation; /* foil_fork_generation() the cache and pool belong to */
    cache *cache;             /* made at the first request (again in a forked child) */
    CURL **idle;
    size_t idle_count;
    size_t idle_cap;
    char *spare[SPARE_BUFFERS];
    size_t spare_cap[SPARE_BUFFERS];
    size_t spare_count;
    atomic_int sockets[SOCKET_SLOTS]; /* open connection sockets; -1: a free slot */
};

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct foil_transport *registry;

static void share_lock(CURL *handle, curl_lock_data data, curl_lock_access access, void *userp) {
    (void)handle;
    (void)access;
    cache *k = userp;
    pthread_mutex_lock(&k->locks[data]);
}

static void share_unlock(CURL *handle, curl_lock_data data, void *userp) {
    (void)handle;
    cache *k = userp;
    pthread_mutex_unlock(&k->locks[data]);
}

static cache *cache_new(void) {
    cache *k = calloc(1, sizeof *k);
    if (!k || !(k->share = curl_share_init())) {
        free(k);
        return NULL;
    }
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_init(&k->locks[i], NULL);
    curl_share_setopt(k->share, CURLSHOPT_LOCKFUNC, share_lock);
    curl_share_setopt(k->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
    curl_share_setopt(k->share, CURLSHOPT_USERDATA, k);
    curl_share_setopt(k->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    curl_share_setopt(k->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(k->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    return k;
}

static void cache_free(cache *k) {
    if (!k) return;
    curl_share_cleanup(k->share);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_destroy(&k->locks[i]);
    free(k);
}

/* libcurl's socket callbacks: every connection socket is remembered while open. */
static curl_socket_t open_socket(void *userp, curlsocktype purpose, struct curl_sockaddr *addr) {
    (void)purpose;
    struct foil_transport *t = userp;
    int fd = socket(addr->family, addr->socktype | SOCK_CLOEXEC, addr->protocol);
    if (fd < 0) return CURL_SOCKET_BAD;
    for (int i = 0; i < SOCKET_SLOTS; i++) {
        int free_slot = -1;
        if (atomic_compare_exchange_strong(&t->sockets[i], &free_slot, fd)) break;
    }
    return fd;
}

static int close_socket(void *userp, curl_socket_t fd) {
    struct foil_transport *t = userp;
    for (int i = 0; i < SOCKET_SLOTS; i++) {
        int expected = fd;
        if (atomic_compare_exchange_strong(&t->sockets[i], &expected, -1)) break;
    }
    return close(fd);
}

/* In a child: give up the parent's connections without a word on them (called with
 * pool_lock held). The cache and pooled handles are kept, never freed: freeing them
 * would close the connections through libcurl. */
static void leave_inherited(struct foil_transport *t, unsigned long generation) {
    for (int i = 0; i < SOCKET_SLOTS; i++) {
        int fd = atomic_exchange(&t->sockets[i], -1);
        if (fd >= 0) close(fd);
    }
    foil_fork_keep(t->cache);
    foil_fork_keep(t->idle); /* the array keeps its handles reachable */
    t->cache = NULL;
    t->idle = NULL;
    t->idle_count = t->idle_cap = 0;
    t->generation = generation;
}

static void before_fork(void) {
    pthread_mutex_lock(&registry_lock);
    for (struct foil_transport *t = registry; t; t = t->next)
        pthread_mutex_lock(&t->pool_lock);
}

static void after_fork_in_parent(void) {
    for (struct foil_transport *t = registry; t; t = t->next)
        pthread_mutex_unlock(&t->pool_lock);
    pthread_mutex_unlock(&registry_lock);
}

static void after_fork_in_child(void) {
    unsigned long generation = foil_fork_generation();
    for (struct foil_transport *t = registry; t; t = t->next) {
        leave_inherited(t, generation);
        pthread_mutex_unlock(&t->pool_lock);
    }
    pthread_mutex_unlock(&registry_lock);
}

__attribute__((constructor)) static void watch_forks(void) {
    pthread_atfork(before_fork, after_fork_in_parent, after_fork_in_child);
}

foil_status_t foil_transport_new(foil_transport_t **out) {
    *out = NULL;
    struct foil_transport *t = calloc(1, sizeof *t);
    if (!t) return foil_fail_nomem();
    pthread_mutex_init(&t->pool_lock, NULL);
    for (int i = 0; i < SOCKET_SLOTS; i++)
        atomic_init(&t->sockets[i], -1);
    t->generation = foil_fork_generation();
    pthread_mutex_lock(&registry_lock);
    t->next = registry;
    if (registry) registry->prev = t;
    registry = t;
    pthread_mutex_unlock(&registry_lock);
    *out = t;
    return FOIL_OK;
}

void foil_transport_free(foil_transport_t *t) {
    if (!t) return;
    pthread_mutex_lock(&registry_lock);
    if (t->prev)
        t->prev->next = t->next;
    else
        registry = t->next;
    if (t->next) t->next->prev = t->prev;
    pthread_mutex_unlock(&registry_lock);
    pthread_mutex_lock(&t->pool_lock);
    if (t->generation != foil_fork_generation()) /* a child made without the fork handlers */
        leave_inherited(t, foil_fork_generation());
    pthread_mutex_unlock(&t->pool_lock);
    for (size_t i = 0; i < t->idle_count; i++)
        curl_easy_cleanup(t->idle[i]);
    for (size_t i = 0; i < t->spare_count; i++)
        free(t->spare[i]);
    free(t->idle);
    cache_free(t->cache);
    pthread_mutex_destroy(&t->pool_lock);
    free(t);
}

/* A new handle on `share`, its sockets remembered for the fork handler. */
static CURL *new_handle(struct foil_transport *t, CURLSH *share) {
    CURL *easy = curl_easy_init();
    if (easy) {
        curl_easy_setopt(easy, CURLOPT_SHARE, share);
        curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, open_socket);
        curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, t);
        curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, close_socket);
        curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, t);
    }
    return easy;
}

void *foil_transport_acquire(foil_transport_t *t, bool *fresh) {
    CURL *easy = NULL;
    CURLSH *share = NULL;
    unsigned long generation = foil_fork_generation();
    pthread_mutex_lock(&t->pool_lock);
    /* A child made without the fork handlers (no pthread_atfork run) notices here. */
    if (t->generation != generation) leave_inherited(t, generation);
    if (!t->cache) t->cache = cache_new();
    if (t->cache) share = t->cache->share;
    if (t->idle_count > 0) easy = t->idle[--t->idle_count];
    pthread_mutex_unlock(&t->pool_lock);
    *fresh = easy == NULL;
    if (easy || !share) return easy;
    return new_handle(t, share);
}

void *foil_transport_new_handle(foil_transport_t *t) {
    CURLSH *share = NULL;
    unsigned long generation = foil_fork_generation();
    pthread_mutex_lock(&t->pool_lock);
    if (t->generation != generation) leave_inherited(t, generation);
    if (!t->cache) t->cache = cache_new();
    if (t->cache) share = t->cache->share;
    pthread_mutex_unlock(&t->pool_lock);
    return share ? new_handle(t, share) : NULL;
}

void foil_transport_release(foil_transport_t *t, void *easy) {
    if (!easy) return;
    pthread_mutex_lock(&t->pool_lock);
    if (t->idle_count == t->idle_cap) {
        size_t cap = t->idle_cap ? t->idle_cap * 2 : 4;
        CURL **grown = realloc(t->idle, cap * sizeof *grown);
        if (!grown) {
            pthread_mutex_unlock(&t->pool_lock);
            curl_easy_cleanup(easy);
            return;
        }
        t->idle = grown;
        t->idle_cap = cap;
    }
    t->idle[t->idle_count++] = easy;
    pthread_mutex_unlock(&t->pool_lock);
}

void foil_transport_take_buffer(foil_transport_t *t, char **data, size_t *cap) {
    *data = NULL;
    *cap = 0;
    pthread_mutex_lock(&t->pool_lock);
    if (t->spare_count > 0) {
        t->spare_count--;
        *data = t->spare[t->spare_count];
        *cap = t->spare_cap[t->spare_count];
    }
    pthread_mutex_unlock(&t->pool_lock);
}

void foil_transport_give_buffer(foil_transport_t *t, char *data, size_t cap) {
    if (!data) return;
    pthread_mutex_lock(&t->pool_lock);
    if (cap <= SPARE_BUFFER_MAX && t->spare_count < SPARE_BUFFERS) {
        t->spare[t->spare_count] = data;
        t->spare_cap[t->spare_count++] = cap;
        data = NULL;
    }
    pthread_mutex_unlock(&t->pool_lock);
    free(data);
}
