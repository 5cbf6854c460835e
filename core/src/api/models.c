/* Typed accessors generated from the FOIL_MODEL_FIELDS table in models.h. */
#include <string.h>

#include "internal.h"

static const foil_json_t *present(const foil_json_t *v, const char *key) {
    const foil_json_t *f = foil_json_get(v, key);
    return foil_json_is_null(f) ? NULL : f;
}

#define DEFINE_STRING(obj, field, key)                                                             \
    const char *foil_##obj##_##field(const foil_json_t *v) {                                       \
        return foil_json_string(foil_json_get(v, key));                                            \
    }
#define DEFINE_NUMBER(obj, field, key)                                                             \
    int foil_##obj##_##field(const foil_json_t *v, double *out) {                                  \
        return foil_json_number(foil_json_get(v, key), out);                                       \
    }
#define DEFINE_INT(obj, field, key)                                                                \
    int foil_##obj##_##field(const foil_json_t *v, int64_t *out) {                                 \
        return foil_json_int(foil_json_get(v, key), out);                                          \
    }
#define DEFINE_BOOL(obj, field, key)                                                               \
    int foil_##obj##_##field(const foil_json_t *v, int *out) {                                     \
        return foil_json_bool(foil_json_get(v, key), out);                                         \
    }
#define DEFINE_OBJECT(obj, field, key)                                                             \
    const foil_json_t *foil_##obj##_##field(const foil_json_t *v) {                                \
        return present(v, key);                                                                    \
    }
#define DEFINE_ARRAY DEFINE_OBJECT
#define DEFINE(obj, field, json_name, kind, type, flags) DEFINE_##kind(obj, field, json_name)
FOIL_MODEL_FIELDS(DEFINE)

/* ---- The tables at run time. */
typedef struct {
    const char *object, *class_name, *base, *schema, *role, *doc;
} model_row_t;
typedef struct {
    const char *object, *field, *json_name, *kind, *type, *flags;
} field_row_t;

#define MODEL_ROW(object, class_name, base, schema, role, doc)                                     \
    {#object, class_name, #base, schema, #role, doc},
static const model_row_t model_rows[] = {FOIL_MODELS(MODEL_ROW)};
#define FIELD_ROW(object, field, json_name, kind, type, flags)                                     \
    {#object, #field, json_name, #kind, #type, flags},
static const field_row_t field_rows[] = {FOIL_MODEL_FIELDS(FIELD_ROW)};

size_t foil_model_count(void) {
    return sizeof model_rows / sizeof model_rows[0];
}

const char *foil_model_info(size_t i, const char *column) {
    if (i >= foil_model_count() || !column) return NULL;
    const model_row_t *r = &model_rows[i];
    if (strcmp(column, "object") == 0) return r->object;
    if (strcmp(column, "class") == 0) return r->class_name;
    if (strcmp(column, "base") == 0) return r->base;
    if (strcmp(column, "schema") == 0) return r->schema;
    if (strcmp(column, "role") == 0) return r->role;
    if (strcmp(column, "doc") == 0) return r->doc;
    return NULL;
}

size_t foil_model_field_count(void) {
    return sizeof field_rows / sizeof field_rows[0];
}

const char *foil_model_field_info(size_t i, const char *column) {
    if (i >= foil_model_field_count() || !column) return NULL;
    const field_row_t *r = &field_rows[i];
    if (strcmp(column, "object") == 0) return r->object;
    if (strcmp(column, "field") == 0) return r->field;
    if (strcmp(column, "json_name") == 0) return r->json_name;
    if (strcmp(column, "kind") == 0) return r->kind;
    if (strcmp(column, "type") == 0) return r->type;
    if (strcmp(column, "flags") == 0) return r->flags;
    return NULL;
}
