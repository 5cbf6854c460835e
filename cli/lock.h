/* foil CLI: exclusive advisory locks (flock) on lock files, so that concurrent `foil`
 * processes never interleave a read-merge-write of the same env file or a change to
 * the same .foil/ state directory.
 *
 * The lock file is removed when the lock is released; a waiter that then gets the lock
 * on the removed file notices (the path no longer names the file it locked) and tries
 * again, so removing it never lets two holders in at once. Only the holder removes it,
 * and only when it is one of ours (it holds our signature line): a file of that name
 * that someone else made is locked but kept.
 */
#ifndef FOIL_CLI_LOCK_H
#define FOIL_CLI_LOCK_H

#include <stddef.h>

typedef struct cli_lock {
    int fd;    /* -1 when not held */
    int owned; /* our lock file: removed on release */
    char path[4096 + 16];
} cli_lock_t;

#define CLI_LOCK_INIT ((cli_lock_t){.fd = -1})

/* Takes an exclusive lock on `path` (created 0600 when absent, never following a
 * symlink), waiting for other holders. With make_dir, the directory of `path` is
 * created (0700) when missing. Returns 0, or -1 with errno set and a message in err. */
int cli_lock_acquire(cli_lock_t *lock, const char *path, int make_dir, char *err, size_t errlen);

/* Removes the lock file (when ours) and releases the lock (no-op when not held). */
void cli_lock_release(cli_lock_t *lock);

#endif
