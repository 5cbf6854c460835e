/* foil_lua.c: the Lua runtime of the binding (swig/lua.i holds only its spelling).
 *
 * JSON views -> Lua values (through the public walk, foil/json.h), the error record ->
 * an error table (foil_error_json), Lua values -> JSON text for params, and the module's
 * hand-written functions (foil.native.call, call_iter, close, sleep, ...). What needs SWIG's
 * runtime (handle userdata, type table) stays in the wrapper as the hooks of foil_lua.h.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* nanosleep, clock_gettime under -std=c11 */
#endif

#include "foil_lua.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Registry key (its address is unique). */
static char foil_lua_error_mt_key;

/* One limit for both directions: the core's. Every JSON value the core hands out is at
 * most this deep, and params deeper than it could not be sent. */
#define FOIL_LUA_MAX_DEPTH FOIL_JSON_MAX_DEPTH

static int foil_lua_status_error(lua_State *L, foil_status_t st, const char *message);

/* A JSON number: an integer written as such is a Lua integer (exact up to 2^63 - 1) where
 * the VM has them (5.3+); anything else, and every number on LuaJIT and 5.1, a double. */
static void foil_lua_push_json_number(lua_State *L, const foil_json_t *v) {
#if LUA_VERSION_NUM >= 503
    int64_t i = 0;
    if (foil_json_is_integer(v) && foil_json_int(v, &i)) {
        lua_pushinteger(L, (lua_Integer)i);
        return;
    }
#endif
    double d = 0;
    foil_json_number(v, &d);
    lua_pushnumber(L, (lua_Number)d);
}

/* One JSON view -> one Lua value. `nulls`: push the null sentinel (1) or nil (0). Raises
 * only an error table (a value nested deeper than the core reads, which the core never
 * hands out) or Lua's memory error: callers holding C objects convert in protected mode
 * (foil_lua_convert). */
static void foil_lua_push_json_at(lua_State *L, const foil_json_t *v, int depth, int nulls) {
    if (depth > FOIL_LUA_MAX_DEPTH)
        foil_lua_status_error(L, FOIL_E_PROTOCOL, "JSON nested too deeply");
    switch (foil_json_type(v)) {
    case FOIL_JSON_BOOL: {
        int b = 0;
        foil_json_bool(v, &b);
        lua_pushboolean(L, b);
        return;
    }
    case FOIL_JSON_NUMBER:
        foil_lua_push_json_number(L, v);
        return;
    case FOIL_JSON_STRING:
        lua_pushstring(L, foil_json_string(v));
        return;
    case FOIL_JSON_ARRAY: {
        lua_createtable(L, (int)foil_json_size(v), 0);
        lua_Integer i = 1;
        luaL_checkstack(L, 4, "foil: JSON too deep");
        for (const foil_json_t *e = foil_json_at(v, 0); e; e = foil_json_next(e)) {
            foil_lua_push_json_at(L, e, depth + 1, 1);
            lua_rawseti(L, -2, (int)i++);
        }
        return;
    }
    case FOIL_JSON_OBJECT: {
        lua_createtable(L, 0, (int)foil_json_size(v));
        luaL_checkstack(L, 4, "foil: JSON too deep");
        for (const foil_json_t *m = foil_json_at(v, 0); m; m = foil_json_next(m)) {
            if (!nulls && foil_json_type(m) == FOIL_JSON_NULL) continue;
            lua_pushstring(L, foil_json_key(m));
            foil_lua_push_json_at(L, m, depth + 1, 1);
            lua_rawset(L, -3);
        }
        return;
    }
    case FOIL_JSON_NULL:
        if (nulls) {
            lua_pushlightuserdata(L, NULL);
            return;
        }
        /* fall through */
    default:
        lua_pushnil(L);
        return;
    }
}

void foil_lua_push_json(lua_State *L, const foil_json_t *v) {
    foil_lua_push_json_at(L, v, 0, 1);
}

static void foil_lua_set_string(lua_State *L, const char *key, const char *value) {
    if (!value) return;
    lua_pushstring(L, value);
    lua_setfield(L, -2, key);
}

/* The error record as a table with the error metatable (set by foil.lua): the keys of
 * foil_error_json() -- kind, status, code, message, request_id, retryable, retry_after,
 * docs_url, next_action, field_errors, allowed_values, details, body -- with JSON nulls
 * left out (nil) at the top level and in field_errors, so `if err.request_id` reads well.
 * Raises only Lua's memory error. */
static void foil_lua_push_record(lua_State *L, const foil_json_t *j) {
    lua_createtable(L, 0, 14);
    for (const foil_json_t *m = foil_json_at(j, 0); m; m = foil_json_next(m)) {
        const char *key = foil_json_key(m);
        if (foil_json_type(m) == FOIL_JSON_NULL) continue;
        if (strcmp(key, "field_errors") == 0) {
            lua_createtable(L, (int)foil_json_size(m), 0);
            int i = 1;
            for (const foil_json_t *f = foil_json_at(m, 0); f; f = foil_json_next(f)) {
                foil_lua_push_json_at(L, f, 1, 0);
                lua_rawseti(L, -2, i++);
            }
        } else {
            foil_lua_push_json(L, m);
        }
        lua_setfield(L, -2, key);
    }
    lua_pushlightuserdata(L, &foil_lua_error_mt_key);
    lua_rawget(L, LUA_REGISTRYINDEX);
    if (lua_istable(L, -1))
        lua_setmetatable(L, -2);
    else
        lua_pop(L, 1);
}

static int foil_lua_convert(lua_State *L, void (*push)(lua_State *L, const void *what),
                            const void *what);

static void foil_lua_push_record_of(lua_State *L, const void *record) {
    foil_lua_push_record(L, foil_error_json((const foil_error_t *)record));
}

/* Push the error table for a failure with status st described by e. When e describes
 * another failure (a call that reports only a status, such as the emulator's), the core
 * makes the record for st (foil_error_new): the binding never builds one itself. Out of
 * memory: Lua's own "not enough memory" string. */
void foil_lua_push_error(lua_State *L, foil_status_t st, const foil_error_t *e) {
    if (foil_error_status(e) == st && foil_error_json(e)) {
        foil_lua_push_record(L, foil_error_json(e));
        return;
    }
    foil_error_t *own = NULL;
    if (foil_error_new(st, NULL, &own) != FOIL_OK || !foil_error_json(own)) {
        foil_error_free(own);
        lua_pushliteral(L, "not enough memory");
        return;
    }
    foil_lua_convert(L, foil_lua_push_record_of, own); /* the table, or the error raised */
    foil_error_free(own);
}

/* Push the error table for a failed call and raise it. */
static int foil_lua_raise(lua_State *L, foil_status_t st, const foil_error_t *e) {
    foil_lua_push_error(L, st, e ? e : foil_last_error());
    return lua_error(L);
}

/* Raise the error table of a failure the binding detects itself (a bad argument): the
 * core makes its record (foil_error_new), as for any other failure. */
static int foil_lua_status_error(lua_State *L, foil_status_t st, const char *message) {
    foil_error_t *own = NULL;
    if (foil_error_new(st, message, &own) != FOIL_OK) return foil_lua_raise(L, FOIL_E_NOMEM, NULL);
    foil_lua_convert(L, foil_lua_push_record_of, own);
    foil_error_free(own);
    return lua_error(L);
}

/* A programmer error. */
int foil_lua_argerror(lua_State *L, const char *message) {
    return foil_lua_status_error(L, FOIL_E_INVALID_ARGUMENT, message);
}

/* ---- Protected conversion: a conversion can raise (Lua's memory error at least), and a
 * raise from C skips the code after it. Callers that own C objects (a document, an error
 * record) convert through this, free them, then raise. */
typedef struct {
    void (*push)(lua_State *L, const void *what);
    const void *what;
} foil_lua_conversion;

static int foil_lua_convert_step(lua_State *L) {
    const foil_lua_conversion *c = (const foil_lua_conversion *)lua_touserdata(L, 1);
    c->push(L, c->what);
    return 1;
}

/* Push push(what), or the error it raised: 0, or non-zero when the top is the error. */
static int foil_lua_convert(lua_State *L, void (*push)(lua_State *L, const void *what),
                            const void *what) {
    foil_lua_conversion c = {push, what};
    luaL_checkstack(L, 3, "foil: no stack left");
    lua_pushcfunction(L, foil_lua_convert_step);
    lua_pushlightuserdata(L, &c);
    return lua_pcall(L, 1, 1, 0);
}

static void foil_lua_push_view(lua_State *L, const void *view) {
    foil_lua_push_json(L, (const foil_json_t *)view);
}

typedef struct {
    foil_status_t status;
    const foil_error_t *error;
} foil_lua_failure;

static void foil_lua_push_failure(lua_State *L, const void *failure) {
    const foil_lua_failure *f = (const foil_lua_failure *)failure;
    foil_lua_push_error(L, f->status, f->error);
}

int foil_lua_raise_owned(lua_State *L, foil_status_t st, foil_error_t **error) {
    foil_error_t *e = *error;
    *error = NULL;
    foil_lua_failure f = {st, e ? e : foil_last_error()};
    foil_lua_convert(L, foil_lua_push_failure, &f);
    foil_error_free(e);
    return lua_error(L);
}

/* ---- Lua value -> JSON text (for params and bodies), through the core's JSON writer
 * (foil/json_writer.h: escapes, UTF-8, nesting). */

/* 1 when the table at idx is a non-empty sequence 1..n with no other keys. */
static int foil_lua_is_array(lua_State *L, int idx, size_t *len) {
    size_t n = 0, max = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TNUMBER) {
            lua_pop(L, 1);
            return 0;
        }
        lua_Number k = lua_tonumber(L, -1);
        /* No sequence here has 2^31 items: a larger key (1e300) is not converted to size_t,
         * which would be undefined. */
        if (k < 1 || k != floor(k) || k > 2147483647.0) {
            lua_pop(L, 1);
            return 0;
        }
        if ((size_t)k > max) max = (size_t)k;
        n++;
    }
    *len = n;
    return n > 0 && max == n;
}

static void foil_lua_encode_fail(lua_State *L, const char *path, const char *what) {
    char msg[256];
    snprintf(msg, sizeof msg, "%s: %s", path && *path ? path : "argument", what);
    foil_lua_argerror(L, msg);
}

/* A writer call's failure, named by the value's path (out of memory: as is). */
static void foil_lua_written(lua_State *L, foil_status_t st, const char *path) {
    if (st == FOIL_OK) return;
    if (st == FOIL_E_NOMEM) foil_lua_raise(L, st, NULL);
    const foil_error_t *e = foil_last_error();
    foil_lua_encode_fail(
        L, path, foil_error_field_count(e) ? foil_error_field_issue(e, 0) : foil_error_message(e));
}

/* Write the value at idx (absolute). strict: refuse strings with a NUL byte (request
 * parameters: C strings would cut them). Raises invalid_argument tables naming the field;
 * runs in protected mode (foil_lua_encode), which frees the writer. */
static void foil_lua_encode_value(lua_State *L, foil_json_writer_t *w, int idx, int depth,
                                  const char *path, int strict) {
    luaL_checkstack(L, 4, "foil: value too deep");
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
        foil_lua_written(L, foil_json_writer_null(w), path);
        return;
    case LUA_TBOOLEAN:
        foil_lua_written(L, foil_json_writer_bool(w, lua_toboolean(L, idx)), path);
        return;
    case LUA_TLIGHTUSERDATA:
        if (lua_touserdata(L, idx) == NULL) {
            foil_lua_written(L, foil_json_writer_null(w), path);
            return;
        }
        foil_lua_encode_fail(L, path, "a userdata cannot be sent as JSON");
        return;
    case LUA_TNUMBER: {
#if LUA_VERSION_NUM >= 503
        if (lua_isinteger(L, idx)) {
            foil_lua_written(L, foil_json_writer_int(w, (int64_t)lua_tointeger(L, idx)), path);
            return;
        }
#endif
        double d = (double)lua_tonumber(L, idx);
        if (d != d || d == HUGE_VAL || d == -HUGE_VAL)
            foil_lua_encode_fail(L, path, "NaN and infinity cannot be sent as JSON");
        /* LuaJIT and 5.1 have only doubles: an integral one is written as an integer. */
        if (d == floor(d) && fabs(d) < 9007199254740992.0)
            foil_lua_written(L, foil_json_writer_int(w, (int64_t)d), path);
        else
            foil_lua_written(L, foil_json_writer_double(w, d), path);
        return;
    }
    case LUA_TSTRING: {
        size_t n = 0;
        const char *s = lua_tolstring(L, idx, &n);
        if (strict && strlen(s) != n) foil_lua_encode_fail(L, path, "contains a NUL byte");
        foil_lua_written(L, foil_json_writer_string(w, s, n), path);
        return;
    }
    case LUA_TTABLE: {
        size_t n = 0;
        if (depth >= FOIL_LUA_MAX_DEPTH) foil_lua_encode_fail(L, path, "nested too deeply");
        if (foil_lua_is_array(L, idx, &n)) {
            foil_lua_written(L, foil_json_writer_begin_array(w), path);
            for (size_t i = 1; i <= n; i++) {
                lua_rawgeti(L, idx, (int)i);
                foil_lua_encode_value(L, w, lua_gettop(L), depth + 1, path, strict);
                lua_pop(L, 1);
            }
            foil_lua_written(L, foil_json_writer_end_array(w), path);
            return;
        }
        foil_lua_written(L, foil_json_writer_begin_object(w), path);
        lua_pushnil(L);
        while (lua_next(L, idx)) {
            /* stack: ... key, value */
            if (lua_type(L, -2) != LUA_TSTRING)
                foil_lua_encode_fail(L, path, "object keys must be strings");
            size_t kn = 0;
            const char *k = lua_tolstring(L, -2, &kn);
            char sub[256];
            snprintf(sub, sizeof sub, "%s%s%s", path && *path ? path : "", path && *path ? "." : "",
                     k);
            foil_lua_written(L, foil_json_writer_key(w, k, kn), sub);
            foil_lua_encode_value(L, w, lua_gettop(L), depth + 1, sub, strict);
            lua_pop(L, 1); /* value */
        }
        foil_lua_written(L, foil_json_writer_end_object(w), path);
        return;
    }
    default:
        foil_lua_encode_fail(L, path, "functions, threads and userdata cannot be sent as JSON");
    }
}

typedef struct {
    foil_json_writer_t *writer;
    int strict;
} foil_lua_encoding;

/* (value, encoding) -> the JSON text. */
static int foil_lua_encode_step(lua_State *L) {
    const foil_lua_encoding *e = (const foil_lua_encoding *)lua_touserdata(L, 2);
    foil_lua_encode_value(L, e->writer, 1, 0, "", e->strict);
    size_t n = 0;
    const char *text = foil_json_writer_text(e->writer, &n);
    lua_pushlstring(L, text, n);
    return 1;
}

/* Push the JSON text of the value at idx, or raise (the writer freed either way). */
static void foil_lua_encode(lua_State *L, int idx, int strict) {
    foil_lua_encoding e = {NULL, strict};
    foil_status_t st = foil_json_writer_new(&e.writer);
    if (st != FOIL_OK) foil_lua_raise(L, st, NULL);
    luaL_checkstack(L, 3, "foil: no stack left");
    lua_pushcfunction(L, foil_lua_encode_step);
    lua_pushvalue(L, idx);
    lua_pushlightuserdata(L, &e);
    int failed = lua_pcall(L, 2, 1, 0);
    foil_json_writer_free(e.writer);
    if (failed) lua_error(L);
}

/* params_json(table or nil): the JSON object text foil_call takes, nil for nil. Strings
 * with a NUL byte are refused (C strings would cut them). */
int foil_lua_params_json(lua_State *L) {
    lua_settop(L, 1);
    if (lua_isnil(L, 1)) return 1;
    if (!lua_istable(L, 1)) foil_lua_argerror(L, "params must be a table");
    foil_lua_encode(L, 1, 1);
    if (lua_tostring(L, -1)[0] == '[')
        foil_lua_argerror(L, "params must be a table of named fields");
    return 1;
}

/* monotonic(): seconds on a monotonic clock (deadlines that survive clock changes). */
int foil_lua_monotonic(lua_State *L) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    lua_pushnumber(L, (lua_Number)ts.tv_sec + (lua_Number)ts.tv_nsec / 1e9);
    return 1;
}

/* close(handle): free a handle now (idempotent); later calls with it see a closed handle
 * and its __gc does nothing. */
int foil_lua_close(lua_State *L) {
    if (!foil_lua_handle_close(L, 1, 1))
        return foil_lua_argerror(L, "close: expected a libfoil handle");
    return 0;
}

int foil_lua_is_open(lua_State *L) {
    lua_pushboolean(L, foil_lua_handle_ptr(L, 1) != NULL);
    return 1;
}

int foil_lua_null(lua_State *L) {
    lua_pushlightuserdata(L, NULL);
    return 1;
}

int foil_lua_set_error_metatable(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_pushlightuserdata(L, &foil_lua_error_mt_key);
    lua_pushvalue(L, 1);
    lua_rawset(L, LUA_REGISTRYINDEX);
    return 0;
}

/* json_encode(value): JSON text (nil and foil.null -> null; sequences -> arrays). */
int foil_lua_json_encode(lua_State *L) {
    lua_settop(L, 1);
    foil_lua_encode(L, 1, 0);
    return 1;
}

/* json_decode(text): tables, with the null sentinel. Bad JSON raises a protocol error. */
int foil_lua_json_decode(lua_State *L) {
    size_t n = 0;
    const char *text = luaL_checklstring(L, 1, &n);
    foil_document_t *doc = NULL;
    foil_status_t st = foil_document_parse(text, n, &doc);
    if (st != FOIL_OK) return foil_lua_raise(L, st, NULL);
    int failed = foil_lua_convert(L, foil_lua_push_view, foil_document_root(doc));
    foil_document_free(doc);
    return failed ? lua_error(L) : 1;
}

/* sleep(seconds): let the caller wait between Gate steps without another module. */
int foil_lua_sleep(lua_State *L) {
    double s = (double)luaL_checknumber(L, 1);
    if (s <= 0) return 0;
    struct timespec ts;
    ts.tv_sec = (time_t)s;
    ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
    return 0;
}

/* data, or with the compiled fields at index `fields` (0: none) its projection. */
static void foil_lua_push_data(lua_State *L, const foil_json_t *data, int fields) {
    if (fields)
        foil_lua_push_projected(L, data, fields);
    else
        foil_lua_push_json(L, data);
}

/* call_result(handle, fields_or_nil): foil_call's result as tables -- its data, or for a page of
 * a paginated list { items, limit, has_more, next_cursor, request_id } (the pagination the
 * core read) -- then the handle is freed. */
int foil_lua_call_result(lua_State *L) {
    lua_settop(L, 2);
    foil_result_t *r = foil_lua_to_result(L, 1);
    if (!r) return foil_lua_argerror(L, "call_result: expected an open result");
    int fields = foil_lua_to_fields(L, 2) ? 2 : 0;
    if (!foil_result_paginated(r)) {
        foil_lua_push_data(L, foil_result_data(r), fields);
    } else {
        lua_createtable(L, 0, 5);
        foil_lua_push_data(L, foil_result_data(r), fields);
        lua_setfield(L, -2, "items");
        lua_pushinteger(L, foil_result_limit(r));
        lua_setfield(L, -2, "limit");
        lua_pushboolean(L, foil_result_has_more(r));
        lua_setfield(L, -2, "has_more");
        foil_lua_set_string(L, "next_cursor", foil_result_next_cursor(r));
        foil_lua_set_string(L, "request_id", foil_result_request_id(r));
    }
    foil_lua_handle_close(L, 1, 1); /* the tables are built: free the response now */
    return 1;
}

/* The generic-for step: upvalue 1 is the iterator handle (owned, __gc frees it), upvalue 2
 * the compiled fields or nil. */
static int foil_lua_iter_step(lua_State *L) {
    foil_iter_t *it = foil_lua_to_iter(L, lua_upvalueindex(1));
    if (!it) {
        lua_pushnil(L);
        return 1;
    }
    const foil_json_t *item = NULL;
    foil_status_t st = foil_iter_next(it, &item);
    if (st != FOIL_OK) {
        const foil_error_t *own = foil_iter_error(it);
        return foil_lua_raise(L, st, own && foil_error_status(own) == st ? own : NULL);
    }
    if (!item) {
        /* the end: free the pages now rather than at the next GC */
        foil_lua_handle_close(L, lua_upvalueindex(1), 1);
        lua_pushnil(L);
        return 1;
    }
    foil_lua_push_data(L, item, lua_isnil(L, lua_upvalueindex(2)) ? 0 : lua_upvalueindex(2));
    return 1;
}

/* walk(iterator handle, fields_or_nil) -> a generic-for function over foil_call_iter's walk.
 * Fields are handed to the core before the first page, which then parses each page keeping
 * only those paths (foil_iter_set_fields). */
int foil_lua_walk(lua_State *L) {
    lua_settop(L, 2);
    foil_iter_t *it = foil_lua_to_iter(L, 1);
    if (!it) return foil_lua_argerror(L, "walk: expected an open iterator");
    foil_lua_to_fields(L, 2);
    foil_status_t st;
    if (!lua_isnil(L, 2) && (st = foil_lua_fields_set(L, it, 2)) != FOIL_OK)
        return foil_lua_raise(L, st, NULL);
    lua_pushcclosure(L, foil_lua_iter_step, 2);
    return 1;
}

/* ---- A transport of the binding's own (foil/ngx.lua over nginx cosockets): the outcome of
 * an attempt and the retry rule, decided by the core with the failure's own record, which a
 * Lua error table could not hand back. */

/* The failure *e of attempt `attempt` stands (raised) or is retried: push nil and the wait. */
static int foil_lua_retry_or_raise(lua_State *L, const foil_http_request_t *req, foil_status_t st,
                                   foil_error_t **e, int attempt, long elapsed_ms) {
    long delay_ms = 0;
    if (*e && foil_retry_decision(req, attempt, *e, elapsed_ms, &delay_ms)) {
        foil_error_free(*e);
        *e = NULL;
        lua_pushnil(L);
        lua_pushinteger(L, (lua_Integer)delay_ms);
        return 2;
    }
    return foil_lua_raise_owned(L, st, e);
}

int foil_lua_settle(lua_State *L) {
    const foil_http_request_t *req = foil_lua_to_http_request(L, 1);
    const foil_http_response_t *resp = foil_lua_to_http_response(L, 2);
    if (!req || !resp) return foil_lua_argerror(L, "settle: expected an open request and response");
    int attempt = (int)luaL_checkinteger(L, 3);
    long elapsed_ms = (long)luaL_checknumber(L, 4);
    foil_result_t *result = NULL;
    foil_error_t *e = NULL;
    foil_status_t st = foil_complete(req, resp, &result, &e);
    if (st != FOIL_OK) return foil_lua_retry_or_raise(L, req, st, &e, attempt, elapsed_ms);
    if (!result) { /* no content */
        lua_pushnil(L);
        return 1;
    }
    foil_lua_push_result(L, result);
    return 1;
}

int foil_lua_settle_failure(lua_State *L) {
    const foil_http_request_t *req = foil_lua_to_http_request(L, 1);
    if (!req) return foil_lua_argerror(L, "settle_failure: expected an open request");
    foil_status_t status = (foil_status_t)luaL_checkinteger(L, 2);
    const char *detail = luaL_optstring(L, 3, NULL);
    int attempt = (int)luaL_checkinteger(L, 4);
    long elapsed_ms = (long)luaL_checknumber(L, 5);
    foil_error_t *e = NULL;
    foil_status_t st = foil_complete_failure(req, status, detail, &e);
    return foil_lua_retry_or_raise(L, req, st, &e, attempt, elapsed_ms);
}
