/* The arena JSON parser against cJSON 1.7.15: same trees, same rejections, and the
 * documented places where it is stricter than cJSON. */
#include "foil_test.h"

#include "json/json_arena.h"

#include <dirent.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int same_bits(double a, double b) {
    return memcmp(&a, &b, sizeof a) == 0;
}

static int same_text(const char *a, const char *b) {
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Every field cJSON's parser sets, and cJSON's sibling links: prev is the previous
 * sibling, except the first child's, which is the last child. `a` is the arena's tree: its
 * numbers also say how they were written (checked in test_integer_text). */
static int same_tree(const cJSON *a, const cJSON *b) {
    int number = cJSON_IsNumber(a);
    int flags = FOIL_JSON_INTEGER_TEXT | FOIL_JSON_DECIMAL_TEXT;
    if ((a->type & ~flags) != b->type || (number && !(a->type & flags)) ||
        a->valueint != b->valueint || !same_bits(a->valuedouble, b->valuedouble) ||
        !same_text(a->string, b->string) ||
        !same_text(number ? NULL : a->valuestring, b->valuestring))
        return 0;
    const cJSON *x = a->child, *y = b->child;
    if (!x != !y) return 0;
    if (!x) return 1;
    const cJSON *first = x, *last = NULL;
    for (; x && y; x = x->next, y = y->next) {
        if (!same_tree(x, y) || (x != first && x->prev != last)) return 0;
        last = x;
    }
    return !x && !y && first->prev == last;
}

/* Containers nested in `node`, counting it; stops counting at `cap`. */
static int depth_capped(const cJSON *node, int cap) {
    if (cap == 0 || !node->child) return 0;
    int deepest = 0;
    for (const cJSON *c = node->child; c; c = c->next) {
        int d = depth_capped(c, cap - 1);
        if (d > deepest) deepest = d;
    }
    return deepest + 1;
}

/* cJSON_Compare checks objects both ways at every level: 2^depth work. */
#define COMPARE_MAX_DEPTH 12

/* cJSON as libfoil used it before, in its strict mode: the whole text is one value. */
static cJSON *cjson_parse(const char *text, size_t len) {
    char *terminated = malloc(len + 1);
    assert_non_null(terminated);
    memcpy(terminated, text, len);
    terminated[len] = '\0';
    cJSON *tree = cJSON_ParseWithLengthOpts(terminated, len + 1, NULL, 1);
    free(terminated);
    return tree;
}

/* The arena parser on exactly `len` heap bytes (no terminator to lean on). */
static foil_status_t arena_parse(const char *text, size_t len, foil_json_arena_t **arena,
                                 cJSON **root) {
    char *exact = malloc(len ? len : 1);
    assert_non_null(exact);
    memcpy(exact, text, len);
    foil_status_t st = foil_json_arena_parse(exact, len, arena, root);
    free(exact);
    return st;
}

static void expect_same_n(const char *text, size_t len) {
    foil_json_arena_t *arena = NULL;
    cJSON *tree = NULL;
    cJSON *reference = cjson_parse(text, len);
    if (!reference) fail_msg("cJSON rejects %.*s", (int)(len > 80 ? 80 : len), text);
    foil_status_t st = arena_parse(text, len, &arena, &tree);
    if (st != FOIL_OK) fail_msg("arena rejects %.*s", (int)(len > 80 ? 80 : len), text);
    if (!same_tree(tree, reference))
        fail_msg("trees differ for %.*s", (int)(len > 80 ? 80 : len), text);
    /* cJSON_Compare looks members up by key: it disagrees with itself on repeated keys,
     * so the verdict must only match the one for cJSON's own copy. */
    cJSON *copy = cJSON_Duplicate(reference, 1);
    if (depth_capped(reference, COMPARE_MAX_DEPTH + 1) <= COMPARE_MAX_DEPTH)
        assert_int_equal(cJSON_Compare(tree, reference, 1), cJSON_Compare(copy, reference, 1));
    cJSON_Delete(copy);
    cJSON_Delete(reference);
    foil_json_arena_free(arena, false);
}

static void expect_same(const char *text) {
    expect_same_n(text, strlen(text));
}

static void expect_arena_rejects_n(const char *text, size_t len) {
    foil_json_arena_t *arena = (foil_json_arena_t *)&arena; /* must be reset to NULL */
    cJSON *tree = (cJSON *)&tree;
    if (arena_parse(text, len, &arena, &tree) != FOIL_E_PROTOCOL)
        fail_msg("arena accepts %.*s", (int)(len > 80 ? 80 : len), text);
    assert_null(arena);
    assert_null(tree);
}

static void expect_both_reject_n(const char *text, size_t len) {
    cJSON *reference = cjson_parse(text, len);
    if (reference) fail_msg("cJSON accepts %.*s", (int)(len > 80 ? 80 : len), text);
    expect_arena_rejects_n(text, len);
}

static void expect_both_reject(const char *text) {
    expect_both_reject_n(text, strlen(text));
}

/* Invalid JSON that cJSON accepts and the arena parser rejects on purpose. */
static void expect_stricter_n(const char *text, size_t len) {
    cJSON *reference = cjson_parse(text, len);
    if (!reference) fail_msg("cJSON rejects %.*s (no longer a cJSON leniency)", (int)len, text);
    cJSON_Delete(reference);
    expect_arena_rejects_n(text, len);
}

static void expect_stricter(const char *text) {
    expect_stricter_n(text, strlen(text));
}

/* Issue 10 (defects 10, 11): a string from the network holding NUL, or bytes that are
 * not UTF-8, is FOIL_E_PROTOCOL, never cut short or passed on. cJSON accepts both. */
static void test_nul_and_invalid_utf8_refused(void **state) {
    (void)state;
    const char *nul[] = {"\"nul \\u0000 inside\"", "{\"id\":\"sid_a\\u0000b\"}",
                         "{\"k\\u0000ey\":1}", "[\"\\u0000\"]"};
    for (size_t i = 0; i < sizeof nul / sizeof *nul; i++) {
        expect_stricter(nul[i]);
        assert_non_null(strstr(foil_error_message(foil_last_error()), "NUL"));
    }
    const char *bad[] = {
        "\"\xff\"",             /* never a UTF-8 byte */
        "\"\xc0\xaf\"",         /* overlong '/' */
        "\"\xe0\x80\xaf\"",     /* overlong, three bytes */
        "\"\xf0\x80\x80\xaf\"", /* overlong, four bytes */
        "\"\x80\"",             /* lone continuation byte */
        "\"\xc3\"",             /* truncated sequence at the end */
        "\"\xc3x\"",            /* truncated sequence in the middle */
        "\"\xe2\x82\"",         /* truncated three-byte sequence */
        "\"\xed\xa0\x80\"",     /* UTF-16 surrogate D800 */
        "\"\xf4\x90\x80\x80\"", /* above U+10FFFF */
        "\"\xf5\x80\x80\x80\"", /* never a lead byte */
        "{\"k\xff"
        "ey\":1}",                                                         /* in a key */
        "\"\xc3\\n\"",                                                     /* split by an escape */
        "\"escaped \\n then \xff\"",                                       /* after an escape */
        "\"a long ascii run first, more than sixteen bytes, then \xc3(\"", /* wide paths */
        "\"0123456789abcdef\xc3\"", /* high byte right before the quote */
        "\"01234567\xc3\"",         /* eight-byte path */
        "[\"past the first sixty-four bytes of the text, which are all ascii...\", \"\xe2\x82\"]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        expect_stricter(bad[i]);
        assert_non_null(strstr(foil_error_message(foil_last_error()), "UTF-8"));
    }
    /* The text is checked once as a whole: bytes that are not UTF-8 outside any string are
     * refused too (the grammar refuses every byte >= 0x80 there anyway). */
    const char *outside[] = {"{\"a\":\xff 1}", "[1, 2\xc3]"};
    for (size_t i = 0; i < sizeof outside / sizeof *outside; i++) {
        expect_both_reject(outside[i]);
        assert_non_null(strstr(foil_error_message(foil_last_error()), "UTF-8"));
    }
    const char *good[] = {
        "\"\xc2\x80 \xdf\xbf \xe0\xa0\x80 \xef\xbf\xbf \xf0\x90\x80\x80 \xf4\x8f\xbf\xbf\"",
        "\"\xed\x9f\xbf \xee\x80\x80\"", /* around the surrogates */
        "{\"k\xc3\xa9y\":\"v\xc3\xa9\\n\xe2\x82\xac\"}",
        "\"0123456789abcdef0123456789abcdef\xf0\x9f\x98\x80\"",
        "\"\\u0001 is allowed\"",
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        expect_same(good[i]);
}

/* ---- fixtures ------------------------------------------------------------------ */

static void compare_file(const char *path, size_t *compared) {
    size_t len = 0;
    char *text = foil_test_read_file(path, &len);
    assert_non_null(text);
    cJSON *reference = cjson_parse(text, len);
    if (reference) {
        expect_same_n(text, len);
        (*compared)++;
    } else {
        expect_arena_rejects_n(text, len);
    }
    cJSON_Delete(reference);
    free(text);
}

static void compare_dir(const char *dir, size_t *compared) {
    DIR *d = opendir(dir);
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.') continue;
        char path[4096];
        assert_true(snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < (int)sizeof path);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        if (S_ISDIR(st.st_mode))
            compare_dir(path, compared);
        else if (S_ISREG(st.st_mode))
            compare_file(path, compared);
    }
    closedir(d);
}

static void test_spec_fixtures(void **state) {
    (void)state;
    const char *spec = foil_test_spec_dir();
    if (!spec) {
        print_message("foil-spec not found; fixture comparison skipped\n");
        skip();
    }
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/fixtures", spec);
    size_t compared = 0;
    compare_dir(dir, &compared);
    assert_true(compared > 0);
}

/* ---- hand-written cases ------------------------------------------------------------- */

static void test_values_and_containers(void **state) {
    (void)state;
    const char *docs[] = {
        "{}",
        "[]",
        "{ }",
        "[ ]",
        "null",
        "true",
        "false",
        "\"\"",
        "0",
        "[[],{},[{}],{\"a\":[]}]",
        "{\"a\":{\"a\":[true,false,null]}}", /* the same name at different levels */
        " \t\r\n{ \"k\" \n:\r\t[ 1 ,\t2 ] } \r\n\t ",
        "\xEF\xBB\xBF{\"bom\":true}",
        "{\"\":\"\",\"x\":[\"\",\"\"]}",
        "[1,\"two\",3.5,{\"four\":4},[5],true,false,null]",
    };
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++)
        expect_same(docs[i]);
}

static void test_strings(void **state) {
    (void)state;
    const char *docs[] = {
        "\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"",
        "\"\\u0041\\u00e9\\u20AC\\uFFFF\"",
        "\"\\ud83d\\ude00 and \\uD834\\uDD1E\"",
        "\"raw \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"", /* UTF-8 passes through */
        "\"\x7f delete is not a control character\"",
        "\"a long run without escapes, longer than one word at a time\"",
        "{\"esc\\naped key\":\"v\",\"k\\u00e9y\":1}",
        "\"\\\\\"",
        "\"ends with escape \\n\"",
    };
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++)
        expect_same(docs[i]);

    const char *invalid[] = {
        "\"unterminated",      "\"\\",        "\"\\\"", "\"\\x\"",  "\"\\U0041\"",
        "\"\\u12\"",           "\"\\ud83d\"", /* lone high surrogate */
        "\"\\ude00\"",                        /* lone low surrogate */
        "\"\\ud83d\\u0041\"",                 /* high surrogate, then no low one */
        "\"\\ud83dx\\ude00\"",                /* something between the halves */
        "\"\\ude00\\ud83d\"",                 /* reversed pair */
        "\"\\ud83d\\ud83d\"",  "{\"a\" 1}",   "{1:2}",  "{\"a\":}", "'single'",
    };
    for (size_t i = 0; i < sizeof invalid / sizeof *invalid; i++)
        expect_both_reject(invalid[i]);
}

static void expect_number(const char *text, double value, int valueint) {
    expect_same(text);
    foil_json_arena_t *arena = NULL;
    cJSON *tree = NULL;
    FOIL_ASSERT_OK(foil_json_arena_parse(text, strlen(text), &arena, &tree));
    assert_true(cJSON_IsNumber(tree));
    if (!same_bits(tree->valuedouble, value))
        fail_msg("%s -> %.17g, expected %.17g", text, tree->valuedouble, value);
    assert_int_equal(tree->valueint, valueint);
    foil_json_arena_free(arena, false);
}

static void test_numbers(void **state) {
    (void)state;
    expect_number("0", 0.0, 0);
    expect_number("-0", -0.0, 0);
    expect_number("-0.0", -0.0, 0);
    expect_number("-0e-999", -0.0, 0);
    expect_number("0.1", 0.1, 0);
    expect_number("-1.5", -1.5, -1);
    expect_number("1e308", 1e308, INT_MAX);
    expect_number("1e309", HUGE_VAL, INT_MAX);
    expect_number("-1e309", -HUGE_VAL, INT_MIN);
    expect_number("1e-400", 0.0, 0);
    expect_number("5e-324", 5e-324, 0);
    expect_number("2.2250738585072011e-308", 2.2250738585072011e-308, 0);
    expect_number("1.7976931348623157e308", 1.7976931348623157e308, INT_MAX);
    expect_number("2147483647", 2147483647.0, INT_MAX);
    expect_number("2147483646.5", 2147483646.5, 2147483646);
    expect_number("2147483648", 2147483648.0, INT_MAX);
    expect_number("-2147483648", -2147483648.0, INT_MIN);
    expect_number("-2147483647.5", -2147483647.5, -2147483647);
    expect_number("-2147483649", -2147483649.0, INT_MIN);
    expect_number("9007199254740992", 9007199254740992.0, INT_MAX);
    expect_number("9007199254740993", 9007199254740992.0, INT_MAX); /* rounds to even */
    expect_number("12345678901234567890123", 12345678901234567890123.0, INT_MAX);
    expect_number("0.30000000000000004", 0.30000000000000004, 0);
    expect_number("123.456e-7", 123.456e-7, 0);
    expect_number("1E+2", 100.0, 100);
    expect_number("1e-22", 1e-22, 0);
    expect_number("1e22", 1e22, INT_MAX);
    expect_number("1e23", 1e23, INT_MAX);
    expect_number("0.000000000000000000000000000001", 1e-30, 0);
    expect_number("1234567890123456789.5", 1234567890123456789.5, INT_MAX);
    expect_number("1700000000.123456", 1700000000.123456, 1700000000);

    /* Long numbers (strtod on a heap copy): digits far beyond what a double holds. */
    char long_number[1200];
    for (size_t len = 60; len < sizeof long_number; len = len * 2 + 1) {
        memset(long_number, '7', len);
        long_number[len] = '\0';
        expect_same(long_number); /* up to inf */
        long_number[0] = '-';
        long_number[1] = '0';
        long_number[2] = '.';
        expect_same(long_number);
        memcpy(long_number + len - 5, "e-300", 5);
        expect_same(long_number);
    }

    const char *invalid[] = {"-",   "+1",  ".5",       "1e",  "1e+",       "1.5e-", "0x10", "1,",
                             "--1", "1 2", "Infinity", "NaN", "-Infinity", "[1e]",  "[-]"};
    for (size_t i = 0; i < sizeof invalid / sizeof *invalid; i++)
        expect_both_reject(invalid[i]);
}

static void test_stricter_than_cjson(void **state) {
    (void)state;
    /* Leading zeros, and '.' without digits on both sides, go through strtod in cJSON. */
    expect_stricter("01");
    expect_stricter("-01");
    expect_stricter("[00]");
    expect_stricter("1.");
    expect_stricter("-.5");
    expect_stricter("1.e5");
    /* Raw control characters in strings. */
    expect_stricter("\"tab\there\"");
    expect_stricter_n("\"nul\0here\"", 10);
    /* \u escapes with non-hex digits (cJSON reads them as U+0000). */
    expect_stricter("\"\\u00zz\"");
    /* Every byte up to 0x20 is whitespace to cJSON. */
    expect_stricter("[1,\x01 2]");
    expect_stricter_n("[1,\0 2]", 7);
    expect_stricter("\x0b{}");
}

static void test_trailing_and_truncated(void **state) {
    (void)state;
    expect_both_reject("");
    expect_both_reject("   ");
    expect_both_reject("\xEF\xBB\xBF");
    expect_both_reject("{}x");
    expect_both_reject("{} {}");
    expect_both_reject("[1,]");
    expect_both_reject("{\"a\":1,}");
    expect_both_reject("[,1]");
    expect_both_reject("tru");
    expect_both_reject("nul");
    expect_both_reject("truex");

    const char *doc = "\xEF\xBB\xBF{\"a\":[1,-2.5e3,true,false,null,\"s\\u00e9\\ud83d\\ude00\"],"
                      "\"b\":{\"c\":{}},\"d\":[]}";
    size_t len = strlen(doc);
    expect_same_n(doc, len);
    for (size_t cut = 0; cut < len; cut++)
        expect_both_reject_n(doc, cut);
}

static char *nested(size_t depth, const char *open, const char *close) {
    size_t lo = strlen(open), lc = strlen(close);
    char *text = malloc(depth * (lo + lc) + 1);
    assert_non_null(text);
    for (size_t i = 0; i < depth; i++) {
        memcpy(text + i * lo, open, lo);
        memcpy(text + depth * lo + i * lc, close, lc);
    }
    text[depth * (lo + lc)] = '\0';
    return text;
}

static void test_nesting_limit(void **state) {
    (void)state;
    char *at = nested(FOIL_JSON_NESTING_LIMIT, "[", "]");
    char *beyond = nested(FOIL_JSON_NESTING_LIMIT + 1, "[", "]");
    char *objects_at = nested(FOIL_JSON_NESTING_LIMIT, "{\"k\":[", "]}");
    expect_same(at);
    expect_both_reject(beyond);
    expect_both_reject(objects_at); /* 2000 levels */
    free(at);
    free(beyond);
    free(objects_at);
    char *objects = nested(FOIL_JSON_NESTING_LIMIT / 2, "{\"k\":[", "]}");
    expect_same(objects);
    free(objects);
}

static void test_prev_links(void **state) {
    (void)state;
    foil_json_arena_t *arena = NULL;
    cJSON *root = NULL;
    const char *text = "{\"one\":[7],\"many\":[1,2,3],\"none\":[]}";
    FOIL_ASSERT_OK(foil_json_arena_parse(text, strlen(text), &arena, &root));
    const cJSON *one = cJSON_GetObjectItemCaseSensitive(root, "one");
    const cJSON *many = cJSON_GetObjectItemCaseSensitive(root, "many");
    const cJSON *none = cJSON_GetObjectItemCaseSensitive(root, "none");
    assert_ptr_equal(one->child->prev, one->child); /* alone: its own last sibling */
    assert_null(one->child->next);
    const cJSON *a = many->child, *b = a->next, *c = b->next;
    assert_ptr_equal(a->prev, c);
    assert_ptr_equal(b->prev, a);
    assert_ptr_equal(c->prev, b);
    assert_null(c->next);
    assert_null(none->child);
    assert_ptr_equal(root->child->prev, none);
    assert_null(root->prev);
    assert_null(root->next);
    assert_int_equal(cJSON_GetArraySize(many), 3);
    assert_ptr_equal(cJSON_GetArrayItem(many, 2), c);
    foil_json_arena_free(arena, true);
}

/* Bigger than one block: many nodes, and a string larger than any block so far. */
static void test_large_documents(void **state) {
    (void)state;
    size_t count = 200000;
    char *many = malloc(count * 2 + 2);
    assert_non_null(many);
    many[0] = '[';
    for (size_t i = 0; i < count; i++) {
        many[1 + 2 * i] = (char)('0' + i % 10);
        many[2 + 2 * i] = i + 1 < count ? ',' : ']';
    }
    many[count * 2 + 1] = '\0';
    expect_same(many);
    free(many);

    size_t n = 3 << 20;
    char *big = malloc(n + 16);
    assert_non_null(big);
    memcpy(big, "[\"", 2);
    memset(big + 2, 'x', n);
    memcpy(big + 2 + n, "\\n\",\"y\"]", 9);
    expect_same(big);
    free(big);
}

/* foil_document_parse (the public parse, used by bindings for webhook bodies and tests)
 * runs the same parser: the same refusals, as FOIL_E_INVALID_ARGUMENT, and the same trees. */
static void test_document_parse_is_the_arena_parser(void **state) {
    (void)state;
    const char *bad[] = {"{\"a\":\"\xff\"}", "{\"a\":\"x\\u0000y\"}", "{\"a\":1,}", "[1", ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        foil_document_t *doc = NULL;
        assert_int_equal(foil_document_parse(bad[i], strlen(bad[i]), &doc),
                         FOIL_E_INVALID_ARGUMENT);
        assert_null(doc);
    }
    const char *text = "{\"a\":[1,\"\xc3\xa9\",null,{\"b\":true}],\"c\":-2.5e3}";
    foil_document_t *doc = NULL;
    FOIL_ASSERT_OK(foil_document_parse(text, strlen(text), &doc));
    const foil_json_t *root = foil_document_root(doc);
    assert_string_equal(foil_json_string(foil_json_at(foil_json_get(root, "a"), 1)), "\xc3\xa9");
    int b = 0;
    double c = 0;
    assert_true(foil_json_bool(foil_json_get(foil_json_at(foil_json_get(root, "a"), 3), "b"), &b) &&
                b);
    assert_true(foil_json_number(foil_json_get(root, "c"), &c) && c == -2500.0);
    foil_document_free(doc);
}

/* Issue 18 defect 7: an object that gives a member name twice is refused (the readers that
 * keep the first and those that keep the last would see different documents), in small
 * objects, wide ones (the hash set) and deep ones (frames on the heap), names compared after
 * decoding; the same name in different objects is fine. */
static void expect_refused_twice_n(const char *text, size_t len) {
    expect_stricter_n(text, len);
    assert_non_null(strstr(foil_error_message(foil_last_error()), "same name"));
    foil_document_t *doc = NULL;
    assert_int_equal(foil_document_parse(text, len, &doc), FOIL_E_INVALID_ARGUMENT);
    assert_null(doc);
}

static void expect_refused_twice(const char *text) {
    expect_refused_twice_n(text, strlen(text));
}

/* {"k0":0,...,"k<n-1>":n-1} with member `dup_at` named like member `dup_of` (or none). */
static char *wide_object(size_t n, size_t dup_at, size_t dup_of) {
    char *text = malloc(n * 24 + 8);
    assert_non_null(text);
    size_t at = 0;
    text[at++] = '{';
    for (size_t i = 0; i < n; i++)
        at +=
            (size_t)sprintf(text + at, "%s\"k%zu\":%zu", i ? "," : "", i == dup_at ? dup_of : i, i);
    text[at++] = '}';
    text[at] = '\0';
    return text;
}

static void test_duplicate_names_refused(void **state) {
    (void)state;
    const char *twice[] = {
        "{\"id\":\"a\",\"id\":\"b\"}",
        "{\"\":1,\"\":2}",
        "{\"a\":1,\"b\":2,\"a\":3}",
        "{\"id\":\"a\",\"\\u0069d\":\"b\"}",           /* the same after decoding */
        "{\"\xc3\xa9\":1,\"\\u00e9\":2}",              /* UTF-8 and its escape */
        "[{\"ok\":1},{\"x\":{\"y\":1,\"y\":1}}]",      /* nested */
        "{\"a\":{\"b\":1},\"a\":{\"b\":1}}",           /* equal values too */
        "{\"outer\":{\"in\":1},\"in\":2,\"outer\":0}", /* after a closed object */
    };
    for (size_t i = 0; i < sizeof twice / sizeof *twice; i++)
        expect_refused_twice(twice[i]);

    const char *fine[] = {
        "{\"a\":1,\"A\":2,\"a \":3,\"ab\":4,\"ba\":5}",
        "{\"a\":{\"a\":{\"a\":1}},\"b\":[{\"a\":1},{\"a\":2}]}",
        "{\"x\":1,\"xx\":2,\"xxx\":3,\"y\":4,\"yy\":5}",
    };
    for (size_t i = 0; i < sizeof fine / sizeof *fine; i++)
        expect_same(fine[i]);

    /* Wide objects: the hash set, whatever the position of the second name. */
    const size_t sizes[] = {31, 32, 33, 65, 1000, 20000};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        size_t n = sizes[i];
        char *text = wide_object(n, SIZE_MAX, 0);
        expect_same(text);
        free(text);
        const size_t pairs[][2] = {{n - 1, 0}, {n - 1, n - 2}, {1, 0}, {n / 2, n / 3}};
        for (size_t j = 0; j < sizeof pairs / sizeof *pairs; j++) {
            text = wide_object(n, pairs[j][0], pairs[j][1]);
            expect_refused_twice(text);
            free(text);
        }
    }

    /* Wide objects inside wide objects, each with its own names. */
    char *inner = wide_object(100, SIZE_MAX, 0);
    size_t len = strlen(inner);
    char *outer = malloc(3 * len + 64);
    assert_non_null(outer);
    sprintf(outer, "{\"a\":%s,\"b\":[%s],\"k1\":%s}", inner, inner, inner);
    expect_same(outer);
    sprintf(outer, "{\"a\":%s,\"b\":[%s],\"a\":%s}", inner, inner, inner);
    expect_refused_twice(outer);
    free(outer);
    free(inner);

    /* Deeper than the frames kept on the stack. */
    const char *level = "{\"k\":{\"j\":0},\"n\":";
    size_t depth = 900, olen = strlen(level);
    char *deep = malloc(depth * (olen + 1) + 2);
    assert_non_null(deep);
    for (size_t i = 0; i < depth; i++) {
        memcpy(deep + i * olen, level, olen);
        deep[depth * olen + 1 + i] = '}';
    }
    deep[depth * olen] = '0';
    deep[depth * (olen + 1) + 1] = '\0';
    expect_same(deep);
    deep[(depth - 1) * olen + 2] = 'n'; /* the innermost object: {"n":{"j":0},"n":0} */
    expect_refused_twice(deep);
    free(deep);
}

/* Issue 18 defect 11: numbers say whether they were written as integers, and integers a
 * double cannot hold keep their digits; the public readers give them exactly. */
static void expect_integer(const char *text, const char *digits) {
    foil_json_arena_t *arena = NULL;
    cJSON *tree = NULL;
    FOIL_ASSERT_OK(foil_json_arena_parse(text, strlen(text), &arena, &tree));
    assert_true(tree->type & FOIL_JSON_INTEGER_TEXT);
    assert_false(tree->type & FOIL_JSON_DECIMAL_TEXT);
    if (digits)
        assert_string_equal(tree->valuestring, digits);
    else
        assert_null(tree->valuestring);
    foil_json_arena_free(arena, false);
    expect_same(text);
}

static void expect_decimal(const char *text) {
    foil_json_arena_t *arena = NULL;
    cJSON *tree = NULL;
    FOIL_ASSERT_OK(foil_json_arena_parse(text, strlen(text), &arena, &tree));
    assert_true(tree->type & FOIL_JSON_DECIMAL_TEXT);
    assert_false(tree->type & FOIL_JSON_INTEGER_TEXT);
    assert_null(tree->valuestring);
    foil_json_arena_free(arena, false);
    expect_same(text);
}

static void test_integer_text(void **state) {
    (void)state;
    expect_integer("0", NULL);
    expect_integer("-0", NULL);
    expect_integer("42", NULL);
    expect_integer("9007199254740992", NULL); /* 2^53: the double is exact */
    expect_integer("-9007199254740992", NULL);
    expect_integer("9007199254740993", "9007199254740993");
    expect_integer("-9007199254740993", "-9007199254740993");
    expect_integer("123000000000000000", "123000000000000000");
    expect_integer("9223372036854775807", "9223372036854775807");
    expect_integer("18446744073709551616", "18446744073709551616");
    expect_integer("123456789012345678901234567890", "123456789012345678901234567890");
    expect_decimal("1.0");
    expect_decimal("1e2");
    expect_decimal("1.23e17");
    expect_decimal("-0.0");
    expect_decimal("9007199254740993.0");

    const char *text = "{\"big\":9007199254740993,\"neg\":-9223372036854775808,"
                       "\"over\":9223372036854775808,\"huge\":1234567890123456789012345,"
                       "\"small\":7,\"float\":2.0,\"exp\":1.23e17,\"half\":0.5,\"s\":\"1\"}";
    foil_document_t *doc = NULL;
    FOIL_ASSERT_OK(foil_document_parse(text, strlen(text), &doc));
    const foil_json_t *root = foil_document_root(doc);
    int64_t i = 0;
    assert_true(foil_json_get_int(root, "big", &i));
    assert_true(i == INT64_C(9007199254740993));
    assert_true(foil_json_get_int(root, "neg", &i));
    assert_true(i == INT64_MIN);
    assert_false(foil_json_get_int(root, "over", &i));
    assert_false(foil_json_get_int(root, "huge", &i));
    assert_true(foil_json_get_int(root, "small", &i) && i == 7);
    assert_true(foil_json_get_int(root, "float", &i) && i == 2); /* integral, as before */
    assert_false(foil_json_get_int(root, "exp", &i));            /* a double, beyond 2^53 */
    assert_false(foil_json_get_int(root, "half", &i));
    const char *integers[] = {"big", "neg", "over", "huge", "small"};
    for (size_t k = 0; k < sizeof integers / sizeof *integers; k++)
        assert_true(foil_json_is_integer(foil_json_get(root, integers[k])));
    const char *others[] = {"float", "exp", "half", "s", "missing"};
    for (size_t k = 0; k < sizeof others / sizeof *others; k++)
        assert_false(foil_json_is_integer(foil_json_get(root, others[k])));
    assert_string_equal(foil_json_integer_text(foil_json_get(root, "big")), "9007199254740993");
    assert_string_equal(foil_json_integer_text(foil_json_get(root, "over")), "9223372036854775808");
    assert_null(foil_json_integer_text(foil_json_get(root, "small")));
    assert_null(foil_json_integer_text(foil_json_get(root, "exp")));
    assert_null(foil_json_integer_text(foil_json_get(root, "s")));
    assert_false(foil_json_is_integer(NULL));
    assert_null(foil_json_integer_text(NULL));
    foil_document_free(doc);
}

static void test_arguments(void **state) {
    (void)state;
    foil_json_arena_t *arena = NULL;
    cJSON *root = NULL;
    assert_int_equal(foil_json_arena_parse(NULL, 2, &arena, &root), FOIL_E_INVALID_ARGUMENT);
    assert_int_equal(foil_json_arena_parse("{}", 2, NULL, &root), FOIL_E_INVALID_ARGUMENT);
    assert_int_equal(foil_json_arena_parse("{}", 2, &arena, NULL), FOIL_E_INVALID_ARGUMENT);
    assert_int_equal(foil_json_arena_parse("{}", 0, &arena, &root), FOIL_E_PROTOCOL);
    assert_null(arena);
    assert_null(root);
    /* Only `len` bytes count: what follows them is not read. */
    FOIL_ASSERT_OK(foil_json_arena_parse("{}garbage", 2, &arena, &root));
    assert_true(cJSON_IsObject(root));
    foil_json_arena_free(arena, true);
    foil_json_arena_free(NULL, true);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_fixtures),
        cmocka_unit_test(test_values_and_containers),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_stricter_than_cjson),
        cmocka_unit_test(test_nul_and_invalid_utf8_refused),
        cmocka_unit_test(test_document_parse_is_the_arena_parser),
        cmocka_unit_test(test_trailing_and_truncated),
        cmocka_unit_test(test_nesting_limit),
        cmocka_unit_test(test_prev_links),
        cmocka_unit_test(test_large_documents),
        cmocka_unit_test(test_arguments),
        cmocka_unit_test(test_duplicate_names_refused),
        cmocka_unit_test(test_integer_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
