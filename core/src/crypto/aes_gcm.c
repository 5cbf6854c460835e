/* Run-time check for libsodium's hardware-only AES-256-GCM. */
#include "aes_gcm.h"

#include <sodium.h>

foil_status_t foil_require_aes256gcm(void) {
    foil_status_t st = foil_ensure_init();
    if (st != FOIL_OK) return st;
    if (!crypto_aead_aes256gcm_is_available())
        return foil_fail(FOIL_E_CRYPTO_UNAVAILABLE,
                         "AES-256-GCM needs a CPU with AES-NI and PCLMULQDQ; libsodium has no "
                         "software fallback, so delivery envelopes and sealed tokens cannot be "
                         "processed on this machine");
    return FOIL_OK;
}
