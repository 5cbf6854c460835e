/* The contract's value sets as arrays (contract.c), so that static validation tables in
 * the core can point at them; everyone else reads them through foil/contract.h. */
#ifndef FOIL_API_CONTRACT_H
#define FOIL_API_CONTRACT_H

#include "foil/contract.h"

extern const char *const foil_values_api_key_scopes[];
extern const char *const foil_values_api_key_types[];
extern const char *const foil_values_api_key_environments[];
extern const char *const foil_values_session_verdicts[];
extern const char *const foil_values_organization_statuses[];
extern const char *const foil_values_webhook_event_types[];
extern const char *const foil_values_webhook_subscribable[];
extern const char *const foil_values_gate_reserved_service_ids[];

#endif
