/* libfoil: the table of API operations libfoil implements (for introspection, bindings
 * and contract tests). Index i runs from 0 to foil_operation_count() - 1; every accessor
 * returns NULL (or 0) when i is out of range. Strings are static. */
#ifndef FOIL_OPERATIONS_H
#define FOIL_OPERATIONS_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

FOIL_API size_t foil_operation_count(void);
/* "GET", "POST", "PATCH", "DELETE"; NULL when i is out of range. */
FOIL_API const char *foil_operation_method(size_t i);
/* OpenAPI path template ("/v1/sessions/{sessionId}"). */
FOIL_API const char *foil_operation_path(size_t i);
/* The official operationId ("listSessions"). */
FOIL_API const char *foil_operation_name(size_t i);
/* "none", "secret_key", "poll_token" or "agent_token". */
FOIL_API const char *foil_operation_auth(size_t i);
/* The name the official SDKs give the call, which foil_call() takes: namespaces joined
 * by '.', then the method ("sessions.list", "organizations.api_keys.create",
 * "webhooks.list_events", "gate.sessions.poll", "gate.agent_tokens.verify"). */
FOIL_API const char *foil_operation_sdk_name(size_t i);
/* The parameters foil_call() takes for operation i, as JSON text: an array, in
 * declaration order (path parameters in path order), of
 *   {"name": "organization_id",   the key in foil_call()'s params_json (snake_case)
 *    "in": "path",                "path", "query", "body" or "token" (the bearer
 *                                 credential of poll_token / agent_token operations)
 *    "type": "string",            "string", "integer", "boolean", "object" or "array"
 *    "required": true,            must be given
 *    "nullable": false,           JSON null is sent as null; for other parameters null
 *                                 means "not given"
 *    "secret": false}             a credential: never log it (libfoil wipes its copies)
 * e.g. "[]" for gate.registry.list. Built once, thread-safe, static. */
FOIL_API const char *foil_operation_params(size_t i);
/* The model (models.h: foil_model_info(m, "object")) of what operation i returns: its
 * data's, or each item's for a list ("session" for sessions.list, "session_detail" for
 * sessions.get); NULL for no content (gate.agent_tokens.revoke) or i out of range. */
FOIL_API const char *foil_operation_result_model(size_t i);
/* 1 when operation i is a cursor-paginated list (foil_call_iter() walks it), else 0. */
FOIL_API int foil_operation_paginated(size_t i);

#ifdef __cplusplus
}
#endif
#endif
