/* libfoil: the Gate signup-session operations as the API defines them.
 * Most callers want the higher-level foil_gate_session_t (gate_session.h), which
 * makes the key pair, waits, decrypts and acknowledges. */
#ifndef FOIL_GATE_SESSIONS_H
#define FOIL_GATE_SESSIONS_H

#include "client.h"
#include "result.h"

#ifdef __cplusplus
extern "C" {
#endif

/* POST /v1/gate/sessions (no auth). metadata_json: a JSON object or NULL.
 * delivery_json: a delivery request (see foil_delivery_key_pair_request_json). */
FOIL_API foil_status_t foil_gate_sessions_create(foil_client_t *client, const char *service_id,
                                                 const char *account_name,
                                                 const char *metadata_json,
                                                 const char *delivery_json, foil_result_t **out);
/* GET /v1/gate/sessions/{id} with Bearer poll_token. 410 is FOIL_E_GONE. */
FOIL_API foil_status_t foil_gate_sessions_poll(foil_client_t *client, const char *gate_session_id,
                                               const char *poll_token, foil_result_t **out);
/* POST /v1/gate/sessions/{id}/ack {"ack_token"} with Bearer poll_token. */
FOIL_API foil_status_t foil_gate_sessions_acknowledge(foil_client_t *client,
                                                      const char *gate_session_id,
                                                      const char *poll_token, const char *ack_token,
                                                      foil_result_t **out);

#ifdef __cplusplus
}
#endif
#endif
