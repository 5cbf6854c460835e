/* Cancellation tokens (foil/cancel.h) against the emulator: a fired token ends only its
 * own thread's request, promptly, while another thread's request on the same client goes
 * on; a fire before the call is not lost; a Gate wait ends; unbound threads are untouched. */
#include "foil_test.h"

#include "emulator_env.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct slow_call {
    foil_client_t *client;
    foil_cancel_t *token; /* bound on the calling thread when non-NULL */
    foil_status_t status;
    double seconds;
} slow_call;

static void *list_sessions(void *arg) {
    slow_call *c = arg;
    if (c->token) foil_cancel_bind(c->token);
    foil_page_t *page = NULL;
    double t0 = now_s();
    c->status = foil_sessions_list(c->client, 5, NULL, NULL, NULL, &page);
    c->seconds = now_s() - t0;
    foil_page_free(page);
    foil_cancel_bind(NULL);
    return NULL;
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void a_fired_token_ends_only_its_own_thread(void **state) {
    emulator_env_t *e = *state;
    /* Both requests wait 1.5 s at the server. */
    FOIL_ASSERT_OK(foil_emulator_inject_fault(e->emu, "GET", "/v1/sessions", 2,
                                              FOIL_EMULATOR_FAULT_DELAY, 0, 1500));
    foil_cancel_t *token = NULL;
    FOIL_ASSERT_OK(foil_cancel_new(&token));
    slow_call mine = {e->client, token, FOIL_OK, 0}, other = {e->client, NULL, FOIL_OK, 0};
    pthread_t a, b;
    assert_int_equal(pthread_create(&a, NULL, list_sessions, &mine), 0);
    assert_int_equal(pthread_create(&b, NULL, list_sessions, &other), 0);
    sleep_ms(300);
    foil_cancel_fire(token);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    assert_int_equal(mine.status, FOIL_E_CANCELLED);
    assert_true(mine.seconds < 1.0); /* ~0.3 s + one 0.1 s tick, not the 1.5 s delay */
    assert_int_equal(other.status, FOIL_OK);
    assert_true(foil_cancel_fired(token));
    foil_cancel_free(token);
}

static void a_fire_before_the_call_is_not_lost(void **state) {
    emulator_env_t *e = *state;
    foil_cancel_t *token = NULL;
    FOIL_ASSERT_OK(foil_cancel_new(&token));
    foil_cancel_fire(token);
    foil_cancel_bind(token);
    assert_ptr_equal(foil_cancel_bound(), token);
    foil_page_t *page = NULL;
    assert_int_equal(foil_sessions_list(e->client, 5, NULL, NULL, NULL, &page), FOIL_E_CANCELLED);
    assert_null(page);
    /* Reset: calls run again. */
    foil_cancel_reset(token);
    assert_false(foil_cancel_fired(token));
    FOIL_ASSERT_OK(foil_sessions_list(e->client, 5, NULL, NULL, NULL, &page));
    foil_page_free(page);
    /* Freeing a bound token unbinds it. */
    foil_cancel_free(token);
    assert_null(foil_cancel_bound());
    FOIL_ASSERT_OK(foil_sessions_list(e->client, 5, NULL, NULL, NULL, &page));
    foil_page_free(page);
    /* NULL is harmless everywhere. */
    foil_cancel_fire(NULL);
    foil_cancel_reset(NULL);
    assert_false(foil_cancel_fired(NULL));
    foil_cancel_free(NULL);
    assert_int_equal(foil_cancel_new(NULL), FOIL_E_INVALID_ARGUMENT);
}

/* The token's check runs on the waiting thread while the call waits; once it says yes the
 * call ends as if the token had fired (a runtime's pending interrupt, seen without anyone
 * calling foil_cancel_fire). */
static int after_third_look(void *context) {
    int *looks = context;
    return ++*looks >= 3;
}

static void a_token_check_cancels_the_waiting_call(void **state) {
    emulator_env_t *e = *state;
    FOIL_ASSERT_OK(foil_emulator_inject_fault(e->emu, "GET", "/v1/sessions", 1,
                                              FOIL_EMULATOR_FAULT_DELAY, 0, 3000));
    foil_cancel_t *token = NULL;
    FOIL_ASSERT_OK(foil_cancel_new(&token));
    int looks = 0;
    foil_cancel_set_check(token, after_third_look, &looks);
    foil_cancel_bind(token);
    foil_page_t *page = NULL;
    double t0 = now_s();
    assert_int_equal(foil_sessions_list(e->client, 5, NULL, NULL, NULL, &page), FOIL_E_CANCELLED);
    assert_true(now_s() - t0 < 1.5); /* a few 0.1 s ticks, not the 3 s delay */
    assert_true(foil_cancel_fired(token));
    assert_int_equal(looks, 3); /* not asked again once fired */
    /* Without a check, and reset: calls run. */
    foil_cancel_set_check(token, NULL, NULL);
    foil_cancel_reset(token);
    FOIL_ASSERT_OK(foil_sessions_list(e->client, 5, NULL, NULL, NULL, &page));
    foil_page_free(page);
    foil_cancel_free(token);
    foil_cancel_set_check(NULL, after_third_look, &looks); /* harmless */
}

/* A check that runs a host's handler which makes a call of its own on this thread (a Ruby
 * trap handler run inside the wait): that call binds its own token and, when done, puts the
 * waiting call's token back (`restores`) or, as a binding that forgets to, leaves nothing
 * bound. Either way the waiting call reads its own token for the rest of that check (no
 * crash); with the token put back it is cancelled when its check says so, without it it
 * runs to its answer. */
typedef struct nested_check {
    double started;
    foil_client_t *client;
    bool restores;
    int calls;
    foil_status_t inner;
} nested_check;

static int check_making_a_call(void *context) {
    nested_check *n = context;
    double waited = now_s() - n->started;
    if (waited > 0.3 && n->calls == 0) { /* the waiting call's request is at the server */
        n->calls++;
        foil_cancel_t *outer = foil_cancel_bound(), *inner = NULL;
        if (foil_cancel_new(&inner) != FOIL_OK) return 1;
        foil_cancel_bind(inner);
        foil_result_t *r = NULL;
        n->inner = foil_gate_registry_get(n->client, "no-such-service", &r);
        foil_result_free(r);
        foil_cancel_bind(n->restores ? outer : NULL);
        foil_cancel_free(inner);
    }
    return waited > 0.6;
}

static void a_check_that_makes_its_own_call(void **state) {
    emulator_env_t *e = *state;
    foil_client_t *other = NULL;
    FOIL_ASSERT_OK(foil_client_new(&other));
    FOIL_ASSERT_OK(foil_client_set_base_url(other, foil_emulator_base_url(e->emu)));
    for (int restores = 1; restores >= 0; restores--) {
        FOIL_ASSERT_OK(foil_emulator_inject_fault(e->emu, "GET", "/v1/sessions", 1,
                                                  FOIL_EMULATOR_FAULT_DELAY, 0, 1500));
        foil_cancel_t *token = NULL;
        FOIL_ASSERT_OK(foil_cancel_new(&token));
        nested_check n = {now_s(), other, restores, 0, FOIL_OK};
        foil_cancel_set_check(token, check_making_a_call, &n);
        foil_cancel_bind(token);
        foil_page_t *page = NULL;
        foil_status_t st = foil_sessions_list(e->client, 5, NULL, NULL, NULL, &page);
        double took = now_s() - n.started;
        foil_page_free(page);
        assert_int_equal(n.calls, 1);
        assert_int_equal(n.inner, FOIL_E_NOT_FOUND); /* the handler's own call ran */
        if (restores) {
            assert_int_equal(st, FOIL_E_CANCELLED);
            assert_true(took < 1.2); /* cancelled, not the 1.5 s delay */
        } else {
            FOIL_ASSERT_OK(st);
        }
        foil_cancel_bind(NULL);
        foil_cancel_free(token);
    }
    foil_client_free(other);
}

typedef struct gate_wait {
    foil_gate_session_t *session;
    foil_cancel_t *token;
    foil_status_t status;
} gate_wait;

static void *wait_for_approval(void *arg) {
    gate_wait *g = arg;
    foil_cancel_bind(g->token);
    g->status = foil_gate_session_wait(g->session, 30000, 200, NULL, NULL);
    foil_cancel_bind(NULL);
    return NULL;
}

static void a_gate_wait_ends_when_its_token_fires(void **state) {
    emulator_env_t *e = *state;
    foil_gate_session_t *s = NULL;
    FOIL_ASSERT_OK(foil_gate_session_create(e->client, "foil", "cancel-test", NULL, &s));
    gate_wait g = {s, NULL, FOIL_OK};
    FOIL_ASSERT_OK(foil_cancel_new(&g.token));
    pthread_t t;
    double t0 = now_s();
    assert_int_equal(pthread_create(&t, NULL, wait_for_approval, &g), 0);
    sleep_ms(400);
    foil_cancel_fire(g.token);
    pthread_join(t, NULL);
    assert_int_equal(g.status, FOIL_E_CANCELLED);
    assert_true(now_s() - t0 < 2.0);
    foil_cancel_free(g.token);
    foil_gate_session_free(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_fired_token_ends_only_its_own_thread, emulator_env_setup,
                                        emulator_env_teardown),
        cmocka_unit_test_setup_teardown(a_token_check_cancels_the_waiting_call, emulator_env_setup,
                                        emulator_env_teardown),
        cmocka_unit_test_setup_teardown(a_check_that_makes_its_own_call, emulator_env_setup,
                                        emulator_env_teardown),
        cmocka_unit_test_setup_teardown(a_fire_before_the_call_is_not_lost, emulator_env_setup,
                                        emulator_env_teardown),
        cmocka_unit_test_setup_teardown(a_gate_wait_ends_when_its_token_fires, emulator_env_setup,
                                        emulator_env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
