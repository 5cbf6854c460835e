/* HKDF-SHA256 against RFC 5869 appendix A. No spec files needed. */
#include "foil_test.h"

#include "crypto/hkdf.h"

#include <sodium.h>
#include <string.h>

static void hex_to_bin(const char *hex, unsigned char *out, size_t out_len) {
    size_t n = 0;
    assert_int_equal(sodium_hex2bin(out, out_len, hex, strlen(hex), NULL, &n, NULL), 0);
    assert_int_equal(n, out_len);
}

static void rfc5869_test_case_1(void **state) {
    (void)state;
    unsigned char ikm[22], salt[13], info[10], expected[42], okm[42];
    memset(ikm, 0x0b, sizeof ikm);
    hex_to_bin("000102030405060708090a0b0c", salt, sizeof salt);
    hex_to_bin("f0f1f2f3f4f5f6f7f8f9", info, sizeof info);
    hex_to_bin("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887"
               "185865",
               expected, sizeof expected);
    assert_int_equal(
        foil_hkdf_sha256(okm, sizeof okm, salt, sizeof salt, ikm, sizeof ikm, info, sizeof info),
        0);
    assert_memory_equal(okm, expected, sizeof okm);
}

static void rfc5869_test_case_2_long_inputs(void **state) {
    (void)state;
    unsigned char ikm[80], salt[80], info[80], expected[82], okm[82];
    for (size_t i = 0; i < 80; i++) {
        ikm[i] = (unsigned char)i;
        salt[i] = (unsigned char)(0x60 + i);
        info[i] = (unsigned char)(0xb0 + i);
    }
    hex_to_bin("b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac78272"
               "71cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f"
               "1d87",
               expected, sizeof expected);
    assert_int_equal(
        foil_hkdf_sha256(okm, sizeof okm, salt, sizeof salt, ikm, sizeof ikm, info, sizeof info),
        0);
    assert_memory_equal(okm, expected, sizeof okm);
}

static void rfc5869_test_case_3_empty_salt_and_info(void **state) {
    (void)state;
    unsigned char ikm[22], expected[42], okm[42];
    memset(ikm, 0x0b, sizeof ikm);
    hex_to_bin("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b6"
               "1a96c8",
               expected, sizeof expected);
    assert_int_equal(foil_hkdf_sha256(okm, sizeof okm, NULL, 0, ikm, sizeof ikm, NULL, 0), 0);
    assert_memory_equal(okm, expected, sizeof okm);
}

static void output_length_is_limited(void **state) {
    (void)state;
    static unsigned char okm[255 * 32 + 1];
    unsigned char ikm[1] = {1};
    assert_int_equal(foil_hkdf_sha256(okm, 255 * 32, NULL, 0, ikm, 1, NULL, 0), 0);
    assert_int_equal(foil_hkdf_sha256(okm, sizeof okm, NULL, 0, ikm, 1, NULL, 0), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc5869_test_case_1),
        cmocka_unit_test(rfc5869_test_case_2_long_inputs),
        cmocka_unit_test(rfc5869_test_case_3_empty_salt_and_info),
        cmocka_unit_test(output_length_is_limited),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
