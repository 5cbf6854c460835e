/* Fuzz foil_gate_delivery_decrypt with arbitrary envelope text (a fixed key pair),
 * and the approved-webhook payload validator with the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "foil/foil.h"

/* The public golden-vector key (fixtures/gate-delivery/vector.v1.json): not a secret. */
#define VECTOR_PKCS8 "MC4CAQAwBQYDK2VuBCIEIL8KtbBiPaNXyTYwgHfrxlH5RQkpHQ41rwkX77or4_eV"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static foil_delivery_key_pair_t *kp;
    if (!kp && foil_delivery_key_pair_import_pkcs8(VECTOR_PKCS8, &kp) != FOIL_OK) abort();
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
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
