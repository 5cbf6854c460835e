/* The argument rules every binding shares (foil/arguments.h): one range, one error each. */
#include "internal.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#define TEXT_OF(x) #x
#define TEXT(x) TEXT_OF(x)
#define SECONDS_RANGE "(0, " TEXT(FOIL_SECONDS_MAX) "]"
#define LIMIT_RANGE TEXT(FOIL_LIMIT_MIN) ".." TEXT(FOIL_LIMIT_MAX)

foil_status_t foil_seconds_to_ms(const char *name, double seconds, long *ms_out) {
    if (!ms_out)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "ms_out", "must not be NULL", NULL, NULL);
    *ms_out = 0;
    if (!(isfinite(seconds) && seconds > 0 && seconds <= FOIL_SECONDS_MAX)) {
        char received[32];
        snprintf(received, sizeof received, "%.17g", seconds);
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, name ? name : "seconds",
                               "must be a number of seconds in " SECONDS_RANGE, SECONDS_RANGE,
                               received);
    }
    long ms = (long)(seconds * 1000.0);
    *ms_out = ms > 0 ? ms : 1;
    return FOIL_OK;
}

foil_status_t foil_limit_check(int64_t limit) {
    if (limit >= FOIL_LIMIT_MIN && limit <= FOIL_LIMIT_MAX) return FOIL_OK;
    char received[24];
    snprintf(received, sizeof received, "%" PRId64, limit);
    return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "limit",
                           "must be between " TEXT(FOIL_LIMIT_MIN) " and " TEXT(FOIL_LIMIT_MAX),
                           LIMIT_RANGE, received);
}
