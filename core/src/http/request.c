/* One API operation over libcurl: URL, headers, auth, opt-in retries, decoding. */
#include "request.h"

#include <curl/curl.h>
#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

typedef struct buffer {
    char *data;
    size_t len, cap;
    size_t max;
    bool overflow;
} buffer;

typedef struct attempt {
    long http_status;
    buffer body;
    char request_id[128];
    double retry_after;
    CURLcode curl_code;
    long cancel_generation;
    foil_client_t *client;
} attempt;

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userp) {
    buffer *b = userp;
    size_t n = size * nmemb;
    if (b->len + n > b->max) {
        b->overflow = true;
        return 0;
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 16384;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *grown = realloc(b->data, cap);
        if (!grown) return 0;
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, ptr, n);
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}

/* Retry-After (RFC 9110 §10.2.3): delay-seconds (digits only) or an HTTP-date. Anything
 * else ("inf", "nan", "-5", "1e9", hex, garbage) is ignored: -1. The result is finite and
 * at most a day. */
static double parse_retry_after(const char *v) {
    const double max = 86400;
    if (*v >= '0' && *v <= '9') {
        double secs = 0;
        for (; *v >= '0' && *v <= '9'; v++)
            if (secs <= max) secs = secs * 10 + (*v - '0');
        if (*v) return -1;
        return secs < max ? secs : max;
    }
    time_t when = curl_getdate(v, NULL); /* HTTP-date form */
    if (when < 0) return -1;
    double d = difftime(when, time(NULL));
    if (!(d > 0)) return 0;
    return d < max ? d : max;
}

static size_t on_header(char *buf, size_t size, size_t nitems, void *userp) {
    attempt *a = userp;
    size_t n = size * nitems;
    char *colon = memchr(buf, ':', n);
    if (!colon) {
        /* A new status line: a redirect or 100-continue precedes the final response. */
        if (n > 5 && strncmp(buf, "HTTP/", 5) == 0) {
            a->request_id[0] = '\0';
            a->retry_after = -1;
        }
        return n;
    }
    size_t name_len = (size_t)(colon - buf);
    const char *v = colon + 1;
    size_t v_len = n - name_len - 1;
    while (v_len && (*v == ' ' || *v == '\t'))
        v++, v_len--;
    while (v_len && (v[v_len - 1] == '\r' || v[v_len - 1] == '\n' || v[v_len - 1] == ' '))
        v_len--;
    char value[128];
    if (v_len >= sizeof value) v_len = sizeof value - 1;
    memcpy(value, v, v_len);
    value[v_len] = '\0';
    if (name_len == 12 && strncasecmp(buf, "x-request-id", 12) == 0)
        memcpy(a->request_id, value, v_len + 1);
    else if (name_len == 11 && strncasecmp(buf, "retry-after", 11) == 0)
        a->retry_after = parse_retry_after(value);
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

void foil_request_query(foil_request_t *req, const char *name, const char *value) {
    if (value && req->query_count < FOIL_REQUEST_MAX_QUERY)
        req->query[req->query_count++] = (foil_query_param_t){name, value};
}

static foil_status_t auth_header(const foil_client_t *c, const foil_request_t *req,
                                 const foil_operation_t *op, char **out) {
    *out = NULL;
    const char *token = NULL;
    switch (op->auth) {
    case FOIL_AUTH_NONE:
        return FOIL_OK;
    case FOIL_AUTH_SECRET: {
        foil_status_t st = foil_client_resolve_secret_key(c, &token);
        if (st != FOIL_OK) return st;
        if (foil_str_empty(token))
            return foil_fail(FOIL_E_CONFIGURATION,
                             "%s needs a secret key: pass one to the client or set FOIL_SECRET_KEY",
                             op->name);
        break;
    }
    case FOIL_AUTH_POLL:
    case FOIL_AUTH_AGENT:
        token = req->bearer;
        if (foil_str_empty(token))
            return foil_fail_field(FOIL_E_INVALID_ARGUMENT,
                                   op->auth == FOIL_AUTH_POLL ? "poll_token" : "agent_token",
                                   "is required", "a non-empty token", NULL);
        break;
    }
    if (foil_has_control_chars(token))
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "token",
                               "must not contain control characters (CR, LF, ...)", NULL, NULL);
    static const char prefix[] = "Authorization: Bearer ";
    size_t token_len = strlen(token);
    if (!(*out = malloc(sizeof prefix + token_len))) return foil_fail_nomem();
    memcpy(*out, prefix, sizeof prefix - 1);
    memcpy(*out + sizeof prefix - 1, token, token_len + 1);
    return FOIL_OK;
}

/* The options every request shares, set once on a new pooled handle. */
static void configure_handle(void *easy) {
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    /* The shared cache keeps one idle connection per concurrent caller (default: 5). */
    curl_easy_setopt(easy, CURLOPT_MAXCONNECTS, 64L);
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
    /* List pages run to hundreds of KB: read them in a few large reads, not 16 KB ones
     * (each read costs a poll and a socket lock, measured at ~15% of a walk's time). */
    curl_easy_setopt(easy, CURLOPT_BUFFERSIZE, 256L * 1024);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, on_progress);
}

/* libcurl only reads the header list during the transfer: it lives with the caller. */
typedef struct curl_slist header_list[5];

/* A pooled handle set up for one attempt; NULL when out of memory. */
static CURL *prepare(foil_client_t *c, const foil_operation_t *op, const char *url, bool loopback,
                     const char *body, const char *auth, attempt *a, header_list headers) {
    bool fresh = false;
    CURL *easy = foil_transport_acquire(c->transport, &fresh);
    if (!easy) return NULL;
    if (fresh) configure_handle(easy);
    headers[0] = (struct curl_slist){"Accept: application/json", &headers[1]};
    headers[1] = (struct curl_slist){c->client_header, &headers[2]};
    headers[2] = (struct curl_slist){"Expect:", &headers[3]};
    /* "Content-Type:" stops libcurl adding a form type to a body-less POST. */
    headers[3] = (struct curl_slist){body ? "Content-Type: application/json" : "Content-Type:",
                                     auth ? &headers[4] : NULL};
    headers[4] = (struct curl_slist){(char *)auth, NULL};
    a->body.max = (size_t)c->max_response_bytes;
    a->retry_after = -1;
    a->client = c;

    /* Options that never change are set once per handle (configure_handle). */
    curl_easy_setopt(easy, CURLOPT_URL, url);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, c->user_agent);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, c->timeout_ms);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                     c->connect_timeout_ms ? c->connect_timeout_ms : c->timeout_ms);
    const char *ca = c->ca_bundle ? c->ca_bundle : foil_system_ca_bundle();
    if (ca) curl_easy_setopt(easy, CURLOPT_CAINFO, ca);
    curl_easy_setopt(easy, CURLOPT_PROXY, c->proxy);
    /* Never through a proxy to a loopback base URL: plain http:// is allowed there, and a
     * proxy (http_proxy in the environment) would see the secret key in clear text. */
    curl_easy_setopt(easy, CURLOPT_NOPROXY, loopback ? "*" : NULL);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &a->body);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, a);
    curl_easy_setopt(easy, CURLOPT_XFERINFODATA, a);
    if (strcmp(op->method, "GET") == 0) {
        curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, NULL);
    } else {
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body ? body : "");
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, (long)(body ? strlen(body) : 0));
        curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST,
                         strcmp(op->method, "POST") == 0 ? NULL : op->method);
    }
    return easy;
}

/* After the transfer: note its status and connections, and pool the handle again. */
static void settle(foil_client_t *c, CURL *easy, attempt *a) {
    long connects = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &a->http_status);
    curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects);
    atomic_fetch_add(&c->connections_opened, connects);
    /* Drop pointers into the caller's memory before the handle goes back to the pool. */
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, NULL);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, NULL);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, NULL);
    curl_easy_setopt(easy, CURLOPT_XFERINFODATA, NULL);
    foil_transport_release(c->transport, easy);
}

static foil_status_t curl_status(const foil_client_t *c, const foil_operation_t *op,
                                 const attempt *a) {
    switch (a->curl_code) {
    case CURLE_OK:
        return FOIL_OK;
    case CURLE_OPERATION_TIMEDOUT:
        return foil_fail(FOIL_E_TIMEOUT, "%s timed out after %ld ms", op->name, c->timeout_ms);
    case CURLE_ABORTED_BY_CALLBACK:
        return foil_fail(FOIL_E_CANCELLED, "%s was cancelled", op->name);
    case CURLE_WRITE_ERROR:
        if (a->body.overflow)
            return foil_fail(FOIL_E_PROTOCOL, "%s: response body exceeds the %ld byte limit",
                             op->name, c->max_response_bytes);
        return foil_fail_nomem();
    case CURLE_OUT_OF_MEMORY:
        return foil_fail_nomem();
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
        /* Never retried without verification: the message says where trust came from and
         * how to supply it (a libcurl bundled in a wheel may find no store on this machine). */
        if (c->ca_bundle)
            return foil_fail(FOIL_E_CONNECTION, "%s: TLS verification failed with ca_bundle %s: %s",
                             op->name, c->ca_bundle, curl_easy_strerror(a->curl_code));
        if (!foil_system_ca_bundle())
            return foil_fail(FOIL_E_CONNECTION,
                             "%s: TLS verification failed: no CA certificate store found on this "
                             "machine (SSL_CERT_FILE, or the Debian, RHEL, SUSE or Alpine bundle); "
                             "set ca_bundle to a PEM file of trusted CAs: %s",
                             op->name, curl_easy_strerror(a->curl_code));
        return foil_fail(FOIL_E_CONNECTION,
                         "%s: TLS verification failed with the system CA store %s (set ca_bundle "
                         "to use another): %s",
                         op->name, foil_system_ca_bundle(), curl_easy_strerror(a->curl_code));
    default:
        return foil_fail(FOIL_E_CONNECTION, "%s: %s", op->name, curl_easy_strerror(a->curl_code));
    }
}

static foil_status_t perform(foil_client_t *c, const foil_operation_t *op, const char *url,
                             bool loopback, const char *body, const char *auth, attempt *a) {
    header_list headers;
    CURL *easy = prepare(c, op, url, loopback, body, auth, a, headers);
    if (!easy) return foil_fail_nomem();
    a->curl_code = transfer(easy);
    settle(c, easy, a);
    return curl_status(c, op, a);
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

/* The wait before the next attempt: the server's Retry-After (capped at 60 s), else
 * exponential backoff with full jitter. */
static double retry_delay(int attempt_no, double retry_after) {
    if (retry_after >= 0) return retry_after < 60 ? retry_after : 60;
    double cap = 0.25 * (double)(1u << (attempt_no < 5 ? attempt_no : 5));
    if (cap > 8) cap = 8;
    return cap * ((double)randombytes_uniform(10001) / 10000.0); /* full jitter */
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool should_retry(foil_status_t st, const attempt *a) {
    if (st == FOIL_E_CONNECTION || st == FOIL_E_TIMEOUT) return true;
    return st == FOIL_OK && (a->http_status == 429 || a->http_status >= 500);
}

/* What every attempt sends: the URL, the Authorization header and the body text. */
typedef struct composed {
    const foil_operation_t *op;
    char *url, *auth, *body;
    bool loopback, idempotent;
    const struct foil_json_projection *projection;
} composed;

static foil_status_t compose(foil_client_t *c, const foil_request_t *req, composed *out) {
    memset(out, 0, sizeof *out);
    foil_client_mark_in_use(c); /* options are read from here on: freeze them */
    out->op = foil_operation_get(req->op);
    out->projection = req->projection;
    out->idempotent = strcmp(out->op->method, "GET") == 0 || strcmp(out->op->method, "DELETE") == 0;
    const char *base_url = foil_client_resolve_base_url(c, &out->loopback);
    foil_status_t st = base_url ? foil_url_build(base_url, req, out->op, &out->url)
                                : foil_error_status(foil_last_error());
    if (st == FOIL_OK) st = auth_header(c, req, out->op, &out->auth);
    if (st == FOIL_OK && req->body && !(out->body = cJSON_PrintUnformatted(req->body)))
        st = foil_fail_nomem();
    return st;
}

static void composed_clear(composed *m) {
    free(m->url);
    foil_wipe_free(m->auth);
    if (m->body) foil_wipe_free(m->body);
    memset(m, 0, sizeof *m);
}

/* The typed error of a non-2xx answer. Its body is read with the response parser, so an
 * envelope holding \u0000 or invalid UTF-8 is not taken apart (cJSON would cut a message
 * at the NUL): it counts as "not the error envelope", its raw body kept. */
static foil_status_t fail_http(const attempt *a) {
    foil_json_arena_t *arena = NULL;
    cJSON *envelope = NULL;
    if (a->body.len > 0 &&
        foil_json_arena_parse(a->body.data, a->body.len, &arena, &envelope) != FOIL_OK)
        envelope = NULL;
    foil_status_t st = foil_fail_http((int)a->http_status, a->body.data, a->body.len, envelope,
                                      a->request_id, a->retry_after);
    foil_json_arena_free(arena, true);
    return st;
}

/* The final attempt's answer: a 2xx body parsed into `out`, else the typed error. */
static foil_status_t decode(const composed *m, const attempt *a, foil_response_t *out) {
    if (a->http_status < 200 || a->http_status >= 300) return fail_http(a);
    foil_status_t st = FOIL_OK;
    out->http_status = (int)a->http_status;
    if (a->request_id[0] && !(out->request_id = foil_strdup(a->request_id))) st = foil_fail_nomem();
    if (st == FOIL_OK && a->http_status != 204) {
        out->wipe = !m->idempotent;
        st = foil_json_arena_parse_projected(a->body.data ? a->body.data : "", a->body.len,
                                             m->projection, &out->arena, &out->root);
        if (st == FOIL_E_PROTOCOL) {
            char why[160]; /* the parser's reason ("not valid JSON: ..."), never the text */
            snprintf(why, sizeof why, "%s", foil_error_message(foil_last_error()));
            st = foil_fail(FOIL_E_PROTOCOL, "%s: HTTP %ld response is %s", m->op->name,
                           a->http_status, why);
        } else if (st == FOIL_OK && !cJSON_IsObject(out->root))
            st = foil_fail(FOIL_E_PROTOCOL, "%s: HTTP %ld response is not a JSON object",
                           m->op->name, a->http_status);
        else if (!out->request_id) {
            const cJSON *rid = cJSON_GetObjectItemCaseSensitive(
                cJSON_GetObjectItemCaseSensitive(out->root, "meta"), "request_id");
            if (cJSON_IsString(rid) && !(out->request_id = foil_strdup(rid->valuestring)))
                st = foil_fail_nomem();
        }
    }
    if (st != FOIL_OK) foil_response_clear(out);
    return st;
}

/* Writes can answer with secrets shown once (revealed API keys, signing secrets): never
 * hand such bytes to the next request's buffer. */
static void return_buffer(foil_client_t *c, const composed *m, buffer *b) {
    if (b->data && !m->idempotent) sodium_memzero(b->data, b->len);
    foil_transport_give_buffer(c->transport, b->data, b->cap);
    memset(b, 0, sizeof *b);
}

foil_status_t foil_request_send(foil_client_t *c, const foil_request_t *req, foil_response_t *out) {
    memset(out, 0, sizeof *out);
    if (!c)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "client", "must not be NULL", NULL, NULL);
    composed m;
    foil_status_t st = compose(c, req, &m);
    long generation = atomic_load(&c->cancel_generation);
    /* A token fired before the call (foil/cancel.h) is not lost. */
    if (st == FOIL_OK && foil_cancel_requested())
        st = foil_fail(FOIL_E_CANCELLED, "%s was cancelled", m.op->name);
    attempt a;
    memset(&a, 0, sizeof a);
    foil_transport_take_buffer(c->transport, &a.body.data, &a.body.cap);
    /* Retries never wait past the caller's budget: the request timeout for each attempt
     * allowed, counted from now. A Retry-After that would end past it is not waited for:
     * the failure is returned at once, its retry_after telling the caller when to come back. */
    double deadline = now_seconds() + (double)c->timeout_ms / 1000.0 * (c->max_retries + 1);
    for (int attempt_no = 0; st == FOIL_OK; attempt_no++) {
        buffer reused = {.data = a.body.data, .cap = a.body.cap};
        memset(&a, 0, sizeof a);
        a.body = reused;
        a.cancel_generation = generation;
        st = perform(c, m.op, m.url, m.loopback, m.body, m.auth, &a);
        if (!(m.idempotent && attempt_no < c->max_retries && should_retry(st, &a))) break;
        double wait = retry_delay(attempt_no, a.retry_after), left = deadline - now_seconds();
        if (wait > left) {
            if (a.retry_after >= 0 || left <= 0) break;
            wait = left;
        }
        st = backoff_sleep(c, generation, wait);
    }
    if (st == FOIL_OK) st = decode(&m, &a, out);
    return_buffer(c, &m, &a.body);
    composed_clear(&m);
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
    CURL *easy;               /* in flight; NULL when idle */
    foil_client_t *client;
    composed m;
    attempt a;
    header_list headers;
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
    if (compose(c, req, &ah->m) == FOIL_OK && ah->m.idempotent && !ah->m.body) {
        memset(&ah->a, 0, sizeof ah->a);
        foil_transport_take_buffer(c->transport, &ah->a.body.data, &ah->a.body.cap);
        ah->a.cancel_generation = atomic_load(&c->cancel_generation);
        ah->client = c;
        ah->easy =
            prepare(c, ah->m.op, ah->m.url, ah->m.loopback, NULL, ah->m.auth, &ah->a, ah->headers);
        if (ah->easy && curl_multi_add_handle(ah->multi, ah->easy) == CURLM_OK) {
            int running = 0;
            curl_multi_perform(ah->multi, &running); /* sends the request */
            started = true;
        } else if (ah->easy) {
            settle(c, ah->easy, &ah->a);
            ah->easy = NULL;
        }
    }
    if (!started) foil_request_ahead_drop(ah);
}

foil_status_t foil_request_ahead_finish(foil_request_ahead_t *ah, foil_response_t *out) {
    memset(out, 0, sizeof *out);
    leave_inherited(ah);
    if (!ah->easy) {
        foil_request_ahead_drop(ah);
        return FOIL_E_STATE;
    }
    foil_client_t *c = ah->client;
    /* A foil_client_cancel() since the start was for other requests: this page is only
     * being asked for now. */
    ah->a.cancel_generation = atomic_load(&c->cancel_generation);
    ah->a.curl_code = drive(ah->multi, ah->easy);
    settle(c, ah->easy, &ah->a);
    ah->easy = NULL;
    /* Aborted by a cancel of this call: that is the caller's answer. (An abort seen while
     * the request was being sent belonged to the call that sent it.) */
    bool cancelled =
        ah->a.curl_code == CURLE_ABORTED_BY_CALLBACK &&
        (foil_cancel_requested() || atomic_load(&c->cancel_generation) != ah->a.cancel_generation);
    foil_status_t st;
    if (cancelled)
        st = foil_fail(FOIL_E_CANCELLED, "%s was cancelled", ah->m.op->name);
    else if (ah->a.curl_code != CURLE_OK || ah->a.http_status < 200 || ah->a.http_status >= 300)
        st = FOIL_E_STATE; /* not an answer to keep: the caller sends the request again */
    else
        st = decode(&ah->m, &ah->a, out);
    return_buffer(c, &ah->m, &ah->a.body);
    composed_clear(&ah->m);
    ah->client = NULL;
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
        settle(ah->client, ah->easy, &ah->a);
        ah->easy = NULL;
    }
    if (ah->client) return_buffer(ah->client, &ah->m, &ah->a.body);
    composed_clear(&ah->m);
    ah->client = NULL;
}

void foil_request_ahead_free(foil_request_ahead_t *ah) {
    if (!ah) return;
    foil_request_ahead_drop(ah);
    if (ah->multi) curl_multi_cleanup(ah->multi);
    free(ah);
}

void foil_response_clear(foil_response_t *r) {
    foil_json_arena_free(r->arena, r->wipe);
    free(r->request_id);
    memset(r, 0, sizeof *r);
}
