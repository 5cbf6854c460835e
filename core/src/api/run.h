/* Running an operation: its arguments are checked and its request built once (one
 * foil_run_<operation> function each, in the endpoint family's file), then the request
 * goes where the run says: sent over libcurl and its answer handed back (the typed
 * functions and foil_call) or handed back unsent (foil_prepare, the Gate signup's steps).
 * So the typed API, foil_call and foil_prepare share every check and every request. */
#ifndef FOIL_RUN_H
#define FOIL_RUN_H

#include "lists.h"

typedef struct foil_run {
    foil_client_t *client;
    foil_http_request_t **prepared; /* set: prepare only, nothing is sent */
    foil_result_t **result;         /* set: send, the answer as a result (NULL after a 204) */
    foil_page_t **page;             /* set: send, a list's answer as a page */
} foil_run_t;

/* A run of a typed function: checks out (then sets *out NULL), then the client; one of
 * the outputs (NULL: no content expected). */
foil_status_t foil_run_start_result(foil_run_t *run, foil_client_t *client, foil_result_t **out);
foil_status_t foil_run_start_page(foil_run_t *run, foil_client_t *client, foil_page_t **out);
foil_status_t foil_run_start_none(foil_run_t *run, foil_client_t *client);
/* foil_prepare's and the Gate steps': *out set NULL, then the client checked. */
foil_status_t foil_run_start_prepare(foil_run_t *run, foil_client_t *client,
                                     foil_http_request_t **out);

/* The end of every foil_run_<operation>: the request built, then prepared or sent. */
foil_status_t foil_run_request(const foil_run_t *run, const foil_request_t *req);

/* A prepared request sent over libcurl and its answer as foil_call gives it: what
 * foil_complete gives for the same answer (the Gate signup's blocking steps). */
foil_status_t foil_run_send(const foil_http_request_t *prepared, foil_result_t **out);

/* A decoded answer of operation `op` as foil_call gives it: a list's page as a result
 * (data and pagination), nothing for an operation without content, else a result with
 * `data`. Takes the response (cleared even on failure). */
foil_status_t foil_run_answer(foil_op_t op, foil_response_t *response, foil_result_t **out);

/* --- each operation's checks and request (every operation but the paginated lists,
 * which foil_list_run serves from the table: lists.h) --------------------------------- */
foil_status_t foil_run_sessions_get(const foil_run_t *run, const char *session_id);
/* client_user_id NULL: clear it */
foil_status_t foil_run_sessions_update_client_user(const foil_run_t *run, const char *session_id,
                                                   const char *client_user_id);
foil_status_t foil_run_fingerprints_get(const foil_run_t *run, const char *visitor_id);
foil_status_t foil_run_organizations_create(const foil_run_t *run, const char *name,
                                            const char *slug);
foil_status_t foil_run_organizations_get(const foil_run_t *run, const char *organization_id);
foil_status_t foil_run_organizations_update(const foil_run_t *run, const char *organization_id,
                                            const char *json_body);
foil_status_t foil_run_api_keys_create(const foil_run_t *run, const char *organization_id,
                                       const char *json_body);
foil_status_t foil_run_api_keys_update(const foil_run_t *run, const char *organization_id,
                                       const char *key_id, const char *json_body);
/* FOIL_OP_REVOKE_API_KEY or FOIL_OP_ROTATE_API_KEY */
foil_status_t foil_run_api_keys_action(const foil_run_t *run, foil_op_t op,
                                       const char *organization_id, const char *key_id);
foil_status_t foil_run_webhooks_create_endpoint(const foil_run_t *run, const char *organization_id,
                                                const char *json_body);
foil_status_t foil_run_webhooks_update_endpoint(const foil_run_t *run, const char *organization_id,
                                                const char *endpoint_id, const char *json_body);
/* FOIL_OP_DISABLE_WEBHOOK_ENDPOINT, _ROTATE_WEBHOOK_SECRET or _SEND_TEST_WEBHOOK */
foil_status_t foil_run_webhooks_endpoint_action(const foil_run_t *run, foil_op_t op,
                                                const char *organization_id,
                                                const char *endpoint_id);
foil_status_t foil_run_webhooks_retrieve_event(const foil_run_t *run, const char *organization_id,
                                               const char *event_id);
foil_status_t foil_run_gate_registry_list(const foil_run_t *run);
foil_status_t foil_run_gate_registry_get(const foil_run_t *run, const char *service_id);
foil_status_t foil_run_gate_services_list(const foil_run_t *run);
foil_status_t foil_run_gate_services_create(const foil_run_t *run, const char *json_body);
/* FOIL_OP_GET_GATE_SERVICE or FOIL_OP_DISABLE_GATE_SERVICE */
foil_status_t foil_run_gate_services_action(const foil_run_t *run, foil_op_t op,
                                            const char *service_id);
foil_status_t foil_run_gate_services_update(const foil_run_t *run, const char *service_id,
                                            const char *json_body);
foil_status_t foil_run_gate_sessions_create(const foil_run_t *run, const char *service_id,
                                            const char *account_name, const char *metadata_json,
                                            const char *delivery_json);
foil_status_t foil_run_gate_sessions_poll(const foil_run_t *run, const char *gate_session_id,
                                          const char *poll_token);
foil_status_t foil_run_gate_sessions_acknowledge(const foil_run_t *run, const char *gate_session_id,
                                                 const char *poll_token, const char *ack_token);
foil_status_t foil_run_gate_login_sessions_create(const foil_run_t *run, const char *agent_token,
                                                  const char *service_id);
foil_status_t foil_run_gate_login_sessions_consume(const foil_run_t *run, const char *code);
foil_status_t foil_run_gate_agent_tokens_verify(const foil_run_t *run, const char *agent_token);
foil_status_t foil_run_gate_agent_tokens_revoke(const foil_run_t *run, const char *agent_token);

#endif
