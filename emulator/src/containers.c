/* Small containers: a string-keyed hash map and a pointer vector. */
#include "emu.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash_key(const char *s) {
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static int grow(emu_map_t *m) {
    size_t n = m->nbuckets ? m->nbuckets * 2 : 64;
    emu_map_entry_t **b = calloc(n, sizeof(*b));
    if (!b) return -1;
    for (size_t i = 0; i < m->nbuckets; i++) {
        emu_map_entry_t *e = m->buckets[i];
        while (e) {
            emu_map_entry_t *next = e->next;
            size_t j = hash_key(e->key) & (n - 1);
            e->next = b[j];
            b[j] = e;
            e = next;
        }
    }
    free(m->buckets);
    m->buckets = b;
    m->nbuckets = n;
    return 0;
}

void *emu_map_get(const emu_map_t *m, const char *key) {
    if (!m->nbuckets || !key) return NULL;
    for (emu_map_entry_t *e = m->buckets[hash_key(key) & (m->nbuckets - 1)]; e; e = e->next)
        if (strcmp(e->key, key) == 0) return e->value;
    return NULL;
}

void *emu_map_put(emu_map_t *m, const char *key, void *value, int *failed) {
    *failed = 0;
    if ((m->count + 1) * 4 > m->nbuckets * 3 && grow(m) != 0) {
        *failed = 1;
        return NULL;
    }
    size_t j = hash_key(key) & (m->nbuckets - 1);
    for (emu_map_entry_t *e = m->buckets[j]; e; e = e->next) {
        if (strcmp(e->key, key) == 0) {
            void *old = e->value;
            e->value = value;
            return old;
        }
    }
    emu_map_entry_t *e = malloc(sizeof(*e));
    char *k = emu_strdup(key);
    if (!e || !k) {
        free(e);
        free(k);
        *failed = 1;
        return NULL;
    }
    e->key = k;
    e->value = value;
    e->next = m->buckets[j];
    m->buckets[j] = e;
    m->count++;
    return NULL;
}

void *emu_map_remove(emu_map_t *m, const char *key) {
    if (!m->nbuckets) return NULL;
    emu_map_entry_t **pp = &m->buckets[hash_key(key) & (m->nbuckets - 1)];
    for (; *pp; pp = &(*pp)->next) {
        if (strcmp((*pp)->key, key) == 0) {
            emu_map_entry_t *e = *pp;
            void *v = e->value;
            *pp = e->next;
            free(e->key);
            free(e);
            m->count--;
            return v;
        }
    }
    return NULL;
}

void emu_map_clear(emu_map_t *m, void (*fn)(void *value)) {
    for (size_t i = 0; i < m->nbuckets; i++) {
        emu_map_entry_t *e = m->buckets[i];
        while (e) {
            emu_map_entry_t *next = e->next;
            if (fn) fn(e->value);
            free(e->key);
            free(e);
            e = next;
        }
    }
    free(m->buckets);
    memset(m, 0, sizeof(*m));
}

int emu_vec_push(emu_vec_t *v, void *item) {
    if (v->len == v->cap) {
        size_t n = v->cap ? v->cap * 2 : 16;
        void **items = realloc(v->items, n * sizeof(*items));
        if (!items) return -1;
        v->items = items;
        v->cap = n;
    }
    v->items[v->len++] = item;
    return 0;
}

void emu_vec_clear(emu_vec_t *v, void (*fn)(void *item)) {
    for (size_t i = 0; i < v->len; i++)
        if (fn) fn(v->items[i]);
    free(v->items);
    memset(v, 0, sizeof(*v));
}

void emu_map_remove_if(emu_map_t *m, int (*pred)(void *value, void *ctx), void *ctx,
                       void (*fn)(void *value)) {
    for (size_t i = 0; i < m->nbuckets; i++) {
        emu_map_entry_t **pp = &m->buckets[i];
        while (*pp) {
            emu_map_entry_t *e = *pp;
            if (pred(e->value, ctx)) {
                *pp = e->next;
                if (fn) fn(e->value);
                free(e->key);
                free(e);
                m->count--;
            } else {
                pp = &e->next;
            }
        }
    }
}

void *emu_map_find(const emu_map_t *m, int (*pred)(void *value, void *ctx), void *ctx) {
    for (size_t i = 0; i < m->nbuckets; i++)
        for (emu_map_entry_t *e = m->buckets[i]; e; e = e->next)
            if (pred(e->value, ctx)) return e->value;
    return NULL;
}
