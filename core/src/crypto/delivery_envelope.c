/* Gate delivery envelopes (FOIL-API.md §3.2):
 * X25519(ephemeral, recipient) -> HKDF-SHA256(salt 32, info "foil-gate-delivery:v1", 32)
 * -> AES-256-GCM(iv 12, no AAD, detached 16-byte tag), every binary field base64url. */
#include "aes_gcm.h"
#include "base64url.h"
#include "delivery_internal.h"
#include "json/json_arena.h"
#include "hkdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SALT_BYTES 32
#define IV_BYTES crypto_aead_aes256gcm_NPUBBYTES
#define TAG_BYTES crypto_aead_aes256gcm_ABYTES
#define KEY_BYTES crypto_aead_aes256gcm_KEYBYTES
/* Envelope text beyond this cannot carry an acceptable payload (base64 is 4/3). */
#define MAX_ENVELOPE_CHARS (FOIL_DELIVERY_MAX_PAYLOAD_BYTES / 3 * 4 + 4096)

static const char *const envelope_string_fields[] = {"key_id", "ephemeral_public_key", "salt",
                                                     "iv",     "ciphertext",           "tag"};

static void derive_aead_key(unsigned char key[KEY_BYTES], const unsigned char shared[32],
                            const unsigned char salt[SALT_BYTES]) {
    static const char info[] = FOIL_GATE_DELIVERY_HKDF_INFO;
    foil_hkdf_sha256(key, KEY_BYTES, salt, SALT_BYTES, shared, 32, (const unsigned char *)info,
                     sizeof info - 1);
}

/* Upper bound of cJSON's compact rendering of a tree (strings may grow 6x when
 * escaped; numbers take at most 26 characters), so it can print into one buffer
 * without reallocations that would leave copies of the secrets behind. */
static size_t print_bound(const cJSON *node) {
    size_t n = 0;
    for (; node; node = node->next) {
        n += 32;
        if (node->string) n += strlen(node->string) * 6;
        if (node->valuestring) n += strlen(node->valuestring) * 6;
        n += print_bound(node->child);
    }
    return n;
}

/* Compact JSON of the payload in a malloc'd buffer the caller wipes. */
static foil_status_t render_payload(const cJSON *payload, char **out, size_t *out_len) {
    size_t cap = print_bound(payload) + 64;
    char *text = malloc(cap);
    if (!text) return foil_fail_nomem();
    if (!cJSON_PrintPreallocated((cJSON *)payload, text, (int)cap, 0)) {
        sodium_memzero(text, cap);
        free(text);
        return foil_fail_nomem();
    }
    *out = text;
    *out_len = strlen(text);
    return FOIL_OK;
}

static foil_status_t add_b64_field(cJSON *obj, const char *name, const unsigned char *bin,
                                   size_t len) {
    char *text = foil_b64url_encode(bin, len);
    if (!text) return foil_fail_nomem();
    cJSON *item = cJSON_AddStringToObject(obj, name, text);
    free(text);
    return item ? FOIL_OK : foil_fail_nomem();
}

static foil_status_t build_envelope(const char *key_id, const unsigned char eph_pk[32],
                                    const unsigned char salt[SALT_BYTES],
                                    const unsigned char iv[IV_BYTES], const unsigned char *ct,
                                    size_t ct_len, const unsigned char tag[TAG_BYTES],
                                    cJSON **out) {
    cJSON *env = cJSON_CreateObject();
    if (!env || !cJSON_AddNumberToObject(env, "version", FOIL_GATE_DELIVERY_VERSION) ||
        !cJSON_AddStringToObject(env, "algorithm", FOIL_GATE_DELIVERY_ALGORITHM) ||
        !cJSON_AddStringToObject(env, "key_id", key_id)) {
        cJSON_Delete(env);
        return foil_fail_nomem();
    }
    foil_status_t st = add_b64_field(env, "ephemeral_public_key", eph_pk, 32);
    if (st == FOIL_OK) st = add_b64_field(env, "salt", salt, SALT_BYTES);
    if (st == FOIL_OK) st = add_b64_field(env, "iv", iv, IV_BYTES);
    if (st == FOIL_OK) st = add_b64_field(env, "ciphertext", ct, ct_len);
    if (st == FOIL_OK) st = add_b64_field(env, "tag", tag, TAG_BYTES);
    if (st != FOIL_OK) {
        cJSON_Delete(env);
        return st;
    }
    *out = env;
    return FOIL_OK;
}

foil_status_t foil_delivery_encrypt_object(const cJSON *delivery, const cJSON *payload,
                                           cJSON **out) {
    *out = NULL;
    foil_status_t st = foil_require_aes256gcm();
    if (st != FOIL_OK) return st;
    unsigned char recipient_pk[FOIL_X25519_KEY_BYTES];
    if ((st = foil_delivery_request_check(delivery, "delivery", recipient_pk)) != FOIL_OK ||
        (st = foil_delivery_payload_check(payload)) != FOIL_OK)
        return st;

    char *plain = NULL;
    size_t plain_len = 0;
    if ((st = render_payload(payload, &plain, &plain_len)) != FOIL_OK) return st;
    unsigned char *ct = NULL;
    unsigned char eph_pk[32], eph_sk[32], shared[32], key[KEY_BYTES];
    unsigned char salt[SALT_BYTES], iv[IV_BYTES], tag[TAG_BYTES];
    if (plain_len > FOIL_DELIVERY_MAX_PAYLOAD_BYTES) {
        st = foil_fail_field(FOIL_E_VALIDATION, "payload", "is too large", "at most 1 MiB", NULL);
        goto done;
    }
    crypto_box_keypair(eph_pk, eph_sk);
    if (crypto_scalarmult(shared, eph_sk, recipient_pk) != 0) {
        st = foil_fail_field(FOIL_E_VALIDATION, "delivery.public_key",
                             "is a low-order X25519 point", "a valid X25519 public key", NULL);
        goto done;
    }
    randombytes_buf(salt, sizeof salt);
    randombytes_buf(iv, sizeof iv);
    derive_aead_key(key, shared, salt);
    ct = malloc(plain_len ? plain_len : 1);
    if (!ct) {
        st = foil_fail_nomem();
        goto done;
    }
    crypto_aead_aes256gcm_encrypt_detached(ct, tag, NULL, (const unsigned char *)plain, plain_len,
                                           NULL, 0, NULL, iv, key);
    st = build_envelope(cJSON_GetObjectItemCaseSensitive(delivery, "key_id")->valuestring, eph_pk,
                        salt, iv, ct, plain_len, tag, out);
done:
    sodium_memzero(eph_sk, sizeof eph_sk);
    sodium_memzero(shared, sizeof shared);
    sodium_memzero(key, sizeof key);
    sodium_memzero(plain, plain_len);
    free(plain);
    free(ct);
    return st;
}

foil_status_t foil_gate_delivery_encrypt(const char *delivery_json, const char *payload_json,
                                         char **out) {
    if (!out)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "out", "must not be NULL", NULL, NULL);
    *out = NULL;
    if (!delivery_json)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "delivery_json", "must not be NULL", NULL,
                               NULL);
    if (!payload_json)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "payload_json", "must not be NULL", NULL,
                               NULL);
    if (strlen(payload_json) > FOIL_DELIVERY_MAX_PAYLOAD_BYTES)
        return foil_fail_field(FOIL_E_VALIDATION, "payload", "is too large", "at most 1 MiB", NULL);
    /* cJSON alone would cut a value at \u0000, ignore text after the object and let one of
     * two duplicate members win: what is encrypted must be what every reader sees. */
    foil_status_t st = foil_json_text_check_field(delivery_json, "delivery");
    if (st == FOIL_OK) st = foil_json_text_check_field(payload_json, "payload");
    if (st != FOIL_OK) return st;
    cJSON *delivery = cJSON_Parse(delivery_json);
    if (!delivery)
        return foil_fail_field(FOIL_E_VALIDATION, "delivery", "is not valid JSON", "object", NULL);
    cJSON *payload = cJSON_Parse(payload_json);
    if (!payload) {
        cJSON_Delete(delivery);
        return foil_fail_field(FOIL_E_VALIDATION, "payload", "is not valid JSON", "object", NULL);
    }
    cJSON *envelope = NULL;
    st = foil_delivery_encrypt_object(delivery, payload, &envelope);
    foil_json_wipe_delete(payload);
    cJSON_Delete(delivery);
    if (st != FOIL_OK) return st;
    *out = cJSON_PrintUnformatted(envelope);
    cJSON_Delete(envelope);
    return *out ? FOIL_OK : foil_fail_nomem();
}

typedef struct envelope_parts {
    unsigned char ephemeral_public_key[32];
    unsigned char salt[SALT_BYTES];
    unsigned char iv[IV_BYTES];
    unsigned char tag[TAG_BYTES];
    unsigned char *ciphertext;
    size_t ciphertext_len;
} envelope_parts;

static foil_status_t fail_envelope(const char *name, const char *issue, const char *expected) {
    char field[64];
    return foil_fail_field(FOIL_E_VALIDATION,
                           foil_field_path(field, sizeof field, "encrypted_delivery", name), issue,
                           expected, NULL);
}

/* Structure checks, in the official validator's order, then decoding. expected_key_id NULL:
 * any key id (the shape check alone). */
static foil_status_t parse_envelope(const cJSON *env, const char *expected_key_id,
                                    envelope_parts *parts) {
    if (!cJSON_IsObject(env))
        return foil_fail_field(FOIL_E_VALIDATION, "encrypted_delivery", "must be a JSON object",
                               "object", NULL);
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(env, "version");
    if (!cJSON_IsNumber(version) || version->valuedouble != FOIL_GATE_DELIVERY_VERSION)
        return fail_envelope("version", "must be 1", "1");
    const cJSON *algorithm = cJSON_GetObjectItemCaseSensitive(env, "algorithm");
    if (!cJSON_IsString(algorithm) ||
        strcmp(algorithm->valuestring, FOIL_GATE_DELIVERY_ALGORITHM) != 0)
        return fail_envelope("algorithm", "unsupported algorithm", FOIL_GATE_DELIVERY_ALGORITHM);
    const char *values[6];
    for (size_t i = 0; i < 6; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(env, envelope_string_fields[i]);
        if (!cJSON_IsString(v) || v->valuestring[0] == '\0')
            return fail_envelope(envelope_string_fields[i], "is required", "non-empty string");
        values[i] = v->valuestring;
    }
    if (expected_key_id && strcmp(values[0], expected_key_id) != 0)
        return fail_envelope("key_id", "was encrypted to another key", expected_key_id);
    if (foil_b64url_decode_exact(values[1], parts->ephemeral_public_key, 32) != 0)
        return fail_envelope("ephemeral_public_key", "must be 32 bytes", "32 bytes, base64url");
    if (foil_b64url_decode_exact(values[2], parts->salt, SALT_BYTES) != 0)
        return fail_envelope("salt", "must be 32 bytes", "32 bytes, base64url");
    if (foil_b64url_decode_exact(values[3], parts->iv, IV_BYTES) != 0)
        return fail_envelope("iv", "must be 12 bytes", "12 bytes, base64url");
    if (foil_b64url_decode_exact(values[5], parts->tag, TAG_BYTES) != 0)
        return fail_envelope("tag", "must be 16 bytes", "16 bytes, base64url");
    int rc = foil_b64url_decode(values[4], &parts->ciphertext, &parts->ciphertext_len);
    if (rc == -2) return foil_fail_nomem();
    if (rc != 0) return fail_envelope("ciphertext", "is not valid base64url", "base64url");
    if (parts->ciphertext_len > FOIL_DELIVERY_MAX_PAYLOAD_BYTES)
        return fail_envelope("ciphertext", "is too large", "at most 1 MiB");
    return FOIL_OK;
}

/* Parse envelope text and check it (see parse_envelope). */
static foil_status_t read_envelope(const char *envelope_json, const char *expected_key_id,
                                   envelope_parts *parts) {
    size_t text_len = strlen(envelope_json);
    if (text_len > MAX_ENVELOPE_CHARS)
        return foil_fail_field(FOIL_E_VALIDATION, "encrypted_delivery", "is too large",
                               "at most 1 MiB of ciphertext", NULL);
    cJSON *env = cJSON_ParseWithLength(envelope_json, text_len);
    if (!env)
        return foil_fail_field(FOIL_E_VALIDATION, "encrypted_delivery", "is not valid JSON",
                               "object", NULL);
    foil_status_t st = foil_json_text_check_field(envelope_json, "encrypted_delivery");
    if (st == FOIL_OK) st = parse_envelope(env, expected_key_id, parts);
    cJSON_Delete(env);
    return st;
}

foil_status_t foil_gate_delivery_envelope_validate(const char *envelope_json) {
    if (!envelope_json)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "envelope_json", "must not be NULL", NULL,
                               NULL);
    envelope_parts parts = {0};
    foil_status_t st = read_envelope(envelope_json, NULL, &parts);
    free(parts.ciphertext);
    return st;
}

/* The one encoding of an X25519 point that an encoder produces: below 2^255 - 19, top bit
 * clear. X25519 ignores the top bit and reduces modulo p, so without this check an
 * envelope whose ephemeral key was altered that way (the key is not in the HKDF input)
 * still decrypts: the same plaintext under an envelope nobody sent. */
static bool is_canonical_point(const unsigned char u[32]) {
    if (u[31] & 0x80) return false;
    if (u[31] != 0x7f) return true;
    for (size_t i = 30; i > 0; i--)
        if (u[i] != 0xff) return true;
    return u[0] < 0xed;
}

/* Authenticate and decrypt; *plain is malloc'd and wiped by the caller. */
static foil_status_t open_envelope(const foil_delivery_key_pair_t *kp, const envelope_parts *parts,
                                   unsigned char **plain) {
    unsigned char shared[32], key[KEY_BYTES];
    foil_status_t st = FOIL_OK;
    *plain = NULL;
    if (!is_canonical_point(parts->ephemeral_public_key) ||
        crypto_scalarmult(shared, kp->secret_key, parts->ephemeral_public_key) != 0) {
        st = foil_fail(FOIL_E_CRYPTO, "encrypted_delivery.ephemeral_public_key is not a usable "
                                      "X25519 public key");
        goto done;
    }
    derive_aead_key(key, shared, parts->salt);
    *plain = malloc(parts->ciphertext_len + 1);
    if (!*plain) {
        st = foil_fail_nomem();
        goto done;
    }
    if (crypto_aead_aes256gcm_decrypt_detached(*plain, NULL, parts->ciphertext,
                                               parts->ciphertext_len, parts->tag, NULL, 0,
                                               parts->iv, key) != 0) {
        free(*plain);
        *plain = NULL;
        st = foil_fail(FOIL_E_CRYPTO, "the encrypted delivery failed authentication (wrong key "
                                      "or tampered envelope)");
    }
done:
    sodium_memzero(shared, sizeof shared);
    sodium_memzero(key, sizeof key);
    return st;
}

foil_status_t foil_gate_delivery_decrypt(const foil_delivery_key_pair_t *kp,
                                         const char *envelope_json, foil_delivery_payload_t **out) {
    if (!out)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "out", "must not be NULL", NULL, NULL);
    *out = NULL;
    if (!kp) return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "kp", "must not be NULL", NULL, NULL);
    if (!envelope_json)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "envelope_json", "must not be NULL", NULL,
                               NULL);
    foil_status_t st = foil_require_aes256gcm();
    if (st != FOIL_OK) return st;
    envelope_parts parts = {0};
    unsigned char *plain = NULL;
    st = read_envelope(envelope_json, kp->key_id, &parts);
    if (st == FOIL_OK) st = open_envelope(kp, &parts, &plain);
    free(parts.ciphertext);
    if (st != FOIL_OK) return st;

    size_t plain_len = parts.ciphertext_len;
    /* The strict parser first: cJSON would keep text that is not UTF-8 and cut a value at
     * \u0000, so a delivered secret could be written short or as bytes no reader decodes. */
    foil_status_t strict_st = foil_json_text_check((const char *)plain, plain_len);
    cJSON *payload = cJSON_ParseWithLength((const char *)plain, plain_len);
    sodium_memzero(plain, plain_len);
    free(plain);
    if (strict_st == FOIL_E_NOMEM) {
        foil_json_wipe_delete(payload);
        return foil_fail_nomem();
    }
    if (!payload)
        return foil_fail_field(FOIL_E_VALIDATION, "payload", "is not valid JSON", "object", NULL);
    if (strict_st != FOIL_OK) {
        /* The arena's message names the defect (NUL, UTF-8) and never quotes the text. */
        char why[160];
        snprintf(why, sizeof why, "%s", foil_error_message(foil_last_error()));
        foil_json_wipe_delete(payload);
        return foil_fail(FOIL_E_CRYPTO, "the decrypted delivery payload is not valid text: %s",
                         why);
    }
    if ((st = foil_delivery_payload_check(payload)) != FOIL_OK) {
        foil_json_wipe_delete(payload);
        return st;
    }
    foil_delivery_payload_t *p = malloc(sizeof *p);
    if (!p) {
        foil_json_wipe_delete(payload);
        return foil_fail_nomem();
    }
    p->root = payload;
    *out = p;
    return FOIL_OK;
}
