/* libfoil: the model table, and typed accessors for the documented fields of API objects.
 *
 * FOIL_MODELS and FOIL_MODEL_FIELDS are the only place a model or a field is declared. The C
 * accessors below are generated from them, bindings read them (foil_model_* at run time, or
 * this header at build time: the Python classes are generated from it), and a test checks
 * every kind against the OpenAPI contract.
 *
 * M(object, "Class", base, "Schema", ROLE, "doc")
 *   object  the accessor prefix: foil_<object>_<field>()
 *   Class   the class name bindings use; base: the object whose fields it inherits (none)
 *   Schema  the contract's schema name ("" when the object is not an API schema)
 *   ROLE    RESULT (read from a response) or VALUE (a value callers build or decode)
 * X(object, field, "json_name", KIND, type, "flags")
 *   KIND    STRING, INT, NUMBER, BOOL, OBJECT or ARRAY: the JSON type (the contract's
 *           integer is INT, its number is NUMBER)
 *   type    what an OBJECT or ARRAY holds: a model object, `any` (free-form JSON),
 *           `string`, `integer`, `number`, or for maps `string_map`, `int_map`, `bool_map`;
 *           `scalar` for the scalar kinds
 *   flags   space-separated: `opt` (absent or null is normal: bindings give nil/None),
 *           `secret` (never shown in a repr or log), `empty` (absent reads as "" / 0)
 *
 * Each accessor reads one field of a JSON view (an item of a page, a result's data, a
 * nested object); every name follows one pattern: foil_<object>_<field>(view[, out]).
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

/* The models. */
#define FOIL_MODELS(M)                                                                             \
    M(manipulation, "DecisionManipulation", none, "ManipulationSummary", RESULT,                   \
      "Manipulation assessment of a decision.")                                                    \
    M(decision, "Decision", none, "Decision", RESULT,                                              \
      "The latest bot-detection decision of a session.")                                           \
    M(fingerprint_link, "VisitorFingerprintLink", none, "VisitorFingerprintLink", RESULT,          \
      "The visitor fingerprint a session is linked to.")                                           \
    M(request_context, "RequestContext", none, "RequestContext", RESULT,                           \
      "Request facts of a scored session.")                                                        \
    M(session_request, "SessionDetailRequest", none, "SessionDetailRequest", RESULT,               \
      "The request block of a session detail.")                                                    \
    M(session_decision, "SessionDecision", none, "SessionDetailDecision", RESULT,                  \
      "A decision of a session detail.")                                                           \
    M(session, "SessionSummary", none, "SessionSummary", RESULT,                                   \
      "A session as listed by ``sessions.list`` / ``sessions.iter``.")                             \
    M(session_detail, "SessionDetail", none, "SessionDetail", RESULT,                              \
      "A session with every analysis block (``sessions.get``).")                                   \
    M(fingerprint_lifecycle, "VisitorFingerprintLifecycle", none, "VisitorFingerprintLifecycle",   \
      RESULT, "First and last sighting of a visitor fingerprint.")                                 \
    M(fingerprint_request, "VisitorFingerprintLatestRequest", none,                                \
      "VisitorFingerprintLatestRequest", RESULT, "The latest request seen for a fingerprint.")     \
    M(fingerprint_storage, "VisitorFingerprintStorage", none, "VisitorFingerprintStorage", RESULT, \
      "Browser storage mechanisms available to the fingerprint.")                                  \
    M(fingerprint_anchors, "VisitorFingerprintAnchors", none, "VisitorFingerprintAnchors", RESULT, \
      "Stable hashes that anchor a fingerprint.")                                                  \
    M(fingerprint, "VisitorFingerprintSummary", none, "VisitorFingerprintSummary", RESULT,         \
      "A visitor fingerprint as listed by ``fingerprints.list``.")                                 \
    M(score_breakdown, "ScoreBreakdown", none, "ScoreBreakdown", RESULT,                           \
      "Risk score by category.")                                                                   \
    M(fingerprint_activity_session, "VisitorFingerprintSessionSummary", none,                      \
      "VisitorFingerprintActivitySession", RESULT, "A session in a fingerprint's activity.")       \
    M(fingerprint_components, "VisitorFingerprintComponents", none,                                \
      "VisitorFingerprintComponents", RESULT, "The fingerprint's component vector.")               \
    M(fingerprint_activity, "VisitorFingerprintActivity", none, "VisitorFingerprintActivity",      \
      RESULT, "Recent sessions of a fingerprint.")                                                 \
    M(fingerprint_detail, "VisitorFingerprintDetail", fingerprint, "VisitorFingerprintDetail",     \
      RESULT, "A visitor fingerprint with components and activity (``fingerprints.get``).")        \
    M(organization, "Organization", none, "Organization", RESULT, "An organization.")              \
    M(api_key, "ApiKey", none, "ApiKey", RESULT,                                                   \
      "An organization API key (the secret itself is never shown again).")                         \
    M(issued_api_key, "IssuedApiKey", api_key, "IssuedApiKey", RESULT,                             \
      "A newly created or rotated key: ``revealed_key`` is shown only this once.")                 \
    M(webhook_endpoint, "WebhookEndpoint", none, "WebhookEndpoint", RESULT,                        \
      "A webhook endpoint; ``signing_secret`` only on create and rotate.")                         \
    M(webhook_delivery, "WebhookDelivery", none, "WebhookDelivery", RESULT,                        \
      "One delivery attempt record of an event to an endpoint.")                                   \
    M(event_subject, "EventSubject", none, "EventSubject", RESULT, "What an event is about.")      \
    M(event, "Event", none, "Event", RESULT, "An event and its webhook deliveries.")               \
    M(webhook_test, "WebhookTest", none, "WebhookTest", RESULT,                                    \
      "The result of ``webhooks.send_test``.")                                                     \
    M(token_signal, "VerifiedFoilSignal", none, "", RESULT, "A signal in a verified token.")       \
    M(token_attribution, "Attribution", none, "", RESULT, "Bot attribution of a verified token.")  \
    M(verified_token, "VerifiedFoilToken", none, "", RESULT,                                       \
      "The verified payload of a sealed token.")                                                   \
    M(gate_env_var, "GateServiceEnvVar", none, "GateEnvVar", RESULT,                               \
      "An env var a Gate service delivers.")                                                       \
    M(gate_sdk, "GateServiceSdkInstall", none, "GateSdkInstall", RESULT,                           \
      "An SDK install hint of a Gate service.")                                                    \
    M(gate_branding, "GateServiceBranding", none, "GateBranding", RESULT,                          \
      "Branding of a Gate service.")                                                               \
    M(gate_consent, "GateServiceConsent", none, "GateConsentConfig", RESULT,                       \
      "Consent links of a Gate service.")                                                          \
    M(registry_entry, "GateRegistryEntry", none, "GateRegistryEntry", RESULT,                      \
      "A public Gate registry entry.")                                                             \
    M(gate_service, "GateManagedService", registry_entry, "GateManagedService", RESULT,            \
      "A Gate service owned by your organization.")                                                \
    M(delivery_request, "GateDeliveryRequest", none, "GateDeliveryRequest", VALUE,                 \
      "The ``delivery`` object of a Gate session: where to encrypt the outputs.")                  \
    M(delivery_envelope, "GateDeliveryEnvelope", none, "GateDeliveryEnvelope", VALUE,              \
      "An encrypted delivery (x25519-hkdf-sha256/aes-256-gcm).")                                   \
    M(delivery_bundle, "GateDeliveryBundle", none, "GateDeliveryBundle", VALUE,                    \
      "The two envelopes of an approved Gate session.")                                            \
    M(decrypted_payload, "GateDeliveryPayload", none, "", VALUE,                                   \
      "A decrypted delivery: ``outputs`` (env var -> value) and the optional ``ack_token``.")      \
    M(approved_webhook_response, "GateEncryptedDeliveryResponse", none,                            \
      "GateApprovedWebhookResponse", VALUE,                                                        \
      "The integrator's reply to a ``gate.session.approved`` webhook.")                            \
    M(approved_webhook_foil, "GateApprovedWebhookFoil", none, "", VALUE,                           \
      "Foil's verdict on the person who approved the signup.")                                     \
    M(approved_webhook_payload, "GateApprovedWebhookPayload", none, "GateApprovedWebhookPayload",  \
      VALUE, "The ``data`` of a ``gate.session.approved`` webhook event.")                         \
    M(gate_session_created, "GateSessionCreate", none, "GateSessionCreate", RESULT,                \
      "A created Gate signup session (``gate.sessions.create``).")                                 \
    M(gate_session_info, "GateSessionPollData", none, "GateSessionPollData", RESULT,               \
      "A Gate session's state (``gate.sessions.poll``).")                                          \
    M(gate_delivery_ack, "GateSessionDeliveryAcknowledgement", none,                               \
      "GateSessionDeliveryAcknowledgement", RESULT, "The acknowledgement of a Gate delivery.")     \
    M(login_session, "GateLoginSession", none, "GateLoginSession", RESULT,                         \
      "A dashboard login session (``gate.login_sessions.create``).")                               \
    M(dashboard_login, "GateDashboardLogin", none, "GateDashboardLogin", RESULT,                   \
      "A consumed login code (``gate.login_sessions.consume``).")                                  \
    M(agent_token_verification, "AgentTokenVerification", none, "AgentTokenVerification", RESULT,  \
      "The result of ``gate.agent_tokens.verify``.")                                               \
    M(webhook_event, "WebhookEventEnvelope", none, "WebhookEventEnvelope", RESULT,                 \
      "A parsed webhook event; for ``gate.session.approved`` ``data`` is a "                       \
      ":class:`GateApprovedWebhookPayload`, otherwise the raw dict.")

/* The fields of each model, in the order bindings show them. */
#define FOIL_MODEL_FIELDS(X)                                                                       \
    /* DecisionManipulation */                                                                     \
    X(manipulation, score, "score", INT, scalar, "opt")                                            \
    X(manipulation, verdict, "verdict", STRING, scalar, "opt")                                     \
    /* Decision */                                                                                 \
    X(decision, event_id, "event_id", STRING, scalar, "")                                          \
    X(decision, verdict, "verdict", STRING, scalar, "")                                            \
    X(decision, risk_score, "risk_score", INT, scalar, "")                                         \
    X(decision, phase, "phase", STRING, scalar, "opt")                                             \
    X(decision, is_provisional, "is_provisional", BOOL, scalar, "opt")                             \
    X(decision, manipulation, "manipulation", OBJECT, manipulation, "opt")                         \
    X(decision, evaluation_duration_ms, "evaluation_duration_ms", INT, scalar, "opt")              \
    X(decision, evaluated_at, "evaluated_at", STRING, scalar, "")                                  \
    /* VisitorFingerprintLink */                                                                   \
    X(fingerprint_link, object, "object", STRING, scalar, "")                                      \
    X(fingerprint_link, id, "id", STRING, scalar, "")                                              \
    X(fingerprint_link, confidence, "confidence", INT, scalar, "opt")                              \
    X(fingerprint_link, identified_at, "identified_at", STRING, scalar, "opt")                     \
    /* RequestContext */                                                                           \
    X(request_context, user_agent, "user_agent", STRING, scalar, "")                               \
    X(request_context, url, "url", STRING, scalar, "")                                             \
    X(request_context, screen_size, "screen_size", STRING, scalar, "opt")                          \
    X(request_context, is_touch_capable, "is_touch_capable", BOOL, scalar, "opt")                  \
    X(request_context, ip_address, "ip_address", STRING, scalar, "")                               \
    /* SessionDetailRequest */                                                                     \
    X(session_request, url, "url", STRING, scalar, "")                                             \
    X(session_request, referrer, "referrer", STRING, scalar, "opt")                                \
    X(session_request, user_agent, "user_agent", STRING, scalar, "")                               \
    /* SessionDecision */                                                                          \
    X(session_decision, event_id, "event_id", STRING, scalar, "")                                  \
    X(session_decision, automation_status, "automation_status", STRING, scalar, "")                \
    X(session_decision, risk_score, "risk_score", INT, scalar, "")                                 \
    X(session_decision, evaluation_phase, "evaluation_phase", STRING, scalar, "opt")               \
    X(session_decision, decision_status, "decision_status", STRING, scalar, "")                    \
    X(session_decision, evaluated_at, "evaluated_at", STRING, scalar, "")                          \
    /* SessionSummary */                                                                           \
    X(session, object, "object", STRING, scalar, "")                                               \
    X(session, id, "id", STRING, scalar, "")                                                       \
    X(session, created_at, "created_at", STRING, scalar, "opt")                                    \
    X(session, client_user_id, "client_user_id", STRING, scalar, "opt")                            \
    X(session, latest_decision, "latest_decision", OBJECT, decision, "")                           \
    X(session, visitor_fingerprint, "visitor_fingerprint", OBJECT, fingerprint_link, "opt")        \
    /* SessionDetail */                                                                            \
    X(session_detail, object, "object", STRING, scalar, "")                                        \
    X(session_detail, id, "id", STRING, scalar, "")                                                \
    X(session_detail, created_at, "created_at", STRING, scalar, "opt")                             \
    X(session_detail, client_user_id, "client_user_id", STRING, scalar, "opt")                     \
    X(session_detail, decision, "decision", OBJECT, session_decision, "")                          \
    X(session_detail, highlights, "highlights", ARRAY, any, "")                                    \
    X(session_detail, attribution, "attribution", OBJECT, any, "opt")                              \
    X(session_detail, web_bot_auth, "web_bot_auth", OBJECT, any, "opt")                            \
    X(session_detail, network, "network", OBJECT, any, "")                                         \
    X(session_detail, runtime_integrity, "runtime_integrity", OBJECT, any, "")                     \
    X(session_detail, native_runtime_integrity, "native_runtime_integrity", OBJECT, any, "opt")    \
    X(session_detail, native_app, "native_app", OBJECT, any, "opt")                                \
    X(session_detail, native_carrier, "native_carrier", OBJECT, any, "opt")                        \
    X(session_detail, native_motion_print, "native_motion_print", OBJECT, any, "opt")              \
    X(session_detail, device_identity, "device_identity", OBJECT, any, "opt")                      \
    X(session_detail, install_id, "install_id", STRING, scalar, "opt")                             \
    X(session_detail, visitor_fingerprint, "visitor_fingerprint", OBJECT, any, "opt")              \
    X(session_detail, connection_fingerprint, "connection_fingerprint", OBJECT, any, "")           \
    X(session_detail, previous_decisions, "previous_decisions", ARRAY, session_decision, "")       \
    X(session_detail, request, "request", OBJECT, session_request, "")                             \
    X(session_detail, browser, "browser", OBJECT, any, "")                                         \
    X(session_detail, device, "device", OBJECT, any, "")                                           \
    X(session_detail, analysis_coverage, "analysis_coverage", OBJECT, bool_map, "")                \
    X(session_detail, signals_fired, "signals_fired", ARRAY, any, "")                              \
    X(session_detail, client_telemetry, "client_telemetry", OBJECT, any, "")                       \
    /* VisitorFingerprintLifecycle */                                                              \
    X(fingerprint_lifecycle, first_seen_at, "first_seen_at", STRING, scalar, "")                   \
    X(fingerprint_lifecycle, last_seen_at, "last_seen_at", STRING, scalar, "")                     \
    X(fingerprint_lifecycle, seen_count, "seen_count", INT, scalar, "")                            \
    X(fingerprint_lifecycle, expires_at, "expires_at", STRING, scalar, "")                         \
    /* VisitorFingerprintLatestRequest */                                                          \
    X(fingerprint_request, user_agent, "user_agent", STRING, scalar, "")                           \
    X(fingerprint_request, ip_address, "ip_address", STRING, scalar, "")                           \
    /* VisitorFingerprintStorage */                                                                \
    X(fingerprint_storage, cookies, "cookies", BOOL, scalar, "")                                   \
    X(fingerprint_storage, local_storage, "local_storage", BOOL, scalar, "")                       \
    X(fingerprint_storage, indexed_db, "indexed_db", BOOL, scalar, "")                             \
    X(fingerprint_storage, service_worker, "service_worker", BOOL, scalar, "")                     \
    X(fingerprint_storage, window_name, "window_name", BOOL, scalar, "")                           \
    /* VisitorFingerprintAnchors */                                                                \
    X(fingerprint_anchors, webgl_hash, "webgl_hash", STRING, scalar, "opt")                        \
    X(fingerprint_anchors, parameters_hash, "parameters_hash", STRING, scalar, "opt")              \
    X(fingerprint_anchors, audio_hash, "audio_hash", STRING, scalar, "opt")                        \
    /* VisitorFingerprintSummary */                                                                \
    X(fingerprint, object, "object", STRING, scalar, "")                                           \
    X(fingerprint, id, "id", STRING, scalar, "")                                                   \
    X(fingerprint, lifecycle, "lifecycle", OBJECT, fingerprint_lifecycle, "")                      \
    X(fingerprint, latest_request, "latest_request", OBJECT, fingerprint_request, "")              \
    X(fingerprint, storage, "storage", OBJECT, fingerprint_storage, "")                            \
    X(fingerprint, anchors, "anchors", OBJECT, fingerprint_anchors, "")                            \
    /* ScoreBreakdown */                                                                           \
    X(score_breakdown, categories, "categories", OBJECT, int_map, "")                              \
    /* VisitorFingerprintSessionSummary */                                                         \
    X(fingerprint_activity_session, session_id, "session_id", STRING, scalar, "")                  \
    X(fingerprint_activity_session, decision, "decision", OBJECT, decision, "")                    \
    X(fingerprint_activity_session, request, "request", OBJECT, request_context, "")               \
    X(fingerprint_activity_session, score_breakdown, "score_breakdown", OBJECT, score_breakdown,   \
      "")                                                                                          \
    /* VisitorFingerprintComponents */                                                             \
    X(fingerprint_components, vector, "vector", ARRAY, number, "")                                 \
    /* VisitorFingerprintActivity */                                                               \
    X(fingerprint_activity, sessions, "sessions", ARRAY, fingerprint_activity_session, "")         \
    /* VisitorFingerprintDetail */                                                                 \
    X(fingerprint_detail, components, "components", OBJECT, fingerprint_components, "")            \
    X(fingerprint_detail, activity, "activity", OBJECT, fingerprint_activity, "")                  \
    /* Organization */                                                                             \
    X(organization, object, "object", STRING, scalar, "")                                          \
    X(organization, id, "id", STRING, scalar, "")                                                  \
    X(organization, name, "name", STRING, scalar, "")                                              \
    X(organization, slug, "slug", STRING, scalar, "")                                              \
    X(organization, status, "status", STRING, scalar, "")                                          \
    X(organization, created_at, "created_at", STRING, scalar, "")                                  \
    X(organization, updated_at, "updated_at", STRING, scalar, "opt")                               \
    /* ApiKey */                                                                                   \
    X(api_key, object, "object", STRING, scalar, "")                                               \
    X(api_key, id, "id", STRING, scalar, "")                                                       \
    X(api_key, type, "type", STRING, scalar, "")                                                   \
    X(api_key, name, "name", STRING, scalar, "")                                                   \
    X(api_key, environment, "environment", STRING, scalar, "")                                     \
    X(api_key, allowed_origins, "allowed_origins", ARRAY, string, "opt")                           \
    X(api_key, scopes, "scopes", ARRAY, string, "opt")                                             \
    X(api_key, rate_limit, "rate_limit", INT, scalar, "opt")                                       \
    X(api_key, status, "status", STRING, scalar, "")                                               \
    X(api_key, key_preview, "key_preview", STRING, scalar, "")                                     \
    X(api_key, display_key, "display_key", STRING, scalar, "opt")                                  \
    X(api_key, last_used_at, "last_used_at", STRING, scalar, "opt")                                \
    X(api_key, created_at, "created_at", STRING, scalar, "")                                       \
    X(api_key, rotated_at, "rotated_at", STRING, scalar, "opt")                                    \
    X(api_key, revoked_at, "revoked_at", STRING, scalar, "opt")                                    \
    X(api_key, grace_expires_at, "grace_expires_at", STRING, scalar, "opt")                        \
    X(api_key, revealed_key, "revealed_key", STRING, scalar, "opt secret")                         \
    /* IssuedApiKey */                                                                             \
    X(issued_api_key, revealed_key, "revealed_key", STRING, scalar, "secret")                      \
    /* WebhookEndpoint */                                                                          \
    X(webhook_endpoint, object, "object", STRING, scalar, "")                                      \
    X(webhook_endpoint, id, "id", STRING, scalar, "")                                              \
    X(webhook_endpoint, name, "name", STRING, scalar, "")                                          \
    X(webhook_endpoint, url, "url", STRING, scalar, "")                                            \
    X(webhook_endpoint, status, "status", STRING, scalar, "")                                      \
    X(webhook_endpoint, event_types, "event_types", ARRAY, string, "")                             \
    X(webhook_endpoint, created_at, "created_at", STRING, scalar, "")                              \
    X(webhook_endpoint, updated_at, "updated_at", STRING, scalar, "")                              \
    X(webhook_endpoint, signing_secret, "signing_secret", STRING, scalar, "opt secret")            \
    /* WebhookDelivery */                                                                          \
    X(webhook_delivery, object, "object", STRING, scalar, "")                                      \
    X(webhook_delivery, id, "id", STRING, scalar, "")                                              \
    X(webhook_delivery, event_id, "event_id", STRING, scalar, "")                                  \
    X(webhook_delivery, endpoint_id, "endpoint_id", STRING, scalar, "")                            \
    X(webhook_delivery, event_type, "event_type", STRING, scalar, "")                              \
    X(webhook_delivery, status, "status", STRING, scalar, "")                                      \
    X(webhook_delivery, attempts, "attempts", INT, scalar, "")                                     \
    X(webhook_delivery, response_status, "response_status", INT, scalar, "opt")                    \
    X(webhook_delivery, response_body, "response_body", STRING, scalar, "opt")                     \
    X(webhook_delivery, error, "error", STRING, scalar, "opt")                                     \
    X(webhook_delivery, created_at, "created_at", STRING, scalar, "")                              \
    X(webhook_delivery, updated_at, "updated_at", STRING, scalar, "")                              \
    /* EventSubject */                                                                             \
    X(event_subject, type, "type", STRING, scalar, "")                                             \
    X(event_subject, id, "id", STRING, scalar, "")                                                 \
    /* Event */                                                                                    \
    X(event, object, "object", STRING, scalar, "")                                                 \
    X(event, id, "id", STRING, scalar, "")                                                         \
    X(event, type, "type", STRING, scalar, "")                                                     \
    X(event, subject, "subject", OBJECT, event_subject, "")                                        \
    X(event, data, "data", OBJECT, any, "")                                                        \
    X(event, webhook_deliveries, "webhook_deliveries", ARRAY, webhook_delivery, "")                \
    X(event, created_at, "created_at", STRING, scalar, "")                                         \
    /* WebhookTest */                                                                              \
    X(webhook_test, object, "object", STRING, scalar, "")                                          \
    X(webhook_test, event_id, "event_id", STRING, scalar, "")                                      \
    X(webhook_test, delivery_ids, "delivery_ids", ARRAY, string, "")                               \
    X(webhook_test, latest_delivery, "latest_delivery", OBJECT, webhook_delivery, "opt")           \
    /* VerifiedFoilSignal */                                                                       \
    X(token_signal, id, "id", STRING, scalar, "empty")                                             \
    X(token_signal, category, "category", STRING, scalar, "empty")                                 \
    X(token_signal, confidence, "confidence", STRING, scalar, "empty")                             \
    X(token_signal, score, "score", INT, scalar, "empty")                                          \
    /* Attribution */                                                                              \
    X(token_attribution, bot, "bot", OBJECT, any, "opt")                                           \
    /* VerifiedFoilToken */                                                                        \
    X(verified_token, object, "object", STRING, scalar, "empty")                                   \
    X(verified_token, session_id, "session_id", STRING, scalar, "empty")                           \
    X(verified_token, decision, "decision", OBJECT, decision, "")                                  \
    X(verified_token, request, "request", OBJECT, request_context, "")                             \
    X(verified_token, visitor_fingerprint, "visitor_fingerprint", OBJECT, fingerprint_link, "opt") \
    X(verified_token, signals, "signals", ARRAY, token_signal, "")                                 \
    X(verified_token, score_breakdown, "score_breakdown", OBJECT, score_breakdown, "")             \
    X(verified_token, attribution, "attribution", OBJECT, token_attribution, "")                   \
    X(verified_token, embed, "embed", OBJECT, any, "opt")                                          \
    /* GateServiceEnvVar */                                                                        \
    X(gate_env_var, name, "name", STRING, scalar, "")                                              \
    X(gate_env_var, key, "key", STRING, scalar, "")                                                \
    X(gate_env_var, secret, "secret", BOOL, scalar, "")                                            \
    /* GateServiceSdkInstall */                                                                    \
    X(gate_sdk, label, "label", STRING, scalar, "")                                                \
    X(gate_sdk, install, "install", STRING, scalar, "")                                            \
    X(gate_sdk, url, "url", STRING, scalar, "")                                                    \
    /* GateServiceBranding */                                                                      \
    X(gate_branding, verified, "verified", BOOL, scalar, "")                                       \
    X(gate_branding, logo_url, "logo_url", STRING, scalar, "opt")                                  \
    X(gate_branding, primary_color, "primary_color", STRING, scalar, "opt")                        \
    X(gate_branding, secondary_color, "secondary_color", STRING, scalar, "opt")                    \
    X(gate_branding, ascii_art, "ascii_art", STRING, scalar, "opt")                                \
    /* GateServiceConsent */                                                                       \
    X(gate_consent, terms_url, "terms_url", STRING, scalar, "opt")                                 \
    X(gate_consent, privacy_url, "privacy_url", STRING, scalar, "opt")                             \
    /* GateRegistryEntry */                                                                        \
    X(registry_entry, id, "id", STRING, scalar, "")                                                \
    X(registry_entry, status, "status", STRING, scalar, "")                                        \
    X(registry_entry, discoverable, "discoverable", BOOL, scalar, "")                              \
    X(registry_entry, name, "name", STRING, scalar, "")                                            \
    X(registry_entry, description, "description", STRING, scalar, "")                              \
    X(registry_entry, website, "website", STRING, scalar, "")                                      \
    X(registry_entry, env_vars, "env_vars", ARRAY, gate_env_var, "")                               \
    X(registry_entry, docs_url, "docs_url", STRING, scalar, "")                                    \
    X(registry_entry, sdks, "sdks", ARRAY, gate_sdk, "")                                           \
    X(registry_entry, branding, "branding", OBJECT, gate_branding, "")                             \
    X(registry_entry, consent, "consent", OBJECT, gate_consent, "")                                \
    X(registry_entry, dashboard_login_url, "dashboard_login_url", STRING, scalar, "opt")           \
    /* GateManagedService */                                                                       \
    X(gate_service, object, "object", STRING, scalar, "")                                          \
    X(gate_service, id, "id", STRING, scalar, "")                                                  \
    X(gate_service, status, "status", STRING, scalar, "")                                          \
    X(gate_service, discoverable, "discoverable", BOOL, scalar, "")                                \
    X(gate_service, name, "name", STRING, scalar, "")                                              \
    X(gate_service, description, "description", STRING, scalar, "")                                \
    X(gate_service, website, "website", STRING, scalar, "")                                        \
    X(gate_service, dashboard_login_url, "dashboard_login_url", STRING, scalar, "opt")             \
    X(gate_service, env_vars, "env_vars", ARRAY, gate_env_var, "")                                 \
    X(gate_service, docs_url, "docs_url", STRING, scalar, "")                                      \
    X(gate_service, sdks, "sdks", ARRAY, gate_sdk, "")                                             \
    X(gate_service, branding, "branding", OBJECT, gate_branding, "")                               \
    X(gate_service, consent, "consent", OBJECT, gate_consent, "")                                  \
    X(gate_service, webhook_endpoint_id, "webhook_endpoint_id", STRING, scalar, "opt")             \
    X(gate_service, created_at, "created_at", STRING, scalar, "")                                  \
    X(gate_service, updated_at, "updated_at", STRING, scalar, "")                                  \
    /* GateDeliveryRequest */                                                                      \
    X(delivery_request, version, "version", INT, scalar, "")                                       \
    X(delivery_request, algorithm, "algorithm", STRING, scalar, "")                                \
    X(delivery_request, key_id, "key_id", STRING, scalar, "")                                      \
    X(delivery_request, public_key, "public_key", STRING, scalar, "")                              \
    /* GateDeliveryEnvelope */                                                                     \
    X(delivery_envelope, version, "version", INT, scalar, "")                                      \
    X(delivery_envelope, algorithm, "algorithm", STRING, scalar, "")                               \
    X(delivery_envelope, key_id, "key_id", STRING, scalar, "")                                     \
    X(delivery_envelope, ephemeral_public_key, "ephemeral_public_key", STRING, scalar, "")         \
    X(delivery_envelope, salt, "salt", STRING, scalar, "")                                         \
    X(delivery_envelope, iv, "iv", STRING, scalar, "")                                             \
    X(delivery_envelope, ciphertext, "ciphertext", STRING, scalar, "")                             \
    X(delivery_envelope, tag, "tag", STRING, scalar, "")                                           \
    /* GateDeliveryBundle */                                                                       \
    X(delivery_bundle, integrator, "integrator", OBJECT, delivery_envelope, "")                    \
    X(delivery_bundle, gate, "gate", OBJECT, delivery_envelope, "")                                \
    /* GateDeliveryPayload */                                                                      \
    X(decrypted_payload, version, "version", INT, scalar, "")                                      \
    X(decrypted_payload, outputs, "outputs", OBJECT, string_map, "secret")                         \
    X(decrypted_payload, ack_token, "ack_token", STRING, scalar, "opt secret")                     \
    /* GateEncryptedDeliveryResponse */                                                            \
    X(approved_webhook_response, encrypted_delivery, "encrypted_delivery", OBJECT,                 \
      delivery_envelope, "")                                                                       \
    /* GateApprovedWebhookFoil */                                                                  \
    X(approved_webhook_foil, verdict, "verdict", STRING, scalar, "")                               \
    X(approved_webhook_foil, score, "score", NUMBER, scalar, "opt")                                \
    /* GateApprovedWebhookPayload */                                                               \
    X(approved_webhook_payload, service_id, "service_id", STRING, scalar, "")                      \
    X(approved_webhook_payload, gate_session_id, "gate_session_id", STRING, scalar, "")            \
    X(approved_webhook_payload, gate_account_id, "gate_account_id", STRING, scalar, "")            \
    X(approved_webhook_payload, account_name, "account_name", STRING, scalar, "")                  \
    X(approved_webhook_payload, metadata, "metadata", OBJECT, any, "opt")                          \
    X(approved_webhook_payload, foil, "foil", OBJECT, approved_webhook_foil, "")                   \
    X(approved_webhook_payload, delivery, "delivery", OBJECT, delivery_request, "")                \
    /* GateSessionCreate */                                                                        \
    X(gate_session_created, object, "object", STRING, scalar, "")                                  \
    X(gate_session_created, id, "id", STRING, scalar, "")                                          \
    X(gate_session_created, status, "status", STRING, scalar, "")                                  \
    X(gate_session_created, poll_token, "poll_token", STRING, scalar, "secret")                    \
    X(gate_session_created, consent_url, "consent_url", STRING, scalar, "")                        \
    X(gate_session_created, expires_at, "expires_at", STRING, scalar, "")                          \
    /* GateSessionPollData */                                                                      \
    X(gate_session_info, object, "object", STRING, scalar, "")                                     \
    X(gate_session_info, id, "id", STRING, scalar, "")                                             \
    X(gate_session_info, status, "status", STRING, scalar, "")                                     \
    X(gate_session_info, expires_at, "expires_at", STRING, scalar, "opt")                          \
    X(gate_session_info, gate_account_id, "gate_account_id", STRING, scalar, "opt")                \
    X(gate_session_info, account_name, "account_name", STRING, scalar, "opt")                      \
    X(gate_session_info, delivery_bundle, "delivery_bundle", OBJECT, delivery_bundle, "opt")       \
    X(gate_session_info, docs_url, "docs_url", STRING, scalar, "opt")                              \
    /* GateSessionDeliveryAcknowledgement */                                                       \
    X(gate_delivery_ack, object, "object", STRING, scalar, "")                                     \
    X(gate_delivery_ack, gate_session_id, "gate_session_id", STRING, scalar, "")                   \
    X(gate_delivery_ack, status, "status", STRING, scalar, "")                                     \
    /* GateLoginSession */                                                                         \
    X(login_session, object, "object", STRING, scalar, "")                                         \
    X(login_session, id, "id", STRING, scalar, "")                                                 \
    X(login_session, status, "status", STRING, scalar, "")                                         \
    X(login_session, consent_url, "consent_url", STRING, scalar, "")                               \
    X(login_session, expires_at, "expires_at", STRING, scalar, "")                                 \
    /* GateDashboardLogin */                                                                       \
    X(dashboard_login, object, "object", STRING, scalar, "")                                       \
    X(dashboard_login, gate_account_id, "gate_account_id", STRING, scalar, "")                     \
    X(dashboard_login, account_name, "account_name", STRING, scalar, "")                           \
    /* AgentTokenVerification */                                                                   \
    X(agent_token_verification, valid, "valid", BOOL, scalar, "")                                  \
    X(agent_token_verification, gate_account_id, "gate_account_id", STRING, scalar, "opt")         \
    X(agent_token_verification, status, "status", STRING, scalar, "opt")                           \
    X(agent_token_verification, created_at, "created_at", STRING, scalar, "opt")                   \
    X(agent_token_verification, expires_at, "expires_at", STRING, scalar, "opt")                   \
    /* WebhookEventEnvelope */                                                                     \
    X(webhook_event, id, "id", STRING, scalar, "")                                                 \
    X(webhook_event, object, "object", STRING, scalar, "")                                         \
    X(webhook_event, type, "type", STRING, scalar, "")                                             \
    X(webhook_event, created, "created", STRING, scalar, "")                                       \
    X(webhook_event, data, "data", OBJECT, any, "")

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
/* Parameter names that no field shares: SWIG's preprocessor substitutes into pasted tokens. */
#define FOIL__MODEL_DECL(obj, field, json_name, kind_, type_, flags_)                              \
    FOIL__MODEL_DECL_##kind_(obj, field)
FOIL_MODEL_FIELDS(FOIL__MODEL_DECL)

/* The tables at run time, for bindings that build their readers when they load.
 * Rows are in table order; a column is named as in the table comment above:
 *   models: "object", "class", "base", "schema", "role", "doc"
 *   fields: "object", "field", "json_name", "kind", "type", "flags"
 * Each returns a static string, NULL for a row out of range or an unknown column
 * ("base" of a root model is "none"). */
FOIL_API size_t foil_model_count(void);
FOIL_API const char *foil_model_info(size_t i, const char *column);
FOIL_API size_t foil_model_field_count(void);
FOIL_API const char *foil_model_field_info(size_t i, const char *column);

#ifdef __cplusplus
}
#endif
#endif
