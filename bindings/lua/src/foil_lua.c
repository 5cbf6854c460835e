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

static int foil_lua_kind_error(lua_State *L, const char *kind, const char *message);

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
    if (depth > FOIL_LUA_MAX_DEPTH) foil_lua_kind_error(L, "protocol", "JSON nested too deeply");
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
 * left out (nil) at the top level and in field_errors, so `if err.request_id` reads well. */
void foil_lua_push_error(lua_State *L, foil_status_t st, const foil_error_t *e) {
    const foil_json_t *j = foil_error_status(e) == st ? foil_error_json(e) : NULL;
    lua_createtable(L, 0, 14);
    if (!j) {
        /* The record describes another failure (a call that reports only a status, such
         * as the emulator's), or memory ran out: kind and text from the status table. */
        foil_lua_set_string(L, "kind", foil_status_kind(st));
        lua_pushinteger(L, 0);
        lua_setfield(L, -2, "status");
        lua_pushfstring(L, "client.%s", foil_status_kind(st));
        lua_setfield(L, -2, "code");
        foil_lua_set_string(L, "message", foil_status_str(st));
        lua_pushboolean(L, 0);
        lua_setfield(L, -2, "retryable");
        lua_newtable(L);
        lua_setfield(L, -2, "field_errors");
        lua_newtable(L);
        lua_setfield(L, -2, "allowed_values");
    } else {
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
    }
    lua_pushlightuserdata(L, &foil_lua_error_mt_key);
    lua_rawget(L, LUA_REGISTRYINDEX);
    if (lua_istable(L, -1))
        lua_setmetatable(L, -2);
    else
        lua_pop(L, 1);
}

/* Push the error table for a failed call and raise it. */
static int foil_lua_raise(lua_State *L, foil_status_t st, const foil_error_t *e) {
    foil_lua_push_error(L, st, e ? e : foil_last_error());
    return lua_error(L);
}

/* Raise an error table of this kind, like the core's client-side ones. */
static int foil_lua_kind_error(lua_State *L, const char *kind, const char *message) {
    lua_createtable(L, 0, 6);
    foil_lua_set_string(L, "kind", kind);
    lua_pushinteger(L, 0);
    lua_setfield(L, -2, "status");
    lua_pushfstring(L, "client.%s", kind);
    lua_setfield(L, -2, "code");
    foil_lua_set_string(L, "message", message);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "retryable");
    lua_newtable(L);
    lua_setfield(L, -2, "field_errors");
    lua_pushlightuserdata(L, &foil_lua_error_mt_key);
    lua_rawget(L, LUA_REGISTRYINDEX);
    if (lua_istable(L, -1))
        lua_setmetatable(L, -2);
    else
        lua_pop(L, 1);
    return lua_error(L);
}

/* A programmer error. */
int foil_lua_argerror(lua_State *L, const char *message) {
    return foil_lua_kind_error(L, "invalid_argument", message);
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

/* ---- Lua value -> JSON text (for params and bodies). */
static void foil_lua_encode_string(luaL_Buffer *b, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    luaL_addchar(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"':
            luaL_addstring(b, "\\\"");
            break;
        case '\\':
            luaL_addstring(b, "\\\\");
            break;
        case '\n':
            luaL_addstring(b, "\\n");
            break;
        case '\r':
            luaL_addstring(b, "\\r");
            break;
        case '\t':
            luaL_addstring(b, "\\t");
            break;
        case '\b':
            luaL_addstring(b, "\\b");
            break;
        case '\f':
            luaL_addstring(b, "\\f");
            break;
        default:
            if (c < 0x20) {
                char u[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
                luaL_addstring(b, u);
            } else {
                luaL_addchar(b, (char)c);
            }
        }
    }
    luaL_addchar(b, '"');
}

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
        if (k < 1 || k != floor(k)) {
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

/* Encode the value at idx (absolute) as JSON text and push it. Pieces are Lua strings
 * joined with lua_concat (a luaL_Buffer needs balanced stack use, recursion does not);
 * errors are raised as invalid_argument tables naming the field. */

/* The pieces that need a luaL_Buffer (as large as BUFSIZ on LuaJIT) are built outside the
 * recursive frame, so FOIL_LUA_MAX_DEPTH levels fit the C stack. */
#if defined(__GNUC__)
#define FOIL_LUA_NOINLINE __attribute__((noinline))
#else
#define FOIL_LUA_NOINLINE
#endif

/* Push the JSON string for s. */
static FOIL_LUA_NOINLINE void foil_lua_push_encoded_string(lua_State *L, const char *s, size_t n) {
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    foil_lua_encode_string(&b, s, n);
    luaL_pushresult(&b);
}

/* Push `,"key":` (no comma before the first member). */
static FOIL_LUA_NOINLINE void foil_lua_push_member_name(lua_State *L, int first, const char *k,
                                                        size_t kn) {
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    if (!first) luaL_addchar(&b, ',');
    foil_lua_encode_string(&b, k, kn);
    luaL_addchar(&b, ':');
    luaL_pushresult(&b);
}

/* strict: refuse strings with a NUL byte (request parameters: C strings would cut them). */
static void foil_lua_encode_value(lua_State *L, int idx, int depth, const char *path, int strict) {
    luaL_checkstack(L, 8, "foil: value too deep");
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
        lua_pushliteral(L, "null");
        return;
    case LUA_TBOOLEAN:
        if (lua_toboolean(L, idx))
            lua_pushliteral(L, "true");
        else
            lua_pushliteral(L, "false");
        return;
    case LUA_TLIGHTUSERDATA:
        if (lua_touserdata(L, idx) == NULL) {
            lua_pushliteral(L, "null");
            return;
        }
        foil_lua_encode_fail(L, path, "a userdata cannot be sent as JSON");
        return;
    case LUA_TNUMBER: {
        char num[64];
#if LUA_VERSION_NUM >= 503
        if (lua_isinteger(L, idx)) {
            snprintf(num, sizeof num, LUA_INTEGER_FMT, (LUAI_UACINT)lua_tointeger(L, idx));
            lua_pushstring(L, num);
            return;
        }
#endif
        double d = (double)lua_tonumber(L, idx);
        if (d != d || d == HUGE_VAL || d == -HUGE_VAL)
            foil_lua_encode_fail(L, path, "NaN and infinity cannot be sent as JSON");
        if (d == floor(d) && fabs(d) < 9007199254740992.0)
            snprintf(num, sizeof num, "%.0f", d);
        else
            snprintf(num, sizeof num, "%.17g", d);
        lua_pushstring(L, num);
        return;
    }
    case LUA_TSTRING: {
        size_t n = 0;
        const char *s = lua_tolstring(L, idx, &n);
        if (strict && strlen(s) != n) foil_lua_encode_fail(L, path, "contains a NUL byte");
        foil_lua_push_encoded_string(L, s, n);
        return;
    }
    case LUA_TTABLE: {
        size_t n = 0;
        if (depth >= FOIL_LUA_MAX_DEPTH) foil_lua_encode_fail(L, path, "nested too deeply");
        int top = lua_gettop(L);
        if (foil_lua_is_array(L, idx, &n)) {
            lua_pushliteral(L, "[");
            for (size_t i = 1; i <= n; i++) {
                if (i > 1) lua_pushliteral(L, ",");
                lua_rawgeti(L, idx, (int)i);
                foil_lua_encode_value(L, lua_gettop(L), depth + 1, path, strict);
                lua_remove(L, -2);
            }
            lua_pushliteral(L, "]");
            lua_concat(L, lua_gettop(L) - top);
            return;
        }
        lua_pushliteral(L, "{");
        int first = 1, pieces = 1;
        lua_pushnil(L);
        while (lua_next(L, idx)) {
            /* stack: ... pieces, key, value */
            if (lua_type(L, -2) != LUA_TSTRING)
                foil_lua_encode_fail(L, path, "object keys must be strings");
            int kidx = lua_gettop(L) - 1, vidx = lua_gettop(L);
            size_t kn = 0;
            const char *k = lua_tolstring(L, kidx, &kn);
            char sub[256];
            snprintf(sub, sizeof sub, "%s%s%s", path && *path ? path : "", path && *path ? "." : "",
                     k);
            foil_lua_push_member_name(L, first, k, kn);
            foil_lua_encode_value(L, vidx, depth + 1, sub, strict);
            lua_concat(L, 2);
            /* move the piece below the key */
            lua_insert(L, kidx);
            lua_pop(L, 1); /* value */
            pieces++;
            first = 0;
        }
        lua_pushliteral(L, "}");
        lua_concat(L, pieces + 1);
        (void)top;
        return;
    }
    default:
        foil_lua_encode_fail(L, path, "functions, threads and userdata cannot be sent as JSON");
    }
}

/* params_json(table or nil): the JSON object text foil_call takes, nil for nil. Strings
 * with a NUL byte are refused (C strings would cut them). */
int foil_lua_params_json(lua_State *L) {
    lua_settop(L, 1);
    if (lua_isnil(L, 1)) return 1;
    if (!lua_istable(L, 1)) foil_lua_argerror(L, "params must be a table");
    foil_lua_encode_value(L, 1, 0, "", 1);
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
    foil_lua_encode_value(L, 1, 0, "", 0);
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

/* walk(iterator handle, fields_or_nil) -> a generic-for function over foil_call_iter's walk. */
int foil_lua_walk(lua_State *L) {
    lua_settop(L, 2);
    if (!foil_lua_to_iter(L, 1)) return foil_lua_argerror(L, "walk: expected an open iterator");
    foil_lua_to_fields(L, 2);
    lua_pushcclosure(L, foil_lua_iter_step, 2);
    return 1;
}
