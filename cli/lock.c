/* foil CLI: exclusive lock files (see lock.h). */
#define _DEFAULT_SOURCE /* flock */
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* The content of our lock files: only a file that holds exactly this (or nothing) is
 * removed on release, so a file of the same name that is not ours is never deleted. */
static const char SIGNATURE[] = "foil-cli lock\n";

static int ours(int fd, off_t size) {
    char buf[sizeof SIGNATURE];
    if (size == 0)
        return write(fd, SIGNATURE, sizeof SIGNATURE - 1) == (ssize_t)(sizeof SIGNATURE - 1);
    if (size != (off_t)(sizeof SIGNATURE - 1)) return 0;
    return pread(fd, buf, sizeof SIGNATURE - 1, 0) == (ssize_t)(sizeof SIGNATURE - 1) &&
           memcmp(buf, SIGNATURE, sizeof SIGNATURE - 1) == 0;
}

static int fail(char *err, size_t errlen, const char *what, const char *path) {
    int e = errno;
    if (err && errlen) snprintf(err, errlen, "cannot %s %s: %s", what, path, strerror(e));
    errno = e;
    return -1;
}

int cli_lock_acquire(cli_lock_t *lock, const char *path, int make_dir, char *err, size_t errlen) {
    lock->fd = -1;
    if (snprintf(lock->path, sizeof lock->path, "%s", path) >= (int)sizeof lock->path) {
        errno = ENAMETOOLONG;
        return fail(err, errlen, "lock", path);
    }
    char dir[sizeof lock->path];
    const char *slash = strrchr(lock->path, '/');
    snprintf(dir, sizeof dir, "%.*s",
             slash ? (int)(slash == lock->path ? 1 : slash - lock->path) : 1,
             slash ? lock->path : ".");
    for (int attempt = 0; attempt < 1000; attempt++) {
        if (make_dir && mkdir(dir, 0700) != 0 && errno != EEXIST)
            return fail(err, errlen, "create", dir);
        int fd = open(lock->path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
        if (fd < 0) {
            /* The directory was removed by the previous holder: make it again. */
            if (errno == ENOENT && make_dir) continue;
            return fail(err, errlen, "open the lock file", lock->path);
        }
        struct stat held, named;
        int rc;
        while ((rc = flock(fd, LOCK_EX)) != 0 && errno == EINTR)
            ;
        if (rc != 0 || fstat(fd, &held) != 0) {
            int e = errno;
            close(fd);
            errno = e;
            return fail(err, errlen, "lock", lock->path);
        }
        if (!S_ISREG(held.st_mode)) {
            close(fd);
            errno = EINVAL;
            return fail(err, errlen, "lock (not a regular file)", lock->path);
        }
        /* Still the file the path names? Else the previous holder removed it: retry. */
        if (lstat(lock->path, &named) == 0 && named.st_dev == held.st_dev &&
            named.st_ino == held.st_ino) {
            lock->fd = fd;
            lock->owned = ours(fd, held.st_size);
            return 0;
        }
        close(fd);
    }
    errno = EAGAIN;
    return fail(err, errlen, "lock", lock->path);
}

void cli_lock_release(cli_lock_t *lock) {
    if (lock->fd < 0) return;
    if (lock->owned) unlink(lock->path);
    close(lock->fd);
    lock->fd = -1;
}
