/* base64url / base64 codecs (core/src/base64url.c). No spec files needed. */
#include "foil_test.h"

#include "crypto/base64url.h"

#include <stdlib.h>
#include <string.h>

static void assert_encodes(const char *bin, size_t len, const char *expected) {
    char *text = foil_b64url_encode((const unsigned char *)bin, len);
    assert_non_null(text);
    assert_string_equal(text, expected);
    free(text);
}

static void assert_decodes(const char *text, const char *expected, size_t expected_len) {
    unsigned char *bin = NULL;
    size_t len = 99;
    assert_int_equal(foil_b64url_decode(text, &bin, &len), 0);
    assert_int_equal(len, expected_len);
    if (expected_len) assert_memory_equal(bin, expected, expected_len);
    free(bin);
}

static void assert_rejects(const char *text) {
    unsigned char *bin = (unsigned char *)"sentinel";
    size_t len = 99;
    assert_int_equal(foil_b64url_decode(text, &bin, &len), -1);
    assert_null(bin);
    assert_int_equal(len, 0);
}

static void encode_is_unpadded_urlsafe(void **state) {
    (void)state;
    assert_encodes("", 0, "");
    assert_encodes("f", 1, "Zg");
    assert_encodes("fo", 2, "Zm8");
    assert_encodes("foo", 3, "Zm9v");
    assert_encodes("foob", 4, "Zm9vYg");
    assert_encodes("\xfb\xff", 2, "-_8");
}

static void decode_accepts_with_and_without_padding(void **state) {
    (void)state;
    assert_decodes("", "", 0);
    assert_decodes("Zg", "f", 1);
    assert_decodes("Zg==", "f", 1);
    assert_decodes("Zm8", "fo", 2);
    assert_decodes("Zm8=", "fo", 2);
    assert_decodes("Zm9v", "foo", 3);
    assert_decodes("-_8", "\xfb\xff", 2);
    assert_decodes("-_8=", "\xfb\xff", 2);
}

static void decode_rejects_non_canonical_text(void **state) {
    (void)state;
    assert_rejects("Z");      /* impossible length */
    assert_rejects("Zg=");    /* padded but not a multiple of 4 */
    assert_rejects("Zg===");  /* too much padding */
    assert_rejects("Zh");     /* non-zero trailing bits */
    assert_rejects("+/8");    /* standard alphabet */
    assert_rejects("Zm 9v");  /* whitespace */
    assert_rejects("Z=g=");   /* padding in the middle */
    assert_rejects("Zm9v\n"); /* trailing newline */
    assert_rejects("====");   /* padding only */
}

static void decode_exact_checks_the_length(void **state) {
    (void)state;
    unsigned char out[3];
    assert_int_equal(foil_b64url_decode_exact("Zm9v", out, 3), 0);
    assert_memory_equal(out, "foo", 3);
    assert_int_equal(foil_b64url_decode_exact("Zm8", out, 3), -1);
    assert_int_equal(foil_b64url_decode_exact("Zm9vYg", out, 3), -1);
    assert_int_equal(foil_b64url_decode_exact("Zm9!", out, 3), -1);
    unsigned char two[2];
    assert_int_equal(foil_b64url_decode_exact("Zm8=", two, 2), 0);
    assert_memory_equal(two, "fo", 2);
}

static void standard_decoder_uses_the_standard_alphabet(void **state) {
    (void)state;
    unsigned char *bin = NULL;
    size_t len = 0;
    assert_int_equal(foil_b64_decode("+/8=", &bin, &len), 0);
    assert_int_equal(len, 2);
    assert_memory_equal(bin, "\xfb\xff", 2);
    free(bin);
    assert_int_equal(foil_b64_decode("+/8", &bin, &len), 0);
    free(bin);
    assert_int_equal(foil_b64_decode("-_8=", &bin, &len), -1);
    assert_null(bin);
}

static void decoders_refuse_bytes_no_encoder_writes(void **state) {
    (void)state;
    unsigned char *bin = NULL, fixed[3];
    size_t len = 0;
    /* libsodium alone would read 0x80.. as '/' or '_'. */
    assert_rejects("AAA\x80");
    assert_int_equal(foil_b64url_decode_exact("AA\xff\xff", fixed, 3), -1);
    assert_int_equal(foil_b64_decode("AAA\x80", &bin, &len), -1);
    assert_int_equal(foil_b64_decode("\xc3\xa9"
                                     "AA",
                                     &bin, &len),
                     -1);
    /* 4n+1 characters cannot encode whole bytes. */
    assert_int_equal(foil_b64_decode("AAAAA", &bin, &len), -1);
    /* Non-zero bits after the last byte: another spelling of "+/8=". */
    assert_int_equal(foil_b64_decode("+/9=", &bin, &len), -1);
    assert_null(bin);
}

static void round_trips_every_length(void **state) {
    (void)state;
    unsigned char data[64];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)(i * 37 + 11);
    for (size_t n = 0; n <= sizeof data; n++) {
        char *text = foil_b64url_encode(data, n);
        assert_non_null(text);
        assert_null(strchr(text, '='));
        unsigned char *back = NULL;
        size_t back_len = 0;
        assert_int_equal(foil_b64url_decode(text, &back, &back_len), 0);
        assert_int_equal(back_len, n);
        if (n) assert_memory_equal(back, data, n);
        free(back);
        free(text);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(encode_is_unpadded_urlsafe),
        cmocka_unit_test(decode_accepts_with_and_without_padding),
        cmocka_unit_test(decode_rejects_non_canonical_text),
        cmocka_unit_test(decode_exact_checks_the_length),
        cmocka_unit_test(standard_decoder_uses_the_standard_alphabet),
        cmocka_unit_test(decoders_refuse_bytes_no_encoder_writes),
        cmocka_unit_test(round_trips_every_length),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
