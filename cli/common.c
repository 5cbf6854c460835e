/* foil CLI: errors, exit codes and the API client shared by every command. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "output.h"
#include "term.h"

int cli_exit_code(foil_status_t st) {
    switch (st) {
    case FOIL_OK:
        return CLI_EXIT_OK;
    case FOIL_E_INVALID_ARGUMENT: /* refused before any request: a bad flag value */
        return CLI_EXIT_USAGE;
    case FOIL_E_REJECTED:
    case FOIL_E_EXPIRED:
        return CLI_EXIT_DENIED;
    case FOIL_E_TOKEN:
    case FOIL_E_SIGNATURE:
        return CLI_EXIT_INVALID;
    case FOIL_E_CANCELLED:
        return CLI_EXIT_INTERRUPTED;
    default:
        return CLI_EXIT_ERROR;
    }
}

static void print_error_json(const char *kind, const char *code, const char *message,
                             const char *what, const foil_error_t *e) {
    cJSON *doc = cJSON_CreateObject();
    cJSON *err = cJSON_AddObjectToObject(doc, "error");
    cJSON_AddFalseToObject(doc, "ok");
    cJSON_AddStringToObject(err, "kind", kind);
    cJSON_AddStringToObject(err, "code", code);
    cJSON_AddStringToObject(err, "message", message);
    if (what) cJSON_AddStringToObject(err, "while", what);
    if (e) {
        if (foil_error_http_status(e))
            cJSON_AddNumberToObject(err, "http_status", foil_error_http_status(e));
        if (foil_error_request_id(e))
            cJSON_AddStringToObject(err, "request_id", foil_error_request_id(e));
        cJSON *fields = cJSON_AddArrayToObject(err, "fields");
        for (size_t i = 0; i < foil_error_field_count(e); i++) {
            cJSON *f = cJSON_CreateObject();
            cJSON_AddStringToObject(f, "name", foil_error_field_name(e, i));
            cJSON_AddStringToObject(f, "issue", foil_error_field_issue(e, i));
            cJSON_AddItemToArray(fields, f);
        }
    }
    cli_json_print(doc);
}

int cli_fail_foil(int json, foil_status_t st, const char *what) {
    const foil_error_t *e = foil_last_error();
    const char *message = foil_error_status(e) == st ? foil_error_message(e) : foil_status_str(st);
    if (json) {
        print_error_json(foil_status_kind(st), foil_error_code(e), message, what, e);
        return cli_exit_code(st);
    }
    FILE *f = stderr;
    /* Everything but our own words comes from the server: escaped (cli_safe). */
    fprintf(f, "%sfoil: error:%s %s%s%s", cli_style(f, CLI_RED), cli_style(f, CLI_RESET),
            what ? cli_safe(what) : "", what ? ": " : "", cli_safe(message));
    int http = foil_error_http_status(e);
    const char *rid = foil_error_request_id(e);
    fprintf(f, " %s(%s", cli_style(f, CLI_DIM), cli_safe(foil_error_code(e)));
    if (http) fprintf(f, ", HTTP %d", http);
    if (rid) fprintf(f, ", request %s", cli_safe(rid));
    fprintf(f, ")%s\n", cli_style(f, CLI_RESET));
    for (size_t i = 0; i < foil_error_field_count(e); i++) {
        const char *exp = foil_error_field_expected(e, i);
        fprintf(f, "  %s: %s", cli_safe(foil_error_field_name(e, i)),
                cli_safe(foil_error_field_issue(e, i)));
        if (exp) fprintf(f, " (expected %s)", cli_safe(exp));
        fputc('\n', f);
    }
    if (foil_error_docs_url(e)) fprintf(f, "  see %s\n", cli_safe(foil_error_docs_url(e)));
    return cli_exit_code(st);
}

int cli_fail(int json, const char *code, const char *fmt, ...) {
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    if (json)
        print_error_json("cli", code, message, NULL, NULL);
    else
        fprintf(stderr, "%sfoil: error:%s %s\n", cli_style(stderr, CLI_RED),
                cli_style(stderr, CLI_RESET), cli_safe(message));
    return CLI_EXIT_ERROR;
}

int cli_usage(const char *command, const char *fmt, ...) {
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    fprintf(stderr, "foil %s: %s\nRun 'foil %s --help' for usage.\n", command, cli_safe(message),
            command);
    return CLI_EXIT_USAGE;
}

int cli_fail_usage(int json, const char *code, const char *fmt, ...) {
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    cli_fail(json, code, "%s", message);
    return CLI_EXIT_USAGE;
}

int cli_help(const char *text) {
    fputs(text, stdout);
    return CLI_EXIT_OK;
}

int cli_client(int json, const char *base_url, const char *secret_key, foil_client_t **out) {
    foil_status_t st = foil_client_new(out);
    if (st == FOIL_OK && base_url) st = foil_client_set_base_url(*out, base_url);
    if (st == FOIL_OK && secret_key) st = foil_client_set_secret_key(*out, secret_key);
    if (st == FOIL_OK) st = foil_client_set_user_agent(*out, "foil-cli/" FOIL_VERSION);
    if (st == FOIL_OK) return CLI_EXIT_OK;
    int rc = cli_fail_foil(json, st, "configuring the client");
    foil_client_free(*out);
    *out = NULL;
    return rc;
}
