/* The contract's value sets (foil/contract.h) against openapi.json: each list is exactly
 * the spec's enum, in the spec's order, so the core, the emulator and the bindings that
 * read them agree with the contract. */
#include "foil_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cJSON *spec;

static int load(void **state) {
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/openapi.json", foil_test_spec_dir());
    char *text = foil_test_read_file(path, NULL);
    if (!text) return -1;
    spec = cJSON_Parse(text);
    free(text);
    return spec ? 0 : -1;
}

static int unload(void **state) {
    (void)state;
    cJSON_Delete(spec);
    return 0;
}

/* The enum at a slash-separated path under the spec root. */
static const cJSON *spec_enum(const char *path) {
    char buf[512];
    snprintf(buf, sizeof buf, "%s", path);
    const cJSON *node = spec;
    for (char *part = strtok(buf, "/"); part && node; part = strtok(NULL, "/"))
        node = cJSON_IsArray(node) ? cJSON_GetArrayItem(node, atoi(part))
                                   : cJSON_GetObjectItemCaseSensitive(node, part);
    return cJSON_GetObjectItemCaseSensitive(node, "enum");
}

static void check_set(foil_value_set_t set, const char *path) {
    const cJSON *values = spec_enum(path);
    assert_non_null(values);
    const char *const *ours = foil_contract_values(set);
    assert_non_null(ours);
    size_t n = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, values) {
        assert_non_null(ours[n]);
        assert_string_equal(ours[n], v->valuestring);
        assert_string_equal(foil_contract_value(set, n), v->valuestring);
        n++;
    }
    assert_null(ours[n]);
    assert_null(foil_contract_value(set, n));
}

static void sets_match_the_spec(void **state) {
    (void)state;
    check_set(FOIL_VALUES_API_KEY_SCOPE,
              "components/schemas/CreateApiKeyRequest/properties/scopes/items");
    check_set(FOIL_VALUES_API_KEY_TYPE, "components/schemas/CreateApiKeyRequest/properties/type");
    check_set(FOIL_VALUES_API_KEY_ENVIRONMENT, "components/schemas/ApiKeyEnvironment");
    check_set(FOIL_VALUES_SESSION_VERDICT, "components/schemas/Verdict");
    check_set(FOIL_VALUES_ORGANIZATION_STATUS, "components/schemas/OrganizationStatus");
    check_set(FOIL_VALUES_WEBHOOK_EVENT_TYPE, "components/schemas/WebhookDeliveryEventType");
    check_set(FOIL_VALUES_WEBHOOK_SUBSCRIBABLE, "components/schemas/WebhookEventType");
}

static void unknown_sets_and_the_reserved_ids(void **state) {
    (void)state;
    assert_null(foil_contract_values((foil_value_set_t)999));
    assert_null(foil_contract_value((foil_value_set_t)-1, 0));
    /* Not an enum in the spec (a rule of the service-id pattern): spot-check it. */
    assert_string_equal(foil_contract_value(FOIL_VALUES_GATE_RESERVED_SERVICE_ID, 0), "gate");
}

int main(void) {
    int skip = foil_test_require_spec("test_contract_values");
    if (skip) return skip;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sets_match_the_spec),
        cmocka_unit_test(unknown_sets_and_the_reserved_ids),
    };
    return cmocka_run_group_tests(tests, load, unload);
}
