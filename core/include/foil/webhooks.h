/* libfoil: verifying and parsing webhooks Foil sends (X-Foil-Timestamp, X-Foil-Signature). */
#ifndef FOIL_WEBHOOKS_H
#define FOIL_WEBHOOKS_H

#include "common.h"
#include "document.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FOIL_WEBHOOK_TOLERANCE_SECONDS 300
#define FOIL_WEBHOOK_TIMESTAMP_HEADER "X-Foil-Timestamp"
#define FOIL_WEBHOOK_SIGNATURE_HEADER "X-Foil-Signature"

/* Lowercase hex HMAC-SHA256(secret, "<timestamp>.<body>"). Free with foil_string_free(). */
FOIL_API foil_status_t foil_webhook_signature_compute(const char *secret, const char *timestamp,
                                                      const char *body, size_t body_len,
                                                      char **out);
/* Constant-time check of `signature` and that |now - timestamp| <= tolerance.
 * tolerance_seconds <= 0 means 300; now == 0 means the current time.
 * A mismatch or stale timestamp is FOIL_E_SIGNATURE. */
FOIL_API foil_status_t foil_webhook_signature_verify(const char *secret, const char *timestamp,
                                                     const char *body, size_t body_len,
                                                     const char *signature,
                                                     int64_t tolerance_seconds, int64_t now);
/* Parse a webhook event envelope ({id, object:"webhook_event", type, created, data}).
 * Malformed bodies are FOIL_E_VALIDATION. */
FOIL_API foil_status_t foil_webhook_event_parse(const char *body, size_t body_len,
                                                foil_document_t **out);
/* Verify the signature, then parse. */
FOIL_API foil_status_t foil_webhook_event_verify_and_parse(const char *secret,
                                                           const char *timestamp, const char *body,
                                                           size_t body_len, const char *signature,
                                                           int64_t tolerance_seconds, int64_t now,
                                                           foil_document_t **out);

#ifdef __cplusplus
}
#endif
#endif
