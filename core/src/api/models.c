/* Typed accessors generated from the FOIL_MODEL_FIELDS table in models.h. */
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
#define DEFINE(obj, field, key, kind) DEFINE_##kind(obj, field, key)
FOIL_MODEL_FIELDS(DEFINE)
