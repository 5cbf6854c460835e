/* libfoil: the table of API operations libfoil implements (for introspection and
 * contract tests). Index i runs from 0 to foil_operation_count() - 1. */
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

#ifdef __cplusplus
}
#endif
#endif
