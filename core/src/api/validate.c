/* Client-side validation helpers. */
#include "validate.h"

#include "json/json_tree.h"

#include <stdio.h>
#include <string.h>

foil_status_t foil_check_out(const void *out) {
    return out ? FOIL_OK
               : foil_fail_field(FOIL_E_INVALID_ARGUMENT, "out", "must not be NULL", NULL, NULL);
}

foil_status_t foil_check_client(const void *client) {
    return client
               ? FOIL_OK
               : foil_fail_field(FOIL_E_INVALID_ARGUMENT, "client", "must not be NULL", NULL, NULL);
}

foil_status_t foil_check_required(const char *value, const char *field) {
    if (value == NULL)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, field, "is required", "a non-empty string",
                               NULL);
    if (*value == '\0')
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, field, "must not be empty",
                               "a non-empty string", "");
    return FOIL_OK;
}

foil_status_t foil_check_limit(int limit, foil_int_text_t *text, const char **query_value) {
    *query_value = NULL;
    if (limit == 0) return FOIL_OK;
    foil_status_t st = foil_limit_check(limit);
    if (st != FOIL_OK) return st;
    snprintf(text->text, sizeof text->text, "%d", limit);
    *query_value = text->text;
    return FOIL_OK;
}

foil_status_t foil_check_enum(const char *value, const char *field, const char *const *allowed) {
    if (value == NULL) return FOIL_OK;
    char expected[256] = "";
    for (size_t i = 0; allowed[i]; i++) {
        if (strcmp(value, allowed[i]) == 0) return FOIL_OK;
        size_t used = strlen(expected);
        snprintf(expected + used, sizeof expected - used, "%s%s", i ? ", " : "one of ", allowed[i]);
    }
    return foil_fail_field(FOIL_E_INVALID_ARGUMENT, field, "is not an allowed value", expected,
                           value);
}

foil_status_t foil_check_max_len(const char *value, const char *field, size_t max) {
    if (value && strlen(value) > max) {
        char expected[48];
        snprintf(expected, sizeof expected, "at most %zu characters", max);
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, field, "is too long", expected, NULL);
    }
    return FOIL_OK;
}

static bool id_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

foil_status_t foil_check_service_id(const char *value, const char *field) {
    foil_status_t st = foil_check_required(value, field);
    if (st != FOIL_OK) return st;
    size_t n = strlen(value);
    bool ok = n >= 3 && n <= 32 && id_char(value[0]) && id_char(value[n - 1]);
    for (size_t i = 1; ok && i + 1 < n; i++)
        ok = id_char(value[i]) || value[i] == '_' || value[i] == '-';
    if (!ok)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, field,
                               "must be 3-32 lowercase letters, digits, '_' or '-', starting and "
                               "ending with a letter or digit",
                               "^[a-z0-9](?:[a-z0-9_-]{1,30}[a-z0-9])$", value);
    return FOIL_OK;
}

foil_status_t foil_parse_object_arg(const char *json, const char *field, cJSON **out) {
    *out = NULL;
    foil_status_t st = foil_check_required(json, field);
    if (st != FOIL_OK) return st;
    /* Exact (big integers keep their digits); text that parser refuses (a name given twice)
     * is read as cJSON reads it, as before. */
    cJSON *obj = NULL;
    st = foil_json_tree_parse(json, strlen(json), &obj);
    if (st == FOIL_E_NOMEM) return st;
    if (st != FOIL_OK) obj = cJSON_Parse(json);
    if (!cJSON_IsObject(obj)) {
        cJSON_Delete(obj);
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, field, "must be a JSON object",
                               "a JSON object", NULL);
    }
    *out = obj;
    return FOIL_OK;
}
