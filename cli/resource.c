/* foil CLI: a command over one API resource (see resource.h). */
#define _POSIX_C_SOURCE 200809L
#include "resource.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* getopt_long values: the common options by letter, the filters from FILTER_OPTION up. */
#define FILTER_OPTION 256
/* A walk's page size when --all comes without --limit: the largest the API serves. */
#define ALL_PAGE_SIZE 200

typedef struct parsed {
    const char *cursor, *secret, *base;
    const char *filter[CLI_RESOURCE_MAX_FILTERS];
    const char *limit_text;
    long long limit;
    int all, json;
} parsed;

/* Options into `p`; -1 on success, else the exit code (help or a usage error). */
static int parse_options(const cli_resource_t *r, int argc, char **argv, parsed *p) {
    struct option options[8 + CLI_RESOURCE_MAX_FILTERS] = {
        {"limit", required_argument, NULL, 'l'},
        {"cursor", required_argument, NULL, 'c'},
        {"all", no_argument, NULL, 'a'},
        {"json", no_argument, NULL, 'j'},
        {"secret-key", required_argument, NULL, 'k'},
        {"base-url", required_argument, NULL, 'b'},
        {"help", no_argument, NULL, 'h'},
    };
    size_t n = 7;
    for (size_t i = 0; i < CLI_RESOURCE_MAX_FILTERS && r->filters[i]; i++)
        options[n++] =
            (struct option){r->filters[i], required_argument, NULL, FILTER_OPTION + (int)i};
    options[n] = (struct option){NULL, 0, NULL, 0};
    int c;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        char *end = NULL;
        switch (c) {
        case 'l':
            /* Only the number is read here; its range is the core's rule (foil_call). */
            errno = 0;
            p->limit = strtoll(optarg, &end, 10);
            if (end == optarg || *end || errno)
                return cli_usage(r->command, "--limit wants a number, got '%s'", optarg);
            p->limit_text = optarg;
            break;
        case 'c':
            p->cursor = optarg;
            break;
        case 'a':
            p->all = 1;
            break;
        case 'j':
            p->json = 1;
            break;
        case 'k':
            p->secret = optarg;
            break;
        case 'b':
            p->base = optarg;
            break;
        case 'h':
            return cli_help(r->usage);
        default:
            if (c >= FILTER_OPTION && c < FILTER_OPTION + CLI_RESOURCE_MAX_FILTERS) {
                p->filter[c - FILTER_OPTION] = optarg;
                break;
            }
            return cli_usage(r->command, "unknown option or missing value: %s", argv[optind - 1]);
        }
    }
    return -1;
}

/* A call's parameters being written. After a failure nothing more is written, so the
 * thread's error stays that failure's, kept with the parameter whose value was refused
 * (text that is not UTF-8). */
typedef struct call_params {
    foil_json_writer_t *w;
    foil_status_t st;
    const char *refused;
} call_params;

static void add_key(call_params *b, const char *key) {
    if (b->st == FOIL_OK) b->st = foil_json_writer_key(b->w, key, strlen(key));
}

static void add_string(call_params *b, const char *key, const char *value) {
    if (!value) return;
    add_key(b, key);
    if (b->st == FOIL_OK && (b->st = foil_json_writer_string(b->w, value, strlen(value))))
        b->refused = key;
}

static void add_object(call_params *b, bool begin) {
    if (b->st == FOIL_OK)
        b->st = begin ? foil_json_writer_begin_object(b->w) : foil_json_writer_end_object(b->w);
}

/* The list's parameters. */
static void list_params(const cli_resource_t *r, const parsed *p, call_params *b) {
    add_object(b, true);
    if (p->limit_text || p->all) {
        add_key(b, "limit");
        if (b->st == FOIL_OK)
            b->st = foil_json_writer_int(b->w, p->limit_text ? p->limit : ALL_PAGE_SIZE);
    }
    add_string(b, "cursor", p->cursor);
    for (size_t i = 0; i < CLI_RESOURCE_MAX_FILTERS && r->filters[i]; i++)
        add_string(b, r->filters[i], p->filter[i]);
    add_object(b, false);
}

/* An action's parameters: its positional arguments, and its null parameter. */
static void action_params(const cli_action_t *a, char **args, size_t count, call_params *b) {
    add_object(b, true);
    for (size_t i = 0; i < count; i++)
        add_string(b, a->args[i], args[i]);
    if (a->null_param) {
        add_key(b, a->null_param);
        if (b->st == FOIL_OK) b->st = foil_json_writer_null(b->w);
    }
    add_object(b, false);
}

static int run_list(const cli_resource_t *r, const parsed *p, foil_client_t *client,
                    const char *params) {
    char doing[64];
    snprintf(doing, sizeof doing, "listing %s", r->command);
    if (p->all) {
        foil_iter_t *it = NULL;
        foil_status_t st = foil_call_iter(client, r->list_operation, params, &it, NULL);
        int rc = st == FOIL_OK ? cli_list_print(p->json, r->columns, r->column_count, NULL, it)
                               : cli_fail_foil(p->json, st, doing);
        foil_iter_free(it);
        return rc;
    }
    foil_result_t *page = NULL;
    foil_status_t st = foil_call(client, r->list_operation, params, &page, NULL);
    int rc = st == FOIL_OK ? cli_list_print(p->json, r->columns, r->column_count, page, NULL)
                           : cli_fail_foil(p->json, st, doing);
    foil_result_free(page);
    return rc;
}

static int run_action(const cli_resource_t *r, const cli_action_t *a, const parsed *p,
                      foil_client_t *client, const char *params) {
    foil_result_t *result = NULL;
    foil_status_t st = foil_call(client, a->operation, params, &result, NULL);
    int rc = st == FOIL_OK
                 ? cli_object_print(p->json, r->fields, r->field_count, foil_result_data(result))
                 : cli_fail_foil(p->json, st, a->doing);
    foil_result_free(result);
    return rc;
}

static size_t arg_count(const cli_action_t *a) {
    size_t n = 0;
    while (n < CLI_RESOURCE_MAX_ARGS && a->args[n])
        n++;
    return n;
}

int cli_resource_run(const cli_resource_t *r, int argc, char **argv) {
    parsed p = {0};
    int rc = parse_options(r, argc, argv, &p);
    if (rc >= 0) return rc;
    const char *name = optind < argc ? argv[optind] : "list";
    size_t given = (size_t)(argc - optind - (optind < argc));
    char **args = argv + optind + 1;
    const cli_action_t *action = NULL;
    for (size_t i = 0; i < r->action_count && !action; i++)
        if (strcmp(name, r->actions[i].name) == 0) action = &r->actions[i];
    if (!action && strcmp(name, "list") != 0)
        return cli_usage(r->command, "unknown action '%s'", name);
    size_t want = action ? arg_count(action) : 0;
    if (given != want)
        return cli_usage(r->command, "'%s' takes %zu argument%s", name, want, want == 1 ? "" : "s");
    if (p.all && p.cursor)
        return cli_usage(r->command, "--all starts at the beginning: drop --cursor");

    call_params b = {NULL, FOIL_OK, NULL};
    b.st = foil_json_writer_new(&b.w);
    if (b.st == FOIL_OK) {
        if (action)
            action_params(action, args, want, &b);
        else
            list_params(r, &p, &b);
    }
    if (b.st != FOIL_OK) {
        foil_json_writer_free(b.w);
        char doing[64];
        snprintf(doing, sizeof doing, "the %s given", b.refused ? b.refused : "arguments");
        return cli_fail_foil(p.json, b.st, doing);
    }
    const char *text = foil_json_writer_text(b.w, NULL);
    foil_client_t *client = NULL;
    rc = cli_client(p.json, p.base, p.secret, &client);
    if (client)
        rc = action ? run_action(r, action, &p, client, text) : run_list(r, &p, client, text);
    foil_client_free(client);
    foil_json_writer_free(b.w);
    return rc;
}
