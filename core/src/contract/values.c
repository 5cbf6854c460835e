/* The contract's closed value sets (contract.h), declared once for the core, the
 * emulator and the bindings. */
#include "values.h"

#include <stddef.h>

const char *const foil_values_api_key_scopes[] = {"*",
                                                  "sessions:list",
                                                  "sessions:read",
                                                  "sessions:update",
                                                  "fingerprints:list",
                                                  "fingerprints:read",
                                                  "organizations:create",
                                                  "organizations:read",
                                                  "organizations:update",
                                                  "api_keys:read",
                                                  "api_keys:manage",
                                                  "gate:agent_tokens:verify",
                                                  "gate:agent_tokens:revoke",
                                                  "gate:login_sessions:consume",
                                                  "gate:services:read",
                                                  "gate:services:manage",
                                                  "webhooks:read",
                                                  "webhooks:manage",
                                                  NULL};
const char *const foil_values_api_key_types[] = {"publishable", "secret", NULL};
const char *const foil_values_api_key_environments[] = {"live", "test", NULL};
const char *const foil_values_session_verdicts[] = {"bot", "human", "inconclusive", NULL};
const char *const foil_values_organization_statuses[] = {"active", "suspended", "deleted", NULL};
const char *const foil_values_webhook_event_types[] = {
    "session.fingerprint.calculated", "session.result.persisted", "gate.session.approved",
    "webhook.test", NULL};
/* Every event type but webhook.test, which only a test delivery sends. */
const char *const foil_values_webhook_subscribable[] = {
    "session.fingerprint.calculated", "session.result.persisted", "gate.session.approved", NULL};
const char *const foil_values_gate_reserved_service_ids[] = {
    "gate",    "registry", "services", "service", "login", "sessions",
    "session", "tokens",   "token",    "webhook", "auth",  NULL};

static const char *const *const sets[] = {
    [FOIL_VALUES_API_KEY_SCOPE] = foil_values_api_key_scopes,
    [FOIL_VALUES_API_KEY_TYPE] = foil_values_api_key_types,
    [FOIL_VALUES_API_KEY_ENVIRONMENT] = foil_values_api_key_environments,
    [FOIL_VALUES_SESSION_VERDICT] = foil_values_session_verdicts,
    [FOIL_VALUES_ORGANIZATION_STATUS] = foil_values_organization_statuses,
    [FOIL_VALUES_WEBHOOK_EVENT_TYPE] = foil_values_webhook_event_types,
    [FOIL_VALUES_WEBHOOK_SUBSCRIBABLE] = foil_values_webhook_subscribable,
    [FOIL_VALUES_GATE_RESERVED_SERVICE_ID] = foil_values_gate_reserved_service_ids,
};

const char *const *foil_contract_values(foil_value_set_t set) {
    return (size_t)set < sizeof sets / sizeof sets[0] ? sets[set] : NULL;
}

const char *foil_contract_value(foil_value_set_t set, size_t i) {
    const char *const *values = foil_contract_values(set);
    if (!values) return NULL;
    for (size_t k = 0; values[k]; k++)
        if (k == i) return values[k];
    return NULL;
}
