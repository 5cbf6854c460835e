/* Handles shared by threads: every call on a Gate signup or an iterator may come from any
 * thread at any time, and the calls are serialized by the handle (never a double free, a
 * torn list or two threads walking one page); an error copy read by several threads at
 * once builds one JSON view. Run under valgrind: a race shows up as an invalid read or
 * free there even when it does not crash natively. */
#include "foil_test.h"

#include "emulator_env.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

enum { THREADS = 4 };

/* cmocka's asserts may only run on the test's own thread: workers count what went wrong and
 * the test asserts the count is 0 after joining them. */
static atomic_int failures;
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            print_message("%s:%d: %s\n", __FILE__, __LINE__, #cond);                               \
            atomic_fetch_add(&failures, 1);                                                        \
        }                                                                                          \
    } while (0)

static int setup(void **state) {
    atomic_store(&failures, 0);
    return emulator_env_setup(state);
}

static int teardown(void **state) {
    assert_int_equal(atomic_load(&failures), 0);
    return emulator_env_teardown(state);
}

/* ---- A Gate signup: polls, steps, waits, reads, exports and acks from four threads. */

typedef struct shared_signup {
    foil_gate_session_t *s;
    pthread_barrier_t start, waited;
    atomic_int acked;    /* acks that succeeded */
    atomic_int approved; /* threads whose wait ended with the outputs */
} shared_signup;

static void *use_signup(void *arg) {
    shared_signup *sh = arg;
    foil_gate_session_t *s = sh->s;
    pthread_barrier_wait(&sh->start);
    for (int i = 0; i < 20; i++) { /* pending: every call polls the emulator */
        long wait_ms = 0;
        CHECK(foil_gate_session_poll(s) == FOIL_OK);
        CHECK(foil_gate_session_step(s, &wait_ms) == FOIL_OK);
        CHECK(foil_gate_session_seconds_left(s) >= 0);
        const char *status = foil_gate_session_status(s);
        CHECK(strcmp(status, "pending") == 0 || strcmp(status, "approved") == 0);
        char *exported = NULL;
        CHECK(foil_gate_session_export(s, &exported) == FOIL_OK);
        foil_string_free(exported);
    }
    /* Each thread waits for the approval (made by the main thread) on the same handle. */
    if (foil_gate_session_wait(s, 10000, 5, NULL, NULL) == FOIL_OK)
        atomic_fetch_add(&sh->approved, 1);
    CHECK(foil_gate_session_output_count(s) == 1);
    const char *key = foil_gate_session_output(s, "ACME_API_KEY");
    CHECK(key && strcmp(key, "ak_shared") == 0);
    CHECK(foil_gate_session_outputs(s) != NULL);
    pthread_barrier_wait(&sh->waited);
    /* Every thread acks: one wins; the others get a typed answer, never a crash. */
    foil_status_t st = foil_gate_session_ack(s);
    if (st == FOIL_OK) atomic_fetch_add(&sh->acked, 1);
    return NULL;
}

static void gate_signup_shared_by_threads(void **state) {
    emulator_env_t *e = *state;
    foil_emulator_service_t svc = {
        .id = "shared", .name = "Shared", .outputs_json = "{\"ACME_API_KEY\":\"ak_shared\"}"};
    FOIL_ASSERT_OK(foil_emulator_add_service(e->emu, &svc));
    shared_signup sh = {0};
    FOIL_ASSERT_OK(foil_gate_session_create(e->client, "shared", "threads", NULL, &sh.s));
    pthread_barrier_init(&sh.start, NULL, THREADS + 1);
    pthread_barrier_init(&sh.waited, NULL, THREADS);
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, use_signup, &sh);
    pthread_barrier_wait(&sh.start);
    /* Approve while the threads poll; each wait then sees the delivery once decrypted. */
    FOIL_ASSERT_OK(foil_emulator_approve(e->emu, foil_gate_session_id(sh.s)));
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(atomic_load(&sh.approved), THREADS);
    assert_true(atomic_load(&sh.acked) >= 1);
    assert_string_equal(foil_gate_session_status(sh.s), "acknowledged");
    pthread_barrier_destroy(&sh.start);
    pthread_barrier_destroy(&sh.waited);
    foil_gate_session_free(sh.s);
}

/* A cancel from another thread ends a wait even while a second thread polls the same
 * session in a loop: it never waits for the lock. */
typedef struct cancel_race {
    foil_gate_session_t *s;
    atomic_int stop;
    foil_status_t waited;
} cancel_race;

static void *poll_until_stopped(void *arg) {
    cancel_race *c = arg;
    while (!atomic_load(&c->stop))
        CHECK(foil_gate_session_poll(c->s) == FOIL_OK);
    return NULL;
}

static void *wait_long(void *arg) {
    cancel_race *c = arg;
    c->waited = foil_gate_session_wait(c->s, 20000, 5, NULL, NULL);
    return NULL;
}

static void cancel_is_not_held_up_by_the_lock(void **state) {
    emulator_env_t *e = *state;
    foil_emulator_service_t svc = {.id = "waited", .name = "Waited", .outputs_json = "{}"};
    FOIL_ASSERT_OK(foil_emulator_add_service(e->emu, &svc));
    cancel_race c = {0};
    FOIL_ASSERT_OK(foil_gate_session_create(e->client, "waited", "threads", NULL, &c.s));
    pthread_t poller, waiter;
    pthread_create(&poller, NULL, poll_until_stopped, &c);
    pthread_create(&waiter, NULL, wait_long, &c);
    struct timespec pause = {0, 100 * 1000 * 1000};
    nanosleep(&pause, NULL);
    foil_gate_session_cancel(c.s);
    pthread_join(waiter, NULL);
    atomic_store(&c.stop, 1);
    pthread_join(poller, NULL);
    assert_int_equal(c.waited, FOIL_E_CANCELLED);
    foil_gate_session_free(c.s);
}

/* ---- An iterator: four threads take pages in turns; together they see every item once. */

typedef struct shared_walk {
    foil_iter_t *it;
    pthread_barrier_t start;
    atomic_size_t items;
    atomic_size_t pages;
} shared_walk;

static void *take_pages(void *arg) {
    shared_walk *w = arg;
    pthread_barrier_wait(&w->start);
    for (;;) {
        foil_page_t *page = NULL;
        CHECK(foil_iter_next_page(w->it, &page) == FOIL_OK);
        if (!page) return NULL;
        atomic_fetch_add(&w->items, foil_page_count(page));
        atomic_fetch_add(&w->pages, 1);
        CHECK(foil_iter_position(w->it) >= foil_page_count(page));
        CHECK(foil_iter_error(w->it) == NULL);
        foil_page_free(page);
    }
}

static void iterator_shared_by_threads(void **state) {
    emulator_env_t *e = *state;
    shared_walk w = {0};
    foil_error_t *error = NULL;
    FOIL_ASSERT_OK(foil_call_iter(e->client, "sessions.list", "{\"limit\":7}", &w.it, &error));
    pthread_barrier_init(&w.start, NULL, THREADS);
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, take_pages, &w);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(atomic_load(&w.items), 250);           /* every seeded session once */
    assert_int_equal(atomic_load(&w.pages), (250 + 6) / 7); /* each page handed out once */
    assert_int_equal(foil_iter_position(w.it), 250);
    assert_int_equal(foil_iter_pages(w.it), (250 + 6) / 7);
    pthread_barrier_destroy(&w.start);
    foil_iter_free(w.it);
}

/* Item walks are serialized the same way: every item handed out exactly once. */
typedef struct item_walk {
    foil_iter_t *it;
    atomic_size_t items;
} item_walk;

static void *take_items(void *arg) {
    item_walk *w = arg;
    for (;;) {
        const foil_json_t *item = NULL;
        CHECK(foil_iter_next(w->it, &item) == FOIL_OK);
        if (!item) return NULL;
        atomic_fetch_add(&w->items, 1);
    }
}

static void item_walk_shared_by_threads(void **state) {
    emulator_env_t *e = *state;
    item_walk w = {0};
    FOIL_ASSERT_OK(foil_call_iter(e->client, "sessions.list", "{\"limit\":9}", &w.it, NULL));
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, take_items, &w);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(atomic_load(&w.items), 250);
    assert_int_equal(foil_iter_position(w.it), 250);
    foil_iter_free(w.it);
}

/* ---- An error copy read by several threads at once: one JSON view for all of them. */

typedef struct shared_error {
    const foil_error_t *e;
    pthread_barrier_t start;
    const foil_json_t *seen[THREADS];
} shared_error;

typedef struct error_reader {
    shared_error *sh;
    int index;
} error_reader;

static void *read_error_json(void *arg) {
    error_reader *r = arg;
    pthread_barrier_wait(&r->sh->start);
    r->sh->seen[r->index] = foil_error_json(r->sh->e);
    return NULL;
}

static void error_copy_read_by_threads(void **state) {
    emulator_env_t *e = *state;
    foil_result_t *result = NULL;
    foil_error_t *error = NULL;
    assert_int_equal(
        foil_call(e->client, "sessions.get", "{\"session_id\":\"sid_missing\"}", &result, &error),
        FOIL_E_NOT_FOUND);
    for (int round = 0; round < 50; round++) {
        foil_error_t *copy = NULL;
        FOIL_ASSERT_OK(foil_error_copy(error, &copy));
        shared_error sh = {.e = copy};
        pthread_barrier_init(&sh.start, NULL, THREADS);
        pthread_t t[THREADS];
        error_reader readers[THREADS];
        for (int i = 0; i < THREADS; i++) {
            readers[i] = (error_reader){&sh, i};
            pthread_create(&t[i], NULL, read_error_json, &readers[i]);
        }
        for (int i = 0; i < THREADS; i++)
            pthread_join(t[i], NULL);
        for (int i = 0; i < THREADS; i++) {
            assert_non_null(sh.seen[i]);
            assert_ptr_equal(sh.seen[i], sh.seen[0]); /* one tree, kept by the record */
        }
        pthread_barrier_destroy(&sh.start);
        foil_error_free(copy);
    }
    foil_error_free(error);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(gate_signup_shared_by_threads, setup, teardown),
        cmocka_unit_test_setup_teardown(cancel_is_not_held_up_by_the_lock, setup, teardown),
        cmocka_unit_test_setup_teardown(iterator_shared_by_threads, setup, teardown),
        cmocka_unit_test_setup_teardown(item_walk_shared_by_threads, setup, teardown),
        cmocka_unit_test_setup_teardown(error_copy_read_by_threads, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
