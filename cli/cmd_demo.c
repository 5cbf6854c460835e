/* foil demo: the whole story on the embedded emulator, offline, in a few seconds.
 *
 * Starts the emulator on a free loopback port, signs up to Foil itself from a fresh
 * project directory (with an existing .env to merge into; the emulator approves the
 * consent after a short delay, as a person would), shows the masked .env, lists the five
 * riskiest sessions with the secret key the signup just delivered, and verifies a sealed
 * token offline.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <foil_emulator.h>

#include "atomic_file.h"
#include "cli.h"
#include "envfile.h"
#include "output.h"
#include "term.h"
#include "wipe.h"

static const char USAGE[] =
    "Usage: foil demo [--keep] [--approve-after MS]\n"
    "\n"
    "Run the whole Gate story offline against an embedded emulator: sign up to Foil from\n"
    "a temporary project, write the .env, list the riskiest sessions with the delivered\n"
    "secret key and verify a sealed token.\n"
    "\n"
    "Options:\n"
    "  --keep              keep the temporary project directory\n"
    "  --approve-after MS  when the emulator approves the consent (default 2000)\n"
    "  -h, --help          show this help\n";

#define SERVICE "foil"
#define EXISTING_ENV "# my-app settings\nDATABASE_URL=postgres://localhost:5432/my_app\n"

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void step(int n, const char *title) {
    printf("\n%s%d%s %s%s%s\n", cli_style(stdout, CLI_MAGENTA), n, cli_style(stdout, CLI_RESET),
           cli_style(stdout, CLI_BOLD), title, cli_style(stdout, CLI_RESET));
    fflush(stdout);
}

static void note(const char *text) {
    printf("  %s%s%s\n", cli_style(stdout, CLI_DIM), text, cli_style(stdout, CLI_RESET));
}

/* Prints the env file line by line with every value masked. */
static int show_env_file(const char *path) {
    char *text = NULL;
    size_t len = 0;
    struct stat st;
    if (cli_file_read(path, &text, &len) != 0 || stat(path, &st) != 0)
        return cli_fail(0, "env_file", "cannot read %s: %s", path, strerror(errno));
    printf("  %s%s%s  %s(mode %04o)%s\n", cli_style(stdout, CLI_BOLD), path,
           cli_style(stdout, CLI_RESET), cli_style(stdout, CLI_DIM), (unsigned)(st.st_mode & 07777),
           cli_style(stdout, CLI_RESET));
    for (const char *line = text; *line;) {
        size_t n = strcspn(line, "\n");
        const char *eq = memchr(line, '=', n);
        if (line[0] == '#' || !eq) {
            char *part = strndup(line, n);
            printf("    %s%s%s\n", cli_style(stdout, CLI_DIM), part ? cli_safe(part) : "",
                   cli_style(stdout, CLI_RESET));
            free(part);
        } else {
            char key[128], masked[32];
            snprintf(key, sizeof key, "%.*s", (int)(eq - line), line);
            char *value = cli_env_lookup(text, len, key);
            cli_mask(value ? value : "", masked, sizeof masked);
            cli_wipe_free(value);
            printf("    %s%s%s=%s\n", cli_style(stdout, CLI_CYAN), cli_safe(key),
                   cli_style(stdout, CLI_RESET), masked);
        }
        line += n + (line[n] == '\n');
    }
    cli_wipe(text, len);
    free(text);
    return CLI_EXIT_OK;
}

typedef struct risky {
    char id[64], created[40], verdict[24], user[64];
    int64_t risk;
} risky_t;

/* Keeps the five highest risk scores seen, highest first. */
static void consider(risky_t *top, size_t *count, const foil_json_t *item) {
    risky_t r;
    memset(&r, 0, sizeof r);
    const foil_json_t *decision = foil_session_latest_decision(item);
    if (!foil_decision_risk_score(decision, &r.risk)) return;
    cli_view_text(item, "id", r.id, sizeof r.id);
    cli_view_text(item, "created_at", r.created, sizeof r.created);
    cli_view_text(decision, "verdict", r.verdict, sizeof r.verdict);
    cli_view_text(item, "client_user_id", r.user, sizeof r.user);
    size_t at = *count < 5 ? (*count)++ : 5;
    if (at == 5 && r.risk <= top[4].risk) return;
    if (at == 5) at = 4;
    while (at > 0 && top[at - 1].risk < r.risk) {
        top[at] = top[at - 1];
        at--;
    }
    top[at] = r;
}

static int riskiest_sessions(const char *base_url, const char *env_file, char *first_id, size_t n) {
    char *text = NULL;
    size_t len = 0;
    if (cli_file_read(env_file, &text, &len) != 0)
        return cli_fail(0, "env_file", "cannot read %s", env_file);
    char *secret = cli_env_lookup(text, len, "FOIL_SECRET_KEY");
    cli_wipe(text, len);
    free(text);
    if (!secret) return cli_fail(0, "env_file", "the signup delivered no FOIL_SECRET_KEY");
    foil_client_t *client = NULL;
    int rc = cli_client(0, base_url, secret, &client);
    cli_wipe_free(secret);
    if (rc != CLI_EXIT_OK) return rc;
    foil_iter_t *it = NULL;
    risky_t top[6];
    size_t count = 0;
    foil_status_t st = foil_sessions_iter(client, 200, NULL, NULL, &it);
    const foil_json_t *item = NULL;
    while (st == FOIL_OK && (st = foil_iter_next(it, &item)) == FOIL_OK && item)
        consider(top, &count, item);
    if (st != FOIL_OK) {
        rc = cli_fail_foil(0, st, "listing sessions");
    } else {
        char scanned[96];
        snprintf(scanned, sizeof scanned, "%zu sessions scanned in %zu pages",
                 foil_iter_position(it), foil_iter_pages(it));
        static const char *const headers[] = {"SESSION", "CREATED", "VERDICT", "RISK", "USER"};
        cli_table_t *t = cli_table_new(5, headers);
        for (size_t i = 0; t && i < count; i++) {
            char risk[16];
            snprintf(risk, sizeof risk, "%lld", (long long)top[i].risk);
            const char *row[] = {top[i].id, top[i].created, top[i].verdict, risk, top[i].user};
            cli_table_add(t, row);
        }
        if (t) cli_table_print(t, stdout, 2);
        cli_table_free(t);
        note(scanned);
        if (count) snprintf(first_id, n, "%s", top[0].id);
    }
    foil_iter_free(it);
    foil_client_free(client);
    return rc;
}

static int verify_token(foil_emulator_t *emu, const char *session_id) {
    char *token = NULL;
    if (foil_emulator_mint_sealed_token(emu, session_id, 2, &token) != FOIL_OK)
        return cli_fail(0, "emulator", "the emulator could not mint a sealed token");
    printf("  token  %.24s%s  %s(%zu bytes, from the browser SDK)%s\n", token, cli_sym("…", "..."),
           cli_style(stdout, CLI_DIM), strlen(token), cli_style(stdout, CLI_RESET));
    foil_document_t *doc = NULL;
    foil_status_t st = foil_sealed_token_verify(token, foil_emulator_secret_key(emu), &doc);
    foil_emulator_string_free(token);
    if (st != FOIL_OK) return cli_fail_foil(0, st, "verifying the sealed token");
    const foil_json_t *p = foil_document_root(doc);
    char verdict[32], risk[16];
    cli_view_text(p, "decision.verdict", verdict, sizeof verdict);
    cli_view_text(p, "decision.risk_score", risk, sizeof risk);
    printf("  %s%s verified offline%s: session %s, verdict %s%s%s, risk %s\n",
           cli_style(stdout, CLI_GREEN), cli_sym("✔", "OK"), cli_style(stdout, CLI_RESET),
           cli_safe(foil_json_get_string(p, "session_id")), cli_style(stdout, CLI_BOLD),
           cli_safe(verdict), cli_style(stdout, CLI_RESET), risk);
    foil_document_free(doc);
    return CLI_EXIT_OK;
}

/* Removes the files the demo created and its directory. */
static void remove_project(const char *dir, const char *env_file) {
    char path[PATH_MAX + 32];
    unlink(env_file);
    snprintf(path, sizeof path, "%s/.foil/.gitignore", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/.foil", dir);
    rmdir(path);
    rmdir(dir);
}

int cmd_demo(int argc, char **argv) {
    static const struct option options[] = {{"keep", no_argument, NULL, 'k'},
                                            {"approve-after", required_argument, NULL, 'a'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    int keep = 0, c;
    long approve_after = 2000;
    char *end;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        if (c == 'k') {
            keep = 1;
        } else if (c == 'a') {
            approve_after = strtol(optarg, &end, 10);
            if (*end || approve_after < 1 || approve_after > 600000)
                return cli_usage("demo", "--approve-after wants milliseconds, got '%s'", optarg);
        } else if (c == 'h') {
            return cli_help(USAGE);
        } else {
            return cli_usage("demo", "unknown option or missing value: %s", argv[optind - 1]);
        }
    }
    if (optind != argc) return cli_usage("demo", "no arguments expected");
    double started = now_seconds();
    printf("%sfoil demo%s %s— sign up, write .env, read sessions, verify a token; offline%s\n",
           cli_style(stdout, CLI_BOLD), cli_style(stdout, CLI_RESET), cli_style(stdout, CLI_DIM),
           cli_style(stdout, CLI_RESET));

    step(1, "Start the Foil API emulator");
    foil_emulator_config_t cfg;
    foil_emulator_config_init(&cfg);
    cfg.auto_approve_ms = (unsigned)approve_after;
    foil_emulator_t *emu = NULL;
    if (foil_emulator_start(&cfg, &emu) != FOIL_OK)
        return cli_fail(0, "emulator", "cannot start the emulator on a loopback port");
    printf("  %s  %s(%zu seeded sessions, no network)%s\n", foil_emulator_base_url(emu),
           cli_style(stdout, CLI_DIM), cfg.session_count, cli_style(stdout, CLI_RESET));

    char dir[PATH_MAX], env_file[PATH_MAX + 8], err[PATH_MAX + 128];
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/foil-demo-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        foil_emulator_stop(emu);
        return cli_fail(0, "tmpdir", "cannot create a temporary directory: %s", strerror(errno));
    }
    snprintf(env_file, sizeof env_file, "%s/.env", dir);
    int rc = cli_file_write_atomic(env_file, EXISTING_ENV, strlen(EXISTING_ENV), 0600, NULL, err,
                                   sizeof err) == 0
                 ? CLI_EXIT_OK
                 : cli_fail(0, "env_file", "%s", err);

    if (rc == CLI_EXIT_OK) {
        step(2, "Sign up to Foil from a project that already has a .env");
        printf("  %s$ cd %s && foil signup %s%s\n", cli_style(stdout, CLI_DIM), dir, SERVICE,
               cli_style(stdout, CLI_RESET));
        cli_signup_options_t o = {.service_id = SERVICE,
                                  .account_name = "my-app",
                                  .env_file = env_file,
                                  .base_url = foil_emulator_base_url(emu),
                                  .interval_ms = 250,
                                  .no_browser = 1};
        char approve_note[96];
        snprintf(approve_note, sizeof approve_note,
                 "(the emulator clicks Approve for you after %.1f s)", approve_after / 1000.0);
        note(approve_note);
        fflush(stdout);
        rc = cli_signup_run(&o);
    }
    if (rc == CLI_EXIT_OK) {
        step(3, "The merged .env (values masked; your DATABASE_URL line kept)");
        rc = show_env_file(env_file);
    }
    char riskiest[64] = "";
    if (rc == CLI_EXIT_OK) {
        step(4, "The five riskiest sessions, read with the FOIL_SECRET_KEY just delivered");
        rc = riskiest_sessions(foil_emulator_base_url(emu), env_file, riskiest, sizeof riskiest);
    }
    if (rc == CLI_EXIT_OK && riskiest[0]) {
        step(5, "Verify a sealed token for the riskiest session, offline");
        rc = verify_token(emu, riskiest);
    }
    foil_emulator_stop(emu);
    if (keep)
        printf("\n  %sKept %s%s\n", cli_style(stdout, CLI_DIM), dir, cli_style(stdout, CLI_RESET));
    else
        remove_project(dir, env_file);
    if (rc == CLI_EXIT_OK)
        printf("\n%s%s Done in %.1f s.%s Next: %sfoil signup <service>%s against the real API, "
               "or %sfoil emulator%s to keep one running.\n",
               cli_style(stdout, CLI_GREEN), cli_sym("✔", "OK"), now_seconds() - started,
               cli_style(stdout, CLI_RESET), cli_style(stdout, CLI_BOLD),
               cli_style(stdout, CLI_RESET), cli_style(stdout, CLI_BOLD),
               cli_style(stdout, CLI_RESET));
    return rc;
}
