/* A Gate signup resumed from its export, against the embedded emulator: exports edited by an
 * attacker (typed errors, no secret in any message, no copy of the key left in freed memory),
 * and the exactly-once delivery across crashes and concurrent writers (the delivery is served
 * until acknowledged; after the ack every poll and ack is FOIL_E_GONE). */
#define _GNU_SOURCE /* memmem, strndup */
#include "foil_test.h"

#include "emulator_env.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef emulator_env_t env;

/* The integration fixture plus the service every signup here is for. */
static int setup(void **state) {
    if (emulator_env_setup(state) != 0) return -1;
    env *e = *state;
    foil_emulator_service_t acme = {
        .id = "acme", .name = "Acme", .outputs_json = "{\"ACME_API_KEY\":\"ak_test_123\"}"};
    assert_int_equal(foil_emulator_add_service(e->emu, &acme), FOIL_OK);
    return 0;
}

/* A fresh pending session's export (free with foil_string_free). */
static char *fresh_export(env *e) {
    foil_gate_session_t *s = NULL;
    FOIL_ASSERT_OK(foil_gate_session_create(e->client, "acme", "my-project", NULL, &s));
    char *saved = NULL;
    FOIL_ASSERT_OK(foil_gate_session_export(s, &saved));
    foil_gate_session_free(s);
    return saved;
}

static const char *member(const cJSON *obj, const char *name) {
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, name);
    assert_true(cJSON_IsString(m));
    return m->valuestring;
}

/* The export with `name` replaced by the raw JSON `value` (NULL: removed). */
static char *edited(const char *saved, const char *name, const char *value) {
    cJSON *obj = cJSON_Parse(saved);
    assert_non_null(obj);
    cJSON_DeleteItemFromObjectCaseSensitive(obj, name);
    if (value) {
        cJSON *v = cJSON_Parse(value);
        assert_non_null(v);
        cJSON_AddItemToObject(obj, name, v);
    }
    char *text = cJSON_PrintUnformatted(obj);
    cJSON_Delete(obj);
    return text;
}

/* Text spliced in before the closing brace of the export. */
static char *appended(const char *saved, const char *text) {
    size_t n = strlen(saved);
    char *out = malloc(n + strlen(text) + 1);
    memcpy(out, saved, n - 1);
    strcpy(out + n - 1, text);
    return out;
}

/* The import is refused with `want`, and neither the message nor the error's JSON names the
 * key or the poll token. */
static void refused_without_secrets(env *e, const char *text, foil_status_t want, const char *pkcs8,
                                    const char *poll_token) {
    foil_gate_session_t *s = NULL;
    foil_error_t *error = NULL;
    assert_int_equal(foil_gate_session_import_ex(e->client, text, &s, &error), want);
    assert_null(s);
    assert_non_null(error);
    char *json = NULL;
    FOIL_ASSERT_OK(foil_json_serialize(foil_error_json(error), &json));
    assert_null(strstr(json, pkcs8 + 24)); /* past the fixed PKCS#8 prefix */
    assert_null(strstr(json, poll_token));
    foil_string_free(json);
    foil_error_free(error);
}

static void hostile_exports_are_typed_errors(void **state) {
    env *e = *state;
    char *saved = fresh_export(e);
    cJSON *obj = cJSON_Parse(saved);
    char pkcs8[128], poll_token[128];
    snprintf(pkcs8, sizeof pkcs8, "%s", member(obj, "private_key_pkcs8"));
    snprintf(poll_token, sizeof poll_token, "%s", member(obj, "poll_token"));
    cJSON_Delete(obj);

    /* Truncated anywhere: not an export. */
    for (size_t cut = 1; cut < strlen(saved); cut += 7) {
        char *half = strndup(saved, cut);
        refused_without_secrets(e, half, FOIL_E_INVALID_ARGUMENT, pkcs8, poll_token);
        free(half);
    }
    /* Text the library never writes: a member named twice (the second key would be the one a
     * JSON.parse reader uses), a NUL that would end the id early, bytes that are not UTF-8. */
    const char *spliced[] = {
        ",\"private_key_pkcs8\":\"MC4CAQAwBQYDK2VuBCIEIL8KtbBiPaNXyTYwgHfrxlH5RQkpHQ41rwkX77or4_"
        "eV\"}",
        ",\"poll_token\":\"gtpoll_other\"}",
        ",\"note\":\"a\\u0000b\"}",
        ",\"note\":\"\xff\xfe\"}",
    };
    for (size_t i = 0; i < sizeof spliced / sizeof *spliced; i++) {
        char *text = appended(saved, spliced[i]);
        refused_without_secrets(e, text, FOIL_E_INVALID_ARGUMENT, pkcs8, poll_token);
        free(text);
    }
    /* Members of the wrong shape, a version this library does not write, an export made for
     * another API than the client's (its poll token is a credential for that API alone). */
    const char *edits[][2] = {
        {"version", "2"},
        {"version", "\"1\""},
        {"version", NULL},
        {"version", "1.5"},
        {"id", "123"},
        {"id", "\"\""},
        {"poll_token", "null"},
        {"poll_token", "\"\""},
        {"private_key_pkcs8", "\"AAAA\""},
        {"private_key_pkcs8", "7"},
        {"base_url", NULL},
        {"base_url", "\"https://evil.test\""},
        {"expires_at", "\"soon\""},
        {"service_id", "[\"acme\"]"},
    };
    for (size_t i = 0; i < sizeof edits / sizeof *edits; i++) {
        char *text = edited(saved, edits[i][0], edits[i][1]);
        foil_status_t want =
            strcmp(edits[i][0], "expires_at") == 0 ? FOIL_E_PROTOCOL : FOIL_E_INVALID_ARGUMENT;
        refused_without_secrets(e, text, want, pkcs8, poll_token);
        free(text);
    }
    /* Unknown members are ignored, as in every answer of the API. */
    char *text = appended(saved, ",\"note\":\"kept for later\"}");
    foil_gate_session_t *s = NULL;
    FOIL_ASSERT_OK(foil_gate_session_import(e->client, text, &s));
    foil_gate_session_free(s);
    free(text);
    foil_string_free(saved);
}

static void an_export_resumes_only_on_the_api_it_came_from(void **state) {
    env *e = *state;
    char *saved = fresh_export(e);
    foil_client_t *other = NULL;
    FOIL_ASSERT_OK(foil_client_new(&other));
    FOIL_ASSERT_OK(foil_client_set_base_url(other, "http://127.0.0.1:9"));
    foil_gate_session_t *s = NULL;
    assert_int_equal(foil_gate_session_import(other, saved, &s), FOIL_E_INVALID_ARGUMENT);
    assert_null(s);
    assert_non_null(strstr(foil_error_message(foil_last_error()), "base_url"));
    foil_client_free(other);
    /* The same API through another client: resumed. */
    FOIL_ASSERT_OK(foil_client_new(&other));
    FOIL_ASSERT_OK(foil_client_set_base_url(other, foil_emulator_base_url(e->emu)));
    FOIL_ASSERT_OK(foil_gate_session_import(other, saved, &s));
    foil_gate_session_free(s);
    foil_client_free(other);
    foil_string_free(saved);
}

/* Freed blocks of cJSON (the library's JSON trees and printing) that held `needle`. */
static const char *needle;
static int leaks;

static void scanning_free(void *p) {
    if (p && needle && memmem(p, malloc_usable_size(p), needle, strlen(needle))) leaks++;
    free(p);
}

static void no_copy_of_the_key_is_left_in_freed_memory(void **state) {
    env *e = *state;
    foil_gate_session_t *s = NULL;
    FOIL_ASSERT_OK(foil_gate_session_create(e->client, "acme", "my-project", NULL, &s));
    char *pkcs8 = NULL;
    FOIL_ASSERT_OK(foil_delivery_key_pair_export_pkcs8(foil_gate_session_key_pair(s), &pkcs8));
    char tail[24];
    snprintf(tail, sizeof tail, "%s", pkcs8 + 24); /* past the fixed PKCS#8 prefix */
    foil_string_free(pkcs8);
    needle = tail;
    leaks = 0;
    cJSON_Hooks hooks = {malloc, scanning_free};
    cJSON_InitHooks(&hooks);
    char *saved = NULL;
    foil_status_t exported = foil_gate_session_export(s, &saved);
    foil_gate_session_t *resumed = NULL;
    foil_status_t imported = foil_gate_session_import(e->client, saved, &resumed);
    cJSON_InitHooks(NULL);
    needle = NULL;
    assert_int_equal(exported, FOIL_OK);
    assert_int_equal(imported, FOIL_OK);
    assert_int_equal(leaks, 0);
    foil_gate_session_free(resumed);
    foil_string_free(saved);
    foil_gate_session_free(s);
}

static foil_gate_session_t *resume(env *e, const char *saved) {
    foil_gate_session_t *s = NULL;
    FOIL_ASSERT_OK(foil_gate_session_import(e->client, saved, &s));
    return s;
}

static void two_writers_get_the_delivery_and_one_ack_wins(void **state) {
    env *e = *state;
    char *saved = fresh_export(e);
    foil_gate_session_t *a = resume(e, saved), *b = resume(e, saved);
    FOIL_ASSERT_OK(foil_emulator_approve(e->emu, foil_gate_session_id(a)));
    FOIL_ASSERT_OK(foil_gate_session_wait(a, 5000, 20, NULL, NULL));
    FOIL_ASSERT_OK(foil_gate_session_wait(b, 5000, 20, NULL, NULL));
    assert_string_equal(foil_gate_session_output(a, "ACME_API_KEY"), "ak_test_123");
    assert_string_equal(foil_gate_session_output(b, "ACME_API_KEY"), "ak_test_123");
    FOIL_ASSERT_OK(foil_gate_session_ack(a));
    assert_int_equal(foil_gate_session_ack(b), FOIL_E_GONE);
    assert_int_equal(foil_error_http_status(foil_gate_session_error(b)), 410);
    assert_int_equal(foil_gate_session_ack(a), FOIL_E_GONE); /* once is all */
    /* A third process resuming now learns it is over: no outputs, no wait until expiry. */
    foil_gate_session_t *c = resume(e, saved);
    assert_int_equal(foil_gate_session_poll(c), FOIL_E_GONE);
    assert_int_equal(foil_gate_session_wait(c, 5000, 20, NULL, NULL), FOIL_E_GONE);
    assert_int_equal(foil_gate_session_output_count(c), 0);
    assert_null(foil_gate_session_outputs(c));
    assert_int_equal(foil_gate_session_ack(c), FOIL_E_STATE); /* nothing received to ack */
    foil_gate_session_free(c);
    foil_gate_session_free(b);
    foil_gate_session_free(a);
    foil_string_free(saved);
}

static void cut_connections_lose_nothing(void **state) {
    env *e = *state;
    char *saved = fresh_export(e);
    foil_gate_session_t *s = resume(e, saved);
    FOIL_ASSERT_OK(foil_emulator_approve(e->emu, foil_gate_session_id(s)));
    /* The poll answered (the delivery in it) and the connection cut: a typed failure, and the
     * next poll, or a resumed process, still gets the delivery. */
    FOIL_ASSERT_OK(foil_emulator_inject_fault(e->emu, "GET", "/v1/gate/sessions/", 1,
                                              FOIL_EMULATOR_FAULT_RESET, 0, 0));
    assert_int_equal(foil_gate_session_poll(s), FOIL_E_CONNECTION);
    assert_int_equal(foil_gate_session_output_count(s), 0);
    foil_gate_session_free(s);
    s = resume(e, saved);
    FOIL_ASSERT_OK(foil_gate_session_poll(s));
    assert_string_equal(foil_gate_session_output(s, "ACME_API_KEY"), "ak_test_123");
    /* The ack done at the API and its answer cut: the ack is not retried (a POST), and a
     * second ack, here or after a resume, is told the delivery is gone. */
    FOIL_ASSERT_OK(foil_emulator_inject_fault(e->emu, "POST", "/v1/gate/sessions/", 1,
                                              FOIL_EMULATOR_FAULT_RESET, 0, 0));
    assert_int_equal(foil_gate_session_ack(s), FOIL_E_CONNECTION);
    assert_string_equal(foil_gate_session_status(s), "approved");
    assert_int_equal(foil_gate_session_ack(s), FOIL_E_GONE);
    foil_gate_session_free(s);
    s = resume(e, saved);
    assert_int_equal(foil_gate_session_poll(s), FOIL_E_GONE);
    foil_gate_session_free(s);
    foil_string_free(saved);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(hostile_exports_are_typed_errors, setup,
                                        emulator_env_teardown),
        cmocka_unit_test_setup_teardown(an_export_resumes_only_on_the_api_it_came_from, setup,
                                        emulator_env_teardown),
        cmocka_unit_test_setup_teardown(no_copy_of_the_key_is_left_in_freed_memory, setup,
                                        emulator_env_teardown),
        cmocka_unit_test_setup_teardown(two_writers_get_the_delivery_and_one_ack_wins, setup,
                                        emulator_env_teardown),
        cmocka_unit_test_setup_teardown(cut_connections_lose_nothing, setup, emulator_env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
