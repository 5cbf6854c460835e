/* A projection: the dotted member paths ("id", "latest_decision.verdict") a walk keeps of
 * each list item, compiled into a tree of member names for the parser
 * (foil_json_arena_parse_projected) to look names up in while it reads a page. */
#ifndef FOIL_JSON_PROJECTION_H
#define FOIL_JSON_PROJECTION_H

#include "internal.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct foil_json_projection foil_json_projection_t;

typedef struct foil_json_projection_node {
    char *name; /* NUL-terminated, owned */
    size_t len;
    bool whole;
    int first_child, next; /* -1: none */
    uint64_t children;     /* one bit per child name (foil_json_name_bit): a clear bit, none */
} foil_json_projection_node_t;

struct foil_json_projection {
    int count, cap;
    foil_json_projection_node_t *node;
};

/* A member name's bit in 64: from its length and first byte, as the parser's own sketch of
 * the names of an object. */
static inline uint64_t foil_json_name_bit(const char *name, size_t len) {
    uint64_t sketch = (uint64_t)len << 8 | (unsigned char)(len ? name[0] : 0);
    return (uint64_t)1 << ((sketch * 0x9E3779B97F4A7C15u) >> 58);
}

/* Node 0 is the root (the item itself); a path's segments are the nodes below it. */
#define FOIL_JSON_PROJECTION_ROOT 0

/* Compile a JSON array of path strings (`["id", "latest_decision.verdict"]`): at least one
 * path, none empty, no empty segment (a leading, trailing or double dot), at most 64
 * segments each; a path under another one adds nothing (the shorter keeps the whole value).
 * FOIL_E_INVALID_ARGUMENT naming `fields` otherwise; FOIL_E_NOMEM. */
foil_status_t foil_json_projection_new(const char *paths_json, foil_json_projection_t **out);
void foil_json_projection_free(foil_json_projection_t *p);

/* The child of node `at` named [name, name + len) (`bit`: its foil_json_name_bit), or -1.
 * Inline: the parser asks it for every member of every item, and most names are ruled out
 * by their bit. */
static inline int foil_json_projection_child(const foil_json_projection_t *p, int at,
                                             const char *name, size_t len, uint64_t bit) {
    if (!(p->node[at].children & bit)) return -1;
    for (int c = p->node[at].first_child; c >= 0; c = p->node[c].next)
        if (p->node[c].len == len && memcmp(p->node[c].name, name, len) == 0) return c;
    return -1;
}

/* A path ends at node `at`: its whole value is kept. */
static inline bool foil_json_projection_whole(const foil_json_projection_t *p, int at) {
    return p->node[at].whole;
}

#endif
