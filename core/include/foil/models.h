/* libfoil: typed accessors for the documented fields of API objects.
 *
 * Each accessor reads one field of a JSON view (an item of a page, a result's
 * data, a nested object) and is generated from the tables below, so every name
 * follows one pattern: foil_<object>_<field>(view[, out]).
 *   STRING fields return the string, or NULL when absent or JSON null.
 *   NUMBER / INT / BOOL fields return 1 and write *out when present, else 0
 *     (so null stays distinguishable from 0 / false).
 *   OBJECT / ARRAY fields return a view, or NULL when absent or JSON null.
 * Fields not listed here are still reachable through the JSON view (json.h).
 */
#ifndef FOIL_MODELS_H
#define FOIL_MODELS_H

#include "common.h"
#include "json.h"

#ifdef __cplusplus
extern "C" {
#endif

/* X(object, field, "json key", KIND) */
#define FOIL_MODEL_FIELDS(X)                                                                       \
    /* SessionSummary and SessionDetail ("session") */                                             \
    X(session, object, "object", STRING)                                                           \
    X(session, id, "id", STRING)                                                                   \
    X(session, created_at, "created_at", STRING)                                                   \
    X(session, client_user_id, "client_user_id", STRING)                                           \
    X(session, latest_decision, "latest_decision", OBJECT)                                         \
    X(session, decision, "decision", OBJECT)                                                       \
    X(session, visitor_fingerprint, "visitor_fingerprint", OBJECT)                                 \
    /* SessionSummary.latest_decision */                                                           \
    X(decision, event_id, "event_id", STRING)                                                      \
    X(decision, verdict, "verdict", STRING)                                                        \
    X(decision, risk_score, "risk_score", NUMBER)                                                  \
    X(decision, phase, "phase", STRING)                                                            \
    X(decision, is_provisional, "is_provisional", BOOL)                                            \
    X(decision, manipulation, "manipulation", OBJECT)                                              \
    X(decision, evaluation_duration_ms, "evaluation_duration_ms", NUMBER)                          \
    X(decision, evaluated_at, "evaluated_at", STRING)                                              \
    X(decision, automation_status, "automation_status", STRING)                                    \
    X(decision, decision_status, "decision_status", STRING)                                        \
    X(manipulation, score, "score", NUMBER)                                                        \
    X(manipulation, verdict, "verdict", STRING)                                                    \
    /* Visitor fingerprint link on a session */                                                    \
    X(fingerprint_link, object, "object", STRING)                                                  \
    X(fingerprint_link, id, "id", STRING)                                                          \
    X(fingerprint_link, confidence, "confidence", NUMBER)                                          \
    X(fingerprint_link, identified_at, "identified_at", STRING)                                    \
    /* Gate session: create and poll data ("gate_session") */                                      \
    X(gate_session_info, object, "object", STRING)                                                 \
    X(gate_session_info, id, "id", STRING)                                                         \
    X(gate_session_info, status, "status", STRING)                                                 \
    X(gate_session_info, poll_token, "poll_token", STRING)                                         \
    X(gate_session_info, consent_url, "consent_url", STRING)                                       \
    X(gate_session_info, expires_at, "expires_at", STRING)                                         \
    X(gate_session_info, gate_account_id, "gate_account_id", STRING)                               \
    X(gate_session_info, account_name, "account_name", STRING)                                     \
    X(gate_session_info, delivery_bundle, "delivery_bundle", OBJECT)                               \
    X(gate_session_info, docs_url, "docs_url", STRING)                                             \
    X(delivery_bundle, integrator, "integrator", OBJECT)                                           \
    X(delivery_bundle, gate, "gate", OBJECT)                                                       \
    /* Gate delivery acknowledgement ("gate_session_delivery") */                                  \
    X(gate_delivery_ack, gate_session_id, "gate_session_id", STRING)                               \
    X(gate_delivery_ack, status, "status", STRING)                                                 \
    /* VisitorFingerprintSummary and VisitorFingerprintDetail ("visitor_fingerprint") */           \
    X(fingerprint, object, "object", STRING)                                                       \
    X(fingerprint, id, "id", STRING)                                                               \
    X(fingerprint, lifecycle, "lifecycle", OBJECT)                                                 \
    X(fingerprint, latest_request, "latest_request", OBJECT)                                       \
    X(fingerprint, storage, "storage", OBJECT)                                                     \
    X(fingerprint, anchors, "anchors", OBJECT)                                                     \
    X(fingerprint, components, "components", OBJECT)                                               \
    X(fingerprint, activity, "activity", OBJECT)                                                   \
    /* VisitorFingerprint lifecycle, latest_request, storage, anchors, components, activity */     \
    X(fingerprint_lifecycle, first_seen_at, "first_seen_at", STRING)                               \
    X(fingerprint_lifecycle, last_seen_at, "last_seen_at", STRING)                                 \
    X(fingerprint_lifecycle, seen_count, "seen_count", INT)                                        \
    X(fingerprint_lifecycle, expires_at, "expires_at", STRING)                                     \
    X(fingerprint_request, user_agent, "user_agent", STRING)                                       \
    X(fingerprint_request, ip_address, "ip_address", STRING)                                       \
    X(fingerprint_storage, cookies, "cookies", BOOL)                                               \
    X(fingerprint_storage, local_storage, "local_storage", BOOL)                                   \
    X(fingerprint_storage, indexed_db, "indexed_db", BOOL)                                         \
    X(fingerprint_storage, service_worker, "service_worker", BOOL)                                 \
    X(fingerprint_storage, window_name, "window_name", BOOL)                                       \
    X(fingerprint_anchors, webgl_hash, "webgl_hash", STRING)                                       \
    X(fingerprint_anchors, parameters_hash, "parameters_hash", STRING)                             \
    X(fingerprint_anchors, audio_hash, "audio_hash", STRING)                                       \
    X(fingerprint_components, vector, "vector", ARRAY)                                             \
    X(fingerprint_activity, sessions, "sessions", ARRAY)                                           \
    /* VisitorFingerprintActivitySession (decision: decision_* accessors) */                       \
    X(fingerprint_activity_session, session_id, "session_id", STRING)                              \
    X(fingerprint_activity_session, decision, "decision", OBJECT)                                  \
    X(fingerprint_activity_session, request, "request", OBJECT)                                    \
    X(fingerprint_activity_session, score_breakdown, "score_breakdown", OBJECT)                    \
    /* Organization ("organization") */                                                            \
    X(organization, object, "object", STRING)                                                      \
    X(organization, id, "id", STRING)                                                              \
    X(organization, name, "name", STRING)                                                          \
    X(organization, slug, "slug", STRING)                                                          \
    X(organization, status, "status", STRING)                                                      \
    X(organization, created_at, "created_at", STRING)                                              \
    X(organization, updated_at, "updated_at", STRING)                                              \
    /* ApiKey and IssuedApiKey ("api_key"); revealed_key only on create and rotate */              \
    X(api_key, object, "object", STRING)                                                           \
    X(api_key, id, "id", STRING)                                                                   \
    X(api_key, type, "type", STRING)                                                               \
    X(api_key, environment, "environment", STRING)                                                 \
    X(api_key, name, "name", STRING)                                                               \
    X(api_key, status, "status", STRING)                                                           \
    X(api_key, allowed_origins, "allowed_origins", ARRAY)                                          \
    X(api_key, scopes, "scopes", ARRAY)                                                            \
    X(api_key, rate_limit, "rate_limit", INT)                                                      \
    X(api_key, key_preview, "key_preview", STRING)                                                 \
    X(api_key, display_key, "display_key", STRING)                                                 \
    X(api_key, revealed_key, "revealed_key", STRING)                                               \
    X(api_key, last_used_at, "last_used_at", STRING)                                               \
    X(api_key, created_at, "created_at", STRING)                                                   \
    X(api_key, rotated_at, "rotated_at", STRING)                                                   \
    X(api_key, revoked_at, "revoked_at", STRING)                                                   \
    X(api_key, grace_expires_at, "grace_expires_at", STRING)                                       \
    /* WebhookEndpoint ("webhook_endpoint"); signing_secret only on create and rotation */         \
    X(webhook_endpoint, object, "object", STRING)                                                  \
    X(webhook_endpoint, id, "id", STRING)                                                          \
    X(webhook_endpoint, name, "name", STRING)                                                      \
    X(webhook_endpoint, url, "url", STRING)                                                        \
    X(webhook_endpoint, status, "status", STRING)                                                  \
    X(webhook_endpoint, event_types, "event_types", ARRAY)                                         \
    X(webhook_endpoint, signing_secret, "signing_secret", STRING)                                  \
    X(webhook_endpoint, created_at, "created_at", STRING)                                          \
    X(webhook_endpoint, updated_at, "updated_at", STRING)                                          \
    /* WebhookDelivery ("webhook_delivery") */                                                     \
    X(webhook_delivery, object, "object", STRING)                                                  \
    X(webhook_delivery, id, "id", STRING)                                                          \
    X(webhook_delivery, event_id, "event_id", STRING)                                              \
    X(webhook_delivery, endpoint_id, "endpoint_id", STRING)                                        \
    X(webhook_delivery, event_type, "event_type", STRING)                                          \
    X(webhook_delivery, status, "status", STRING)                                                  \
    X(webhook_delivery, attempts, "attempts", INT)                                                 \
    X(webhook_delivery, response_status, "response_status", INT)                                   \
    X(webhook_delivery, response_body, "response_body", STRING)                                    \
    X(webhook_delivery, error, "error", STRING)                                                    \
    X(webhook_delivery, created_at, "created_at", STRING)                                          \
    X(webhook_delivery, updated_at, "updated_at", STRING)                                          \
    /* Event ("event") and its subject */                                                          \
    X(event, object, "object", STRING)                                                             \
    X(event, id, "id", STRING)                                                                     \
    X(event, type, "type", STRING)                                                                 \
    X(event, subject, "subject", OBJECT)                                                           \
    X(event, data, "data", OBJECT)                                                                 \
    X(event, webhook_deliveries, "webhook_deliveries", ARRAY)                                      \
    X(event, created_at, "created_at", STRING)                                                     \
    X(event_subject, type, "type", STRING)                                                         \
    X(event_subject, id, "id", STRING)                                                             \
    /* WebhookTest ("webhook_test"); latest_delivery is a WebhookDelivery or null */               \
    X(webhook_test, object, "object", STRING)                                                      \
    X(webhook_test, event_id, "event_id", STRING)                                                  \
    X(webhook_test, delivery_ids, "delivery_ids", ARRAY)                                           \
    X(webhook_test, latest_delivery, "latest_delivery", OBJECT)                                    \
    /* GateRegistryEntry (no "object" member) */                                                   \
    X(registry_entry, id, "id", STRING)                                                            \
    X(registry_entry, status, "status", STRING)                                                    \
    X(registry_entry, discoverable, "discoverable", BOOL)                                          \
    X(registry_entry, name, "name", STRING)                                                        \
    X(registry_entry, description, "description", STRING)                                          \
    X(registry_entry, website, "website", STRING)                                                  \
    X(registry_entry, dashboard_login_url, "dashboard_login_url", STRING)                          \
    X(registry_entry, env_vars, "env_vars", ARRAY)                                                 \
    X(registry_entry, docs_url, "docs_url", STRING)                                                \
    X(registry_entry, sdks, "sdks", ARRAY)                                                         \
    X(registry_entry, branding, "branding", OBJECT)                                                \
    X(registry_entry, consent, "consent", OBJECT)                                                  \
    /* GateManagedService ("gate_service") */                                                      \
    X(gate_service, object, "object", STRING)                                                      \
    X(gate_service, id, "id", STRING)                                                              \
    X(gate_service, status, "status", STRING)                                                      \
    X(gate_service, discoverable, "discoverable", BOOL)                                            \
    X(gate_service, name, "name", STRING)                                                          \
    X(gate_service, description, "description", STRING)                                            \
    X(gate_service, website, "website", STRING)                                                    \
    X(gate_service, dashboard_login_url, "dashboard_login_url", STRING)                            \
    X(gate_service, env_vars, "env_vars", ARRAY)                                                   \
    X(gate_service, docs_url, "docs_url", STRING)                                                  \
    X(gate_service, sdks, "sdks", ARRAY)                                                           \
    X(gate_service, branding, "branding", OBJECT)                                                  \
    X(gate_service, consent, "consent", OBJECT)                                                    \
    X(gate_service, webhook_endpoint_id, "webhook_endpoint_id", STRING)                            \
    X(gate_service, created_at, "created_at", STRING)                                              \
    X(gate_service, updated_at, "updated_at", STRING)                                              \
    /* Gate service parts: env_vars items, sdks items, branding, consent */                        \
    X(gate_env_var, name, "name", STRING)                                                          \
    X(gate_env_var, key, "key", STRING)                                                            \
    X(gate_env_var, secret, "secret", BOOL)                                                        \
    X(gate_sdk, label, "label", STRING)                                                            \
    X(gate_sdk, install, "install", STRING)                                                        \
    X(gate_sdk, url, "url", STRING)                                                                \
    X(gate_branding, logo_url, "logo_url", STRING)                                                 \
    X(gate_branding, primary_color, "primary_color", STRING)                                       \
    X(gate_branding, secondary_color, "secondary_color", STRING)                                   \
    X(gate_branding, ascii_art, "ascii_art", STRING)                                               \
    X(gate_branding, verified, "verified", BOOL)                                                   \
    X(gate_consent, terms_url, "terms_url", STRING)                                                \
    X(gate_consent, privacy_url, "privacy_url", STRING)                                            \
    /* GateLoginSession ("gate_login_session") */                                                  \
    X(login_session, object, "object", STRING)                                                     \
    X(login_session, id, "id", STRING)                                                             \
    X(login_session, status, "status", STRING)                                                     \
    X(login_session, consent_url, "consent_url", STRING)                                           \
    X(login_session, expires_at, "expires_at", STRING)                                             \
    /* GateDashboardLogin ("gate_dashboard_login") */                                              \
    X(dashboard_login, object, "object", STRING)                                                   \
    X(dashboard_login, gate_account_id, "gate_account_id", STRING)                                 \
    X(dashboard_login, account_name, "account_name", STRING)                                       \
    /* AgentTokenVerification (no "object" member) */                                              \
    X(agent_token_verification, valid, "valid", BOOL)                                              \
    X(agent_token_verification, gate_account_id, "gate_account_id", STRING)                        \
    X(agent_token_verification, status, "status", STRING)                                          \
    X(agent_token_verification, created_at, "created_at", STRING)                                  \
    X(agent_token_verification, expires_at, "expires_at", STRING)

#define FOIL__MODEL_DECL_STRING(obj, field)                                                        \
    FOIL_API const char *foil_##obj##_##field(const foil_json_t *v);
#define FOIL__MODEL_DECL_NUMBER(obj, field)                                                        \
    FOIL_API int foil_##obj##_##field(const foil_json_t *v, double *out);
#define FOIL__MODEL_DECL_INT(obj, field)                                                           \
    FOIL_API int foil_##obj##_##field(const foil_json_t *v, int64_t *out);
#define FOIL__MODEL_DECL_BOOL(obj, field)                                                          \
    FOIL_API int foil_##obj##_##field(const foil_json_t *v, int *out);
#define FOIL__MODEL_DECL_OBJECT(obj, field)                                                        \
    FOIL_API const foil_json_t *foil_##obj##_##field(const foil_json_t *v);
/* Not an alias of _OBJECT: SWIG 4.1's preprocessor does not rescan an alias with arguments. */
#define FOIL__MODEL_DECL_ARRAY(obj, field)                                                         \
    FOIL_API const foil_json_t *foil_##obj##_##field(const foil_json_t *v);
#define FOIL__MODEL_DECL(obj, field, json_name, kind) FOIL__MODEL_DECL_##kind(obj, field)
FOIL_MODEL_FIELDS(FOIL__MODEL_DECL)

#ifdef __cplusplus
}
#endif
#endif
