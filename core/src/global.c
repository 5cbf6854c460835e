/* Process-wide initialisation and version information. */
#include "internal.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>

/* Initialisation runs under a lock the fork handlers take, so no child is made while
 * libsodium or libcurl is half-initialised (their own locks held by a thread the child
 * does not have). 0: not yet; then the status it ended with, plus one. */
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int init_result;

static void init_lock_take(void) {
    pthread_mutex_lock(&init_lock);
}

static void init_lock_give(void) {
    pthread_mutex_unlock(&init_lock);
}

__attribute__((constructor)) static void watch_forks(void) {
    pthread_atfork(init_lock_take, init_lock_give, init_lock_give);
}

static foil_status_t init_libraries(void) {
    if (sodium_init() < 0) return FOIL_E_CONFIGURATION;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return FOIL_E_CONFIGURATION;
    return FOIL_OK;
}

foil_status_t foil_ensure_init(void) {
    int result = atomic_load_explicit(&init_result, memory_order_acquire);
    if (!result) {
        pthread_mutex_lock(&init_lock);
        if (!(result = atomic_load(&init_result))) {
            result = (int)init_libraries() + 1;
            atomic_store_explicit(&init_result, result, memory_order_release);
        }
        pthread_mutex_unlock(&init_lock);
    }
    if (result - 1 != FOIL_OK)
        return foil_fail((foil_status_t)(result - 1),
                         "libfoil could not initialise libsodium or libcurl");
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
