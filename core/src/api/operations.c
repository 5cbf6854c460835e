/* The operation table, from operations.def. */
#include "operations.h"

static const foil_operation_t operations[FOIL_OP__COUNT] = {
#define FOIL_OPERATION(id, method, path, auth, name) {method, path, FOIL_AUTH_##auth, name},
#include "operations.def"
#undef FOIL_OPERATION
};

const foil_operation_t *foil_operation_get(foil_op_t op) {
    return op < FOIL_OP__COUNT ? &operations[op] : NULL;
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
