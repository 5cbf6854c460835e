/* foil CLI: resumable signup state files (see state.h). */
#define _POSIX_C_SOURCE 200809L
#include "state.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "lock.h"
#include "wipe.h"

#define STATE_OBJECT "foil_cli_signup_state"

/* The directory part of a path ("." when there is none). */
static void dir_of(const char *path, char *buf, size_t n) {
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(buf, n, ".");
    else
        snprintf(buf, n, "%.*s", (int)(slash == path ? 1 : slash - path), path);
}

int cli_state_path(const char *env_file, const char *service_id, char *buf, size_t n) {
    char dir[PATH_MAX];
    dir_of(env_file, dir, sizeof dir);
    int w = snprintf(buf, n, "%s/.foil/signup-%s.json", strcmp(dir, "/") ? dir : "", service_id);
    return w < 0 || (size_t)w >= n ? -1 : 0;
}

/* Wipes every string in a cJSON tree (it may hold the private key). */
static void wipe_tree(cJSON *node) {
    for (; node; node = node->next) {
        if (node->valuestring) cli_wipe(node->valuestring, strlen(node->valuestring));
        wipe_tree(node->child);
    }
}

/* Takes the lock of the state directory (".foil/.lock", creating the directory): held
 * while a state file or the .gitignore is written or removed, so that concurrent
 * signups in one directory never undo each other's changes. */
static int lock_state_dir(const char *path, cli_lock_t *lock, char *err, size_t errlen) {
    char dir[PATH_MAX], lock_path[PATH_MAX + 16];
    dir_of(path, dir, sizeof dir);
    snprintf(lock_path, sizeof lock_path, "%s/.lock", dir);
    return cli_lock_acquire(lock, lock_path, 1, err, errlen);
}

/* With the state directory locked: its .gitignore. */
static int ensure_state_dir(const char *path, char *err, size_t errlen) {
    char dir[PATH_MAX], ignore[PATH_MAX + 16];
    dir_of(path, dir, sizeof dir);
    snprintf(ignore, sizeof ignore, "%s/.gitignore", dir);
    if (access(ignore, F_OK) == 0) return 0;
    /* The directory holds private keys: keep it out of version control. */
    return cli_file_write_atomic(ignore, "*\n", 2, 0644, NULL, err, errlen);
}

int cli_state_save(const char *path, const char *service_id, const cli_state_t *state, char *err,
                   size_t errlen) {
    cli_lock_t lock = CLI_LOCK_INIT;
    if (lock_state_dir(path, &lock, err, errlen) != 0) return -1;
    if (ensure_state_dir(path, err, errlen) != 0) {
        cli_lock_release(&lock);
        return -1;
    }
    cJSON *doc = cJSON_CreateObject();
    cJSON *session = cJSON_Parse(state->exported);
    int ok = doc && session && cJSON_AddStringToObject(doc, "object", STATE_OBJECT) &&
             cJSON_AddNumberToObject(doc, "version", 1) &&
             cJSON_AddStringToObject(doc, "service_id", service_id) &&
             cJSON_AddStringToObject(doc, "env_file", state->env_file) &&
             cJSON_AddBoolToObject(doc, "written", state->written);
    if (ok) {
        cJSON_AddItemToObject(doc, "session", session);
        session = NULL;
    }
    char *text = ok ? cJSON_Print(doc) : NULL;
    wipe_tree(doc);
    wipe_tree(session);
    cJSON_Delete(doc);
    cJSON_Delete(session);
    int rc = -1;
    if (!text)
        snprintf(err, errlen, "cannot encode the signup state");
    else
        rc = cli_file_write_atomic(path, text, strlen(text), 0600, NULL, err, errlen);
    cli_wipe_free(text);
    cli_lock_release(&lock);
    return rc;
}

int cli_state_load(const char *path, const char *service_id, cli_state_t *out) {
    memset(out, 0, sizeof *out);
    char *text = NULL;
    size_t len = 0;
    if (cli_file_read(path, &text, &len) != 0) return -1;
    cJSON *doc = cJSON_ParseWithLength(text, len);
    cli_wipe(text, len);
    free(text);
    const cJSON *object = cJSON_GetObjectItemCaseSensitive(doc, "object");
    const cJSON *service = cJSON_GetObjectItemCaseSensitive(doc, "service_id");
    const cJSON *env_file = cJSON_GetObjectItemCaseSensitive(doc, "env_file");
    const cJSON *session = cJSON_GetObjectItemCaseSensitive(doc, "session");
    int ok = cJSON_IsString(object) && strcmp(object->valuestring, STATE_OBJECT) == 0 &&
             cJSON_IsString(service) && strcmp(service->valuestring, service_id) == 0 &&
             cJSON_IsString(env_file) && cJSON_IsObject(session);
    if (ok) {
        out->written = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "written"));
        out->env_file = strdup(env_file->valuestring);
        out->exported = cJSON_PrintUnformatted(session);
        ok = out->env_file && out->exported;
    }
    wipe_tree(doc);
    cJSON_Delete(doc);
    if (!ok) {
        cli_state_clear(out);
        errno = EINVAL;
        return -1;
    }
    return 0;
}

int cli_state_remove(const char *path) {
    char dir[PATH_MAX], ignore[PATH_MAX + 16];
    dir_of(path, dir, sizeof dir);
    struct stat st;
    if (stat(dir, &st) != 0 && errno == ENOENT) return 0; /* nothing saved */
    cli_lock_t lock = CLI_LOCK_INIT;
    if (lock_state_dir(path, &lock, NULL, 0) != 0) return -1;
    if (unlink(path) != 0 && errno != ENOENT) {
        int e = errno;
        cli_lock_release(&lock);
        errno = e;
        return -1;
    }
    DIR *d = opendir(dir);
    int others = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        others += strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
                  strcmp(e->d_name, ".gitignore") && strcmp(e->d_name, ".lock");
    if (d) closedir(d);
    if (!d || others) {
        cli_lock_release(&lock);
        return 0;
    }
    snprintf(ignore, sizeof ignore, "%s/.gitignore", dir);
    unlink(ignore);
    /* Releasing removes .lock; a signup that locks it meanwhile makes the directory
     * again (or keeps it: rmdir then fails, as it should). */
    cli_lock_release(&lock);
    rmdir(dir);
    return 0;
}

void cli_state_clear(cli_state_t *state) {
    cli_wipe_free(state->exported);
    free(state->env_file);
    memset(state, 0, sizeof *state);
}
