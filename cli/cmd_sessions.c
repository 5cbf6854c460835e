/* foil sessions list|get|attach-user|clear-user: bot-detection sessions (secret key). */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "listing.h"

static const char USAGE[] =
    "Usage: foil sessions list [--limit N] [--cursor C] [--verdict bot|human|inconclusive]\n"
    "                          [--search TEXT] [--all] [--json]\n"
    "       foil sessions get <session-id> [--json]\n"
    "       foil sessions attach-user <session-id> <client-user-id> [--json]\n"
    "       foil sessions clear-user <session-id> [--json]\n"
    "\n"
    "Read and label bot-detection sessions. Needs a secret key: FOIL_SECRET_KEY or\n"
    "--secret-key. Other options: --base-url URL, -h/--help.\n";

static const cli_column_t LIST_COLUMNS[] = {
    {"ID", "id"},
    {"CREATED", "created_at"},
    {"VERDICT", "latest_decision.verdict"},
    {"RISK", "latest_decision.risk_score"},
    {"PHASE", "latest_decision.phase"},
    {"USER", "client_user_id"},
    {"FINGERPRINT", "visitor_fingerprint.id"},
};

static const cli_column_t DETAIL_FIELDS[] = {
    {"id", "id"},
    {"created", "created_at"},
    {"client user", "client_user_id"},
    {"automation", "decision.automation_status"},
    {"risk score", "decision.risk_score"},
    {"decision", "decision.decision_status"},
    {"phase", "decision.evaluation_phase"},
    {"evaluated", "decision.evaluated_at"},
    {"fingerprint", "visitor_fingerprint.id"},
    {"ip address", "network.ip_address"},
    {"user agent", "request.user_agent"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

int cmd_sessions(int argc, char **argv) {
    static const struct option options[] = {{"limit", required_argument, NULL, 'l'},
                                            {"cursor", required_argument, NULL, 'c'},
                                            {"verdict", required_argument, NULL, 'v'},
                                            {"search", required_argument, NULL, 's'},
                                            {"all", no_argument, NULL, 'a'},
                                            {"json", no_argument, NULL, 'j'},
                                            {"secret-key", required_argument, NULL, 'k'},
                                            {"base-url", required_argument, NULL, 'b'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    const char *cursor = NULL, *verdict = NULL, *search = NULL, *secret = NULL, *base = NULL;
    int limit = 0, all = 0, json = 0, c;
    char *end;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (c) {
        case 'l':
            limit = (int)strtol(optarg, &end, 10);
            if (*end || limit < 1 || limit > 200)
                return cli_usage("sessions", "--limit wants 1..200, got '%s'", optarg);
            break;
        case 'c':
            cursor = optarg;
            break;
        case 'v':
            verdict = optarg;
            break;
        case 's':
            search = optarg;
            break;
        case 'a':
            all = 1;
            break;
        case 'j':
            json = 1;
            break;
        case 'k':
            secret = optarg;
            break;
        case 'b':
            base = optarg;
            break;
        case 'h':
            return cli_help(USAGE);
        default:
            return cli_usage("sessions", "unknown option or missing value: %s", argv[optind - 1]);
        }
    }
    const char *action = optind < argc ? argv[optind] : "list";
    int args = argc - optind - (optind < argc);
    char **arg = argv + optind + 1;
    int want = strcmp(action, "list") == 0          ? 0
               : strcmp(action, "get") == 0         ? 1
               : strcmp(action, "clear-user") == 0  ? 1
               : strcmp(action, "attach-user") == 0 ? 2
                                                    : -1;
    if (want < 0) return cli_usage("sessions", "unknown action '%s'", action);
    if (args != want)
        return cli_usage("sessions", "'%s' takes %d argument%s", action, want,
                         want == 1 ? "" : "s");
    if (all && cursor) return cli_usage("sessions", "--all starts at the beginning: drop --cursor");

    foil_client_t *client = NULL;
    int rc = cli_client(json, base, secret, &client);
    if (rc != CLI_EXIT_OK) return rc;
    foil_status_t st;
    if (want == 0 && all) {
        foil_iter_t *it = NULL;
        st = foil_sessions_iter(client, limit ? limit : 200, verdict, search, &it);
        rc = st == FOIL_OK ? cli_list_print(json, LIST_COLUMNS, COUNT(LIST_COLUMNS), NULL, it)
                           : cli_fail_foil(json, st, "listing sessions");
        foil_iter_free(it);
    } else if (want == 0) {
        foil_page_t *page = NULL;
        st = foil_sessions_list(client, limit, cursor, verdict, search, &page);
        rc = st == FOIL_OK ? cli_list_print(json, LIST_COLUMNS, COUNT(LIST_COLUMNS), page, NULL)
                           : cli_fail_foil(json, st, "listing sessions");
        foil_page_free(page);
    } else {
        foil_result_t *r = NULL;
        if (strcmp(action, "get") == 0)
            st = foil_sessions_get(client, arg[0], &r);
        else if (strcmp(action, "attach-user") == 0)
            st = foil_sessions_attach_client_user(client, arg[0], arg[1], &r);
        else
            st = foil_sessions_clear_client_user(client, arg[0], &r);
        rc = st == FOIL_OK
                 ? cli_object_print(json, DETAIL_FIELDS, COUNT(DETAIL_FIELDS), foil_result_data(r))
                 : cli_fail_foil(json, st, action);
        foil_result_free(r);
    }
    foil_client_free(client);
    return rc;
}
