/* libfoil: the client handle (configuration, connection pool, cancellation).
 *
 * A foil_client_t may be shared by any number of threads once configured: set
 * options right after foil_client_new(), before the first request. The first request
 * (sent, even if it fails) freezes them: every foil_client_set_* after it returns
 * FOIL_E_STATE and changes nothing, so no option ever changes under a request on another
 * thread. Create another client for other options. Connections are kept alive and reused
 * across calls and threads.
 *
 * fork(): a client (and its iterators) may be used in both processes after fork(). The
 * child never sends, reads or shuts down a protocol on a connection it inherited (it closes
 * those sockets with close(2) only) and opens its own; the parent is unaffected. Locks are
 * taken around the fork (pthread_atfork), so other threads mid-request at the fork cannot
 * leave the child stuck. See docs/ffi.md, "fork()".
 */
#ifndef FOIL_CLIENT_H
#define FOIL_CLIENT_H

#include "common.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FOIL_DEFAULT_BASE_URL "https://api.usefoil.com"
#define FOIL_DEFAULT_TIMEOUT_MS 30000L
#define FOIL_DEFAULT_MAX_RESPONSE_BYTES (64L * 1024 * 1024)

typedef struct foil_client foil_client_t;

/* A new client. Never fails because of the environment: FOIL_BASE_URL and
 * FOIL_SECRET_KEY are read later, only for what was not set explicitly (an explicit
 * setting always wins) and only by a request that needs them (a request needing no key
 * never reads FOIL_SECRET_KEY). FOIL_BASE_URL is read once, at the first request that
 * uses it; unset or empty: FOIL_DEFAULT_BASE_URL. A variable that cannot be used (a
 * non-https URL, a key with control characters) fails that request with
 * FOIL_E_CONFIGURATION naming the variable (the key's value is never shown; credentials
 * in a URL are redacted). */
FOIL_API foil_status_t foil_client_new(foil_client_t **out);
FOIL_API void foil_client_free(foil_client_t *client);

/* Secret key (sk_...). NULL or "" clears it (FOIL_SECRET_KEY is then not read either);
 * requests that need one then fail with FOIL_E_CONFIGURATION. Control characters (CR,
 * LF, ...) are FOIL_E_INVALID_ARGUMENT. The key is kept in wiped memory and never logged. */
FOIL_API foil_status_t foil_client_set_secret_key(foil_client_t *client, const char *secret_key);
/* https:// URL, or http:// to a loopback host only (127.0.0.0/8, ::1, localhost). Anything
 * else is FOIL_E_CONFIGURATION (credentials written in the URL are redacted in the error).
 * Requests to a loopback host never go through a proxy (neither http_proxy & co nor
 * foil_client_set_proxy): a proxy would see the secret key in clear text. */
FOIL_API foil_status_t foil_client_set_base_url(foil_client_t *client, const char *base_url);
/* The base URL requests go to (explicit, else FOIL_BASE_URL, else the default).
 * Borrowed; valid until the next set_base_url. NULL when FOIL_BASE_URL is unusable
 * (the last error says why). */
FOIL_API const char *foil_client_base_url(const foil_client_t *client);
/* The same URL for display (a repr, a log line): any user:password@ written in it is
 * replaced by ***@, as in the configuration errors. Borrowed, valid as foil_client_base_url();
 * NULL when that is NULL. */
FOIL_API const char *foil_client_base_url_redacted(const foil_client_t *client);
/* Whole-request timeout in milliseconds (default 30000); must be > 0. */
FOIL_API foil_status_t foil_client_set_timeout_ms(foil_client_t *client, long timeout_ms);
/* Connect timeout in milliseconds (default: the request timeout). */
FOIL_API foil_status_t foil_client_set_connect_timeout_ms(foil_client_t *client, long timeout_ms);
/* PEM CA bundle file. Unset: the system bundle found at run time. */
FOIL_API foil_status_t foil_client_set_ca_bundle(foil_client_t *client, const char *path);
/* Proxy URL (as libcurl understands it); NULL clears it. */
FOIL_API foil_status_t foil_client_set_proxy(foil_client_t *client, const char *proxy_url);
/* Sent as User-Agent; NULL clears it. Control characters (CR, LF, ...) and more than
 * 1024 bytes are FOIL_E_INVALID_ARGUMENT. */
FOIL_API foil_status_t foil_client_set_user_agent(foil_client_t *client, const char *user_agent);
/* Appended to X-Foil-Client ("libfoil-c/0.2.0 python/3.11"); for bindings. Control
 * characters and more than 256 bytes are FOIL_E_INVALID_ARGUMENT. */
FOIL_API foil_status_t foil_client_set_client_suffix(foil_client_t *client, const char *suffix);
/* Automatic retries (default 0): only idempotent requests (GET, DELETE), only
 * retryable failures (connection errors, 429, 5xx); exponential backoff with full
 * jitter from 250 ms, capped at 8 s; Retry-After is honoured (capped at 60 s).
 * Waiting never goes past the request's budget, timeout_ms x (max_retries + 1) from the
 * first attempt: a Retry-After that would is not waited for, and the failure comes back
 * at once (foil_error_retry_after() tells when to retry: seconds, finite, at most a day;
 * -1 when the header is absent or not a delay or HTTP-date). */
FOIL_API foil_status_t foil_client_set_max_retries(foil_client_t *client, int max_retries);
/* Largest accepted response body (default 64 MiB); larger is FOIL_E_PROTOCOL. */
FOIL_API foil_status_t foil_client_set_max_response_bytes(foil_client_t *client, long bytes);
/* Iterators (foil_iter_t, every list's iter) request the next page as soon as the current
 * one arrives, so the server prepares it while the caller reads (default: on, non-zero).
 * A walk abandoned early has asked for one page more than it read. The page requested
 * ahead is only used when it arrived whole with a 2xx answer; otherwise it is asked for
 * again when needed, with the usual retries and errors. 0 turns this off. */
FOIL_API foil_status_t foil_client_set_prefetch(foil_client_t *client, int enabled);

/* Set any of the options above from one JSON object, for FFI callers: the failure comes
 * back as an owned copy through error_out (may be NULL; free it with foil_error_free()),
 * so reading it does not depend on the calling thread (see call.h). Keys: "base_url",
 * "secret_key", "timeout_ms", "connect_timeout_ms", "ca_bundle", "proxy", "user_agent",
 * "client_suffix", "max_retries", "max_response_bytes", "prefetch"; values as the setters
 * take them (integers for the numeric ones, true/false for prefetch; null clears secret_key,
 * ca_bundle, proxy, user_agent and client_suffix). Options are applied in the order given by the
 * same setters, so the checks and errors are theirs; the first failure stops, leaving earlier
 * options set. An unknown, repeated or mistyped key, or text that is not a JSON object, is
 * FOIL_E_INVALID_ARGUMENT with a field error naming it; after the client's first request
 * every option is FOIL_E_STATE, as for the setters. NULL options_json does nothing.
 * libfoil's parsed copy of the text (it may hold the secret key) is wiped. */
FOIL_API foil_status_t foil_client_configure(foil_client_t *client, const char *options_json,
                                             foil_error_t **error_out);

/* Abort every request in flight on this client with FOIL_E_CANCELLED, retry back-off
 * sleeps included. Safe from any thread and from a signal handler (C11 atomics, no lock).
 * The client keeps an atomic generation counter: each request notes it when it starts
 * and stops as soon as it changes; this call increments it. So a cancel reaches exactly
 * the requests in flight at that moment, on every thread sharing the client; requests
 * started afterwards run normally (nothing is remembered for them). To cancel a Gate
 * wait whether or not it has started yet, use foil_gate_session_cancel(). NULL: no-op. */
FOIL_API void foil_client_cancel(foil_client_t *client);

/* Connections opened by this client so far (to check keep-alive reuse). */
FOIL_API long foil_client_connections_opened(const foil_client_t *client);

#ifdef __cplusplus
}
#endif
#endif
