/* Client-side checks of documented string formats and of JSON request bodies. */
#include "contract/values.h"
#include "validate.h"

#include <stdio.h>
#include <string.h>

static bool lower_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool hex_digit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

foil_status_t foil_check_slug(const char *value, const char *field) {
    foil_status_t st = foil_check_required(value, field);
    if (st != FOIL_OK) return st;
    /* Runs of [a-z0-9] joined by single dashes, no dash at either end. */
    bool ok = lower_alnum(value[0]);
    for (size_t i = 1; ok && value[i]; i++)
        ok = lower_alnum(value[i]) || (value[i] == '-' && lower_alnum(value[i + 1]));
    if (!ok)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, field,
                               "must be lowercase letters and digits in groups joined by single "
                               "dashes",
                               "^[a-z0-9]+(?:-[a-z0-9]+)*$", value);
    return FOIL_OK;
}

foil_status_t foil_check_hex_color(const char *value, const char *field) {
    foil_status_t st = foil_check_required(value, field);
    if (st != FOIL_OK) return st;
    size_t n = strlen(value);
    bool ok = value[0] == '#' && (n == 4 || n == 5 || n == 7 || n == 9);
    for (size_t i = 1; ok && i < n; i++)
        ok = hex_digit(value[i]);
    if (!ok)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, field, "must be a hex colour",
                               "#RGB, #RGBA, #RRGGBB or #RRGGBBAA", value);
    return FOIL_OK;
}

foil_status_t foil_check_uri(const char *value, const char *field) {
    foil_status_t st = foil_check_required(value, field);
    if (st != FOIL_OK) return st;
    /* RFC 3986 scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ':'. */
    size_t i = 0;
    bool ok = (value[0] >= 'a' && value[0] <= 'z') || (value[0] >= 'A' && value[0] <= 'Z');
    for (i = 1; ok && value[i] && value[i] != ':'; i++) {
        char c = value[i];
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '+' || c == '-' || c == '.';
    }
    ok = ok && value[i] == ':' && value[i + 1] != '\0' && !strpbrk(value, " \t\r\n");
    if (!ok)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, field, "must be an absolute URI",
                               "an absolute URI such as https://example.com/path", value);
    return FOIL_OK;
}

foil_status_t foil_check_new_service_id(const char *value, const char *field) {
    foil_status_t st = foil_check_service_id(value, field);
    if (st != FOIL_OK) return st;
    for (size_t i = 0; foil_values_gate_reserved_service_ids[i]; i++)
        if (strcmp(value, foil_values_gate_reserved_service_ids[i]) == 0)
            return foil_fail_field(FOIL_E_INVALID_ARGUMENT, field, "is a reserved service id",
                                   "not one of gate, registry, services, service, login, "
                                   "sessions, session, tokens, token, webhook, auth",
                                   value);
    return FOIL_OK;
}

foil_status_t foil_check_optional(const char *value, const char *field) {
    return value ? foil_check_required(value, field) : FOIL_OK;
}

/* "prefix.name" or "name" (prefix NULL); "prefix[i]" for array items (name NULL). */
static void member_path(char *buf, size_t cap, const char *prefix, const char *name, int index) {
    /* A name too long for the buffer is cut short; it only labels an error. */
    int n = name ? snprintf(buf, cap, "%s%s%s", prefix ? prefix : "", prefix ? "." : "", name)
                 : snprintf(buf, cap, "%s[%d]", prefix ? prefix : "", index);
    if (n < 0) buf[0] = '\0';
}

static foil_status_t type_error(const char *field, const char *expected) {
    return foil_fail_field(FOIL_E_INVALID_ARGUMENT, field, "has the wrong JSON type", expected,
                           NULL);
}

static foil_status_t check_string(const cJSON *v, const char *field, const foil_body_field_t *f) {
    if (!cJSON_IsString(v)) return type_error(field, "a string");
    if ((f->flags & FOIL_BODY_NON_EMPTY) && v->valuestring[0] == '\0')
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, field, "must not be empty",
                               "a non-empty string", "");
    foil_status_t st = f->allowed ? foil_check_enum(v->valuestring, field, f->allowed) : FOIL_OK;
    if (st == FOIL_OK && f->check) st = f->check(v->valuestring, field);
    return st;
}

static foil_status_t check_member(const cJSON *v, const char *field, const foil_body_field_t *f) {
    if (cJSON_IsNull(v)) {
        if (f->flags & FOIL_BODY_NULLABLE) return FOIL_OK;
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, field, "must not be null", NULL, "null");
    }
    switch (f->kind) {
    case FOIL_BODY_STRING:
        return check_string(v, field, f);
    case FOIL_BODY_BOOL:
        return cJSON_IsBool(v) ? FOIL_OK : type_error(field, "true or false");
    case FOIL_BODY_OBJECT:
        if (!cJSON_IsObject(v)) return type_error(field, "a JSON object");
        return foil_check_body(v, field, f->object);
    case FOIL_BODY_STRING_ARRAY:
    case FOIL_BODY_OBJECT_ARRAY:
        break;
    }
    if (!cJSON_IsArray(v)) return type_error(field, "a JSON array");
    if ((f->flags & FOIL_BODY_NON_EMPTY) && cJSON_GetArraySize(v) == 0)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, field, "must not be empty",
                               "at least one item", "[]");
    char item_field[256];
    int index = 0;
    for (const cJSON *item = v->child; item; item = item->next, index++) {
        member_path(item_field, sizeof item_field, field, NULL, index);
        foil_status_t st;
        if (f->kind == FOIL_BODY_STRING_ARRAY) {
            foil_body_field_t item_rule = *f;
            item_rule.flags &= ~(unsigned)FOIL_BODY_NON_EMPTY;
            st = check_string(item, item_field, &item_rule);
        } else {
            st = cJSON_IsObject(item) ? foil_check_body(item, item_field, f->object)
                                      : type_error(item_field, "a JSON object");
        }
        if (st != FOIL_OK) return st;
    }
    return FOIL_OK;
}

static const foil_body_field_t *find_field(const foil_body_schema_t *schema, const char *name) {
    for (const foil_body_field_t *f = schema->fields; f->name; f++)
        if (strcmp(f->name, name) == 0) return f;
    return NULL;
}

foil_status_t foil_check_body(const cJSON *body, const char *prefix,
                              const foil_body_schema_t *schema) {
    char field[256];
    if (schema->non_empty && !body->child)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, prefix ? prefix : "json_body",
                               "must set at least one property", "a non-empty JSON object", "{}");
    for (const cJSON *m = body->child; m; m = m->next) {
        const foil_body_field_t *f = find_field(schema, m->string);
        member_path(field, sizeof field, prefix, m->string, 0);
        if (!f) {
            if (schema->closed)
                return foil_fail_field(FOIL_E_INVALID_ARGUMENT, field, "is not a known property",
                                       "only the documented properties", NULL);
            continue;
        }
        foil_status_t st = check_member(m, field, f);
        if (st != FOIL_OK) return st;
    }
    for (const foil_body_field_t *f = schema->fields; f->name; f++) {
        if (!(f->flags & FOIL_BODY_REQUIRED) || cJSON_GetObjectItemCaseSensitive(body, f->name))
            continue;
        member_path(field, sizeof field, prefix, f->name, 0);
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, field, "is required", NULL, NULL);
    }
    return FOIL_OK;
}

foil_status_t foil_parse_body_arg(const char *json, const char *field,
                                  const foil_body_schema_t *schema, cJSON **out) {
    cJSON *body = NULL;
    foil_status_t st = foil_parse_object_arg(json, field, &body);
    if (st == FOIL_OK) st = foil_check_body(body, NULL, schema);
    if (st != FOIL_OK) {
        cJSON_Delete(body);
        body = NULL;
    }
    *out = body;
    return st;
}
