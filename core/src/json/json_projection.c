/* Compiling dotted member paths into the tree the projected parse looks names up in. */
#include "json_projection.h"

#include "json_arena.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SEGMENTS 64

void foil_json_projection_free(foil_json_projection_t *p) {
    if (!p) return;
    for (int i = 0; i < p->count; i++)
        free(p->node[i].name);
    free(p->node);
    free(p);
}

/* A new last child of `parent` named [name, name + len); -1 out of memory. */
static int add_child(foil_json_projection_t *p, int parent, const char *name, size_t len) {
    if (p->count == p->cap) {
        int cap = p->cap * 2;
        foil_json_projection_node_t *grown = realloc(p->node, (size_t)cap * sizeof *grown);
        if (!grown) return -1;
        p->node = grown;
        p->cap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy) return -1;
    memcpy(copy, name, len);
    copy[len] = '\0';
    int c = p->count++;
    p->node[c] = (foil_json_projection_node_t){copy, len, false, -1, -1, 0};
    p->node[parent].children |= foil_json_name_bit(copy, len);
    int *link = &p->node[parent].first_child; /* appended: members keep the paths' order */
    while (*link >= 0)
        link = &p->node[*link].next;
    *link = c;
    return c;
}

static foil_status_t bad(const char *issue) {
    return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "fields", issue, NULL, NULL);
}

/* Add one path; FOIL_OK, or the status of its refusal. */
static foil_status_t add_path(foil_json_projection_t *p, const char *path) {
    size_t len = strlen(path);
    if (len == 0) return bad("has an empty path");
    if (path[0] == '.' || path[len - 1] == '.' || strstr(path, ".."))
        return bad("has an empty segment (a leading, trailing or double dot)");
    const char *s = path, *end = path + len;
    int at = FOIL_JSON_PROJECTION_ROOT, segments = 0;
    while (!p->node[at].whole) {
        if (++segments > MAX_SEGMENTS) return bad("has a path of more than 64 segments");
        const char *dot = memchr(s, '.', (size_t)(end - s));
        size_t n = (size_t)((dot ? dot : end) - s);
        int c = foil_json_projection_child(p, at, s, n, foil_json_name_bit(s, n));
        if (c < 0 && (c = add_child(p, at, s, n)) < 0) return foil_fail_nomem();
        at = c;
        if (!dot) {
            p->node[at].whole = true; /* deeper paths given before are now part of it */
            break;
        }
        s = dot + 1;
    }
    return FOIL_OK;
}

foil_status_t foil_json_projection_new(const char *paths_json, foil_json_projection_t **out) {
    if (!out)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "out", "must not be NULL", NULL, NULL);
    *out = NULL;
    if (!paths_json) return bad("must not be NULL");
    foil_json_arena_t *arena = NULL;
    cJSON *list = NULL;
    if (foil_json_arena_parse(paths_json, strlen(paths_json), &arena, &list) != FOIL_OK)
        return bad("must be a JSON array of path strings");
    foil_status_t st = FOIL_OK;
    if (!cJSON_IsArray(list) || !list->child) st = bad("must be a JSON array of path strings");
    for (const cJSON *e = list ? list->child : NULL; st == FOIL_OK && e; e = e->next)
        if (!cJSON_IsString(e)) st = bad("must hold only path strings");
    foil_json_projection_t *p = NULL;
    if (st == FOIL_OK && (!(p = calloc(1, sizeof *p)) || !(p->node = malloc(8 * sizeof *p->node))))
        st = foil_fail_nomem();
    if (st == FOIL_OK) {
        p->cap = 8;
        p->count = 1;
        p->node[0] = (foil_json_projection_node_t){NULL, 0, false, -1, -1, 0};
        for (const cJSON *e = list->child; st == FOIL_OK && e; e = e->next)
            st = add_path(p, e->valuestring);
    }
    foil_json_arena_free(arena, false);
    if (st != FOIL_OK) {
        foil_json_projection_free(p);
        return st;
    }
    *out = p;
    return FOIL_OK;
}
