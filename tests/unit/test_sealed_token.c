/* Sealed token verification: the official vectors and every way a token can be bad. */
#include "foil_test.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define PRIMARY_SECRET "sk_live_fixture_secret"

static cJSON *v1, *v2, *invalid;

static const char *str(const cJSON *obj, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    assert_true(cJSON_IsString(v));
    return v->valuestring;
}

static unsigned char *decode_token(const char *token, size_t *len) {
    size_t cap = strlen(token);
    unsigned char *bin = malloc(cap);
    assert_int_equal(sodium_base642bin(bin, cap, token, strlen(token), NULL, len, NULL,
                                       sodium_base64_VARIANT_ORIGINAL),
                     0);
    return bin;
}

static char *encode_token(const unsigned char *bin, size_t len) {
    size_t size = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
    char *text = malloc(size);
    sodium_bin2base64(text, size, bin, len, sodium_base64_VARIANT_ORIGINAL);
    return text;
}

/* Verify both ways: strict must fail with `reason` and safe must report it. */
static void assert_rejected(const char *token, const char *secret, const char *reason) {
    foil_document_t *doc = (foil_document_t *)1;
    assert_int_equal(foil_sealed_token_verify(token, secret, &doc), FOIL_E_TOKEN);
    assert_null(doc);
    assert_string_equal(foil_error_code(foil_last_error()), reason);
    assert_int_equal(foil_error_status(foil_last_error()), FOIL_E_TOKEN);

    int ok = 7;
    const char *code = NULL;
    doc = (foil_document_t *)1;
    FOIL_ASSERT_OK(foil_sealed_token_safe_verify(token, secret, &ok, &code, &doc));
    assert_int_equal(ok, 0);
    assert_null(doc);
    assert_non_null(code);
    assert_string_equal(code, reason);
}

static void assert_rejected_bin(const unsigned char *bin, size_t len, const char *reason) {
    char *token = encode_token(bin, len);
    assert_rejected(token, PRIMARY_SECRET, reason);
    free(token);
}

static void assert_verifies_to(const char *token, const char *secret, const cJSON *expected) {
    foil_document_t *doc = NULL;
    FOIL_ASSERT_OK(foil_sealed_token_verify(token, secret, &doc));
    assert_true(cJSON_Compare((const cJSON *)foil_document_root(doc), expected, 1));
    foil_document_free(doc);

    int ok = 0;
    const char *code = "unset";
    FOIL_ASSERT_OK(foil_sealed_token_safe_verify(token, secret, &ok, &code, &doc));
    assert_int_equal(ok, 1);
    assert_null(code);
    assert_true(cJSON_Compare((const cJSON *)foil_document_root(doc), expected, 1));
    foil_document_free(doc);
}

/* Build a v1 token for PRIMARY_SECRET around arbitrary plaintext, as §4 describes. */
static char *make_v1_token(const unsigned char *plain, size_t len) {
    unsigned char digest[32], key[32];
    char hex[65];
    crypto_hash_sha256(digest, (const unsigned char *)PRIMARY_SECRET, strlen(PRIMARY_SECRET));
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    unsigned char material[64 + 1 + 14];
    memcpy(material, hex, 64);
    material[64] = 0;
    memcpy(material + 65, "sealed-results", 14);
    crypto_hash_sha256(key, material, sizeof material);

    size_t total = 1 + 12 + len + 16;
    unsigned char *tok = malloc(total);
    tok[0] = 0x01;
    randombytes_buf(tok + 1, 12);
    crypto_aead_aes256gcm_encrypt_detached(tok + 13, tok + 13 + len, NULL, plain, len, NULL, 0,
                                           NULL, tok + 1, key);
    char *text = encode_token(tok, total);
    free(tok);
    return text;
}

static char *make_v1_json_token(const char *json, size_t json_len) {
    uLongf cap = compressBound((uLong)json_len);
    unsigned char *z = malloc(cap);
    assert_int_equal(compress2(z, &cap, (const Bytef *)json, (uLong)json_len, 9), Z_OK);
    char *token = make_v1_token(z, cap);
    free(z);
    return token;
}

static void v1_vector_with_secret_and_hash(void **state) {
    (void)state;
    const cJSON *payload = cJSON_GetObjectItemCaseSensitive(v1, "payload");
    const char *token = str(v1, "token");
    assert_verifies_to(token, str(v1, "secretKey"), payload);
    assert_verifies_to(token, str(v1, "secretHash"), payload);
    char upper[65];
    const char *hash = str(v1, "secretHash");
    for (size_t i = 0; i < 65; i++)
        upper[i] = (char)(hash[i] >= 'a' && hash[i] <= 'f' ? hash[i] - 32 : hash[i]);
    assert_verifies_to(token, upper, payload);
}

static void v2_vector_with_every_recipient(void **state) {
    (void)state;
    const cJSON *payload = cJSON_GetObjectItemCaseSensitive(v2, "payload");
    const char *token = str(v2, "token");
    const cJSON *keys = cJSON_GetObjectItemCaseSensitive(v2, "secretKeys");
    const cJSON *hashes = cJSON_GetObjectItemCaseSensitive(v2, "secretHashes");
    assert_int_equal(cJSON_GetArraySize(keys), 2);
    assert_int_equal(cJSON_GetArraySize(hashes), 2);
    const cJSON *s;
    cJSON_ArrayForEach(s, keys) assert_verifies_to(token, s->valuestring, payload);
    cJSON_ArrayForEach(s, hashes) assert_verifies_to(token, s->valuestring, payload);
}

static void invalid_fixture_is_rejected_with_its_reason(void **state) {
    (void)state;
    char reason[96];
    snprintf(reason, sizeof reason, "token.%s", str(invalid, "reason"));
    assert_rejected(str(invalid, "token"), PRIMARY_SECRET, reason);
}

static void wrong_secrets_fail_authentication(void **state) {
    (void)state;
    assert_rejected(str(v1, "token"), "sk_live_other", "token.authentication_failure");
    assert_rejected(str(v2, "token"), "sk_live_other", "token.authentication_failure");
    /* 64 hex digits are taken as a hash, so a hash of another secret fails too. */
    assert_rejected(str(v1, "token"),
                    "0000000000000000000000000000000000000000000000000000000000000000",
                    "token.authentication_failure");
}

static void v1_tampering_and_truncation(void **state) {
    (void)state;
    size_t len = 0;
    unsigned char *tok = decode_token(str(v1, "token"), &len);
    assert_rejected_bin(tok, len - 1, "token.authentication_failure");
    assert_rejected_bin(tok, 28, "token.malformed");
    assert_rejected_bin(tok, 1, "token.malformed");
    for (size_t pos = 1; pos < len; pos += 97) {
        tok[pos] ^= 0x80;
        assert_rejected_bin(tok, len, "token.authentication_failure");
        tok[pos] ^= 0x80;
    }
    tok[0] = 0x03;
    assert_rejected_bin(tok, len, "token.unsupported_version");
    tok[0] = 0x00;
    assert_rejected_bin(tok, len, "token.unsupported_version");
    free(tok);
}

static void v2_structure_is_checked(void **state) {
    (void)state;
    size_t len = 0;
    unsigned char *tok = decode_token(str(v2, "token"), &len);
    unsigned char *copy = malloc(len);

    /* Recipient count 0, 257 and a count that no longer matches the length. */
    const unsigned counts[] = {0, 257, 0xffff, 1, 3};
    for (size_t i = 0; i < sizeof counts / sizeof *counts; i++) {
        memcpy(copy, tok, len);
        copy[1] = (unsigned char)(counts[i] >> 8);
        copy[2] = (unsigned char)counts[i];
        assert_rejected_bin(copy, len, "token.malformed");
    }
    /* payload_len 0, one more / less than the real one, and a huge one. */
    const uint32_t real =
        (uint32_t)tok[15] << 24 | (uint32_t)tok[16] << 16 | (uint32_t)tok[17] << 8 | tok[18];
    const uint32_t lens[] = {0, real + 1, real - 1, 0xffffffffu};
    for (size_t i = 0; i < sizeof lens / sizeof *lens; i++) {
        memcpy(copy, tok, len);
        copy[15] = (unsigned char)(lens[i] >> 24);
        copy[16] = (unsigned char)(lens[i] >> 16);
        copy[17] = (unsigned char)(lens[i] >> 8);
        copy[18] = (unsigned char)lens[i];
        assert_rejected_bin(copy, len, "token.malformed");
    }
    assert_rejected_bin(tok, len - 1, "token.malformed");
    assert_rejected_bin(tok, 40, "token.malformed");

    /* Which recipient entry is PRIMARY_SECRET's (the ids are SHA-256 of
     * hex(SHA-256(secret)) || 0x00 || "sealed-results-recipient-id"). */
    unsigned char digest[32], own_id[32];
    char hex[65];
    crypto_hash_sha256(digest, (const unsigned char *)PRIMARY_SECRET, strlen(PRIMARY_SECRET));
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    unsigned char material[64 + 1 + 27];
    memcpy(material, hex, 64);
    material[64] = 0;
    memcpy(material + 65, "sealed-results-recipient-id", 27);
    crypto_hash_sha256(own_id, material, sizeof material);
    const size_t recipients = 19 + real + 16, entry = 32 + 12 + 32 + 16;
    size_t own = 2, other = 2;
    for (size_t i = 0; i < 2; i++) {
        if (memcmp(tok + recipients + i * entry, own_id, 32) == 0)
            own = i;
        else
            other = i;
    }
    assert_true(own < 2 && other < 2);

    /* Everything this recipient relies on is authenticated: the header (payload AAD),
     * the payload and its tag, its own wrap entry, and every recipient id. */
    const size_t positions[] = {
        3,                              /* payload nonce */
        19,                             /* payload ciphertext */
        19 + real + 15,                 /* payload tag */
        recipients + own * entry,       /* own id: no longer a recipient */
        recipients + own * entry + 40,  /* own wrap nonce */
        recipients + own * entry + 50,  /* own wrapped key */
        recipients + own * entry + 91,  /* own wrap tag */
        recipients + other * entry + 7, /* another recipient's id (payload AAD) */
    };
    for (size_t i = 0; i < sizeof positions / sizeof *positions; i++) {
        memcpy(copy, tok, len);
        copy[positions[i]] ^= 0x01;
        assert_rejected_bin(copy, len, "token.authentication_failure");
    }
    /* Another recipient's wrapped key is not ours to check. */
    memcpy(copy, tok, len);
    copy[recipients + other * entry + 50] ^= 0x01;
    char *token = encode_token(copy, len);
    assert_verifies_to(token, PRIMARY_SECRET, cJSON_GetObjectItemCaseSensitive(v2, "payload"));
    free(token);
    free(copy);
    free(tok);
}

static void garbage_is_rejected(void **state) {
    (void)state;
    assert_rejected("", PRIMARY_SECRET, "token.malformed");
    assert_rejected("!!!!", PRIMARY_SECRET, "token.malformed");
    assert_rejected("AQ==\n", PRIMARY_SECRET, "token.malformed");
    assert_rejected("AQ-_", PRIMARY_SECRET, "token.malformed");
    unsigned char junk[200];
    for (int round = 0; round < 20; round++) {
        randombytes_buf(junk, sizeof junk);
        junk[0] = (unsigned char)(round % 2 ? 0x01 : 0x02);
        char *token = encode_token(junk, sizeof junk);
        foil_document_t *doc = NULL;
        int ok = 1;
        const char *code = NULL;
        FOIL_ASSERT_OK(foil_sealed_token_safe_verify(token, PRIMARY_SECRET, &ok, &code, &doc));
        assert_int_equal(ok, 0);
        assert_null(doc);
        assert_true(strcmp(code, "token.malformed") == 0 ||
                    strcmp(code, "token.authentication_failure") == 0);
        free(token);
    }
    char *huge = malloc((2u << 20) + 1);
    memset(huge, 'A', 2u << 20);
    huge[2u << 20] = '\0';
    assert_rejected(huge, PRIMARY_SECRET, "token.malformed");
    free(huge);
}

static void payload_must_be_zlib_json_object(void **state) {
    (void)state;
    /* A well-formed token built here verifies, so the helper is right... */
    const char *good = "{\"object\":\"session_verification\",\"future_field\":[1,2]}";
    char *token = make_v1_json_token(good, strlen(good));
    foil_document_t *doc = NULL;
    FOIL_ASSERT_OK(foil_sealed_token_verify(token, PRIMARY_SECRET, &doc));
    assert_int_equal(foil_json_size(foil_json_get(foil_document_root(doc), "future_field")), 2);
    foil_document_free(doc);
    free(token);

    /* ...and each of these fails for its payload alone. */
    const char *not_objects[] = {"[1,2]", "\"text\"", "42", "not json", "{\"a\":", "",
                                 /* issue 10: NUL and text that is not UTF-8, never cut */
                                 "{\"sid\":\"sid_a\\u0000b\"}", "{\"sid\":\"\xff\"}",
                                 "{\"s\xc0\xaf\":1}"};
    for (size_t i = 0; i < sizeof not_objects / sizeof *not_objects; i++) {
        token = make_v1_json_token(not_objects[i], strlen(not_objects[i]));
        assert_rejected(token, PRIMARY_SECRET, "token.invalid_payload");
        free(token);
    }
    token = make_v1_token((const unsigned char *)"{\"raw\":true}", 12);
    assert_rejected(token, PRIMARY_SECRET, "token.decompression_failure");
    free(token);

    /* Truncated zlib stream, and trailing bytes after it. */
    unsigned char z[128];
    uLongf cap = sizeof z;
    assert_int_equal(compress2(z, &cap, (const Bytef *)"{\"a\":1}", 7, 9), Z_OK);
    token = make_v1_token(z, cap - 2);
    assert_rejected(token, PRIMARY_SECRET, "token.decompression_failure");
    free(token);
    z[cap] = 0;
    token = make_v1_token(z, cap + 1);
    assert_rejected(token, PRIMARY_SECRET, "token.decompression_failure");
    free(token);
}

static void inflation_is_capped(void **state) {
    (void)state;
    /* An object padded with whitespace: 2 MiB inflates past the 1 MiB cap, just
     * under 1 MiB does not. */
    const size_t sizes[] = {2u << 20, (1u << 20) - 16};
    for (size_t i = 0; i < 2; i++) {
        size_t n = sizes[i];
        char *json = malloc(n);
        memset(json, ' ', n);
        json[0] = '{';
        json[n - 1] = '}';
        char *token = make_v1_json_token(json, n);
        if (i == 0) {
            assert_rejected(token, PRIMARY_SECRET, "token.decompression_failure");
        } else {
            foil_document_t *doc = NULL;
            FOIL_ASSERT_OK(foil_sealed_token_verify(token, PRIMARY_SECRET, &doc));
            foil_document_free(doc);
        }
        free(token);
        free(json);
    }
}

static void arguments_are_checked(void **state) {
    (void)state;
    const char *token = str(v1, "token");
    foil_document_t *doc = (foil_document_t *)1;
    assert_int_equal(foil_sealed_token_verify(NULL, PRIMARY_SECRET, &doc), FOIL_E_INVALID_ARGUMENT);
    assert_null(doc);
    assert_int_equal(foil_sealed_token_verify(token, NULL, &doc), FOIL_E_INVALID_ARGUMENT);
    assert_int_equal(foil_sealed_token_verify(token, "", &doc), FOIL_E_INVALID_ARGUMENT);
    assert_string_equal(foil_error_field_name(foil_last_error(), 0), "secret");
    assert_int_equal(foil_sealed_token_verify(token, PRIMARY_SECRET, NULL),
                     FOIL_E_INVALID_ARGUMENT);
    int ok = 1;
    const char *code = "x";
    assert_int_equal(foil_sealed_token_safe_verify(NULL, PRIMARY_SECRET, &ok, &code, &doc),
                     FOIL_E_INVALID_ARGUMENT);
    assert_int_equal(ok, 0);
    assert_null(code);
    assert_int_equal(foil_sealed_token_safe_verify(token, PRIMARY_SECRET, NULL, &code, &doc),
                     FOIL_E_INVALID_ARGUMENT);
    assert_int_equal(foil_sealed_token_safe_verify(token, PRIMARY_SECRET, &ok, NULL, &doc),
                     FOIL_E_INVALID_ARGUMENT);
    assert_int_equal(foil_sealed_token_safe_verify(token, PRIMARY_SECRET, &ok, &code, NULL),
                     FOIL_E_INVALID_ARGUMENT);
}

static int setup(void **state) {
    (void)state;
    v1 = foil_test_fixture("sealed-token/vector.v1.json");
    v2 = foil_test_fixture("sealed-token/vector.v2.json");
    invalid = foil_test_fixture("sealed-token/invalid.json");
    return v1 && v2 && invalid && foil_global_init() == FOIL_OK ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    cJSON_Delete(v1);
    cJSON_Delete(v2);
    cJSON_Delete(invalid);
    return 0;
}

int main(void) {
    int skip = foil_test_require_spec("test_sealed_token");
    if (skip) return skip;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(v1_vector_with_secret_and_hash),
        cmocka_unit_test(v2_vector_with_every_recipient),
        cmocka_unit_test(invalid_fixture_is_rejected_with_its_reason),
        cmocka_unit_test(wrong_secrets_fail_authentication),
        cmocka_unit_test(v1_tampering_and_truncation),
        cmocka_unit_test(v2_structure_is_checked),
        cmocka_unit_test(garbage_is_rejected),
        cmocka_unit_test(payload_must_be_zlib_json_object),
        cmocka_unit_test(inflation_is_capped),
        cmocka_unit_test(arguments_are_checked),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
