/* Secret scalars live in slabs of sodium_malloc memory: locked (never swapped), left out of
 * core dumps, guard pages around each slab, wiped when a slot is handed back.
 *
 * Why slabs, not one sodium_malloc per key: each sodium_malloc and sodium_free is about ten
 * system calls (mmap, mprotect of the guard pages, madvise, mlock, munmap), and in a process
 * with several threads every mprotect and munmap also interrupts the other CPUs to flush
 * their TLBs. Measured here, one key's allocation and free cost 40-170 us in a process with
 * a few idle threads, more than the X25519 scalar multiplication the key is made for; a
 * slot costs under 2 us. What a key gives up: its own guard page and read-only protection
 * (a stray write into a slab now corrupts a key instead of faulting).
 *
 * Slabs are taken with compare-and-swap, never freed (at most SLABS of them, made as the
 * number of live keys grows), and hold no lock, so fork() leaves nothing half-held. Past
 * SLABS * SLOTS live keys, each further key gets its own sodium_malloc as before. */
#include "secret_slots.h"

#include <sodium.h>
#include <stdatomic.h>
#include <stdint.h>

#define SLOTS 64 /* one bit each in a slab's `used` */
#define SLABS 64

typedef struct {
    _Atomic(unsigned char *) memory; /* SLOTS * FOIL_SECRET_SLOT_BYTES, or NULL */
    _Atomic uint64_t used;
} slab_t;

static slab_t slabs[SLABS];

/* Slab i's memory, made now when it has none (the first thread to publish one wins). */
static unsigned char *slab_memory(slab_t *slab) {
    unsigned char *memory = atomic_load(&slab->memory);
    if (memory) return memory;
    unsigned char *fresh = sodium_malloc(SLOTS * FOIL_SECRET_SLOT_BYTES);
    if (!fresh) return NULL;
    if (atomic_compare_exchange_strong(&slab->memory, &memory, fresh)) return fresh;
    sodium_free(fresh); /* another thread's slab came first: `memory` holds it */
    return memory;
}

unsigned char *foil_secret_slot_take(void) {
    for (size_t i = 0; i < SLABS; i++) {
        unsigned char *memory = slab_memory(&slabs[i]);
        if (!memory) break;
        uint64_t used = atomic_load(&slabs[i].used);
        while (used != UINT64_MAX) {
            unsigned bit = 0;
            while (used & ((uint64_t)1 << bit))
                bit++;
            if (atomic_compare_exchange_weak(&slabs[i].used, &used, used | ((uint64_t)1 << bit)))
                return memory + (size_t)bit * FOIL_SECRET_SLOT_BYTES;
        }
    }
    return sodium_malloc(FOIL_SECRET_SLOT_BYTES);
}

void foil_secret_slot_give(unsigned char *slot) {
    if (!slot) return;
    uintptr_t at = (uintptr_t)slot;
    for (size_t i = 0; i < SLABS; i++) {
        uintptr_t start = (uintptr_t)atomic_load(&slabs[i].memory);
        if (!start) break;
        if (at >= start && at < start + SLOTS * FOIL_SECRET_SLOT_BYTES) {
            sodium_memzero(slot, FOIL_SECRET_SLOT_BYTES);
            atomic_fetch_and(&slabs[i].used,
                             ~((uint64_t)1 << ((at - start) / FOIL_SECRET_SLOT_BYTES)));
            return;
        }
    }
    sodium_free(slot); /* a key past the slabs: its own allocation, wiped by sodium_free */
}
