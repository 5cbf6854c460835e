/* foil registry [list | get <id>]: the public Gate registry (no key needed). */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <string.h>

#include <foil/gate_registry.h>

#include "cli.h"
#include "output.h"
#include "term.h"

static const char USAGE[] =
    "Usage: foil registry [list] [--json]\n"
    "       foil registry get <service-id> [--json]\n"
    "\n"
    "List the services you can sign up to with 'foil signup', or show one.\n"
    "Options: --base-url URL, --json, -h/--help.\n";

static int print_list(int json, foil_result_t *r) {
    if (json) {
        cJSON *doc = cJSON_CreateObject();
        cJSON_AddItemToObject(doc, "data", cli_json_from_view(foil_result_data(r)));
        return cli_json_print(doc) == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
    }
    static const char *const headers[] = {"ID", "NAME", "VERIFIED", "DESCRIPTION"};
    cli_table_t *t = cli_table_new(4, headers);
    for (size_t i = 0; t && i < foil_result_count(r); i++) {
        const foil_json_t *e = foil_result_item(r, i);
        int verified = 0;
        foil_json_get_bool(foil_json_get(e, "branding"), "verified", &verified);
        const char *row[] = {foil_json_get_string(e, "id"), foil_json_get_string(e, "name"),
                             verified ? "yes" : "no", foil_json_get_string(e, "description")};
        if (cli_table_add(t, row) != 0) {
            cli_table_free(t);
            t = NULL;
        }
    }
    if (!t) return cli_fail(0, "out_of_memory", "out of memory");
    cli_table_print(t, stdout, 0);
    cli_table_free(t);
    return CLI_EXIT_OK;
}

static void line(const char *label, const char *value) {
    if (value)
        printf("%s%-12s%s %s\n", cli_style(stdout, CLI_DIM), label, cli_style(stdout, CLI_RESET),
               cli_safe(value));
}

static int print_entry(int json, foil_result_t *r) {
    const foil_json_t *e = foil_result_data(r);
    if (json) return cli_json_print(cli_json_from_view(e)) == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
    const foil_json_t *branding = foil_json_get(e, "branding");
    const char *art = foil_json_get_string(branding, "ascii_art");
    if (art && *art)
        printf("%s%s%s\n\n", cli_style(stdout, CLI_BOLD), cli_safe_flags(art, CLI_ESC_KEEP_LAYOUT),
               cli_style(stdout, CLI_RESET));
    int verified = 0;
    foil_json_get_bool(branding, "verified", &verified);
    line("id", foil_json_get_string(e, "id"));
    line("name", foil_json_get_string(e, "name"));
    line("verified", verified ? "yes" : "no");
    line("description", foil_json_get_string(e, "description"));
    line("website", foil_json_get_string(e, "website"));
    line("docs", foil_json_get_string(e, "docs_url"));
    line("dashboard", foil_json_get_string(e, "dashboard_login_url"));
    line("terms", foil_json_get_string(foil_json_get(e, "consent"), "terms_url"));
    line("privacy", foil_json_get_string(foil_json_get(e, "consent"), "privacy_url"));
    const foil_json_t *vars = foil_json_get(e, "env_vars");
    if (foil_json_size(vars)) printf("\nWrites to your env file:\n");
    for (size_t i = 0; i < foil_json_size(vars); i++) {
        const foil_json_t *v = foil_json_at(vars, i);
        int secret = 0;
        foil_json_get_bool(v, "secret", &secret);
        printf("  %-28s %s%s\n", cli_safe(foil_json_get_string(v, "key")),
               cli_safe(foil_json_get_string(v, "name")), secret ? " (secret)" : "");
    }
    const foil_json_t *sdks = foil_json_get(e, "sdks");
    if (foil_json_size(sdks)) printf("\nSDKs:\n");
    for (size_t i = 0; i < foil_json_size(sdks); i++) {
        const foil_json_t *s = foil_json_at(sdks, i);
        printf("  %-8s %s\n", cli_safe(foil_json_get_string(s, "label")),
               cli_safe(foil_json_get_string(s, "install")));
    }
    return CLI_EXIT_OK;
}

int cmd_registry(int argc, char **argv) {
    static const struct option options[] = {{"json", no_argument, NULL, 'j'},
                                            {"base-url", required_argument, NULL, 'b'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    const char *base = NULL;
    int json = 0, c;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        if (c == 'j')
            json = 1;
        else if (c == 'b')
            base = optarg;
        else if (c == 'h')
            return cli_help(USAGE);
        else
            return cli_usage("registry", "unknown option or missing value: %s", argv[optind - 1]);
    }
    const char *action = optind < argc ? argv[optind] : "list";
    int args = argc - optind - (optind < argc);
    if (strcmp(action, "list") == 0 ? args != 0 : strcmp(action, "get") != 0 || args != 1)
        return cli_usage("registry", "expected 'list' or 'get <service-id>'");
    foil_client_t *client = NULL;
    int rc = cli_client(json, base, NULL, &client);
    if (rc != CLI_EXIT_OK) return rc;
    foil_result_t *r = NULL;
    foil_status_t st = strcmp(action, "list") == 0
                           ? foil_gate_registry_list(client, &r)
                           : foil_gate_registry_get(client, argv[optind + 1], &r);
    if (st != FOIL_OK)
        rc = cli_fail_foil(json, st, "reading the registry");
    else
        rc = strcmp(action, "list") == 0 ? print_list(json, r) : print_entry(json, r);
    foil_result_free(r);
    foil_client_free(client);
    return rc;
}
