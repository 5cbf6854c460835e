/* Projected parse (json_projection.h, foil_json_arena_parse_projected): the items of a
 * list's "data" keep only the projection's paths, and every byte is still checked. */
#include "foil_test.h"

#include "json/json_arena.h"
#include "json/json_projection.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static foil_json_projection_t *compile(const char *paths_json) {
    foil_json_projection_t *p = NULL;
    FOIL_ASSERT_OK(foil_json_projection_new(paths_json, &p));
    return p;
}

/* The tree printed by cJSON (unformatted), for whole-document comparisons. */
static char *projected_text(const char *paths_json, const char *text) {
    foil_json_projection_t *p = compile(paths_json);
    foil_json_arena_t *arena = NULL;
    cJSON *root = NULL;
    FOIL_ASSERT_OK(foil_json_arena_parse_projected(text, strlen(text), p, &arena, &root));
    char *printed = cJSON_PrintUnformatted(root);
    assert_non_null(printed);
    foil_json_arena_free(arena, false);
    foil_json_projection_free(p);
    return printed;
}

static void keeps_only_the_paths_of_each_item(void **state) {
    (void)state;
    const char *page =
        "{\"data\": [{\"object\": \"session\", \"id\": \"sid_1\", \"tags\": [1, {\"x\": 2}],"
        " \"latest_decision\": {\"event_id\": \"e1\", \"verdict\": \"human\", \"risk\": 3,"
        " \"m\": {\"verdict\": \"low\"}}},"
        " {\"id\": \"sid_2\", \"latest_decision\": null},"
        " {\"latest_decision\": \"odd\"}, 7, [\"id\"]],"
        " \"pagination\": {\"has_more\": true, \"next_cursor\": \"c2\"}, \"meta\": {\"id\": 1}}";
    char *got = projected_text("[\"id\", \"latest_decision.verdict\"]", page);
    /* the order of the text; null and non-objects on a path kept as they are; elements that
     * are not objects, and everything outside "data", whole */
    assert_string_equal(got, "{\"data\":[{\"id\":\"sid_1\",\"latest_decision\":{\"verdict\":"
                             "\"human\"}},{\"id\":\"sid_2\",\"latest_decision\":null},"
                             "{\"latest_decision\":\"odd\"},7,[\"id\"]],\"pagination\":"
                             "{\"has_more\":true,\"next_cursor\":\"c2\"},\"meta\":{\"id\":1}}");
    free(got);
    /* a path and a longer one under it: the whole value */
    got = projected_text("[\"latest_decision.m.verdict\", \"latest_decision.m\"]", page);
    assert_string_equal(got, "{\"data\":[{\"latest_decision\":{\"m\":{\"verdict\":\"low\"}}},"
                             "{\"latest_decision\":null},{\"latest_decision\":\"odd\"},7,"
                             "[\"id\"]],\"pagination\":{\"has_more\":true,\"next_cursor\":"
                             "\"c2\"},\"meta\":{\"id\":1}}");
    free(got);
    /* escaped member names match their decoded form */
    got = projected_text("[\"id\"]", "{\"data\": [{\"\\u0069d\": \"x\", \"other\": 1}]}");
    assert_string_equal(got, "{\"data\":[{\"id\":\"x\"}]}");
    free(got);
    /* not a list: as the whole parse */
    got = projected_text("[\"id\"]", "{\"id\": 1, \"object\": \"session\"}");
    assert_string_equal(got, "{\"id\":1,\"object\":\"session\"}");
    free(got);
}

/* Each of these is refused by the whole parse; the projected parse must refuse it with the
 * same message although nothing of the bad part is built. */
static void checks_what_it_does_not_build(void **state) {
    (void)state;
    const char *bad[] = {
        "{\"data\": [{\"id\": 1, \"skipped\": \"\\u0000\"}]}",
        "{\"data\": [{\"id\": 1, \"skipped\": \"\xC0\xAF\"}]}",
        "{\"data\": [{\"id\": 1, \"skipped\": {\"deeper\": [\"\xED\xA0\x80\"]}}]}",
        "{\"data\": [{\"id\": 1, \"skipped\": 1\xC3\xA9}]}",
        "{\"data\": [{\"id\": 1, \"skipped\": {\"a\": 1, \"a\": 2}}]}",
        "{\"data\": [{\"id\": 1, \"skipped\": 1, \"skipped\": 2}]}",
        "{\"data\": [{\"id\": 1, \"s\": 1, \"\\u0073\": 2}]}",
        "{\"data\": [{\"id\": 1, \"id\": 2}]}",
        "{\"data\": [{\"id\": 1, \"skipped\": [01]}]}",
        "{\"data\": [{\"id\": 1, \"skipped\": [1,]}]}",
        "{\"data\": [{\"id\": 1, \"skipped\": tru}]}",
        "{\"data\": [{\"id\": 1, \"skipped\": {\"a\" 1}}]}",
        "{\"data\": [{\"id\": 1, \"skipped\": \"\\x\"}]}",
        "{\"data\": [{\"id\": 1}], \"data\": []}",
    };
    foil_json_projection_t *p = compile("[\"id\"]");
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        foil_json_arena_t *arena = NULL;
        cJSON *root = NULL;
        assert_int_equal(foil_json_arena_parse(bad[i], strlen(bad[i]), &arena, &root),
                         FOIL_E_PROTOCOL);
        char whole[256];
        snprintf(whole, sizeof whole, "%s", foil_error_message(foil_last_error()));
        assert_int_equal(foil_json_arena_parse_projected(bad[i], strlen(bad[i]), p, &arena, &root),
                         FOIL_E_PROTOCOL);
        assert_null(root);
        assert_string_equal(foil_error_message(foil_last_error()), whole);
    }
    foil_json_projection_free(p);
}

/* A wide skipped object (past the linear walk, into the hash set) still refuses a name
 * given twice, and accepts distinct names. */
static void checks_names_of_wide_skipped_objects(void **state) {
    (void)state;
    char text[4096];
    for (int twice = 0; twice < 2; twice++) {
        size_t n = (size_t)snprintf(text, sizeof text, "{\"data\": [{\"id\": 1, \"w\": {");
        for (int i = 0; i < 100; i++)
            n += (size_t)snprintf(text + n, sizeof text - n, "%s\"k%d\": %d", i ? ", " : "",
                                  twice && i == 99 ? 7 : i, i);
        snprintf(text + n, sizeof text - n, "}}]}");
        foil_json_projection_t *p = compile("[\"id\"]");
        foil_json_arena_t *arena = NULL;
        cJSON *root = NULL;
        foil_status_t st = foil_json_arena_parse_projected(text, strlen(text), p, &arena, &root);
        assert_int_equal(st, twice ? FOIL_E_PROTOCOL : FOIL_OK);
        foil_json_arena_free(arena, false);
        foil_json_projection_free(p);
    }
}

static void refuses_bad_path_lists(void **state) {
    (void)state;
    const char *bad[] = {NULL,     "",         "{}",           "[]",         "[1]",
                         "[\"\"]", "[\"a.\"]", "[\".a\"]",     "[\"a..b\"]", "[\"a\", 2]",
                         "\"id\"", "[\"a\"",   "[\"\\u0000\"]"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        foil_json_projection_t *p = (foil_json_projection_t *)1;
        assert_int_equal(foil_json_projection_new(bad[i], &p), FOIL_E_INVALID_ARGUMENT);
        assert_null(p);
    }
    char deep[200] = "[\"a";
    for (int i = 0; i < 64; i++)
        strcat(deep, ".a");
    strcat(deep, "\"]");
    foil_json_projection_t *p = NULL;
    assert_int_equal(foil_json_projection_new(deep, &p), FOIL_E_INVALID_ARGUMENT);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keeps_only_the_paths_of_each_item),
        cmocka_unit_test(checks_what_it_does_not_build),
        cmocka_unit_test(checks_names_of_wide_skipped_objects),
        cmocka_unit_test(refuses_bad_path_lists),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
