/* Client-side validation of documented constraints, before anything is sent.
 * Each check returns FOIL_OK or a typed error naming the field. */
#ifndef FOIL_VALIDATE_H
#define FOIL_VALIDATE_H

#include "internal.h"

/* Buffer for a formatted integer query value. */
typedef struct foil_int_text {
    char text[24];
} foil_int_text_t;

foil_status_t foil_check_out(const void *out);
foil_status_t foil_check_client(const void *client);
/* Non-NULL, non-empty. */
foil_status_t foil_check_required(const char *value, const char *field);
/* limit: 0 means "API default"; else 1..200. Writes the query text (or NULL). */
foil_status_t foil_check_limit(int limit, foil_int_text_t *text, const char **query_value);
/* NULL passes; otherwise one of `allowed` (NULL-terminated). */
foil_status_t foil_check_enum(const char *value, const char *field, const char *const *allowed);
foil_status_t foil_check_max_len(const char *value, const char *field, size_t max);
/* Gate service id: ^[a-z0-9](?:[a-z0-9_-]{1,30}[a-z0-9])$ */
foil_status_t foil_check_service_id(const char *value, const char *field);
/* Parse a caller-supplied JSON object argument. */
foil_status_t foil_parse_object_arg(const char *json, const char *field, cJSON **out);

#endif
