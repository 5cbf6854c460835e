/* Stopping a libmicrohttpd server (the emulator, the canned server) while it holds connections
 * that sent nothing, a TLS hello, garbage or half a request never crashes. libmicrohttpd 0.9.75
 * (Debian 12) crashed when its own error answer to a malformed request met the stop
 * (emulator/mhd_stop/mhd_stop.h); before the fix this test crashed within a few to ~150 cycles.
 * Each cycle starts a server, connects one client per payload, sends, and stops at once.
 * FOIL_STOP_CYCLES=N runs N cycles per server (the default keeps the test to a few seconds). */
#include "foil_test.h"

#include "canned_server.h"
#include "foil_emulator.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_CYCLES 150
#define VALGRIND_CYCLES 10
/* The connections end on their own once their reading side is shut down: a stop waits for none
 * up to its time limit (0.5 s), so stops average far less (an average: one slow stop on a busy
 * machine is no failure). */
#define STOP_AVERAGE_LIMIT_S (RUNNING_ON_VALGRIND ? 0.75 : 0.25) /* valgrind: ~20x slower */

/* A TLS ClientHello's first bytes, with a space and a line feed among its random bytes (as
 * real hellos often have): libmicrohttpd reads a request line it cannot parse and answers it
 * with an error of its own. */
static const unsigned char tls_hello[] = {0x16, 0x03, 0x01, 0x00, 0x2f, 0x01, 0x00, 0x00,
                                          0x2b, 0x03, 0x03, 0x5e, 0x20, 0x91, 0x20, 0x0a,
                                          0x77, 0x00, 0x13, 0x01, 0x0d, 0x0a, 0x0d, 0x0a};
static const char garbage[] = "GARBAGE / NOT-HTTP\r\n\r\n";
static const char half_request[] = "GET /v1/sessions HTTP/1.1\r\nHost: 127.0";
static const char whole_request[] = "GET /v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

typedef struct client {
    const void *bytes;
    size_t len;
    bool then_close; /* closes its sending side right after (as a failing TLS client does) */
} client_t;

static const client_t clients[] = {
    {NULL, 0, false},
    {tls_hello, sizeof tls_hello, false},
    {tls_hello, sizeof tls_hello, true},
    {garbage, sizeof garbage - 1, false},
    {garbage, sizeof garbage - 1, true},
    {half_request, sizeof half_request - 1, false},
    {whole_request, sizeof whole_request - 1, false},
};
#define CLIENTS (sizeof clients / sizeof clients[0])

static int cycles(void) {
    const char *v = getenv("FOIL_STOP_CYCLES");
    int n = v ? atoi(v) : 0;
    return n > 0 ? n : RUNNING_ON_VALGRIND ? VALGRIND_CYCLES : DEFAULT_CYCLES;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int connect_to(unsigned port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof addr), 0);
    return fd;
}

/* Connects every client and sends; on odd cycles only once the server has had time to accept
 * them all (the bytes then meet connections waiting for a request), on even cycles at once
 * (they meet connections being accepted). */
static void open_clients(unsigned port, int cycle, int fds[CLIENTS]) {
    for (size_t i = 0; i < CLIENTS; i++)
        fds[i] = connect_to(port);
    if (cycle % 2) {
        struct timespec accepted = {0, 3 * 1000 * 1000L};
        nanosleep(&accepted, NULL);
    }
    for (size_t i = 0; i < CLIENTS; i++) {
        if (clients[i].len)
            assert_int_equal(send(fds[i], clients[i].bytes, clients[i].len, MSG_NOSIGNAL),
                             (ssize_t)clients[i].len);
        if (clients[i].then_close) shutdown(fds[i], SHUT_WR);
    }
}

static void close_clients(int fds[CLIENTS]) {
    for (size_t i = 0; i < CLIENTS; i++)
        close(fds[i]);
}

static void emulator_stops_with_malformed_connections(void **state) {
    (void)state;
    double stopping = 0;
    int n = cycles();
    for (int cycle = 0; cycle < n; cycle++) {
        foil_emulator_config_t cfg;
        foil_emulator_config_init(&cfg);
        foil_emulator_t *emu = NULL;
        assert_int_equal(foil_emulator_start(&cfg, &emu), FOIL_OK);
        int fds[CLIENTS];
        open_clients(foil_emulator_port(emu), cycle, fds);
        double started = now_s();
        foil_emulator_stop(emu);
        stopping += now_s() - started;
        close_clients(fds);
    }
    assert_true(stopping / n < STOP_AVERAGE_LIMIT_S);
}

static void canned_server_stops_with_malformed_connections(void **state) {
    (void)state;
    double stopping = 0;
    int n = cycles();
    for (int cycle = 0; cycle < n; cycle++) {
        canned_server_t *s = canned_server_start();
        assert_non_null(s);
        unsigned port = 0;
        assert_int_equal(sscanf(canned_server_url(s), "http://127.0.0.1:%u", &port), 1);
        int fds[CLIENTS];
        open_clients(port, cycle, fds);
        double started = now_s();
        canned_server_stop(s);
        stopping += now_s() - started;
        close_clients(fds);
    }
    assert_true(stopping / n < STOP_AVERAGE_LIMIT_S);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(emulator_stops_with_malformed_connections),
        cmocka_unit_test(canned_server_stops_with_malformed_connections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
