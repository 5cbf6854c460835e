/* The argument rules every binding shares (foil/arguments.h): seconds -> milliseconds and
 * the page size, each with one range and one error text. */
#include "foil_test.h"

#include <math.h>
#include <string.h>

static void assert_argument_error(const char *name, const char *message, const char *received) {
    const foil_error_t *e = foil_last_error();
    assert_int_equal(foil_error_status(e), FOIL_E_INVALID_ARGUMENT);
    assert_string_equal(foil_error_code(e), "client.invalid_argument");
    assert_string_equal(foil_error_message(e), message);
    assert_int_equal(foil_error_field_count(e), 1);
    assert_string_equal(foil_error_field_name(e, 0), name);
    if (received) assert_string_equal(foil_error_field_received(e, 0), received);
}

static void seconds_in_range_become_milliseconds(void **state) {
    (void)state;
    long ms = -1;
    FOIL_ASSERT_OK(foil_seconds_to_ms("timeout", 30, &ms));
    assert_int_equal(ms, 30000);
    FOIL_ASSERT_OK(foil_seconds_to_ms("timeout", 1.5, &ms));
    assert_int_equal(ms, 1500);
    FOIL_ASSERT_OK(foil_seconds_to_ms("interval", 0.0019, &ms)); /* truncated */
    assert_int_equal(ms, 1);
    FOIL_ASSERT_OK(foil_seconds_to_ms("interval", 1e-9, &ms)); /* positive: at least 1 ms */
    assert_int_equal(ms, 1);
    FOIL_ASSERT_OK(foil_seconds_to_ms("timeout", FOIL_SECONDS_MAX, &ms));
    assert_int_equal(ms, 2147483000L);
}

static void seconds_out_of_range_are_one_error(void **state) {
    (void)state;
    const double bad[] = {0, -0.0, -1, FOIL_SECONDS_MAX + 0.001, 1e300, INFINITY, -INFINITY, NAN};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        long ms = -1;
        assert_int_equal(foil_seconds_to_ms("timeout", bad[i], &ms), FOIL_E_INVALID_ARGUMENT);
        assert_int_equal(ms, 0);
        assert_argument_error("timeout", "timeout: must be a number of seconds in (0, 2147483]",
                              NULL);
        assert_string_equal(foil_error_field_expected(foil_last_error(), 0), "(0, 2147483]");
    }
    long ms = 0;
    assert_int_equal(foil_seconds_to_ms("connect_timeout", -2.5, &ms), FOIL_E_INVALID_ARGUMENT);
    assert_argument_error("connect_timeout",
                          "connect_timeout: must be a number of seconds in (0, 2147483]", "-2.5");
    assert_int_equal(foil_seconds_to_ms(NULL, 0, &ms), FOIL_E_INVALID_ARGUMENT);
    assert_argument_error("seconds", "seconds: must be a number of seconds in (0, 2147483]", "0");
    assert_int_equal(foil_seconds_to_ms("timeout", 1, NULL), FOIL_E_INVALID_ARGUMENT);
}

static void limit_has_one_range_and_one_text(void **state) {
    (void)state;
    FOIL_ASSERT_OK(foil_limit_check(1));
    FOIL_ASSERT_OK(foil_limit_check(200));
    const int64_t bad[] = {0, -1, 201, INT64_MAX, INT64_MIN, (int64_t)1 << 32};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(foil_limit_check(bad[i]), FOIL_E_INVALID_ARGUMENT);
        assert_argument_error("limit", "limit: must be between 1 and 200", NULL);
        assert_string_equal(foil_error_field_expected(foil_last_error(), 0), "1..200");
    }
    assert_int_equal(foil_limit_check(4294967296), FOIL_E_INVALID_ARGUMENT);
    assert_argument_error("limit", "limit: must be between 1 and 200", "4294967296");
}

/* The list functions and foil_call give the same error as foil_limit_check: one text. */
static void list_calls_share_the_limit_error(void **state) {
    (void)state;
    foil_client_t *c = NULL;
    FOIL_ASSERT_OK(foil_client_new(&c));
    FOIL_ASSERT_OK(foil_client_set_secret_key(c, "sk_test_x"));
    foil_page_t *page = NULL;
    assert_int_equal(foil_sessions_list(c, 500, NULL, NULL, NULL, &page), FOIL_E_INVALID_ARGUMENT);
    assert_argument_error("limit", "limit: must be between 1 and 200", "500");
    foil_result_t *r = NULL;
    foil_error_t *e = NULL;
    const char *params[] = {"{\"limit\":0}", "{\"limit\":-3}", "{\"limit\":201}"};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(foil_call(c, "sessions.list", params[i], &r, &e), FOIL_E_INVALID_ARGUMENT);
        assert_non_null(e);
        assert_string_equal(foil_error_message(e), "limit: must be between 1 and 200");
        assert_string_equal(foil_error_field_expected(e, 0), "1..200");
        foil_error_free(e);
        e = NULL;
    }
    foil_client_free(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(seconds_in_range_become_milliseconds),
        cmocka_unit_test(seconds_out_of_range_are_one_error),
        cmocka_unit_test(limit_has_one_range_and_one_text),
        cmocka_unit_test(list_calls_share_the_limit_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
