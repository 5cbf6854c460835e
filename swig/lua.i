/* lua.i: the Lua spelling of foil.i's conventions (included by foil.i).
 *
 * Spelling only: typemaps and the hooks that need SWIG's runtime. The Lua runtime they call
 * (JSON views -> tables, the error table, Lua values -> JSON params, call results and
 * walks as tables, sleep, ...) is plain C in bindings/lua/src/foil_lua.c (public headers only), built with the
 * wrapper; the idiomatic layer is bindings/lua/foil.lua. This file gives it:
 *   - foil_status_t failures raised as an error *table* (kind, status, code, message, ...),
 *     which foil.lua turns into `nil, err` or error() (SWIG-NOTES L5);
 *   - `T **out` handles owned by the Lua GC (__gc), closable early with close(handle);
 *   - JSON views as plain tables (null -> the NULL sentinel, equal to lua-cjson's cjson.null);
 *   - integers pushed with lua_pushinteger (SWIG-NOTES L1);
 *   - foil_lua.c's lua_CFunctions as %native (SWIG's arity checks get in the way, L4).
 * Built for Lua 5.4 and LuaJIT 2.1 (5.1 API) with `swig -lua -nomoduleglobal` (L2).
 */

%{
#include "foil_lua.h"

/* ---- Hooks of foil_lua.h: SWIG's handle userdata is visible only in the wrapper. */
static swig_lua_userdata *foil_lua_udata(lua_State *L, int idx) {
    if (lua_type(L, idx) != LUA_TUSERDATA) return NULL;
    swig_lua_userdata *u = (swig_lua_userdata *)lua_touserdata(L, idx);
    return u && u->type && u->type->clientdata ? u : NULL;
}
void *foil_lua_handle_ptr(lua_State *L, int idx) {
    swig_lua_userdata *u = foil_lua_udata(L, idx);
    return u ? u->ptr : NULL;
}
int foil_lua_handle_close(lua_State *L, int idx, int destroy) {
    swig_lua_userdata *u = foil_lua_udata(L, idx);
    if (!u) return 0;
    swig_lua_class *cls = (swig_lua_class *)u->type->clientdata;
    void *p = u->ptr;
    u->ptr = NULL;
    if (destroy && p && u->own && cls->destructor) cls->destructor(p);
    u->own = 0;
    return 1;
}
foil_result_t *foil_lua_to_result(lua_State *L, int idx) {
    void *p = NULL;
    return SWIG_IsOK(SWIG_ConvertPtr(L, idx, &p, SWIGTYPE_p_foil_result, 0)) ? p : NULL;
}
foil_iter_t *foil_lua_to_iter(lua_State *L, int idx) {
    void *p = NULL;
    return SWIG_IsOK(SWIG_ConvertPtr(L, idx, &p, SWIGTYPE_p_foil_iter, 0)) ? p : NULL;
}

/* foil.i's hook for calls with error_out: raise the error table of that owned record. */
#define FOIL_RAISE_OWNED(status, error_ptr) foil_lua_raise_owned(L, status, error_ptr)
%}

/* ---- Calls with error_out: nothing here, the raise comes after the outputs (foil.i). */
%typemap(out) foil_status_t FOIL_STATUS_FROM_ERROR_OUT "";
/* No interpreter lock to release. */
%define FOIL_BLOCKING(NAME) %enddef
/* foil_call's result and foil_call_iter's walk are handles: foil_lua.c's result() and
 * walk() read them, with the `fields` projection a typemap could not be given. */
%define FOIL_CALL_RESULT FOIL_OUT_HANDLE(foil_result_t) %enddef
%define FOIL_CALL_ITER FOIL_OUT_HANDLE(foil_iter_t) %enddef

/* ---- Integers are Lua integers on 5.3+ (SWIG-NOTES L1). */
%typemap(out) int, short, long, long long, unsigned int, unsigned short, unsigned long,
              unsigned long long, size_t, signed char, int64_t, uint64_t
    "lua_pushinteger(L, (lua_Integer)$1); SWIG_arg++;";

/* ---- foil_status_t: raise the error table on failure (foil.lua turns it into nil, err). */
%typemap(out) foil_status_t {
    if ($1 != FOIL_OK) {
        foil_lua_push_error(L, $1, foil_last_error());
        SWIG_fail;
    }
}

/* A Gate signup keeps its own last failure (foil_gate_session_error): its steps report
 * from there when it matches the status, else from the thread's record. */
%typemap(out) foil_status_t foil_gate_session_step, foil_status_t foil_gate_session_wait_start,
              foil_status_t foil_gate_session_poll, foil_status_t foil_gate_session_ack {
    if ($1 != FOIL_OK) {
        const foil_error_t *own = foil_gate_session_error(arg1);
        foil_lua_push_error(L, $1, own && foil_error_status(own) == $1 ? own : foil_last_error());
        SWIG_fail;
    }
}

/* ...except where a status is the value asked for. */
%typemap(out) foil_status_t foil_status_at, foil_status_t foil_error_status
    "lua_pushinteger(L, (lua_Integer)$1); SWIG_arg++;";

%define FOIL_OUT_HANDLE(TYPE)
%typemap(in, numinputs=0) TYPE **out (TYPE *temp = NULL) "$1 = &temp;";
%typemap(argout) TYPE **out {
    SWIG_NewPointerObj(L, *$1, $*1_descriptor, 1);
    SWIG_arg++;
    *$1 = NULL;
}
%enddef

/* ---- A prepared request's body: a Lua string, any bytes (nil when it has none). */
%define FOIL_OUT_BODY_LEN
%typemap(out) const char *foil_http_request_body "";
%typemap(in, numinputs=0) size_t *body_len (size_t temp = 0) "$1 = &temp;";
%typemap(argout) size_t *body_len {
    if (result)
        lua_pushlstring(L, result, *$1);
    else
        lua_pushnil(L);
    SWIG_arg++;
}
%enddef

%define FOIL_OUT_STRING(NAME, FREE)
%typemap(in, numinputs=0) char **NAME (char *temp = NULL) "$1 = &temp;";
%typemap(argout) char **NAME {
    if (*$1)
        lua_pushstring(L, *$1);
    else
        lua_pushnil(L);
    SWIG_arg++;
}
%typemap(freearg) char **NAME "FREE(*$1);";
%enddef

/* ---- JSON views become tables and scalars. */
%typemap(out) const foil_json_t * {
    foil_lua_push_json(L, $1);
    SWIG_arg++;
}
%typemap(in, numinputs=0) const foil_json_t **item (const foil_json_t *temp = NULL) "$1 = ($1_ltype)&temp;";
%typemap(argout) const foil_json_t **item {
    foil_lua_push_json(L, *$1);
    SWIG_arg++;
}

/* ---- safe verify: ok and error_code come back as extra results. */
%typemap(in, numinputs=0) int *ok (int temp = 0) "$1 = &temp;";
%typemap(argout) int *ok {
    lua_pushboolean(L, *$1);
    SWIG_arg++;
}
%typemap(in, numinputs=0) const char **error_code (const char *temp = NULL) "$1 = ($1_ltype)&temp;";
%typemap(argout) const char **error_code {
    if (*$1)
        lua_pushstring(L, *$1);
    else
        lua_pushnil(L);
    SWIG_arg++;
}

/* ---- Milliseconds out (a Gate step's wait, foil_seconds_to_ms) come back as a result. */
%typemap(in, numinputs=0) long *wait_ms (long temp = 0), long *ms_out (long temp = 0) "$1 = &temp;";
%typemap(argout) long *wait_ms, long *ms_out {
    lua_pushinteger(L, (lua_Integer)*$1);
    SWIG_arg++;
}

/* ---- Bodies: any Lua string, embedded NULs included. */
%typemap(in, checkfn="lua_isstring") (const char *body, size_t body_len), (const char *text, size_t len) {
    size_t n = 0;
    if (lua_type(L, $input) != LUA_TSTRING) SWIG_fail_arg("$symname", $argnum, "string");
    $1 = ($1_ltype)lua_tolstring(L, $input, &n);
    $2 = n;
}

/* ---- Input strings: a string or nil (NULL); numbers are not silently converted, and an
 * embedded NUL, which would truncate an id or a key, is refused. */
%typemap(in, checkfn="foil_lua_isnilstring") const char * {
    if (lua_isnoneornil(L, $input)) {
        $1 = NULL;
    } else if (lua_type(L, $input) == LUA_TSTRING) {
        size_t n = 0;
        $1 = ($1_ltype)lua_tolstring(L, $input, &n);
        if (strlen($1) != n) foil_lua_argerror(L, "$symname: a string argument contains a NUL byte");
    } else {
        SWIG_fail_arg("$symname", $argnum, "string");
    }
}
%typemap(typecheck, precedence=SWIG_TYPECHECK_STRING) const char * "$1 = lua_isnoneornil(L, $input) || lua_type(L, $input) == LUA_TSTRING;";

/* ---- foil_lua.c's functions, registered as foil.native.NAME. */
%define FOIL_LUA_NATIVE(NAME) %native(NAME) int foil_lua_##NAME(lua_State *L) %enddef
%include "foil_lua.h"
