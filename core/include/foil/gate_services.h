/* libfoil: Gate services owned by the organization of the secret key (scopes
 * gate:services:read for list and get, gate:services:manage for the rest).
 *
 * Results hold GateManagedService objects (accessors foil_gate_service_* and the
 * nested foil_gate_env_var_*, foil_gate_sdk_*, foil_gate_branding_*,
 * foil_gate_consent_* in models.h) and belong to the caller (foil_result_free).
 * Service ids match ^[a-z0-9](?:[a-z0-9_-]{1,30}[a-z0-9])$; new services may not
 * use the reserved ids gate, registry, services, service, login, sessions,
 * session, tokens, token, webhook, auth. */
#ifndef FOIL_GATE_SERVICES_H
#define FOIL_GATE_SERVICES_H

#include "client.h"
#include "result.h"

#ifdef __cplusplus
extern "C" {
#endif

/* GET /v1/gate/services. Not paginated: the result's data is an array. */
FOIL_API foil_status_t foil_gate_services_list(foil_client_t *client, foil_result_t **out);
/* GET /v1/gate/services/{serviceId}. */
FOIL_API foil_status_t foil_gate_services_get(foil_client_t *client, const char *service_id,
                                              foil_result_t **out);
/* POST /v1/gate/services (201). json_body is a CreateGateServiceRequest object:
 * required "id", "name", "description", "website" (URI), "webhook_endpoint_id";
 * optional "discoverable", "dashboard_login_url", "docs_url" (URIs), "env_vars"
 * ([{"name","key","secret"}]), "sdks" ([{"label","install","url"}]), "branding"
 * ({"logo_url","primary_color","secondary_color","ascii_art"}; colours #RGB,
 * #RGBA, #RRGGBB or #RRGGBBAA), "consent" ({"terms_url","privacy_url"}).
 * A duplicate id or the organization's service limit is FOIL_E_CONFLICT. */
FOIL_API foil_status_t foil_gate_services_create(foil_client_t *client, const char *json_body,
                                                 foil_result_t **out);
/* PATCH /v1/gate/services/{serviceId}. json_body sets at least one member of the
 * create body other than "id"; nested objects and arrays replace the stored value
 * wholesale, and "dashboard_login_url": null clears it. */
FOIL_API foil_status_t foil_gate_services_update(foil_client_t *client, const char *service_id,
                                                 const char *json_body, foil_result_t **out);
/* DELETE /v1/gate/services/{serviceId}: the service, now "disabled". */
FOIL_API foil_status_t foil_gate_services_disable(foil_client_t *client, const char *service_id,
                                                  foil_result_t **out);

#ifdef __cplusplus
}
#endif
#endif
