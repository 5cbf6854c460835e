/* Gate env-var policy against fixtures/gate-delivery/env-policy.json, plus edge cases. */
#include "foil_test.h"

#include <string.h>

static cJSON *policy;

static const cJSON *cases_of(const char *name) {
    const cJSON *cases = cJSON_GetObjectItemCaseSensitive(policy, name);
    assert_true(cJSON_IsArray(cases));
    assert_true(cJSON_GetArraySize(cases) > 0);
    return cases;
}

static const char *string_of(const cJSON *c, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, key);
    assert_true(cJSON_IsString(v));
    return v->valuestring;
}

static int bool_of(const cJSON *c, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, key);
    assert_true(cJSON_IsBool(v));
    return cJSON_IsTrue(v) ? 1 : 0;
}

static void fixture_agent_token_env_keys(void **state) {
    (void)state;
    const cJSON *c;
    cJSON_ArrayForEach(c, cases_of("derive_agent_token_env_key")) {
        char *key = NULL;
        FOIL_ASSERT_OK(foil_gate_agent_token_env_key(string_of(c, "service_id"), &key));
        assert_string_equal(key, string_of(c, "expected"));
        foil_string_free(key);
    }
}

static void fixture_gate_managed_keys(void **state) {
    (void)state;
    const cJSON *c;
    cJSON_ArrayForEach(c, cases_of("is_gate_managed_env_var_key")) {
        assert_int_equal(foil_env_key_is_gate_managed(string_of(c, "key")), bool_of(c, "managed"));
    }
}

static void fixture_blocked_keys(void **state) {
    (void)state;
    const cJSON *c;
    cJSON_ArrayForEach(c, cases_of("is_blocked_gate_env_var_key")) {
        assert_int_equal(foil_env_key_is_blocked(string_of(c, "key")), bool_of(c, "blocked"));
    }
}

static void agent_token_key_normalisation(void **state) {
    (void)state;
    const struct {
        const char *service_id, *expected;
    } cases[] = {
        {"  acme--prod  ", "ACME_PROD_GATE_AGENT_TOKEN"},
        {"__a__b__", "A_B_GATE_AGENT_TOKEN"},
        {"my.svc v2", "MY_SVC_V2_GATE_AGENT_TOKEN"},
        {"caf\xc3\xa9-x", "CAF_X_GATE_AGENT_TOKEN"},
        {"x", "X_GATE_AGENT_TOKEN"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *key = NULL;
        FOIL_ASSERT_OK(foil_gate_agent_token_env_key(cases[i].service_id, &key));
        assert_string_equal(key, cases[i].expected);
        foil_string_free(key);
    }
    const char *bad[] = {"", "   ", "--__--", "\xc3\xa9"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *key = (char *)1;
        assert_int_equal(foil_gate_agent_token_env_key(bad[i], &key), FOIL_E_INVALID_ARGUMENT);
        assert_null(key);
        assert_string_equal(foil_error_field_name(foil_last_error(), 0), "service_id");
    }
    char *key = (char *)1;
    assert_int_equal(foil_gate_agent_token_env_key(NULL, &key), FOIL_E_INVALID_ARGUMENT);
    assert_null(key);
    assert_int_equal(foil_gate_agent_token_env_key("foil", NULL), FOIL_E_INVALID_ARGUMENT);
}

static void blocked_keys_are_normalised(void **state) {
    (void)state;
    const char *blocked[] = {
        "path",         " PATH ",      "ld_preload", "LD_PRELOAD\n",    "GIT_CONFIG_GLOBAL",
        "bun_config_x", "NPM_CONFIG_", "Home",       "XDG_CONFIG_HOME", "ENV"};
    for (size_t i = 0; i < sizeof blocked / sizeof *blocked; i++)
        assert_int_equal(foil_env_key_is_blocked(blocked[i]), 1);
    const char *allowed[] = {"PATHS", "MY_PATH",         "ENVIRONMENT", "NPM_TOKEN",
                             "",      "FOIL_SECRET_KEY", "GIT_CONFIG",  "HOMEPAGE_URL"};
    for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++)
        assert_int_equal(foil_env_key_is_blocked(allowed[i]), 0);
    assert_int_equal(foil_env_key_is_blocked(NULL), 0);
}

static void gate_managed_keys_are_normalised(void **state) {
    (void)state;
    assert_int_equal(foil_env_key_is_gate_managed("acme_gate_agent_token"), 1);
    assert_int_equal(foil_env_key_is_gate_managed(" FOIL_AGENT_TOKEN "), 1);
    assert_int_equal(foil_env_key_is_gate_managed("_GATE_AGENT_TOKEN"), 1);
    assert_int_equal(foil_env_key_is_gate_managed("GATE_AGENT_TOKEN"), 0);
    assert_int_equal(foil_env_key_is_gate_managed("FOIL_AGENT_TOKEN_2"), 0);
    assert_int_equal(foil_env_key_is_gate_managed(""), 0);
    assert_int_equal(foil_env_key_is_gate_managed(NULL), 0);
}

static int setup(void **state) {
    (void)state;
    policy = foil_test_fixture("gate-delivery/env-policy.json");
    return policy ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    cJSON_Delete(policy);
    return 0;
}

int main(void) {
    int skip = foil_test_require_spec("test_env_policy");
    if (skip) return skip;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixture_agent_token_env_keys),
        cmocka_unit_test(fixture_gate_managed_keys),
        cmocka_unit_test(fixture_blocked_keys),
        cmocka_unit_test(agent_token_key_normalisation),
        cmocka_unit_test(blocked_keys_are_normalised),
        cmocka_unit_test(gate_managed_keys_are_normalised),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
