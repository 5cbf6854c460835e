/* Fuzz foil_gate_delivery_decrypt with arbitrary envelope text (a fixed key pair),
 * and the approved-webhook payload validator with the same bytes. An input that starts
 * with a NUL byte is instead sealed into a real envelope for the key pair, so the fuzzer
 * reaches the decrypted payload's parser, its checks and the env-var policy. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "foil/foil.h"
#include "seal.h"

#include <sodium.h>

/* The public golden-vector key (fixtures/gate-delivery/vector.v1.json): not a secret. */
#define VECTOR_PKCS8 "MC4CAQAwBQYDK2VuBCIEIL8KtbBiPaNXyTYwgHfrxlH5RQkpHQ41rwkX77or4_eV"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static foil_delivery_key_pair_t *kp;
    if (!kp && foil_delivery_key_pair_import_pkcs8(VECTOR_PKCS8, &kp) != FOIL_OK) abort();
    char *text = NULL;
    if (size >= 1 && data[0] == 0) {
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
    free(text);
    return 0;
}
