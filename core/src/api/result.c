/* foil_result_t and foil_page_t: owned API responses. */
#include "result.h"

#include <stdlib.h>

/* Array elements indexed once, so count and item(i) are O(1). */
typedef struct item_index {
    const cJSON **items;
    size_t count;
} item_index;

struct foil_result {
    foil_response_t response;
    const cJSON *data;
    const cJSON *pagination; /* a paginated list's page (foil_result_from_page), else NULL */
    item_index index;
};

struct foil_page {
    foil_response_t response;
    const cJSON *data;
    const cJSON *pagination;
    item_index index;
};

static foil_status_t index_items(const cJSON *array, item_index *index) {
    size_t n = 0;
    for (const cJSON *e = array ? array->child : NULL; e; e = e->next)
        n++;
    if (n == 0) return FOIL_OK;
    if (!(index->items = malloc(n * sizeof *index->items))) return foil_fail_nomem();
    for (const cJSON *e = array->child; e; e = e->next)
        index->items[index->count++] = e;
    return FOIL_OK;
}

static const cJSON *member(const cJSON *obj, const char *key) {
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

foil_status_t foil_result_from_response(foil_response_t *response, foil_result_t **out) {
    *out = NULL;
    foil_result_t *r = calloc(1, sizeof *r);
    if (!r) {
        foil_response_clear(response);
        return foil_fail_nomem();
    }
    r->response = *response;
    *response = (foil_response_t){0};
    foil_status_t st = FOIL_OK;
    r->data = member(r->response.root, "data");
    if (!cJSON_IsObject(r->data) && !cJSON_IsArray(r->data))
        st = foil_fail(FOIL_E_PROTOCOL, "response has no `data` object");
    else if (cJSON_IsArray(r->data))
        st = index_items(r->data, &r->index);
    if (st != FOIL_OK) {
        foil_result_free(r);
        return st;
    }
    *out = r;
    return FOIL_OK;
}

foil_status_t foil_page_from_response(foil_response_t *response, foil_page_t **out) {
    *out = NULL;
    foil_page_t *p = calloc(1, sizeof *p);
    if (!p) {
        foil_response_clear(response);
        return foil_fail_nomem();
    }
    p->response = *response;
    *response = (foil_response_t){0};
    p->data = member(p->response.root, "data");
    p->pagination = member(p->response.root, "pagination");
    foil_status_t st;
    if (!cJSON_IsArray(p->data) || !cJSON_IsObject(p->pagination) ||
        !cJSON_IsBool(member(p->pagination, "has_more")))
        st = foil_fail(FOIL_E_PROTOCOL, "list response lacks `data` or `pagination`");
    else
        st = index_items(p->data, &p->index);
    if (st != FOIL_OK) {
        foil_page_free(p);
        return st;
    }
    *out = p;
    return FOIL_OK;
}

foil_status_t foil_result_from_page(foil_page_t *page, foil_result_t **out) {
    *out = NULL;
    foil_result_t *r = calloc(1, sizeof *r);
    if (!r) {
        foil_page_free(page);
        return foil_fail_nomem();
    }
    r->response = page->response;
    r->data = page->data;
    r->pagination = page->pagination;
    r->index = page->index;
    page->response = (foil_response_t){0};
    page->index = (item_index){0};
    foil_page_free(page);
    *out = r;
    return FOIL_OK;
}

const foil_json_t *foil_result_data(const foil_result_t *r) {
    return r ? FOIL_VIEW(r->data) : NULL;
}
const foil_json_t *foil_result_json(const foil_result_t *r) {
    return r ? FOIL_VIEW(r->response.root) : NULL;
}
const char *foil_result_request_id(const foil_result_t *r) {
    return r ? r->response.request_id : NULL;
}
int foil_result_http_status(const foil_result_t *r) {
    return r ? r->response.http_status : 0;
}
size_t foil_result_count(const foil_result_t *r) {
    return r ? r->index.count : 0;
}
const foil_json_t *foil_result_item(const foil_result_t *r, size_t i) {
    return r && i < r->index.count ? FOIL_VIEW(r->index.items[i]) : NULL;
}
int foil_result_paginated(const foil_result_t *r) {
    return r && r->pagination;
}
int foil_result_limit(const foil_result_t *r) {
    int64_t v = 0;
    return r && foil_json_get_int(FOIL_VIEW(r->pagination), "limit", &v) ? (int)v : 0;
}
int foil_result_has_more(const foil_result_t *r) {
    return r && cJSON_IsTrue(member(r->pagination, "has_more"));
}
const char *foil_result_next_cursor(const foil_result_t *r) {
    return r ? foil_json_get_string(FOIL_VIEW(r->pagination), "next_cursor") : NULL;
}
void foil_result_free(foil_result_t *r) {
    if (!r) return;
    free(r->index.items);
    foil_response_clear(&r->response);
    free(r);
}

size_t foil_page_count(const foil_page_t *p) {
    return p ? p->index.count : 0;
}
const foil_json_t *foil_page_item(const foil_page_t *p, size_t i) {
    return p && i < p->index.count ? FOIL_VIEW(p->index.items[i]) : NULL;
}
const foil_json_t *foil_page_items(const foil_page_t *p) {
    return p ? FOIL_VIEW(p->data) : NULL;
}
int foil_page_limit(const foil_page_t *p) {
    int64_t v = 0;
    return p && foil_json_get_int(FOIL_VIEW(p->pagination), "limit", &v) ? (int)v : 0;
}
int foil_page_has_more(const foil_page_t *p) {
    return p && cJSON_IsTrue(member(p->pagination, "has_more"));
}
const char *foil_page_next_cursor(const foil_page_t *p) {
    return p ? foil_json_get_string(FOIL_VIEW(p->pagination), "next_cursor") : NULL;
}
const char *foil_page_request_id(const foil_page_t *p) {
    return p ? p->response.request_id : NULL;
}
const foil_json_t *foil_page_json(const foil_page_t *p) {
    return p ? FOIL_VIEW(p->response.root) : NULL;
}
void foil_page_free(foil_page_t *p) {
    if (!p) return;
    free(p->index.items);
    foil_response_clear(&p->response);
    free(p);
}
