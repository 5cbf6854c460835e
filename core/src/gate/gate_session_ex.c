/* The Gate signup constructors with an error_out: the failure handed back as an owned
 * error copy, for FFI callers that cannot read the thread-local foil_last_error() in a
 * second call. foil_gate_session_error covers an existing handle. */
#include "internal.h"

foil_status_t foil_gate_session_create_ex(foil_client_t *client, const char *service_id,
                                          const char *account_name, const char *metadata_json,
                                          foil_gate_session_t **out, foil_error_t **error_out) {
    if (error_out) *error_out = NULL;
    return foil_error_out(
        foil_gate_session_create(client, service_id, account_name, metadata_json, out), error_out);
}

foil_status_t foil_gate_session_import_ex(foil_client_t *client, const char *exported,
                                          foil_gate_session_t **out, foil_error_t **error_out) {
    if (error_out) *error_out = NULL;
    return foil_error_out(foil_gate_session_import(client, exported, out), error_out);
}
