/* The client: URL policy, headers, keep-alive reuse, thread sharing, retries,
 * timeouts, size caps, cancellation and connection failures. */
#include "foil_test.h"

#include "canned_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *page_body =
    "{\"data\":[{\"object\":\"session\",\"id\":\"sid_1\"}],"
    "\"pagination\":{\"limit\":1,\"has_more\":false},\"meta\":{\"request_id\":\"req_meta\"}}";

typedef canned_env_t env;

static int setup(void **state) {
    if (canned_env_setup(state) != 0) return -1;
    env *e = *state;
    canned_server_respond(e->server, 200, page_body, NULL, NULL);
    return 0;
}

static int teardown(void **state) {
    return canned_env_teardown(state);
}

static void base_url_policy(void **state) {
    env *e = *state;
    foil_client_t *c = e->client;
    FOIL_ASSERT_OK(foil_client_set_base_url(c, "https://api.usefoil.com/"));
    assert_string_equal(foil_client_base_url(c), "https://api.usefoil.com");
    FOIL_ASSERT_OK(foil_client_set_base_url(c, "http://localhost:8080"));
    FOIL_ASSERT_OK(foil_client_set_base_url(c, "http://127.1.2.3:9"));
    FOIL_ASSERT_OK(foil_client_set_base_url(c, "http://[::1]:9"));
    const char *refused[] = {"http://api.usefoil.com",    "http://10.0.0.1", "ftp://x",
                             "http://127.0.0.1.evil.com", "not a url",       ""};
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        assert_int_equal(foil_client_set_base_url(c, refused[i]), FOIL_E_CONFIGURATION);
        assert_string_equal(foil_error_field_name(foil_last_error(), 0), "base_url");
    }
    assert_string_equal(foil_client_base_url(c), "http://[::1]:9"); /* unchanged on failure */
    assert_int_equal(foil_client_set_timeout_ms(c, 0), FOIL_E_INVALID_ARGUMENT);
    assert_int_equal(foil_client_set_max_retries(c, -1), FOIL_E_INVALID_ARGUMENT);
    assert_int_equal(foil_client_set_secret_key(c, "sk\r\nX-Evil: 1"), FOIL_E_INVALID_ARGUMENT);
    assert_int_equal(foil_client_set_client_suffix(c, "py\n"), FOIL_E_INVALID_ARGUMENT);
    assert_int_equal(foil_client_new(NULL), FOIL_E_INVALID_ARGUMENT);
    foil_client_free(NULL);
}

static void environment_configuration(void **state) {
    (void)state;
    setenv("FOIL_BASE_URL", "http://127.0.0.1:1", 1);
    setenv("FOIL_SECRET_KEY", "sk_from_env", 1);
    foil_client_t *c = NULL;
    FOIL_ASSERT_OK(foil_client_new(&c));
    assert_string_equal(foil_client_base_url(c), "http://127.0.0.1:1");
    foil_client_free(c);
    /* A bad FOIL_BASE_URL no longer fails the constructor: it is read at first need. */
    setenv("FOIL_BASE_URL", "http://example.com", 1);
    FOIL_ASSERT_OK(foil_client_new(&c));
    assert_null(foil_client_base_url(c));
    assert_int_equal(foil_error_status(foil_last_error()), FOIL_E_CONFIGURATION);
    foil_client_free(c);
    unsetenv("FOIL_BASE_URL");
    unsetenv("FOIL_SECRET_KEY");
    FOIL_ASSERT_OK(foil_client_new(&c));
    assert_string_equal(foil_client_base_url(c), FOIL_DEFAULT_BASE_URL);
    foil_client_free(c);
}

static void headers_and_keep_alive(void **state) {
    env *e = *state;
    FOIL_ASSERT_OK(foil_client_set_client_suffix(e->client, "python/3.11"));
    FOIL_ASSERT_OK(foil_client_set_user_agent(e->client, "my-app/2"));
    for (int i = 0; i < 25; i++) {
        foil_page_t *p = NULL;
        FOIL_ASSERT_OK(foil_sessions_list(e->client, 1, NULL, NULL, NULL, &p));
        assert_string_equal(foil_page_request_id(p), "req_meta");
        foil_page_free(p);
    }
    canned_request_t req = canned_server_last(e->server);
    assert_int_equal(req.count, 25);
    char expected[64];
    snprintf(expected, sizeof expected, "libfoil-c/%s python/3.11", foil_version_string());
    assert_string_equal(req.foil_client, expected);
    assert_int_equal(foil_client_connections_opened(e->client), 1); /* one reused connection */
}

/* A CA bundle that cannot be loaded fails before any request is sent (libcurl may load it
 * lazily, after its TLS hello), and the message names ca_bundle, the option that fixes it (a
 * wheel's bundled libcurl may find no store). The peer is a bare listening socket (an HTTP
 * server stopped while it holds the abandoned connection would add its own races): what a
 * connection sent is at most a TLS handshake record, never the request or the key. */
static void ca_failure_names_ca_bundle(void **state) {
    (void)state;
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(listener >= 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t addr_len = sizeof addr;
    assert_int_equal(bind(listener, (struct sockaddr *)&addr, sizeof addr), 0);
    assert_int_equal(listen(listener, 4), 0);
    assert_int_equal(getsockname(listener, (struct sockaddr *)&addr, &addr_len), 0);
    char https[64];
    snprintf(https, sizeof https, "https://127.0.0.1:%u", (unsigned)ntohs(addr.sin_port));

    foil_client_t *c = NULL;
    FOIL_ASSERT_OK(foil_client_new(&c));
    FOIL_ASSERT_OK(foil_client_set_base_url(c, https));
    FOIL_ASSERT_OK(foil_client_set_secret_key(c, "sk_test_ca"));
    FOIL_ASSERT_OK(foil_client_set_ca_bundle(c, "/nonexistent/ca.pem"));
    foil_page_t *p = NULL;
    assert_int_equal(foil_sessions_list(c, 1, NULL, NULL, NULL, &p), FOIL_E_CONNECTION);
    assert_non_null(strstr(foil_error_message(foil_last_error()), "ca_bundle /nonexistent/ca.pem"));
    foil_client_free(c); /* closes whatever it opened */

    struct pollfd ready = {.fd = listener, .events = POLLIN};
    while (poll(&ready, 1, 0) == 1) { /* each connection made: at most a TLS hello, no request */
        int peer = accept(listener, NULL, NULL);
        assert_true(peer >= 0);
        unsigned char got[8192];
        size_t len = 0;
        ssize_t n;
        while (len < sizeof got && (n = recv(peer, got + len, sizeof got - len, 0)) > 0)
            len += (size_t)n;
        /* Nothing, or a TLS handshake record: never the request (nor the key in it). */
        assert_true(len == 0 || got[0] == 0x16);
        close(peer);
    }
    close(listener);
}

typedef struct worker {
    foil_client_t *client;
    int ok;
} worker;

static void *run_worker(void *arg) {
    worker *w = arg;
    for (int i = 0; i < 20; i++) {
        foil_page_t *p = NULL;
        if (foil_sessions_list(w->client, 1, NULL, NULL, NULL, &p) == FOIL_OK &&
            strcmp(foil_session_id(foil_page_item(p, 0)), "sid_1") == 0)
            w->ok++;
        foil_page_free(p);
    }
    return NULL;
}

static void eight_threads_share_one_client(void **state) {
    env *e = *state;
    pthread_t threads[8];
    worker workers[8];
    for (int i = 0; i < 8; i++) {
        workers[i] = (worker){e->client, 0};
        pthread_create(&threads[i], NULL, run_worker, &workers[i]);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(threads[i], NULL);
        assert_int_equal(workers[i].ok, 20);
    }
    assert_int_equal(canned_server_last(e->server).count, 160);
    assert_true(foil_client_connections_opened(e->client) <= 8);
}

static void retries_are_opt_in_and_idempotent_only(void **state) {
    env *e = *state;
    canned_server_respond(e->server, 503, "{}", NULL, "0");
    foil_page_t *p = NULL;
    assert_int_equal(foil_sessions_list(e->client, 0, NULL, NULL, NULL, &p), FOIL_E_SERVER);
    assert_int_equal(canned_server_last(e->server).count, 1); /* default: no retries */
    foil_client_t *c = canned_env_client(e);
    assert_non_null(c);
    FOIL_ASSERT_OK(foil_client_set_max_retries(c, 2));
    assert_int_equal(foil_sessions_list(c, 0, NULL, NULL, NULL, &p), FOIL_E_SERVER);
    assert_int_equal(canned_server_last(e->server).count, 4);
    foil_result_t *r = NULL;
    assert_int_equal(foil_sessions_clear_client_user(c, "sid_1", &r), FOIL_E_SERVER);
    assert_int_equal(canned_server_last(e->server).count, 5); /* PATCH is never retried */
    canned_server_respond(e->server, 404, "{}", NULL, NULL);
    assert_int_equal(foil_sessions_list(c, 0, NULL, NULL, NULL, &p), FOIL_E_NOT_FOUND);
    assert_int_equal(canned_server_last(e->server).count, 6); /* 4xx is not retryable */
    foil_client_free(c);
}

static void timeout_and_size_cap(void **state) {
    env *e = *state;
    canned_server_delay(e->server, 400);
    FOIL_ASSERT_OK(foil_client_set_timeout_ms(e->client, 100));
    foil_page_t *p = NULL;
    assert_int_equal(foil_sessions_list(e->client, 0, NULL, NULL, NULL, &p), FOIL_E_TIMEOUT);
    assert_true(foil_error_retryable(foil_last_error()));
    canned_server_delay(e->server, 0);
    foil_client_t *c = canned_env_client(e);
    assert_non_null(c);
    FOIL_ASSERT_OK(foil_client_set_timeout_ms(c, 5000));
    FOIL_ASSERT_OK(foil_client_set_max_response_bytes(c, 32));
    assert_int_equal(foil_sessions_list(c, 0, NULL, NULL, NULL, &p), FOIL_E_PROTOCOL);
    assert_non_null(strstr(foil_error_message(foil_last_error()), "limit"));
    foil_client_free(c);
}

/* Options are frozen by the first request: a setter then is FOIL_E_STATE, not a data race
 * with the threads using the client, and changes nothing. */
static void options_freeze_at_the_first_request(void **state) {
    env *e = *state;
    foil_client_t *c = e->client;
    FOIL_ASSERT_OK(foil_client_set_timeout_ms(c, 4000)); /* before: fine, any number of times */
    FOIL_ASSERT_OK(foil_client_set_timeout_ms(c, 5000));
    foil_page_t *p = NULL;
    FOIL_ASSERT_OK(foil_sessions_list(c, 1, NULL, NULL, NULL, &p));
    foil_page_free(p);
    const char *url = canned_server_url(e->server);
    foil_status_t results[] = {
        foil_client_set_secret_key(c, "sk_other"),
        foil_client_set_base_url(c, "http://127.0.0.1:1"),
        foil_client_set_timeout_ms(c, 1),
        foil_client_set_connect_timeout_ms(c, 1),
        foil_client_set_ca_bundle(c, "/nonexistent"),
        foil_client_set_proxy(c, "http://127.0.0.1:1"),
        foil_client_set_user_agent(c, "other"),
        foil_client_set_client_suffix(c, "other/1"),
        foil_client_set_max_retries(c, 3),
        foil_client_set_max_response_bytes(c, 1),
    };
    for (size_t i = 0; i < sizeof results / sizeof results[0]; i++)
        assert_int_equal(results[i], FOIL_E_STATE);
    assert_string_equal(foil_error_code(foil_last_error()), "client.state");
    assert_string_equal(foil_client_base_url(c), url);
    /* Nothing changed: the same key, URL and limits are used. */
    FOIL_ASSERT_OK(foil_sessions_list(c, 1, NULL, NULL, NULL, &p));
    foil_page_free(p);
    canned_request_t last = canned_server_last(e->server);
    assert_string_equal(last.authorization, "Bearer " CANNED_ENV_SECRET_KEY);
    assert_null(strstr(last.foil_client, "other"));
    /* A NULL client is still an argument error. */
    assert_int_equal(foil_client_set_timeout_ms(NULL, 1), FOIL_E_INVALID_ARGUMENT);
    /* Failed requests freeze the options too (a request was made). */
    foil_client_t *c2 = canned_env_client(e);
    assert_non_null(c2);
    foil_result_t *r = NULL;
    assert_int_equal(foil_sessions_get(c2, "", &r), FOIL_E_INVALID_ARGUMENT); /* never sent */
    FOIL_ASSERT_OK(foil_client_set_max_retries(c2, 1));
    canned_server_respond(e->server, 500, "{}", NULL, NULL);
    assert_int_equal(foil_sessions_get(c2, "sid_1", &r), FOIL_E_SERVER);
    assert_int_equal(foil_client_set_max_retries(c2, 2), FOIL_E_STATE);
    foil_client_free(c2);
}

typedef struct setter_race {
    foil_client_t *client;
    pthread_barrier_t go;
    int accepted;              /* before the first refusal */
    int refused;               /* the first refusal and the 1000 calls after it */
    int refused_then_accepted; /* a setter succeeded after one was refused */
    bool gave_up;              /* no request started within a minute */
    atomic_int requests_ok;
} setter_race;

/* Setters until the first refusal, then 1000 more. Each accepted setter sleeps a little:
 * a sleeping thread lets the request threads run under any scheduler (valgrind runs one
 * thread at a time and may hand the CPU back to a thread that only spins), so the first
 * request starts however the threads are scheduled. */
static void *set_until_refused(void *arg) {
    setter_race *race = arg;
    pthread_barrier_wait(&race->go);
    time_t give_up = time(NULL) + 60;
    struct timespec pause = {0, 200 * 1000L};
    for (int i = 0; foil_client_set_timeout_ms(race->client, 5000 + i % 7) == FOIL_OK; i++) {
        race->accepted++;
        if (time(NULL) > give_up) {
            race->gave_up = true;
            return NULL;
        }
        nanosleep(&pause, NULL);
    }
    race->refused = 1;
    for (int i = 0; i < 1000; i++) {
        if (foil_client_set_timeout_ms(race->client, 6000) == FOIL_E_STATE)
            race->refused++;
        else
            race->refused_then_accepted++;
    }
    return NULL;
}

static void *request_once(void *arg) {
    setter_race *race = arg;
    pthread_barrier_wait(&race->go);
    foil_page_t *p = NULL;
    if (foil_sessions_list(race->client, 1, NULL, NULL, NULL, &p) == FOIL_OK) {
        atomic_fetch_add(&race->requests_ok, 1);
        foil_page_free(p);
    }
    return NULL;
}

/* Setters racing the first requests: every request is sent with the options as they
 * were when it started, and once refused, a setter is always refused. */
static void setters_race_first_requests(void **state) {
    env *e = *state;
    setter_race race = {.client = e->client};
    atomic_init(&race.requests_ok, 0);
    assert_int_equal(pthread_barrier_init(&race.go, NULL, 5), 0);
    pthread_t setter, requests[4];
    assert_int_equal(pthread_create(&setter, NULL, set_until_refused, &race), 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&requests[i], NULL, request_once, &race), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(requests[i], NULL);
    pthread_join(setter, NULL);
    pthread_barrier_destroy(&race.go);
    assert_false(race.gave_up);
    assert_int_equal(atomic_load(&race.requests_ok), 4);
    assert_int_equal(race.refused, 1001);
    assert_int_equal(race.refused_then_accepted, 0);
}

static void *cancel_later(void *arg) {
    struct timespec ts = {0, 150 * 1000000L};
    nanosleep(&ts, NULL);
    foil_client_cancel(arg);
    return NULL;
}

static void cancel_from_another_thread(void **state) {
    env *e = *state;
    foil_page_t *p = NULL;
    FOIL_ASSERT_OK(
        foil_sessions_list(e->client, 0, NULL, NULL, NULL, &p)); /* a kept-alive connection */
    foil_page_free(p);
    p = NULL;
    canned_server_delay(e->server, 2000);
    pthread_t t;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pthread_create(&t, NULL, cancel_later, e->client);
    assert_int_equal(foil_sessions_list(e->client, 0, NULL, NULL, NULL, &p), FOIL_E_CANCELLED);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    /* Cancelled at 150 ms: a request waiting for its answer stops within a 100 ms tick
     * (curl_easy_perform alone would notice only at its next one-second tick). */
    assert_true((double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9 < 0.6);
    pthread_join(t, NULL);
    canned_server_delay(e->server, 0);
    FOIL_ASSERT_OK(foil_sessions_list(e->client, 0, NULL, NULL, NULL, &p)); /* later calls work */
    foil_page_free(p);
}

static void connection_refused(void **state) {
    (void)state;
    foil_client_t *c = NULL;
    FOIL_ASSERT_OK(foil_client_new(&c));
    FOIL_ASSERT_OK(foil_client_set_base_url(c, "http://127.0.0.1:1"));
    FOIL_ASSERT_OK(foil_client_set_secret_key(c, "sk_x"));
    foil_page_t *p = NULL;
    assert_int_equal(foil_sessions_list(c, 0, NULL, NULL, NULL, &p), FOIL_E_CONNECTION);
    assert_true(foil_error_retryable(foil_last_error()));
    assert_null(strstr(foil_error_message(foil_last_error()), "sk_x"));
    foil_client_free(c);
}

static void operation_table_introspection(void **state) {
    (void)state;
    assert_int_equal(foil_operation_count(), 35);
    assert_string_equal(foil_operation_name(0), "listSessions");
    assert_string_equal(foil_operation_auth(0), "secret_key");
    assert_null(foil_operation_method(35));
    assert_int_equal(foil_version_number(), FOIL_VERSION_NUMBER);
    assert_string_equal(foil_version_string(), FOIL_VERSION);
    FOIL_ASSERT_OK(foil_global_init());
    FOIL_ASSERT_OK(foil_global_init());
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(base_url_policy, setup, teardown),
        cmocka_unit_test(environment_configuration),
        cmocka_unit_test_setup_teardown(headers_and_keep_alive, setup, teardown),
        cmocka_unit_test(ca_failure_names_ca_bundle),
        cmocka_unit_test_setup_teardown(eight_threads_share_one_client, setup, teardown),
        cmocka_unit_test_setup_teardown(retries_are_opt_in_and_idempotent_only, setup, teardown),
        cmocka_unit_test_setup_teardown(timeout_and_size_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(options_freeze_at_the_first_request, setup, teardown),
        cmocka_unit_test_setup_teardown(setters_race_first_requests, setup, teardown),
        cmocka_unit_test_setup_teardown(cancel_from_another_thread, setup, teardown),
        cmocka_unit_test(connection_refused),
        cmocka_unit_test(operation_table_introspection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
