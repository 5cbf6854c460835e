/* libfoil: the public Gate registry (no authentication is sent).
 *
 * Entries are GateRegistryEntry objects (accessors foil_registry_entry_* and the
 * nested foil_gate_env_var_*, foil_gate_sdk_*, foil_gate_branding_*,
 * foil_gate_consent_* in models.h). Results belong to the caller
 * (foil_result_free). */
#ifndef FOIL_GATE_REGISTRY_H
#define FOIL_GATE_REGISTRY_H

#include "client.h"
#include "result.h"

#ifdef __cplusplus
extern "C" {
#endif

/* GET /v1/gate/registry: every active, discoverable service. Not paginated: the
 * result's data is an array (foil_result_count / foil_result_item). */
FOIL_API foil_status_t foil_gate_registry_list(foil_client_t *client, foil_result_t **out);
/* GET /v1/gate/registry/{serviceId}. service_id matches
 * ^[a-z0-9](?:[a-z0-9_-]{1,30}[a-z0-9])$. Unknown ids are FOIL_E_NOT_FOUND. */
FOIL_API foil_status_t foil_gate_registry_get(foil_client_t *client, const char *service_id,
                                              foil_result_t **out);

#ifdef __cplusplus
}
#endif
#endif
