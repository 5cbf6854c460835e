/* Canned-response loopback server on libmicrohttpd (see canned_server.h). */
#define _POSIX_C_SOURCE 200809L
#include "canned_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mhd_stop.h"

struct canned_server {
    struct MHD_Daemon *daemon;
    mhd_connections_t connections; /* drained before the daemon stops (mhd_stop.h) */
    pthread_mutex_t lock;
    int status;
    char *body;
    char request_id[128];
    char retry_after[64];
    long delay_ms;
    canned_request_t last;
    char url[64];
    char **sequence; /* canned_server_sequence: served in order, the last repeated */
    size_t sequence_count, sequence_next;
    int echo_pages;      /* canned_server_echo: answers name what was asked; 0: off */
    char echo_meta[128]; /* canned_server_echo_meta: a "meta" member after "pagination" */
};

static void clear_sequence(canned_server_t *s) {
    for (size_t i = 0; i < s->sequence_count; i++)
        free(s->sequence[i]);
    free(s->sequence);
    s->sequence = NULL;
    s->sequence_count = s->sequence_next = 0;
}

typedef struct upload {
    char *data;
    size_t len;
} upload;

static void copy_header(struct MHD_Connection *c, const char *name, char *dst, size_t cap) {
    const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
    snprintf(dst, cap, "%s", v ? v : "");
}

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value) {
    (void)kind;
    canned_request_t *r = cls;
    size_t used = strlen(r->query);
    snprintf(r->query + used, sizeof r->query - used, "%s%s=%s", used ? "&" : "", key,
             value ? value : "");
    return MHD_YES;
}

/* A list (a path ending in "/sessions"): one item "item_<cursor>" per page, cursors
 * 0 (none), 1, ... up to echo_pages pages. Anything else: {"data":{"id": <last path
 * segment>}}. So every answer says which request it answers. */
static void echo_body(const canned_server_t *s, struct MHD_Connection *conn, const char *url,
                      char *out, size_t cap) {
    size_t n = strlen(url);
    if (n >= 9 && strcmp(url + n - 9, "/sessions") == 0) {
        const char *c = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "cursor");
        int cursor = c ? atoi(c) : 0;
        char next[64] = "";
        if (cursor + 1 < s->echo_pages)
            snprintf(next, sizeof next, ",\"next_cursor\":\"%d\"", cursor + 1);
        snprintf(out, cap,
                 "{\"data\":[{\"object\":\"session\",\"id\":\"item_%d\"}],"
                 "\"pagination\":{\"limit\":1,\"has_more\":%s%s}%s%s}",
                 cursor, next[0] ? "true" : "false", next, s->echo_meta[0] ? ",\"meta\":" : "",
                 s->echo_meta);
        return;
    }
    const char *id = strrchr(url, '/');
    snprintf(out, cap, "{\"data\":{\"object\":\"session\",\"id\":\"%.1000s\"}}", id ? id + 1 : url);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *data_size, void **state) {
    (void)version;
    canned_server_t *s = cls;
    upload *up = *state;
    if (!up) {
        *state = calloc(1, sizeof(upload));
        return *state ? MHD_YES : MHD_NO;
    }
    if (*data_size) {
        char *grown = realloc(up->data, up->len + *data_size + 1);
        if (!grown) return MHD_NO;
        up->data = grown;
        memcpy(up->data + up->len, data, *data_size);
        up->len += *data_size;
        up->data[up->len] = '\0';
        *data_size = 0;
        return MHD_YES;
    }
    pthread_mutex_lock(&s->lock);
    canned_request_t *r = &s->last;
    snprintf(r->method, sizeof r->method, "%s", method);
    snprintf(r->url, sizeof r->url, "%s", url);
    r->query[0] = '\0';
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_arg, r);
    copy_header(conn, "Authorization", r->authorization, sizeof r->authorization);
    copy_header(conn, "Content-Type", r->content_type, sizeof r->content_type);
    copy_header(conn, "X-Foil-Client", r->foil_client, sizeof r->foil_client);
    r->body_len = up->len < sizeof r->body - 1 ? up->len : sizeof r->body - 1;
    if (up->data) memcpy(r->body, up->data, r->body_len);
    r->body[r->body_len] = '\0';
    r->count++;
    const char *body = s->body ? s->body : "";
    char echoed[4096];
    if (s->echo_pages) {
        echo_body(s, conn, url, echoed, sizeof echoed);
        body = echoed;
    } else if (s->sequence_count) {
        size_t i =
            s->sequence_next < s->sequence_count ? s->sequence_next++ : s->sequence_count - 1;
        body = s->sequence[i];
    }
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(resp, "Content-Type", "application/json");
    if (s->request_id[0]) MHD_add_response_header(resp, "x-request-id", s->request_id);
    if (s->retry_after[0]) MHD_add_response_header(resp, "Retry-After", s->retry_after);
    int status = s->status;
    long delay_ms = s->delay_ms;
    pthread_mutex_unlock(&s->lock);
    if (delay_ms > 0) {
        struct timespec ts = {delay_ms / 1000, (delay_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void completed(void *cls, struct MHD_Connection *c, void **state,
                      enum MHD_RequestTerminationCode code) {
    (void)cls, (void)c, (void)code;
    upload *up = *state;
    if (up) free(up->data);
    free(up);
    *state = NULL;
}

canned_server_t *canned_server_start(void) {
    canned_server_t *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    if (mhd_connections_init(&s->connections) != 0) {
        free(s);
        return NULL;
    }
    pthread_mutex_init(&s->lock, NULL);
    s->status = 200;
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->daemon =
        MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0,
                         mhd_stop_accept, &s->connections, handle, s, MHD_OPTION_SOCK_ADDR, &addr,
                         MHD_OPTION_NOTIFY_COMPLETED, completed, s, MHD_OPTION_NOTIFY_CONNECTION,
                         mhd_stop_notify, &s->connections, MHD_OPTION_END);
    if (!s->daemon) {
        mhd_connections_destroy(&s->connections);
        pthread_mutex_destroy(&s->lock);
        free(s);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    snprintf(s->url, sizeof s->url, "http://127.0.0.1:%u", (unsigned)info->port);
    return s;
}

void canned_server_respond(canned_server_t *s, int status, const char *body, const char *request_id,
                           const char *retry_after) {
    pthread_mutex_lock(&s->lock);
    clear_sequence(s);
    free(s->body);
    s->body = body ? strdup(body) : NULL;
    s->status = status;
    snprintf(s->request_id, sizeof s->request_id, "%s", request_id ? request_id : "");
    snprintf(s->retry_after, sizeof s->retry_after, "%s", retry_after ? retry_after : "");
    pthread_mutex_unlock(&s->lock);
}

const char *canned_server_url(const canned_server_t *s) {
    return s->url;
}

canned_request_t canned_server_last(canned_server_t *s) {
    pthread_mutex_lock(&s->lock);
    canned_request_t copy = s->last;
    pthread_mutex_unlock(&s->lock);
    return copy;
}

void canned_server_stop(canned_server_t *s) {
    if (!s) return;
    mhd_stop_daemon(&s->connections, s->daemon);
    mhd_connections_destroy(&s->connections);
    pthread_mutex_destroy(&s->lock);
    clear_sequence(s);
    free(s->body);
    free(s);
}

void canned_server_sequence(canned_server_t *s, const char *const *bodies, size_t count) {
    pthread_mutex_lock(&s->lock);
    clear_sequence(s);
    s->status = 200;
    s->sequence = calloc(count, sizeof *s->sequence);
    for (size_t i = 0; s->sequence && i < count; i++)
        if ((s->sequence[i] = strdup(bodies[i]))) s->sequence_count = i + 1;
    pthread_mutex_unlock(&s->lock);
}

void canned_server_echo(canned_server_t *s, int list_pages) {
    pthread_mutex_lock(&s->lock);
    s->status = 200;
    s->echo_pages = list_pages;
    pthread_mutex_unlock(&s->lock);
}

void canned_server_echo_meta(canned_server_t *s, const char *meta) {
    pthread_mutex_lock(&s->lock);
    snprintf(s->echo_meta, sizeof s->echo_meta, "%s", meta ? meta : "");
    pthread_mutex_unlock(&s->lock);
}

void canned_server_delay(canned_server_t *s, long delay_ms) {
    pthread_mutex_lock(&s->lock);
    s->delay_ms = delay_ms;
    pthread_mutex_unlock(&s->lock);
}

int canned_env_setup(void **state) {
    canned_env_t *e = calloc(1, sizeof *e);
    if (!e || !(e->server = canned_server_start()) || foil_client_new(&e->client) != FOIL_OK ||
        foil_client_set_base_url(e->client, canned_server_url(e->server)) != FOIL_OK ||
        foil_client_set_secret_key(e->client, CANNED_ENV_SECRET_KEY) != FOIL_OK) {
        *state = e;
        canned_env_teardown(state);
        return -1;
    }
    *state = e;
    return 0;
}

foil_client_t *canned_env_client(const canned_env_t *e) {
    foil_client_t *c = NULL;
    if (foil_client_new(&c) != FOIL_OK ||
        foil_client_set_base_url(c, canned_server_url(e->server)) != FOIL_OK ||
        foil_client_set_secret_key(c, CANNED_ENV_SECRET_KEY) != FOIL_OK) {
        foil_client_free(c);
        return NULL;
    }
    return c;
}

int canned_env_teardown(void **state) {
    canned_env_t *e = *state;
    if (e) {
        foil_client_free(e->client);
        canned_server_stop(e->server);
        free(e);
    }
    *state = NULL;
    return 0;
}
