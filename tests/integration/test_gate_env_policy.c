/* Issue 10, defect 4: delivered output names that are not env-var names ("\n", '=',
 * spaces, a leading digit) are refused by the Gate session itself ("invalid_name"), so a
 * naive KEY=value writer in any language can never be made to write another variable. */
#include "foil_test.h"

#include "foil_emulator.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static void invalid_names_are_refused_by_the_session(void **state) {
    (void)state;
    foil_emulator_t *emu = NULL;
    foil_emulator_config_t cfg;
    foil_emulator_config_init(&cfg);
    FOIL_ASSERT_OK(foil_emulator_start(&cfg, &emu));
    foil_emulator_service_t svc = {
        .id = "acme",
        .name = "Acme",
        .outputs_json = "{\"GOOD_KEY\":\"ok\",\"X\\nLD_PRELOAD\":\"/tmp/evil.so\","
                        "\"A=B\":\"v\",\"A B\":\"v\",\"1X\":\"v\",\" PAD \":\"v\","
                        "\"_under\":\"v\",\"LD_PRELOAD\":\"/tmp/evil.so\"}",
        .dashboard_login_url = "https://acme.example/login",
    };
    FOIL_ASSERT_OK(foil_emulator_add_service(emu, &svc));
    foil_client_t *c = NULL;
    FOIL_ASSERT_OK(foil_client_new(&c));
    FOIL_ASSERT_OK(foil_client_set_base_url(c, foil_emulator_base_url(emu)));
    foil_gate_session_t *s = NULL;
    FOIL_ASSERT_OK(foil_gate_session_create(c, "acme", "proj", NULL, &s));
    FOIL_ASSERT_OK(foil_emulator_approve(emu, foil_gate_session_id(s)));
    FOIL_ASSERT_OK(foil_gate_session_wait(s, 5000, 20, NULL, NULL));

    assert_string_equal(foil_gate_session_output(s, "GOOD_KEY"), "ok");
    assert_string_equal(foil_gate_session_output(s, "_under"), "v");
    const char *invalid[] = {"X\nLD_PRELOAD", "A=B", "A B", "1X", " PAD "};
    size_t invalid_seen = 0, blocked_seen = 0;
    for (size_t i = 0; i < foil_gate_session_refused_count(s); i++) {
        const char *key = foil_gate_session_refused_key(s, i);
        const char *why = foil_gate_session_refused_reason(s, i);
        if (strcmp(key, "LD_PRELOAD") == 0) {
            assert_string_equal(why, "blocked");
            blocked_seen++;
            continue;
        }
        bool listed = false;
        for (size_t j = 0; j < sizeof invalid / sizeof *invalid; j++)
            listed = listed || strcmp(key, invalid[j]) == 0;
        if (!listed) fail_msg("unexpected refusal of %s (%s)", key, why);
        assert_string_equal(why, "invalid_name");
        invalid_seen++;
    }
    assert_int_equal(invalid_seen, 5);
    assert_int_equal(blocked_seen, 1);
    for (size_t i = 0; i < foil_gate_session_output_count(s); i++)
        assert_int_equal(foil_env_key_is_valid_name(foil_gate_session_output_key(s, i)), 1);

    foil_gate_session_free(s);
    foil_client_free(c);
    foil_emulator_stop(emu);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(invalid_names_are_refused_by_the_session),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
