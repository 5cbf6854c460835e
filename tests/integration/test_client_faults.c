/* libfoil against the emulator: cursor walks, keep-alive reuse, threads, every
 * injected fault kind ending in a typed error, and minted sealed tokens. */
#include "foil_test.h"

#include "emulator_env.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int compare_strings(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void iterate_every_session_on_one_connection(void **state) {
    emulator_env_t *e = *state;
    foil_iter_t *it = NULL;
    FOIL_ASSERT_OK(foil_sessions_iter(e->client, 50, NULL, NULL, &it));
    char *ids[300];
    size_t n = 0;
    const foil_json_t *item = NULL;
    for (;;) {
        FOIL_ASSERT_OK(foil_iter_next(it, &item));
        if (!item) break;
        assert_true(n < 300);
        ids[n++] = strdup(foil_session_id(item));
        assert_non_null(foil_decision_verdict(foil_session_latest_decision(item)));
    }
    assert_int_equal(n, 250);
    assert_int_equal(foil_iter_pages(it), 5);
    FOIL_ASSERT_OK(foil_iter_next(it, &item)); /* stays at the end */
    assert_null(item);
    foil_iter_free(it);
    qsort(ids, n, sizeof *ids, compare_strings);
    for (size_t i = 1; i < n; i++)
        assert_string_not_equal(ids[i - 1], ids[i]);
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    assert_int_equal(foil_client_connections_opened(e->client), 1);
    foil_emulator_stats_t stats;
    foil_emulator_stats(e->emu, &stats);
    assert_int_equal(stats.connections, 1);
}

static void filters_and_detail(void **state) {
    emulator_env_t *e = *state;
    foil_page_t *page = NULL;
    FOIL_ASSERT_OK(foil_sessions_list(e->client, 200, NULL, "bot", NULL, &page));
    assert_true(foil_page_count(page) > 0);
    for (size_t i = 0; i < foil_page_count(page); i++)
        assert_string_equal(
            foil_decision_verdict(foil_session_latest_decision(foil_page_item(page, i))), "bot");
    char id[64];
    snprintf(id, sizeof id, "%s", foil_session_id(foil_page_item(page, 0)));
    foil_page_free(page);
    foil_result_t *r = NULL;
    FOIL_ASSERT_OK(foil_sessions_attach_client_user(e->client, id, "user_42", &r));
    assert_string_equal(foil_session_client_user_id(foil_result_data(r)), "user_42");
    foil_result_free(r);
    FOIL_ASSERT_OK(foil_sessions_get(e->client, id, &r));
    assert_string_equal(foil_session_client_user_id(foil_result_data(r)), "user_42");
    assert_non_null(foil_result_request_id(r));
    foil_result_free(r);
    FOIL_ASSERT_OK(foil_sessions_clear_client_user(e->client, id, &r));
    assert_null(foil_session_client_user_id(foil_result_data(r)));
    foil_result_free(r);
    assert_int_equal(foil_sessions_get(e->client, "sid_00000000000000000000000000", &r),
                     FOIL_E_NOT_FOUND);
    assert_string_equal(foil_error_code(foil_last_error()), "request.not_found");
}

/* Another client on the emulator: options are set before a client's first request. */
static foil_client_t *fresh_client(emulator_env_t *e, const char *secret_key) {
    foil_client_t *c = NULL;
    FOIL_ASSERT_OK(foil_client_new(&c));
    FOIL_ASSERT_OK(foil_client_set_base_url(c, foil_emulator_base_url(e->emu)));
    FOIL_ASSERT_OK(
        foil_client_set_secret_key(c, secret_key ? secret_key : foil_emulator_secret_key(e->emu)));
    return c;
}

static void auth_errors(void **state) {
    emulator_env_t *e = *state;
    foil_page_t *page = NULL;
    foil_client_t *wrong = fresh_client(e, "sk_test_wrong");
    assert_int_equal(foil_sessions_list(wrong, 0, NULL, NULL, NULL, &page), FOIL_E_AUTHENTICATION);
    foil_client_free(wrong);
    assert_string_equal(foil_error_code(foil_last_error()), "auth.invalid_api_key");
    const char *rid = foil_error_request_id(foil_last_error());
    assert_non_null(rid);
    assert_int_equal(strlen(rid), 36);
    char *narrow = NULL;
    FOIL_ASSERT_OK(foil_emulator_add_secret_key(e->emu, "fingerprints:list", &narrow));
    foil_client_t *scoped = fresh_client(e, narrow);
    foil_emulator_string_free(narrow);
    assert_int_equal(foil_sessions_list(scoped, 0, NULL, NULL, NULL, &page), FOIL_E_PERMISSION);
    foil_client_free(scoped);
}

static void every_fault_is_a_typed_error(void **state) {
    emulator_env_t *e = *state;
    FOIL_ASSERT_OK(foil_client_set_max_response_bytes(e->client, 1024 * 1024));
    foil_client_t *quick = fresh_client(e, NULL);
    FOIL_ASSERT_OK(foil_client_set_timeout_ms(quick, EMULATOR_FAULT_TIMEOUT_MS));
    const emulator_fault_case_t *cases = emulator_answer_faults;
    for (size_t i = 0; i < emulator_answer_fault_count; i++) {
        FOIL_ASSERT_OK(foil_emulator_inject_fault(e->emu, "GET", "/v1/sessions", 1, cases[i].kind,
                                                  cases[i].status, cases[i].delay_ms));
        foil_page_t *page = NULL;
        foil_client_t *client = cases[i].delay_ms ? quick : e->client;
        foil_status_t st = foil_sessions_list(client, 0, NULL, NULL, NULL, &page);
        if (st != cases[i].expected)
            print_message("fault %d: got %s (%s)\n", (int)cases[i].kind, foil_status_kind(st),
                          foil_error_message(foil_last_error()));
        assert_int_equal(st, cases[i].expected);
        assert_null(page);
        /* The next request is healthy again. */
        FOIL_ASSERT_OK(foil_sessions_list(e->client, 1, NULL, NULL, NULL, &page));
        foil_page_free(page);
    }
    foil_client_free(quick);
    /* Retries (opt-in) get through transient failures of idempotent requests. */
    foil_client_t *retrying = fresh_client(e, NULL);
    FOIL_ASSERT_OK(foil_client_set_timeout_ms(retrying, 5000));
    FOIL_ASSERT_OK(foil_client_set_max_retries(retrying, 3));
    FOIL_ASSERT_OK(foil_emulator_inject_fault(e->emu, "GET", "/v1/sessions", 2,
                                              FOIL_EMULATOR_FAULT_STATUS, 503, 0));
    foil_page_t *page = NULL;
    FOIL_ASSERT_OK(foil_sessions_list(retrying, 0, NULL, NULL, NULL, &page));
    foil_page_free(page);
    foil_client_free(retrying);
}

static void *read_iter_error(void *arg) {
    const foil_error_t *err = foil_iter_error(arg);
    return (void *)(intptr_t)(err ? foil_error_http_status(err) : -1);
}

/* A failed page fetch is kept on the iterator, readable from any thread. */
static void iterator_keeps_its_last_failure(void **state) {
    emulator_env_t *e = *state;
    assert_null(foil_iter_error(NULL));
    /* Without prefetch, so the fault injected below meets the second page's request. */
    foil_client_t *c = fresh_client(e, NULL);
    FOIL_ASSERT_OK(foil_client_set_prefetch(c, 0));
    foil_iter_t *it = NULL;
    FOIL_ASSERT_OK(foil_sessions_iter(c, 100, NULL, NULL, &it));
    const foil_json_t *item = NULL;
    FOIL_ASSERT_OK(foil_iter_next(it, &item));
    assert_null(foil_iter_error(it));
    for (int i = 1; i < 100; i++)
        FOIL_ASSERT_OK(foil_iter_next(it, &item));
    FOIL_ASSERT_OK(foil_emulator_inject_fault(e->emu, "GET", "/v1/sessions", 1,
                                              FOIL_EMULATOR_FAULT_STATUS, 503, 0));
    assert_int_equal(foil_iter_next(it, &item), FOIL_E_SERVER); /* the second page */
    assert_null(item);
    foil_error_clear(); /* the thread's record goes; the iterator's copy stays */
    pthread_t t;
    void *http = NULL;
    assert_int_equal(pthread_create(&t, NULL, read_iter_error, it), 0);
    pthread_join(t, &http);
    assert_int_equal((intptr_t)http, 503);
    const foil_json_t *j = foil_error_json(foil_iter_error(it));
    assert_string_equal(foil_json_get_string(j, "kind"), "server");
    /* Calling again retries the page; the last failure stays readable. */
    FOIL_ASSERT_OK(foil_iter_next(it, &item));
    assert_non_null(item);
    assert_int_equal(foil_iter_position(it), 101);
    assert_int_equal(foil_error_status(foil_iter_error(it)), FOIL_E_SERVER);
    foil_iter_free(it);
    foil_client_free(c);
}

typedef struct worker {
    foil_client_t *client;
    int items;
    int failures;
} worker;

static void *walk(void *arg) {
    worker *w = arg;
    foil_iter_t *it = NULL;
    const foil_json_t *item = NULL;
    if (foil_sessions_iter(w->client, 100, NULL, NULL, &it) != FOIL_OK) {
        w->failures++;
        return NULL;
    }
    while (foil_iter_next(it, &item) == FOIL_OK && item)
        w->items++;
    foil_iter_free(it);
    return NULL;
}

static void eight_threads_walk_one_client(void **state) {
    emulator_env_t *e = *state;
    pthread_t t[8];
    worker w[8];
    for (int i = 0; i < 8; i++) {
        w[i] = (worker){e->client, 0, 0};
        pthread_create(&t[i], NULL, walk, &w[i]);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].failures, 0);
        assert_int_equal(w[i].items, 250);
    }
    assert_true(foil_client_connections_opened(e->client) <= 8);
}

static void minted_sealed_tokens_verify(void **state) {
    emulator_env_t *e = *state;
    char *sid = NULL;
    FOIL_ASSERT_OK(foil_emulator_session_id(e->emu, 0, &sid));
    for (int version = 1; version <= 2; version++) {
        char *token = NULL;
        FOIL_ASSERT_OK(foil_emulator_mint_sealed_token(e->emu, sid, version, &token));
        foil_document_t *doc = NULL;
        FOIL_ASSERT_OK(foil_sealed_token_verify(token, foil_emulator_secret_key(e->emu), &doc));
        assert_string_equal(foil_json_get_string(foil_document_root(doc), "session_id"), sid);
        foil_document_free(doc);
        if (version == 2) {
            FOIL_ASSERT_OK(foil_sealed_token_verify(token, "sk_test_emulator_secondary", &doc));
            foil_document_free(doc);
        }
        assert_int_equal(foil_sealed_token_verify(token, "sk_test_other", &doc), FOIL_E_TOKEN);
        foil_emulator_string_free(token);
    }
    foil_emulator_string_free(sid);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(iterate_every_session_on_one_connection, emulator_env_setup,
                                        emulator_env_teardown),
        cmocka_unit_test_setup_teardown(filters_and_detail, emulator_env_setup,
                                        emulator_env_teardown),
        cmocka_unit_test_setup_teardown(auth_errors, emulator_env_setup, emulator_env_teardown),
        cmocka_unit_test_setup_teardown(every_fault_is_a_typed_error, emulator_env_setup,
                                        emulator_env_teardown),
        cmocka_unit_test_setup_teardown(iterator_keeps_its_last_failure, emulator_env_setup,
                                        emulator_env_teardown),
        cmocka_unit_test_setup_teardown(eight_threads_walk_one_client, emulator_env_setup,
                                        emulator_env_teardown),
        cmocka_unit_test_setup_teardown(minted_sealed_tokens_verify, emulator_env_setup,
                                        emulator_env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
