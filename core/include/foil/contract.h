/* libfoil: the closed value sets of the Foil API contract (openapi.json's enums), once.
 *
 * The core validates arguments against these lists, the emulator serves and checks the
 * same ones, and bindings can offer them (completion, argument checks) without copying.
 * Each list is static and ends with NULL; values are in the contract's order.
 */
#ifndef FOIL_CONTRACT_H
#define FOIL_CONTRACT_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum foil_value_set {
    FOIL_VALUES_API_KEY_SCOPE = 0,       /* "*", "sessions:list", ... */
    FOIL_VALUES_API_KEY_TYPE,            /* "publishable", "secret" */
    FOIL_VALUES_API_KEY_ENVIRONMENT,     /* "live", "test" */
    FOIL_VALUES_SESSION_VERDICT,         /* "bot", "human", "inconclusive" */
    FOIL_VALUES_ORGANIZATION_STATUS,     /* "active", "suspended", "deleted" */
    FOIL_VALUES_WEBHOOK_EVENT_TYPE,      /* every event type, "webhook.test" included */
    FOIL_VALUES_WEBHOOK_SUBSCRIBABLE,    /* the event types an endpoint may subscribe to */
    FOIL_VALUES_GATE_RESERVED_SERVICE_ID /* ids a new Gate service may not take */
} foil_value_set_t;

/* The whole list, NULL-terminated and static; NULL for an unknown set. */
FOIL_API const char *const *foil_contract_values(foil_value_set_t set);
/* Value i of a set (for FFIs and bindings); NULL past the end or for an unknown set. */
FOIL_API const char *foil_contract_value(foil_value_set_t set, size_t i);

#ifdef __cplusplus
}
#endif
#endif
