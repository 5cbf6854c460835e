/* Issue 10, the defects whose behaviour lives in the core: ids that could change the
 * request path, header injection, the env-var name rule, the environment never beating
 * an explicit setting, repeated cursors, oversized arguments, Retry-After, proxies and
 * credentials in configuration errors. Each test fails on the code before its fix. */
#include "foil_test.h"

#include "canned_server.h"
#include "lying_server.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef canned_env_t env;

static const char *empty_page =
    "{\"data\":[],\"pagination\":{\"limit\":1,\"has_more\":false},\"meta\":{}}";
static const char *object_body = "{\"data\":{\"object\":\"session\",\"id\":\"sid_1\"},\"meta\":{}}";

static int setup(void **state) {
    if (canned_env_setup(state) != 0) return -1;
    env *e = *state;
    canned_server_respond(e->server, 200, object_body, NULL, NULL);
    return 0;
}

static int teardown(void **state) {
    return canned_env_teardown(state);
}

static int served(env *e) {
    return canned_server_last(e->server).count;
}

/* Defect 2: "." and ".." are unreserved bytes, so escaping alone let them through. */
static void dot_segment_ids_are_refused(void **state) {
    env *e = *state;
    const char *ids[] = {"..", ".", ""};
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        foil_result_t *r = NULL;
        assert_int_equal(foil_sessions_get(e->client, ids[i], &r), FOIL_E_INVALID_ARGUMENT);
        assert_null(r);
        assert_int_equal(foil_api_keys_update(e->client, "org_1", ids[i], "{\"name\":\"x\"}", &r),
                         FOIL_E_INVALID_ARGUMENT);
        assert_int_equal(foil_api_keys_update(e->client, ids[i], "key_1", "{\"name\":\"x\"}", &r),
                         FOIL_E_INVALID_ARGUMENT);
    }
    /* The error names the argument as callers spell it, not the path template's name. */
    foil_result_t *refused = NULL;
    assert_int_equal(foil_api_keys_update(e->client, "org_1", "..", "{\"name\":\"x\"}", &refused),
                     FOIL_E_INVALID_ARGUMENT);
    assert_string_equal(foil_error_field_name(foil_last_error(), 0), "key_id");
    char long_id[8194];
    memset(long_id, 'a', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    assert_int_equal(foil_sessions_get(e->client, long_id, &refused), FOIL_E_INVALID_ARGUMENT);
    assert_string_equal(foil_error_field_name(foil_last_error(), 0), "session_id");
    assert_null(refused);
    assert_int_equal(served(e), 0); /* nothing reached the server */
    /* Anything else goes whole into its one segment. */
    const char *hostile[] = {"a/../b", "../x", "a?b=c", "a#frag", "a%2F..", "..;x", "..."};
    for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++) {
        foil_result_t *r = NULL;
        FOIL_ASSERT_OK(foil_sessions_get(e->client, hostile[i], &r));
        foil_result_free(r);
        canned_request_t got = canned_server_last(e->server);
        char want[256];
        snprintf(want, sizeof want, "/v1/sessions/%s", hostile[i]); /* as decoded by the server */
        assert_string_equal(got.url, want);
        assert_string_equal(got.query, "");
    }
}

/* Defect 3: every caller-supplied header value refuses control characters. */
static void header_values_refuse_control_characters(void **state) {
    env *e = *state;
    const char *bad[] = {"a\r\nX-Injected: yes", "a\nb", "a\rb", "a\x01", "tab\there", "del\x7f"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(foil_client_set_user_agent(e->client, bad[i]), FOIL_E_INVALID_ARGUMENT);
        assert_string_equal(foil_error_field_name(foil_last_error(), 0), "user_agent");
        assert_int_equal(foil_client_set_client_suffix(e->client, bad[i]), FOIL_E_INVALID_ARGUMENT);
        assert_int_equal(foil_client_set_secret_key(e->client, bad[i]), FOIL_E_INVALID_ARGUMENT);
    }
    FOIL_ASSERT_OK(foil_client_set_user_agent(e->client, "my-app/2 (linux; +https://x.example)"));
    FOIL_ASSERT_OK(foil_client_set_client_suffix(e->client, "python/3.11"));
    foil_result_t *r = NULL;
    FOIL_ASSERT_OK(foil_sessions_get(e->client, "sid_1", &r));
    foil_result_free(r);
    assert_string_equal(canned_server_last(e->server).foil_client,
                        "libfoil-c/" FOIL_VERSION " python/3.11");
    /* A bearer token with a control character never becomes a header either. */
    int before = served(e);
    assert_int_equal(foil_gate_sessions_poll(e->client, "gs_1", "gpt_\x01x", &r),
                     FOIL_E_INVALID_ARGUMENT);
    assert_int_equal(served(e), before);
}

/* Defect 4: the env-var policy refuses names that are not env-var names. */
static void env_policy_refuses_invalid_names(void **state) {
    (void)state;
    const char *bad[] = {"",         "A\nLD_PRELOAD", "A=B",     "A B",   " PATHX",
                         "1ABC",     "LD_PRELOAD\n",  "KEY\r",   "K-EY",  "K.EY",
                         "\xc3\xa9", "KEY\t",         "=LD_PRE", "A\x01", "\x7f"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(foil_env_key_is_valid_name(bad[i]), 0);
        assert_string_equal(foil_env_key_refusal(bad[i], 1), "invalid_name");
        assert_string_equal(foil_env_key_refusal(bad[i], 0), "invalid_name");
    }
    assert_int_equal(foil_env_key_is_valid_name(NULL), 0);
    assert_string_equal(foil_env_key_refusal(NULL, 1), "invalid_name");
    const char *good[] = {"A", "_", "_A1", "DATABASE_URL", "foil_secret_key", "A1_B2"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        assert_int_equal(foil_env_key_is_valid_name(good[i]), 1);
        assert_null(foil_env_key_refusal(good[i], 0));
    }
    assert_string_equal(foil_env_key_refusal("LD_PRELOAD", 1), "blocked");
    assert_string_equal(foil_env_key_refusal("npm_config_x", 1), "blocked");
    assert_string_equal(foil_env_key_refusal("ACME_GATE_AGENT_TOKEN", 0),
                        "gate_managed_from_integrator");
    assert_null(foil_env_key_refusal("ACME_GATE_AGENT_TOKEN", 1));
}

/* Defect 7: an explicit setting beats the environment; the environment is read only for
 * what is not set, only when a request needs it, and a bad value names the variable. */
static void explicit_settings_beat_the_environment(void **state) {
    env *e = *state;
    setenv("FOIL_BASE_URL", "http://example.com", 1);
    setenv("FOIL_SECRET_KEY", "sk_bad\nX-Injected: 1", 1);
    foil_client_t *c = NULL;
    FOIL_ASSERT_OK(foil_client_new(&c)); /* the environment does not poison the client */
    FOIL_ASSERT_OK(foil_client_set_base_url(c, canned_server_url(e->server)));
    assert_string_equal(foil_client_base_url(c), canned_server_url(e->server));
    /* The registry needs no key: a bad FOIL_SECRET_KEY does not matter. */
    foil_result_t *r = NULL;
    FOIL_ASSERT_OK(foil_gate_registry_get(c, "svc_1", &r));
    foil_result_free(r);
    assert_string_equal(canned_server_last(e->server).authorization, "");
    /* A request that needs the key reads the variable, and refuses it by name. */
    foil_page_t *p = NULL;
    assert_int_equal(foil_sessions_list(c, 1, NULL, NULL, NULL, &p), FOIL_E_CONFIGURATION);
    const foil_error_t *err = foil_last_error();
    assert_string_equal(foil_error_field_name(err, 0), "FOIL_SECRET_KEY");
    assert_null(strstr(foil_error_message(err), "sk_bad"));
    assert_null(foil_error_field_received(err, 0));
    foil_client_free(c);
    /* An explicit key wins over the variable (options go before a client's first request). */
    FOIL_ASSERT_OK(foil_client_new(&c));
    FOIL_ASSERT_OK(foil_client_set_base_url(c, canned_server_url(e->server)));
    FOIL_ASSERT_OK(foil_client_set_secret_key(c, "sk_explicit"));
    FOIL_ASSERT_OK(foil_sessions_get(c, "sid_1", &r));
    foil_result_free(r);
    assert_string_equal(canned_server_last(e->server).authorization, "Bearer sk_explicit");
    foil_client_free(c);

    /* Not set explicitly: the variable is used, and a bad one is a configuration error
     * naming it, with credentials in it redacted. */
    setenv("FOIL_BASE_URL", "http://user:hunter2@example.com/", 1);
    FOIL_ASSERT_OK(foil_client_new(&c));
    FOIL_ASSERT_OK(foil_client_set_secret_key(c, "sk_explicit"));
    assert_int_equal(foil_sessions_get(c, "sid_1", &r), FOIL_E_CONFIGURATION);
    err = foil_last_error();
    assert_string_equal(foil_error_field_name(err, 0), "FOIL_BASE_URL");
    assert_null(strstr(foil_error_field_received(err, 0), "hunter2"));
    assert_null(strstr(foil_error_message(err), "hunter2"));
    assert_string_equal(foil_error_field_received(err, 0), "http://***@example.com/");
    foil_client_free(c);

    char url[128];
    snprintf(url, sizeof url, "%s/", canned_server_url(e->server));
    setenv("FOIL_BASE_URL", url, 1);
    setenv("FOIL_SECRET_KEY", "sk_from_env", 1);
    FOIL_ASSERT_OK(foil_client_new(&c));
    assert_string_equal(foil_client_base_url(c), canned_server_url(e->server));
    FOIL_ASSERT_OK(foil_sessions_get(c, "sid_1", &r));
    foil_result_free(r);
    assert_string_equal(canned_server_last(e->server).authorization, "Bearer sk_from_env");
    foil_client_free(c);
    /* Cleared explicitly: the variable is not read. */
    FOIL_ASSERT_OK(foil_client_new(&c));
    FOIL_ASSERT_OK(foil_client_set_secret_key(c, NULL));
    assert_int_equal(foil_sessions_get(c, "sid_1", &r), FOIL_E_CONFIGURATION);
    foil_client_free(c);
    unsetenv("FOIL_BASE_URL");
    unsetenv("FOIL_SECRET_KEY");
    FOIL_ASSERT_OK(foil_client_new(&c));
    assert_string_equal(foil_client_base_url(c), FOIL_DEFAULT_BASE_URL);
    foil_client_free(c);
}

/* Defect 14: a configuration error never echoes URL credentials. */
static void configuration_errors_redact_credentials(void **state) {
    env *e = *state;
    const char *bad[] = {"http://user:hunter2@example.com", "ftp://u:hunter2@h/x?y",
                         "http://hunter2@10.0.0.1"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(foil_client_set_base_url(e->client, bad[i]), FOIL_E_CONFIGURATION);
        const foil_error_t *err = foil_last_error();
        assert_null(strstr(foil_error_field_received(err, 0), "hunter2"));
        assert_null(strstr(foil_error_message(err), "hunter2"));
        assert_non_null(strstr(foil_error_field_received(err, 0), "***@"));
    }
    assert_int_equal(foil_client_set_base_url(e->client, "http://example.com/a@b"),
                     FOIL_E_CONFIGURATION);
    assert_string_equal(foil_error_field_received(foil_last_error(), 0), "http://example.com/a@b");
}

/* Issue 18, defect 9: a base URL with credentials is accepted, and what a binding's repr shows
 * (foil_client_base_url_redacted) never holds them, whether set or read from FOIL_BASE_URL. */
static void displayed_base_url_hides_credentials(void **state) {
    env *e = *state;
    assert_null(foil_client_base_url_redacted(NULL));
    FOIL_ASSERT_OK(foil_client_set_base_url(e->client, "https://user:hunter2@api.example.com/"));
    assert_string_equal(foil_client_base_url(e->client), "https://user:hunter2@api.example.com");
    assert_string_equal(foil_client_base_url_redacted(e->client), "https://***@api.example.com");
    FOIL_ASSERT_OK(foil_client_set_base_url(e->client, "https://api.example.com/v@1"));
    assert_string_equal(foil_client_base_url_redacted(e->client), "https://api.example.com/v@1");
    /* Long URLs come back whole. */
    char url[4096];
    snprintf(url, sizeof url, "https://u:hunter2@h.example/%03000d", 7);
    FOIL_ASSERT_OK(foil_client_set_base_url(e->client, url));
    assert_int_equal(strlen(foil_client_base_url_redacted(e->client)),
                     strlen(url) - strlen("u:hunter2") + strlen("***"));

    foil_client_t *c = NULL;
    FOIL_ASSERT_OK(foil_client_new(&c));
    setenv("FOIL_BASE_URL", "http://me:hunter2@127.0.0.1:9/", 1);
    assert_string_equal(foil_client_base_url_redacted(c), "http://***@127.0.0.1:9");
    foil_client_free(c);
    FOIL_ASSERT_OK(foil_client_new(&c));
    setenv("FOIL_BASE_URL", "http://me:hunter2@example.com", 1);
    assert_null(foil_client_base_url_redacted(c)); /* unusable: as foil_client_base_url */
    assert_int_equal(foil_error_status(foil_last_error()), FOIL_E_CONFIGURATION);
    unsetenv("FOIL_BASE_URL");
    foil_client_free(c);
}

static const char *page_with(const char *cursor, bool has_more, char *buf, size_t cap) {
    snprintf(buf, cap,
             "{\"data\":[{\"object\":\"session\",\"id\":\"sid\"}],\"pagination\":"
             "{\"limit\":1,\"has_more\":%s%s%s%s},\"meta\":{}}",
             has_more ? "true" : "false", cursor ? ",\"next_cursor\":\"" : "", cursor ? cursor : "",
             cursor ? "\"" : "");
    return buf;
}

static foil_status_t walk(env *e, size_t *items) {
    foil_iter_t *it = NULL;
    foil_status_t st = foil_sessions_iter(e->client, 1, NULL, NULL, &it);
    *items = 0;
    const foil_json_t *item = NULL;
    while (st == FOIL_OK && (st = foil_iter_next(it, &item)) == FOIL_OK && item && *items < 100)
        ++*items;
    foil_iter_free(it);
    return st;
}

/* A new server (and client), with `bodies` served in order, for the next walk. A walk that ends
 * early drops the page it asked for ahead, but the request may already be on its way: with one
 * server it could arrive after the next walk's sequence is set and take one of its pages. */
static void serve_sequence(env *e, const char *const *bodies, size_t count) {
    canned_server_stop(e->server);
    assert_non_null(e->server = canned_server_start());
    foil_client_free(e->client); /* a client's base URL is fixed at its first request */
    assert_non_null(e->client = canned_env_client(e));
    canned_server_sequence(e->server, bodies, count);
}

/* Defect 12: a server that hands back a cursor it gave before (a cycle of any length),
 * or says has_more without a cursor, ends the walk with FOIL_E_PROTOCOL. */
static void iterator_detects_repeated_cursors(void **state) {
    env *e = *state;
    char a[256], b[256], c[256], d[256];
    size_t items = 0;
    const char *cycle[] = {page_with("cur_A", true, a, sizeof a),
                           page_with("cur_B", true, b, sizeof b),
                           page_with("cur_A", true, c, sizeof c)};
    serve_sequence(e, cycle, 3);
    assert_int_equal(walk(e, &items), FOIL_E_PROTOCOL);
    assert_int_equal(items, 2);
    assert_non_null(strstr(foil_error_message(foil_last_error()), "repeats"));

    const char *same[] = {page_with("cur_A", true, a, sizeof a)};
    serve_sequence(e, same, 1);
    assert_int_equal(walk(e, &items), FOIL_E_PROTOCOL);
    assert_int_equal(items, 1);

    const char *no_cursor[] = {page_with(NULL, true, a, sizeof a)};
    serve_sequence(e, no_cursor, 1);
    assert_int_equal(walk(e, &items), FOIL_E_PROTOCOL);
    assert_int_equal(items, 0);

    /* A well-behaved server: four pages, then the end. */
    const char *good[] = {page_with("c1", true, a, sizeof a), page_with("c2", true, b, sizeof b),
                          page_with("c3", true, c, sizeof c), page_with(NULL, false, d, sizeof d)};
    serve_sequence(e, good, 4);
    assert_int_equal(walk(e, &items), FOIL_OK);
    assert_int_equal(items, 4);
}

/* Defect 14: an oversized argument is refused up front, never a retried connection error. */
static void oversized_arguments_are_refused_up_front(void **state) {
    env *e = *state;
    canned_server_respond(e->server, 200, empty_page, NULL, NULL);
    FOIL_ASSERT_OK(foil_client_set_max_retries(e->client, 2));
    size_t n = 10u << 20;
    char *big = malloc(n + 1);
    assert_non_null(big);
    memset(big, 'a', n);
    big[n] = '\0';
    foil_page_t *p = NULL;
    assert_int_equal(foil_sessions_list(e->client, 1, NULL, NULL, big, &p),
                     FOIL_E_INVALID_ARGUMENT);
    assert_string_equal(foil_error_field_name(foil_last_error(), 0), "search");
    big[8193] = '\0';
    assert_int_equal(foil_sessions_list(e->client, 1, NULL, NULL, big, &p),
                     FOIL_E_INVALID_ARGUMENT);
    foil_result_t *r = NULL;
    assert_int_equal(foil_sessions_get(e->client, big, &r), FOIL_E_INVALID_ARGUMENT);
    /* Under each cap but over the URL's: 3 bytes per escaped byte. */
    memset(big, ' ', 6000);
    big[6000] = '\0';
    assert_int_equal(foil_sessions_list(e->client, 1, NULL, NULL, big, &p),
                     FOIL_E_INVALID_ARGUMENT);
    assert_int_equal(served(e), 0);
    big[8192] = '\0';
    memset(big, 'a', 8192);
    FOIL_ASSERT_OK(foil_sessions_list(e->client, 1, NULL, NULL, big, &p));
    foil_page_free(p);
    free(big);
}

static double elapsed_since(const struct timespec *t0) {
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Defect 14: Retry-After is parsed safely (finite, or -1 when absent or unusable). */
static void retry_after_is_parsed_safely(void **state) {
    env *e = *state;
    struct {
        const char *header;
        double want;
    } cases[] = {{"inf", -1},
                 {"INF", -1},
                 {"nan", -1},
                 {"-5", -1},
                 {"1e9", -1},
                 {"0x10", -1},
                 {"12abc", -1},
                 {"garbage", -1},
                 {"3600", 3600},
                 {"0", 0},
                 {"7", 7},
                 {"99999999999999999999999", 86400},
                 {"Wed, 21 Oct 2015 07:28:00 GMT", 0}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        canned_server_respond(e->server, 429, "{}", NULL, cases[i].header);
        foil_result_t *r = NULL;
        assert_int_equal(foil_sessions_get(e->client, "sid_1", &r), FOIL_E_RATE_LIMITED);
        double got = foil_error_retry_after(foil_last_error());
        if (got != cases[i].want) print_message("Retry-After: %s -> %g\n", cases[i].header, got);
        assert_true(got == cases[i].want);
    }
}

/* Defect 14: with retries on, a Retry-After past the caller's budget (timeout per attempt)
 * is not slept: the 429 comes back at once, telling when to come back. */
static void retries_never_sleep_past_the_deadline(void **state) {
    env *e = *state;
    FOIL_ASSERT_OK(foil_client_set_timeout_ms(e->client, 2000));
    FOIL_ASSERT_OK(foil_client_set_max_retries(e->client, 2));
    const char *waits[] = {"3600", "inf", "61"};
    for (size_t i = 0; i < sizeof waits / sizeof *waits; i++) {
        canned_server_respond(e->server, 429, "{}", NULL, waits[i]);
        int before = served(e);
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        foil_result_t *r = NULL;
        assert_int_equal(foil_sessions_get(e->client, "sid_1", &r), FOIL_E_RATE_LIMITED);
        assert_true(elapsed_since(&t0) < 4.0); /* not the 60 s cap, nor the 6 s budget */
        double ra = foil_error_retry_after(foil_last_error());
        assert_true(ra == -1 || (ra >= 0 && ra <= 86400));
        if (i == 0) assert_int_equal(served(e) - before, 1);
    }
    /* A short Retry-After inside the budget is honoured. */
    canned_server_respond(e->server, 503, "{}", NULL, "0");
    int before = served(e);
    foil_result_t *r = NULL;
    assert_int_equal(foil_sessions_get(e->client, "sid_1", &r), FOIL_E_SERVER);
    assert_int_equal(served(e) - before, 3);
}

/* Defect 14: a loopback base URL never goes through a proxy (the secret key would travel
 * to it in clear text): http_proxy pointing at a dead port changes nothing. */
static void loopback_is_never_proxied(void **state) {
    env *e = *state;
    setenv("http_proxy", "http://127.0.0.1:1", 1);
    setenv("HTTP_PROXY", "http://127.0.0.1:1", 1);
    setenv("ALL_PROXY", "http://127.0.0.1:1", 1);
    foil_client_t *c = NULL;
    FOIL_ASSERT_OK(foil_client_new(&c));
    FOIL_ASSERT_OK(foil_client_set_base_url(c, canned_server_url(e->server)));
    FOIL_ASSERT_OK(foil_client_set_secret_key(c, "sk_test"));
    foil_result_t *r = NULL;
    foil_status_t st = foil_sessions_get(c, "sid_1", &r);
    foil_result_free(r);
    foil_client_free(c);
    /* Even an explicitly configured proxy is skipped for loopback. */
    c = NULL;
    foil_status_t st2 = foil_client_new(&c);
    if (st2 == FOIL_OK) st2 = foil_client_set_base_url(c, canned_server_url(e->server));
    if (st2 == FOIL_OK) st2 = foil_client_set_secret_key(c, "sk_test");
    if (st2 == FOIL_OK) st2 = foil_client_set_proxy(c, "http://127.0.0.1:1");
    if (st2 == FOIL_OK) st2 = foil_sessions_get(c, "sid_1", &r);
    foil_result_free(r);
    foil_client_free(c);
    unsetenv("http_proxy");
    unsetenv("HTTP_PROXY");
    unsetenv("ALL_PROXY");
    FOIL_ASSERT_OK(st);
    FOIL_ASSERT_OK(st2);
}

/* Defect 14: an empty webhook secret is an error, never a plain "does not match". */
static void empty_webhook_secret_is_an_argument_error(void **state) {
    (void)state;
    const char *body = "{}";
    char *sig = NULL;
    FOIL_ASSERT_OK(foil_webhook_signature_compute("whsec_x", "1700000000", body, 2, &sig));
    assert_int_equal(foil_webhook_signature_verify("", "1700000000", body, 2, sig, 300, 1700000000),
                     FOIL_E_INVALID_ARGUMENT);
    assert_string_equal(foil_error_field_name(foil_last_error(), 0), "secret");
    assert_int_equal(
        foil_webhook_signature_verify(NULL, "1700000000", body, 2, sig, 300, 1700000000),
        FOIL_E_INVALID_ARGUMENT);
    char *none = (char *)body;
    assert_int_equal(foil_webhook_signature_compute("", "1700000000", body, 2, &none),
                     FOIL_E_INVALID_ARGUMENT);
    assert_null(none);
    foil_string_free(sig);
}

/* Defects 10, 11: a webhook event body with \u0000 or bytes that are not UTF-8 is refused,
 * not cut at the NUL or passed on (cJSON alone accepts both). */
static void webhook_events_must_be_text(void **state) {
    (void)state;
    const char *head = "{\"id\":\"wevt_0123456789abcdef0123456789abcdef\","
                       "\"object\":\"webhook_event\",\"type\":\"session.created\","
                       "\"created\":\"2026-01-02T00:00:00.000Z\",\"data\":{\"note\":\"";
    const char *notes[] = {"a\\u0000b", "\xff", "\xc0\xaf", "\xed\xa0\x80"};
    char body[512];
    foil_document_t *doc = NULL;
    for (size_t i = 0; i < sizeof notes / sizeof *notes; i++) {
        snprintf(body, sizeof body, "%s%s\"}}", head, notes[i]);
        assert_int_equal(foil_webhook_event_parse(body, strlen(body), &doc), FOIL_E_VALIDATION);
        assert_null(doc);
        assert_string_equal(foil_error_field_name(foil_last_error(), 0), "event");
    }
    snprintf(body, sizeof body, "%s%s\"}}", head, "caf\xc3\xa9 \\u00e9");
    FOIL_ASSERT_OK(foil_webhook_event_parse(body, strlen(body), &doc));
    foil_document_free(doc);
}

/* An answer announcing a Content-Length past the size cap ends at its headers with the
 * cap's error, instead of the call waiting out its timeout for a body that never comes. */
static void announced_length_past_the_cap_fails_at_once(void **state) {
    (void)state;
    lying_server_t *server = lying_server_start();
    assert_non_null(server);
    foil_client_t *c = lying_server_client(server);
    assert_non_null(c);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    foil_page_t *page = NULL;
    assert_int_equal(foil_sessions_list(c, 1, NULL, NULL, NULL, &page), FOIL_E_PROTOCOL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_null(page);
    assert_non_null(strstr(foil_error_message(foil_last_error()), "exceeds the"));
    /* Well under the 30 s timeout (the behaviour, not a speed target: it is 0 or 30 s). */
    assert_true(t1.tv_sec - t0.tv_sec < 20);
    foil_client_free(c);
    lying_server_stop(server);
}

/* Text from a caller's C strings that is not UTF-8 is refused before anything is sent, for
 * every operation with a body (one check where bodies are printed), naming the parameter. */
static void body_text_must_be_utf8(void **state) {
    env *e = *state;
    canned_server_respond(e->server, 200, "{\"data\":{}}", NULL, NULL);
    const char *latin1 = "caf\xe9", *surrogate = "\xed\xa0\x80";
    foil_result_t *r = NULL;
    assert_int_equal(foil_organizations_create(e->client, latin1, "cafe", &r),
                     FOIL_E_INVALID_ARGUMENT);
    assert_string_equal(foil_error_field_name(foil_last_error(), 0), "name");
    assert_int_equal(foil_sessions_attach_client_user(e->client, "sess_1", surrogate, &r),
                     FOIL_E_INVALID_ARGUMENT);
    assert_string_equal(foil_error_field_name(foil_last_error(), 0), "client_user_id");
    assert_null(r);
    assert_int_equal(served(e), 0);
    FOIL_ASSERT_OK(foil_organizations_create(e->client, "caf\xc3\xa9", "cafe", &r));
    foil_result_free(r);
    assert_int_equal(served(e), 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(dot_segment_ids_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(header_values_refuse_control_characters, setup, teardown),
        cmocka_unit_test(env_policy_refuses_invalid_names),
        cmocka_unit_test_setup_teardown(explicit_settings_beat_the_environment, setup, teardown),
        cmocka_unit_test_setup_teardown(configuration_errors_redact_credentials, setup, teardown),
        cmocka_unit_test_setup_teardown(displayed_base_url_hides_credentials, setup, teardown),
        cmocka_unit_test_setup_teardown(iterator_detects_repeated_cursors, setup, teardown),
        cmocka_unit_test_setup_teardown(oversized_arguments_are_refused_up_front, setup, teardown),
        cmocka_unit_test_setup_teardown(retry_after_is_parsed_safely, setup, teardown),
        cmocka_unit_test_setup_teardown(retries_never_sleep_past_the_deadline, setup, teardown),
        cmocka_unit_test_setup_teardown(loopback_is_never_proxied, setup, teardown),
        cmocka_unit_test(empty_webhook_secret_is_an_argument_error),
        cmocka_unit_test(webhook_events_must_be_text),
        cmocka_unit_test(announced_length_past_the_cap_fails_at_once),
        cmocka_unit_test_setup_teardown(body_text_must_be_utf8, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
