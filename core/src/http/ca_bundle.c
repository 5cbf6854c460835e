/* Run-time discovery of the system CA bundle. A libcurl built elsewhere (e.g. one
 * bundled in a wheel) carries a compiled-in path that may not exist here. */
#include "client_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static const char *found;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void discover(void) {
    const char *env = getenv("SSL_CERT_FILE");
    if (env && access(env, R_OK) == 0) {
        found = env;
        return;
    }
    static const char *const candidates[] = {
        "/etc/ssl/certs/ca-certificates.crt",                /* Debian, Ubuntu, Alpine */
        "/etc/pki/tls/certs/ca-bundle.crt",                  /* Fedora, RHEL */
        "/etc/ssl/ca-bundle.pem",                            /* openSUSE */
        "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", /* RHEL 8+ */
        "/etc/ssl/cert.pem",                                 /* macOS, BSDs */
        "/usr/local/etc/openssl/cert.pem",
    };
    for (size_t i = 0; i < sizeof candidates / sizeof *candidates; i++) {
        if (access(candidates[i], R_OK) == 0) {
            found = candidates[i];
            return;
        }
    }
}

const char *foil_system_ca_bundle(void) {
    pthread_once(&once, discover);
    return found;
}
