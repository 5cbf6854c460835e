/* libfoil: organizations. Needs a secret key (scopes organizations:create /
 * organizations:read / organizations:update).
 *
 * Results hold an Organization (accessors foil_organization_* in models.h) and
 * belong to the caller (foil_result_free). Input strings are copied. */
#ifndef FOIL_ORGANIZATIONS_H
#define FOIL_ORGANIZATIONS_H

#include "client.h"
#include "result.h"

#ifdef __cplusplus
extern "C" {
#endif

/* POST /v1/organizations with {"name", "slug"} (201). name is non-empty; slug
 * matches ^[a-z0-9]+(?:-[a-z0-9]+)*$. A duplicate slug is FOIL_E_CONFLICT. */
FOIL_API foil_status_t foil_organizations_create(foil_client_t *client, const char *name,
                                                 const char *slug, foil_result_t **out);
/* GET /v1/organizations/{organizationId}. */
FOIL_API foil_status_t foil_organizations_get(foil_client_t *client, const char *organization_id,
                                              foil_result_t **out);
/* PATCH /v1/organizations/{organizationId}. json_body is a JSON object with at
 * least one of "name" (non-empty) and "status" ("active", "suspended",
 * "deleted"); no other members. */
FOIL_API foil_status_t foil_organizations_update(foil_client_t *client, const char *organization_id,
                                                 const char *json_body, foil_result_t **out);

#ifdef __cplusplus
}
#endif
#endif
