/* foil_lua_fields.c: projections, the `fields` option of list / iter / get.
 *
 * `fields = { "id", "latest_decision.verdict" }` compiles (foil.native.fields) into a tree of
 * member names held in one userdata; an item is then pushed as a plain table holding only
 * those paths (nested tables for dotted paths), read from the page's JSON view without
 * converting the rest. Paths are checked against the core's model table (models.h): each
 * segment must be a documented field of the model reached so far; a free-form field (`any`,
 * maps) takes any further segments; a scalar or an array ends a path.
 *
 * An iterator also hands the paths to the core (foil_iter_set_fields), so the pages it
 * parses hold only those members of each item: the rest is checked but never built.
 */
#include "foil_lua.h"

#include <stdint.h>
#include <string.h>

/* A short string value a path ended on last time, and whether to keep remembering: many
 * fields hold one of a few values (a verdict, a phase, a status), and pushing the Lua
 * string made for the last one costs an array read where a new push hashes and interns. */
#define FOIL_LUA_FIELDS_LAST 32
#define FOIL_LUA_FIELDS_MISSES 16 /* values in a row that differ: stop remembering (ids) */

/* One node of the tree: a member name and the paths below it. Node 0 is the root. */
typedef struct {
    const char *key; /* NUL-terminated, in the userdata's string area */
    size_t key_len;
    int whole;       /* a path ends here: the whole value, whatever is asked below it */
    int first_child; /* -1: none */
    int next;        /* next sibling, -1: none */
    int children;
    size_t last_len; /* the string remembered, its Lua string at keys[count + i]; */
    int misses;      /* misses in a row */
    char last[FOIL_LUA_FIELDS_LAST];
} foil_lua_field_node;

struct foil_lua_fields {
    int count;
    foil_lua_field_node node[];
};

#if LUA_VERSION_NUM >= 502
#define foil_lua_rawlen lua_rawlen
#define foil_lua_set_keys lua_setuservalue
#define foil_lua_get_keys lua_getuservalue
#else
#define foil_lua_rawlen lua_objlen
#define foil_lua_set_keys lua_setfenv
#define foil_lua_get_keys lua_getfenv
#endif

/* Deeper paths than this are refused (the projection recurses once per segment). */
#define FOIL_LUA_FIELDS_MAX_SEGMENTS 64

static const char foil_lua_fields_tname[] = "foil.fields";

/* ---- Checking a path against the model table. */

/* The row of `object`'s field named json_name, looking through its base models; -1 if none. */
static long foil_lua_model_field(const char *object, const char *name, size_t name_len) {
    int hops = 0;
    while (object && strcmp(object, "none") != 0 && hops++ < 16) {
        for (size_t i = 0; i < foil_model_field_count(); i++) {
            const char *json_name = foil_model_field_info(i, "json_name");
            if (strcmp(foil_model_field_info(i, "object"), object) == 0 &&
                strlen(json_name) == name_len && memcmp(json_name, name, name_len) == 0)
                return (long)i;
        }
        const char *base = NULL;
        for (size_t m = 0; m < foil_model_count(); m++)
            if (strcmp(foil_model_info(m, "object"), object) == 0)
                base = foil_model_info(m, "base");
        object = base;
    }
    return -1;
}

static const char *foil_lua_model_class(const char *object) {
    for (size_t m = 0; m < foil_model_count(); m++)
        if (strcmp(foil_model_info(m, "object"), object) == 0) return foil_model_info(m, "class");
    return NULL;
}

static int foil_lua_is_model(const char *object) {
    return foil_lua_model_class(object) != NULL;
}

static int foil_lua_fields_fail(lua_State *L, const char *path, const char *why) {
    return foil_lua_argerror(L, lua_pushfstring(L, "fields: \"%s\": %s", path, why));
}

/* "fields: "a.b": b <what>", naming the segment seg[0..n). */
static int foil_lua_segment_fail(lua_State *L, const char *path, const char *seg, size_t n,
                                 const char *what) {
    const char *name = (lua_pushlstring(L, seg, n), lua_tostring(L, -1));
    return foil_lua_argerror(L, lua_pushfstring(L, "fields: \"%s\": %s %s", path, name, what));
}

/* Check one path (syntax, then the model when given); count its segments. */
static int foil_lua_check_path(lua_State *L, const char *path, size_t len, const char *model) {
    if (len == 0) return foil_lua_fields_fail(L, path, "an empty path");
    if (strlen(path) != len) return foil_lua_fields_fail(L, path, "contains a NUL byte");
    if (path[0] == '.' || path[len - 1] == '.' || strstr(path, ".."))
        return foil_lua_fields_fail(L, path,
                                    "an empty segment (a leading, trailing or double dot)");
    int segments = 0;
    const char *object = model; /* NULL: free-form below this point */
    const char *p = path, *end = path + len;
    while (p <= end) {
        const char *dot = memchr(p, '.', (size_t)(end - p));
        const char *seg_end = dot ? dot : end;
        size_t n = (size_t)(seg_end - p);
        if (++segments > FOIL_LUA_FIELDS_MAX_SEGMENTS)
            return foil_lua_fields_fail(L, path, "more than 64 segments");
        if (object) {
            long row = foil_lua_model_field(object, p, n);
            if (row < 0) {
                const char *what =
                    lua_pushfstring(L, "is not a field of %s", foil_lua_model_class(object));
                return foil_lua_segment_fail(L, path, p, n, what);
            }
            const char *kind = foil_model_field_info((size_t)row, "kind");
            const char *type = foil_model_field_info((size_t)row, "type");
            if (dot && strcmp(kind, "OBJECT") != 0)
                return foil_lua_segment_fail(L, path, p, n,
                                             strcmp(kind, "ARRAY") == 0
                                                 ? "is an array: a path ends there"
                                                 : "is not an object: a path ends there");
            object = foil_lua_is_model(type) ? type : NULL;
        }
        if (!dot) break;
        p = dot + 1;
    }
    return segments;
}

/* ---- Compiling: fields(list, model_object_or_nil) -> userdata. */

/* The paths as a JSON array (the list at index 1, checked), for foil_iter_set_fields. */
static void foil_lua_push_paths_json(lua_State *L, size_t n) {
    foil_json_writer_t *w = NULL;
    foil_status_t st = foil_json_writer_new(&w);
    if (st == FOIL_OK) st = foil_json_writer_begin_array(w);
    for (size_t i = 1; st == FOIL_OK && i <= n; i++) {
        lua_rawgeti(L, 1, (int)i);
        size_t len = 0;
        const char *path = lua_tolstring(L, -1, &len);
        st = foil_json_writer_string(w, path, len);
        lua_pop(L, 1);
    }
    if (st == FOIL_OK) st = foil_json_writer_end_array(w);
    size_t len = 0;
    const char *text = st == FOIL_OK ? foil_json_writer_text(w, &len) : NULL;
    if (text) lua_pushlstring(L, text, len);
    foil_json_writer_free(w);
    if (!text) luaL_error(L, "foil: not enough memory");
}

static int foil_lua_find_child(const struct foil_lua_fields *f, int parent, const char *key,
                               size_t n) {
    for (int c = f->node[parent].first_child; c >= 0; c = f->node[c].next)
        if (f->node[c].key_len == n && memcmp(f->node[c].key, key, n) == 0) return c;
    return -1;
}

int foil_lua_fields(lua_State *L) {
    const char *model = lua_isnoneornil(L, 2) ? NULL : luaL_checkstring(L, 2);
    if (model && !foil_lua_is_model(model)) return foil_lua_argerror(L, "fields: unknown model");
    if (!lua_istable(L, 1))
        return foil_lua_argerror(
            L, "fields must be a list of paths ({ \"id\", \"latest_decision.verdict\" })");
    size_t n = foil_lua_rawlen(L, 1);
    /* Only 1..n: a table with other keys is a mistake (fields = { id = true }). */
    size_t keys = 0;
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        lua_pop(L, 1);
        keys++;
    }
    if (keys != n)
        return foil_lua_argerror(L, "fields must be a list of paths, with no other keys");
    if (n == 0) return foil_lua_argerror(L, "fields must name at least one path");
    /* Pass 1: check every path, size the tree. */
    size_t nodes = 1, bytes = 0;
    for (size_t i = 1; i <= n; i++) {
        lua_rawgeti(L, 1, (int)i);
        if (lua_type(L, -1) != LUA_TSTRING)
            return foil_lua_argerror(L, lua_pushfstring(L, "fields[%d] must be a string, not %s",
                                                        (int)i, luaL_typename(L, -1)));
        size_t len = 0;
        const char *path = lua_tolstring(L, -1, &len);
        nodes += (size_t)foil_lua_check_path(L, path, len, model);
        bytes += len + 1;
        lua_pop(L, 1);
    }
    size_t head = sizeof(struct foil_lua_fields) + nodes * sizeof(foil_lua_field_node);
    struct foil_lua_fields *f = (struct foil_lua_fields *)lua_newuserdata(L, head + bytes);
    char *strings = (char *)f + head;
    f->count = 1;
    f->node[0] = (foil_lua_field_node){"", 0, 0, -1, -1, 0, SIZE_MAX, 0, {0}};
    /* Pass 2: the tree; a path and a longer one under it give the whole value. */
    for (size_t i = 1; i <= n; i++) {
        lua_rawgeti(L, 1, (int)i);
        size_t len = 0;
        const char *p = lua_tolstring(L, -1, &len), *end = p + len;
        int at = 0;
        while (!f->node[at].whole) {
            const char *dot = memchr(p, '.', (size_t)(end - p));
            size_t seg = (size_t)((dot ? dot : end) - p);
            int child = foil_lua_find_child(f, at, p, seg);
            if (child < 0) {
                child = f->count++;
                memcpy(strings, p, seg);
                strings[seg] = '\0';
                f->node[child] =
                    (foil_lua_field_node){strings, seg, 0, -1, -1, 0, SIZE_MAX, 0, {0}};
                strings += seg + 1;
                /* append, so tables are filled in the order the paths were given */
                int *link = &f->node[at].first_child;
                while (*link >= 0)
                    link = &f->node[*link].next;
                *link = child;
                f->node[at].children++;
            }
            at = child;
            if (!dot) {
                f->node[at].whole = 1;
                break;
            }
            p = dot + 1;
        }
        lua_pop(L, 1);
    }
    /* The member names as Lua strings, node i at [i]: pushed per item without hashing;
     * the paths as JSON at [0]. */
    lua_createtable(L, 2 * f->count, 1);
    for (int i = 1; i < f->count; i++) {
        lua_pushlstring(L, f->node[i].key, f->node[i].key_len);
        lua_rawseti(L, -2, i);
    }
    foil_lua_push_paths_json(L, n);
    lua_rawseti(L, -2, 0);
    foil_lua_set_keys(L, -2);
    luaL_getmetatable(L, foil_lua_fields_tname);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        luaL_newmetatable(L, foil_lua_fields_tname);
    }
    lua_setmetatable(L, -2);
    return 1;
}

const struct foil_lua_fields *foil_lua_to_fields(lua_State *L, int idx) {
    if (lua_isnoneornil(L, idx)) return NULL;
    return (const struct foil_lua_fields *)luaL_checkudata(L, idx, foil_lua_fields_tname);
}

foil_status_t foil_lua_fields_set(lua_State *L, foil_iter_t *it, int fields) {
    foil_lua_get_keys(L, fields);
    lua_rawgeti(L, -1, 0);
    foil_status_t st = foil_iter_set_fields(it, lua_tostring(L, -1));
    lua_pop(L, 2);
    return st;
}

/* ---- Projecting. */

/* The string value m of node c, as the Lua string made for the same value last time when
 * it is that (keys: as below). */
static void foil_lua_push_leaf_string(lua_State *L, const foil_json_t *m, struct foil_lua_fields *f,
                                      int c, int keys) {
    foil_lua_field_node *node = &f->node[c];
    const char *s = foil_json_string(m);
    size_t n = strlen(s);
    if (n == node->last_len && memcmp(s, node->last, n) == 0) {
        lua_rawgeti(L, keys, f->count + c);
        node->misses = 0;
        return;
    }
    lua_pushlstring(L, s, n);
    if (n <= FOIL_LUA_FIELDS_LAST && node->misses < FOIL_LUA_FIELDS_MISSES) {
        node->misses++;
        memcpy(node->last, s, n);
        node->last_len = n;
        lua_pushvalue(L, -1);
        lua_rawseti(L, keys, f->count + c);
    }
}

/* keys: the stack index of the member names (absolute). */
static void foil_lua_push_node(lua_State *L, const foil_json_t *object, struct foil_lua_fields *f,
                               int at, int keys) {
    luaL_checkstack(L, 4, "foil: fields too deep");
    lua_createtable(L, 0, f->node[at].children);
    for (int c = f->node[at].first_child; c >= 0; c = f->node[c].next) {
        const foil_lua_field_node *node = &f->node[c];
        const foil_json_t *m = foil_json_get(object, node->key);
        foil_json_type_t type = foil_json_type(m);
        /* absent, or not an object where the path goes on: left out */
        if (type == FOIL_JSON_ABSENT ||
            (!node->whole && type != FOIL_JSON_OBJECT && type != FOIL_JSON_NULL))
            continue;
        lua_rawgeti(L, keys, c);
        if (node->whole && type == FOIL_JSON_STRING)
            foil_lua_push_leaf_string(L, m, f, c, keys);
        else if (node->whole || type == FOIL_JSON_NULL)
            foil_lua_push_json(L, m); /* null stays foil.null, on the way too */
        else
            foil_lua_push_node(L, m, f, c, keys);
        lua_rawset(L, -3);
    }
}

void foil_lua_push_projected(lua_State *L, const foil_json_t *v, int fields) {
    struct foil_lua_fields *f = (struct foil_lua_fields *)lua_touserdata(L, fields);
    luaL_checkstack(L, 4, "foil: no stack left");
    foil_lua_get_keys(L, fields);
    int keys = lua_gettop(L);
    switch (foil_json_type(v)) {
    case FOIL_JSON_OBJECT:
        foil_lua_push_node(L, v, f, 0, keys);
        break;
    case FOIL_JSON_ARRAY: {
        /* a list's data (gate.services.list): each element */
        lua_createtable(L, (int)foil_json_size(v), 0);
        int i = 1;
        for (const foil_json_t *e = foil_json_at(v, 0); e; e = foil_json_next(e)) {
            if (foil_json_type(e) == FOIL_JSON_OBJECT)
                foil_lua_push_node(L, e, f, 0, keys);
            else
                foil_lua_push_json(L, e);
            lua_rawseti(L, -2, i++);
        }
        break;
    }
    default:
        foil_lua_push_json(L, v);
    }
    lua_remove(L, keys);
}
