/* libfoil: JSON text from a language's own values, for bindings without a JSON library.
 *
 * A binding walks its value and calls one function per piece; the writer escapes strings,
 * checks UTF-8 and the nesting, and hands back compact RFC 8259 text:
 *
 *   foil_json_writer_t *w;  foil_json_writer_new(&w);
 *   foil_json_writer_begin_object(w);
 *   foil_json_writer_key(w, "limit", 5);  foil_json_writer_int(w, 5);
 *   foil_json_writer_end_object(w);
 *   text = foil_json_writer_text(w, &len);          {"limit":5}
 *   foil_json_writer_free(w);
 *
 * Every call returns FOIL_OK or FOIL_E_INVALID_ARGUMENT (with the calling thread's record
 * naming what was wrong) and leaves the writer as it was: a string that is not UTF-8, a
 * key outside an object or a value where a key is due, an end that closes nothing or the
 * other kind of container, nesting deeper than FOIL_JSON_MAX_DEPTH, a non-finite double,
 * a second top-level value. Memory: FOIL_E_NOMEM. The text may hold secrets (a request
 * body): the writer wipes its buffer when it grows and when it is freed or reset.
 */
#ifndef FOIL_JSON_WRITER_H
#define FOIL_JSON_WRITER_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct foil_json_writer foil_json_writer_t;

FOIL_API foil_status_t foil_json_writer_new(foil_json_writer_t **out);
/* Wipe and free. NULL is a no-op. */
FOIL_API void foil_json_writer_free(foil_json_writer_t *w);
/* Forget everything written (wiped) and start again, keeping the buffer. */
FOIL_API void foil_json_writer_reset(foil_json_writer_t *w);

FOIL_API foil_status_t foil_json_writer_begin_object(foil_json_writer_t *w);
FOIL_API foil_status_t foil_json_writer_end_object(foil_json_writer_t *w);
FOIL_API foil_status_t foil_json_writer_begin_array(foil_json_writer_t *w);
FOIL_API foil_status_t foil_json_writer_end_array(foil_json_writer_t *w);
/* A member name in an object: `len` bytes of UTF-8 (a NUL among them is written as
 * \u0000). The next call writes its value. */
FOIL_API foil_status_t foil_json_writer_key(foil_json_writer_t *w, const char *key, size_t len);
/* A string: `len` bytes of UTF-8; '"', '\' and control characters are escaped. */
FOIL_API foil_status_t foil_json_writer_string(foil_json_writer_t *w, const char *s, size_t len);
FOIL_API foil_status_t foil_json_writer_int(foil_json_writer_t *w, int64_t value);
/* A finite double, in the fewest digits that read back as the same double; an integral
 * value keeps a ".0" ("2.0"), so readers that tell integers from decimals (Python, Ruby,
 * foil_json_is_integer) read a double back as one. */
FOIL_API foil_status_t foil_json_writer_double(foil_json_writer_t *w, double value);
/* A number given as its text, for integers wider than int64_t: it must follow the JSON
 * number grammar ("-12345678901234567890", "1.5e300"). */
FOIL_API foil_status_t foil_json_writer_number(foil_json_writer_t *w, const char *text, size_t len);
FOIL_API foil_status_t foil_json_writer_bool(foil_json_writer_t *w, int value);
FOIL_API foil_status_t foil_json_writer_null(foil_json_writer_t *w);

/* The text once one whole top-level value is written (*len its length, without the
 * terminating NUL that follows it); NULL before that (and for a NULL writer). Borrowed:
 * valid until the next call on w. */
FOIL_API const char *foil_json_writer_text(const foil_json_writer_t *w, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
