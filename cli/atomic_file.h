/* foil CLI: reading small files and replacing them atomically and durably. */
#ifndef FOIL_CLI_ATOMIC_FILE_H
#define FOIL_CLI_ATOMIC_FILE_H

#include <stddef.h>
#include <sys/types.h>

/* The largest file cli_file_read reads (and so the largest env file a signup merges). */
#define CLI_FILE_MAX_BYTES (16L * 1024 * 1024)

/* Reads the whole file (at most CLI_FILE_MAX_BYTES) into a malloc'd NUL-terminated
 * buffer. Only a regular file is opened (a FIFO or device never is: EISDIR).
 * Returns 0, or -1 with errno set (ENOENT when the file does not exist, EFBIG when it
 * is too large). */
int cli_file_read(const char *path, char **text, size_t *len);

/* Checks that `path` can be replaced by cli_file_write_atomic, without opening or
 * creating anything: absent or a regular file (a symlink is followed; a dangling one is
 * refused) of at most CLI_FILE_MAX_BYTES, in a directory we can write to; and the
 * directory `path` itself is in is writable too (state files go there). On success the
 * resolved target goes to target (may be NULL). Returns 0, or -1 with errno set and a
 * readable reason in err. */
int cli_file_check_target(const char *path, char *target, size_t n, char *err, size_t errlen);

/* Replaces `path` with `data` so that a crash at any moment leaves either the old or
 * the new content, never a mix: a temp file in the same directory, fsync, rename over
 * the target, fsync of the directory. An existing file keeps its mode (and owner when
 * permitted); a new file gets new_mode (umask not applied). A symlink is followed and
 * its target replaced. Temp files (".<name>.foil-XXXXXX") left by a killed earlier
 * write are removed first. pause_step names the test hook step between the synced temp
 * file and the rename (NULL: none). Returns 0, or -1 with errno set and a message
 * (without file contents) in err. */
int cli_file_write_atomic(const char *path, const char *data, size_t len, mode_t new_mode,
                          const char *pause_step, char *err, size_t errlen);

#endif
