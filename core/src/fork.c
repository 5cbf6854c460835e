/* Which process this is. After fork() the child shares every pointer with its parent,
 * including the parent's open connections: objects that hold connections remember the
 * generation they were made in, and a child never sends, reads or closes a protocol on
 * anything made in an earlier one. */
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static atomic_ulong generation;
static atomic_int known_pid;

/* One more generation per new pid, counted once whoever notices first. */
static unsigned long note_pid(void) {
    int pid = (int)getpid();
    int known = atomic_load(&known_pid);
    if (pid != known && atomic_compare_exchange_strong(&known_pid, &known, pid))
        atomic_fetch_add(&generation, 1);
    return atomic_load(&generation);
}

static void on_fork_child(void) {
    note_pid();
}

__attribute__((constructor)) static void watch_forks(void) {
    atomic_store(&known_pid, (int)getpid());
    pthread_atfork(NULL, NULL, on_fork_child);
}

unsigned long foil_fork_generation(void) {
    return note_pid();
}

/* A lock-free list: pushed to from fork handlers, where no lock of ours may be taken. */
typedef struct kept {
    struct kept *next;
    void *object;
} kept;

static _Atomic(kept *) kept_list;

void foil_fork_keep(void *object) {
    if (!object) return;
    kept *k = malloc(sizeof *k);
    if (!k) return; /* left unreachable: still never used */
    k->object = object;
    k->next = atomic_load(&kept_list);
    while (!atomic_compare_exchange_weak(&kept_list, &k->next, k))
        ;
}
