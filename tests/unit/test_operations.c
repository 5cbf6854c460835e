/* libfoil's operation table against openapi.json: every path and method of the
 * contract is implemented, nothing extra, with the official operationId, and
 * operations the spec secures with a bearer token send one. Each operation's
 * parameter description (foil_operation_params) matches the spec's path, query and
 * body parameters, and SDK names are unique and well formed. */
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

/* $ref resolution within the spec ("#/components/..."). */
static const cJSON *resolve(const cJSON *spec, const cJSON *node) {
    for (int depth = 0; depth < 8 && node; depth++) {
        const cJSON *ref = cJSON_GetObjectItemCaseSensitive(node, "$ref");
        if (!cJSON_IsString(ref)) return node;
        char path[256];
        snprintf(path, sizeof path, "%s", ref->valuestring + 2); /* skip "#/" */
        const cJSON *cur = spec;
        for (char *save = NULL, *part = strtok_r(path, "/", &save); part && cur;
             part = strtok_r(NULL, "/", &save))
            cur = cJSON_GetObjectItemCaseSensitive(cur, part);
        node = cur;
    }
    return node;
}

/* "gateSessionId" -> "gate_session_id" */
static void snake(char *dst, const char *src, size_t cap) {
    size_t n = 0;
    for (; *src && n + 2 < cap; src++) {
        if (isupper((unsigned char)*src)) {
            dst[n++] = '_';
            dst[n++] = (char)tolower((unsigned char)*src);
        } else {
            dst[n++] = *src;
        }
    }
    dst[n] = '\0';
}

/* The description entry named `name` in `where`, or NULL. */
static const cJSON *described(const cJSON *params, const char *name, const char *where) {
    const cJSON *p;
    cJSON_ArrayForEach(p, params) {
        if (strcmp(cJSON_GetObjectItem(p, "name")->valuestring, name) == 0 &&
            strcmp(cJSON_GetObjectItem(p, "in")->valuestring, where) == 0)
            return p;
    }
    return NULL;
}

/* The schema's JSON type, and whether it admits null ({"type": ["string", "null"]},
 * anyOf/oneOf with a null branch). */
static const char *schema_type(const cJSON *spec, const cJSON *schema, bool *nullable) {
    schema = resolve(spec, schema);
    *nullable = false;
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(schema, "type");
    if (cJSON_IsString(type)) return type->valuestring;
    const char *found = NULL;
    const cJSON *t;
    if (cJSON_IsArray(type)) {
        cJSON_ArrayForEach(t, type) {
            if (strcmp(t->valuestring, "null") == 0)
                *nullable = true;
            else
                found = t->valuestring;
        }
        return found;
    }
    const cJSON *any = cJSON_GetObjectItemCaseSensitive(schema, "anyOf");
    if (!any) any = cJSON_GetObjectItemCaseSensitive(schema, "oneOf");
    cJSON_ArrayForEach(t, any) {
        bool n = false;
        const char *ty = schema_type(spec, t, &n);
        if (ty && strcmp(ty, "null") == 0)
            *nullable = true;
        else if (ty)
            found = ty;
    }
    return found;
}

static void check_params(const cJSON *spec, size_t i, const cJSON *path_item, const cJSON *op) {
    const char *text = foil_operation_params(i);
    assert_non_null(text);
    cJSON *params = cJSON_Parse(text);
    assert_true(cJSON_IsArray(params));
    const char *sdk = foil_operation_sdk_name(i);
    size_t matched = 0;
    const cJSON *p;
    /* Path and query parameters (path-level ones first, as OpenAPI merges them). */
    const cJSON *lists[] = {cJSON_GetObjectItemCaseSensitive(path_item, "parameters"),
                            cJSON_GetObjectItemCaseSensitive(op, "parameters")};
    size_t path_index = 0;
    for (size_t l = 0; l < 2; l++) {
        const cJSON *raw;
        cJSON_ArrayForEach(raw, lists[l]) {
            const cJSON *sp = resolve(spec, raw);
            const char *in = cJSON_GetObjectItem(sp, "in")->valuestring;
            if (strcmp(in, "path") != 0 && strcmp(in, "query") != 0) continue;
            char name[64];
            snake(name, cJSON_GetObjectItem(sp, "name")->valuestring, sizeof name);
            const cJSON *d = described(params, name, in);
            if (!d) fail_msg("%s: %s parameter %s is not described", sdk, in, name);
            bool nullable = false;
            const char *type =
                schema_type(spec, cJSON_GetObjectItemCaseSensitive(sp, "schema"), &nullable);
            assert_string_equal(cJSON_GetObjectItem(d, "type")->valuestring, type);
            assert_int_equal(cJSON_IsTrue(cJSON_GetObjectItem(d, "required")),
                             cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sp, "required")));
            if (strcmp(in, "path") == 0) {
                /* Path parameters come first in the description, in template order. */
                const cJSON *nth = cJSON_GetArrayItem(params, (int)path_index++);
                assert_ptr_equal(nth, d);
            }
            matched++;
        }
    }
    /* Body members. */
    const cJSON *body = resolve(spec, cJSON_GetObjectItemCaseSensitive(op, "requestBody"));
    const cJSON *schema = NULL;
    if (body) {
        const cJSON *content = cJSON_GetObjectItemCaseSensitive(body, "content");
        schema = resolve(
            spec, cJSON_GetObjectItemCaseSensitive(
                      cJSON_GetObjectItemCaseSensitive(content, "application/json"), "schema"));
        const cJSON *required = cJSON_GetObjectItemCaseSensitive(schema, "required");
        const cJSON *prop;
        cJSON_ArrayForEach(prop, cJSON_GetObjectItemCaseSensitive(schema, "properties")) {
            const cJSON *d = described(params, prop->string, "body");
            if (!d) fail_msg("%s: body member %s is not described", sdk, prop->string);
            bool nullable = false;
            const char *type = schema_type(spec, prop, &nullable);
            assert_string_equal(cJSON_GetObjectItem(d, "type")->valuestring, type);
            assert_int_equal(cJSON_IsTrue(cJSON_GetObjectItem(d, "nullable")), nullable);
            bool is_required = false;
            const cJSON *r;
            cJSON_ArrayForEach(r, required) {
                if (strcmp(r->valuestring, prop->string) == 0) is_required = true;
            }
            assert_int_equal(cJSON_IsTrue(cJSON_GetObjectItem(d, "required")), is_required);
            matched++;
        }
    }
    /* The bearer token of poll / agent operations. */
    const char *auth = foil_operation_auth(i);
    if (strcmp(auth, "poll_token") == 0 || strcmp(auth, "agent_token") == 0) {
        const cJSON *d = described(params, auth, "token");
        if (!d) fail_msg("%s: no %s token parameter", sdk, auth);
        assert_true(cJSON_IsTrue(cJSON_GetObjectItem(d, "required")));
        assert_true(cJSON_IsTrue(cJSON_GetObjectItem(d, "secret")));
        matched++;
    }
    /* Anything else is limit / cursor of a list whose spec omits them (libfoil pages
     * every list the emulator and API page). */
    cJSON_ArrayForEach(p, params) {
        const char *name = cJSON_GetObjectItem(p, "name")->valuestring;
        const char *in = cJSON_GetObjectItem(p, "in")->valuestring;
        assert_true(cJSON_IsBool(cJSON_GetObjectItem(p, "nullable")));
        assert_true(cJSON_IsBool(cJSON_GetObjectItem(p, "secret")));
        if (strcmp(in, "token") == 0 || strcmp(in, "body") == 0 || strcmp(in, "path") == 0)
            continue;
        char spec_name[64];
        bool in_spec = false;
        for (size_t l = 0; l < 2; l++) {
            const cJSON *raw;
            cJSON_ArrayForEach(raw, lists[l]) {
                snake(spec_name, cJSON_GetObjectItem(resolve(spec, raw), "name")->valuestring,
                      sizeof spec_name);
                if (strcmp(spec_name, name) == 0) in_spec = true;
            }
        }
        if (!in_spec) {
            assert_true(strcmp(name, "limit") == 0 || strcmp(name, "cursor") == 0);
            print_message("%s: %s is not in openapi.json (a list libfoil pages)\n", sdk, name);
            matched++;
        }
    }
    assert_int_equal(matched, (size_t)cJSON_GetArraySize(params));
    /* Paginated lists are exactly those with a cursor. */
    assert_int_equal(foil_operation_paginated(i), described(params, "cursor", "query") != NULL);
    cJSON_Delete(params);
}

static void params_match_spec(void **state) {
    (void)state;
    cJSON *spec = load_spec();
    const cJSON *paths = cJSON_GetObjectItemCaseSensitive(spec, "paths");
    const cJSON *path_item, *op;
    size_t checked = 0;
    cJSON_ArrayForEach(path_item, paths) {
        cJSON_ArrayForEach(op, path_item) {
            if (!is_http_method(op->string)) continue;
            char method[16];
            upper(method, op->string, sizeof method);
            long i = find_operation(method, path_item->string);
            assert_true(i >= 0);
            check_params(spec, (size_t)i, path_item, op);
            checked++;
        }
    }
    assert_int_equal(checked, foil_operation_count());
    cJSON_Delete(spec);
}

/* SDK names: unique, lowercase words joined by '.', at least namespace.method. */
static void sdk_names(void **state) {
    (void)state;
    size_t n = foil_operation_count();
    size_t paginated = 0;
    for (size_t i = 0; i < n; i++) {
        const char *name = foil_operation_sdk_name(i);
        assert_non_null(name);
        assert_non_null(strchr(name, '.'));
        for (const char *c = name; *c; c++)
            assert_true(islower((unsigned char)*c) || *c == '_' || *c == '.');
        assert_int_not_equal(name[0], '.');
        assert_int_not_equal(name[strlen(name) - 1], '.');
        assert_null(strstr(name, ".."));
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(foil_operation_sdk_name(j), name);
        paginated += (size_t)foil_operation_paginated(i);
    }
    assert_int_equal(paginated, 5);
    assert_string_equal(foil_operation_params(0),
                        "[{\"name\":\"limit\",\"in\":\"query\",\"type\":\"integer\","
                        "\"required\":false,\"nullable\":false,\"secret\":false},"
                        "{\"name\":\"cursor\",\"in\":\"query\",\"type\":\"string\","
                        "\"required\":false,\"nullable\":false,\"secret\":false},"
                        "{\"name\":\"verdict\",\"in\":\"query\",\"type\":\"string\","
                        "\"required\":false,\"nullable\":false,\"secret\":false},"
                        "{\"name\":\"search\",\"in\":\"query\",\"type\":\"string\","
                        "\"required\":false,\"nullable\":false,\"secret\":false}]");
}

/* The schema name a "#/components/schemas/X" reference points at. */
static const char *ref_name(const cJSON *schema) {
    const char *ref = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(schema, "$ref"));
    const char *slash = ref ? strrchr(ref, '/') : NULL;
    return slash ? slash + 1 : NULL;
}

/* foil_operation_result_model(i) names the model whose contract schema is the 2xx
 * response's `data` (each item's, for a list); NULL exactly for a 204. */
static void result_models_match_spec(void **state) {
    (void)state;
    cJSON *spec = load_spec();
    const cJSON *paths = cJSON_GetObjectItemCaseSensitive(spec, "paths");
    const cJSON *schemas = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(spec, "components"), "schemas");
    const cJSON *path_item, *op, *response;
    size_t checked = 0;
    cJSON_ArrayForEach(path_item, paths) {
        cJSON_ArrayForEach(op, path_item) {
            if (!is_http_method(op->string)) continue;
            char method[16];
            upper(method, op->string, sizeof method);
            long i = find_operation(method, path_item->string);
            assert_true(i >= 0);
            const char *model = foil_operation_result_model((size_t)i);
            const char *data_schema = NULL;
            cJSON_ArrayForEach(response, cJSON_GetObjectItemCaseSensitive(op, "responses")) {
                if (response->string[0] != '2') continue;
                const cJSON *body = cJSON_GetObjectItemCaseSensitive(
                    cJSON_GetObjectItemCaseSensitive(
                        cJSON_GetObjectItemCaseSensitive(response, "content"), "application/json"),
                    "schema");
                const cJSON *envelope = cJSON_GetObjectItemCaseSensitive(schemas, ref_name(body));
                const cJSON *data = cJSON_GetObjectItemCaseSensitive(
                    cJSON_GetObjectItemCaseSensitive(envelope, "properties"), "data");
                const cJSON *items = cJSON_GetObjectItemCaseSensitive(data, "items");
                data_schema = ref_name(items ? items : data);
            }
            if (!data_schema) {
                assert_null(model); /* no content */
            } else {
                assert_non_null(model);
                size_t m = 0;
                while (m < foil_model_count() && strcmp(foil_model_info(m, "object"), model) != 0)
                    m++;
                assert_true(m < foil_model_count());
                if (strcmp(foil_model_info(m, "schema"), data_schema) != 0)
                    fail_msg("%s returns %s, its model %s is %s",
                             foil_operation_sdk_name((size_t)i), data_schema, model,
                             foil_model_info(m, "schema"));
            }
            checked++;
        }
    }
    assert_int_equal(checked, foil_operation_count());
    assert_string_equal(foil_operation_result_model(0), "session");
    cJSON_Delete(spec);
}

static void table_out_of_range(void **state) {
    (void)state;
    size_t n = foil_operation_count();
    assert_null(foil_operation_method(n));
    assert_null(foil_operation_path(n));
    assert_null(foil_operation_name(n));
    assert_null(foil_operation_auth(n));
    assert_null(foil_operation_sdk_name(n));
    assert_null(foil_operation_params(n));
    assert_int_equal(foil_operation_paginated(n), 0);
    assert_null(foil_operation_result_model(n));
}

int main(void) {
    int skip = foil_test_require_spec("test_operations");
    if (skip) return skip;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_matches_spec), cmocka_unit_test(params_match_spec),
        cmocka_unit_test(sdk_names),          cmocka_unit_test(result_models_match_spec),
        cmocka_unit_test(table_out_of_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
