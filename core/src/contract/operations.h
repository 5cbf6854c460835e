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
#define FOIL_OPERATION(id, method, path, auth, name, sdk_name, model, params) FOIL_OP_##id,
#include "operations.def"
#undef FOIL_OPERATION
    FOIL_OP__COUNT
} foil_op_t;

/* Where a parameter goes. */
typedef enum foil_param_in {
    FOIL_PARAM_PATH,
    FOIL_PARAM_QUERY,
    FOIL_PARAM_BODY,
    FOIL_PARAM_TOKEN /* the bearer credential of POLL / AGENT operations */
} foil_param_in_t;

/* Its JSON type in foil_call() parameters. */
typedef enum foil_param_type {
    FOIL_PARAM_STRING,
    FOIL_PARAM_INTEGER,
    FOIL_PARAM_BOOLEAN,
    FOIL_PARAM_OBJECT,
    FOIL_PARAM_ARRAY
} foil_param_type_t;

enum {
    FOIL_PARAM_REQUIRED = 1, /* must be given */
    FOIL_PARAM_NULLABLE = 2, /* JSON null is sent as null (else null means "not given") */
    FOIL_PARAM_SECRET = 4    /* a credential: wiped after use */
};

/* The most parameters one operation has (checked at compile time in operations.c). */
#define FOIL_OPERATION_MAX_PARAMS 16

typedef struct foil_param {
    const char *name; /* snake_case; NULL ends the list */
    foil_param_in_t in;
    foil_param_type_t type;
    unsigned flags;
} foil_param_t;

typedef struct foil_operation {
    const char *method;
    const char *path;
    foil_auth_t auth;
    const char *name;
    const char *sdk_name;
    const char *result_model;   /* models.h object; "none": no content */
    const foil_param_t *params; /* ends with a NULL name */
} foil_operation_t;

const foil_operation_t *foil_operation_get(foil_op_t op);
/* The operation with this SDK name, or FOIL_OP__COUNT. */
foil_op_t foil_operation_find(const char *sdk_name);

#endif
