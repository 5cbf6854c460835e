/* libfoil: visitor fingerprints. Needs a secret key (scopes fingerprints:list /
 * fingerprints:read).
 *
 * limit: 0 means the API default (50), else 1..200. cursor, search and sort may be
 * NULL. sort is "seen_count" or "first_seen" (NULL: most recently seen first).
 * List items are VisitorFingerprintSummary objects, get returns a
 * VisitorFingerprintDetail (accessors foil_fingerprint_* in models.h). Pages,
 * results and iterators belong to the caller (foil_page_free, foil_result_free,
 * foil_iter_free). */
#ifndef FOIL_FINGERPRINTS_H
#define FOIL_FINGERPRINTS_H

#include "client.h"
#include "result.h"

#ifdef __cplusplus
extern "C" {
#endif

/* GET /v1/fingerprints: one page. */
FOIL_API foil_status_t foil_fingerprints_list(foil_client_t *client, int limit, const char *cursor,
                                              const char *search, const char *sort,
                                              foil_page_t **out);
/* Every fingerprint matching the filters, fetching pages of `limit` as needed. */
FOIL_API foil_status_t foil_fingerprints_iter(foil_client_t *client, int limit, const char *search,
                                              const char *sort, foil_iter_t **out);
/* GET /v1/fingerprints/{visitorId}: a VisitorFingerprintDetail. */
FOIL_API foil_status_t foil_fingerprints_get(foil_client_t *client, const char *visitor_id,
                                             foil_result_t **out);

#ifdef __cplusplus
}
#endif
#endif
