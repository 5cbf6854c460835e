/* foil_ruby.h: the Ruby runtime of the libfoil gem, used by the typemaps of swig/ruby.i.
 *
 * Everything here runs with the GVL held unless it says otherwise. Functions that raise
 * (longjmp) are marked; callers own nothing C-side when they call them (SWIG-NOTES R1).
 */
#ifndef FOIL_RUBY_H
#define FOIL_RUBY_H

#include <ruby.h>

#include "foil/foil.h"

/* Raise the Foil::Error subclass for a failed call on this thread (foil_last_error()).
 * Never returns. */
void foil_rb_raise(foil_status_t status);
/* A JSON view as a new deep Ruby value: Hash (Symbol keys), Array, String, Integer, Float,
 * true/false, nil. The view may be freed afterwards. */
VALUE foil_rb_json(const foil_json_t *v);
/* A UTF-8 String, nil for NULL. */
VALUE foil_rb_str(const char *s);
/* A String copied from an owned C string, which is then freed with free_fn (wiped). */
VALUE foil_rb_take_string(char *s, void (*free_fn)(char *));
/* A String argument as bytes (embedded NULs allowed). Raises TypeError otherwise. */
const char *foil_rb_bytes(VALUE v, size_t *len, const char *fn);
/* A String-or-nil argument as a C string. Raises TypeError / ArgumentError (NUL inside). */
const char *foil_rb_cstr(VALUE v, int argnum, const char *fn);
/* Raise the failure an owned error record describes (foil_call's error_out): takes *error
 * (sets it NULL), frees it, raises. Never returns. */
void foil_rb_raise_owned(foil_status_t status, foil_error_t **error);
/* A Foil::Native::Body, empty: allocated before a call so that adopting its result cannot
 * raise with the result pending. */
VALUE foil_rb_body_new(void);
/* foil_call's result (owned) adopted by `owner`: its data as a lazy Foil::Record, a
 * Foil::ListResult (items, limit, has_more, next_cursor) for a list's page, {} for NULL. */
VALUE foil_rb_call_result(VALUE owner, foil_result_t *result);
/* foil_call without the GVL (swig/ruby.i's FOIL_BLOCKING): an interrupt whose handler raises
 * cancels the call, frees what it made and re-raises once it is over. */
foil_status_t foil_rb_nogvl_foil_call(foil_client_t *client, const char *operation,
                                      const char *params_json, foil_result_t **out,
                                      foil_error_t **error_out);
/* A page of a list (owned) adopted by `owner`: its items as an Array of lazy records. */
VALUE foil_rb_adopt_items(VALUE owner, foil_result_t *page);
/* A lazy record over a JSON object owned by `owner` (any Ruby object that keeps the C
 * memory alive); arrays become Arrays of records, scalars Ruby values. */
VALUE foil_rb_lazy(VALUE owner, const foil_json_t *v);
/* Module setup, called from the SWIG init with Foil::Native. */
void foil_rb_init(VALUE native_module);
/* foil_ruby_fiber.c's classes (Foil::Native::FiberLoop), called by foil_rb_init. */
void foil_rb_fiber_init(VALUE native_module);

#endif
