/* foil CLI: a command over one API resource, declared as a table (`foil sessions`,
 * `foil fingerprints`): its list operation and the list's filter options, its other
 * actions with their positional arguments, and what to print. Every action is a call by
 * the operation's SDK name (foil_call / foil_call_iter), so argument checks and their
 * messages (a limit out of range, a bad verdict) are the core's, as in every binding. */
#ifndef FOIL_CLI_RESOURCE_H
#define FOIL_CLI_RESOURCE_H

#include "listing.h"

#define CLI_RESOURCE_MAX_ARGS 3
#define CLI_RESOURCE_MAX_FILTERS 4

typedef struct cli_action {
    const char *name;      /* "get" */
    const char *operation; /* its SDK name: "sessions.get" */
    /* the positional arguments, in order, as the operation's parameter names */
    const char *args[CLI_RESOURCE_MAX_ARGS];
    const char *null_param; /* a parameter sent as JSON null ("clear-user"), or NULL */
    const char *doing;      /* for an error: "reading the session" */
} cli_action_t;

typedef struct cli_resource {
    const char *command; /* "sessions" */
    const char *usage;   /* the --help page */
    const char *list_operation;
    /* list options that are the list operation's parameters of the same name ("verdict") */
    const char *filters[CLI_RESOURCE_MAX_FILTERS];
    const cli_column_t *columns; /* the list's table */
    size_t column_count;
    const cli_action_t *actions; /* the other actions; each prints one object */
    size_t action_count;
    const cli_column_t *fields; /* that object's lines */
    size_t field_count;
} cli_resource_t;

/* `foil <command> [list | <action> <args>...] [options]`: returns the exit code. */
int cli_resource_run(const cli_resource_t *r, int argc, char **argv);

#endif
