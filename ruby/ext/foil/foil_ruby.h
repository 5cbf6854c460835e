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
/* A lazy record over a JSON object owned by `owner` (any Ruby object that keeps the C
 * memory alive); arrays become Arrays of records, scalars Ruby values. */
VALUE foil_rb_lazy(VALUE owner, const foil_json_t *v);
/* Module setup, called from the SWIG init with Foil::Native. */
void foil_rb_init(VALUE native_module);

#endif
