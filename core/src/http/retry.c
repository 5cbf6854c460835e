/* The opt-in retry rules (foil_client_set_max_retries), without I/O: the libcurl
 * transport's attempt loop and foil_retry_decision() both ask here. */
#include "exchange.h"

#include <sodium.h>

/* The wait before the next attempt: the server's Retry-After (capped at 60 s), else
 * exponential backoff with full jitter. */
static double retry_delay(int attempt, double retry_after) {
    if (retry_after >= 0) return retry_after < 60 ? retry_after : 60;
    double cap = 0.25 * (double)(1u << (attempt < 5 ? attempt : 5));
    if (cap > 8) cap = 8;
    return cap * ((double)randombytes_uniform(10001) / 10000.0); /* full jitter */
}

bool foil_http_retry(const foil_http_request_t *req, int attempt, foil_status_t failure,
                     int http_status, double retry_after, double elapsed, double *wait) {
    *wait = 0;
    bool retryable = failure == FOIL_E_CONNECTION || failure == FOIL_E_TIMEOUT ||
                     (failure == FOIL_OK && (http_status == 429 || http_status >= 500));
    if (!req->idempotent || attempt < 0 || attempt >= req->max_retries || !retryable) return false;
    /* Retries never wait past the caller's budget: the request timeout for each attempt
     * allowed, counted from the first attempt. A Retry-After that would end past it is not
     * waited for: the failure stands, its retry_after telling the caller when to come back. */
    double budget = (double)req->timeout_ms / 1000.0 * (req->max_retries + 1);
    double w = retry_delay(attempt, retry_after), left = budget - elapsed;
    if (w > left) {
        if (retry_after >= 0 || left <= 0) return false;
        w = left;
    }
    *wait = w;
    return true;
}

int foil_retry_decision(const foil_http_request_t *request, int attempt,
                        const foil_error_t *failure, long elapsed_ms, long *delay_ms) {
    if (delay_ms) *delay_ms = 0;
    if (!request || !failure || !delay_ms) return 0;
    foil_status_t st = foil_error_status(failure);
    int http_status = foil_error_http_status(failure);
    double retry_after = -1;
    if (http_status > 0) { /* an answer came: its status and Retry-After decide */
        st = FOIL_OK;
        retry_after = foil_error_retry_after(failure);
        if (!(retry_after >= 0)) retry_after = -1;
    }
    double wait = 0;
    if (!foil_http_retry(request, attempt, st, http_status, retry_after,
                         (double)elapsed_ms / 1000.0, &wait))
        return 0;
    *delay_ms = (long)(wait * 1000.0 + 0.5);
    return 1;
}
