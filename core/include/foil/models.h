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
    /* SessionSummary and SessionDetail ("session") */                                            \
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
    /* Gate session: create and poll data ("gate_session") */                                     \
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
    /* Gate delivery acknowledgement ("gate_session_delivery") */                                 \
    X(gate_delivery_ack, gate_session_id, "gate_session_id", STRING)                               \
    X(gate_delivery_ack, status, "status", STRING)

#define FOIL__MODEL_DECL_STRING(obj, field) FOIL_API const char *foil_##obj##_##field(const foil_json_t *v);
#define FOIL__MODEL_DECL_NUMBER(obj, field) FOIL_API int foil_##obj##_##field(const foil_json_t *v, double *out);
#define FOIL__MODEL_DECL_INT(obj, field) FOIL_API int foil_##obj##_##field(const foil_json_t *v, int64_t *out);
#define FOIL__MODEL_DECL_BOOL(obj, field) FOIL_API int foil_##obj##_##field(const foil_json_t *v, int *out);
#define FOIL__MODEL_DECL_OBJECT(obj, field) FOIL_API const foil_json_t *foil_##obj##_##field(const foil_json_t *v);
#define FOIL__MODEL_DECL_ARRAY FOIL__MODEL_DECL_OBJECT
#define FOIL__MODEL_DECL(obj, field, key, kind) FOIL__MODEL_DECL_##kind(obj, field)
FOIL_MODEL_FIELDS(FOIL__MODEL_DECL)

#ifdef __cplusplus
}
#endif
#endif
