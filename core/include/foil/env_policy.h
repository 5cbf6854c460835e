/* libfoil: the Gate env-var policy applied before writing delivered outputs. */
#ifndef FOIL_ENV_POLICY_H
#define FOIL_ENV_POLICY_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* "<SERVICE>_GATE_AGENT_TOKEN" for a service id ("acme-prod" -> "ACME_PROD_GATE_AGENT_TOKEN").
 * An id with no alphanumerics is FOIL_E_INVALID_ARGUMENT. Free with foil_string_free(). */
FOIL_API foil_status_t foil_gate_agent_token_env_key(const char *service_id, char **out);
/* 1 when the key may never be written (PATH, LD_PRELOAD, NPM_CONFIG_*, ...), else 0. */
FOIL_API int foil_env_key_is_blocked(const char *key);
/* 1 for Gate-managed keys (FOIL_AGENT_TOKEN, *_GATE_AGENT_TOKEN), else 0. */
FOIL_API int foil_env_key_is_gate_managed(const char *key);
/* 1 when key is a usable environment variable name, [A-Za-z_][A-Za-z0-9_]*, else 0
 * (NULL, "", spaces, '=', line breaks, any other byte: 0). */
FOIL_API int foil_env_key_is_valid_name(const char *key);
/* The whole policy for one delivered key: NULL when it may be written, else the reason it
 * is refused: "invalid_name" (not [A-Za-z_][A-Za-z0-9_]*), "blocked" (PATH, LD_PRELOAD,
 * ...), or "gate_managed_from_integrator" (a Gate-managed key in the integrator's
 * outputs; from_gate: non-zero for outputs Gate itself delivered). Gate session outputs
 * go through it; apply it to a decrypted delivery payload's outputs before writing them. */
FOIL_API const char *foil_env_key_refusal(const char *key, int from_gate);

#ifdef __cplusplus
}
#endif
#endif
