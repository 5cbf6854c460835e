/* Fuzz foil_gate_delivery_decrypt with arbitrary envelope text (a fixed key pair),
 * and the approved-webhook payload validator with the same bytes. An input that starts
 * with a NUL byte is instead sealed into a real envelope for the key pair, so the fuzzer
 * reaches the decrypted payload's parser, its checks and the env-var policy.
 *
 * Invariants:
 *  - decrypt succeeds only on an envelope whose binary fields are spelled canonically
 *    (unpadded or padded base64url of the bytes, an ephemeral key below 2^255 - 19 with
 *    its top bit clear): any other spelling that decrypts is a forgery of a sent one;
 *  - the same bytes as a payload (and as webhook outputs): when the encryptor accepts
 *    them, the envelope it makes decrypts for the recipient. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/base64url.h"
#include "foil/foil.h"
#include "internal.h"
#include "seal.h"

#include <sodium.h>

/* The public golden-vector key (fixtures/gate-delivery/vector.v1.json): not a secret. */
#define VECTOR_PKCS8 "MC4CAQAwBQYDK2VuBCIEIL8KtbBiPaNXyTYwgHfrxlH5RQkpHQ41rwkX77or4_eV"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A field's text is the encoder's spelling of its bytes, with '=' padding or without. */
static int canonical_field(const cJSON *env, const char *name, unsigned char *bin,
                           size_t *bin_len) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(env, name);
    unsigned char *decoded = NULL;
    if (!cJSON_IsString(v) || foil_b64url_decode(v->valuestring, &decoded, bin_len) != 0) return 0;
    char *again = foil_b64url_encode(decoded, *bin_len);
    size_t n = again ? strlen(again) : 0;
    int same = again && strncmp(again, v->valuestring, n) == 0 &&
               strspn(v->valuestring + n, "=") == strlen(v->valuestring + n);
    if (bin && *bin_len <= 32) memcpy(bin, decoded, *bin_len);
    free(again);
    free(decoded);
    return same;
}

static void check_decrypted_envelope(const char *text) {
    cJSON *env = cJSON_Parse(text);
    if (!env) abort();
    static const char *const fields[] = {"salt", "iv", "ciphertext", "tag"};
    size_t len = 0;
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        if (!canonical_field(env, fields[i], NULL, &len)) abort();
    unsigned char u[32];
    if (!canonical_field(env, "ephemeral_public_key", u, &len) || len != 32 || (u[31] & 0x80))
        abort();
    int below_p = u[31] != 0x7f || u[0] < 0xed;
    for (size_t i = 1; i < 31 && !below_p; i++)
        below_p = u[i] != 0xff;
    if (!below_p) abort();
    cJSON_Delete(env);
}

/* Whatever the encryptors accept must decrypt for the recipient. */
static void check_encryptors(const foil_delivery_key_pair_t *kp, const char *text) {
    static char *delivery;
    if (!delivery && foil_delivery_key_pair_request_json(kp, &delivery) != FOIL_OK) abort();
    char *out = NULL;
    foil_delivery_payload_t *p = NULL;
    if (foil_gate_delivery_encrypt(delivery, text, &out) == FOIL_OK) {
        if (foil_gate_delivery_decrypt(kp, out, &p) != FOIL_OK) abort();
        foil_delivery_payload_free(p);
        p = NULL;
    }
    foil_string_free(out);
    out = NULL;
    if (foil_gate_approved_webhook_response(delivery, text, &out) == FOIL_OK) {
        cJSON *reply = cJSON_Parse(out);
        char *env = reply ? cJSON_PrintUnformatted(
                                cJSON_GetObjectItemCaseSensitive(reply, "encrypted_delivery"))
                          : NULL;
        if (!env || foil_gate_delivery_decrypt(kp, env, &p) != FOIL_OK) abort();
        foil_delivery_payload_free(p);
        free(env);
        cJSON_Delete(reply);
    }
    foil_string_free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static foil_delivery_key_pair_t *kp;
    if (!kp && foil_delivery_key_pair_import_pkcs8(VECTOR_PKCS8, &kp) != FOIL_OK) abort();
    int sealed = size >= 1 && data[0] == 0;
    char *text = NULL;
    if (sealed) {
        static unsigned char pk[32];
        static int have_pk;
        size_t pk_len = 0;
        if (!have_pk &&
            sodium_base642bin(pk, sizeof pk, foil_delivery_key_pair_public_key(kp),
                              strlen(foil_delivery_key_pair_public_key(kp)), NULL, &pk_len, NULL,
                              sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
            abort();
        have_pk = 1;
        text = fuzz_seal_envelope(pk, data + 1, size - 1);
    } else {
        text = malloc(size + 1);
        if (text) {
            memcpy(text, data, size);
            text[size] = '\0';
        }
    }
    if (!text) return 0;
    foil_delivery_payload_t *p = NULL;
    if (foil_gate_delivery_decrypt(kp, text, &p) == FOIL_OK) {
        if (!sealed) check_decrypted_envelope(text);
        /* Walk what came out: every output must be a string. */
        for (size_t i = 0; i < foil_delivery_payload_output_count(p); i++)
            if (!foil_delivery_payload_output_key(p, i) ||
                !foil_delivery_payload_output_value(p, i))
                abort();
    } else if (p) {
        abort();
    }
    foil_delivery_payload_free(p);
    foil_gate_approved_webhook_payload_validate(text);
    foil_gate_delivery_request_validate(text);
    if (!sealed) check_encryptors(kp, text);
    free(text);
    return 0;
}
