/* ruby.i: the Ruby spelling of foil.i's conventions (included by foil.i).
 *
 * Generated with `swig -ruby -module foil::native` (Foil::Native, Init_native). Only typemaps
 * and hooks live here; the Ruby runtime they call (JSON -> Ruby conversion, lazy records,
 * raising Foil::Error, GVL-free calls) is plain C in ruby/ext/foil/foil_ruby.c, built with
 * the wrapper. Ruby traps (SWIG-NOTES R1-R7): rb_raise longjmps, so nothing owned may be
 * pending when a typemap raises; C free functions are NULL-safe; blocking calls release the
 * GVL in foil_ruby.c, never in generated code.
 */
%{
#include "foil_ruby.h"
#include "foil_ruby_api.h"
%}

/* ---- foil_status_t: raise the Foil::Error subclass for the status, else nil. Outputs are
 * appended after it (SWIG_Ruby_AppendOutput(nil, x) is x). On failure every out-parameter
 * is NULL, so the longjmp leaks nothing. */
%typemap(out) foil_status_t {
    if ($1 != FOIL_OK) foil_rb_raise($1);
    $result = Qnil;
}

/* ---- Calls with error_out (foil.i): nil, then foil_rb_raise_owned after the outputs. */
%typemap(out) foil_status_t FOIL_STATUS_FROM_ERROR_OUT "$result = Qnil;";
%{
#define FOIL_RAISE_OWNED(status, error_ptr) foil_rb_raise_owned(status, error_ptr)
%}

/* ---- A blocking call runs without the GVL, interruptibly: the call `NAME(args)` in the
 * wrapper becomes foil_rb_nogvl_NAME(args), foil_ruby.c's twin of the same signature that
 * runs NAME in run_interruptible (a C function pointer: rb_nogvl cannot run inline code). */
%define FOIL_BLOCKING(NAME)
%exception NAME %{
#define NAME FOIL_RB_NOGVL(NAME)
    $action
#undef NAME
%}
%enddef
%{
#define FOIL_RB_NOGVL(name) foil_rb_nogvl_##name
%}

/* ---- foil_call's response: its data as a lazy Foil::Record (a Foil::ListResult for a
 * list's page, {} for no content), over a Body allocated before the call, so nothing
 * C-owned is pending if that allocation raises. foil_call_iter's walk is a handle that
 * rb_next_page reads. */
%define FOIL_CALL_RESULT
%typemap(in, numinputs=0) foil_result_t **out (foil_result_t *temp = NULL, VALUE owner = Qnil)
    "owner = foil_rb_body_new(); $1 = &temp;";
%typemap(argout) foil_result_t **out {
    $result = SWIG_Ruby_AppendOutput($result, foil_rb_call_result(owner$argnum, *$1));
    *$1 = NULL;
}
%enddef
%define FOIL_CALL_ITER FOIL_OUT_HANDLE(foil_iter_t) %enddef

%define FOIL_OUT_HANDLE(TYPE)
%typemap(in, numinputs=0) TYPE **out (TYPE *temp = NULL) "$1 = &temp;";
%typemap(argout) TYPE **out {
    $result = SWIG_Ruby_AppendOutput($result,
                                     SWIG_NewPointerObj(SWIG_as_voidptr(*$1), $*1_descriptor,
                                                        SWIG_POINTER_OWN));
    *$1 = NULL;
}
%enddef

/* Strings the caller owns: foil_rb_take_string copies one into a Ruby String and wipes and
 * frees it at once, so freearg (kept for an early failure) then sees NULL. */
/* ---- A prepared request's body: a binary String (nil when it has none). */
%define FOIL_OUT_BODY_LEN
%typemap(out) const char *foil_http_request_body "$result = Qnil;";
%typemap(in, numinputs=0) size_t *body_len (size_t temp = 0) "$1 = &temp;";
%typemap(argout) size_t *body_len
    "$result = SWIG_Ruby_AppendOutput($result, result ? rb_str_new(result, (long)*$1) : Qnil);";
%enddef

%define FOIL_OUT_STRING(NAME, FREE)
%typemap(in, numinputs=0) char **NAME (char *temp = NULL) "$1 = &temp;";
%typemap(argout) char **NAME {
    $result = SWIG_Ruby_AppendOutput($result, foil_rb_take_string(*$1, FREE));
    *$1 = NULL;
}
%typemap(freearg) char **NAME "FREE(*$1);";
%enddef

/* ---- JSON views become deep Hashes (symbol keys), Arrays and scalars, copied now. */
%typemap(out) const foil_json_t * "$result = foil_rb_json($1);";
%typemap(in, numinputs=0) const foil_json_t **item (const foil_json_t *temp = NULL)
    "$1 = ($1_ltype)&temp;";
%typemap(argout) const foil_json_t **item
    "$result = SWIG_Ruby_AppendOutput($result, foil_rb_json(*$1));";

/* ---- safe verify: ok and error_code come back as extra outputs. */
%typemap(in, numinputs=0) int *ok (int temp = 0) "$1 = &temp;";
%typemap(argout) int *ok "$result = SWIG_Ruby_AppendOutput($result, *$1 ? Qtrue : Qfalse);";
%typemap(in, numinputs=0) const char **error_code (const char *temp = NULL)
    "$1 = ($1_ltype)&temp;";
%typemap(argout) const char **error_code
    "$result = SWIG_Ruby_AppendOutput($result, foil_rb_str(*$1));";

/* ---- Milliseconds out (foil_seconds_to_ms) come back as an Integer. */
%typemap(in, numinputs=0) long *ms_out (long temp = 0) "$1 = &temp;";
%typemap(argout) long *ms_out "$result = SWIG_Ruby_AppendOutput($result, LONG2NUM(*$1));";

/* ---- Bodies: a String with any bytes, embedded NULs included. */
%typemap(in) (const char *body, size_t body_len), (const char *text, size_t len) {
    $1 = ($1_ltype)foil_rb_bytes($input, &$2, "$symname");
}
%typemap(typecheck, precedence=SWIG_TYPECHECK_STRING) (const char *body, size_t body_len),
    (const char *text, size_t len) "$1 = RB_TYPE_P($input, T_STRING);";

/* ---- Input strings: a String or nil; an embedded NUL would silently cut an id or a key. */
%typemap(in) const char * "$1 = ($1_ltype)foil_rb_cstr($input, $argnum, \"$symname\");";
%typemap(freearg) const char * "";
%typemap(typecheck, precedence=SWIG_TYPECHECK_STRING) const char *
    "$1 = NIL_P($input) || RB_TYPE_P($input, T_STRING);";

/* ---- Strings returned by C are UTF-8 (the parser refuses anything else). */
%typemap(out) const char * "$result = foil_rb_str($1);";

/* ---- VALUE passes through (the Ruby runtime's own functions). */
%typemap(in) VALUE "$1 = $input;";
%typemap(out) VALUE "$result = $1;";

/* ---- The Ruby runtime: functions of foil_ruby.c that Ruby code calls directly. */
FOIL_OUT_HANDLE(foil_gate_session_t)
%include "foil_ruby_api.h"

%inline %{
/* Free the C object behind a SWIG-wrapped handle now (client, signup, emulator, ...) and
 * leave the Ruby object empty: close / stop / wipe without waiting for the GC. */
VALUE foil_rb_dispose(VALUE obj) {
    if (RB_TYPE_P(obj, T_DATA) && DATA_PTR(obj)) {
        RUBY_DATA_FUNC free_fn = RDATA(obj)->dfree;
        void *ptr = DATA_PTR(obj);
        DATA_PTR(obj) = NULL;
        RDATA(obj)->dfree = 0;
        if (free_fn) free_fn(ptr);
    }
    return Qnil;
}
/* The C pointer of a SWIG-wrapped handle as an Integer address (0 when disposed), so
 * foil_ruby.c, which cannot see SWIG's type table, can run GVL-free calls on it. */
VALUE foil_rb_handle_address(VALUE obj) {
    return ULL2NUM(RB_TYPE_P(obj, T_DATA) ? (unsigned long long)(uintptr_t)DATA_PTR(obj) : 0);
}
%}

%init %{
    foil_rb_init(mNative);
%}
