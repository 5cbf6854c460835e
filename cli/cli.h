/* foil CLI: what the commands share (exit codes, errors, the API client, dispatch). */
#ifndef FOIL_CLI_H
#define FOIL_CLI_H

#include <foil/foil.h>

/* Exit codes (documented in cli/README.md). */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_ERROR = 1,         /* API, network or file error */
    CLI_EXIT_USAGE = 2,         /* bad usage: unknown command or option, bad argument */
    CLI_EXIT_TIMEOUT = 3,       /* --timeout passed with no answer; resumable */
    CLI_EXIT_INVALID = 4,       /* token or webhook signature did not verify */
    CLI_EXIT_DENIED = 5,        /* the signup was denied, or expired */
    CLI_EXIT_INTERRUPTED = 130, /* SIGINT (Ctrl-C) */
    CLI_EXIT_TERMINATED = 143   /* SIGTERM */
};

/* Reports the calling thread's last libfoil error for `what` ("creating the session"):
 * a readable message on stderr, or with json an {"ok":false,"error":{...}} document on
 * stdout. Returns the exit code for status st. */
int cli_fail_foil(int json, foil_status_t st, const char *what);
/* Reports an error that is not libfoil's (files, usage); returns CLI_EXIT_ERROR. */
int cli_fail(int json, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "foil <command>: <message>" plus a --help hint on stderr; returns CLI_EXIT_USAGE. */
int cli_usage(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A usage error reported like cli_fail (JSON with json); returns CLI_EXIT_USAGE. */
int cli_fail_usage(int json, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The exit code for a libfoil status. */
int cli_exit_code(foil_status_t st);

/* A client from the environment (FOIL_BASE_URL, FOIL_SECRET_KEY), then the flags
 * (base_url, secret_key) when given. Reports failures itself; returns the exit code. */
int cli_client(int json, const char *base_url, const char *secret_key, foil_client_t **out);

/* Prints text (a usage page) and returns CLI_EXIT_OK. */
int cli_help(const char *text);

/* Options of one signup, shared by `foil signup` and `foil demo`. */
typedef struct cli_signup_options {
    const char *service_id;
    const char *account_name;  /* NULL: the current directory's name */
    const char *metadata_json; /* NULL or a JSON object */
    const char *env_file;      /* NULL: ./.env */
    const char *base_url;      /* NULL: FOIL_BASE_URL or the default */
    long timeout_ms;           /* 0: until the session expires */
    long interval_ms;          /* poll interval; 0: 1000 */
    int no_browser;
    int json;
    int resume;
    int discard;
    int quiet_header; /* skip the registry header (the demo prints its own) */
} cli_signup_options_t;

/* Runs a whole signup; returns the exit code. */
int cli_signup_run(const cli_signup_options_t *o);

int cmd_signup(int argc, char **argv);
int cmd_login(int argc, char **argv);
int cmd_registry(int argc, char **argv);
int cmd_sessions(int argc, char **argv);
int cmd_fingerprints(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_webhook(int argc, char **argv);
int cmd_emulator(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_version(int argc, char **argv);

#endif
