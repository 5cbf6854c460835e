/* libfoil: API responses.
 *
 * foil_result_t holds one successful response: its `data` (object or array) with
 * every field the API sent, and the request id. foil_page_t is a page of a
 * cursor-paginated list. Both own their JSON; views borrowed from them live as
 * long as they do.
 */
#ifndef FOIL_RESULT_H
#define FOIL_RESULT_H

#include "common.h"
#include "error.h"
#include "json.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct foil_result foil_result_t;
typedef struct foil_page foil_page_t;

/* The response's `data` (an object, or an array for unpaginated lists). */
FOIL_API const foil_json_t *foil_result_data(const foil_result_t *r);
/* The whole response body ({"data":...,"meta":...}). */
FOIL_API const foil_json_t *foil_result_json(const foil_result_t *r);
/* x-request-id header, else meta.request_id; NULL when absent. */
FOIL_API const char *foil_result_request_id(const foil_result_t *r);
FOIL_API int foil_result_http_status(const foil_result_t *r);
/* For array `data`: element count and i-th element. */
FOIL_API size_t foil_result_count(const foil_result_t *r);
FOIL_API const foil_json_t *foil_result_item(const foil_result_t *r, size_t i);
/* A page of a cursor-paginated list (foil_call() of a foil_operation_paginated()
 * operation) carries its pagination, read here as for foil_page_t: 1 for such a result,
 * else 0 (and the three below read 0 / 0 / NULL). */
FOIL_API int foil_result_paginated(const foil_result_t *r);
FOIL_API int foil_result_limit(const foil_result_t *r);
FOIL_API int foil_result_has_more(const foil_result_t *r);
FOIL_API const char *foil_result_next_cursor(const foil_result_t *r);
FOIL_API void foil_result_free(foil_result_t *r);

FOIL_API size_t foil_page_count(const foil_page_t *p);
FOIL_API const foil_json_t *foil_page_item(const foil_page_t *p, size_t i);
/* The `data` array. */
FOIL_API const foil_json_t *foil_page_items(const foil_page_t *p);
/* Effective page size the API used (pagination.limit); 0 when absent. */
FOIL_API int foil_page_limit(const foil_page_t *p);
FOIL_API int foil_page_has_more(const foil_page_t *p);
/* Opaque cursor for the next page; NULL when there is none. */
FOIL_API const char *foil_page_next_cursor(const foil_page_t *p);
FOIL_API const char *foil_page_request_id(const foil_page_t *p);
FOIL_API const foil_json_t *foil_page_json(const foil_page_t *p);
FOIL_API void foil_page_free(foil_page_t *p);

/* Walks every item of a paginated list, fetching pages as needed. Holds a reference
 * on its client, so it may outlive the caller's client handle. */
typedef struct foil_iter foil_iter_t;

/* Next item: FOIL_OK with *item set, or FOIL_OK with *item == NULL at the end.
 * The item is borrowed and valid until the next call or foil_iter_free(). A failed
 * page fetch returns its error; calling again retries the same page. */
FOIL_API foil_status_t foil_iter_next(foil_iter_t *it, const foil_json_t **item);
/* The next whole page, owned by the caller (foil_page_free()): FOIL_OK with *page set, or
 * FOIL_OK with *page == NULL after the last one. For bindings that keep views into pages.
 * An iterator walks items or pages: mixing foil_iter_next() and this is FOIL_E_STATE. */
FOIL_API foil_status_t foil_iter_next_page(foil_iter_t *it, foil_page_t **page);
/* Keep only some members of each item: `fields_json` is a JSON array of dotted member paths
 * (["id", "latest_decision.verdict"]). The pages fetched from then on are parsed with every
 * byte checked as usual, but each item holds only the members on those paths, nested
 * objects likewise (a member on a path whose value is not an object, null for one, is kept
 * as it is); the rest of each item is never built, so a walk reading a few fields of each
 * item parses its pages faster. Paths are not checked against the model (a name no item has
 * keeps nothing). Before the first foil_iter_next() / foil_iter_next_page(), else
 * FOIL_E_STATE; a list that is not a JSON array of paths, an empty path or an empty segment
 * is FOIL_E_INVALID_ARGUMENT naming `fields`. */
FOIL_API foil_status_t foil_iter_set_fields(foil_iter_t *it, const char *fields_json);
/* Items returned so far / pages fetched so far. */
FOIL_API size_t foil_iter_position(const foil_iter_t *it);
FOIL_API size_t foil_iter_pages(const foil_iter_t *it);
/* The last failure of foil_iter_next() on this iterator (a page fetch): an owned copy
 * kept by the iterator, so it can be read from any thread after the call returned
 * (unlike foil_last_error(), which belongs to the calling thread). Not cleared by a later
 * success. Borrowed from it: valid until the next failing foil_iter_next() on it or
 * foil_iter_free(). NULL when no fetch has failed yet, or it is NULL. Read it with the
 * foil_error_* accessors (or foil_error_json()). */
FOIL_API const foil_error_t *foil_iter_error(const foil_iter_t *it);
/* Threads: an iterator may be shared; every call above takes its lock, so threads take
 * turns and each item or page is handed out once (foil_iter_next_page then spreads a walk
 * over threads safely: pages are owned). An item of foil_iter_next() is borrowed until the
 * next foil_iter_next() from ANY thread, so an item walk shared by threads needs the
 * caller's own lock around next-and-read. foil_iter_free() must not race any other call. */
FOIL_API void foil_iter_free(foil_iter_t *it);

#ifdef __cplusplus
}
#endif
#endif
