/* libfoil: Sessions (bot-detection verdicts). Needs a secret key.
 *
 * limit: 0 means the API default (50), else 1..200. cursor, verdict and search may
 * be NULL. verdict is one of "bot", "human", "inconclusive". Items are
 * SessionSummary objects (accessors in models.h). */
#ifndef FOIL_SESSIONS_H
#define FOIL_SESSIONS_H

#include "client.h"
#include "result.h"

#ifdef __cplusplus
extern "C" {
#endif

/* GET /v1/sessions: one page. */
FOIL_API foil_status_t foil_sessions_list(foil_client_t *client, int limit, const char *cursor,
                                          const char *verdict, const char *search,
                                          foil_page_t **out);
/* Every session matching the filters, fetching pages of `limit` as needed. */
FOIL_API foil_status_t foil_sessions_iter(foil_client_t *client, int limit, const char *verdict,
                                          const char *search, foil_iter_t **out);
/* GET /v1/sessions/{id}: a SessionDetail. */
FOIL_API foil_status_t foil_sessions_get(foil_client_t *client, const char *session_id,
                                         foil_result_t **out);
/* PATCH /v1/sessions/{id} with {"client_user_id": client_user_id} (at most 256
 * characters); returns the updated SessionDetail. */
FOIL_API foil_status_t foil_sessions_attach_client_user(foil_client_t *client,
                                                        const char *session_id,
                                                        const char *client_user_id,
                                                        foil_result_t **out);
/* PATCH /v1/sessions/{id} with {"client_user_id": null}. */
FOIL_API foil_status_t foil_sessions_clear_client_user(foil_client_t *client,
                                                       const char *session_id, foil_result_t **out);

#ifdef __cplusplus
}
#endif
#endif
