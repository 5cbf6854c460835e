/* foil_cursor_guess (api/cursor_guess.h): a list answer's next_cursor read from its last
 * bytes before the parse; NULL whenever the text does not plainly name one. */
#include "foil_test.h"

#include "api/cursor_guess.h"

#include <stdlib.h>
#include <string.h>

static char *guess(const char *text) {
    return foil_cursor_guess(text, strlen(text));
}

static void assert_guess(const char *text, const char *want) {
    char *g = guess(text);
    if (want) {
        assert_non_null(g);
        assert_string_equal(g, want);
    } else {
        assert_null(g);
    }
    free(g);
}

static void the_cursor_after_the_last_key(void **state) {
    (void)state;
    assert_guess("{\"data\":[],\"pagination\":{\"has_more\":true,\"next_cursor\":\"eyJ2IjoxfQ\"}}",
                 "eyJ2IjoxfQ");
    /* Space around the colon, and the key's last occurrence wins. */
    assert_guess("{\"data\":[{\"next_cursor\":\"a\"}],\"pagination\":{\"next_cursor\" :\n \"b\"}}",
                 "b");
    assert_guess("{\"pagination\":{\"next_cursor\":\"c1\"},\"meta\":{\"request_id\":\"r\"}}", "c1");
}

static void nothing_plain_to_guess(void **state) {
    (void)state;
    assert_guess("{\"pagination\":{\"has_more\":false,\"next_cursor\":null}}", NULL);
    assert_guess("{\"pagination\":{\"has_more\":false}}", NULL);
    assert_guess("{\"pagination\":{\"next_cursor\":\"\"}}", NULL);
    assert_guess("{\"pagination\":{\"next_cursor\":\"a\\/b\"}}", NULL); /* an escape */
    assert_guess("{\"pagination\":{\"next_cursor\":\"a b\"}}", "a b");
    assert_guess("{\"pagination\":{\"next_cursor\":\"a\tb\"}}", NULL); /* a control byte */
    assert_guess("{\"pagination\":{\"next_cursor\":\"caf\xc3\xa9\"}}", NULL);
    assert_guess("{\"pagination\":{\"next_cursor\":\"unterminated", NULL);
    assert_guess("{\"note\":\"next_cursor\",\"x\":1}", NULL); /* a value, not a key */
    assert_guess("\"next_cursor\"", NULL);
    assert_guess("", NULL);
    assert_null(foil_cursor_guess(NULL, 0));
}

/* Only the answer's last FOIL_CURSOR_GUESS_TAIL bytes are searched. */
static void only_the_tail_is_read(void **state) {
    (void)state;
    const char *head = "{\"pagination\":{\"next_cursor\":\"early\"},\"pad\":\"";
    size_t pad = FOIL_CURSOR_GUESS_TAIL;
    size_t n = strlen(head) + pad + 3;
    char *text = malloc(n);
    assert_non_null(text);
    memcpy(text, head, strlen(head));
    memset(text + strlen(head), 'x', pad);
    memcpy(text + strlen(head) + pad, "\"}", 3);
    assert_null(foil_cursor_guess(text, n - 1));
    /* The same key within the tail is found. */
    assert_guess("{\"pad\":\"xxxx\",\"pagination\":{\"next_cursor\":\"late\"}}", "late");
    free(text);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_cursor_after_the_last_key),
        cmocka_unit_test(nothing_plain_to_guess),
        cmocka_unit_test(only_the_tail_is_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
