/* libfoil: a Gate signup from start to finish.
 *
 *   foil_gate_session_create   fresh X25519 key pair + POST /v1/gate/sessions
 *   (show foil_gate_session_consent_url() to the person)
 *   foil_gate_session_wait     poll until approved / rejected / expired / deadline
 *   foil_gate_session_output*  the merged, policy-checked outputs of both envelopes
 *   (write them durably)
 *   foil_gate_session_ack      acknowledge: the delivery is then gone for good
 *
 * Nothing lost: foil_gate_session_export() turns the session (private key
 * included) into a string the caller stores privately before writing outputs;
 * foil_gate_session_import() resumes it after a crash, until it is acknowledged.
 */
#ifndef FOIL_GATE_SESSION_H
#define FOIL_GATE_SESSION_H

#include "client.h"
#include "delivery.h"
#include "json.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct foil_gate_session foil_gate_session_t;

/* Called after every poll and about every 100 ms while waiting. status is
 * "pending", "approved", ...; seconds_left counts down to the deadline. Return
 * non-zero to stop waiting (foil_gate_session_wait then returns FOIL_E_CANCELLED). */
typedef int (*foil_gate_progress_fn)(void *user_data, const char *status, double seconds_left);

/* Create the key pair and the session. metadata_json: a JSON object or NULL.
 * The session keeps a reference on the client. */
FOIL_API foil_status_t foil_gate_session_create(foil_client_t *client, const char *service_id,
                                                const char *account_name, const char *metadata_json,
                                                foil_gate_session_t **out);

FOIL_API const char *foil_gate_session_id(const foil_gate_session_t *s);
FOIL_API const char *foil_gate_session_service_id(const foil_gate_session_t *s);
FOIL_API const char *foil_gate_session_account_name(const foil_gate_session_t *s);
FOIL_API const char *foil_gate_session_consent_url(const foil_gate_session_t *s);
FOIL_API const char *foil_gate_session_expires_at(const foil_gate_session_t *s);
/* The poll token is a credential: never log it. */
FOIL_API const char *foil_gate_session_poll_token(const foil_gate_session_t *s);
/* "pending", "approved", "rejected", "expired" or "acknowledged". */
FOIL_API const char *foil_gate_session_status(const foil_gate_session_t *s);
/* The latest poll's data (GateSessionPollData), NULL before the first poll. */
FOIL_API const foil_json_t *foil_gate_session_poll_data(const foil_gate_session_t *s);
/* The service docs URL the API returned with the approval (NULL if none). */
FOIL_API const char *foil_gate_session_docs_url(const foil_gate_session_t *s);
FOIL_API const foil_delivery_key_pair_t *foil_gate_session_key_pair(const foil_gate_session_t *s);

/* One poll. When it finds the session approved with its delivery bundle, both
 * envelopes are decrypted and checked and the outputs become available. A session
 * already acknowledged or expired at the API is FOIL_E_GONE. */
FOIL_API foil_status_t foil_gate_session_poll(foil_gate_session_t *s);

/* Poll until approved (FOIL_OK, outputs available), rejected (FOIL_E_REJECTED),
 * expired (FOIL_E_EXPIRED), the deadline (FOIL_E_TIMEOUT) or cancellation
 * (FOIL_E_CANCELLED). timeout_ms <= 0: until the session's expires_at.
 * interval_ms <= 0: 1000 ms. Transient failures (network, 429, 5xx) are retried
 * within the deadline, honouring Retry-After. progress may be NULL. */
FOIL_API foil_status_t foil_gate_session_wait(foil_gate_session_t *s, long timeout_ms,
                                              long interval_ms, foil_gate_progress_fn progress,
                                              void *user_data);
/* Make a running wait return FOIL_E_CANCELLED soon. Safe from any thread and from
 * a signal handler. */
FOIL_API void foil_gate_session_cancel(foil_gate_session_t *s);

/* Outputs after approval: integrator and gate envelopes merged, with the env-var
 * policy applied (blocked keys refused; Gate-managed keys only from the gate
 * envelope). Values are secrets, wiped when the session is freed. */
FOIL_API size_t foil_gate_session_output_count(const foil_gate_session_t *s);
FOIL_API const char *foil_gate_session_output_key(const foil_gate_session_t *s, size_t i);
FOIL_API const char *foil_gate_session_output_value(const foil_gate_session_t *s, size_t i);
FOIL_API const char *foil_gate_session_output(const foil_gate_session_t *s, const char *key);
/* Keys the policy refused, with the reason ("invalid_name", "blocked",
 * "gate_managed_from_integrator"; see foil_env_key_refusal). */
FOIL_API size_t foil_gate_session_refused_count(const foil_gate_session_t *s);
FOIL_API const char *foil_gate_session_refused_key(const foil_gate_session_t *s, size_t i);
FOIL_API const char *foil_gate_session_refused_reason(const foil_gate_session_t *s, size_t i);

/* Acknowledge the delivery (only after the outputs are stored durably). */
FOIL_API foil_status_t foil_gate_session_ack(foil_gate_session_t *s);

/* The whole session, private key included, as a JSON string to store privately
 * (mode 0600). Free with foil_string_free(). */
FOIL_API foil_status_t foil_gate_session_export(const foil_gate_session_t *s, char **out);
/* Resume an exported session on `client`; poll or wait to fetch the delivery. */
FOIL_API foil_status_t foil_gate_session_import(foil_client_t *client, const char *exported,
                                                foil_gate_session_t **out);
FOIL_API void foil_gate_session_free(foil_gate_session_t *s);

#ifdef __cplusplus
}
#endif
#endif
