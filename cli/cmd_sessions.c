/* foil sessions list|get|attach-user|clear-user: bot-detection sessions (secret key). */
#include "resource.h"

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

static const cli_action_t ACTIONS[] = {
    {"get", "sessions.get", {"session_id"}, NULL, "reading the session"},
    {"attach-user", "sessions.update", {"session_id", "client_user_id"}, NULL, "attach-user"},
    {"clear-user", "sessions.update", {"session_id"}, "client_user_id", "clear-user"},
};

static const cli_resource_t SESSIONS = {
    .command = "sessions",
    .usage = USAGE,
    .list_operation = "sessions.list",
    .filters = {"verdict", "search"},
    .columns = LIST_COLUMNS,
    .column_count = COUNT(LIST_COLUMNS),
    .actions = ACTIONS,
    .action_count = COUNT(ACTIONS),
    .fields = DETAIL_FIELDS,
    .field_count = COUNT(DETAIL_FIELDS),
};

int cmd_sessions(int argc, char **argv) {
    return cli_resource_run(&SESSIONS, argc, argv);
}
