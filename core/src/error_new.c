/* foil_error_new (foil/error.h): the record of a failure known only by its status, so no
 * binding builds an error by hand. */
#include "internal.h"

foil_status_t foil_error_new(foil_status_t status, const char *message, foil_error_t **out) {
    if (!out)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "out", "must not be NULL", NULL, NULL);
    *out = NULL;
    if (status == FOIL_OK || !foil_status_name(status))
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "status", "must be a failure status",
                               "a status of the table other than FOIL_OK", NULL);
    foil_fail(status, "%s", message ? message : foil_status_str(status));
    return foil_error_copy(foil_last_error(), out);
}
