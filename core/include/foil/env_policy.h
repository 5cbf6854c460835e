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

#ifdef __cplusplus
}
#endif
#endif
