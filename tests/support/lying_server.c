/* See lying_server.h. */
#define _POSIX_C_SOURCE 200809L
#include "lying_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct lying_server {
    int listener;
    pthread_t thread;
    char url[64];
};

/* One connection: each request read (to its blank line) is answered with the lying
 * headers and the first byte of a body; the connection is held until the client closes. */
static void *serve(void *arg) {
    lying_server_t *s = arg;
    int peer = accept(s->listener, NULL, NULL);
    if (peer < 0) return NULL;
    static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                               "Content-Length: 99999999999999\r\n\r\n{";
    char buf[8192];
    size_t len = 0;
    ssize_t n;
    while ((n = recv(peer, buf + len, sizeof buf - 1 - len, 0)) > 0) {
        len += (size_t)n;
        buf[len] = '\0';
        if (strstr(buf, "\r\n\r\n")) {
            if (send(peer, head, sizeof head - 1, MSG_NOSIGNAL) < 0) break;
            len = 0;
        } else if (len == sizeof buf - 1) {
            len = 0; /* headers this long are not ours to parse: keep reading */
        }
    }
    close(peer);
    return NULL;
}

lying_server_t *lying_server_start(void) {
    lying_server_t *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t addr_len = sizeof addr;
    s->listener = socket(AF_INET, SOCK_STREAM, 0);
    if (s->listener < 0 || bind(s->listener, (struct sockaddr *)&addr, sizeof addr) != 0 ||
        listen(s->listener, 4) != 0 ||
        getsockname(s->listener, (struct sockaddr *)&addr, &addr_len) != 0 ||
        pthread_create(&s->thread, NULL, serve, s) != 0) {
        if (s->listener >= 0) close(s->listener);
        free(s);
        return NULL;
    }
    snprintf(s->url, sizeof s->url, "http://127.0.0.1:%u", (unsigned)ntohs(addr.sin_port));
    return s;
}

const char *lying_server_url(const lying_server_t *s) {
    return s->url;
}

foil_client_t *lying_server_client(const lying_server_t *s) {
    foil_client_t *c = NULL;
    if (foil_client_new(&c) != FOIL_OK) return NULL;
    if (foil_client_set_base_url(c, s->url) != FOIL_OK ||
        foil_client_set_secret_key(c, "sk_test_lying") != FOIL_OK ||
        foil_client_set_timeout_ms(c, 30000) != FOIL_OK) {
        foil_client_free(c);
        return NULL;
    }
    return c;
}

void lying_server_stop(lying_server_t *s) {
    if (!s) return;
    shutdown(s->listener, SHUT_RDWR); /* wakes an accept() no client came to */
    pthread_join(s->thread, NULL);
    close(s->listener);
    free(s);
}
