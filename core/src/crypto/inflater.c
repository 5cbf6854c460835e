/* The per-thread inflate stream behind inflater.h. zlib allocates through our hooks so
 * that every buffer it holds can be wiped: after each use (its sliding window keeps the
 * tail of the plaintext) and when the thread exits (a pthread key destructor, as for the
 * last-error record in errors.c). */
#include "inflater.h"

#include "internal.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>

/* zlib's inflate allocates its state and, at most, one window. */
#define MAX_BLOCKS 4

typedef struct block {
    void *ptr;
    size_t size;
} block;

typedef struct inflater {
    z_stream zs;
    bool ready;
    block blocks[MAX_BLOCKS];
} inflater;

static _Thread_local inflater tls_inflater;

static pthread_key_t exit_key;
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;
static _Thread_local bool exit_hook_armed;

static voidpf block_alloc(voidpf opaque, uInt items, uInt size) {
    inflater *in = opaque;
    for (size_t i = 0; i < MAX_BLOCKS; i++) {
        if (in->blocks[i].ptr) continue;
        size_t bytes = (size_t)items * size;
        void *ptr = malloc(bytes ? bytes : 1);
        if (ptr) in->blocks[i] = (block){ptr, bytes};
        return ptr;
    }
    return NULL;
}

static void block_free(voidpf opaque, voidpf ptr) {
    inflater *in = opaque;
    for (size_t i = 0; i < MAX_BLOCKS; i++) {
        if (in->blocks[i].ptr != ptr) continue;
        sodium_memzero(ptr, in->blocks[i].size);
        in->blocks[i] = (block){NULL, 0};
        break;
    }
    free(ptr);
}

static void on_thread_exit(void *record) {
    inflater *in = record;
    if (in->ready) inflateEnd(&in->zs);
    in->ready = false;
}

static void make_exit_key(void) {
    pthread_key_create(&exit_key, on_thread_exit);
}

z_stream *foil_inflater_acquire(void) {
    inflater *in = &tls_inflater;
    if (in->ready) return &in->zs;
    if (!exit_hook_armed) {
        pthread_once(&exit_key_once, make_exit_key);
        exit_hook_armed = pthread_setspecific(exit_key, in) == 0;
    }
    in->zs = (z_stream){.zalloc = block_alloc, .zfree = block_free, .opaque = in};
    in->ready = inflateInit(&in->zs) == Z_OK;
    return in->ready ? &in->zs : NULL;
}

void foil_inflater_release(z_stream *zs) {
    inflater *in = &tls_inflater;
    /* Every block but zlib's own state is the window: plaintext, not needed after a reset. */
    for (size_t i = 0; i < MAX_BLOCKS; i++)
        if (in->blocks[i].ptr && in->blocks[i].ptr != (void *)zs->state)
            sodium_memzero(in->blocks[i].ptr, in->blocks[i].size);
    if (inflateReset(zs) != Z_OK) {
        inflateEnd(zs);
        in->ready = false;
    }
}
