/* foil token verify <sealed-token>: verify a browser SDK sealed token locally. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"
#include "term.h"
#include "wipe.h"

static const char USAGE[] =
    "Usage: foil token verify <sealed-token | -> [--secret-key KEY] [--json]\n"
    "\n"
    "Decrypt and authenticate a sealed token with your secret key (FOIL_SECRET_KEY, or\n"
    "--secret-key; its SHA-256 hex also works), offline, and print its payload.\n"
    "'-' reads the token from standard input.\n"
    "'-' reads at most 64 KiB.\n"
    "Exit codes: 0 valid, 1 error, 2 usage error, 4 invalid.\n";

#define MAX_STDIN_BYTES 65536 /* sealed tokens are a few KiB */

/* The first line of stdin, malloc'd, reading at most MAX_STDIN_BYTES: NULL with *too_large
 * set when the line is longer, NULL when there is nothing (or out of memory). */
static char *read_stdin_line(int *too_large) {
    char *line = malloc(MAX_STDIN_BYTES + 2);
    size_t n = 0;
    int c = EOF;
    *too_large = 0;
    if (!line) return NULL;
    while (n <= MAX_STDIN_BYTES && (c = getchar()) != EOF && c != '\n')
        line[n++] = (char)c;
    if (n > MAX_STDIN_BYTES) {
        *too_large = 1;
        cli_wipe_free(line);
        return NULL;
    }
    if (n == 0 && c == EOF) {
        free(line);
        return NULL;
    }
    while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' '))
        n--;
    line[n] = '\0';
    return line;
}

int cmd_token(int argc, char **argv) {
    static const struct option options[] = {{"secret-key", required_argument, NULL, 'k'},
                                            {"json", no_argument, NULL, 'j'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    const char *secret = getenv("FOIL_SECRET_KEY");
    int json = 0, c;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        if (c == 'k')
            secret = optarg;
        else if (c == 'j')
            json = 1;
        else if (c == 'h')
            return cli_help(USAGE);
        else
            return cli_usage("token", "unknown option or missing value: %s", argv[optind - 1]);
    }
    if (argc - optind != 2 || strcmp(argv[optind], "verify") != 0)
        return cli_usage("token", "expected 'verify <sealed-token>'");
    if (!secret || !*secret)
        return cli_usage("token", "no secret key: set FOIL_SECRET_KEY or pass --secret-key");
    int too_large = 0;
    char *from_stdin = strcmp(argv[optind + 1], "-") == 0 ? read_stdin_line(&too_large) : NULL;
    if (too_large)
        return cli_fail(json, "input_too_large",
                        "the token on standard input is larger than %d bytes", MAX_STDIN_BYTES);
    const char *token = from_stdin ? from_stdin : argv[optind + 1];
    if (strcmp(token, "-") == 0) return cli_usage("token", "no token on standard input");

    int ok = 0;
    const char *reason = NULL;
    foil_document_t *doc = NULL;
    foil_status_t st = foil_sealed_token_safe_verify(token, secret, &ok, &reason, &doc);
    cli_wipe_free(from_stdin);
    if (st != FOIL_OK) return cli_fail_foil(json, st, "verifying the token");
    const foil_json_t *payload = foil_document_root(doc);
    int rc = ok ? CLI_EXIT_OK : CLI_EXIT_INVALID;
    if (json) {
        cJSON *out = cJSON_CreateObject();
        cJSON_AddBoolToObject(out, "valid", ok);
        if (ok)
            cJSON_AddItemToObject(out, "payload", cli_json_from_view(payload));
        else
            cJSON_AddStringToObject(out, "error", reason);
        if (cli_json_print(out) != 0) rc = CLI_EXIT_ERROR;
    } else if (ok) {
        printf("%s%s valid sealed token%s\n", cli_style(stdout, CLI_GREEN), cli_sym("✔", "OK"),
               cli_style(stdout, CLI_RESET));
        char *text = NULL;
        if (foil_json_serialize(payload, &text) == FOIL_OK) {
            cJSON *pretty = cJSON_Parse(text);
            char *printed = pretty ? cJSON_Print(pretty) : NULL;
            /* cJSON escapes C0 controls in strings; DEL, C1 and the like remain. */
            printf("%s\n", cli_safe_flags(printed ? printed : text, CLI_ESC_KEEP_LAYOUT));
            free(printed);
            cJSON_Delete(pretty);
        }
        foil_string_free(text);
    } else {
        fprintf(stderr, "%s%s invalid sealed token:%s %s\n", cli_style(stderr, CLI_RED),
                cli_sym("✘", "x"), cli_style(stderr, CLI_RESET), cli_safe(reason));
    }
    foil_document_free(doc);
    return rc;
}
