/* Request validation that reports every problem as details.fields (request.validation_failed). */
#include "emu.h"

#include <ctype.h>
#include <string.h>

void emu_checks_init(emu_checks_t *c) {
    c->fields = cJSON_CreateArray();
}

void emu_checks_free(emu_checks_t *c) {
    cJSON_Delete(c->fields);
    c->fields = NULL;
}

static cJSON *received_value(const cJSON *v) {
    if (!v) return NULL;
    if (cJSON_IsString(v)) return cJSON_CreateString(v->valuestring);
    if (cJSON_IsNumber(v)) return cJSON_CreateNumber(v->valuedouble);
    if (cJSON_IsBool(v)) return cJSON_CreateBool(cJSON_IsTrue(v));
    if (cJSON_IsNull(v)) return cJSON_CreateNull();
    return cJSON_CreateString(cJSON_IsArray(v) ? "array" : "object");
}

void emu_check_add(emu_checks_t *c, const char *name, const char *issue, const char *expected,
                   const cJSON *received) {
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "name", name);
    cJSON_AddStringToObject(f, "issue", issue);
    if (expected) cJSON_AddStringToObject(f, "expected", expected);
    cJSON *r = received_value(received);
    if (r) cJSON_AddItemToObject(f, "received", r);
    cJSON_AddItemToArray(c->fields, f);
}

void emu_check_only(emu_checks_t *c, const cJSON *obj, const char *const *allowed) {
    const cJSON *it;
    cJSON_ArrayForEach(it, obj) {
        int ok = 0;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(*a, it->string) == 0) ok = 1;
        if (!ok) emu_check_add(c, it->string, "unknown_field", "no such property", NULL);
    }
}

/* Characters (code points), as JSON Schema's minLength/maxLength count: the body is valid
 * UTF-8 (emu_body_object), so every byte but a continuation byte starts one. */
static size_t utf8_length(const char *s) {
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

const char *emu_check_string(emu_checks_t *c, const cJSON *obj, const char *name, int required,
                             size_t min_len, size_t max_len) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!v) {
        if (required) emu_check_add(c, name, "required", "string", NULL);
        return NULL;
    }
    if (!cJSON_IsString(v)) {
        emu_check_add(c, name, "invalid_type", "string", v);
        return NULL;
    }
    size_t n = utf8_length(v->valuestring);
    if (n < min_len) {
        emu_check_add(c, name, min_len == 1 ? "empty" : "too_short",
                      min_len == 1 ? "non-empty string" : "longer string", v);
        return NULL;
    }
    if (max_len && n > max_len) {
        emu_check_add(c, name, "too_long", "shorter string", v);
        return NULL;
    }
    return v->valuestring;
}

int emu_is_url(const char *s) {
    const char *rest = NULL;
    if (strncmp(s, "https://", 8) == 0)
        rest = s + 8;
    else if (strncmp(s, "http://", 7) == 0)
        rest = s + 7;
    if (!rest || !*rest || *rest == '/') return 0;
    for (const char *p = s; *p; p++)
        if (isspace((unsigned char)*p) || (unsigned char)*p < 0x20) return 0;
    return 1;
}

const char *emu_check_url(emu_checks_t *c, const cJSON *obj, const char *name, int required) {
    const char *s = emu_check_string(c, obj, name, required, 1, 2048);
    if (s && !emu_is_url(s)) {
        emu_check_add(c, name, "invalid_url", "absolute http(s) URL",
                      cJSON_GetObjectItemCaseSensitive(obj, name));
        return NULL;
    }
    return s;
}

int emu_is_service_id(const char *s) {
    /* ^[a-z0-9](?:[a-z0-9_-]{1,30}[a-z0-9])$ */
    size_t n = strlen(s);
    if (n < 3 || n > 32) return 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        int alnum = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
        if (i == 0 || i == n - 1) {
            if (!alnum) return 0;
        } else if (!alnum && ch != '_' && ch != '-') {
            return 0;
        }
    }
    return 1;
}

int emu_checks_respond(emu_checks_t *c, emu_request_t *req, emu_response_t *resp,
                       const char *message, const char *parameter_set) {
    if (cJSON_GetArraySize(c->fields) == 0) return 0;
    cJSON *details = cJSON_CreateObject();
    cJSON_AddItemToObject(details, "fields", c->fields);
    c->fields = NULL;
    if (parameter_set) cJSON_AddStringToObject(details, "parameter_set", parameter_set);
    emu_respond_error(req, resp, 422, "request.validation_failed", message, details);
    return 1;
}

void emu_respond_field_error(emu_request_t *req, emu_response_t *resp, const char *message,
                             const char *parameter_set, const char *name, const char *issue,
                             const char *expected, const char *received) {
    emu_checks_t c;
    emu_checks_init(&c);
    cJSON *r = received ? cJSON_CreateString(received) : NULL;
    emu_check_add(&c, name, issue, expected, r);
    cJSON_Delete(r);
    emu_checks_respond(&c, req, resp, message, parameter_set);
    emu_checks_free(&c);
}
