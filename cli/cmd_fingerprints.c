/* foil fingerprints list|get: visitor fingerprints (secret key). */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <foil/fingerprints.h>

#include "cli.h"
#include "listing.h"

static const char USAGE[] =
    "Usage: foil fingerprints list [--limit N] [--cursor C] [--search TEXT]\n"
    "                              [--sort seen_count|first_seen] [--all] [--json]\n"
    "       foil fingerprints get <visitor-id> [--json]\n"
    "\n"
    "Read visitor fingerprints. Needs a secret key: FOIL_SECRET_KEY or --secret-key.\n"
    "Other options: --base-url URL, -h/--help.\n";

static const cli_column_t LIST_COLUMNS[] = {
    {"ID", "id"},
    {"FIRST SEEN", "lifecycle.first_seen_at"},
    {"LAST SEEN", "lifecycle.last_seen_at"},
    {"SEEN", "lifecycle.seen_count"},
    {"IP ADDRESS", "latest_request.ip_address"},
    {"USER AGENT", "latest_request.user_agent"},
};

static const cli_column_t DETAIL_FIELDS[] = {
    {"id", "id"},
    {"first seen", "lifecycle.first_seen_at"},
    {"last seen", "lifecycle.last_seen_at"},
    {"seen", "lifecycle.seen_count"},
    {"expires", "lifecycle.expires_at"},
    {"ip address", "latest_request.ip_address"},
    {"user agent", "latest_request.user_agent"},
    {"cookies", "storage.cookies"},
    {"local storage", "storage.local_storage"},
    {"webgl hash", "anchors.webgl_hash"},
    {"audio hash", "anchors.audio_hash"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

int cmd_fingerprints(int argc, char **argv) {
    static const struct option options[] = {{"limit", required_argument, NULL, 'l'},
                                            {"cursor", required_argument, NULL, 'c'},
                                            {"search", required_argument, NULL, 's'},
                                            {"sort", required_argument, NULL, 'o'},
                                            {"all", no_argument, NULL, 'a'},
                                            {"json", no_argument, NULL, 'j'},
                                            {"secret-key", required_argument, NULL, 'k'},
                                            {"base-url", required_argument, NULL, 'b'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    const char *cursor = NULL, *search = NULL, *sort = NULL, *secret = NULL, *base = NULL;
    int limit = 0, all = 0, json = 0, c;
    char *end;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (c) {
        case 'l':
            limit = (int)strtol(optarg, &end, 10);
            if (*end || limit < 1 || limit > 200)
                return cli_usage("fingerprints", "--limit wants 1..200, got '%s'", optarg);
            break;
        case 'c':
            cursor = optarg;
            break;
        case 's':
            search = optarg;
            break;
        case 'o':
            sort = optarg;
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
            return cli_usage("fingerprints", "unknown option or missing value: %s",
                             argv[optind - 1]);
        }
    }
    const char *action = optind < argc ? argv[optind] : "list";
    int args = argc - optind - (optind < argc);
    int want = strcmp(action, "list") == 0 ? 0 : strcmp(action, "get") == 0 ? 1 : -1;
    if (want < 0) return cli_usage("fingerprints", "unknown action '%s'", action);
    if (args != want)
        return cli_usage("fingerprints", "'%s' takes %d argument%s", action, want,
                         want == 1 ? "" : "s");
    if (all && cursor)
        return cli_usage("fingerprints", "--all starts at the beginning: drop --cursor");

    foil_client_t *client = NULL;
    int rc = cli_client(json, base, secret, &client);
    if (rc != CLI_EXIT_OK) return rc;
    foil_status_t st;
    if (want == 0 && all) {
        foil_iter_t *it = NULL;
        st = foil_fingerprints_iter(client, limit ? limit : 200, search, sort, &it);
        rc = st == FOIL_OK ? cli_list_print(json, LIST_COLUMNS, COUNT(LIST_COLUMNS), NULL, it)
                           : cli_fail_foil(json, st, "listing fingerprints");
        foil_iter_free(it);
    } else if (want == 0) {
        foil_page_t *page = NULL;
        st = foil_fingerprints_list(client, limit, cursor, search, sort, &page);
        rc = st == FOIL_OK ? cli_list_print(json, LIST_COLUMNS, COUNT(LIST_COLUMNS), page, NULL)
                           : cli_fail_foil(json, st, "listing fingerprints");
        foil_page_free(page);
    } else {
        foil_result_t *r = NULL;
        st = foil_fingerprints_get(client, argv[optind + 1], &r);
        rc = st == FOIL_OK
                 ? cli_object_print(json, DETAIL_FIELDS, COUNT(DETAIL_FIELDS), foil_result_data(r))
                 : cli_fail_foil(json, st, "reading the fingerprint");
        foil_result_free(r);
    }
    foil_client_free(client);
    return rc;
}
