/* Process-wide initialisation and version information. */
#include "internal.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static foil_status_t init_status = FOIL_OK;

static void init_once_fn(void) {
    if (sodium_init() < 0) {
        init_status = FOIL_E_CONFIGURATION;
        return;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) init_status = FOIL_E_CONFIGURATION;
}

foil_status_t foil_ensure_init(void) {
    pthread_once(&init_once, init_once_fn);
    if (init_status != FOIL_OK)
        return foil_fail(init_status, "libfoil could not initialise libsodium or libcurl");
    return FOIL_OK;
}

foil_status_t foil_global_init(void) {
    return foil_ensure_init();
}

const char *foil_version_string(void) {
    return FOIL_VERSION;
}

int foil_version_number(void) {
    return FOIL_VERSION_NUMBER;
}
