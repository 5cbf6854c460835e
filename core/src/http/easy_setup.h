/* A libcurl easy handle set up to send one prepared request (foil/sansio.h) and to fill a
 * foil_http_response_t with the answer's status and headers: the one setup both transports
 * use, the blocking one (request.c) and the event loop's (loop/call.c), so the security
 * rules (TLS verification, the CA bundle, no proxy to a loopback base URL) live here only.
 * Each transport adds its own body callback (and the blocking one its cancel check). */
#ifndef FOIL_EASY_SETUP_H
#define FOIL_EASY_SETUP_H

#include "exchange.h"

#include <curl/curl.h>

/* The header list libcurl sends: the request's own lines, then "Expect:" and, without a
 * body, "Content-Type:". libcurl only reads it during the transfer: it lives with the
 * caller until foil_easy_unbind. */
typedef struct curl_slist foil_easy_headers_t[FOIL_HTTP_MAX_HEADERS + 2];

/* The options every transfer shares, once on a new handle: TLS verification, HTTP/1.1,
 * no redirects, compression, large reads, and the header callback. */
void foil_easy_configure(CURL *easy);

/* Set `easy` up for one attempt of `req`: URL, `headers` (filled here), timeouts, CA
 * bundle, proxy, method and body. The answer's status line and headers go into `resp`,
 * which the caller has initialised; a new status line (after a 1xx) resets it, so only
 * the final answer counts. `req`, `headers` and `resp` must outlive the transfer. */
void foil_easy_bind(CURL *easy, const foil_http_request_t *req, foil_easy_headers_t headers,
                    foil_http_response_t *resp);

/* Why a TLS verification failed (`code` is libcurl's), and where trust came from and how to
 * supply it: the request's ca_bundle, the system store found, or none found (a libcurl
 * bundled in a wheel may find no store on this machine). Never retried without
 * verification. */
void foil_easy_tls_failure(const foil_http_request_t *req, CURLcode code, char *out, size_t cap);

/* Drop the handle's pointers into the caller's memory (before it is pooled again). */
void foil_easy_unbind(CURL *easy);

#endif
