/* libfoil: an organization's API keys. Needs a secret key (scopes api_keys:read
 * for list, api_keys:manage for the rest).
 *
 * Items and results are ApiKey objects (accessors foil_api_key_* in models.h).
 * create and rotate return an IssuedApiKey whose "revealed_key" is the full key,
 * shown only in that response: store it at once. Its memory is wiped when the
 * result is freed (foil_result_free). Pages, results and iterators belong to the
 * caller. limit: 0 means the API default (50), else 1..200; cursor may be NULL. */
#ifndef FOIL_API_KEYS_H
#define FOIL_API_KEYS_H

#include "client.h"
#include "result.h"

#ifdef __cplusplus
extern "C" {
#endif

/* POST /v1/organizations/{organizationId}/api-keys (201). json_body is a
 * CreateApiKeyRequest object: "name" (required, non-empty), "type" ("publishable"
 * or "secret"), "environment" ("live" or "test"), "allowed_origins" (array of
 * URIs), "scopes" (non-empty array of scope names, or ["*"]; required for and only
 * allowed with "type": "secret"). No other members. */
FOIL_API foil_status_t foil_api_keys_create(foil_client_t *client, const char *organization_id,
                                            const char *json_body, foil_result_t **out);
/* GET /v1/organizations/{organizationId}/api-keys: one page. */
FOIL_API foil_status_t foil_api_keys_list(foil_client_t *client, const char *organization_id,
                                          int limit, const char *cursor, foil_page_t **out);
/* Every API key of the organization, fetching pages of `limit` as needed. */
FOIL_API foil_status_t foil_api_keys_iter(foil_client_t *client, const char *organization_id,
                                          int limit, foil_iter_t **out);
/* PATCH /v1/organizations/{organizationId}/api-keys/{keyId}. json_body sets at
 * least one of "name", "allowed_origins" (array of URIs), "scopes" (non-empty
 * array of scope names); no other members. */
FOIL_API foil_status_t foil_api_keys_update(foil_client_t *client, const char *organization_id,
                                            const char *key_id, const char *json_body,
                                            foil_result_t **out);
/* DELETE /v1/organizations/{organizationId}/api-keys/{keyId}: the revoked key. */
FOIL_API foil_status_t foil_api_keys_revoke(foil_client_t *client, const char *organization_id,
                                            const char *key_id, foil_result_t **out);
/* POST /v1/organizations/{organizationId}/api-keys/{keyId}/rotations (201): an
 * IssuedApiKey with the new revealed_key. */
FOIL_API foil_status_t foil_api_keys_rotate(foil_client_t *client, const char *organization_id,
                                            const char *key_id, foil_result_t **out);

#ifdef __cplusplus
}
#endif
#endif
