/* X25519 delivery key pairs: generation, PKCS#8 persistence, key_id, request JSON. */
#include "base64url.h"
#include "delivery_internal.h"
#include "secret_slots.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* PKCS#8 v1 PrivateKeyInfo for X25519 (OID 1.3.101.110) wrapping a 32-byte
 * OCTET STRING: the only encoding the official SDKs produce. */
static const unsigned char pkcs8_x25519_prefix[] = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
                                                    0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20};
#define PKCS8_BYTES (sizeof pkcs8_x25519_prefix + FOIL_X25519_KEY_BYTES)

_Static_assert(FOIL_SECRET_SLOT_BYTES == FOIL_X25519_KEY_BYTES, "a key fills a secret slot");

void foil_delivery_key_id_of(const unsigned char public_key[FOIL_X25519_KEY_BYTES],
                             char key_id[FOIL_B64URL_32_CHARS + 1]) {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, public_key, FOIL_X25519_KEY_BYTES);
    sodium_bin2base64(key_id, FOIL_B64URL_32_CHARS + 1, digest, sizeof digest,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* A key pair whose secret scalar is already in kp->secret_key: fill the public parts. */
static void derive_public_parts(foil_delivery_key_pair_t *kp) {
    crypto_scalarmult_base(kp->public_key, kp->secret_key);
    sodium_bin2base64(kp->public_key_b64, sizeof kp->public_key_b64, kp->public_key,
                      sizeof kp->public_key, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    foil_delivery_key_id_of(kp->public_key, kp->key_id);
}

static foil_status_t key_pair_alloc(foil_delivery_key_pair_t **out) {
    foil_status_t st = foil_ensure_init();
    if (st != FOIL_OK) return st;
    foil_delivery_key_pair_t *kp = calloc(1, sizeof *kp);
    if (!kp) return foil_fail_nomem();
    kp->secret_key = foil_secret_slot_take();
    if (!kp->secret_key) {
        free(kp);
        return foil_fail_nomem();
    }
    *out = kp;
    return FOIL_OK;
}

foil_status_t foil_delivery_key_pair_new(foil_delivery_key_pair_t **out) {
    if (!out)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "out", "must not be NULL", NULL, NULL);
    *out = NULL;
    foil_delivery_key_pair_t *kp = NULL;
    foil_status_t st = key_pair_alloc(&kp);
    if (st != FOIL_OK) return st;
    randombytes_buf(kp->secret_key, FOIL_X25519_KEY_BYTES);
    derive_public_parts(kp);
    *out = kp;
    return FOIL_OK;
}

foil_status_t foil_delivery_key_pair_import_pkcs8(const char *pkcs8_b64url,
                                                  foil_delivery_key_pair_t **out) {
    if (!out)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "out", "must not be NULL", NULL, NULL);
    *out = NULL;
    if (!pkcs8_b64url)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "pkcs8", "must not be NULL", NULL, NULL);
    unsigned char der[PKCS8_BYTES];
    if (foil_b64url_decode_exact(pkcs8_b64url, der, sizeof der) != 0 ||
        memcmp(der, pkcs8_x25519_prefix, sizeof pkcs8_x25519_prefix) != 0) {
        sodium_memzero(der, sizeof der);
        return foil_fail_field(
            FOIL_E_INVALID_ARGUMENT, "pkcs8", "is not an X25519 PKCS#8 private key in base64url",
            "48-byte PKCS#8 DER (prefix 302e020100300506032b656e04220420)", NULL);
    }
    foil_delivery_key_pair_t *kp = NULL;
    foil_status_t st = key_pair_alloc(&kp);
    if (st == FOIL_OK) {
        memcpy(kp->secret_key, der + sizeof pkcs8_x25519_prefix, FOIL_X25519_KEY_BYTES);
        derive_public_parts(kp);
        *out = kp;
    }
    sodium_memzero(der, sizeof der);
    return st;
}

foil_status_t foil_delivery_key_pair_export_pkcs8(const foil_delivery_key_pair_t *kp, char **out) {
    if (!out)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "out", "must not be NULL", NULL, NULL);
    *out = NULL;
    if (!kp) return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "kp", "must not be NULL", NULL, NULL);
    unsigned char der[PKCS8_BYTES];
    memcpy(der, pkcs8_x25519_prefix, sizeof pkcs8_x25519_prefix);
    memcpy(der + sizeof pkcs8_x25519_prefix, kp->secret_key, FOIL_X25519_KEY_BYTES);
    *out = foil_b64url_encode(der, sizeof der);
    sodium_memzero(der, sizeof der);
    return *out ? FOIL_OK : foil_fail_nomem();
}

const char *foil_delivery_key_pair_public_key(const foil_delivery_key_pair_t *kp) {
    return kp ? kp->public_key_b64 : NULL;
}

const char *foil_delivery_key_pair_key_id(const foil_delivery_key_pair_t *kp) {
    return kp ? kp->key_id : NULL;
}

foil_status_t foil_delivery_key_pair_request_json(const foil_delivery_key_pair_t *kp, char **out) {
    if (!out)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "out", "must not be NULL", NULL, NULL);
    *out = NULL;
    if (!kp) return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "kp", "must not be NULL", NULL, NULL);
    /* Every value is fixed ASCII (base64url), so no escaping is needed. */
    const char *fmt =
        "{\"version\":%d,\"algorithm\":\"%s\",\"key_id\":\"%s\",\"public_key\":\"%s\"}";
    int n = snprintf(NULL, 0, fmt, FOIL_GATE_DELIVERY_VERSION, FOIL_GATE_DELIVERY_ALGORITHM,
                     kp->key_id, kp->public_key_b64);
    char *json = malloc((size_t)n + 1);
    if (!json) return foil_fail_nomem();
    snprintf(json, (size_t)n + 1, fmt, FOIL_GATE_DELIVERY_VERSION, FOIL_GATE_DELIVERY_ALGORITHM,
             kp->key_id, kp->public_key_b64);
    *out = json;
    return FOIL_OK;
}

void foil_delivery_key_pair_free(foil_delivery_key_pair_t *kp) {
    if (!kp) return;
    foil_secret_slot_give(kp->secret_key); /* wiped */
    free(kp);
}
