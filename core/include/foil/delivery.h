/* libfoil: Gate delivery crypto (x25519-hkdf-sha256/aes-256-gcm).
 *
 * Official names (Node/Python SDKs) in C style:
 *   createDeliveryKeyPair           -> foil_delivery_key_pair_new
 *   export/importDeliveryPrivateKeyPkcs8 -> foil_delivery_key_pair_export_pkcs8 / _import_pkcs8
 *   validateGateDeliveryRequest     -> foil_gate_delivery_request_validate
 *   encryptGateDeliveryPayload      -> foil_gate_delivery_encrypt
 *   decryptGateDeliveryEnvelope     -> foil_gate_delivery_decrypt
 *   validateEncryptedGateDeliveryEnvelope -> foil_gate_delivery_envelope_validate
 *   createGateApprovedWebhookResponse -> foil_gate_approved_webhook_response
 *   validateGateApprovedWebhookPayload -> foil_gate_approved_webhook_payload_validate
 *
 * Keys: the private X25519 scalar lives in sodium_malloc() memory (guarded, locked)
 * and is wiped when the key pair is freed. Encoded values are base64url without
 * padding; decoders accept padding too.
 */
#ifndef FOIL_DELIVERY_H
#define FOIL_DELIVERY_H

#include "common.h"
#include "json.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FOIL_GATE_DELIVERY_VERSION 1
#define FOIL_GATE_DELIVERY_ALGORITHM "x25519-hkdf-sha256/aes-256-gcm"
#define FOIL_GATE_DELIVERY_HKDF_INFO "foil-gate-delivery:v1"

typedef struct foil_delivery_key_pair foil_delivery_key_pair_t;
typedef struct foil_delivery_payload foil_delivery_payload_t;

/* A fresh X25519 key pair. */
FOIL_API foil_status_t foil_delivery_key_pair_new(foil_delivery_key_pair_t **out);
/* Load a private key saved as PKCS#8 DER, base64url (the official persistence format). */
FOIL_API foil_status_t foil_delivery_key_pair_import_pkcs8(const char *pkcs8_b64url,
                                                           foil_delivery_key_pair_t **out);
/* The private key as PKCS#8 DER, base64url without padding. A secret: store it
 * safely; free with foil_string_free() (which wipes it). */
FOIL_API foil_status_t foil_delivery_key_pair_export_pkcs8(const foil_delivery_key_pair_t *kp,
                                                           char **out);
/* Raw 32-byte public key, base64url (43 chars). Borrowed. */
FOIL_API const char *foil_delivery_key_pair_public_key(const foil_delivery_key_pair_t *kp);
/* base64url(SHA-256(raw public key)) (43 chars). Borrowed. */
FOIL_API const char *foil_delivery_key_pair_key_id(const foil_delivery_key_pair_t *kp);
/* The `delivery` request object for this key:
 * {"version":1,"algorithm":"...","key_id":"...","public_key":"..."}. Free with foil_string_free().
 */
FOIL_API foil_status_t foil_delivery_key_pair_request_json(const foil_delivery_key_pair_t *kp,
                                                           char **out);
FOIL_API void foil_delivery_key_pair_free(foil_delivery_key_pair_t *kp);

/* base64url(SHA-256(decoded public key)) for a base64url public key. */
FOIL_API foil_status_t foil_gate_delivery_key_id(const char *public_key_b64url, char **out);

/* Check a delivery request (JSON object text): version 1, the algorithm, non-empty
 * strings, a 32-byte public key, and key_id == SHA-256(public key). Failures are
 * FOIL_E_VALIDATION naming the field. */
FOIL_API foil_status_t foil_gate_delivery_request_validate(const char *delivery_json);

/* Check an encrypted delivery envelope's shape without decrypting it (the official
 * validateEncryptedGateDeliveryEnvelope): a JSON object, version 1, the algorithm,
 * key_id / ephemeral_public_key / salt / iv / ciphertext / tag non-empty strings, and the
 * decoded sizes (ephemeral_public_key and salt 32 bytes, iv 12, tag 16, ciphertext
 * base64url of at most 1 MiB). The same checks foil_gate_delivery_decrypt() makes before
 * it decrypts. Failures are FOIL_E_VALIDATION naming the field
 * ("encrypted_delivery.iv: must be 12 bytes"). */
FOIL_API foil_status_t foil_gate_delivery_envelope_validate(const char *envelope_json);

/* Encrypt payload_json ({"version":1,"outputs":{...},"ack_token"?:...}, validated)
 * to the recipient in delivery_json. *out is the envelope as compact JSON. Both texts must
 * be strict JSON (UTF-8, no \u0000, no member named twice, nothing after the value), else
 * FOIL_E_VALIDATION naming "delivery" or "payload". */
FOIL_API foil_status_t foil_gate_delivery_encrypt(const char *delivery_json,
                                                  const char *payload_json, char **out);

/* Decrypt and check an envelope (version, algorithm, field lengths, key_id equal to
 * the key pair's, GCM tag) and parse its payload (version 1, outputs of strings).
 * Tag mismatch, or an ephemeral_public_key of low order or not in its canonical encoding
 * (top bit set, or not below 2^255-19): FOIL_E_CRYPTO; malformed envelope or payload:
 * FOIL_E_VALIDATION. */
FOIL_API foil_status_t foil_gate_delivery_decrypt(const foil_delivery_key_pair_t *kp,
                                                  const char *envelope_json,
                                                  foil_delivery_payload_t **out);

/* Decrypted payload. Values are secrets; the payload wipes them when freed. */
FOIL_API size_t foil_delivery_payload_output_count(const foil_delivery_payload_t *p);
FOIL_API const char *foil_delivery_payload_output_key(const foil_delivery_payload_t *p, size_t i);
FOIL_API const char *foil_delivery_payload_output_value(const foil_delivery_payload_t *p, size_t i);
/* Value for a key, NULL when absent. */
FOIL_API const char *foil_delivery_payload_output(const foil_delivery_payload_t *p,
                                                  const char *key);
/* The outputs as one JSON view, {"KEY":"value",...} (every value a string), for
 * bindings that convert a whole object at once. Borrowed from p; the strings are secrets,
 * wiped by foil_delivery_payload_free(). NULL when p is NULL. */
FOIL_API const foil_json_t *foil_delivery_payload_outputs(const foil_delivery_payload_t *p);
/* NULL when the payload has no ack_token. */
FOIL_API const char *foil_delivery_payload_ack_token(const foil_delivery_payload_t *p);
/* The whole decrypted payload object (unknown fields kept). */
FOIL_API const foil_json_t *foil_delivery_payload_json(const foil_delivery_payload_t *p);
FOIL_API void foil_delivery_payload_free(foil_delivery_payload_t *p);

/* The integrator's webhook reply {"encrypted_delivery": <envelope>} encrypting
 * {"version":1,"outputs":outputs_json} to delivery_json. Both texts must be strict JSON as
 * for foil_gate_delivery_encrypt() (FOIL_E_VALIDATION naming "delivery" or "outputs"). */
FOIL_API foil_status_t foil_gate_approved_webhook_response(const char *delivery_json,
                                                           const char *outputs_json, char **out);
/* Check a gate.session.approved payload (`data` of the event): required fields,
 * types, a valid delivery, and no `event` key. FOIL_E_VALIDATION names the field. */
FOIL_API foil_status_t foil_gate_approved_webhook_payload_validate(const char *payload_json);

#ifdef __cplusplus
}
#endif
#endif
