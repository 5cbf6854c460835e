/* Iterators request the next page while the caller reads the current one
 * (foil_client_set_prefetch): the page is used only when it arrived whole and good, a bad
 * early answer is asked for again, an abandoned walk leaves the client usable, a wait for
 * a page requested early is cancellable, and foil_iter_next_page hands out whole pages.
 * foil_iter_set_fields cuts every page's items down, fetched early or not. */
#include "foil_test.h"

#include "canned_server.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

typedef canned_env_t env;

static int setup(void **state) {
    return canned_env_setup(state);
}

static int teardown(void **state) {
    return canned_env_teardown(state);
}

/* A one-item page whose item id is `id`, followed by `cursor` when there is one. */
static const char *page(const char *id, const char *cursor, char *buf, size_t cap) {
    snprintf(buf, cap,
             "{\"data\":[{\"object\":\"session\",\"id\":\"%s\"}],\"pagination\":"
             "{\"limit\":1,\"has_more\":%s%s%s%s},\"meta\":{}}",
             id, cursor ? "true" : "false", cursor ? ",\"next_cursor\":\"" : "",
             cursor ? cursor : "", cursor ? "\"" : "");
    return buf;
}

static int served(const env *e) {
    return canned_server_last(e->server).count;
}

/* Requests the server has served, once it has served at least `want` (up to 2 s). */
static int served_at_least(const env *e, int want) {
    for (int i = 0; i < 200 && served(e) < want; i++)
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    return served(e);
}

static const char *item_id(const foil_json_t *item) {
    return foil_json_get_string(item, "id");
}

static void the_next_page_is_requested_while_this_one_is_read(void **state) {
    env *e = *state;
    char a[256], b[256], c[256];
    const char *pages[] = {page("s1", "c1", a, sizeof a), page("s2", "c2", b, sizeof b),
                           page("s3", NULL, c, sizeof c)};
    canned_server_sequence(e->server, pages, 3);
    foil_iter_t *it = NULL;
    FOIL_ASSERT_OK(foil_sessions_iter(e->client, 1, NULL, NULL, &it));
    const foil_json_t *item = NULL;
    FOIL_ASSERT_OK(foil_iter_next(it, &item));
    assert_string_equal(item_id(item), "s1");
    assert_int_equal(served_at_least(e, 2), 2); /* page 2 asked for, page 1 still being read */
    canned_request_t req = canned_server_last(e->server);
    assert_string_equal(req.query, "limit=1&cursor=c1");
    FOIL_ASSERT_OK(foil_iter_next(it, &item));
    assert_string_equal(item_id(item), "s2");
    FOIL_ASSERT_OK(foil_iter_next(it, &item));
    assert_string_equal(item_id(item), "s3");
    FOIL_ASSERT_OK(foil_iter_next(it, &item));
    assert_null(item);
    assert_int_equal(served(e), 3); /* nothing asked for after the last page */
    assert_int_equal(foil_iter_pages(it), 3);
    foil_iter_free(it);
    assert_int_equal(foil_client_connections_opened(e->client), 1);
}

static void prefetch_can_be_turned_off(void **state) {
    env *e = *state;
    foil_client_t *c = canned_env_client(e);
    assert_non_null(c);
    FOIL_ASSERT_OK(foil_client_configure(c, "{\"prefetch\": false}", NULL));
    char a[256], b[256];
    const char *pages[] = {page("s1", "c1", a, sizeof a), page("s2", NULL, b, sizeof b)};
    canned_server_sequence(e->server, pages, 2);
    foil_iter_t *it = NULL;
    FOIL_ASSERT_OK(foil_sessions_iter(c, 1, NULL, NULL, &it));
    const foil_json_t *item = NULL;
    FOIL_ASSERT_OK(foil_iter_next(it, &item));
    nanosleep(&(struct timespec){0, 200 * 1000 * 1000}, NULL);
    assert_int_equal(served(e), 1);
    FOIL_ASSERT_OK(foil_iter_next(it, &item));
    assert_string_equal(item_id(item), "s2");
    foil_iter_free(it);
    foil_client_free(c);
    /* The option is a boolean, set before the first request like every option. */
    foil_client_t *d = canned_env_client(e);
    foil_error_t *err = NULL;
    assert_int_equal(foil_client_configure(d, "{\"prefetch\": 1}", &err), FOIL_E_INVALID_ARGUMENT);
    assert_string_equal(foil_error_field_name(err, 0), "prefetch");
    foil_error_free(err);
    foil_client_free(d);
}

/* A page requested early that comes back bad (here: not JSON) is not the caller's answer:
 * it is asked for again, and the walk goes on. */
static void a_bad_early_answer_is_asked_for_again(void **state) {
    env *e = *state;
    char a[256], b[256];
    const char *pages[] = {page("s1", "c1", a, sizeof a), "not json at all",
                           page("s2", NULL, b, sizeof b)};
    canned_server_sequence(e->server, pages, 3);
    foil_iter_t *it = NULL;
    FOIL_ASSERT_OK(foil_sessions_iter(e->client, 1, NULL, NULL, &it));
    const foil_json_t *item = NULL;
    FOIL_ASSERT_OK(foil_iter_next(it, &item));
    assert_string_equal(item_id(item), "s1");
    FOIL_ASSERT_OK(foil_iter_next(it, &item));
    assert_string_equal(item_id(item), "s2");
    assert_int_equal(served(e), 3);
    assert_null(foil_iter_error(it));
    foil_iter_free(it);
    /* The same answer to the ordinary request is the caller's error. */
    const char *bad[] = {page("s1", "c1", a, sizeof a), "not json at all"};
    canned_server_sequence(e->server, bad, 2);
    FOIL_ASSERT_OK(foil_sessions_iter(e->client, 1, NULL, NULL, &it));
    FOIL_ASSERT_OK(foil_iter_next(it, &item));
    assert_int_equal(foil_iter_next(it, &item), FOIL_E_PROTOCOL);
    assert_int_equal(foil_error_status(foil_iter_error(it)), FOIL_E_PROTOCOL);
    foil_iter_free(it);
}

/* Freeing a walk with a page in flight leaves nothing behind (ASan and valgrind runs check
 * the memory) and the client works on. */
static void an_abandoned_walk_leaves_the_client_usable(void **state) {
    env *e = *state;
    char a[256], b[256];
    const char *pages[] = {page("s1", "c1", a, sizeof a), page("s2", "c2", b, sizeof b)};
    canned_server_sequence(e->server, pages, 2);
    canned_server_delay(e->server, 300); /* the early request is still unanswered when freed */
    foil_iter_t *it = NULL;
    FOIL_ASSERT_OK(foil_sessions_iter(e->client, 1, NULL, NULL, &it));
    const foil_json_t *item = NULL;
    FOIL_ASSERT_OK(foil_iter_next(it, &item));
    foil_iter_free(it);
    canned_server_delay(e->server, 0);
    canned_server_respond(e->server, 200, page("s9", NULL, a, sizeof a), NULL, NULL);
    foil_page_t *p = NULL;
    FOIL_ASSERT_OK(foil_sessions_list(e->client, 1, NULL, NULL, NULL, &p));
    assert_string_equal(item_id(foil_page_item(p, 0)), "s9");
    foil_page_free(p);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Waiting for a page requested early is cancelled by this thread's token. */
static void waiting_for_an_early_page_is_cancellable(void **state) {
    env *e = *state;
    char a[256], b[256];
    const char *pages[] = {page("s1", "c1", a, sizeof a), page("s2", NULL, b, sizeof b)};
    canned_server_sequence(e->server, pages, 2);
    canned_server_delay(e->server, 1500);
    foil_iter_t *it = NULL;
    FOIL_ASSERT_OK(foil_sessions_iter(e->client, 1, NULL, NULL, &it));
    const foil_json_t *item = NULL;
    FOIL_ASSERT_OK(foil_iter_next(it, &item)); /* page 1, after the delay; page 2 asked for */
    foil_cancel_t *token = NULL;
    FOIL_ASSERT_OK(foil_cancel_new(&token));
    foil_cancel_bind(token);
    foil_cancel_fire(token);
    double t0 = now();
    assert_int_equal(foil_iter_next(it, &item), FOIL_E_CANCELLED);
    assert_true(now() - t0 < 1.0);
    foil_cancel_bind(NULL);
    foil_cancel_free(token);
    canned_server_delay(e->server, 0);
    FOIL_ASSERT_OK(foil_iter_next(it, &item)); /* asked for again */
    assert_string_equal(item_id(item), "s2");
    foil_iter_free(it);
}

static void whole_pages_for_bindings(void **state) {
    env *e = *state;
    char a[256], b[256];
    const char *pages[] = {page("s1", "c1", a, sizeof a), page("s2", NULL, b, sizeof b)};
    canned_server_sequence(e->server, pages, 2);
    foil_iter_t *it = NULL;
    FOIL_ASSERT_OK(foil_sessions_iter(e->client, 1, NULL, NULL, &it));
    foil_page_t *p1 = NULL, *p2 = NULL, *end = NULL;
    FOIL_ASSERT_OK(foil_iter_next_page(it, &p1));
    FOIL_ASSERT_OK(foil_iter_next_page(it, &p2));
    FOIL_ASSERT_OK(foil_iter_next_page(it, &end));
    assert_null(end);
    /* Pages are the caller's: both stay readable after the walk is gone. */
    foil_iter_free(it);
    assert_string_equal(item_id(foil_page_item(p1, 0)), "s1");
    assert_string_equal(item_id(foil_page_item(p2, 0)), "s2");
    assert_false(foil_page_has_more(p2));
    foil_page_free(p1);
    foil_page_free(p2);
    /* Items or pages, not both. */
    canned_server_sequence(e->server, pages, 2);
    FOIL_ASSERT_OK(foil_sessions_iter(e->client, 1, NULL, NULL, &it));
    const foil_json_t *item = NULL;
    FOIL_ASSERT_OK(foil_iter_next(it, &item));
    assert_int_equal(foil_iter_next_page(it, &p1), FOIL_E_STATE);
    assert_null(p1);
    assert_int_equal(foil_error_status(foil_iter_error(it)), FOIL_E_STATE);
    assert_int_equal(foil_iter_next_page(NULL, &p1), FOIL_E_INVALID_ARGUMENT);
    assert_int_equal(foil_iter_next_page(it, NULL), FOIL_E_INVALID_ARGUMENT);
    foil_iter_free(it);
}

/* Items hold only the fields asked for, on the page requested early and on the one sent
 * the ordinary way (prefetch off), the rest of each page as it came; set only before the
 * walk starts. */
static void fields_cut_every_page_down(void **state) {
    env *e = *state;
    for (int prefetch = 1; prefetch >= 0; prefetch--) {
        foil_client_t *c = canned_env_client(e);
        assert_non_null(c);
        FOIL_ASSERT_OK(foil_client_configure(c, prefetch ? "{}" : "{\"prefetch\": false}", NULL));
        char a[256], b[256];
        const char *pages[] = {page("s1", "c1", a, sizeof a), page("s2", NULL, b, sizeof b)};
        canned_server_sequence(e->server, pages, 2);
        foil_iter_t *it = NULL;
        FOIL_ASSERT_OK(foil_sessions_iter(c, 1, NULL, NULL, &it));
        assert_int_equal(foil_iter_set_fields(it, "[\"id\", \"\"]"), FOIL_E_INVALID_ARGUMENT);
        assert_int_equal(foil_iter_set_fields(it, "{\"id\": true}"), FOIL_E_INVALID_ARGUMENT);
        FOIL_ASSERT_OK(foil_iter_set_fields(it, "[\"id\", \"latest_decision.verdict\"]"));
        const char *want[] = {"s1", "s2"};
        for (int i = 0; i < 2; i++) {
            const foil_json_t *item = NULL;
            FOIL_ASSERT_OK(foil_iter_next(it, &item));
            assert_string_equal(item_id(item), want[i]);
            assert_int_equal(foil_json_size(item), 1); /* "object" is gone */
            assert_int_equal(foil_json_type(foil_json_get(item, "object")), FOIL_JSON_ABSENT);
            if (i == 0) assert_int_equal(foil_iter_set_fields(it, "[\"object\"]"), FOIL_E_STATE);
        }
        foil_iter_free(it);
        foil_client_free(c);
    }
    assert_int_equal(foil_iter_set_fields(NULL, "[\"id\"]"), FOIL_E_INVALID_ARGUMENT);
}

/* Once an early page is in, the request for the page after it goes out on the next_cursor
 * read from the answer's last bytes, before the answer is parsed. A right guess is that
 * page's only request; a wrong one (here a decoy "next_cursor" in "meta", after
 * "pagination") is dropped and the page the parsed cursor names is asked for: either way
 * the walk hands out every page once, in order. */
static void the_next_cursor_is_guessed_before_the_parse(void **state) {
    env *e = *state;
    /* The wrong guess comes last: the requests it drops may still reach the server (and be
     * counted) after the next round's count began, on a slow run (valgrind). */
    const char *metas[] = {NULL, "{\"next_cursor\":\"x\\\"y\"}", "{\"next_cursor\":\"4\"}"};
    for (size_t m = 0; m < sizeof metas / sizeof *metas; m++) {
        canned_server_echo(e->server, 5);
        canned_server_echo_meta(e->server, metas[m]);
        int before = served(e);
        foil_iter_t *it = NULL;
        FOIL_ASSERT_OK(foil_sessions_iter(e->client, 1, NULL, NULL, &it));
        for (int i = 0; i < 5; i++) {
            const foil_json_t *item = NULL;
            FOIL_ASSERT_OK(foil_iter_next(it, &item));
            char want[16];
            snprintf(want, sizeof want, "item_%d", i);
            assert_string_equal(item_id(item), want);
        }
        const foil_json_t *item = NULL;
        FOIL_ASSERT_OK(foil_iter_next(it, &item));
        assert_null(item);
        assert_int_equal(foil_iter_pages(it), 5);
        foil_iter_free(it);
        if (m != 2) assert_int_equal(served(e) - before, 5); /* no guess or a right one */
    }
    canned_server_echo_meta(e->server, NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(the_next_page_is_requested_while_this_one_is_read, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(prefetch_can_be_turned_off, setup, teardown),
        cmocka_unit_test_setup_teardown(a_bad_early_answer_is_asked_for_again, setup, teardown),
        cmocka_unit_test_setup_teardown(an_abandoned_walk_leaves_the_client_usable, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(waiting_for_an_early_page_is_cancellable, setup, teardown),
        cmocka_unit_test_setup_teardown(whole_pages_for_bindings, setup, teardown),
        cmocka_unit_test_setup_teardown(fields_cut_every_page_down, setup, teardown),
        cmocka_unit_test_setup_teardown(the_next_cursor_is_guessed_before_the_parse, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
