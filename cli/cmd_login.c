/* foil login <service>: open the service's dashboard with the agent token that the
 * signup wrote (<SERVICE>_GATE_AGENT_TOKEN in the env file). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <foil/gate_login.h>

#include "atomic_file.h"
#include "browser.h"
#include "cli.h"
#include "envfile.h"
#include "output.h"
#include "term.h"
#include "wipe.h"

static const char USAGE[] =
    "Usage: foil login <service> [options]\n"
    "\n"
    "Start a dashboard login: read <SERVICE>_GATE_AGENT_TOKEN from the env file (or the\n"
    "environment), create a login session and open its consent page.\n"
    "\n"
    "Options:\n"
    "  --env-file PATH   env file to read (default: ./.env)\n"
    "  --no-browser      print the consent URL without opening it\n"
    "  --base-url URL    API origin (default: FOIL_BASE_URL or https://api.usefoil.com)\n"
    "  --json            print a JSON result on stdout\n"
    "  -h, --help        show this help\n";

/* The agent token from the env file, else from the environment; malloc'd or NULL. */
static char *read_agent_token(const char *env_file, const char *key, int *file_error) {
    char *text = NULL;
    size_t len = 0;
    *file_error = 0;
    if (cli_file_read(env_file, &text, &len) == 0) {
        char *token = cli_env_lookup(text, len, key);
        cli_wipe(text, len);
        free(text);
        if (token && *token) return token;
        cli_wipe_free(token);
    } else if (errno != ENOENT) {
        *file_error = errno;
        return NULL;
    }
    const char *from_env = getenv(key);
    return from_env && *from_env ? strdup(from_env) : NULL;
}

int cmd_login(int argc, char **argv) {
    static const struct option options[] = {
        {"env-file", required_argument, NULL, 'e'}, {"no-browser", no_argument, NULL, 'n'},
        {"base-url", required_argument, NULL, 'b'}, {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
    const char *env_file = ".env", *base = NULL;
    int json = 0, no_browser = 0, c;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (c) {
        case 'e':
            env_file = optarg;
            break;
        case 'n':
            no_browser = 1;
            break;
        case 'b':
            base = optarg;
            break;
        case 'j':
            json = 1;
            break;
        case 'h':
            return cli_help(USAGE);
        default:
            return cli_usage("login", "unknown option or missing value: %s", argv[optind - 1]);
        }
    }
    if (optind + 1 != argc) return cli_usage("login", "which service?");
    const char *service = argv[optind];
    char *key = NULL;
    foil_status_t st = foil_gate_agent_token_env_key(service, &key);
    if (st != FOIL_OK) return cli_fail_foil(json, st, "naming the agent token");
    int file_error = 0;
    char *token = read_agent_token(env_file, key, &file_error);
    int rc;
    if (!token) {
        rc = file_error
                 ? cli_fail(json, "env_file", "cannot read %s: %s", env_file, strerror(file_error))
                 : cli_fail(json, "no_agent_token",
                            "no %s in %s or the environment; run 'foil signup %s' first", key,
                            env_file, service);
        foil_string_free(key);
        return rc;
    }
    foil_client_t *client = NULL;
    foil_result_t *r = NULL;
    rc = cli_client(json, base, NULL, &client);
    if (rc == CLI_EXIT_OK) {
        st = foil_gate_login_sessions_create(client, token, service, &r);
        if (st != FOIL_OK) {
            rc = cli_fail_foil(json, st, "starting the login");
            if (!json && (st == FOIL_E_PERMISSION || st == FOIL_E_AUTHENTICATION))
                fprintf(stderr,
                        "The agent token in %s was refused (revoked or expired?); "
                        "'foil signup %s' issues a new one.\n",
                        cli_safe(env_file), cli_safe(service));
        }
    }
    if (rc == CLI_EXIT_OK) {
        const foil_json_t *data = foil_result_data(r);
        const char *url = foil_json_get_string(data, "consent_url");
        int opened = url && !no_browser && cli_open_url(url) == 0;
        if (json) {
            cJSON *doc = cJSON_CreateObject();
            cJSON_AddTrueToObject(doc, "ok");
            cJSON_AddStringToObject(doc, "service_id", service);
            cJSON_AddItemToObject(doc, "login_session", cli_json_from_view(data));
            cJSON_AddBoolToObject(doc, "opened", opened);
            rc = cli_json_print(doc) == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
        } else {
            printf("%sApprove the login in your browser:%s\n  %s%s%s\n",
                   cli_style(stdout, CLI_BOLD), cli_style(stdout, CLI_RESET),
                   cli_style(stdout, CLI_CYAN), url ? cli_safe(url) : "-",
                   cli_style(stdout, CLI_RESET));
            if (!no_browser)
                printf("  %s%s%s\n", cli_style(stdout, CLI_DIM),
                       opened ? "(opened in your browser)" : "(open it yourself: no browser found)",
                       cli_style(stdout, CLI_RESET));
            printf("The dashboard opens once you approve; the link expires at %s.\n",
                   foil_json_get_string(data, "expires_at")
                       ? cli_safe(foil_json_get_string(data, "expires_at"))
                       : "-");
        }
    }
    foil_result_free(r);
    foil_client_free(client);
    cli_wipe_free(token);
    foil_string_free(key);
    return rc;
}
