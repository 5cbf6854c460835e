/* libfoil: an organization's webhook endpoints and the events sent to them. Needs
 * a secret key (scope webhooks:read for lists and events, webhooks:manage for the
 * rest). Verifying and parsing incoming webhooks is in webhooks.h.
 *
 * Endpoints are WebhookEndpoint objects (accessors foil_webhook_endpoint_*),
 * events are Event objects (foil_event_*) whose "webhook_deliveries" hold
 * WebhookDelivery objects (foil_webhook_delivery_*), all in models.h.
 * create_endpoint and rotate_secret return the endpoint with its "signing_secret",
 * shown only in that response: store it at once; its memory is wiped when the
 * result is freed. Pages, results and iterators belong to the caller.
 * limit: 0 means the API default (50), else 1..200; cursor may be NULL.
 * Event types: "session.fingerprint.calculated", "session.result.persisted",
 * "gate.session.approved" (plus "webhook.test" for events). */
#ifndef FOIL_WEBHOOK_ENDPOINTS_H
#define FOIL_WEBHOOK_ENDPOINTS_H

#include "client.h"
#include "result.h"

#ifdef __cplusplus
extern "C" {
#endif

/* GET /v1/organizations/{organizationId}/webhooks/endpoints: one page. */
FOIL_API foil_status_t foil_webhooks_list_endpoints(foil_client_t *client,
                                                    const char *organization_id, int limit,
                                                    const char *cursor, foil_page_t **out);
/* Every endpoint of the organization, fetching pages as needed. */
FOIL_API foil_status_t foil_webhooks_iter_endpoints(foil_client_t *client,
                                                    const char *organization_id, int limit,
                                                    foil_iter_t **out);
/* POST .../webhooks/endpoints (201). json_body: {"name" (non-empty), "url" (URI),
 * "event_types" (non-empty array of event types)}, all required, nothing else. */
FOIL_API foil_status_t foil_webhooks_create_endpoint(foil_client_t *client,
                                                     const char *organization_id,
                                                     const char *json_body, foil_result_t **out);
/* PATCH .../webhooks/endpoints/{endpointId}. json_body sets at least one of
 * "name", "url", "status" ("active" or "disabled"), "event_types" (replaces the
 * subscriptions); nothing else. */
FOIL_API foil_status_t foil_webhooks_update_endpoint(foil_client_t *client,
                                                     const char *organization_id,
                                                     const char *endpoint_id, const char *json_body,
                                                     foil_result_t **out);
/* DELETE .../webhooks/endpoints/{endpointId}: the endpoint, now disabled. */
FOIL_API foil_status_t foil_webhooks_disable_endpoint(foil_client_t *client,
                                                      const char *organization_id,
                                                      const char *endpoint_id, foil_result_t **out);
/* POST .../webhooks/endpoints/{endpointId}/rotations (201): the endpoint with its
 * new signing_secret. */
FOIL_API foil_status_t foil_webhooks_rotate_secret(foil_client_t *client,
                                                   const char *organization_id,
                                                   const char *endpoint_id, foil_result_t **out);
/* POST .../webhooks/endpoints/{endpointId}/test (202): a WebhookTest
 * (foil_webhook_test_*) for the enqueued webhook.test event. */
FOIL_API foil_status_t foil_webhooks_send_test(foil_client_t *client, const char *organization_id,
                                               const char *endpoint_id, foil_result_t **out);
/* GET /v1/organizations/{organizationId}/events: one page. endpoint_id and type
 * (an event type) filter when non-NULL. */
FOIL_API foil_status_t foil_webhooks_list_events(foil_client_t *client, const char *organization_id,
                                                 int limit, const char *cursor,
                                                 const char *endpoint_id, const char *type,
                                                 foil_page_t **out);
/* Every event matching the filters, fetching pages as needed. */
FOIL_API foil_status_t foil_webhooks_iter_events(foil_client_t *client, const char *organization_id,
                                                 int limit, const char *endpoint_id,
                                                 const char *type, foil_iter_t **out);
/* GET /v1/organizations/{organizationId}/events/{eventId}: the Event with its
 * webhook_deliveries. */
FOIL_API foil_status_t foil_webhooks_retrieve_event(foil_client_t *client,
                                                    const char *organization_id,
                                                    const char *event_id, foil_result_t **out);

#ifdef __cplusplus
}
#endif
#endif
