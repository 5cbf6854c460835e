/* One API operation over libcurl: URL, headers, auth, opt-in retries, decoding. */
#include "easy_setup.h"

#include <curl/curl.h>
#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

typedef struct attempt {
    foil_http_response_t resp;
    CURLcode curl_code;
    long cancel_generation;
    foil_client_t *client;
} attempt;

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userp) {
    foil_http_response_t *r = userp;
    size_t n = size * nmemb;
    if (!foil_http_response_append(r, ptr, n) || r->overflow) return 0;
    return n;
}

static int on_progress(void *userp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow) {
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    attempt *a = userp;
    return atomic_load(&a->client->cancel_generation) != a->cancel_generation ||
           foil_cancel_requested();
}

/* curl_easy_perform() waits on its sockets in ticks of up to one second, and a cancel is
 * only seen (on_progress) between ticks. transfer() runs the request on a per-thread multi
 * handle polled every 100 ms instead, so foil_client_cancel() ends a request that is
 * waiting for its answer within ~0.1 s. Connections stay in the client's shared cache
 * (CURLSH), so keep-alive reuse is unchanged. The multi handle is freed at thread exit. */
#define CANCEL_TICK_MS 100

static _Thread_local CURLM *tls_multi;
static _Thread_local unsigned long tls_multi_generation; /* foil_fork_generation() */
static pthread_key_t multi_key;
static pthread_once_t multi_key_once = PTHREAD_ONCE_INIT;

static void multi_on_thread_exit(void *multi) {
    if (tls_multi_generation == foil_fork_generation())
        curl_multi_cleanup(multi);
    else
        foil_fork_keep(multi); /* the parent's: never touched here */
    tls_multi = NULL;
}

static void make_multi_key(void) {
    pthread_key_create(&multi_key, multi_on_thread_exit);
}

/* Drive `easy`, already added to `multi`, to its end; removes it from `multi`. */
static CURLcode drive(CURLM *multi, CURL *easy) {
    CURLcode result = CURLE_OK;
    bool failed = false;
    for (int running = 1; running;) {
        CURLMcode mc = curl_multi_perform(multi, &running);
        if (mc == CURLM_OK && running) mc = curl_multi_poll(multi, NULL, 0, CANCEL_TICK_MS, NULL);
        if (mc != CURLM_OK) {
            result = mc == CURLM_OUT_OF_MEMORY ? CURLE_OUT_OF_MEMORY : CURLE_RECV_ERROR;
            failed = true;
            break;
        }
    }
    CURLMsg *msg;
    int queued = 0;
    while ((msg = curl_multi_info_read(multi, &queued)))
        if (!failed && msg->msg == CURLMSG_DONE && msg->easy_handle == easy)
            result = msg->data.result;
    curl_multi_remove_handle(multi, easy);
    return result;
}

static CURLM *new_multi(void) {
    CURLM *m = curl_multi_init();
    /* The shared cache's size limit comes from the multi handle here (the easy handle's
     * CURLOPT_MAXCONNECTS applies to curl_easy_perform's own multi only). */
    if (m) curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, 64L);
    return m;
}

static CURLcode transfer(CURL *easy) {
    unsigned long generation = foil_fork_generation();
    if (tls_multi && tls_multi_generation != generation) {
        /* This thread forked: the multi handle is the parent's. */
        foil_fork_keep(tls_multi);
        tls_multi = NULL;
    }
    if (!tls_multi) {
        pthread_once(&multi_key_once, make_multi_key);
        CURLM *m = new_multi();
        if (!m || pthread_setspecific(multi_key, m) != 0) {
            if (m) curl_multi_cleanup(m);
            pthread_setspecific(multi_key, NULL);
            return curl_easy_perform(easy);
        }
        tls_multi = m;
        tls_multi_generation = generation;
    }
    if (curl_multi_add_handle(tls_multi, easy) != CURLM_OK) return curl_easy_perform(easy);
    return drive(tls_multi, easy);
}

/* The options every request shares, set once on a new pooled handle: the shared setup
 * (easy_setup.h), then the body and the cancel check of this transport. */
static void configure_handle(void *easy) {
    foil_easy_configure(easy);
    /* The shared cache keeps one idle connection per concurrent caller (default: 5). */
    curl_easy_setopt(easy, CURLOPT_MAXCONNECTS, 64L);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, on_progress);
}

/* A pooled handle set up for one attempt of `req`; NULL when out of memory. */
static CURL *prepare(const foil_http_request_t *req, attempt *a, foil_easy_headers_t headers) {
    foil_client_t *c = req->client;
    bool fresh = false;
    CURL *easy = foil_transport_acquire(c->transport, &fresh);
    if (!easy) return NULL;
    if (fresh) configure_handle(easy);
    foil_http_response_init(&a->resp, 0, a->resp.data, a->resp.cap,
                            (size_t)req->max_response_bytes);
    a->client = c;
    foil_easy_bind(easy, req, headers, &a->resp);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &a->resp);
    curl_easy_setopt(easy, CURLOPT_XFERINFODATA, a);
    return easy;
}

/* After the transfer: note its connections, and pool the handle again (the answer's
 * status came with its headers). */
static void settle(foil_client_t *c, CURL *easy) {
    long connects = 0;
    curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects);
    atomic_fetch_add(&c->connections_opened, connects);
    /* Drop pointers into the caller's memory before the handle goes back to the pool. */
    foil_easy_unbind(easy);
    curl_easy_setopt(easy, CURLOPT_XFERINFODATA, NULL);
    foil_transport_release(c->transport, easy);
}

/* FOIL_OK when an answer came (whatever its status), else the typed transfer failure. */
static foil_status_t curl_status(const foil_http_request_t *req, const attempt *a) {
    switch (a->curl_code) {
    case CURLE_OK:
        return FOIL_OK;
    case CURLE_OPERATION_TIMEDOUT:
        return foil_http_fail_transfer(req, FOIL_E_TIMEOUT, NULL);
    case CURLE_ABORTED_BY_CALLBACK:
        return foil_http_fail_transfer(req, FOIL_E_CANCELLED, NULL);
    case CURLE_FILESIZE_EXCEEDED: /* the announced Content-Length is past the cap */
    case CURLE_WRITE_ERROR:
        if (a->curl_code == CURLE_FILESIZE_EXCEEDED || a->resp.overflow) {
            /* the decoder's error for a body past the cap */
            foil_http_response_t past_cap = a->resp;
            past_cap.overflow = true;
            foil_response_t none;
            return foil_http_decode(req, &past_cap, &none);
        }
        return foil_fail_nomem();
    case CURLE_OUT_OF_MEMORY:
        return foil_fail_nomem();
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE: {
        char detail[512];
        foil_easy_tls_failure(req, a->curl_code, detail, sizeof detail);
        return foil_http_fail_transfer(req, FOIL_E_CONNECTION, detail);
    }
    default:
        return foil_http_fail_transfer(req, FOIL_E_CONNECTION, curl_easy_strerror(a->curl_code));
    }
}

static foil_status_t perform(const foil_http_request_t *req, attempt *a) {
    foil_easy_headers_t headers;
    CURL *easy = prepare(req, a, headers);
    if (!easy) return foil_fail_nomem();
    a->curl_code = transfer(easy);
    settle(req->client, easy);
    return curl_status(req, a);
}

/* Sleep up to `seconds`, in slices, stopping early when the client or this thread's
 * token is cancelled. */
static foil_status_t backoff_sleep(foil_client_t *c, long generation, double seconds) {
    while (seconds > 0) {
        if (atomic_load(&c->cancel_generation) != generation || foil_cancel_requested())
            return foil_fail(FOIL_E_CANCELLED, "cancelled while waiting to retry");
        double slice = seconds < 0.05 ? seconds : 0.05;
        struct timespec ts = {(time_t)slice, (long)((slice - floor(slice)) * 1e9)};
        nanosleep(&ts, NULL);
        seconds -= slice;
    }
    return FOIL_OK;
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Writes can answer with secrets shown once (revealed API keys, signing secrets): never
 * hand such bytes to the next request's buffer. */
static void return_buffer(const foil_http_request_t *req, foil_http_response_t *r) {
    if (r->data && !req->idempotent) sodium_memzero(r->data, r->len);
    foil_transport_give_buffer(req->client->transport, r->data, r->cap);
    r->data = NULL;
    r->cap = r->len = 0;
}

foil_status_t foil_request_perform(const foil_http_request_t *req, foil_response_t *out) {
    memset(out, 0, sizeof *out);
    foil_client_t *c = req->client;
    long generation = atomic_load(&c->cancel_generation);
    /* A token fired before the call (foil/cancel.h) is not lost. */
    if (foil_cancel_requested()) return foil_http_fail_transfer(req, FOIL_E_CANCELLED, NULL);
    attempt a;
    memset(&a, 0, sizeof a);
    foil_transport_take_buffer(c->transport, &a.resp.data, &a.resp.cap);
    double start = now_seconds();
    foil_status_t st;
    for (int attempt_no = 0;; attempt_no++) {
        a.cancel_generation = generation;
        st = perform(req, &a);
        double wait = 0;
        if (!foil_http_retry(req, attempt_no, st, st == FOIL_OK ? a.resp.http_status : 0,
                             a.resp.retry_after, now_seconds() - start, &wait))
            break;
        if ((st = backoff_sleep(c, generation, wait)) != FOIL_OK) break;
    }
    if (st == FOIL_OK) st = foil_http_decode(req, &a.resp, out);
    return_buffer(req, &a.resp);
    return st;
}

/* ---- requests started ahead ---------------------------------------------------------
 * A walk asks for its next page as soon as the cursor is known and reads the answer when
 * the caller wants the page, so the server works on it while the caller reads the current
 * one. Best effort: anything but a whole 2xx JSON answer is dropped, and the caller then
 * sends the request the ordinary way (retries, typed errors). The transfer runs on the
 * ahead's own multi handle, so any thread may finish it and the calling thread's other
 * requests never see it. */
struct foil_request_ahead {
    CURLM *multi;
    unsigned long generation; /* foil_fork_generation() of multi and easy */
    CURL *easy;               /* in flight; NULL when idle or received */
    foil_http_request_t *req; /* the request in flight or received, owned */
    bool received;            /* the transfer is over: its outcome and answer are in `a` */
    attempt a;
    foil_easy_headers_t headers;
};

foil_request_ahead_t *foil_request_ahead_new(void) {
    return calloc(1, sizeof(foil_request_ahead_t));
}

/* In a forked child, a request started by the parent is the parent's: its answer arrives
 * on the parent's connection. Set its handles aside unread (never driven, never removed:
 * either would read or close that connection); the caller asks again. */
static void leave_inherited(foil_request_ahead_t *ah) {
    if (!ah->multi || ah->generation == foil_fork_generation()) return;
    foil_fork_keep(ah->easy);
    foil_fork_keep(ah->multi);
    ah->easy = NULL;
    ah->multi = NULL;
}

void foil_request_ahead_start(foil_request_ahead_t *ah, foil_client_t *c,
                              const foil_request_t *req) {
    foil_request_ahead_drop(ah);
    if (!ah->multi) {
        if (!(ah->multi = new_multi())) return;
        ah->generation = foil_fork_generation();
    }
    bool started = false;
    if (foil_http_request_build(c, req, &ah->req) == FOIL_OK && ah->req->idempotent &&
        !ah->req->body) {
        memset(&ah->a, 0, sizeof ah->a);
        foil_transport_take_buffer(c->transport, &ah->a.resp.data, &ah->a.resp.cap);
        ah->a.cancel_generation = atomic_load(&c->cancel_generation);
        ah->easy = prepare(ah->req, &ah->a, ah->headers);
        if (ah->easy && curl_multi_add_handle(ah->multi, ah->easy) == CURLM_OK) {
            int running = 0;
            curl_multi_perform(ah->multi, &running); /* sends the request */
            started = true;
        } else if (ah->easy) {
            settle(c, ah->easy);
            ah->easy = NULL;
        }
    }
    if (!started) foil_request_ahead_drop(ah);
}

/* Wait for the transfer's end and hand its handle back to the pool (and its connection to
 * the cache, for the next request); the outcome stays in ah->a. */
static void receive(foil_request_ahead_t *ah) {
    leave_inherited(ah);
    if (!ah->easy) return;
    foil_client_t *c = ah->req->client;
    /* A foil_client_cancel() since the start was for other requests: this page is only
     * being asked for now. */
    ah->a.cancel_generation = atomic_load(&c->cancel_generation);
    ah->a.curl_code = drive(ah->multi, ah->easy);
    settle(c, ah->easy);
    ah->easy = NULL;
    ah->received = true;
}

const char *foil_request_ahead_body(foil_request_ahead_t *ah, size_t *len) {
    *len = 0;
    receive(ah);
    const foil_http_response_t *r = &ah->a.resp;
    if (!ah->received || ah->a.curl_code != CURLE_OK || r->http_status < 200 ||
        r->http_status >= 300 || r->overflow || !r->data)
        return NULL;
    *len = r->len;
    return r->data;
}

foil_status_t foil_request_ahead_finish(foil_request_ahead_t *ah, foil_response_t *out) {
    memset(out, 0, sizeof *out);
    receive(ah);
    if (!ah->received) {
        foil_request_ahead_drop(ah);
        return FOIL_E_STATE;
    }
    foil_client_t *c = ah->req->client;
    /* Aborted by a cancel of this call: that is the caller's answer. (An abort seen while
     * the request was being sent belonged to the call that sent it.) */
    bool cancelled =
        ah->a.curl_code == CURLE_ABORTED_BY_CALLBACK &&
        (foil_cancel_requested() || atomic_load(&c->cancel_generation) != ah->a.cancel_generation);
    foil_status_t st;
    if (cancelled)
        st = foil_http_fail_transfer(ah->req, FOIL_E_CANCELLED, NULL);
    else if (ah->a.curl_code != CURLE_OK || ah->a.resp.http_status < 200 ||
             ah->a.resp.http_status >= 300)
        st = FOIL_E_STATE; /* not an answer to keep: the caller sends the request again */
    else
        st = foil_http_decode(ah->req, &ah->a.resp, out);
    foil_request_ahead_drop(ah);
    return st;
}

void foil_request_ahead_drop(foil_request_ahead_t *ah) {
    if (!ah) return;
    leave_inherited(ah);
    if (ah->easy) {
        /* Read what has already arrived without waiting: a whole answer leaves the
         * connection reusable; an unfinished transfer is aborted (its connection closed). */
        int running = 0;
        curl_multi_perform(ah->multi, &running);
        curl_multi_remove_handle(ah->multi, ah->easy);
        settle(ah->req->client, ah->easy);
        ah->easy = NULL;
    }
    if (ah->req) return_buffer(ah->req, &ah->a.resp);
    foil_http_request_free(ah->req);
    ah->req = NULL;
    ah->received = false;
}

void foil_request_ahead_free(foil_request_ahead_t *ah) {
    if (!ah) return;
    foil_request_ahead_drop(ah);
    if (ah->multi) curl_multi_cleanup(ah->multi);
    free(ah);
}
