/* libfoil: read-only views of JSON values.
 *
 * Every response keeps the whole JSON object the API sent, unknown fields
 * included. A foil_json_t is a borrowed view into it: it stays valid while the
 * owning handle (result, page, payload, ...) lives, and is never freed.
 * Every accessor accepts NULL and then returns the "absent" answer.
 */
#ifndef FOIL_JSON_H
#define FOIL_JSON_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct foil_json foil_json_t;

/* The deepest nesting of arrays and objects the library reads (deeper text is refused):
 * a binding converting a value recursively never goes deeper than this. */
#define FOIL_JSON_MAX_DEPTH 1000

typedef enum foil_json_type {
    FOIL_JSON_ABSENT = 0, /* NULL view: the field is not there */
    FOIL_JSON_NULL,
    FOIL_JSON_BOOL,
    FOIL_JSON_NUMBER,
    FOIL_JSON_STRING,
    FOIL_JSON_ARRAY,
    FOIL_JSON_OBJECT
} foil_json_type_t;

FOIL_API foil_json_type_t foil_json_type(const foil_json_t *v);
/* Member of an object by key; NULL when v is not an object or has no such key. */
FOIL_API const foil_json_t *foil_json_get(const foil_json_t *v, const char *key);
/* Follow a dotted path ("latest_decision.manipulation.score"). */
FOIL_API const foil_json_t *foil_json_path(const foil_json_t *v, const char *dotted_path);
/* Number of array elements or object members; 0 otherwise. */
FOIL_API size_t foil_json_size(const foil_json_t *v);
/* i-th array element or object member; NULL when out of range. */
FOIL_API const foil_json_t *foil_json_at(const foil_json_t *v, size_t i);
/* The next element of the same array or object, NULL after the last. foil_json_at()
 * walks from the start (O(i)); to visit every element use
 *   for (e = foil_json_at(v, 0); e; e = foil_json_next(e)) ...   (O(1) per step). */
FOIL_API const foil_json_t *foil_json_next(const foil_json_t *element);
/* Key of an object member returned by foil_json_at(); NULL otherwise. */
FOIL_API const char *foil_json_key(const foil_json_t *member);

/* Scalar readers. foil_json_string() is NULL unless v is a string. The number and
 * bool readers return 1 and write *out when v has that type, else return 0, so a
 * JSON null or a missing field stays distinguishable from 0 / false.
 * foil_json_number() gives the nearest double. foil_json_int() is exact: 1 for an integer
 * (see foil_json_is_integer) that int64_t holds, and for a number written with a fraction
 * or exponent whose value is integral within +-2^53 ("2.0"); 0 otherwise. */
FOIL_API const char *foil_json_string(const foil_json_t *v);
FOIL_API int foil_json_number(const foil_json_t *v, double *out);
FOIL_API int foil_json_int(const foil_json_t *v, int64_t *out);
FOIL_API int foil_json_bool(const foil_json_t *v, int *out);
FOIL_API int foil_json_is_null(const foil_json_t *v);
/* 1 when v is a number written as an integer, without fraction or exponent ("42", "-0",
 * "123456789012345678901234567890"), of any size; 0 for "42.0" or "4.2e1" (as Python's
 * json and Ruby's JSON tell int from float). A number the library built rather than read
 * from text counts as an integer when its value is integral within +-2^53. */
FOIL_API int foil_json_is_integer(const foil_json_t *v);
/* The exact decimal text ("-9007199254740993") of an integer whose magnitude is above 2^53,
 * where foil_json_number() rounds; NULL for any other value (foil_json_int() reads those
 * exactly). For readers with integers wider than int64_t. */
FOIL_API const char *foil_json_integer_text(const foil_json_t *v);

/* Shorthands for foil_json_string(foil_json_get(v, key)) and friends. */
FOIL_API const char *foil_json_get_string(const foil_json_t *v, const char *key);
FOIL_API int foil_json_get_number(const foil_json_t *v, const char *key, double *out);
FOIL_API int foil_json_get_int(const foil_json_t *v, const char *key, int64_t *out);
FOIL_API int foil_json_get_bool(const foil_json_t *v, const char *key, int *out);

/* Serialise the value (compact JSON). Free with foil_string_free(). */
FOIL_API foil_status_t foil_json_serialize(const foil_json_t *v, char **out);

#ifdef __cplusplus
}
#endif
#endif
