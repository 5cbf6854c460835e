/* The JSON writer (foil/json_writer.h): bindings' native values -> JSON text, escapes and
 * UTF-8 checked once, in the core. */
#include "foil_test.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *text_of(foil_json_writer_t *w) {
    size_t len = 0;
    const char *text = foil_json_writer_text(w, &len);
    assert_non_null(text);
    assert_int_equal(strlen(text), len);
    return text;
}

static void builds_nested_values(void **state) {
    (void)state;
    foil_json_writer_t *w = NULL;
    FOIL_ASSERT_OK(foil_json_writer_new(&w));
    assert_null(foil_json_writer_text(w, NULL));
    FOIL_ASSERT_OK(foil_json_writer_begin_object(w));
    FOIL_ASSERT_OK(foil_json_writer_key(w, "limit", 5));
    FOIL_ASSERT_OK(foil_json_writer_int(w, 5));
    FOIL_ASSERT_OK(foil_json_writer_key(w, "list", 4));
    FOIL_ASSERT_OK(foil_json_writer_begin_array(w));
    FOIL_ASSERT_OK(foil_json_writer_bool(w, 1));
    FOIL_ASSERT_OK(foil_json_writer_bool(w, 0));
    FOIL_ASSERT_OK(foil_json_writer_null(w));
    FOIL_ASSERT_OK(foil_json_writer_double(w, 0.1));
    FOIL_ASSERT_OK(foil_json_writer_double(w, 2));
    FOIL_ASSERT_OK(foil_json_writer_double(w, 1e300));
    FOIL_ASSERT_OK(foil_json_writer_int(w, INT64_MIN));
    FOIL_ASSERT_OK(foil_json_writer_number(w, "-123456789012345678901234567890", 31));
    FOIL_ASSERT_OK(foil_json_writer_begin_object(w));
    FOIL_ASSERT_OK(foil_json_writer_end_object(w));
    FOIL_ASSERT_OK(foil_json_writer_begin_array(w));
    FOIL_ASSERT_OK(foil_json_writer_end_array(w));
    FOIL_ASSERT_OK(foil_json_writer_end_array(w));
    assert_null(foil_json_writer_text(w, NULL)); /* the object is still open */
    FOIL_ASSERT_OK(foil_json_writer_end_object(w));
    assert_string_equal(text_of(w), "{\"limit\":5,\"list\":[true,false,null,0.1,2.0,1e+300,"
                                    "-9223372036854775808,-123456789012345678901234567890,{},[]]}");
    /* What it writes, the core reads back. */
    foil_document_t *doc = NULL;
    FOIL_ASSERT_OK(foil_document_parse(text_of(w), strlen(text_of(w)), &doc));
    const foil_json_t *list = foil_json_get(foil_document_root(doc), "list");
    assert_false(foil_json_is_integer(foil_json_at(list, 4))); /* 2.0 stays a double */
    foil_document_free(doc);
    foil_json_writer_reset(w);
    assert_null(foil_json_writer_text(w, NULL));
    FOIL_ASSERT_OK(foil_json_writer_string(w, "top", 3));
    assert_string_equal(text_of(w), "\"top\"");
    foil_json_writer_free(w);
    foil_json_writer_free(NULL);
}

static void escapes_strings_and_checks_utf8(void **state) {
    (void)state;
    foil_json_writer_t *w = NULL;
    FOIL_ASSERT_OK(foil_json_writer_new(&w));
    const char s[] = "q\"b\\n\nr\rt\tb\bf\f\x01\x1f\0z \xc3\xa9 \xf0\x9f\x98\x80";
    FOIL_ASSERT_OK(foil_json_writer_begin_object(w));
    FOIL_ASSERT_OK(foil_json_writer_key(w, "k\"\n", 3));
    FOIL_ASSERT_OK(foil_json_writer_string(w, s, sizeof s - 1));
    /* Bytes that are not UTF-8 are refused, the writer left as it was. */
    const char *bad[] = {"\xff", "\xc0\x80", "\xed\xa0\x80", "\xe2\x82", "\xf4\x90\x80\x80"};
    for (size_t i = 0; i < 5; i++) {
        FOIL_ASSERT_OK(foil_json_writer_key(w, "x", 1));
        assert_int_equal(foil_json_writer_string(w, bad[i], strlen(bad[i])),
                         FOIL_E_INVALID_ARGUMENT);
        assert_string_equal(foil_error_message(foil_last_error()), "string: is not valid UTF-8");
        FOIL_ASSERT_OK(foil_json_writer_null(w));
        assert_int_equal(foil_json_writer_key(w, bad[i], strlen(bad[i])), FOIL_E_INVALID_ARGUMENT);
    }
    FOIL_ASSERT_OK(foil_json_writer_end_object(w));
    assert_string_equal(text_of(w),
                        "{\"k\\\"\\n\":\"q\\\"b\\\\n\\nr\\rt\\tb\\bf\\f\\u0001\\u001f\\u0000z "
                        "\xc3\xa9 \xf0\x9f\x98\x80\",\"x\":null,\"x\":null,\"x\":null,\"x\":null,"
                        "\"x\":null}");
    foil_json_writer_free(w);
}

static void refuses_misuse_and_keeps_its_state(void **state) {
    (void)state;
    foil_json_writer_t *w = NULL;
    FOIL_ASSERT_OK(foil_json_writer_new(&w));
    assert_int_equal(foil_json_writer_key(w, "k", 1), FOIL_E_INVALID_ARGUMENT); /* no object */
    assert_int_equal(foil_json_writer_end_array(w), FOIL_E_INVALID_ARGUMENT);
    FOIL_ASSERT_OK(foil_json_writer_begin_object(w));
    assert_int_equal(foil_json_writer_int(w, 1), FOIL_E_INVALID_ARGUMENT); /* key due */
    assert_int_equal(foil_json_writer_end_array(w), FOIL_E_INVALID_ARGUMENT);
    FOIL_ASSERT_OK(foil_json_writer_key(w, "a", 1));
    assert_int_equal(foil_json_writer_key(w, "b", 1), FOIL_E_INVALID_ARGUMENT); /* value due */
    assert_int_equal(foil_json_writer_end_object(w), FOIL_E_INVALID_ARGUMENT);
    assert_int_equal(foil_json_writer_double(w, NAN), FOIL_E_INVALID_ARGUMENT);
    assert_int_equal(foil_json_writer_double(w, INFINITY), FOIL_E_INVALID_ARGUMENT);
    const char *numbers[] = {"", "-", "01", "1.", ".5", "1e", "+1", "0x10", "1 "};
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
        assert_int_equal(foil_json_writer_number(w, numbers[i], strlen(numbers[i])),
                         FOIL_E_INVALID_ARGUMENT);
    FOIL_ASSERT_OK(foil_json_writer_number(w, "-0.5E+3", 7));
    FOIL_ASSERT_OK(foil_json_writer_end_object(w));
    assert_string_equal(text_of(w), "{\"a\":-0.5E+3}");
    assert_int_equal(foil_json_writer_null(w), FOIL_E_INVALID_ARGUMENT); /* one value only */
    assert_string_equal(text_of(w), "{\"a\":-0.5E+3}");
    assert_int_equal(foil_json_writer_null(NULL), FOIL_E_INVALID_ARGUMENT);
    assert_int_equal(foil_json_writer_new(NULL), FOIL_E_INVALID_ARGUMENT);
    assert_null(foil_json_writer_text(NULL, NULL));
    foil_json_writer_free(w);
}

static void nests_as_deep_as_the_reader(void **state) {
    (void)state;
    foil_json_writer_t *w = NULL;
    FOIL_ASSERT_OK(foil_json_writer_new(&w));
    for (int i = 0; i < FOIL_JSON_MAX_DEPTH; i++)
        FOIL_ASSERT_OK(foil_json_writer_begin_array(w));
    assert_int_equal(foil_json_writer_begin_array(w), FOIL_E_INVALID_ARGUMENT);
    assert_int_equal(foil_json_writer_begin_object(w), FOIL_E_INVALID_ARGUMENT);
    for (int i = 0; i < FOIL_JSON_MAX_DEPTH; i++)
        FOIL_ASSERT_OK(foil_json_writer_end_array(w));
    size_t len = 0;
    const char *text = foil_json_writer_text(w, &len);
    assert_int_equal(len, 2 * FOIL_JSON_MAX_DEPTH);
    foil_document_t *doc = NULL;
    FOIL_ASSERT_OK(foil_document_parse(text, len, &doc));
    foil_document_free(doc);
    foil_json_writer_free(w);
}

/* Issue 18 (item 11): what the core read exactly, it writes exactly. Integers beyond 2^53
 * keep their digits (cJSON's printer rounded 9007199254740993 to 9007199254740992 and wrote
 * 12345678901234567890 as 1.2345678901234567e+19); other numbers read back to the same
 * double and keep their fraction or exponent (cJSON wrote 2.0 as 2 and -0.0 as 0). */
static void serializes_read_numbers_exactly(void **state) {
    (void)state;
    const char *text = "{\"n\":[9007199254740993,-9007199254740993,-9223372036854775808,"
                       "18446744073709551617,12345678901234567890,"
                       "123456789012345678901234567890,42,-7,-0,1e300,0.1,-0.0,2.0,1.5e-7,"
                       "0.30000000000000004,4.2e1],\"s\":\"caf\xc3\xa9\\n\"}";
    const char *exact = "{\"n\":[9007199254740993,-9007199254740993,-9223372036854775808,"
                        "18446744073709551617,12345678901234567890,"
                        "123456789012345678901234567890,42,-7,0,1e+300,0.1,-0.0,2.0,1.5e-07,"
                        "0.30000000000000004,42.0],\"s\":\"caf\xc3\xa9\\n\"}";
    foil_document_t *doc = NULL;
    FOIL_ASSERT_OK(foil_document_parse(text, strlen(text), &doc));
    char *out = NULL;
    FOIL_ASSERT_OK(foil_json_serialize(foil_document_root(doc), &out));
    assert_string_equal(out, exact);
    foil_document_free(doc);
    /* Read back, written again: the same text. */
    FOIL_ASSERT_OK(foil_document_parse(out, strlen(out), &doc));
    char *again = NULL;
    FOIL_ASSERT_OK(foil_json_serialize(foil_document_root(doc), &again));
    assert_string_equal(again, exact);
    const foil_json_t *n = foil_json_get(foil_document_root(doc), "n");
    assert_true(foil_json_is_integer(foil_json_at(n, 0)));
    assert_false(foil_json_is_integer(foil_json_at(n, 12))); /* 2.0 */
    double d = 0;
    assert_true(foil_json_number(foil_json_at(n, 11), &d));
    assert_true(d == 0 && signbit(d)); /* -0.0 */
    foil_string_free(again);
    foil_string_free(out);
    foil_document_free(doc);
    /* One value alone. */
    FOIL_ASSERT_OK(foil_document_parse("18446744073709551617", 20, &doc));
    FOIL_ASSERT_OK(foil_json_serialize(foil_document_root(doc), &out));
    assert_string_equal(out, "18446744073709551617");
    foil_string_free(out);
    foil_document_free(doc);
}

/* A caller's JSON goes to the API with its numbers as given: the metadata of a Gate signup
 * (foil_parse_object_arg), foil_call's parameters, and webhook events read back. */
static void sends_and_reads_big_integers_exactly(void **state) {
    (void)state;
    foil_client_t *c = NULL;
    FOIL_ASSERT_OK(foil_client_new(&c));
    FOIL_ASSERT_OK(foil_client_set_base_url(c, "http://127.0.0.1:9"));
    FOIL_ASSERT_OK(foil_client_set_secret_key(c, "sk_test_x"));
    const char *metadata = "{\"n\":9007199254740993,\"big\":-123456789012345678901234567890,"
                           "\"f\":2.0,\"z\":-0.0}";
    const char *written = "\"metadata\":{\"n\":9007199254740993,"
                          "\"big\":-123456789012345678901234567890,\"f\":2.0,\"z\":-0.0}";
    foil_gate_session_t *s = NULL;
    foil_http_request_t *req = NULL;
    FOIL_ASSERT_OK(foil_gate_session_prepare_create(c, "acme", "proj", metadata, &s, &req));
    size_t len = 0;
    const char *body = foil_http_request_body(req, &len);
    assert_non_null(body);
    assert_non_null(strstr(body, written));
    foil_http_request_free(req);
    foil_gate_session_free(s);

    foil_delivery_key_pair_t *keys = NULL;
    char *delivery = NULL, params[1024];
    FOIL_ASSERT_OK(foil_delivery_key_pair_new(&keys));
    FOIL_ASSERT_OK(foil_delivery_key_pair_request_json(keys, &delivery));
    snprintf(params, sizeof params,
             "{\"service_id\":\"acme\",\"account_name\":\"proj\",\"metadata\":%s,"
             "\"delivery\":%s}",
             metadata, delivery);
    FOIL_ASSERT_OK(foil_prepare(c, "gate.sessions.create", params, &req, NULL));
    body = foil_http_request_body(req, &len);
    assert_non_null(body);
    assert_non_null(strstr(body, written));
    foil_http_request_free(req);
    foil_string_free(delivery);
    foil_delivery_key_pair_free(keys);
    foil_client_free(c);

    const char *event = "{\"id\":\"wevt_0123456789abcdef0123456789abcdef\","
                        "\"object\":\"webhook_event\",\"type\":\"session.created\","
                        "\"created\":\"2026-01-02T00:00:00.000Z\","
                        "\"data\":{\"n\":9007199254740993}}";
    foil_document_t *doc = NULL;
    FOIL_ASSERT_OK(foil_webhook_event_parse(event, strlen(event), &doc));
    const foil_json_t *n = foil_json_path(foil_document_root(doc), "data.n");
    assert_true(foil_json_is_integer(n));
    int64_t i = 0;
    assert_true(foil_json_int(n, &i));
    assert_true(i == 9007199254740993LL);
    char *out = NULL;
    FOIL_ASSERT_OK(foil_json_serialize(foil_document_root(doc), &out));
    assert_string_equal(out, event);
    foil_string_free(out);
    foil_document_free(doc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(builds_nested_values),
        cmocka_unit_test(escapes_strings_and_checks_utf8),
        cmocka_unit_test(refuses_misuse_and_keeps_its_state),
        cmocka_unit_test(nests_as_deep_as_the_reader),
        cmocka_unit_test(serializes_read_numbers_exactly),
        cmocka_unit_test(sends_and_reads_big_integers_exactly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
