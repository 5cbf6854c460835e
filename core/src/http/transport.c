/* A pool of libcurl easy handles sharing one connection cache, DNS cache and TLS
 * sessions, so keep-alive connections are reused across calls and threads. */
#include "client_internal.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>

#define SPARE_BUFFERS 8
#define SPARE_BUFFER_MAX (4u << 20)

struct foil_transport {
    CURLSH *share;
    pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];
    pthread_mutex_t pool_lock;
    CURL **idle;
    size_t idle_count;
    size_t idle_cap;
    char *spare[SPARE_BUFFERS];
    size_t spare_cap[SPARE_BUFFERS];
    size_t spare_count;
};

static void share_lock(CURL *handle, curl_lock_data data, curl_lock_access access, void *userp) {
    (void)handle;
    (void)access;
    struct foil_transport *t = userp;
    pthread_mutex_lock(&t->share_locks[data]);
}

static void share_unlock(CURL *handle, curl_lock_data data, void *userp) {
    (void)handle;
    struct foil_transport *t = userp;
    pthread_mutex_unlock(&t->share_locks[data]);
}

foil_status_t foil_transport_new(foil_transport_t **out) {
    *out = NULL;
    struct foil_transport *t = calloc(1, sizeof *t);
    if (!t) return foil_fail_nomem();
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_init(&t->share_locks[i], NULL);
    pthread_mutex_init(&t->pool_lock, NULL);
    t->share = curl_share_init();
    if (!t->share) {
        foil_transport_free(t);
        return foil_fail_nomem();
    }
    curl_share_setopt(t->share, CURLSHOPT_LOCKFUNC, share_lock);
    curl_share_setopt(t->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
    curl_share_setopt(t->share, CURLSHOPT_USERDATA, t);
    curl_share_setopt(t->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    curl_share_setopt(t->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(t->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    *out = t;
    return FOIL_OK;
}

void foil_transport_free(foil_transport_t *t) {
    if (!t) return;
    for (size_t i = 0; i < t->idle_count; i++)
        curl_easy_cleanup(t->idle[i]);
    for (size_t i = 0; i < t->spare_count; i++)
        free(t->spare[i]);
    free(t->idle);
    if (t->share) curl_share_cleanup(t->share);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
        pthread_mutex_destroy(&t->share_locks[i]);
    pthread_mutex_destroy(&t->pool_lock);
    free(t);
}

void *foil_transport_acquire(foil_transport_t *t, bool *fresh) {
    CURL *easy = NULL;
    pthread_mutex_lock(&t->pool_lock);
    if (t->idle_count > 0) easy = t->idle[--t->idle_count];
    pthread_mutex_unlock(&t->pool_lock);
    *fresh = easy == NULL;
    if (easy) return easy;
    easy = curl_easy_init();
    if (easy) curl_easy_setopt(easy, CURLOPT_SHARE, t->share);
    return easy;
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
