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

/* --- Documented string formats (validate_body.c) ---------------------------- */
/* Organization slug: ^[a-z0-9]+(?:-[a-z0-9]+)*$ */
foil_status_t foil_check_slug(const char *value, const char *field);
/* #RGB, #RGBA, #RRGGBB or #RRGGBBAA. */
foil_status_t foil_check_hex_color(const char *value, const char *field);
/* An absolute URI: a scheme, ':', then at least one character, no whitespace. */
foil_status_t foil_check_uri(const char *value, const char *field);
/* A service id for a new service: the pattern, and not one of the reserved ids. */
foil_status_t foil_check_new_service_id(const char *value, const char *field);
/* NULL passes (the filter is omitted); otherwise non-empty. */
foil_status_t foil_check_optional(const char *value, const char *field);

/* --- JSON request bodies (validate_body.c) ----------------------------------
 * A caller-supplied body is checked against a table that mirrors its OpenAPI
 * schema; errors name the member ("scopes[1]", "branding.primary_color"). */
typedef foil_status_t (*foil_string_check_fn)(const char *value, const char *field);
typedef struct foil_body_schema foil_body_schema_t;

typedef enum foil_body_kind {
    FOIL_BODY_STRING,
    FOIL_BODY_BOOL,
    FOIL_BODY_OBJECT,       /* checked against `object` */
    FOIL_BODY_STRING_ARRAY, /* items checked like a STRING member */
    FOIL_BODY_OBJECT_ARRAY, /* items checked against `object` */
} foil_body_kind_t;

enum {
    FOIL_BODY_REQUIRED = 1,  /* must be present */
    FOIL_BODY_NULLABLE = 2,  /* JSON null accepted */
    FOIL_BODY_NON_EMPTY = 4, /* strings: minLength 1; arrays: minItems 1 */
};

typedef struct foil_body_field {
    const char *name; /* NULL ends a table */
    foil_body_kind_t kind;
    unsigned flags;
    const char *const *allowed;       /* strings / items: enum (NULL-terminated) */
    foil_string_check_fn check;       /* strings / items: pattern or format */
    const foil_body_schema_t *object; /* OBJECT / OBJECT_ARRAY members */
} foil_body_field_t;

struct foil_body_schema {
    const foil_body_field_t *fields;
    bool closed;    /* additionalProperties: false: unknown members are refused */
    bool non_empty; /* at least one member */
};

/* Check `body` (an object) against `schema`; `prefix` names where it sits (NULL: top). */
foil_status_t foil_check_body(const cJSON *body, const char *prefix,
                              const foil_body_schema_t *schema);
/* foil_parse_object_arg, then foil_check_body; *out is NULL on failure. */
foil_status_t foil_parse_body_arg(const char *json, const char *field,
                                  const foil_body_schema_t *schema, cJSON **out);

#endif
