/* The model table at run time (foil_model_* in models.h): the rows bindings build their
 * readers from are the macro table itself, and hang together (every field belongs to a
 * model, every nested type is a model or a known token, bases exist, kinds match the
 * typed accessors). The kinds against the OpenAPI contract: python/tests/test_model_table.py. */
#include "foil_test.h"

#include <string.h>

static int is_model(const char *object) {
    for (size_t i = 0; i < foil_model_count(); i++)
        if (strcmp(foil_model_info(i, "object"), object) == 0) return 1;
    return 0;
}

static int one_of(const char *s, const char *const *list) {
    for (; *list; list++)
        if (strcmp(s, *list) == 0) return 1;
    return 0;
}

static void rows_are_the_macro_table(void **state) {
    (void)state;
#define COUNT_ROW(...) +1
    assert_int_equal(foil_model_count(), 0 FOIL_MODELS(COUNT_ROW));
    assert_int_equal(foil_model_field_count(), 0 FOIL_MODEL_FIELDS(COUNT_ROW));
#undef COUNT_ROW
    assert_string_equal(foil_model_info(0, "object"), "manipulation");
    assert_string_equal(foil_model_info(0, "class"), "DecisionManipulation");
    assert_string_equal(foil_model_info(0, "schema"), "ManipulationSummary");
    assert_string_equal(foil_model_info(0, "role"), "RESULT");
    assert_string_equal(foil_model_field_info(0, "object"), "manipulation");
    assert_string_equal(foil_model_field_info(0, "field"), "score");
    assert_string_equal(foil_model_field_info(0, "json_name"), "score");
    assert_string_equal(foil_model_field_info(0, "kind"), "INT");
    assert_string_equal(foil_model_field_info(0, "type"), "scalar");
    assert_string_equal(foil_model_field_info(0, "flags"), "opt");
}

static void out_of_range_and_unknown_columns_are_null(void **state) {
    (void)state;
    assert_null(foil_model_info(foil_model_count(), "object"));
    assert_null(foil_model_info((size_t)-1, "object"));
    assert_null(foil_model_info(0, "nope"));
    assert_null(foil_model_info(0, NULL));
    assert_null(foil_model_field_info(foil_model_field_count(), "field"));
    assert_null(foil_model_field_info(0, "Field"));
    assert_null(foil_model_field_info(0, NULL));
}

static void the_table_hangs_together(void **state) {
    (void)state;
    static const char *const kinds[] = {"STRING", "INT", "NUMBER", "BOOL", "OBJECT", "ARRAY", NULL};
    static const char *const object_types[] = {"any", "string_map", "int_map", "bool_map", NULL};
    static const char *const array_types[] = {"any", "string", "integer", "number", NULL};
    static const char *const flags[] = {"", "opt", "secret", "empty", "opt secret", NULL};
    for (size_t i = 0; i < foil_model_count(); i++) {
        const char *base = foil_model_info(i, "base"), *role = foil_model_info(i, "role");
        assert_true(strcmp(base, "none") == 0 || is_model(base));
        assert_true(strcmp(role, "RESULT") == 0 || strcmp(role, "VALUE") == 0);
        assert_true(strlen(foil_model_info(i, "class")) > 0);
        assert_true(strlen(foil_model_info(i, "doc")) > 0);
        for (size_t j = 0; j < i; j++) /* objects and class names are unique */
            assert_string_not_equal(foil_model_info(i, "object"), foil_model_info(j, "object"));
    }
    for (size_t i = 0; i < foil_model_field_count(); i++) {
        const char *kind = foil_model_field_info(i, "kind"),
                   *type = foil_model_field_info(i, "type");
        assert_true(is_model(foil_model_field_info(i, "object")));
        assert_true(one_of(kind, kinds));
        assert_true(one_of(foil_model_field_info(i, "flags"), flags));
        if (strcmp(kind, "OBJECT") == 0)
            assert_true(one_of(type, object_types) || is_model(type));
        else if (strcmp(kind, "ARRAY") == 0)
            assert_true(one_of(type, array_types) || is_model(type));
        else
            assert_string_equal(type, "scalar");
    }
}

/* The kinds the contract types as integer read through int64_t accessors. */
static void contract_integers_read_as_int64(void **state) {
    (void)state;
    foil_document_t *doc = NULL;
    const char *text = "{\"risk_score\":94,\"evaluation_duration_ms\":123,\"manipulation\":"
                       "{\"score\":1},\"confidence\":7}";
    assert_int_equal(foil_document_parse(text, strlen(text), &doc), FOIL_OK);
    const foil_json_t *v = foil_document_root(doc);
    int64_t n = -1;
    assert_true(foil_decision_risk_score(v, &n) && n == 94);
    assert_true(foil_decision_evaluation_duration_ms(v, &n) && n == 123);
    assert_true(foil_manipulation_score(foil_decision_manipulation(v), &n) && n == 1);
    assert_true(foil_fingerprint_link_confidence(v, &n) && n == 7);
    foil_document_free(doc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rows_are_the_macro_table),
        cmocka_unit_test(out_of_range_and_unknown_columns_are_null),
        cmocka_unit_test(the_table_hangs_together),
        cmocka_unit_test(contract_integers_read_as_int64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
