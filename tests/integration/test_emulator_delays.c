/* The emulator's delay fault holds no worker thread: hundreds of delayed requests overlap on
 * its pool of 4, each answered correctly, and the emulator stops at once and cleanly (no
 * crash; no leak under valgrind) while delayed requests are still waiting. */
#include "foil_test.h"

#include "foil_emulator.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REQUESTS 200
#define DELAY_MS 300

typedef struct transfer {
    CURL *easy;
    char session_id[64];
    char body[8192];
    size_t len;
    CURLcode rc;
    int done;
} transfer_t;

typedef struct batch {
    CURLM *multi;
    struct curl_slist *headers;
    transfer_t *transfers;
    size_t count;
} batch_t;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t on_body(char *p, size_t size, size_t n, void *ud) {
    transfer_t *t = ud;
    size_t add = size * n, room = sizeof t->body - 1 - t->len;
    size_t copy = add < room ? add : room;
    memcpy(t->body + t->len, p, copy);
    t->len += copy;
    t->body[t->len] = '\0';
    return add;
}

/* `count` GET /v1/sessions/{id} transfers for the first seeded sessions, all started at once
 * on one thread (one connection each). */
static void batch_start(batch_t *b, foil_emulator_t *emu, size_t count) {
    char auth[160];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", foil_emulator_secret_key(emu));
    b->headers = curl_slist_append(NULL, auth);
    b->multi = curl_multi_init();
    b->transfers = calloc(count, sizeof *b->transfers);
    assert_non_null(b->transfers);
    b->count = count;
    for (size_t i = 0; i < count; i++) {
        transfer_t *t = &b->transfers[i];
        char *sid = NULL, url[256];
        assert_int_equal(foil_emulator_session_id(emu, i, &sid), FOIL_OK);
        snprintf(t->session_id, sizeof t->session_id, "%s", sid);
        foil_emulator_string_free(sid);
        snprintf(url, sizeof url, "%s/v1/sessions/%s", foil_emulator_base_url(emu), t->session_id);
        t->easy = curl_easy_init();
        curl_easy_setopt(t->easy, CURLOPT_URL, url);
        curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, b->headers);
        curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(t->easy, CURLOPT_WRITEDATA, t);
        curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t);
        curl_easy_setopt(t->easy, CURLOPT_TIMEOUT, 30L);
        curl_easy_setopt(t->easy, CURLOPT_NOSIGNAL, 1L);
        curl_multi_add_handle(b->multi, t->easy);
    }
}

/* Drives the transfers until all are done or `seconds` have passed; returns how many are done. */
static size_t batch_run(batch_t *b, double seconds) {
    double deadline = now_s() + seconds;
    int running = 1;
    size_t done = 0;
    while (running && now_s() < deadline) {
        curl_multi_perform(b->multi, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(b->multi, &left)))
            if (msg->msg == CURLMSG_DONE) {
                transfer_t *t = NULL;
                curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
                t->rc = msg->data.result;
                t->done = 1;
            }
        if (running) curl_multi_poll(b->multi, NULL, 0, 20, NULL);
    }
    for (size_t i = 0; i < b->count; i++)
        done += (size_t)b->transfers[i].done;
    return done;
}

static void batch_free(batch_t *b) {
    for (size_t i = 0; i < b->count; i++) {
        curl_multi_remove_handle(b->multi, b->transfers[i].easy);
        curl_easy_cleanup(b->transfers[i].easy);
    }
    curl_multi_cleanup(b->multi);
    curl_slist_free_all(b->headers);
    free(b->transfers);
}

/* A 200 answer whose data is the requested session. */
static void assert_session_answer(const transfer_t *t) {
    long status = 0;
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
    assert_int_equal(t->rc, CURLE_OK);
    assert_int_equal(status, 200);
    cJSON *root = cJSON_Parse(t->body);
    assert_non_null(root);
    const cJSON *id = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "data"), "id");
    assert_true(cJSON_IsString(id));
    assert_string_equal(id->valuestring, t->session_id);
    cJSON_Delete(root);
}

static void delayed_requests_overlap(void **state) {
    (void)state;
    foil_emulator_t *emu = NULL;
    foil_emulator_config_t cfg;
    foil_emulator_config_init(&cfg);
    assert_int_equal(foil_emulator_start(&cfg, &emu), FOIL_OK);
    assert_int_equal(foil_emulator_inject_fault(emu, "GET", "/v1/sessions/", REQUESTS,
                                                FOIL_EMULATOR_FAULT_DELAY, 0, DELAY_MS),
                     FOIL_OK);
    batch_t b;
    double started = now_s();
    batch_start(&b, emu, REQUESTS);
    assert_int_equal(batch_run(&b, 60), REQUESTS);
    double elapsed = now_s() - started;
    for (size_t i = 0; i < REQUESTS; i++)
        assert_session_answer(&b.transfers[i]);
    /* One at a time per worker would take REQUESTS / 4 x DELAY_MS = 15 s. Valgrind runs the
     * work itself some 30x slower, hence its own (still far from serial) bound. */
    print_message("%d requests delayed %d ms each: %.2f s\n", REQUESTS, DELAY_MS, elapsed);
    assert_true(elapsed >= DELAY_MS / 1000.0);
    assert_true(elapsed < (RUNNING_ON_VALGRIND ? 7.5 : 3.0));
    foil_emulator_stats_t stats;
    foil_emulator_stats(emu, &stats);
    assert_true(stats.connections >= REQUESTS); /* one connection each: they did overlap */
    batch_free(&b);
    foil_emulator_stop(emu);
}

/* Stopping resumes the parked connections and answers or closes them: no abort in libmicrohttpd
 * (MHD_stop_daemon with suspended connections), no wait for the delay, nothing leaked. */
static void stop_with_delayed_requests_waiting(void **state) {
    (void)state;
    for (int round = 0; round < 3; round++) {
        foil_emulator_t *emu = NULL;
        foil_emulator_config_t cfg;
        foil_emulator_config_init(&cfg);
        assert_int_equal(foil_emulator_start(&cfg, &emu), FOIL_OK);
        assert_int_equal(
            foil_emulator_inject_fault(emu, NULL, NULL, 1000, FOIL_EMULATOR_FAULT_DELAY, 0, 20000),
            FOIL_OK);
        batch_t b;
        batch_start(&b, emu, 100);
        /* Until every connection is accepted, then a little longer so most requests are read
         * and parked (some may still be on the way: also a state the stop must handle). */
        foil_emulator_stats_t stats = {0};
        double deadline = now_s() + 20;
        while (stats.connections < 100 && now_s() < deadline) {
            batch_run(&b, 0.05);
            foil_emulator_stats(emu, &stats);
        }
        assert_int_equal(stats.connections, 100);
        assert_int_equal(batch_run(&b, 0.3), 0); /* all still delayed */
        double started = now_s();
        foil_emulator_stop(emu);
        assert_true(now_s() - started < 5.0); /* not the 20 s delay */
        /* Every client sees its connection closed (or, if a worker got there first, the
         * answer); none is left hanging. */
        assert_int_equal(batch_run(&b, 20), 100);
        for (size_t i = 0; i < b.count; i++)
            if (b.transfers[i].rc == CURLE_OK) assert_session_answer(&b.transfers[i]);
        batch_free(&b);
    }
}

int main(void) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(delayed_requests_overlap),
        cmocka_unit_test(stop_with_delayed_requests_waiting),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
