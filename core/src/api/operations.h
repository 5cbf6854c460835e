/* Internal view of the operation table (operations.def). */
#ifndef FOIL_OPERATIONS_INTERNAL_H
#define FOIL_OPERATIONS_INTERNAL_H

#include "internal.h"

typedef enum foil_auth {
    FOIL_AUTH_NONE,
    FOIL_AUTH_SECRET,
    FOIL_AUTH_POLL,
    FOIL_AUTH_AGENT
} foil_auth_t;

typedef enum foil_op {
#define FOIL_OPERATION(id, method, path, auth, name) FOIL_OP_##id,
#include "operations.def"
#undef FOIL_OPERATION
    FOIL_OP__COUNT
} foil_op_t;

typedef struct foil_operation {
    const char *method;
    const char *path;
    foil_auth_t auth;
    const char *name;
} foil_operation_t;

const foil_operation_t *foil_operation_get(foil_op_t op);

#endif
