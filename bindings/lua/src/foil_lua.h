/* foil_lua.h: the Lua runtime of the binding (foil_lua.c), shared with the SWIG wrapper.
 * swig/lua.i %includes this file: SWIG sees only the module's hand-written functions, which
 * it registers as foil.native.NAME (%native); the C compiler sees everything. */
#ifndef FOIL_LUA_H
#define FOIL_LUA_H

#ifndef SWIG
#include <lauxlib.h>
#include <lua.h>

#include "foil/foil.h"

/* A string or nil (the checkfn of lua.i's `const char *` typemap). */
#define foil_lua_isnilstring(L, i) (lua_isnoneornil(L, i) || lua_type(L, i) == LUA_TSTRING)

/* ---- What lua.i's typemaps call. */
/* One JSON view -> one Lua value: objects -> tables, arrays -> 1-based sequences, null ->
 * the lightuserdata NULL sentinel (lua-cjson's cjson.null). */
void foil_lua_push_json(lua_State *L, const foil_json_t *v);
/* The error table for a failed call with status st (e: its record; used only when it
 * describes st), with the error metatable foil.lua set. */
void foil_lua_push_error(lua_State *L, foil_status_t st, const foil_error_t *e);
/* Raise an invalid_argument error table with this message (does not return). */
int foil_lua_argerror(lua_State *L, const char *message);
/* Raise the error table of a failure whose record *error the caller owns (foil_call's
 * error_out): takes it (*error = NULL) and frees it first. Does not return. */
int foil_lua_raise_owned(lua_State *L, foil_status_t st, foil_error_t **error);

/* ---- Projections (foil_lua_fields.c): `fields` compiled by foil.native.fields. */
typedef struct foil_lua_fields foil_lua_fields_t;
/* The compiled fields at idx; NULL for nil; raises for anything else. */
const foil_lua_fields_t *foil_lua_to_fields(lua_State *L, int idx);
/* v as a plain table holding only the paths of the compiled fields at index `fields`
 * (absolute or an upvalue; an array: each element so). */
void foil_lua_push_projected(lua_State *L, const foil_json_t *v, int fields);
/* Hand the compiled fields at index `fields` to a new iterator (foil_iter_set_fields), so
 * its pages hold only those members of each item. */
foil_status_t foil_lua_fields_set(lua_State *L, foil_iter_t *it, int fields);

/* ---- Hooks the wrapper (lua.i) defines: SWIG's handle userdata and type table are
 * visible only there. */
/* The object of the libfoil handle at idx; NULL when closed or not a handle. */
void *foil_lua_handle_ptr(lua_State *L, int idx);
/* Empty the handle at idx (its __gc then does nothing), freeing its object first when
 * destroy is set and the handle owns it. 0 when idx is not a libfoil handle. */
int foil_lua_handle_close(lua_State *L, int idx, int destroy);
/* The result / iterator at idx; NULL when it is not an open one. */
foil_result_t *foil_lua_to_result(lua_State *L, int idx);
foil_iter_t *foil_lua_to_iter(lua_State *L, int idx);
/* The prepared request / response at idx; NULL when it is not an open one. */
foil_http_request_t *foil_lua_to_http_request(lua_State *L, int idx);
foil_http_response_t *foil_lua_to_http_response(lua_State *L, int idx);
/* Push an owned result as a handle (the GC frees it). */
void foil_lua_push_result(lua_State *L, foil_result_t *r);

#define FOIL_LUA_NATIVE(NAME) int foil_lua_##NAME(lua_State *L)
#endif

/* ---- The module's hand-written functions, foil.native.NAME (lua_CFunctions). */
FOIL_LUA_NATIVE(params_json); /* params_json(table or nil) -> foil_call's params text */
FOIL_LUA_NATIVE(call_result); /* call_result(call's handle[, fields]) -> tables; frees it */
FOIL_LUA_NATIVE(walk);        /* walk(call_iter's handle[, fields]) -> generic-for iterator */
FOIL_LUA_NATIVE(fields);      /* fields({ "id", "a.b" }[, model object]) -> compiled; raises */
FOIL_LUA_NATIVE(close);       /* close(handle): free it now (idempotent) */
FOIL_LUA_NATIVE(is_open);     /* is_open(handle) -> boolean */
FOIL_LUA_NATIVE(null);        /* null() -> the null sentinel */
FOIL_LUA_NATIVE(set_error_metatable); /* the metatable of error tables */
FOIL_LUA_NATIVE(json_encode);         /* json_encode(value) -> JSON text */
FOIL_LUA_NATIVE(json_decode);         /* json_decode(text) -> value; raises protocol */
FOIL_LUA_NATIVE(sleep);               /* sleep(seconds) */
FOIL_LUA_NATIVE(monotonic);           /* monotonic() -> seconds on a monotonic clock */
/* settle(request, response, attempt, elapsed_ms) -> result handle, or nil and the wait in ms
 * before the next attempt; raises the error table when the failure stands (foil_complete,
 * then foil_retry_decision with the failure's own record: the transport's retry loop). */
FOIL_LUA_NATIVE(settle);
/* settle_failure(request, status, detail, attempt, elapsed_ms) -> the wait in ms before the
 * next attempt; raises the error table when the failure stands (foil_complete_failure). */
FOIL_LUA_NATIVE(settle_failure);

#endif
