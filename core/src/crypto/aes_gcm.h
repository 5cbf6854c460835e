/* AES-256-GCM availability: libsodium implements it only with AES-NI + PCLMUL. */
#ifndef FOIL_AES_GCM_H
#define FOIL_AES_GCM_H

#include "internal.h"

/* Initialise libsodium and check AES-256-GCM can run on this CPU; otherwise
 * records FOIL_E_CRYPTO_UNAVAILABLE (or the init failure) and returns it. */
foil_status_t foil_require_aes256gcm(void);

#endif
