/* Gate delivery crypto: golden vector, key pairs, envelopes, payload and request checks. */
#include "foil_test.h"

#include "crypto/base64url.h"
#include "crypto/hkdf.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cJSON *vector;  /* fixtures/gate-delivery/vector.v1.json */
static cJSON *request; /* fixtures/gate-delivery/delivery-request.json */

static const char *vec_string(const char *path1, const char *path2) {
    const cJSON *node = cJSON_GetObjectItemCaseSensitive(vector, path1);
    if (path2) node = cJSON_GetObjectItemCaseSensitive(node, path2);
    assert_true(cJSON_IsString(node));
    return node->valuestring;
}

static char *print(const cJSON *node) {
    char *text = cJSON_PrintUnformatted(node);
    assert_non_null(text);
    return text;
}

static foil_delivery_key_pair_t *vector_key_pair(void) {
    foil_delivery_key_pair_t *kp = NULL;
    FOIL_ASSERT_OK(foil_delivery_key_pair_import_pkcs8(vec_string("private_key_pkcs8", NULL), &kp));
    return kp;
}

/* The vector's envelope with one member replaced (value NULL removes it). */
static char *envelope_with(const char *field, cJSON *value) {
    cJSON *env = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(vector, "envelope"), 1);
    if (value)
        cJSON_ReplaceItemInObjectCaseSensitive(env, field, value);
    else
        cJSON_DeleteItemFromObjectCaseSensitive(env, field);
    char *text = print(env);
    cJSON_Delete(env);
    return text;
}

/* The vector's envelope with byte `index` of a base64url field XORed with `mask`. */
static char *envelope_xored(const char *field, size_t index, unsigned char mask) {
    unsigned char *bin = NULL;
    size_t len = 0;
    assert_int_equal(foil_b64url_decode(vec_string("envelope", field), &bin, &len), 0);
    assert_true(index < len);
    bin[index] ^= mask;
    char *text = foil_b64url_encode(bin, len);
    free(bin);
    char *env = envelope_with(field, cJSON_CreateString(text));
    free(text);
    return env;
}

/* The vector's envelope with bit 0 of byte `index` of a base64url field flipped. */
static char *envelope_flipped(const char *field, size_t index) {
    return envelope_xored(field, index, 1);
}

static char *b64url_of_size(size_t n) {
    unsigned char *bin = calloc(1, n ? n : 1);
    char *text = foil_b64url_encode(bin, n);
    free(bin);
    assert_non_null(text);
    return text;
}

static void assert_failure(foil_status_t st, foil_status_t expected, const char *field) {
    assert_int_equal(st, expected);
    assert_int_equal(foil_error_status(foil_last_error()), expected);
    if (field) {
        assert_int_equal(foil_error_field_count(foil_last_error()), 1);
        assert_string_equal(foil_error_field_name(foil_last_error(), 0), field);
    }
}

/* A failure of decrypt's checks of the key (not of the envelope's shape). */
static void assert_decrypt_only_fails(const char *envelope, foil_status_t expected,
                                      const char *field) {
    foil_delivery_key_pair_t *kp = vector_key_pair();
    foil_delivery_payload_t *p = (foil_delivery_payload_t *)1;
    assert_failure(foil_gate_delivery_decrypt(kp, envelope, &p), expected, field);
    assert_null(p);
    foil_delivery_key_pair_free(kp);
}

/* A malformed envelope: the shape validator and decrypt refuse it alike. */
static void assert_decrypt_fails(const char *envelope, foil_status_t expected, const char *field) {
    assert_failure(foil_gate_delivery_envelope_validate(envelope), expected, field);
    assert_decrypt_only_fails(envelope, expected, field);
}

/* Encrypt arbitrary plaintext bytes to kp exactly as §3.2 says, bypassing the
 * library's payload checks, to exercise the decryptor's payload validation. */
static char *seal_raw(const foil_delivery_key_pair_t *kp, const char *plaintext) {
    unsigned char recipient[32], eph_pk[32], eph_sk[32], shared[32], key[32];
    unsigned char salt[32], iv[12], tag[16];
    size_t len = strlen(plaintext);
    unsigned char *ct = malloc(len + 1);
    assert_int_equal(foil_b64url_decode_exact(foil_delivery_key_pair_public_key(kp), recipient, 32),
                     0);
    crypto_box_keypair(eph_pk, eph_sk);
    assert_int_equal(crypto_scalarmult(shared, eph_sk, recipient), 0);
    randombytes_buf(salt, sizeof salt);
    randombytes_buf(iv, sizeof iv);
    static const char info[] = FOIL_GATE_DELIVERY_HKDF_INFO;
    foil_hkdf_sha256(key, 32, salt, 32, shared, 32, (const unsigned char *)info, sizeof info - 1);
    crypto_aead_aes256gcm_encrypt_detached(ct, tag, NULL, (const unsigned char *)plaintext, len,
                                           NULL, 0, NULL, iv, key);
    cJSON *env = cJSON_CreateObject();
    cJSON_AddNumberToObject(env, "version", 1);
    cJSON_AddStringToObject(env, "algorithm", FOIL_GATE_DELIVERY_ALGORITHM);
    cJSON_AddStringToObject(env, "key_id", foil_delivery_key_pair_key_id(kp));
    const struct {
        const char *name;
        const unsigned char *bin;
        size_t len;
    } fields[] = {{"ephemeral_public_key", eph_pk, 32},
                  {"salt", salt, 32},
                  {"iv", iv, 12},
                  {"ciphertext", ct, len},
                  {"tag", tag, 16}};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        char *text = foil_b64url_encode(fields[i].bin, fields[i].len);
        cJSON_AddStringToObject(env, fields[i].name, text);
        free(text);
    }
    char *out = print(env);
    cJSON_Delete(env);
    free(ct);
    return out;
}

static void golden_vector_decrypts_to_its_plaintext(void **state) {
    (void)state;
    foil_delivery_key_pair_t *kp = vector_key_pair();
    assert_string_equal(foil_delivery_key_pair_public_key(kp),
                        vec_string("delivery", "public_key"));
    assert_string_equal(foil_delivery_key_pair_key_id(kp), vec_string("delivery", "key_id"));
    char *envelope = print(cJSON_GetObjectItemCaseSensitive(vector, "envelope"));
    FOIL_ASSERT_OK(foil_gate_delivery_envelope_validate(envelope));
    foil_delivery_payload_t *p = NULL;
    FOIL_ASSERT_OK(foil_gate_delivery_decrypt(kp, envelope, &p));

    const cJSON *expected = cJSON_GetObjectItemCaseSensitive(vector, "payload");
    const cJSON *outputs = cJSON_GetObjectItemCaseSensitive(expected, "outputs");
    assert_int_equal(foil_delivery_payload_output_count(p), cJSON_GetArraySize(outputs));
    size_t i = 0;
    for (const cJSON *o = outputs->child; o; o = o->next, i++) {
        assert_string_equal(foil_delivery_payload_output_key(p, i), o->string);
        assert_string_equal(foil_delivery_payload_output_value(p, i), o->valuestring);
        assert_string_equal(foil_delivery_payload_output(p, o->string), o->valuestring);
    }
    assert_null(foil_delivery_payload_output_key(p, i));
    assert_null(foil_delivery_payload_output(p, "MISSING"));
    /* The outputs as one view: the same members, in the same order. */
    const foil_json_t *view = foil_delivery_payload_outputs(p);
    assert_int_equal(foil_json_type(view), FOIL_JSON_OBJECT);
    assert_int_equal(foil_json_size(view), foil_delivery_payload_output_count(p));
    i = 0;
    for (const foil_json_t *m = foil_json_at(view, 0); m; m = foil_json_next(m), i++) {
        assert_string_equal(foil_json_key(m), foil_delivery_payload_output_key(p, i));
        assert_string_equal(foil_json_string(m), foil_delivery_payload_output_value(p, i));
    }
    assert_null(foil_delivery_payload_outputs(NULL));
    assert_string_equal(foil_delivery_payload_ack_token(p),
                        cJSON_GetObjectItemCaseSensitive(expected, "ack_token")->valuestring);
    /* The whole plaintext, byte for byte (compact JSON, as §3.5 shows it). */
    char *plain = NULL, *expected_text = print(expected);
    FOIL_ASSERT_OK(foil_json_serialize(foil_delivery_payload_json(p), &plain));
    assert_string_equal(plain, expected_text);
    foil_string_free(plain);
    free(expected_text);
    foil_delivery_payload_free(p);
    free(envelope);
    foil_delivery_key_pair_free(kp);
}

static void delivery_request_key_id_is_rederived(void **state) {
    (void)state;
    const cJSON *delivery = cJSON_GetObjectItemCaseSensitive(request, "delivery");
    char *key_id = NULL;
    FOIL_ASSERT_OK(foil_gate_delivery_key_id(
        cJSON_GetObjectItemCaseSensitive(delivery, "public_key")->valuestring, &key_id));
    assert_string_equal(key_id,
                        cJSON_GetObjectItemCaseSensitive(request, "derived_key_id")->valuestring);
    foil_string_free(key_id);
    char *text = print(delivery);
    FOIL_ASSERT_OK(foil_gate_delivery_request_validate(text));
    free(text);

    key_id = (char *)1;
    assert_failure(foil_gate_delivery_key_id("c2hvcnQ", &key_id), FOIL_E_INVALID_ARGUMENT,
                   "public_key");
    assert_null(key_id);
}

static void pkcs8_round_trips(void **state) {
    (void)state;
    foil_delivery_key_pair_t *kp = vector_key_pair();
    char *exported = NULL;
    FOIL_ASSERT_OK(foil_delivery_key_pair_export_pkcs8(kp, &exported));
    assert_string_equal(exported, vec_string("private_key_pkcs8", NULL));
    foil_string_free(exported);
    foil_delivery_key_pair_free(kp);

    foil_delivery_key_pair_t *fresh = NULL, *again = NULL;
    FOIL_ASSERT_OK(foil_delivery_key_pair_new(&fresh));
    assert_int_equal(strlen(foil_delivery_key_pair_public_key(fresh)), 43);
    assert_int_equal(strlen(foil_delivery_key_pair_key_id(fresh)), 43);
    FOIL_ASSERT_OK(foil_delivery_key_pair_export_pkcs8(fresh, &exported));
    assert_int_equal(strlen(exported), 64);
    FOIL_ASSERT_OK(foil_delivery_key_pair_import_pkcs8(exported, &again));
    assert_string_equal(foil_delivery_key_pair_public_key(again),
                        foil_delivery_key_pair_public_key(fresh));
    assert_string_equal(foil_delivery_key_pair_key_id(again), foil_delivery_key_pair_key_id(fresh));
    foil_string_free(exported);
    foil_delivery_key_pair_free(again);
    foil_delivery_key_pair_free(fresh);
}

static void pkcs8_import_rejects_other_encodings(void **state) {
    (void)state;
    unsigned char *der = NULL;
    size_t len = 0;
    assert_int_equal(foil_b64url_decode(vec_string("private_key_pkcs8", NULL), &der, &len), 0);
    assert_int_equal(len, 48);
    unsigned char buf[49];
    const struct {
        size_t flip; /* byte to alter, or SIZE_MAX */
        size_t len;
    } cases[] = {{9, 48}, {0, 48}, {SIZE_MAX, 47}, {SIZE_MAX, 49}, {SIZE_MAX, 32}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        memset(buf, 0x42, sizeof buf);
        memcpy(buf, der, cases[i].len < len ? cases[i].len : len);
        if (cases[i].flip != SIZE_MAX) buf[cases[i].flip] ^= 0x01;
        char *text = foil_b64url_encode(buf, cases[i].len);
        foil_delivery_key_pair_t *kp = (foil_delivery_key_pair_t *)1;
        assert_failure(foil_delivery_key_pair_import_pkcs8(text, &kp), FOIL_E_INVALID_ARGUMENT,
                       "pkcs8");
        assert_null(kp);
        free(text);
    }
    free(der);
    foil_delivery_key_pair_t *kp = NULL;
    assert_failure(foil_delivery_key_pair_import_pkcs8("not base64!", &kp), FOIL_E_INVALID_ARGUMENT,
                   "pkcs8");
    assert_failure(foil_delivery_key_pair_import_pkcs8("", &kp), FOIL_E_INVALID_ARGUMENT, "pkcs8");
    assert_failure(foil_delivery_key_pair_import_pkcs8(NULL, &kp), FOIL_E_INVALID_ARGUMENT,
                   "pkcs8");
    assert_failure(foil_delivery_key_pair_import_pkcs8("x", NULL), FOIL_E_INVALID_ARGUMENT, "out");
}

static void encrypt_then_decrypt_round_trips(void **state) {
    (void)state;
    foil_delivery_key_pair_t *kp = NULL;
    FOIL_ASSERT_OK(foil_delivery_key_pair_new(&kp));
    char *delivery = NULL;
    FOIL_ASSERT_OK(foil_delivery_key_pair_request_json(kp, &delivery));
    FOIL_ASSERT_OK(foil_gate_delivery_request_validate(delivery));
    const char *payload = "{ \"version\": 1, \"outputs\": {\"A\": \"one\", \"B\": \"t\\u00e9\\n\"},"
                          " \"ack_token\": \"gtack_x\", \"extra\": {\"kept\": true} }";
    char *envelope_text = NULL;
    FOIL_ASSERT_OK(foil_gate_delivery_encrypt(delivery, payload, &envelope_text));

    cJSON *env = cJSON_Parse(envelope_text);
    assert_non_null(env);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(env, "key_id")->valuestring,
                        foil_delivery_key_pair_key_id(kp));
    const struct {
        const char *name;
        size_t chars;
    } sizes[] = {{"ephemeral_public_key", 43}, {"salt", 43}, {"iv", 16}, {"tag", 22}};
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(strlen(cJSON_GetObjectItemCaseSensitive(env, sizes[i].name)->valuestring),
                         sizes[i].chars);
    cJSON_Delete(env);

    foil_delivery_payload_t *p = NULL;
    FOIL_ASSERT_OK(foil_gate_delivery_decrypt(kp, envelope_text, &p));
    assert_int_equal(foil_delivery_payload_output_count(p), 2);
    assert_string_equal(foil_delivery_payload_output(p, "A"), "one");
    assert_string_equal(foil_delivery_payload_output(p, "B"), "t\xc3\xa9\n");
    assert_string_equal(foil_delivery_payload_ack_token(p), "gtack_x");
    int kept = 0;
    assert_true(foil_json_bool(foil_json_path(foil_delivery_payload_json(p), "extra.kept"), &kept));
    assert_true(kept);
    foil_delivery_payload_free(p);

    /* Another key pair cannot open it: the key_id check fires first. */
    foil_delivery_key_pair_t *other = NULL;
    FOIL_ASSERT_OK(foil_delivery_key_pair_new(&other));
    p = (foil_delivery_payload_t *)1;
    assert_failure(foil_gate_delivery_decrypt(other, envelope_text, &p), FOIL_E_VALIDATION,
                   "encrypted_delivery.key_id");
    assert_null(p);
    foil_delivery_key_pair_free(other);

    foil_string_free(envelope_text);
    foil_string_free(delivery);
    foil_delivery_key_pair_free(kp);
}

static void tampering_is_detected(void **state) {
    (void)state;
    const struct {
        const char *field;
        size_t index;
    } cases[] = {
        {"ciphertext", 0}, {"ciphertext", 40},         {"tag", 15}, {"tag", 0}, {"salt", 31},
        {"iv", 5},         {"ephemeral_public_key", 3}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *env = envelope_flipped(cases[i].field, cases[i].index);
        assert_decrypt_only_fails(env, FOIL_E_CRYPTO, NULL);
        free(env);
    }
    /* A low-order ephemeral key makes the shared secret all zeros. */
    char *zeros = b64url_of_size(32);
    char *env = envelope_with("ephemeral_public_key", cJSON_CreateString(zeros));
    assert_decrypt_only_fails(env, FOIL_E_CRYPTO, NULL);
    free(env);
    free(zeros);
    /* X25519 ignores the top bit: the same point spelled another way gave the same shared
     * secret, so this altered envelope decrypted to the vector's plaintext. */
    env = envelope_xored("ephemeral_public_key", 31, 0x80);
    assert_decrypt_only_fails(env, FOIL_E_CRYPTO, NULL);
    free(env);
    /* p + 9, the base point's u reduced mod p: non-canonical, refused before use. */
    unsigned char above_p[32];
    memset(above_p, 0xff, sizeof above_p);
    above_p[0] = 0xed + 9;
    above_p[31] = 0x7f;
    char *text = foil_b64url_encode(above_p, sizeof above_p);
    env = envelope_with("ephemeral_public_key", cJSON_CreateString(text));
    assert_decrypt_only_fails(env, FOIL_E_CRYPTO, NULL);
    assert_string_equal(
        foil_error_message(foil_last_error()),
        "encrypted_delivery.ephemeral_public_key is not a usable X25519 public key");
    free(env);
    free(text);
}

static void envelope_lengths_are_exact(void **state) {
    (void)state;
    const struct {
        const char *field;
        size_t bad_len;
    } cases[] = {{"ephemeral_public_key", 31},
                 {"ephemeral_public_key", 33},
                 {"salt", 16},
                 {"salt", 33},
                 {"iv", 16},
                 {"iv", 11},
                 {"tag", 12},
                 {"tag", 17}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *value = b64url_of_size(cases[i].bad_len);
        char *env = envelope_with(cases[i].field, cJSON_CreateString(value));
        char field[64];
        snprintf(field, sizeof field, "encrypted_delivery.%s", cases[i].field);
        assert_decrypt_fails(env, FOIL_E_VALIDATION, field);
        free(env);
        free(value);
    }
    char *env = envelope_with("ciphertext", cJSON_CreateString("%%%"));
    assert_decrypt_fails(env, FOIL_E_VALIDATION, "encrypted_delivery.ciphertext");
    free(env);
}

static void envelope_structure_is_checked(void **state) {
    (void)state;
    char *env = envelope_with("version", cJSON_CreateNumber(2));
    assert_decrypt_fails(env, FOIL_E_VALIDATION, "encrypted_delivery.version");
    free(env);
    env = envelope_with("version", cJSON_CreateString("1"));
    assert_decrypt_fails(env, FOIL_E_VALIDATION, "encrypted_delivery.version");
    free(env);
    env = envelope_with("algorithm", cJSON_CreateString("x25519-hkdf-sha256/aes-128-gcm"));
    assert_decrypt_fails(env, FOIL_E_VALIDATION, "encrypted_delivery.algorithm");
    free(env);
    env =
        envelope_with("key_id", cJSON_CreateString("LyGqfpvB0SCaX4P0inVpMJTAjCNJVWq_3OE87it2ZYp"));
    FOIL_ASSERT_OK(foil_gate_delivery_envelope_validate(env)); /* well formed, another key */
    assert_decrypt_only_fails(env, FOIL_E_VALIDATION, "encrypted_delivery.key_id");
    free(env);

    const char *fields[] = {"version", "algorithm", "key_id",     "ephemeral_public_key",
                            "salt",    "iv",        "ciphertext", "tag"};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        char field[64];
        snprintf(field, sizeof field, "encrypted_delivery.%s", fields[i]);
        env = envelope_with(fields[i], NULL);
        assert_decrypt_fails(env, FOIL_E_VALIDATION, field);
        free(env);
        if (i >= 2) {
            env = envelope_with(fields[i], cJSON_CreateString(""));
            assert_decrypt_fails(env, FOIL_E_VALIDATION, field);
            free(env);
            env = envelope_with(fields[i], cJSON_CreateNumber(7));
            assert_decrypt_fails(env, FOIL_E_VALIDATION, field);
            free(env);
        }
    }
    assert_decrypt_fails("[]", FOIL_E_VALIDATION, "encrypted_delivery");
    assert_decrypt_fails("{\"version\":1,", FOIL_E_VALIDATION, "encrypted_delivery");
    assert_decrypt_fails("", FOIL_E_VALIDATION, "encrypted_delivery");
}

static void decrypted_payload_is_validated(void **state) {
    (void)state;
    foil_delivery_key_pair_t *kp = vector_key_pair();
    const struct {
        const char *plaintext;
        const char *field;
    } cases[] = {
        {"{\"version\":1,\"outputs\":{\"A\":1}}", "payload.outputs"},
        {"{\"version\":1,\"outputs\":{\"A\":\"x\",\"B\":null}}", "payload.outputs"},
        {"{\"version\":1,\"outputs\":{\"A\":{\"nested\":\"x\"}}}", "payload.outputs"},
        {"{\"version\":1,\"outputs\":[\"A\"]}", "payload.outputs"},
        {"{\"version\":1}", "payload.outputs"},
        {"{\"version\":2,\"outputs\":{}}", "payload.version"},
        {"{\"outputs\":{}}", "payload.version"},
        {"{\"version\":1,\"outputs\":{},\"ack_token\":5}", "payload.ack_token"},
        {"[1]", "payload"},
        {"not json", "payload"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *env = seal_raw(kp, cases[i].plaintext);
        foil_delivery_payload_t *p = (foil_delivery_payload_t *)1;
        assert_failure(foil_gate_delivery_decrypt(kp, env, &p), FOIL_E_VALIDATION, cases[i].field);
        assert_null(p);
        free(env);
    }
    /* The same helper with a good payload decrypts, so the failures above are the checks'. */
    char *env = seal_raw(kp, "{\"version\":1,\"outputs\":{},\"future\":[1]}");
    foil_delivery_payload_t *p = NULL;
    FOIL_ASSERT_OK(foil_gate_delivery_decrypt(kp, env, &p));
    assert_int_equal(foil_delivery_payload_output_count(p), 0);
    assert_null(foil_delivery_payload_ack_token(p));
    foil_delivery_payload_free(p);
    free(env);
    foil_delivery_key_pair_free(kp);
}

/* Issue 10 (defects 10, 11): a decrypted payload whose text holds NUL or is not UTF-8 is
 * FOIL_E_CRYPTO, never a value cut at the NUL or bytes passed on. Issue 18 (defect 7): so is
 * one naming a member twice, at any level (which value would a reader take?). */
static void decrypted_payload_must_be_text(void **state) {
    (void)state;
    foil_delivery_key_pair_t *kp = vector_key_pair();
    const char *cases[] = {
        "{\"version\":1,\"outputs\":{\"A\":\"a\\u0000b\"}}",
        "{\"version\":1,\"outputs\":{\"A\\u0000B\":\"x\"}}",
        "{\"version\":1,\"outputs\":{\"A\":\"x\"},\"ack_token\":\"t\\u0000\"}",
        "{\"version\":1,\"outputs\":{\"A\":\"\xff\xfe\"}}",
        "{\"version\":1,\"outputs\":{\"A\xc0\xaf\":\"x\"}}",
        "{\"version\":1,\"outputs\":{\"A\":\"\xed\xa0\x80\"}}",
        "{\"version\":1,\"outputs\":{\"A\":\"x\",\"A\":\"y\"}}",
        "{\"version\":1,\"outputs\":{\"A\":\"x\"},\"ack_token\":\"t\",\"ack_token\":\"u\"}",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *env = seal_raw(kp, cases[i]);
        foil_delivery_payload_t *p = (foil_delivery_payload_t *)1;
        assert_int_equal(foil_gate_delivery_decrypt(kp, env, &p), FOIL_E_CRYPTO);
        assert_null(p);
        const char *msg = foil_error_message(foil_last_error());
        assert_true(strstr(msg, "NUL") || strstr(msg, "UTF-8") || strstr(msg, "same name"));
        free(env);
    }
    char *env = seal_raw(kp, "{\"version\":1,\"outputs\":{\"A\":\"caf\xc3\xa9 \\u00e9\"}}");
    foil_delivery_payload_t *p = NULL;
    FOIL_ASSERT_OK(foil_gate_delivery_decrypt(kp, env, &p));
    assert_string_equal(foil_delivery_payload_output(p, "A"), "caf\xc3\xa9 \xc3\xa9");
    foil_delivery_payload_free(p);
    free(env);
    foil_delivery_key_pair_free(kp);
}

static void encrypt_validates_its_inputs(void **state) {
    (void)state;
    char *delivery = print(cJSON_GetObjectItemCaseSensitive(vector, "delivery"));
    char *out = (char *)1;
    assert_failure(
        foil_gate_delivery_encrypt(delivery, "{\"version\":1,\"outputs\":{\"A\":1}}", &out),
        FOIL_E_VALIDATION, "payload.outputs");
    assert_null(out);
    assert_failure(foil_gate_delivery_encrypt(delivery, "{\"version\":3,\"outputs\":{}}", &out),
                   FOIL_E_VALIDATION, "payload.version");
    assert_failure(foil_gate_delivery_encrypt(delivery, "{", &out), FOIL_E_VALIDATION, "payload");
    assert_failure(foil_gate_delivery_encrypt("{}", "{\"version\":1,\"outputs\":{}}", &out),
                   FOIL_E_VALIDATION, "delivery.version");
    assert_failure(foil_gate_delivery_encrypt(NULL, "{}", &out), FOIL_E_INVALID_ARGUMENT,
                   "delivery_json");
    assert_failure(foil_gate_delivery_encrypt(delivery, NULL, &out), FOIL_E_INVALID_ARGUMENT,
                   "payload_json");
    assert_failure(foil_gate_delivery_encrypt(delivery, "{}", NULL), FOIL_E_INVALID_ARGUMENT,
                   "out");

    /* A low-order recipient key (all zeros, with its matching key_id) is refused. */
    char *zeros = b64url_of_size(32), *key_id = NULL;
    FOIL_ASSERT_OK(foil_gate_delivery_key_id(zeros, &key_id));
    char low_order[256];
    snprintf(low_order, sizeof low_order,
             "{\"version\":1,\"algorithm\":\"%s\",\"key_id\":\"%s\",\"public_key\":\"%s\"}",
             FOIL_GATE_DELIVERY_ALGORITHM, key_id, zeros);
    assert_failure(foil_gate_delivery_encrypt(low_order, "{\"version\":1,\"outputs\":{}}", &out),
                   FOIL_E_VALIDATION, "delivery.public_key");
    foil_string_free(key_id);
    free(zeros);
    free(delivery);
}

/* What the encryptor is given is read as every other JSON reader reads it: cJSON alone cut a
 * value at \u0000 (the recipient got "abc" for "abc\u0000def"), ignored text after the
 * object, let a duplicate member decide which value counts, and encrypted bytes that are not
 * UTF-8 into an envelope no recipient accepts. */
static void encrypt_reads_its_inputs_strictly(void **state) {
    (void)state;
    char *delivery = print(cJSON_GetObjectItemCaseSensitive(vector, "delivery"));
    const char *const bad_payloads[] = {
        "{\"version\":1,\"outputs\":{\"A\":\"abc\\u0000def\"}}",
        "{\"version\":1,\"outputs\":{\"A\":\"x\"}} trailing",
        "{\"version\":1,\"version\":2,\"outputs\":{\"A\":\"x\"}}",
        "{\"version\":1,\"outputs\":{\"A\":\"\xff\xfe\"}}",
    };
    const char *const bad_outputs[] = {"{\"A\":\"abc\\u0000def\"}", "{\"A\":\"x\"}]",
                                       "{\"A\":\"\xc3\"}"};
    char *out = (char *)1;
    for (size_t i = 0; i < sizeof bad_payloads / sizeof *bad_payloads; i++) {
        assert_failure(foil_gate_delivery_encrypt(delivery, bad_payloads[i], &out),
                       FOIL_E_VALIDATION, "payload");
        assert_null(out);
    }
    for (size_t i = 0; i < sizeof bad_outputs / sizeof *bad_outputs; i++) {
        assert_failure(foil_gate_approved_webhook_response(delivery, bad_outputs[i], &out),
                       FOIL_E_VALIDATION, "outputs");
        assert_null(out);
    }
    char delivery_trailing[512];
    snprintf(delivery_trailing, sizeof delivery_trailing, "%s]]", delivery);
    assert_failure(
        foil_gate_delivery_encrypt(delivery_trailing, "{\"version\":1,\"outputs\":{}}", &out),
        FOIL_E_VALIDATION, "delivery");
    assert_failure(foil_gate_approved_webhook_response(delivery_trailing, "{}", &out),
                   FOIL_E_VALIDATION, "delivery");
    free(delivery);
}

static void delivery_requests_are_validated(void **state) {
    (void)state;
    const cJSON *good = cJSON_GetObjectItemCaseSensitive(vector, "delivery");
    char *short_key = b64url_of_size(31);
    const struct {
        const char *field;
        cJSON *value;
        const char *expected_field;
    } cases[] = {
        {"version", cJSON_CreateNumber(2), "delivery.version"},
        {"version", cJSON_CreateString("1"), "delivery.version"},
        {"version", NULL, "delivery.version"},
        {"algorithm", cJSON_CreateString("x25519"), "delivery.algorithm"},
        {"algorithm", NULL, "delivery.algorithm"},
        {"public_key", cJSON_CreateString(""), "delivery.public_key"},
        {"public_key", cJSON_CreateString(short_key), "delivery.public_key"},
        {"public_key",
         cJSON_CreateString("MCowBQYDK2VuAyEA7X6s5q0aQm1Bv1Q0nK5l2o3p9w8y7z6x5c4b3a2f1e0"),
         "delivery.public_key"},
        {"key_id", cJSON_CreateString(""), "delivery.key_id"},
        {"key_id", cJSON_CreateString("key_6cw04zdmetw8t5rsdppadhper0"), "delivery.key_id"},
        {"key_id", NULL, "delivery.key_id"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cJSON *d = cJSON_Duplicate(good, 1);
        if (cases[i].value)
            cJSON_ReplaceItemInObjectCaseSensitive(d, cases[i].field, cases[i].value);
        else
            cJSON_DeleteItemFromObjectCaseSensitive(d, cases[i].field);
        char *text = print(d);
        assert_failure(foil_gate_delivery_request_validate(text), FOIL_E_VALIDATION,
                       cases[i].expected_field);
        free(text);
        cJSON_Delete(d);
    }
    free(short_key);
    /* Issue 18 (defect 7): a name given twice is refused, or the integrator's reader could
     * take a key other than the one checked here. */
    char *valid = print(good);
    size_t n = strlen(valid);
    char *twice = malloc(n + 64);
    assert_non_null(twice);
    snprintf(twice, n + 64, "%.*s,\"key_id\":\"key_other\"}", (int)(n - 1), valid);
    assert_failure(foil_gate_delivery_request_validate(twice), FOIL_E_VALIDATION, "delivery");
    assert_non_null(strstr(foil_error_message(foil_last_error()), "same name"));
    free(twice);
    free(valid);
    assert_failure(foil_gate_delivery_request_validate("[]"), FOIL_E_VALIDATION, "delivery");
    assert_failure(foil_gate_delivery_request_validate("nope"), FOIL_E_VALIDATION, "delivery");
    assert_failure(foil_gate_delivery_request_validate(NULL), FOIL_E_INVALID_ARGUMENT,
                   "delivery_json");
}

static void huge_inputs_are_refused(void **state) {
    (void)state;
    /* 2 MiB of ciphertext: over the 1 MiB payload cap, refused before any crypto. */
    char *big = b64url_of_size(2u << 20);
    char *env = envelope_with("ciphertext", cJSON_CreateString(big));
    assert_decrypt_fails(env, FOIL_E_VALIDATION, "encrypted_delivery");
    free(env);
    free(big);
    big = b64url_of_size((1u << 20) + 1);
    env = envelope_with("ciphertext", cJSON_CreateString(big));
    assert_decrypt_fails(env, FOIL_E_VALIDATION, "encrypted_delivery.ciphertext");
    free(env);
    free(big);

    size_t n = (1u << 20) + 100;
    char *payload = malloc(n + 1);
    memset(payload, ' ', n);
    memcpy(payload, "{\"version\":1,\"outputs\":{}}", 26);
    payload[n] = '\0';
    char *delivery = print(cJSON_GetObjectItemCaseSensitive(vector, "delivery"));
    char *out = (char *)1;
    assert_failure(foil_gate_delivery_encrypt(delivery, payload, &out), FOIL_E_VALIDATION,
                   "payload");
    assert_null(out);
    free(delivery);
    free(payload);
}

static void null_arguments_are_reported(void **state) {
    (void)state;
    foil_delivery_key_pair_t *kp = vector_key_pair();
    foil_delivery_payload_t *p = (foil_delivery_payload_t *)1;
    assert_failure(foil_gate_delivery_decrypt(NULL, "{}", &p), FOIL_E_INVALID_ARGUMENT, "kp");
    assert_null(p);
    assert_failure(foil_gate_delivery_decrypt(kp, NULL, &p), FOIL_E_INVALID_ARGUMENT,
                   "envelope_json");
    assert_failure(foil_gate_delivery_decrypt(kp, "{}", NULL), FOIL_E_INVALID_ARGUMENT, "out");
    char *s = (char *)1;
    assert_failure(foil_delivery_key_pair_export_pkcs8(NULL, &s), FOIL_E_INVALID_ARGUMENT, "kp");
    assert_null(s);
    assert_failure(foil_delivery_key_pair_request_json(NULL, &s), FOIL_E_INVALID_ARGUMENT, "kp");
    assert_failure(foil_delivery_key_pair_new(NULL), FOIL_E_INVALID_ARGUMENT, "out");
    assert_null(foil_delivery_key_pair_public_key(NULL));
    assert_null(foil_delivery_key_pair_key_id(NULL));
    assert_int_equal(foil_delivery_payload_output_count(NULL), 0);
    assert_null(foil_delivery_payload_output(NULL, "A"));
    assert_null(foil_delivery_payload_ack_token(NULL));
    assert_null(foil_delivery_payload_json(NULL));
    foil_delivery_payload_free(NULL);
    foil_delivery_key_pair_free(NULL);
    foil_delivery_key_pair_free(kp);
}

static void request_json_matches_the_key_pair(void **state) {
    (void)state;
    foil_delivery_key_pair_t *kp = vector_key_pair();
    char *json = NULL;
    FOIL_ASSERT_OK(foil_delivery_key_pair_request_json(kp, &json));
    char *expected = print(cJSON_GetObjectItemCaseSensitive(vector, "delivery"));
    assert_string_equal(json, expected);
    free(expected);
    foil_string_free(json);
    foil_delivery_key_pair_free(kp);
}

static void approved_webhook_response_decrypts(void **state) {
    (void)state;
    foil_delivery_key_pair_t *kp = NULL;
    FOIL_ASSERT_OK(foil_delivery_key_pair_new(&kp));
    char *delivery = NULL, *response = NULL;
    FOIL_ASSERT_OK(foil_delivery_key_pair_request_json(kp, &delivery));
    FOIL_ASSERT_OK(foil_gate_approved_webhook_response(
        delivery, "{\"FOIL_SECRET_KEY\":\"sk_test_1\",\"FOIL_PUBLISHABLE_KEY\":\"pk_test_1\"}",
        &response));
    cJSON *doc = cJSON_Parse(response);
    const cJSON *env = cJSON_GetObjectItemCaseSensitive(doc, "encrypted_delivery");
    assert_true(cJSON_IsObject(env));
    assert_int_equal(cJSON_GetArraySize(doc), 1);
    char *env_text = print(env);
    foil_delivery_payload_t *p = NULL;
    FOIL_ASSERT_OK(foil_gate_delivery_decrypt(kp, env_text, &p));
    assert_string_equal(foil_delivery_payload_output(p, "FOIL_SECRET_KEY"), "sk_test_1");
    assert_string_equal(foil_delivery_payload_output(p, "FOIL_PUBLISHABLE_KEY"), "pk_test_1");
    assert_null(foil_delivery_payload_ack_token(p));
    assert_int_equal(foil_json_size(foil_delivery_payload_json(p)), 2);
    foil_delivery_payload_free(p);
    free(env_text);
    cJSON_Delete(doc);
    foil_string_free(response);

    char *out = (char *)1;
    assert_failure(foil_gate_approved_webhook_response(delivery, "{\"A\":true}", &out),
                   FOIL_E_VALIDATION, "payload.outputs");
    assert_null(out);
    assert_failure(foil_gate_approved_webhook_response(delivery, "[]", &out), FOIL_E_VALIDATION,
                   "payload.outputs");
    assert_failure(foil_gate_approved_webhook_response("{}", "{}", &out), FOIL_E_VALIDATION,
                   "delivery.version");
    foil_string_free(delivery);
    foil_delivery_key_pair_free(kp);
}

static int setup(void **state) {
    (void)state;
    vector = foil_test_fixture("gate-delivery/vector.v1.json");
    request = foil_test_fixture("gate-delivery/delivery-request.json");
    return vector && request ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    cJSON_Delete(vector);
    cJSON_Delete(request);
    return 0;
}

int main(void) {
    int skip = foil_test_require_spec("test_delivery");
    if (skip) return skip;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(golden_vector_decrypts_to_its_plaintext),
        cmocka_unit_test(delivery_request_key_id_is_rederived),
        cmocka_unit_test(pkcs8_round_trips),
        cmocka_unit_test(pkcs8_import_rejects_other_encodings),
        cmocka_unit_test(encrypt_then_decrypt_round_trips),
        cmocka_unit_test(tampering_is_detected),
        cmocka_unit_test(envelope_lengths_are_exact),
        cmocka_unit_test(envelope_structure_is_checked),
        cmocka_unit_test(decrypted_payload_is_validated),
        cmocka_unit_test(decrypted_payload_must_be_text),
        cmocka_unit_test(encrypt_validates_its_inputs),
        cmocka_unit_test(encrypt_reads_its_inputs_strictly),
        cmocka_unit_test(delivery_requests_are_validated),
        cmocka_unit_test(huge_inputs_are_refused),
        cmocka_unit_test(null_arguments_are_reported),
        cmocka_unit_test(request_json_matches_the_key_pair),
        cmocka_unit_test(approved_webhook_response_decrypts),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
