/* libfoil: C client for the Foil API. Include this one header.
 *
 * Module headers:
 *   common.h        status codes, versions, global init, foil_string_free
 *   error.h         foil_last_error() and its accessors
 *   json.h          read-only views of response JSON
 *   document.h      owned JSON documents (webhook events, token payloads)
 *   client.h        foil_client_t: configuration, pooling, cancellation
 *   result.h        foil_result_t, foil_page_t, foil_iter_t
 *   delivery.h      Gate delivery crypto (key pairs, envelopes)
 *   env_policy.h    Gate env-var policy
 *   sealed_token.h  sealed token verification (v1, v2)
 *   webhooks.h      webhook signature verification and event parsing
 *   operations.h    the table of API operations
 *   call.h          every operation through one call by its SDK name (foil_call)
 *   models.h        typed accessors for documented fields
 *   sessions.h      Sessions: list, iterate, get, attach / clear client user
 *   gate_sessions.h Gate signup-session operations (create, poll, acknowledge)
 *   gate_session.h  a whole Gate signup: key pair, wait, decrypt, ack, export
 *   fingerprints.h  Visitor fingerprints: list, iterate, get
 *   organizations.h Organizations: create, get, update
 *   api_keys.h      Organization API keys: create, list, iterate, update, revoke, rotate
 *   webhook_endpoints.h Webhook endpoints (create, update, disable, rotate, test) and events
 *   gate_registry.h Gate registry (public): list, get
 *   gate_services.h Organization-owned Gate services: list, get, create, update, disable
 *   gate_login.h    Gate dashboard login sessions (create, consume) and agent tokens
 *   cancel.h        Cancelling one thread's calls (tokens for bindings' interrupts)
 *   contract.h      The contract's closed value sets (scopes, verdicts, event types, ...)
 */
#ifndef FOIL_FOIL_H
#define FOIL_FOIL_H

#include "common.h"
#include "json.h"
#include "json_writer.h"
#include "arguments.h"
#include "error.h"
#include "document.h"
#include "client.h"
#include "cancel.h"
#include "result.h"
#include "delivery.h"
#include "env_policy.h"
#include "sealed_token.h"
#include "webhooks.h"
#include "operations.h"
#include "contract.h"
#include "models.h"
#include "sessions.h"
#include "gate_sessions.h"
#include "gate_session.h"
#include "fingerprints.h"
#include "organizations.h"
#include "api_keys.h"
#include "webhook_endpoints.h"
#include "gate_registry.h"
#include "gate_services.h"
#include "gate_login.h"
#include "call.h"
#include "sansio.h"
#include "loop.h"

#endif
