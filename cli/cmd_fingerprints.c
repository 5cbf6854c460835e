/* foil fingerprints list|get: visitor fingerprints (secret key). */
#include "resource.h"

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

static const cli_action_t ACTIONS[] = {
    {"get", "fingerprints.get", {"visitor_id"}, NULL, "reading the fingerprint"},
};

static const cli_resource_t FINGERPRINTS = {
    .command = "fingerprints",
    .usage = USAGE,
    .list_operation = "fingerprints.list",
    .filters = {"search", "sort"},
    .columns = LIST_COLUMNS,
    .column_count = COUNT(LIST_COLUMNS),
    .actions = ACTIONS,
    .action_count = COUNT(ACTIONS),
    .fields = DETAIL_FIELDS,
    .field_count = COUNT(DETAIL_FIELDS),
};

int cmd_fingerprints(int argc, char **argv) {
    return cli_resource_run(&FINGERPRINTS, argc, argv);
}
