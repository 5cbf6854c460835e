/* HTTP/1.1 glue on libmicrohttpd: a thread pool on epoll, keep-alive, request bodies,
 * request ids, faults applied to the answer, and stats. */
#include "emu.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "foil/foil.h"

#define MAX_BODY (1024 * 1024)
#define OVERSIZED_BYTES (64ULL * 1024 * 1024)
/* Open connections served at once (a delayed request holds one, not a worker thread). */
#define MAX_CONNECTIONS 4096

typedef struct conn_ctx {
    char *body;
    size_t len, cap;
    int too_large;
    int fault_taken, faulted; /* the fault is taken once, before a delay parks the request */
    emu_fault_t fault;
    emu_parked_t parked;
} conn_ctx_t;

/* ---- streamed bodies for the truncate and oversized faults ------------------------------ */

typedef struct stream {
    char *body;
    size_t len;     /* bytes actually sent (truncate) or prefix length (oversized) */
    uint64_t total; /* announced length */
    int oversized;
} stream_t;

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max) {
    stream_t *s = cls;
    if (!s->oversized) {
        if (pos >= s->len) return MHD_CONTENT_READER_END_WITH_ERROR; /* cut the connection */
        size_t n = s->len - (size_t)pos < max ? s->len - (size_t)pos : max;
        memcpy(buf, s->body + pos, n);
        return (ssize_t)n;
    }
    /* {"data":{"padding":"xxxx...x"}} — valid JSON, just far too large. */
    static const char prefix[] = "{\"data\":{\"padding\":\"";
    static const char suffix[] = "\"}}";
    size_t n = 0;
    while (n < max && pos < s->total) {
        if (pos < sizeof(prefix) - 1)
            buf[n] = prefix[pos];
        else if (pos >= s->total - (sizeof(suffix) - 1))
            buf[n] = suffix[pos - (s->total - (sizeof(suffix) - 1))];
        else
            buf[n] = 'x';
        n++;
        pos++;
    }
    return n ? (ssize_t)n : MHD_CONTENT_READER_END_OF_STREAM;
}

static ssize_t reset_read(void *cls, uint64_t pos, char *buf, size_t max) {
    (void)cls;
    if (pos > 0 || max == 0) return MHD_CONTENT_READER_END_WITH_ERROR;
    buf[0] = '{'; /* one byte, so the headers are flushed before the reset */
    return 1;
}

static void stream_free(void *cls) {
    stream_t *s = cls;
    free(s->body);
    free(s);
}

/* Applies a body-altering fault to the finished response. Returns the MHD response. */
static struct MHD_Response *faulted_response(emu_response_t *r, const emu_fault_t *f) {
    if (f->kind == FOIL_EMULATOR_FAULT_CORRUPT) {
        static const char junk[] = "\xff\xfe<<corrupted>>\x00{{";
        size_t keep = r->body_len / 2;
        char *b = malloc(keep + sizeof(junk));
        if (!b) return NULL;
        if (keep) memcpy(b, r->body, keep);
        memcpy(b + keep, junk, sizeof(junk) - 1);
        r->content_type = "application/json";
        return MHD_create_response_from_buffer(keep + sizeof(junk) - 1, b, MHD_RESPMEM_MUST_FREE);
    }
    if (f->kind == FOIL_EMULATOR_FAULT_CONTENT_TYPE) {
        static const char html[] =
            "<!DOCTYPE html><html><head><title>Gateway</title></head><body><h1>Upstream "
            "answered</h1><p>This is not the JSON you are looking for.</p></body></html>";
        r->content_type = "text/html; charset=utf-8";
        return MHD_create_response_from_buffer(sizeof(html) - 1, (void *)html,
                                               MHD_RESPMEM_PERSISTENT);
    }
    stream_t *s = calloc(1, sizeof(*s));
    if (!s) return NULL;
    if (f->kind == FOIL_EMULATOR_FAULT_TRUNCATE) {
        s->body = r->body;
        r->body = NULL;
        s->total = r->body_len;
        s->len = r->body_len / 2;
    } else {
        s->oversized = 1;
        s->total = OVERSIZED_BYTES;
        r->content_type = "application/json";
    }
    return MHD_create_response_from_callback(s->total, 16 * 1024, stream_read, s, stream_free);
}

static void client_address(struct MHD_Connection *conn, char out[64]) {
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, 64, "unknown");
    if (!ci || !ci->client_addr) return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, 64);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, 64);
}

/* Percent-decodes the path and the query in place, except %00: a NUL would end the C string
 * there, so /v1/sessions/ID%00x would be ID and limit=5%00 would be 5. Kept as the three
 * characters, it matches no id and no number. */
static size_t unescape_but_nul(void *cls, struct MHD_Connection *conn, char *s) {
    (void)cls;
    (void)conn;
    char *w = s;
    for (const char *r = s; *r; r++) {
        if (r[0] == '%' && isxdigit((unsigned char)r[1]) && isxdigit((unsigned char)r[2]) &&
            !(r[1] == '0' && r[2] == '0')) {
            char hex[3] = {r[1], r[2], 0};
            *w++ = (char)strtol(hex, NULL, 16);
            r += 2;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
    return (size_t)(w - s);
}

/* Closes with RST instead of FIN: SO_LINGER with a zero timeout. */
static void arm_reset(struct MHD_Connection *conn) {
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!ci) return;
    struct linger lg = {1, 0};
    setsockopt(ci->connect_fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
}

static enum MHD_Result dispatch(foil_emulator_t *emu, struct MHD_Connection *conn, const char *url,
                                const char *method, const conn_ctx_t *ctx) {
    atomic_fetch_add(&emu->stat_requests, 1);
    emu_request_t req;
    memset(&req, 0, sizeof(req));
    req.emu = emu;
    req.conn = conn;
    req.method = method;
    req.path = url;
    req.body = ctx->body;
    req.body_len = ctx->len;
    emu_request_id(req.request_id);
    client_address(conn, req.client_addr);
    emu_response_t resp;
    memset(&resp, 0, sizeof(resp));

    const int faulted = ctx->faulted;
    const emu_fault_t fault = ctx->fault;
    if (ctx->too_large) {
        emu_respond_error(&req, &resp, 413, "request.too_large", "The request body exceeds 1 MiB.",
                          NULL);
    } else if (faulted && fault.kind == FOIL_EMULATOR_FAULT_STATUS) {
        char msg[96];
        snprintf(msg, sizeof(msg), "Injected fault: HTTP %u.", fault.status);
        const char *code = fault.status == 429   ? "rate_limit.exceeded"
                           : fault.status >= 500 ? "server.unavailable"
                                                 : "request.fault_injected";
        if (fault.status == 429 || fault.status == 503)
            emu_response_header(&resp, "Retry-After", "1");
        emu_respond_error(&req, &resp, fault.status, code, msg, NULL);
    } else {
        emu_route(&req, &resp);
    }
    if (faulted && fault.status && fault.kind != FOIL_EMULATOR_FAULT_STATUS)
        resp.status = fault.status;

    struct MHD_Response *r;
    if (faulted && fault.kind == FOIL_EMULATOR_FAULT_RESET) {
        /* The status line and headers go out, then an RST instead of the body: a client
         * cannot mistake it for a stale keep-alive connection and silently retry. */
        arm_reset(conn);
        resp.body_len = resp.body_len > 1 ? resp.body_len : 2;
        r = MHD_create_response_from_callback(resp.body_len, 1024, reset_read, NULL, NULL);
    } else if (faulted && fault.kind >= FOIL_EMULATOR_FAULT_TRUNCATE)
        r = faulted_response(&resp, &fault);
    else if (resp.body)
        r = MHD_create_response_from_buffer(resp.body_len, resp.body, MHD_RESPMEM_MUST_FREE);
    else
        r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (r && resp.body && !(faulted && fault.kind >= FOIL_EMULATOR_FAULT_RESET))
        resp.body = NULL; /* owned by MHD now */
    free(resp.body);
    /* libfoil keeps the last error per thread; worker threads outlive requests, so release
     * it here rather than when the thread exits. */
    foil_error_clear();
    if (!r) return MHD_NO;
    if (resp.content_type) MHD_add_response_header(r, "Content-Type", resp.content_type);
    MHD_add_response_header(r, "x-request-id", req.request_id);
    for (size_t i = 0; i < resp.nheaders; i++)
        MHD_add_response_header(r, resp.headers[i].name, resp.headers[i].value);
    enum MHD_Result rc = MHD_queue_response(conn, resp.status ? resp.status : 500, r);
    MHD_destroy_response(r);
    if (emu->cfg.log_requests) emu_log("%s %s -> %u %s", method, url, resp.status, req.request_id);
    return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls) {
    (void)version;
    conn_ctx_t *ctx = *req_cls;
    if (!ctx) {
        ctx = calloc(1, sizeof(*ctx));
        if (!ctx) return MHD_NO;
        *req_cls = ctx;
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (ctx->too_large || ctx->len + n > MAX_BODY) {
            ctx->too_large = 1;
            return MHD_YES;
        }
        if (ctx->len + n + 1 > ctx->cap) {
            size_t cap = (ctx->len + n + 1) * 2;
            char *b = realloc(ctx->body, cap);
            if (!b) return MHD_NO;
            ctx->body = b;
            ctx->cap = cap;
        }
        memcpy(ctx->body + ctx->len, upload_data, n);
        ctx->len += n;
        ctx->body[ctx->len] = '\0';
        return MHD_YES;
    }
    foil_emulator_t *emu = cls;
    if (!ctx->fault_taken) {
        ctx->fault_taken = 1;
        ctx->faulted = emu_fault_take(emu, method, url, &ctx->fault);
        /* A delay holds no worker: the connection is suspended and this handler is called
         * again when the delay is over. */
        if (ctx->faulted && ctx->fault.delay_ms &&
            emu_parking_park(&emu->parking, &ctx->parked, conn, ctx->fault.delay_ms) == 0)
            return MHD_YES;
    }
    return dispatch(emu, conn, url, method, ctx);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe) {
    (void)cls;
    (void)conn;
    (void)toe;
    conn_ctx_t *ctx = *req_cls;
    if (!ctx) return;
    free(ctx->body);
    free(ctx);
    *req_cls = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_ctx,
                          enum MHD_ConnectionNotificationCode toe) {
    foil_emulator_t *emu = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) atomic_fetch_add(&emu->stat_connections, 1);
    mhd_stop_notify(&emu->connections, conn, socket_ctx, toe);
}

/* Concurrency tests hold hundreds of connections, often with the client in the same process
 * (two descriptors each): lift the soft descriptor limit (often 1024) to the hard one. */
static void raise_descriptor_limit(void) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= MAX_CONNECTIONS * 2) return;
    rl.rlim_cur = rl.rlim_max < MAX_CONNECTIONS * 2 ? rl.rlim_max : MAX_CONNECTIONS * 2;
    setrlimit(RLIMIT_NOFILE, &rl);
}

int emu_host_is_loopback(const char *host) {
    struct in_addr v4;
    struct in6_addr v6;
    if (!host) return 0;
    if (strcmp(host, "localhost") == 0) return 1;
    if (inet_pton(AF_INET, host, &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
    return inet_pton(AF_INET6, host, &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

foil_status_t emu_server_start(foil_emulator_t *emu) {
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    int ipv6 = strchr(emu->host, ':') != NULL;
    const char *host = strcmp(emu->host, "localhost") == 0 ? "127.0.0.1" : emu->host;
    if (ipv6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)emu->cfg.port);
        if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1) return FOIL_E_INVALID_ARGUMENT;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_port = htons((uint16_t)emu->cfg.port);
        if (inet_pton(AF_INET, host, &a->sin_addr) != 1) return FOIL_E_INVALID_ARGUMENT;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO |
                     MHD_ALLOW_SUSPEND_RESUME | (emu->cfg.log_requests ? MHD_USE_ERROR_LOG : 0) |
                     (ipv6 ? MHD_USE_IPv6 : 0);
    unsigned threads = emu->cfg.threads ? emu->cfg.threads : 4;
    if (mhd_connections_init(&emu->connections) != 0) return FOIL_E_NOMEM;
    if (emu_parking_start(&emu->parking) != 0) {
        mhd_connections_destroy(&emu->connections);
        return FOIL_E_NOMEM;
    }
    raise_descriptor_limit();
    emu->daemon = MHD_start_daemon(
        flags, 0, mhd_stop_accept, &emu->connections, on_request, emu, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)120, MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)MAX_CONNECTIONS, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, emu, MHD_OPTION_UNESCAPE_CALLBACK,
        unescape_but_nul, NULL, MHD_OPTION_END);
    if (!emu->daemon) {
        emu_parking_stop(&emu->parking);
        emu_parking_free(&emu->parking);
        mhd_connections_destroy(&emu->connections);
        return FOIL_E_CONNECTION;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(emu->daemon, MHD_DAEMON_INFO_BIND_PORT);
    emu->port = info ? info->port : emu->cfg.port;
    snprintf(emu->base_url, sizeof(emu->base_url), ipv6 ? "http://[%s]:%u" : "http://%s:%u",
             emu->host, emu->port);
    return FOIL_OK;
}

/* Parked connections are resumed first (they are answered at once), then every connection is
 * let finish before the daemon stops (mhd_stop.h: libmicrohttpd 0.9.75 can crash otherwise). */
void emu_server_stop(foil_emulator_t *emu) {
    if (!emu->daemon) return;
    emu_parking_stop(&emu->parking);
    mhd_stop_daemon(&emu->connections, emu->daemon);
    emu->daemon = NULL;
    emu_parking_free(&emu->parking);
    mhd_connections_destroy(&emu->connections);
}
