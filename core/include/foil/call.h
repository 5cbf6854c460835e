/* libfoil: every API operation through one call, by the name the SDKs give it.
 *
 * For bindings and FFI users: one entry point instead of one C function per operation,
 * and the failed call's error handed back as an owned copy, so reading it does not
 * depend on staying on one thread (foil_last_error() is thread-local; Go moves
 * goroutines between threads between two cgo calls).
 *
 * `operation` is an SDK name from the operation table (foil_operation_sdk_name(),
 * foil_operation_params() in operations.h):
 *   sessions.list get update                 fingerprints.list get
 *   organizations.create get update          organizations.api_keys.list create update
 *                                            revoke rotate
 *   webhooks.list_endpoints create_endpoint update_endpoint disable_endpoint rotate_secret
 *            send_test list_events retrieve_event
 *   gate.registry.list get                   gate.services.list create get update disable
 *   gate.sessions.create poll acknowledge    gate.login_sessions.create consume
 *   gate.agent_tokens.verify revoke
 * (sessions.update takes {"client_user_id": "..."} to attach a user, null to clear it.)
 *
 * `params_json` is one JSON object (NULL means {}): path parameters by snake_case name
 * ("session_id", "organization_id", "key_id", ...), tokens by name ("poll_token",
 * "agent_token"), and every other key a query parameter (GET, DELETE) or a body member.
 * Only the documented parameters are accepted. A null value means "not given", except
 * for nullable parameters (sessions.update's client_user_id, gate.services.update's
 * dashboard_login_url), where null is sent. Each call runs the same validated C
 * function as the typed API (sessions.h, api_keys.h, ...), so checks and errors are
 * the same; an unknown operation, a non-object params_json, and an unknown, missing,
 * repeated or mistyped parameter are FOIL_E_INVALID_ARGUMENT with a field error naming
 * it ("operation", "params_json", "limit", ...). Copies libfoil makes of secret
 * parameters (tokens, codes) are wiped after use; the caller's text is its own.
 */
#ifndef FOIL_CALL_H
#define FOIL_CALL_H

#include "client.h"
#include "error.h"
#include "result.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Run one operation. On success *out holds the response: foil_result_json() is the
 * whole body ({"data": ..., "meta": ...}; for paginated lists also "pagination"), and
 * foil_result_data() its data. An operation that returns no content
 * (gate.agent_tokens.revoke, 204) succeeds with *out == NULL.
 * On failure *out is NULL, the calling thread's foil_last_error() is set as for any
 * call, and when error_out is non-NULL *error_out receives an owned copy of that error
 * (free with foil_error_free()); on success *error_out is set to NULL. */
FOIL_API foil_status_t foil_call(foil_client_t *client, const char *operation,
                                 const char *params_json, foil_result_t **out,
                                 foil_error_t **error_out);

/* An iterator over every item of a cursor-paginated list operation (one for which
 * foil_operation_paginated() is 1, such as sessions.list). params_json as for foil_call()
 * without "cursor": "limit" is the page size. Other operations are
 * FOIL_E_INVALID_ARGUMENT (field "operation"). error_out as for foil_call(); page
 * fetches report through foil_iter_next(). */
FOIL_API foil_status_t foil_call_iter(foil_client_t *client, const char *operation,
                                      const char *params_json, foil_iter_t **out,
                                      foil_error_t **error_out);

#ifdef __cplusplus
}
#endif
#endif
