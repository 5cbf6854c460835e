/* foil webhook verify: check a Foil webhook's signature and parse its event. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"
#include "term.h"

static const char USAGE[] =
    "Usage: foil webhook verify --timestamp T --signature SIG [--secret S]\n"
    "                           [--tolerance SECONDS] [--json] < body\n"
    "\n"
    "Verify X-Foil-Signature (HMAC-SHA256 of \"<timestamp>.<body>\") over the raw body\n"
    "read from standard input, and that the timestamp is recent (default 300 s), then\n"
    "parse the event. The secret comes from --secret or FOIL_WEBHOOK_SECRET.\n"
    "--tolerance is 1..86400 seconds; the body at most 16 MiB.\n"
    "Exit codes: 0 valid, 1 error (body unreadable or too large), 2 usage error,\n"
    "4 invalid signature or event.\n";

#define MAX_BODY_BYTES (16u << 20)  /* Foil's webhook bodies are far smaller */
#define MAX_TOLERANCE_SECONDS 86400 /* a day; more would disable the replay window */

/* Reads all of stdin, at most MAX_BODY_BYTES: returns 0, -1 on a read error (errno),
 * -2 when the body is larger (only MAX_BODY_BYTES + 1 bytes are ever held). */
static int read_all_stdin(char **out, size_t *len) {
    size_t cap = 8192, n = 0;
    char *buf = malloc(cap);
    *out = NULL;
    if (!buf) return -1;
    for (;;) {
        if (n == cap) {
            if (cap > MAX_BODY_BYTES) {
                free(buf);
                return -2;
            }
            size_t grow = cap * 2 > MAX_BODY_BYTES + 1 ? MAX_BODY_BYTES + 1 : cap * 2;
            char *grown = realloc(buf, grow);
            if (!grown) {
                free(buf);
                return -1;
            }
            buf = grown;
            cap = grow;
        }
        size_t r = fread(buf + n, 1, cap - n, stdin);
        n += r;
        if (r == 0) break;
    }
    if (ferror(stdin)) {
        free(buf);
        return -1;
    }
    *out = buf;
    *len = n;
    return 0;
}

int cmd_webhook(int argc, char **argv) {
    static const struct option options[] = {{"secret", required_argument, NULL, 's'},
                                            {"timestamp", required_argument, NULL, 't'},
                                            {"signature", required_argument, NULL, 'g'},
                                            {"tolerance", required_argument, NULL, 'o'},
                                            {"json", no_argument, NULL, 'j'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    const char *secret = getenv("FOIL_WEBHOOK_SECRET"), *timestamp = NULL, *signature = NULL;
    double tolerance = 0;
    int json = 0, c;
    char *end;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (c) {
        case 's':
            secret = optarg;
            break;
        case 't':
            timestamp = optarg;
            break;
        case 'g':
            signature = optarg;
            break;
        case 'o':
            tolerance = strtod(optarg, &end);
            /* Refused rather than saturated: a huge tolerance disables the replay check. */
            if (end == optarg || *end || !(tolerance >= 1 && tolerance <= MAX_TOLERANCE_SECONDS))
                return cli_usage("webhook", "--tolerance wants 1..%d seconds, got '%s'",
                                 MAX_TOLERANCE_SECONDS, optarg);
            break;
        case 'j':
            json = 1;
            break;
        case 'h':
            return cli_help(USAGE);
        default:
            return cli_usage("webhook", "unknown option or missing value: %s", argv[optind - 1]);
        }
    }
    if (argc - optind != 1 || strcmp(argv[optind], "verify") != 0)
        return cli_usage("webhook", "expected 'verify'");
    if (!secret || !*secret || !timestamp || !signature)
        return cli_usage("webhook", "--timestamp, --signature and a secret are required");
    size_t len = 0;
    char *body = NULL;
    int read_rc = read_all_stdin(&body, &len);
    if (read_rc == -2)
        return cli_fail(json, "body_too_large", "body larger than %u bytes on standard input",
                        MAX_BODY_BYTES);
    if (read_rc != 0)
        return cli_fail(json, "stdin", "cannot read the body from standard input: %s",
                        strerror(errno));
    foil_document_t *event = NULL;
    foil_status_t st = foil_webhook_event_verify_and_parse(secret, timestamp, body, len, signature,
                                                           (int64_t)tolerance, 0, &event);
    free(body);
    int rc;
    if (st == FOIL_E_SIGNATURE || st == FOIL_E_VALIDATION) {
        const foil_error_t *e = foil_last_error();
        if (json) {
            cJSON *out = cJSON_CreateObject();
            cJSON_AddFalseToObject(out, "valid");
            cJSON_AddStringToObject(out, "error", foil_status_kind(st));
            cJSON_AddStringToObject(out, "message", foil_error_message(e));
            cli_json_print(out);
        } else {
            fprintf(stderr, "%s%s invalid webhook:%s %s\n", cli_style(stderr, CLI_RED),
                    cli_sym("✘", "x"), cli_style(stderr, CLI_RESET),
                    cli_safe(foil_error_message(e)));
        }
        rc = CLI_EXIT_INVALID;
    } else if (st != FOIL_OK) {
        rc = cli_fail_foil(json, st, "verifying the webhook");
    } else {
        const foil_json_t *root = foil_document_root(event);
        if (json) {
            cJSON *out = cJSON_CreateObject();
            cJSON_AddTrueToObject(out, "valid");
            cJSON_AddItemToObject(out, "event", cli_json_from_view(root));
            rc = cli_json_print(out) == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
        } else {
            printf("%s%s valid signature%s  %s  %s  %s\n", cli_style(stdout, CLI_GREEN),
                   cli_sym("✔", "OK"), cli_style(stdout, CLI_RESET),
                   cli_safe(foil_json_get_string(root, "type")),
                   cli_safe(foil_json_get_string(root, "id")),
                   cli_safe(foil_json_get_string(root, "created")));
            rc = CLI_EXIT_OK;
        }
    }
    foil_document_free(event);
    return rc;
}
