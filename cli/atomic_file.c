/* foil CLI: small-file reads and atomic, durable replacement (see atomic_file.h). */
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700 /* realpath */
#include "atomic_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testhook.h"
#include "wipe.h"

#define MAX_FILE_BYTES CLI_FILE_MAX_BYTES

int cli_file_read(const char *path, char **text, size_t *len) {
    *text = NULL;
    *len = 0;
    struct stat st;
    /* Never open a FIFO (blocks) or a device (side effects): look first, then open
     * without blocking and check that it is still a regular file. */
    if (stat(path, &st) != 0) return -1;
    if (!S_ISREG(st.st_mode)) {
        errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        return -1;
    }
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return -1;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    if (!S_ISREG(st.st_mode) || st.st_size > MAX_FILE_BYTES) {
        close(fd);
        errno = S_ISREG(st.st_mode) ? EFBIG : EINVAL;
        return -1;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        close(fd);
        errno = ENOMEM;
        return -1;
    }
    errno = 0;
    for (;;) {
        if (n + 1 >= cap) { /* the file grew while we read it */
            if (cap > MAX_FILE_BYTES) break;
            char *grown = malloc(cap * 2);
            if (!grown) break;
            memcpy(grown, buf, n);
            cli_wipe(buf, cap);
            free(buf);
            buf = grown;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) break;
        if (r == 0) {
            close(fd);
            buf[n] = '\0';
            *text = buf;
            *len = n;
            return 0;
        }
        n += (size_t)r;
    }
    int e = errno ? errno : EFBIG;
    close(fd);
    cli_wipe(buf, cap);
    free(buf);
    errno = e;
    return -1;
}

static int fail(char *err, size_t errlen, const char *fmt, ...) {
    int e = errno;
    va_list ap;
    va_start(ap, fmt);
    if (err && errlen) vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    errno = e;
    return -1;
}

static int write_all(int fd, const char *data, size_t len) {
    while (len > 0) {
        ssize_t w = write(fd, data, len);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) return -1;
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Temp files of earlier writes that were killed before their rename hold secrets:
 * remove them. (A concurrent writer of the same file then fails its rename and says so.) */
static void remove_stale_temps(const char *dir, const char *prefix) {
    DIR *d = opendir(dir);
    if (!d) return;
    size_t n = strlen(prefix);
    struct dirent *e;
    char path[2 * PATH_MAX];
    while ((e = readdir(d)))
        if (strncmp(e->d_name, prefix, n) == 0 && strlen(e->d_name) == n + 6 &&
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < (int)sizeof path)
            unlink(path);
    closedir(d);
}

int cli_file_write_atomic(const char *path, const char *data, size_t len, mode_t new_mode,
                          const char *pause_step, char *err, size_t errlen) {
    char target[PATH_MAX], tmp[PATH_MAX + 32], dir[PATH_MAX];
    struct stat st;
    int exists = 0;
    if (snprintf(target, sizeof target, "%s", path) >= (int)sizeof target) {
        errno = ENAMETOOLONG;
        return fail(err, errlen, "%s: path too long", path);
    }
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && !realpath(path, target))
        return fail(err, errlen, "cannot follow the symlink %s: %s", path, strerror(errno));
    if (stat(target, &st) == 0) {
        if (!S_ISREG(st.st_mode)) {
            errno = EISDIR;
            return fail(err, errlen, "%s is not a regular file", target);
        }
        exists = 1;
    }
    const char *slash = strrchr(target, '/');
    const char *base = slash ? slash + 1 : target;
    if (slash)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash == target ? 1 : slash - target), target);
    else
        snprintf(dir, sizeof dir, ".");
    char prefix[NAME_MAX + 16];
    if (snprintf(prefix, sizeof prefix, "%s%s.foil-", base[0] == '.' ? "" : ".", base) >=
            (int)sizeof prefix ||
        snprintf(tmp, sizeof tmp, "%s/%sXXXXXX", strcmp(dir, "/") ? dir : "", prefix) >=
            (int)sizeof tmp) {
        errno = ENAMETOOLONG;
        return fail(err, errlen, "%s: path too long", target);
    }
    remove_stale_temps(dir, prefix);

    int fd = mkstemp(tmp);
    if (fd < 0) return fail(err, errlen, "cannot create a file in %s: %s", dir, strerror(errno));
    int ok = fchmod(fd, exists ? (st.st_mode & 07777) : new_mode) == 0;
    if (ok && exists && (st.st_uid != geteuid() || st.st_gid != getegid()) &&
        fchown(fd, st.st_uid, st.st_gid) != 0 && errno != EPERM)
        ok = 0;
    ok = ok && write_all(fd, data, len) == 0 && fsync(fd) == 0;
    int e = errno;
    if (close(fd) != 0 && ok) {
        ok = 0;
        e = errno;
    }
    if (!ok) {
        unlink(tmp);
        errno = e;
        return fail(err, errlen, "cannot write %s: %s", tmp, strerror(e));
    }
    cli_test_pause(pause_step);
    if (rename(tmp, target) != 0) {
        e = errno;
        unlink(tmp);
        errno = e;
        return fail(err, errlen, "cannot replace %s: %s", target, strerror(e));
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || fsync(dfd) != 0) {
        e = errno;
        if (dfd >= 0) close(dfd);
        errno = e;
        return fail(err, errlen, "cannot sync the directory %s: %s", dir, strerror(e));
    }
    close(dfd);
    return 0;
}

static const char *kind_of(mode_t m) {
    return S_ISDIR(m)    ? "a directory"
           : S_ISFIFO(m) ? "a FIFO"
           : S_ISCHR(m)  ? "a character device"
           : S_ISBLK(m)  ? "a block device"
           : S_ISSOCK(m) ? "a socket"
                         : "not a regular file";
}

static int writable_dir(const char *file, char *dir, size_t n, char *err, size_t errlen) {
    const char *slash = strrchr(file, '/');
    if (slash)
        snprintf(dir, n, "%.*s", (int)(slash == file ? 1 : slash - file), file);
    else
        snprintf(dir, n, ".");
    struct stat st;
    if (stat(dir, &st) != 0) return fail(err, errlen, "directory %s: %s", dir, strerror(errno));
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return fail(err, errlen, "%s is not a directory", dir);
    }
    if (access(dir, W_OK | X_OK) != 0)
        return fail(err, errlen, "cannot write to the directory %s: %s", dir, strerror(errno));
    return 0;
}

int cli_file_check_target(const char *path, char *target, size_t n, char *err, size_t errlen) {
    char resolved[PATH_MAX], dir[PATH_MAX];
    struct stat st;
    if (snprintf(resolved, sizeof resolved, "%s", path) >= (int)sizeof resolved) {
        errno = ENAMETOOLONG;
        return fail(err, errlen, "%s: path too long", path);
    }
    if (lstat(path, &st) == 0) {
        if (S_ISLNK(st.st_mode)) {
            if (stat(path, &st) != 0) {
                int e = errno;
                errno = e == ENOENT ? ENOENT : e;
                return fail(err, errlen, "%s is a symlink to %s", path,
                            e == ENOENT ? "nothing (dangling)" : strerror(e));
            }
            if (!realpath(path, resolved))
                return fail(err, errlen, "cannot follow the symlink %s: %s", path, strerror(errno));
        }
        if (!S_ISREG(st.st_mode)) {
            errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
            return fail(err, errlen, "%s is %s, not a regular file", resolved, kind_of(st.st_mode));
        }
        if (st.st_size > MAX_FILE_BYTES) {
            errno = EFBIG;
            return fail(err, errlen, "%s is larger than %ld bytes", resolved, (long)MAX_FILE_BYTES);
        }
    } else if (errno != ENOENT) {
        return fail(err, errlen, "%s: %s", path, strerror(errno));
    }
    if (writable_dir(resolved, dir, sizeof dir, err, errlen) != 0) return -1;
    if (strcmp(resolved, path) != 0 && writable_dir(path, dir, sizeof dir, err, errlen) != 0)
        return -1;
    if (target && snprintf(target, n, "%s", resolved) >= (int)n) {
        errno = ENAMETOOLONG;
        return fail(err, errlen, "%s: path too long", resolved);
    }
    return 0;
}
