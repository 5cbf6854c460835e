/* libfoil's operation table against openapi.json: every path and method of the
 * contract is implemented, nothing extra, with the official operationId, and
 * operations the spec secures with a bearer token send one. */
#include "foil_test.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cJSON *load_spec(void) {
    char path[4096];
    snprintf(path, sizeof path, "%s/openapi.json", foil_test_spec_dir());
    char *text = foil_test_read_file(path, NULL);
    assert_non_null(text);
    cJSON *spec = cJSON_Parse(text);
    free(text);
    assert_non_null(spec);
    return spec;
}

static void upper(char *dst, const char *src, size_t cap) {
    size_t i = 0;
    for (; src[i] && i + 1 < cap; i++)
        dst[i] = (char)toupper((unsigned char)src[i]);
    dst[i] = '\0';
}

static bool is_http_method(const char *key) {
    static const char *const methods[] = {"get",    "post", "put",     "patch",
                                          "delete", "head", "options", "trace"};
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (strcmp(key, methods[i]) == 0) return true;
    return false;
}

/* Index of the libfoil operation with this method and path, or -1. */
static long find_operation(const char *method, const char *path) {
    for (size_t i = 0; i < foil_operation_count(); i++)
        if (strcmp(foil_operation_method(i), method) == 0 &&
            strcmp(foil_operation_path(i), path) == 0)
            return (long)i;
    return -1;
}

static void table_matches_spec(void **state) {
    (void)state;
    cJSON *spec = load_spec();
    const cJSON *paths = cJSON_GetObjectItemCaseSensitive(spec, "paths");
    assert_true(cJSON_IsObject(paths));
    size_t count = foil_operation_count();
    bool *seen = calloc(count, sizeof *seen);
    assert_non_null(seen);
    size_t spec_ops = 0, missing = 0;
    const cJSON *path_item, *op;
    cJSON_ArrayForEach(path_item, paths) {
        cJSON_ArrayForEach(op, path_item) {
            if (!is_http_method(op->string)) continue;
            spec_ops++;
            char method[16];
            upper(method, op->string, sizeof method);
            long i = find_operation(method, path_item->string);
            if (i < 0) {
                print_message("missing from libfoil: %s %s\n", method, path_item->string);
                missing++;
                continue;
            }
            assert_false(seen[i]);
            seen[i] = true;
            const cJSON *op_id = cJSON_GetObjectItemCaseSensitive(op, "operationId");
            assert_true(cJSON_IsString(op_id));
            assert_string_equal(foil_operation_name((size_t)i), op_id->valuestring);
            /* An explicit bearer requirement in the spec means libfoil sends a token. */
            const cJSON *security = cJSON_GetObjectItemCaseSensitive(op, "security");
            if (cJSON_GetArraySize(security) > 0)
                assert_string_not_equal(foil_operation_auth((size_t)i), "none");
        }
    }
    size_t extra = 0;
    for (size_t i = 0; i < count; i++) {
        if (seen[i]) continue;
        print_message("not in openapi.json: %s %s\n", foil_operation_method(i),
                      foil_operation_path(i));
        extra++;
    }
    print_message("%zu of %zu operations\n", spec_ops - missing, spec_ops);
    assert_int_equal(missing, 0);
    assert_int_equal(extra, 0);
    assert_int_equal(count, spec_ops);
    free(seen);
    cJSON_Delete(spec);
}

static void table_out_of_range(void **state) {
    (void)state;
    size_t n = foil_operation_count();
    assert_null(foil_operation_method(n));
    assert_null(foil_operation_path(n));
    assert_null(foil_operation_name(n));
    assert_null(foil_operation_auth(n));
}

int main(void) {
    int skip = foil_test_require_spec("test_operations");
    if (skip) return skip;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_matches_spec),
        cmocka_unit_test(table_out_of_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
