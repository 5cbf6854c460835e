/* foil CLI: the private state file that makes a signup resumable.
 *
 * Right after the Gate session is created, `foil signup` stores it (delivery private
 * key and poll token included, from foil_gate_session_export) in
 * <env file's directory>/.foil/signup-<service>.json, mode 0600, in a 0700 directory
 * holding a .gitignore of "*". `written` records that the env file already holds the
 * delivery. `foil signup <service> --resume` reads it; it is removed after the ack.
 */
#ifndef FOIL_CLI_STATE_H
#define FOIL_CLI_STATE_H

#include <stddef.h>

typedef struct cli_state {
    char *exported; /* the exported session (a secret: wiped on free) */
    char *env_file; /* absolute path of the env file the signup writes */
    int written;    /* 1 once the env file holds the delivery */
} cli_state_t;

/* "<dir of env_file>/.foil/signup-<service>.json" into buf. Returns 0, or -1 if too long. */
int cli_state_path(const char *env_file, const char *service_id, char *buf, size_t n);

/* Writes the state atomically and durably (creating the .foil directory). Returns 0, or
 * -1 with a message in err. */
int cli_state_save(const char *path, const char *service_id, const cli_state_t *state, char *err,
                   size_t errlen);

/* Reads a state file. Returns 0, or -1 with errno (ENOENT: no state; EINVAL: not a
 * state file for service_id). */
int cli_state_load(const char *path, const char *service_id, cli_state_t *out);

/* Removes the state file, and the .foil directory when nothing else is left in it. */
int cli_state_remove(const char *path);

void cli_state_clear(cli_state_t *state);

#endif
