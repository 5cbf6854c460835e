/* Fuzz sealed token verification: the input is used both as token text and, base64
 * encoded, as raw token bytes so the fuzzer reaches the binary layout checks. An input
 * that starts with a NUL byte is instead sealed as a real version 1 token (deflated when
 * the next byte is odd), so the fuzzer also reaches inflate and the payload checks. */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "foil/foil.h"
#include "seal.h"

#define SECRET "sk_live_fixture_secret"

static void check(const char *token) {
    foil_document_t *doc = NULL;
    foil_status_t st = foil_sealed_token_verify(token, SECRET, &doc);
    if ((st == FOIL_OK) != (doc != NULL)) abort();
    if (st != FOIL_OK && st != FOIL_E_TOKEN && st != FOIL_E_NOMEM) abort();
    foil_document_free(doc);

    int ok = -1;
    const char *code = NULL;
    doc = NULL;
    st = foil_sealed_token_safe_verify(token, SECRET, &ok, &code, &doc);
    /* Safe verify never fails for a bad token and always explains a rejection. */
    if (st != FOIL_OK && st != FOIL_E_NOMEM) abort();
    if (st == FOIL_OK && (ok ? (doc == NULL || code != NULL) : (doc != NULL || code == NULL)))
        abort();
    foil_document_free(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size >= 2 && data[0] == 0) {
        char *sealed = fuzz_seal_token_v1(SECRET, data + 2, size - 2, data[1] & 1);
        if (sealed) check(sealed);
        free(sealed);
        return 0;
    }
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    check(text);
    free(text);

    size_t b64_size = sodium_base64_encoded_len(size, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(b64_size);
    if (!b64) return 0;
    sodium_bin2base64(b64, b64_size, data, size, sodium_base64_VARIANT_ORIGINAL);
    check(b64);
    free(b64);
    return 0;
}
