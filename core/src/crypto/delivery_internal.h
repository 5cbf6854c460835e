/* Internals shared by the Gate delivery translation units (key pairs, requests,
 * envelopes, payloads, the approved webhook). */
#ifndef FOIL_DELIVERY_INTERNAL_H
#define FOIL_DELIVERY_INTERNAL_H

#include "internal.h"

#include <sodium.h>
#include <stdio.h>

#define FOIL_X25519_KEY_BYTES 32
/* base64url of 32 bytes is 43 characters. */
#define FOIL_B64URL_32_CHARS 43
/* Largest payload we encrypt or decrypt: outputs are a handful of env vars. */
#define FOIL_DELIVERY_MAX_PAYLOAD_BYTES (1u << 20)

struct foil_delivery_key_pair {
    unsigned char *secret_key; /* a secret slot (secret_slots.h), FOIL_X25519_KEY_BYTES */
    unsigned char public_key[FOIL_X25519_KEY_BYTES];
    char public_key_b64[FOIL_B64URL_32_CHARS + 1];
    char key_id[FOIL_B64URL_32_CHARS + 1];
};

struct foil_delivery_payload {
    cJSON *root; /* the whole decrypted object; string values are wiped on free */
};

/* key_id text (43 chars + NUL) for a raw public key. */
void foil_delivery_key_id_of(const unsigned char public_key[FOIL_X25519_KEY_BYTES],
                             char key_id[FOIL_B64URL_32_CHARS + 1]);

/* Check a delivery request object (fields named "<prefix>.version", ...) and write
 * its raw public key. FOIL_E_VALIDATION naming the field on failure. */
foil_status_t foil_delivery_request_check(const cJSON *delivery, const char *prefix,
                                          unsigned char public_key[FOIL_X25519_KEY_BYTES]);

/* Check a payload object: version 1, outputs an object of strings without duplicate
 * keys, ack_token a string when present. Fields are named "payload.*". */
foil_status_t foil_delivery_payload_check(const cJSON *payload);

/* Wipe every string (keys and values) in a tree, then delete it. NULL-safe. */
void foil_json_wipe_delete(cJSON *root);

/* Encrypt a checked payload object to a delivery request object; *out is the
 * envelope object. */
foil_status_t foil_delivery_encrypt_object(const cJSON *delivery, const cJSON *payload,
                                           cJSON **out);

/* Check a gate.session.approved payload object; fields named "<prefix>.service_id"
 * (prefix "" or "data"). */
foil_status_t foil_gate_approved_payload_check(const cJSON *payload, const char *prefix);

/* "prefix.name", or "name" when prefix is empty: field names for validation errors. */
static inline const char *foil_field_path(char *buf, size_t size, const char *prefix,
                                          const char *name) {
    snprintf(buf, size, "%s%s%s", prefix, *prefix ? "." : "", name);
    return buf;
}

#endif
