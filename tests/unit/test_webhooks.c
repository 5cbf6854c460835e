/* Webhook signatures and event envelopes, and the gate.session.approved payload. */
#include "foil_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static cJSON *sig;      /* fixtures/gate-delivery/webhook-signature.json */
static cJSON *approved; /* fixtures/gate-delivery/approved-webhook-payload.valid.json */

static const char *str(const cJSON *obj, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    assert_true(cJSON_IsString(v));
    return v->valuestring;
}

static int64_t fixture_now(void) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(sig, "now_seconds");
    assert_true(cJSON_IsNumber(v));
    return (int64_t)v->valuedouble;
}

static const char *body(void) {
    return str(sig, "raw_body");
}

static foil_status_t verify_at(const char *timestamp, const char *b, const char *signature,
                               int64_t tolerance, int64_t now) {
    return foil_webhook_signature_verify(str(sig, "secret"), timestamp, b, strlen(b), signature,
                                         tolerance, now);
}

static char *sign(const char *timestamp, const char *b) {
    char *s = NULL;
    FOIL_ASSERT_OK(foil_webhook_signature_compute(str(sig, "secret"), timestamp, b, strlen(b), &s));
    return s;
}

static void assert_field_failure(foil_status_t st, foil_status_t expected, const char *field) {
    assert_int_equal(st, expected);
    assert_int_equal(foil_error_field_count(foil_last_error()), 1);
    assert_string_equal(foil_error_field_name(foil_last_error(), 0), field);
}

static void fixture_signature_is_reproduced(void **state) {
    (void)state;
    char *s = sign(str(sig, "timestamp"), body());
    assert_string_equal(s, str(sig, "signature"));
    foil_string_free(s);
    FOIL_ASSERT_OK(
        verify_at(str(sig, "timestamp"), body(), str(sig, "signature"), 0, fixture_now()));
    assert_int_equal(
        verify_at(str(sig, "timestamp"), body(), str(sig, "invalid_signature"), 0, fixture_now()),
        FOIL_E_SIGNATURE);
}

static void uppercase_hex_is_accepted(void **state) {
    (void)state;
    char upper[65];
    const char *s = str(sig, "signature");
    for (size_t i = 0; i < 65; i++)
        upper[i] = (char)(s[i] >= 'a' && s[i] <= 'f' ? s[i] - 32 : s[i]);
    FOIL_ASSERT_OK(verify_at(str(sig, "timestamp"), body(), upper, 0, fixture_now()));
}

static void stale_and_future_timestamps_fail(void **state) {
    (void)state;
    /* The fixture's expired timestamp, correctly signed: only the window rejects it. */
    const char *expired = str(sig, "expired_timestamp");
    char *s = sign(expired, body());
    assert_int_equal(verify_at(expired, body(), s, 0, fixture_now()), FOIL_E_SIGNATURE);
    FOIL_ASSERT_OK(verify_at(expired, body(), s, 3600, fixture_now()));
    foil_string_free(s);

    int64_t now = fixture_now();
    const struct {
        int64_t offset;
        foil_status_t expected;
    } cases[] = {
        {-300, FOIL_OK}, {300, FOIL_OK}, {-301, FOIL_E_SIGNATURE}, {301, FOIL_E_SIGNATURE}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char ts[32];
        snprintf(ts, sizeof ts, "%lld", (long long)(now + cases[i].offset));
        s = sign(ts, body());
        assert_int_equal(verify_at(ts, body(), s, 0, now), cases[i].expected);
        foil_string_free(s);
    }
    /* now == 0 reads the clock. */
    char ts[32];
    snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
    s = sign(ts, body());
    FOIL_ASSERT_OK(verify_at(ts, body(), s, 0, 0));
    assert_int_equal(verify_at(str(sig, "timestamp"), body(), str(sig, "signature"), 0, 0),
                     FOIL_E_SIGNATURE);
    foil_string_free(s);
}

static void tampered_inputs_fail(void **state) {
    (void)state;
    const char *ts = str(sig, "timestamp"), *good = str(sig, "signature");
    int64_t now = fixture_now();
    char *tampered = strdup(body());
    tampered[10] ^= 0x01;
    assert_int_equal(verify_at(ts, tampered, good, 0, now), FOIL_E_SIGNATURE);
    free(tampered);
    /* A body with a NUL inside is signed over all body_len bytes. */
    assert_int_equal(foil_webhook_signature_verify(str(sig, "secret"), ts, body(),
                                                   strlen(body()) - 1, good, 0, now),
                     FOIL_E_SIGNATURE);
    assert_int_equal(
        foil_webhook_signature_verify("whsec_other", ts, body(), strlen(body()), good, 0, now),
        FOIL_E_SIGNATURE);
    char bad[80];
    const size_t lengths[] = {0, 63, 65};
    for (size_t i = 0; i < 3; i++) {
        snprintf(bad, sizeof bad, "%s00", good);
        bad[lengths[i]] = '\0';
        assert_int_equal(verify_at(ts, body(), bad, 0, now), FOIL_E_SIGNATURE);
    }
    snprintf(bad, sizeof bad, "sha256=%s", good);
    assert_int_equal(verify_at(ts, body(), bad, 0, now), FOIL_E_SIGNATURE);
    snprintf(bad, sizeof bad, "%s", good);
    bad[0] = 'g';
    assert_int_equal(verify_at(ts, body(), bad, 0, now), FOIL_E_SIGNATURE);
    const char *bad_ts[] = {"",    "1735776000x",         " 1735776000", "-1735776000",
                            "1.5", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad_ts / sizeof *bad_ts; i++)
        assert_int_equal(verify_at(bad_ts[i], body(), good, 0, now), FOIL_E_SIGNATURE);
}

static void signature_arguments_are_checked(void **state) {
    (void)state;
    const char *ts = str(sig, "timestamp");
    char *s = (char *)1;
    assert_field_failure(foil_webhook_signature_compute(NULL, ts, "", 0, &s),
                         FOIL_E_INVALID_ARGUMENT, "secret");
    assert_null(s);
    assert_field_failure(foil_webhook_signature_compute("", ts, "", 0, &s), FOIL_E_INVALID_ARGUMENT,
                         "secret");
    assert_field_failure(foil_webhook_signature_compute("k", NULL, "", 0, &s),
                         FOIL_E_INVALID_ARGUMENT, "timestamp");
    assert_field_failure(foil_webhook_signature_compute("k", ts, NULL, 3, &s),
                         FOIL_E_INVALID_ARGUMENT, "body");
    FOIL_ASSERT_OK(foil_webhook_signature_compute("k", ts, NULL, 0, &s));
    assert_int_equal(strlen(s), 64);
    foil_string_free(s);
    assert_field_failure(verify_at(ts, body(), NULL, 0, 1), FOIL_E_INVALID_ARGUMENT, "signature");
    assert_field_failure(verify_at(ts, body(), str(sig, "signature"), 0, -5),
                         FOIL_E_INVALID_ARGUMENT, "now");
}

static void valid_envelope_parses(void **state) {
    (void)state;
    foil_document_t *doc = NULL;
    FOIL_ASSERT_OK(foil_webhook_event_parse(body(), strlen(body()), &doc));
    const foil_json_t *root = foil_document_root(doc);
    assert_string_equal(foil_json_get_string(root, "type"), "gate.session.approved");
    assert_string_equal(foil_json_string(foil_json_path(root, "data.delivery.key_id")),
                        "LyGqfpvB0SCaX4P0inVpMJTAjCNJVWq_3OE87it2ZYo");
    foil_document_free(doc);

    doc = NULL;
    FOIL_ASSERT_OK(foil_webhook_event_verify_and_parse(
        str(sig, "secret"), str(sig, "timestamp"), body(), strlen(body()), str(sig, "signature"), 0,
        fixture_now(), &doc));
    assert_non_null(doc);
    foil_document_free(doc);

    doc = (foil_document_t *)1;
    assert_int_equal(foil_webhook_event_verify_and_parse(
                         str(sig, "secret"), str(sig, "timestamp"), body(), strlen(body()),
                         str(sig, "invalid_signature"), 0, fixture_now(), &doc),
                     FOIL_E_SIGNATURE);
    assert_null(doc);

    /* Forward compatibility: unknown event types and extra fields are kept. */
    const char *future = "{\"id\":\"wevt_0123456789abcdef0123456789abcdef\",\"object\":"
                         "\"webhook_event\",\"type\":\"session.new_kind\",\"created\":"
                         "\"2026-01-02T00:00:00+02:00\",\"data\":{\"x\":1},\"livemode\":true}";
    FOIL_ASSERT_OK(foil_webhook_event_parse(future, strlen(future), &doc));
    int live = 0;
    assert_true(foil_json_get_bool(foil_document_root(doc), "livemode", &live));
    foil_document_free(doc);
}

/* The fixture event with one member of the envelope replaced (NULL removes it). */
static foil_status_t parse_mutated(const char *field, cJSON *value) {
    cJSON *event = cJSON_Parse(body());
    if (value)
        cJSON_ReplaceItemInObjectCaseSensitive(event, field, value);
    else
        cJSON_DeleteItemFromObjectCaseSensitive(event, field);
    char *text = cJSON_PrintUnformatted(event);
    cJSON_Delete(event);
    foil_document_t *doc = (foil_document_t *)1;
    foil_status_t st = foil_webhook_event_parse(text, strlen(text), &doc);
    assert_true(st == FOIL_OK ? doc != NULL : doc == NULL);
    foil_document_free(doc);
    free(text);
    return st;
}

static void invalid_envelopes_fail(void **state) {
    (void)state;
    const struct {
        const char *field;
        cJSON *value;
        const char *expected_field;
    } cases[] = {
        {"id", NULL, "id"},
        {"id", cJSON_CreateString("evt_123"), "id"},
        {"id", cJSON_CreateString("wevt_0123456789ABCDEF0123456789abcdef"), "id"},
        {"id", cJSON_CreateString("wevt_0123456789abcdef0123456789abcdef0"), "id"},
        {"object", cJSON_CreateString("event"), "object"},
        {"object", NULL, "object"},
        {"type", cJSON_CreateString(""), "type"},
        {"type", cJSON_CreateNumber(3), "type"},
        {"created", cJSON_CreateString("yesterday"), "created"},
        {"created", cJSON_CreateString("2026-01-02 00:00:00"), "created"},
        {"created", cJSON_CreateString("2026-01-02T00:00:00.Z"), "created"},
        {"created", NULL, "created"},
        {"data", cJSON_CreateArray(), "data"},
        {"data", cJSON_CreateNull(), "data"},
        {"data", NULL, "data"},
        {"data", cJSON_Parse("{\"service_id\":\"foil\"}"), "data.gate_session_id"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_field_failure(parse_mutated(cases[i].field, cases[i].value), FOIL_E_VALIDATION,
                             cases[i].expected_field);

    const char *not_objects[] = {"", "[]", "null", "{\"id\":", "\"wevt\""};
    for (size_t i = 0; i < sizeof not_objects / sizeof *not_objects; i++) {
        foil_document_t *doc = (foil_document_t *)1;
        assert_field_failure(foil_webhook_event_parse(not_objects[i], strlen(not_objects[i]), &doc),
                             FOIL_E_VALIDATION, "event");
        assert_null(doc);
    }
    foil_document_t *doc = (foil_document_t *)1;
    assert_field_failure(foil_webhook_event_parse(NULL, 0, &doc), FOIL_E_INVALID_ARGUMENT, "body");
    assert_null(doc);
    assert_field_failure(foil_webhook_event_parse("{}", 2, NULL), FOIL_E_INVALID_ARGUMENT, "out");
    /* body_len is honoured: a valid prefix of a longer buffer parses. */
    char *padded = malloc(strlen(body()) + 10);
    sprintf(padded, "%sGARBAGE", body());
    FOIL_ASSERT_OK(foil_webhook_event_parse(padded, strlen(body()), &doc));
    foil_document_free(doc);
    free(padded);
}

/* The approved payload fixture with `path` ("a" or "a.b") replaced; NULL removes it. */
static foil_status_t validate_mutated(const char *path, cJSON *value) {
    cJSON *payload = cJSON_Duplicate(approved, 1);
    cJSON *parent = payload;
    const char *dot = strchr(path, '.');
    char head[64];
    const char *leaf = path;
    if (dot) {
        snprintf(head, sizeof head, "%.*s", (int)(dot - path), path);
        parent = cJSON_GetObjectItemCaseSensitive(payload, head);
        leaf = dot + 1;
    }
    if (!value)
        cJSON_DeleteItemFromObjectCaseSensitive(parent, leaf);
    else if (cJSON_GetObjectItemCaseSensitive(parent, leaf))
        cJSON_ReplaceItemInObjectCaseSensitive(parent, leaf, value);
    else
        cJSON_AddItemToObject(parent, leaf, value);
    char *text = cJSON_PrintUnformatted(payload);
    cJSON_Delete(payload);
    foil_status_t st = foil_gate_approved_webhook_payload_validate(text);
    free(text);
    return st;
}

static void approved_payload_fixture_validates(void **state) {
    (void)state;
    char *text = cJSON_PrintUnformatted(approved);
    FOIL_ASSERT_OK(foil_gate_approved_webhook_payload_validate(text));
    free(text);
    FOIL_ASSERT_OK(validate_mutated("metadata", cJSON_CreateNull()));
    FOIL_ASSERT_OK(validate_mutated("foil.score", cJSON_CreateNull()));
    FOIL_ASSERT_OK(validate_mutated("foil.verdict", cJSON_CreateString("inconclusive")));
    FOIL_ASSERT_OK(validate_mutated("unknown_future_field", cJSON_CreateTrue()));
}

static void mutated_approved_payloads_name_the_field(void **state) {
    (void)state;
    const struct {
        const char *path;
        cJSON *value;
        const char *field;
    } cases[] = {
        {"event", cJSON_CreateString("gate.session.approved"), "event"},
        {"service_id", NULL, "service_id"},
        {"service_id", cJSON_CreateString(""), "service_id"},
        {"gate_session_id", cJSON_CreateNumber(1), "gate_session_id"},
        {"gate_account_id", NULL, "gate_account_id"},
        {"account_name", cJSON_CreateNull(), "account_name"},
        {"metadata", cJSON_CreateString("plan=pro"), "metadata"},
        {"metadata", NULL, "metadata"},
        {"foil", cJSON_CreateString("human"), "foil"},
        {"foil", NULL, "foil"},
        {"foil.verdict", cJSON_CreateString("robot"), "foil.verdict"},
        {"foil.verdict", NULL, "foil.verdict"},
        {"foil.score", cJSON_CreateString("0.1"), "foil.score"},
        {"foil.score", NULL, "foil.score"},
        {"delivery", NULL, "delivery"},
        {"delivery.version", cJSON_CreateNumber(2), "delivery.version"},
        {"delivery.algorithm", cJSON_CreateString("rsa"), "delivery.algorithm"},
        {"delivery.key_id", cJSON_CreateString("key_6cw04zdmetw8t5rsdppadhper0"),
         "delivery.key_id"},
        {"delivery.public_key", cJSON_CreateString("pk_live_dZO3Bl6MqLn2VJYy18bjGkbPRCkubdgK"),
         "delivery.public_key"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_field_failure(validate_mutated(cases[i].path, cases[i].value), FOIL_E_VALIDATION,
                             cases[i].field);
    assert_field_failure(foil_gate_approved_webhook_payload_validate("[]"), FOIL_E_VALIDATION,
                         "payload");
    assert_field_failure(foil_gate_approved_webhook_payload_validate("{"), FOIL_E_VALIDATION,
                         "payload");
    assert_field_failure(foil_gate_approved_webhook_payload_validate(NULL), FOIL_E_INVALID_ARGUMENT,
                         "payload_json");
}

static int setup(void **state) {
    (void)state;
    sig = foil_test_fixture("gate-delivery/webhook-signature.json");
    approved = foil_test_fixture("gate-delivery/approved-webhook-payload.valid.json");
    return sig && approved ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    cJSON_Delete(sig);
    cJSON_Delete(approved);
    return 0;
}

int main(void) {
    int skip = foil_test_require_spec("test_webhooks");
    if (skip) return skip;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixture_signature_is_reproduced),
        cmocka_unit_test(uppercase_hex_is_accepted),
        cmocka_unit_test(stale_and_future_timestamps_fail),
        cmocka_unit_test(tampered_inputs_fail),
        cmocka_unit_test(signature_arguments_are_checked),
        cmocka_unit_test(valid_envelope_parses),
        cmocka_unit_test(invalid_envelopes_fail),
        cmocka_unit_test(approved_payload_fixture_validates),
        cmocka_unit_test(mutated_approved_payloads_name_the_field),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
