/* libfoil: Gate dashboard login sessions and agent tokens.
 *
 * An agent token (agt_...) is issued to a user's agent on every Gate signup. The
 * agent starts a dashboard login with it; the integrator's backend consumes the
 * one-time login code and verifies or revokes agent tokens with its secret key.
 * Tokens and codes are secrets: libfoil copies them only into the request and
 * wipes that copy. Results belong to the caller (foil_result_free). */
#ifndef FOIL_GATE_LOGIN_H
#define FOIL_GATE_LOGIN_H

#include "client.h"
#include "result.h"

#ifdef __cplusplus
extern "C" {
#endif

/* POST /v1/gate/login-sessions with {"service_id"}, authenticated with
 * "Bearer <agent_token>" (not the client's secret key). 201: a GateLoginSession
 * (foil_login_session_*): open its consent_url in a browser. An invalid agent
 * token is FOIL_E_PERMISSION. */
FOIL_API foil_status_t foil_gate_login_sessions_create(foil_client_t *client,
                                                       const char *agent_token,
                                                       const char *service_id, foil_result_t **out);
/* POST /v1/gate/login-sessions/consume with {"code"} (secret key, scope
 * gate:login_sessions:consume): a GateDashboardLogin (foil_dashboard_login_*)
 * naming the Gate account to sign in. Codes are one-time and expire after five
 * minutes: an expired or used code is FOIL_E_GONE. */
FOIL_API foil_status_t foil_gate_login_sessions_consume(foil_client_t *client, const char *code,
                                                        foil_result_t **out);
/* POST /v1/gate/agent-tokens/verify with {"agent_token"} (secret key, scope
 * gate:agent_tokens:verify): an AgentTokenVerification
 * (foil_agent_token_verification_*). Unknown or revoked tokens still succeed,
 * with "valid": false. */
FOIL_API foil_status_t foil_gate_agent_tokens_verify(foil_client_t *client, const char *agent_token,
                                                     foil_result_t **out);
/* POST /v1/gate/agent-tokens/revoke with {"agent_token"} (secret key, scope
 * gate:agent_tokens:revoke). 204: nothing is returned. */
FOIL_API foil_status_t foil_gate_agent_tokens_revoke(foil_client_t *client,
                                                     const char *agent_token);

#ifdef __cplusplus
}
#endif
#endif
