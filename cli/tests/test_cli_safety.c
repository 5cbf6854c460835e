/* Unit tests of the CLI's safety helpers (issue 10): escaping text for a terminal
 * (cli_safe), exclusive lock files (cli_lock), the env-file target check and reads that
 * never open a FIFO or device. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sched.h>
#include <unistd.h>

#include "atomic_file.h"
#include "lock.h"
#include "output.h"

#include <foil/foil.h>
#include "term.h"
#include "utf8.h"

static char tmpdir[] = "/tmp/foil-cli-safety-XXXXXX";

static void escapes_every_control(void **state) {
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"plain text", "plain text"},
        {"héllo ✓ 日本", "héllo ✓ 日本"},
        {"C:\\path", "C:\\path"},
        {"\x1b[31mred\x1b[0m", "\\e[31mred\\e[0m"},
        {"a\r\nb\tc", "a\\r\\nb\\tc"},
        {"bell\x07 nul-free \x01\x1f", "bell\\x07 nul-free \\x01\\x1f"},
        {"del\x7f", "del\\x7f"},
        {"c1 \xc2\x9b"
         "31m \xc2\x85",
         "c1 \\u009b31m \\u0085"},
        {"raw c1 \x9b bad \xff\xfe", "raw c1 \\x9b bad \\xff\\xfe"},
        {"overlong \xc0\xaf", "overlong \\xc0\\xaf"},
        {"surrogate \xed\xa0\x80", "surrogate \\xed\\xa0\\x80"},
        {"cut \xe2\x9c", "cut \\xe2\\x9c"},
        {"rtl \xe2\x80\xae evil", "rtl \\u202e evil"},
        {"\x1b]0;title\x07", "\\e]0;title\\x07"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *e = cli_escape_dup(cases[i].in, 0);
        assert_non_null(e);
        assert_string_equal(e, cases[i].out);
        assert_string_equal(cli_safe(cases[i].in), cases[i].out);
        free(e);
    }
    const char *plain = "nothing to do";
    assert_ptr_equal(cli_safe(plain), plain); /* no copy when nothing needs escaping */
    assert_null(cli_safe(NULL));
    assert_string_equal(cli_safe_flags("a\n\tb\r\n\x1b", CLI_ESC_KEEP_LAYOUT), "a\n\tb\\r\n\\e");
    /* Sixteen results stay valid at once. */
    const char *kept[16];
    char in[16][8];
    for (int i = 0; i < 16; i++) {
        snprintf(in[i], sizeof in[i], "%d\x1b", i);
        kept[i] = cli_safe(in[i]);
    }
    for (int i = 0; i < 16; i++) {
        char want[16];
        snprintf(want, sizeof want, "%d\\e", i);
        assert_string_equal(kept[i], want);
    }
}

/* Children increment a counter file under the lock; lost updates show up as a short
 * count. The lock file is removed at every release, so waiters must re-check. */
static void lock_serialises_processes(void **state) {
    (void)state;
    char counter[256], lock_path[256];
    snprintf(counter, sizeof counter, "%s/counter", tmpdir);
    snprintf(lock_path, sizeof lock_path, "%s/sub/counter.lock", tmpdir);
    FILE *f = fopen(counter, "w");
    assert_non_null(f);
    fputs("0", f);
    fclose(f);
    enum { CHILDREN = 4, ROUNDS = 60 };
    pid_t pids[CHILDREN];
    for (int c = 0; c < CHILDREN; c++) {
        pids[c] = fork();
        assert_true(pids[c] >= 0);
        if (pids[c] == 0) {
            for (int r = 0; r < ROUNDS; r++) {
                cli_lock_t lock = CLI_LOCK_INIT;
                if (cli_lock_acquire(&lock, lock_path, 1, NULL, 0) != 0) _exit(2);
                char *text = NULL;
                size_t len = 0;
                if (cli_file_read(counter, &text, &len) != 0) _exit(3);
                long n = strtol(text, NULL, 10);
                free(text);
                sched_yield();
                char buf[32];
                int w = snprintf(buf, sizeof buf, "%ld", n + 1);
                if (cli_file_write_atomic(counter, buf, (size_t)w, 0600, NULL, NULL, 0) != 0)
                    _exit(4);
                cli_lock_release(&lock);
                /* Sometimes remove the directory too, as cli_state_remove does. */
                if (r % 7 == 0) {
                    char dir[256];
                    snprintf(dir, sizeof dir, "%s/sub", tmpdir);
                    rmdir(dir);
                }
            }
            _exit(0);
        }
    }
    for (int c = 0; c < CHILDREN; c++) {
        int status = 0;
        assert_int_equal(waitpid(pids[c], &status, 0), pids[c]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(cli_file_read(counter, &text, &len), 0);
    assert_int_equal(strtol(text, NULL, 10), CHILDREN * ROUNDS);
    free(text);
    unlink(counter);
    struct stat st;
    assert_int_equal(lstat(lock_path, &st), -1); /* released locks leave no file */
    char dir[256];
    snprintf(dir, sizeof dir, "%s/sub", tmpdir);
    rmdir(dir);
}

static void lock_refuses_a_symlink(void **state) {
    (void)state;
    char link[256], target[256], err[512];
    snprintf(link, sizeof link, "%s/evil.lock", tmpdir);
    snprintf(target, sizeof target, "%s/victim", tmpdir);
    assert_int_equal(symlink(target, link), 0);
    cli_lock_t lock = CLI_LOCK_INIT;
    assert_int_equal(cli_lock_acquire(&lock, link, 0, err, sizeof err), -1);
    assert_int_equal(lock.fd, -1);
    struct stat st;
    assert_int_equal(lstat(target, &st), -1); /* nothing created through the link */
    unlink(link);
}

static void a_foreign_lock_file_is_kept(void **state) {
    (void)state;
    char path[256], err[512];
    snprintf(path, sizeof path, "%s/app.env.lock", tmpdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("somebody else's file\n", f);
    fclose(f);
    cli_lock_t lock = CLI_LOCK_INIT;
    assert_int_equal(cli_lock_acquire(&lock, path, 0, err, sizeof err), 0);
    cli_lock_release(&lock);
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(cli_file_read(path, &text, &len), 0);
    assert_string_equal(text, "somebody else's file\n");
    free(text);
    unlink(path);
}

static void check_target(const char *path, int want_errno, const char *want_text) {
    char err[1024] = "";
    errno = 0;
    int rc = cli_file_check_target(path, NULL, 0, err, sizeof err);
    if (want_errno == 0) {
        assert_int_equal(rc, 0);
        return;
    }
    assert_int_equal(rc, -1);
    assert_int_equal(errno, want_errno);
    if (!strstr(err, want_text)) fail_msg("'%s' not in '%s'", want_text, err);
}

static void env_targets_are_checked_without_opening(void **state) {
    (void)state;
    char p[512], q[512], resolved[4096], err[512];
    snprintf(p, sizeof p, "%s/absent.env", tmpdir);
    check_target(p, 0, NULL);
    snprintf(p, sizeof p, "%s/fifo.env", tmpdir);
    assert_int_equal(mkfifo(p, 0600), 0);
    check_target(p, EINVAL, "a FIFO");
    /* A read never opens it (it would block: no writer). */
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(cli_file_read(p, &text, &len), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(cli_file_write_atomic(p, "A=1\n", 4, 0600, NULL, err, sizeof err), -1);
    snprintf(q, sizeof q, "%s/to-fifo.env", tmpdir);
    assert_int_equal(symlink(p, q), 0);
    check_target(q, EINVAL, "a FIFO");
    unlink(q);
    unlink(p);
    check_target("/dev/null", EINVAL, "a character device");
    assert_int_equal(cli_file_read("/dev/null", &text, &len), -1);
    snprintf(p, sizeof p, "%s/dir.env", tmpdir);
    assert_int_equal(mkdir(p, 0700), 0);
    check_target(p, EISDIR, "a directory");
    rmdir(p);
    snprintf(p, sizeof p, "%s/dangling.env", tmpdir);
    assert_int_equal(symlink("nowhere/at/all", p), 0);
    check_target(p, ENOENT, "dangling");
    unlink(p);
    snprintf(p, sizeof p, "%s/big.env", tmpdir);
    int fd = open(p, O_WRONLY | O_CREAT, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, CLI_FILE_MAX_BYTES + 1), 0);
    close(fd);
    check_target(p, EFBIG, "larger than 16777216 bytes");
    assert_int_equal(cli_file_read(p, &text, &len), -1);
    assert_int_equal(errno, EFBIG);
    unlink(p);
    snprintf(p, sizeof p, "%s/missing-dir/.env", tmpdir);
    check_target(p, ENOENT, "missing-dir");
    /* A symlink to a regular file resolves to its target. */
    snprintf(p, sizeof p, "%s/real.env", tmpdir);
    snprintf(q, sizeof q, "%s/link.env", tmpdir);
    fd = open(p, O_WRONLY | O_CREAT, 0600);
    close(fd);
    assert_int_equal(symlink("real.env", q), 0);
    assert_int_equal(cli_file_check_target(q, resolved, sizeof resolved, err, sizeof err), 0);
    assert_non_null(strstr(resolved, "/real.env"));
    unlink(q);
    unlink(p);
    if (geteuid() != 0) { /* root may write anywhere */
        snprintf(p, sizeof p, "%s/ro", tmpdir);
        assert_int_equal(mkdir(p, 0500), 0);
        snprintf(q, sizeof q, "%s/ro/.env", tmpdir);
        check_target(q, EACCES, "cannot write to the directory");
        rmdir(p);
    }
}

/* --json and the tables print numbers as they came: integers beyond 2^53 keep their digits,
 * decimals the fewest digits that read back the same (a double would round 2^53 + 1). */
static void numbers_are_printed_exactly(void **state) {
    (void)state;
    static const char text[] =
        "{\"big\":9007199254740993,\"huge\":123456789012345678901234567890,\"neg\":-"
        "9223372036854775808,\"count\":1234567,\"score\":0.1,\"whole\":2.0,\"tiny\":1e-"
        "300,\"list\":[1,{\"n\":18446744073709551617}],\"t\":true,\"z\":null,\"s\":\"x\"}";
    foil_document_t *doc = NULL;
    assert_int_equal(foil_document_parse(text, strlen(text), &doc), FOIL_OK);
    cJSON *tree = cli_json_from_view(foil_document_root(doc));
    assert_non_null(tree);
    char *printed = cJSON_PrintUnformatted(tree);
    assert_string_equal(printed,
                        "{\"big\":9007199254740993,\"huge\":123456789012345678901234567890,"
                        "\"neg\":-9223372036854775808,\"count\":1234567,\"score\":0.1,"
                        "\"whole\":2.0,\"tiny\":1e-300,\"list\":[1,{\"n\":18446744073709551617}],"
                        "\"t\":true,\"z\":null,\"s\":\"x\"}");
    free(printed);
    cJSON_Delete(tree);
    char cell[64];
    cli_view_text(foil_document_root(doc), "big", cell, sizeof cell);
    assert_string_equal(cell, "9007199254740993");
    cli_view_text(foil_document_root(doc), "count", cell, sizeof cell);
    assert_string_equal(cell, "1234567"); /* was "1.23457e+06" */
    cli_view_text(foil_document_root(doc), "score", cell, sizeof cell);
    assert_string_equal(cell, "0.1");
    foil_document_free(doc);
}

/* --json output is UTF-8 whatever a path or an argument holds: stray bytes become U+FFFD,
 * valid text (multi-byte included) is kept as is. */
static void json_strings_are_repaired_to_utf8(void **state) {
    (void)state;
    int failed = 1;
    assert_null(cli_utf8_repair_dup("plain \xc3\xa9\xe2\x9c\x93\xf0\x9f\x94\x91", &failed));
    assert_int_equal(failed, 0);
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"a\xff"
         "b",
         "a\xef\xbf\xbd"
         "b"},
        {"\xc3", "\xef\xbf\xbd"},                                 /* cut short */
        {"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"},                 /* overlong '/' */
        {"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* a surrogate */
        {"x\xe2\x9c", "x\xef\xbf\xbd\xef\xbf\xbd"},
        {"ok\xc3\xa9\x80", "ok\xc3\xa9\xef\xbf\xbd"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *fixed = cli_utf8_repair_dup(cases[i].in, &failed);
        assert_non_null(fixed);
        assert_int_equal(failed, 0);
        assert_string_equal(fixed, cases[i].out);
        free(fixed);
    }
}

int main(void) {
    if (!mkdtemp(tmpdir)) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escapes_every_control),
        cmocka_unit_test(lock_serialises_processes),
        cmocka_unit_test(lock_refuses_a_symlink),
        cmocka_unit_test(a_foreign_lock_file_is_kept),
        cmocka_unit_test(env_targets_are_checked_without_opening),
        cmocka_unit_test(numbers_are_printed_exactly),
        cmocka_unit_test(json_strings_are_repaired_to_utf8),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    rmdir(tmpdir);
    return failed;
}
