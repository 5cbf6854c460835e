/* The operation table, from operations.def. */
#include "operations.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "foil/models.h"

/* Every model object as an enumerator, so a model the table names must exist. */
#define FOIL_MODEL_ENUM(object, cls, base, schema, role, doc) FOIL_MODEL_##object,
enum { FOIL_MODEL_none, FOIL_MODELS(FOIL_MODEL_ENUM) };
#undef FOIL_MODEL_ENUM

/* One parameter list per operation. */
#define PATH(n, type, flags) {#n, FOIL_PARAM_PATH, FOIL_PARAM_##type, flags},
#define QUERY(n, type, flags) {#n, FOIL_PARAM_QUERY, FOIL_PARAM_##type, flags},
#define BODY(n, type, flags) {#n, FOIL_PARAM_BODY, FOIL_PARAM_##type, flags},
#define TOKEN(n, type, flags) {#n, FOIL_PARAM_TOKEN, FOIL_PARAM_##type, flags},
#define REQUIRED FOIL_PARAM_REQUIRED
#define NULLABLE FOIL_PARAM_NULLABLE
#define SECRET FOIL_PARAM_SECRET
#define FOIL_OPERATION(id, method, path, auth, name, sdk_name, model, params)                      \
    static const foil_param_t params_##id[] = {params{NULL, 0, 0, 0}};                             \
    _Static_assert(sizeof params_##id / sizeof params_##id[0] <= FOIL_OPERATION_MAX_PARAMS + 1,    \
                   "raise FOIL_OPERATION_MAX_PARAMS");                                             \
    _Static_assert(FOIL_MODEL_##model >= 0, "a model of FOIL_MODELS (models.h) or none");
#include "operations.def"
#undef FOIL_OPERATION
#undef SECRET
#undef NULLABLE
#undef REQUIRED
#undef TOKEN
#undef BODY
#undef QUERY
#undef PATH

static const foil_operation_t operations[FOIL_OP__COUNT] = {
#define FOIL_OPERATION(id, method, path, auth, name, sdk_name, model, params)                      \
    {method, path, FOIL_AUTH_##auth, name, sdk_name, #model, params_##id},
#include "operations.def"
#undef FOIL_OPERATION
};

const foil_operation_t *foil_operation_get(foil_op_t op) {
    return op < FOIL_OP__COUNT ? &operations[op] : NULL;
}

foil_op_t foil_operation_find(const char *sdk_name) {
    for (size_t i = 0; sdk_name && i < FOIL_OP__COUNT; i++)
        if (strcmp(operations[i].sdk_name, sdk_name) == 0) return (foil_op_t)i;
    return FOIL_OP__COUNT;
}

size_t foil_operation_count(void) {
    return FOIL_OP__COUNT;
}

const char *foil_operation_method(size_t i) {
    return i < FOIL_OP__COUNT ? operations[i].method : NULL;
}

const char *foil_operation_path(size_t i) {
    return i < FOIL_OP__COUNT ? operations[i].path : NULL;
}

const char *foil_operation_name(size_t i) {
    return i < FOIL_OP__COUNT ? operations[i].name : NULL;
}

const char *foil_operation_auth(size_t i) {
    if (i >= FOIL_OP__COUNT) return NULL;
    static const char *const names[] = {"none", "secret_key", "poll_token", "agent_token"};
    return names[operations[i].auth];
}

const char *foil_operation_sdk_name(size_t i) {
    return i < FOIL_OP__COUNT ? operations[i].sdk_name : NULL;
}

const char *foil_operation_result_model(size_t i) {
    if (i >= FOIL_OP__COUNT || strcmp(operations[i].result_model, "none") == 0) return NULL;
    return operations[i].result_model;
}

int foil_operation_paginated(size_t i) {
    if (i >= FOIL_OP__COUNT) return 0;
    for (const foil_param_t *p = operations[i].params; p->name; p++)
        if (p->in == FOIL_PARAM_QUERY && strcmp(p->name, "cursor") == 0) return 1;
    return 0;
}

/* The parameter descriptions as JSON text, built once into one static buffer (no
 * allocation to free). Names are C identifiers, so nothing needs escaping. */
static char params_text[16384];
static const char *params_json[FOIL_OP__COUNT];
static pthread_once_t params_once = PTHREAD_ONCE_INIT;

static void build_params_text(void) {
    static const char *const where[] = {"path", "query", "body", "token"};
    static const char *const types[] = {"string", "integer", "boolean", "object", "array"};
    size_t used = 0;
    for (size_t i = 0; i < FOIL_OP__COUNT; i++) {
        char *start = params_text + used;
        size_t room = sizeof params_text - used;
        size_t n = 0;
        int w = snprintf(start, room, "[");
        for (const foil_param_t *p = operations[i].params; w >= 0 && p->name; p++) {
            n += (size_t)w;
            if (n >= room) break;
            w = snprintf(start + n, room - n,
                         "%s{\"name\":\"%s\",\"in\":\"%s\",\"type\":\"%s\",\"required\":%s,"
                         "\"nullable\":%s,\"secret\":%s}",
                         p == operations[i].params ? "" : ",", p->name, where[p->in],
                         types[p->type], (p->flags & FOIL_PARAM_REQUIRED) ? "true" : "false",
                         (p->flags & FOIL_PARAM_NULLABLE) ? "true" : "false",
                         (p->flags & FOIL_PARAM_SECRET) ? "true" : "false");
        }
        if (w < 0 || (n += (size_t)w) >= room) return; /* too small: NULL from here on */
        w = snprintf(start + n, room - n, "]");
        if (w < 0 || (n += (size_t)w) + 1 > room) return;
        params_json[i] = start;
        used += n + 1;
    }
}

const char *foil_operation_params(size_t i) {
    if (i >= FOIL_OP__COUNT) return NULL;
    pthread_once(&params_once, build_params_text);
    return params_json[i];
}
