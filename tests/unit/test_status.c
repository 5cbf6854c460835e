/* The status table at run time: rows, names, kinds and the parent column that bindings
 * build their exception trees from. */
#include "foil_test.h"

#include <string.h>

static void rows_follow_the_enum(void **state) {
    (void)state;
    assert_int_equal(foil_status_count(), 25);
    assert_int_equal(foil_status_at(0), FOIL_OK);
    assert_int_equal(foil_status_at(11), FOIL_E_NOT_FOUND);
    assert_int_equal(foil_status_at(24), FOIL_E_STATE);
    assert_int_equal((int)foil_status_at(25), -1);
    assert_int_equal((int)foil_status_at((size_t)-1), -1);
    for (size_t i = 0; i < foil_status_count(); i++) {
        foil_status_t s = foil_status_at(i);
        assert_int_equal((int)s, (int)i); /* dense, in table order */
        assert_non_null(foil_status_name(s));
        assert_memory_equal(foil_status_name(s), "FOIL_", 5);
        assert_string_not_equal(foil_status_kind(s), "unknown");
        assert_string_not_equal(foil_status_str(s), "unknown status");
    }
}

static void names_kinds_and_texts(void **state) {
    (void)state;
    assert_string_equal(foil_status_name(FOIL_OK), "FOIL_OK");
    assert_string_equal(foil_status_name(FOIL_E_NOT_FOUND), "FOIL_E_NOT_FOUND");
    assert_string_equal(foil_status_name(FOIL_E_TOKEN), "FOIL_E_TOKEN");
    assert_string_equal(foil_status_kind(FOIL_E_TOKEN), "token_verification");
    assert_string_equal(foil_status_str(FOIL_E_NOT_FOUND), "resource not found");
    /* Values outside the table. */
    assert_null(foil_status_name((foil_status_t)25));
    assert_null(foil_status_name((foil_status_t)-1));
    assert_null(foil_status_parent((foil_status_t)99));
    assert_string_equal(foil_status_kind((foil_status_t)99), "unknown");
    assert_string_equal(foil_status_str((foil_status_t)-1), "unknown status");
}

static void parent_column_is_the_exception_tree(void **state) {
    (void)state;
    const foil_status_t api[] = {FOIL_E_AUTHENTICATION, FOIL_E_PERMISSION, FOIL_E_NOT_FOUND,
                                 FOIL_E_CONFLICT,       FOIL_E_GONE,       FOIL_E_VALIDATION,
                                 FOIL_E_RATE_LIMITED,   FOIL_E_SERVER};
    size_t with_parent = 0;
    for (size_t i = 0; i < sizeof api / sizeof api[0]; i++)
        assert_string_equal(foil_status_parent(api[i]), "api");
    assert_string_equal(foil_status_parent(FOIL_E_INVALID_ARGUMENT), "validation");
    assert_string_equal(foil_status_parent(FOIL_E_TIMEOUT), "connection");
    assert_null(foil_status_parent(FOIL_OK));
    assert_null(foil_status_parent(FOIL_E_API));
    assert_null(foil_status_parent(FOIL_E_CONNECTION));
    assert_null(foil_status_parent(FOIL_E_CRYPTO));
    assert_null(foil_status_parent(FOIL_E_STATE));
    for (size_t i = 0; i < foil_status_count(); i++) {
        foil_status_t s = foil_status_at(i);
        if (!foil_status_parent(s)) continue;
        with_parent++;
        /* Every parent is the kind of a row, and following parents ends at a root. */
        size_t depth = 0;
        for (const char *p = foil_status_parent(s); p; depth++) {
            assert_true(depth < foil_status_count());
            foil_status_t found = (foil_status_t)-1;
            for (size_t j = 0; j < foil_status_count(); j++)
                if (strcmp(foil_status_kind(foil_status_at(j)), p) == 0) found = foil_status_at(j);
            assert_int_not_equal((int)found, -1);
            p = foil_status_parent(found);
        }
    }
    assert_int_equal(with_parent, 10);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rows_follow_the_enum),
        cmocka_unit_test(names_kinds_and_texts),
        cmocka_unit_test(parent_column_is_the_exception_tree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
