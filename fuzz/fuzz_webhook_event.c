/* Fuzz webhook event parsing and signature verification on arbitrary bodies. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "foil/foil.h"

#define SECRET "whsec_test"
#define TIMESTAMP "1735776000"
#define NOW 1735776000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *body = (const char *)data;
    foil_document_t *doc = NULL;
    foil_status_t st = foil_webhook_event_parse(body, size, &doc);
    if ((st == FOIL_OK) != (doc != NULL)) abort();
    foil_document_free(doc);

    /* A correctly signed body must get past the signature check. */
    char *sig = NULL;
    if (foil_webhook_signature_compute(SECRET, TIMESTAMP, body, size, &sig) != FOIL_OK) return 0;
    doc = NULL;
    st = foil_webhook_event_verify_and_parse(SECRET, TIMESTAMP, body, size, sig, 0, NOW, &doc);
    if (st == FOIL_E_SIGNATURE) abort();
    foil_document_free(doc);

    /* The input as a signature header: only an exact match may pass. */
    char *header = malloc(size + 1);
    if (header) {
        memcpy(header, data, size);
        header[size] = '\0';
        if (foil_webhook_signature_verify(SECRET, TIMESTAMP, "", 0, header, 0, NOW) == FOIL_OK) {
            char *expected = NULL;
            if (foil_webhook_signature_compute(SECRET, TIMESTAMP, "", 0, &expected) == FOIL_OK &&
                strlen(header) != strlen(expected))
                abort();
            foil_string_free(expected);
        }
        free(header);
    }
    foil_string_free(sig);
    return 0;
}
