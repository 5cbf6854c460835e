/* Unit tests of the CLI's env file handling: quoting, parsing, byte-exact merges and the
 * atomic durable write. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "envfile.h"
#include "state.h"

/* Values that need every kind of quoting. */
static const char *const TRICKY[] = {
    "plain_value-1.2/x:y@z+w=v,%",
    "",
    "two words",
    "hash # not a comment",
    "#leading-hash",
    "dollar $HOME and ${HOME}",
    "it's",
    "say \"hi\"",
    "both ' and \"",
    "back\\slash",
    "line1\nline2",
    "crlf\r\nend",
    "tab\there",
    "trailing space ",
    " leading space",
    "unicode ✓ é 日本",
    "\\n literal backslash-n",
    "ends with backslash\\",
    "'quoted'",
    "=starts-with-equals",
};

static void quote_then_parse_round_trips(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof TRICKY / sizeof TRICKY[0]; i++) {
        char *q = cli_env_quote(TRICKY[i]);
        assert_non_null(q);
        size_t n = strlen(q) + 16;
        char *line = malloc(n);
        snprintf(line, n, "KEY=%s\n", q);
        char *back = cli_env_lookup(line, strlen(line), "KEY");
        assert_non_null(back);
        assert_string_equal(back, TRICKY[i]);
        free(back);
        free(line);
        free(q);
    }
}

static void quoting_picks_the_simplest_form(void **state) {
    (void)state;
    char *q = cli_env_quote("sk_test_abc123");
    assert_string_equal(q, "sk_test_abc123");
    free(q);
    q = cli_env_quote("two words");
    assert_string_equal(q, "'two words'");
    free(q);
    q = cli_env_quote("a\nb");
    assert_string_equal(q, "\"a\\nb\"");
    free(q);
    q = cli_env_quote("it's \\ \"x\"");
    assert_string_equal(q, "\"it's \\\\ \\\"x\\\"\"");
    free(q);
}

typedef struct collected {
    char keys[16][32];
    char values[16][64];
    int count;
} collected_t;

static int collect(void *user_data, const char *key, const char *value) {
    collected_t *c = user_data;
    snprintf(c->keys[c->count], sizeof c->keys[0], "%s", key);
    snprintf(c->values[c->count], sizeof c->values[0], "%s", value ? value : "(none)");
    c->count++;
    return 0;
}

static void parse_follows_dotenv(void **state) {
    (void)state;
    const char *text = "# comment\n"
                       "\n"
                       "export A=1\n"
                       "B = two # inline\n"
                       "C='single # kept'\n"
                       "D=\"multi\nline\"\n"
                       "E=#not-a-comment\n"
                       "F= # empty\n"
                       "G\n"
                       "bad line here\n"
                       "H=\"escaped \\\" quote\" # c\r\n"
                       "I=unterminated 'x\n";
    collected_t c = {0};
    assert_int_equal(cli_env_parse(text, strlen(text), collect, &c), 0);
    const char *keys[] = {"A", "B", "C", "D", "E", "F", "G", "H", "I"};
    const char *values[] = {"1", "two",    "single # kept",    "multi\nline",    "#not-a-comment",
                            "",  "(none)", "escaped \" quote", "unterminated 'x"};
    assert_int_equal(c.count, 9);
    for (int i = 0; i < 9; i++) {
        assert_string_equal(c.keys[i], keys[i]);
        assert_string_equal(c.values[i], values[i]);
    }
}

static void merge_replaces_in_place_and_appends(void **state) {
    (void)state;
    const char *text = "# app\n"
                       "DATABASE_URL=postgres://x\n"
                       "export ACME_API_KEY='old key' # rotated monthly\n"
                       "\n"
                       "OTHER=1\n"
                       "ACME_API_KEY=old2\n"
                       "SAME=same\n"
                       "# trailing comment";
    cli_env_pair_t pairs[] = {{"ACME_API_KEY", "new"}, {"SAME", "same"}, {"NEW_ONE", "a b"}};
    cli_env_change_t changes[3];
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(cli_env_merge(text, strlen(text), pairs, 3, &out, &len, changes), 0);
    assert_string_equal(out, "# app\n"
                             "DATABASE_URL=postgres://x\n"
                             "export ACME_API_KEY=new # rotated monthly\n"
                             "\n"
                             "OTHER=1\n"
                             "ACME_API_KEY=new\n"
                             "SAME=same\n"
                             "# trailing comment\n"
                             "NEW_ONE='a b'\n");
    assert_int_equal(len, strlen(out));
    assert_int_equal(changes[0], CLI_ENV_UPDATED);
    assert_int_equal(changes[1], CLI_ENV_UNCHANGED);
    assert_int_equal(changes[2], CLI_ENV_ADDED);
    free(out);
}

static void merge_keeps_crlf_and_guards_comments(void **state) {
    (void)state;
    const char *text = "A='x'#glued\r\nB= # empty\r\nC\r\n";
    cli_env_pair_t pairs[] = {{"A", "v"}, {"B", "w"}, {"C", "z"}, {"D", "d"}};
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(cli_env_merge(text, strlen(text), pairs, 4, &out, &len, NULL), 0);
    assert_string_equal(out, "A=v #glued\r\nB= w # empty\r\nC=z\r\nD=d\r\n");
    for (int i = 0; i < 4; i++) {
        char *v = cli_env_lookup(out, len, pairs[i].key);
        assert_non_null(v);
        assert_string_equal(v, pairs[i].value);
        free(v);
    }
    free(out);
}

/* Found by fuzz/fuzz_envfile.c: a bare quoted key ('Q' with no '=') got its value
 * inserted before the closing quote ('Q=v'), so the key could not be read back. */
static void merge_sets_a_bare_quoted_key(void **state) {
    (void)state;
    const char *text = " 'Q'\n";
    cli_env_pair_t pairs[] = {{"Q", "v 1"}};
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(cli_env_merge(text, strlen(text), pairs, 1, &out, &len, NULL), 0);
    assert_string_equal(out, " 'Q'='v 1'\n");
    char *v = cli_env_lookup(out, len, "Q");
    assert_non_null(v);
    assert_string_equal(v, "v 1");
    free(v);
    free(out);
}

/* Found by fuzz/fuzz_envfile.c: in a file with an unterminated quote that a later quote
 * closes, replacing a value changed how an earlier line parsed (the new key read back as
 * part of another value). Such a merge is refused rather than written wrong. */
static void merge_refuses_a_file_it_cannot_read_back(void **state) {
    (void)state;
    const char *text = "Q='a\nQ='b'\nM'\n";
    cli_env_pair_t pairs[] = {{"Q", "plain"}};
    char *out = NULL;
    size_t len = 0;
    errno = 0;
    assert_int_equal(cli_env_merge(text, strlen(text), pairs, 1, &out, &len, NULL), -1);
    assert_int_equal(errno, EILSEQ);
    assert_null(out);
}

/* Found by fuzz/fuzz_envfile.c: "export" and blanks at the very end of the text read one
 * byte past it (ASan: heap-buffer-overflow). The buffer here is exactly the text. */
static void parse_stops_at_a_trailing_export(void **state) {
    (void)state;
    static const char text[] = "export \t";
    char *exact = malloc(sizeof text - 1);
    assert_non_null(exact);
    memcpy(exact, text, sizeof text - 1);
    char *v = cli_env_lookup(exact, sizeof text - 1, "export");
    assert_null(v);
    free(exact);
}

static void merge_into_nothing_and_refuses_bad_names(void **state) {
    (void)state;
    cli_env_pair_t ok[] = {{"K", "line1\nline2"}};
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(cli_env_merge("", 0, ok, 1, &out, &len, NULL), 0);
    assert_string_equal(out, "K=\"line1\\nline2\"\n");
    free(out);
    cli_env_pair_t bad[] = {{"X=1\nLD_PRELOAD", "v"}};
    assert_int_equal(cli_env_merge("", 0, bad, 1, &out, &len, NULL), -1);
    assert_int_equal(errno, EINVAL);
    assert_null(out);
    assert_int_equal(cli_env_key_is_valid("GOOD_1"), 1);
    assert_int_equal(cli_env_key_is_valid("1BAD"), 0);
    assert_int_equal(cli_env_key_is_valid("BAD-NAME"), 0);
}

static char tmpdir[] = "/tmp/foil-envfile-test-XXXXXX";

static void atomic_write_modes(void **state) {
    (void)state;
    char path[256], err[512];
    struct stat st;
    snprintf(path, sizeof path, "%s/.env", tmpdir);
    unlink(path);
    assert_int_equal(cli_file_write_atomic(path, "A=1\n", 4, 0600, NULL, err, sizeof err), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal(chmod(path, 0640), 0);
    assert_int_equal(cli_file_write_atomic(path, "A=2\n", 4, 0600, NULL, err, sizeof err), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640);
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(cli_file_read(path, &text, &len), 0);
    assert_string_equal(text, "A=2\n");
    free(text);
    /* A symlinked env file: the target is replaced, the link kept. */
    char target[256];
    snprintf(target, sizeof target, "%s/real.env", tmpdir);
    assert_int_equal(rename(path, target), 0);
    assert_int_equal(symlink("real.env", path), 0);
    assert_int_equal(cli_file_write_atomic(path, "A=3\n", 4, 0600, NULL, err, sizeof err), 0);
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_equal(cli_file_read(target, &text, &len), 0);
    assert_string_equal(text, "A=3\n");
    free(text);
    unlink(path);
    unlink(target);
    errno = 0;
    assert_int_equal(cli_file_read(path, &text, &len), -1);
    assert_int_equal(errno, ENOENT);
}

static void atomic_write_fails_cleanly(void **state) {
    (void)state;
    char path[256], err[512];
    snprintf(path, sizeof path, "%s/missing-dir/.env", tmpdir);
    assert_int_equal(cli_file_write_atomic(path, "A=1\n", 4, 0600, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "missing-dir"));
}

static void state_file_round_trip(void **state) {
    (void)state;
    char env[256], path[512], err[512];
    struct stat st;
    snprintf(env, sizeof env, "%s/.env", tmpdir);
    assert_int_equal(cli_state_path(env, "acme", path, sizeof path), 0);
    cli_state_t s = {.exported = "{\"object\":\"foil_gate_session_export\",\"id\":\"gate_1\"}",
                     .env_file = env,
                     .written = 1};
    assert_int_equal(cli_state_save(path, "acme", &s, err, sizeof err), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    char dir[512];
    snprintf(dir, sizeof dir, "%s/.foil", tmpdir);
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0700);
    cli_state_t loaded;
    assert_int_equal(cli_state_load(path, "other", &loaded), -1);
    assert_int_equal(cli_state_load(path, "acme", &loaded), 0);
    assert_int_equal(loaded.written, 1);
    assert_string_equal(loaded.env_file, env);
    assert_non_null(strstr(loaded.exported, "gate_1"));
    cli_state_clear(&loaded);
    assert_int_equal(cli_state_remove(path), 0);
    assert_int_equal(stat(dir, &st), -1); /* the empty .foil directory is gone too */
}

int main(void) {
    if (!mkdtemp(tmpdir)) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quote_then_parse_round_trips),
        cmocka_unit_test(quoting_picks_the_simplest_form),
        cmocka_unit_test(parse_follows_dotenv),
        cmocka_unit_test(merge_replaces_in_place_and_appends),
        cmocka_unit_test(merge_keeps_crlf_and_guards_comments),
        cmocka_unit_test(merge_sets_a_bare_quoted_key),
        cmocka_unit_test(merge_refuses_a_file_it_cannot_read_back),
        cmocka_unit_test(parse_stops_at_a_trailing_export),
        cmocka_unit_test(merge_into_nothing_and_refuses_bad_names),
        cmocka_unit_test(atomic_write_modes),
        cmocka_unit_test(atomic_write_fails_cleanly),
        cmocka_unit_test(state_file_round_trip),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    rmdir(tmpdir);
    return failed;
}
