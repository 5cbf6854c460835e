/* Owned JSON documents and the read-only view accessors over them. */
#include "internal.h"
#include "json_arena.h"
#include "json_tree.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

foil_status_t foil_document_wrap(cJSON *root, foil_document_t **out) {
    *out = malloc(sizeof **out);
    if (!*out) {
        cJSON_Delete(root);
        return foil_fail_nomem();
    }
    (*out)->root = root;
    (*out)->arena = NULL;
    return FOIL_OK;
}

foil_status_t foil_document_parse(const char *text, size_t len, foil_document_t **out) {
    if (!out)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "out", "must not be NULL", NULL, NULL);
    *out = NULL;
    if (!text)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "text", "must not be NULL", NULL, NULL);
    /* The response parser: the same checks (UTF-8, no NUL, nesting) as API responses. */
    foil_json_arena_t *arena = NULL;
    cJSON *root = NULL;
    foil_status_t st = foil_json_arena_parse(text, len, &arena, &root);
    if (st == FOIL_E_NOMEM) return st;
    if (st != FOIL_OK) /* the parser's reason, as an argument error */
        return foil_fail(FOIL_E_INVALID_ARGUMENT, "%s", foil_error_message(foil_last_error()));
    if (!(*out = malloc(sizeof **out))) {
        foil_json_arena_free(arena, true);
        return foil_fail_nomem();
    }
    (*out)->root = root;
    (*out)->arena = arena;
    return FOIL_OK;
}

const foil_json_t *foil_document_root(const foil_document_t *doc) {
    return doc ? FOIL_VIEW(doc->root) : NULL;
}

void foil_document_free(foil_document_t *doc) {
    if (!doc) return;
    if (doc->arena)
        foil_json_arena_free(doc->arena, true); /* a document may hold secrets: wiped */
    else
        cJSON_Delete(doc->root);
    free(doc);
}

/* The type byte as cJSON_IsNull ... cJSON_IsObject read it (bindings ask for every value
 * they convert: one switch, not six calls into cJSON). */
foil_json_type_t foil_json_type(const foil_json_t *v) {
    const cJSON *n = FOIL_NODE(v);
    if (!n) return FOIL_JSON_ABSENT;
    switch (n->type & 0xFF) {
    case cJSON_NULL:
        return FOIL_JSON_NULL;
    case cJSON_False:
    case cJSON_True:
        return FOIL_JSON_BOOL;
    case cJSON_Number:
        return FOIL_JSON_NUMBER;
    case cJSON_String:
        return FOIL_JSON_STRING;
    case cJSON_Array:
        return FOIL_JSON_ARRAY;
    case cJSON_Object:
        return FOIL_JSON_OBJECT;
    default:
        return FOIL_JSON_ABSENT;
    }
}

/* The first member named `key`, as cJSON_GetObjectItemCaseSensitive finds it. */
const foil_json_t *foil_json_get(const foil_json_t *v, const char *key) {
    const cJSON *n = FOIL_NODE(v);
    if (!n || (n->type & 0xFF) != cJSON_Object || !key) return NULL;
    for (const cJSON *m = n->child; m; m = m->next)
        if (m->string && strcmp(m->string, key) == 0) return FOIL_VIEW(m);
    return NULL;
}

const foil_json_t *foil_json_path(const foil_json_t *v, const char *dotted_path) {
    if (!dotted_path) return NULL;
    const char *p = dotted_path;
    char key[256];
    while (v && *p) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        if (len == 0 || len >= sizeof key) return NULL;
        memcpy(key, p, len);
        key[len] = '\0';
        v = foil_json_get(v, key);
        p += len + (dot ? 1 : 0);
    }
    return v;
}

size_t foil_json_size(const foil_json_t *v) {
    const cJSON *n = FOIL_NODE(v);
    if (!cJSON_IsArray(n) && !cJSON_IsObject(n)) return 0;
    return (size_t)cJSON_GetArraySize(n);
}

const foil_json_t *foil_json_at(const foil_json_t *v, size_t i) {
    const cJSON *n = FOIL_NODE(v);
    if ((!cJSON_IsArray(n) && !cJSON_IsObject(n)) || i > (size_t)INT32_MAX) return NULL;
    return FOIL_VIEW(cJSON_GetArrayItem(n, (int)i));
}

const foil_json_t *foil_json_next(const foil_json_t *element) {
    const cJSON *n = FOIL_NODE(element);
    return n ? FOIL_VIEW(n->next) : NULL;
}

const char *foil_json_key(const foil_json_t *member) {
    const cJSON *n = FOIL_NODE(member);
    return n ? n->string : NULL;
}

const char *foil_json_string(const foil_json_t *v) {
    const cJSON *n = FOIL_NODE(v);
    return cJSON_IsString(n) ? n->valuestring : NULL;
}

int foil_json_number(const foil_json_t *v, double *out) {
    const cJSON *n = FOIL_NODE(v);
    if (!cJSON_IsNumber(n)) return 0;
    if (out) *out = n->valuedouble;
    return 1;
}

/* A double that holds an integer exactly: integral, within +-2^53. */
static bool exact_integral(double d) {
    return d >= -9007199254740992.0 && d <= 9007199254740992.0 && d == floor(d);
}

int foil_json_int(const foil_json_t *v, int64_t *out) {
    const cJSON *n = FOIL_NODE(v);
    if (!cJSON_IsNumber(n)) return 0;
    if ((n->type & FOIL_JSON_INTEGER_TEXT) && n->valuestring) {
        /* Beyond 2^53: the digits, not the rounded double. */
        errno = 0;
        long long i = strtoll(n->valuestring, NULL, 10);
        if (errno == ERANGE) return 0;
        if (out) *out = (int64_t)i;
        return 1;
    }
    if (!exact_integral(n->valuedouble)) return 0;
    if (out) *out = (int64_t)n->valuedouble;
    return 1;
}

int foil_json_is_integer(const foil_json_t *v) {
    const cJSON *n = FOIL_NODE(v);
    if (!cJSON_IsNumber(n)) return 0;
    if (n->type & FOIL_JSON_INTEGER_TEXT) return 1;
    if (n->type & FOIL_JSON_DECIMAL_TEXT) return 0;
    return exact_integral(n->valuedouble) ? 1 : 0; /* built, not parsed */
}

const char *foil_json_integer_text(const foil_json_t *v) {
    const cJSON *n = FOIL_NODE(v);
    return cJSON_IsNumber(n) && (n->type & FOIL_JSON_INTEGER_TEXT) ? n->valuestring : NULL;
}

int foil_json_bool(const foil_json_t *v, int *out) {
    const cJSON *n = FOIL_NODE(v);
    if (!cJSON_IsBool(n)) return 0;
    if (out) *out = cJSON_IsTrue(n) ? 1 : 0;
    return 1;
}

int foil_json_is_null(const foil_json_t *v) {
    return cJSON_IsNull(FOIL_NODE(v)) ? 1 : 0;
}

const char *foil_json_get_string(const foil_json_t *v, const char *key) {
    return foil_json_string(foil_json_get(v, key));
}
int foil_json_get_number(const foil_json_t *v, const char *key, double *out) {
    return foil_json_number(foil_json_get(v, key), out);
}
int foil_json_get_int(const foil_json_t *v, const char *key, int64_t *out) {
    return foil_json_int(foil_json_get(v, key), out);
}
int foil_json_get_bool(const foil_json_t *v, const char *key, int *out) {
    return foil_json_bool(foil_json_get(v, key), out);
}

foil_status_t foil_json_serialize(const foil_json_t *v, char **out) {
    if (!out)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "out", "must not be NULL", NULL, NULL);
    *out = NULL;
    if (!v)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "value", "must not be NULL", NULL, NULL);
    return foil_json_print(FOIL_NODE(v), out);
}
