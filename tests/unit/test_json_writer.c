/* The JSON writer (foil/json_writer.h): bindings' native values -> JSON text, escapes and
 * UTF-8 checked once, in the core. */
#include "foil_test.h"

#include <math.h>
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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(builds_nested_values),
        cmocka_unit_test(escapes_strings_and_checks_utf8),
        cmocka_unit_test(refuses_misuse_and_keeps_its_state),
        cmocka_unit_test(nests_as_deep_as_the_reader),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
