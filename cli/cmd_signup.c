/* foil signup <service>: the C twin of `npx signup`.
 *
 * Order of events, chosen so that a crash or kill at any point loses nothing:
 *   registry entry -> create session -> save state file (private key inside, 0600)
 *   -> open the consent URL -> wait -> decrypt + env policy -> merge into the env file
 *   (temp file, fsync, rename, fsync dir) -> mark state "written" -> ack -> remove state.
 * Before the state file exists nothing has been approved; after it exists
 * `foil signup <service> --resume` can always finish the delivery.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <foil/gate_registry.h>

#include "atomic_file.h"
#include "browser.h"
#include "cli.h"
#include "envfile.h"
#include "lock.h"
#include "output.h"
#include "state.h"
#include "term.h"
#include "testhook.h"
#include "utf8.h"
#include "wipe.h"

/* Set by the SIGINT/SIGTERM handler installed while waiting for approval. */
static volatile sig_atomic_t interrupted_by;
static foil_gate_session_t *volatile waiting_session;
static foil_client_t *volatile waiting_client;

static void on_interrupt(int sig) {
    interrupted_by = sig;
    foil_gate_session_cancel(waiting_session);
    foil_client_cancel(waiting_client);
}

typedef struct signup {
    const cli_signup_options_t *o;
    foil_client_t *client;
    foil_gate_session_t *session;
    foil_result_t *entry; /* registry entry; NULL when resuming */
    char env_file[PATH_MAX];
    char state_path[PATH_MAX + 64];
    cli_state_t state;
    cli_progress_t progress;
    int resumed;
    char warning[2 * PATH_MAX + 160]; /* about the env file's mode; "" when none */
} signup_t;

/* ---- paths ------------------------------------------------------------------------ */

static int absolute_env_file(const char *path, char *buf, size_t n) {
    char cwd[PATH_MAX];
    if (path[0] == '/') return snprintf(buf, n, "%s", path) < (int)n ? 0 : -1;
    if (!getcwd(cwd, sizeof cwd)) return -1;
    while (strncmp(path, "./", 2) == 0)
        path += 2;
    return snprintf(buf, n, "%s/%s", strcmp(cwd, "/") ? cwd : "", path) < (int)n ? 0 : -1;
}

/* Before any session exists: the env file must be one we can replace (absent or a
 * regular file under the size cap, never a FIFO, device, directory or dangling symlink,
 * in a writable directory). A usage error otherwise: nothing was created. */
static int check_env_file(signup_t *s) {
    char err[PATH_MAX + 160];
    if (cli_file_check_target(s->env_file, NULL, 0, err, sizeof err) == 0) return CLI_EXIT_OK;
    return cli_fail_usage(s->o->json, "env_file_unusable", "cannot use the env file: %s", err);
}

/* The current directory's name; its bytes that are not UTF-8 become U+FFFD (the API
 * takes text: a Latin-1 "caf\xe9" directory would otherwise be refused). */
static void default_account_name(char *buf, size_t n) {
    char cwd[PATH_MAX];
    const char *name = "default";
    if (getcwd(cwd, sizeof cwd)) {
        const char *slash = strrchr(cwd, '/');
        if (slash && slash[1]) name = slash + 1;
    }
    int failed;
    char *repaired = cli_utf8_repair_dup(name, &failed);
    snprintf(buf, n, "%s", repaired ? repaired : name);
    free(repaired);
}

/* ---- human output ------------------------------------------------------------------- */

/* The service's primary colour as a 24-bit escape, when the terminal says it has them. */
static const char *brand_color(const foil_json_t *entry, char *buf, size_t n) {
    const char *hex = foil_json_get_string(foil_json_get(entry, "branding"), "primary_color");
    const char *colorterm = getenv("COLORTERM");
    unsigned r, g, b;
    if (!cli_term_color(stdout)) return "";
    if (hex && strlen(hex) == 7 && colorterm &&
        (strcmp(colorterm, "truecolor") == 0 || strcmp(colorterm, "24bit") == 0) &&
        sscanf(hex, "#%2x%2x%2x", &r, &g, &b) == 3) {
        snprintf(buf, n, "\033[1;38;2;%u;%u;%um", r, g, b);
        return buf;
    }
    return "\033[1;36m";
}

static void print_header(const foil_json_t *entry) {
    FILE *f = stdout;
    char color[48];
    const char *brand = brand_color(entry, color, sizeof color);
    const foil_json_t *branding = foil_json_get(entry, "branding");
    const char *art = foil_json_get_string(branding, "ascii_art");
    int verified = 0;
    foil_json_get_bool(branding, "verified", &verified);
    if (art && *art) {
        fputc('\n', f);
        for (const char *line = art; *line;) {
            size_t len = strcspn(line, "\n");
            char *part = strndup(line, len);
            fprintf(f, "  %s%s%s\n", brand, part ? cli_safe(part) : "", cli_style(f, CLI_RESET));
            free(part);
            line += len + (line[len] == '\n');
        }
    }
    const char *name = foil_json_get_string(entry, "name");
    const char *description = foil_json_get_string(entry, "description");
    const char *website = foil_json_get_string(entry, "website");
    fprintf(f, "\n  %s%s%s", brand[0] ? brand : cli_style(f, CLI_BOLD),
            cli_safe(name ? name : foil_json_get_string(entry, "id")), cli_style(f, CLI_RESET));
    if (verified)
        fprintf(f, " %s%s verified%s", cli_style(f, CLI_GREEN), cli_sym("✔", "(v)"),
                cli_style(f, CLI_RESET));
    fputc('\n', f);
    if (description) fprintf(f, "  %s\n", cli_safe(description));
    if (website)
        fprintf(f, "  %s%s%s\n", cli_style(f, CLI_DIM), cli_safe(website), cli_style(f, CLI_RESET));
    fputc('\n', f);
}

static const char *change_name(cli_env_change_t c) {
    return c == CLI_ENV_ADDED ? "added" : c == CLI_ENV_UPDATED ? "updated" : "unchanged";
}

static const char *refusal_text(const char *reason) {
    if (strcmp(reason, "blocked") == 0) return "blocked by the env-var policy";
    if (strcmp(reason, "gate_managed_from_integrator") == 0)
        return "Gate-managed key sent by the service itself";
    if (strcmp(reason, "invalid_name") == 0) return "not a valid variable name";
    return reason;
}

/* ---- waiting ------------------------------------------------------------------------ */

static int on_progress(void *user_data, const char *status, double seconds_left) {
    signup_t *s = user_data;
    int show = !s->o->json || cli_term_is_tty(stderr);
    if (show) cli_progress_update(&s->progress, status, seconds_left);
    return interrupted_by != 0;
}

static foil_status_t wait_for_approval(signup_t *s) {
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    interrupted_by = 0;
    waiting_session = s->session;
    waiting_client = s->client;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    cli_progress_init(&s->progress, stderr, "Waiting for approval");
    foil_status_t st =
        foil_gate_session_wait(s->session, s->o->timeout_ms, s->o->interval_ms, on_progress, s);
    cli_progress_clear(&s->progress);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    waiting_session = NULL;
    waiting_client = NULL;
    /* A poll cut short by the interrupt fails with whatever the transport saw. */
    if (interrupted_by && st != FOIL_OK) st = FOIL_E_CANCELLED;
    /* At the deadline, one last look: approved or expired in the meantime? */
    if (st == FOIL_E_TIMEOUT && foil_gate_session_poll(s->session) == FOIL_OK) {
        const char *status = foil_gate_session_status(s->session);
        if (strcmp(status, "approved") == 0) st = FOIL_OK;
        if (strcmp(status, "rejected") == 0) st = FOIL_E_REJECTED;
        if (strcmp(status, "expired") == 0) st = FOIL_E_EXPIRED;
    }
    return st;
}

/* ---- the state file ------------------------------------------------------------------ */

static int save_state(signup_t *s, int written) {
    char err[PATH_MAX + 128];
    char *exported = NULL;
    foil_status_t st = foil_gate_session_export(s->session, &exported);
    if (st != FOIL_OK) return cli_fail_foil(s->o->json, st, "saving the signup state");
    cli_wipe_free(s->state.exported);
    s->state.exported = strdup(exported);
    foil_string_free(exported);
    free(s->state.env_file);
    s->state.env_file = strdup(s->env_file);
    s->state.written = written;
    if (!s->state.exported || !s->state.env_file)
        return cli_fail(s->o->json, "out_of_memory", "out of memory");
    if (cli_state_save(s->state_path, s->o->service_id, &s->state, err, sizeof err) != 0)
        return cli_fail(s->o->json, "state_file", "cannot save the signup state: %s", err);
    return CLI_EXIT_OK;
}

/* ---- steps ----------------------------------------------------------------------------- */

static int start_new(signup_t *s) {
    const cli_signup_options_t *o = s->o;
    foil_status_t st = foil_gate_registry_get(s->client, o->service_id, &s->entry);
    if (st == FOIL_E_NOT_FOUND)
        return cli_fail(o->json, "service_not_found", "Service not found: %s (see 'foil registry')",
                        o->service_id);
    if (st != FOIL_OK) return cli_fail_foil(o->json, st, "reading the registry");
    if (!o->json && !o->quiet_header) print_header(foil_result_data(s->entry));

    /* --account-name is sent whole (a copy into a buffer cut it at 255 bytes); the
     * default fits: a name of NAME_MAX bytes, each at most 3 once repaired. */
    char fallback[3 * NAME_MAX + 1];
    const char *account = o->account_name;
    if (!account) {
        default_account_name(fallback, sizeof fallback);
        account = fallback;
    }
    st = foil_gate_session_create(s->client, o->service_id, account, o->metadata_json, &s->session);
    if (st != FOIL_OK) return cli_fail_foil(o->json, st, "creating the signup session");
    cli_test_pause("created");
    int rc = save_state(s, 0);
    if (rc != CLI_EXIT_OK) return rc;
    cli_test_pause("saved");
    return CLI_EXIT_OK;
}

/* Resumes the saved signup. *final receives FOIL_E_GONE (already acknowledged),
 * FOIL_E_REJECTED or FOIL_E_EXPIRED when the first poll says it is over. */
static int start_resumed(signup_t *s, foil_status_t *final) {
    const cli_signup_options_t *o = s->o;
    if (cli_state_load(s->state_path, o->service_id, &s->state) != 0) {
        if (errno == ENOENT)
            return cli_fail(o->json, "no_saved_signup",
                            "no unfinished signup for %s (looked for %s)", o->service_id,
                            s->state_path);
        return cli_fail(o->json, "state_file", "cannot read %s: %s", s->state_path,
                        errno == EINVAL ? "not a signup state file for this service"
                                        : strerror(errno));
    }
    /* The state names the env file it was saved for (same directory, maybe another name). */
    snprintf(s->env_file, sizeof s->env_file, "%s", s->state.env_file);
    int rc = check_env_file(s);
    if (rc != CLI_EXIT_OK) return rc;
    /* The session lives where it was created unless a base URL is forced. */
    if (!o->base_url && !getenv("FOIL_BASE_URL")) {
        foil_document_t *doc = NULL;
        if (foil_document_parse(s->state.exported, strlen(s->state.exported), &doc) == FOIL_OK) {
            const char *url = foil_json_get_string(foil_document_root(doc), "base_url");
            foil_status_t st = url ? foil_client_set_base_url(s->client, url) : FOIL_OK;
            foil_document_free(doc);
            if (st != FOIL_OK) return cli_fail_foil(o->json, st, "resuming the signup");
        }
    }
    foil_status_t st = foil_gate_session_import(s->client, s->state.exported, &s->session);
    if (st != FOIL_OK) return cli_fail_foil(o->json, st, "resuming the signup");
    s->resumed = 1;
    /* For the summary's docs and SDK hints only: a failure here changes nothing. */
    if (foil_gate_registry_get(s->client, o->service_id, &s->entry) != FOIL_OK) s->entry = NULL;
    /* One poll up front so that an approved, denied, expired or already acknowledged
     * session does not show its consent URL again; the wait repeats any other failure. */
    st = foil_gate_session_poll(s->session);
    if (st == FOIL_E_GONE || st == FOIL_E_REJECTED || st == FOIL_E_EXPIRED) *final = st;
    const char *status = foil_gate_session_status(s->session);
    if (st == FOIL_OK && strcmp(status, "rejected") == 0) *final = FOIL_E_REJECTED;
    if (st == FOIL_OK && strcmp(status, "expired") == 0) *final = FOIL_E_EXPIRED;
    if (st == FOIL_OK && strcmp(status, "acknowledged") == 0) *final = FOIL_E_GONE;
    if (!o->json)
        printf("Resuming the signup to %s (session %s)%s.\n", cli_safe(o->service_id),
               cli_safe(foil_gate_session_id(s->session)),
               s->state.written ? ", already written to the env file" : "");
    return CLI_EXIT_OK;
}

static void show_consent_url(signup_t *s) {
    const char *url = foil_gate_session_consent_url(s->session);
    int opened = !s->o->no_browser && cli_open_url(url) == 0;
    FILE *f = s->o->json ? stderr : stdout;
    fprintf(f, "%sApprove the signup in your browser:%s\n  %s%s%s\n", cli_style(f, CLI_BOLD),
            cli_style(f, CLI_RESET), cli_style(f, CLI_CYAN), cli_safe(url),
            cli_style(f, CLI_RESET));
    if (!s->o->no_browser)
        fprintf(f, "  %s%s%s\n", cli_style(f, CLI_DIM),
                opened ? "(opened in your browser)" : "(open it yourself: no browser found)",
                cli_style(f, CLI_RESET));
    fflush(f);
}

/* Maps the end of a wait that did not approve to a message and exit code. */
static int wait_failed(signup_t *s, foil_status_t st) {
    const cli_signup_options_t *o = s->o;
    if (st == FOIL_E_CANCELLED) {
        int sig = interrupted_by;
        if (o->json)
            cli_fail(1, "interrupted", "interrupted while waiting; resume with --resume");
        else
            fprintf(stderr,
                    "Interrupted. The signup is saved; finish it with 'foil signup %s --resume'"
                    " or drop it with --discard.\n",
                    cli_safe(o->service_id));
        return sig == SIGTERM ? CLI_EXIT_TERMINATED : CLI_EXIT_INTERRUPTED;
    }
    if (st == FOIL_E_TIMEOUT) {
        if (o->json)
            cli_fail(1, "timeout", "no answer before the timeout; resume with --resume");
        else
            fprintf(
                stderr,
                "No answer yet. The signup is saved; finish it with 'foil signup %s --resume'.\n",
                cli_safe(o->service_id));
        return CLI_EXIT_TIMEOUT;
    }
    if (st == FOIL_E_GONE && s->state.written) {
        /* Acknowledged by an earlier run that died before removing its state. */
        cli_state_remove(s->state_path);
        if (o->json) {
            cJSON *doc = cJSON_CreateObject();
            cJSON_AddTrueToObject(doc, "ok");
            cJSON_AddStringToObject(doc, "service_id", o->service_id);
            cJSON_AddStringToObject(doc, "session_id", foil_gate_session_id(s->session));
            cJSON_AddStringToObject(doc, "env_file", s->env_file);
            cJSON_AddBoolToObject(doc, "resumed", s->resumed);
            cJSON_AddTrueToObject(doc, "already_delivered");
            cJSON_AddTrueToObject(doc, "acknowledged");
            cJSON_AddStringToObject(doc, "message",
                                    "the signup is already done: its keys were written to the env "
                                    "file and acknowledged");
            cli_json_print(doc);
        } else {
            printf("%s%s Done.%s This signup is already finished: its keys were written to %s"
                   " and acknowledged. Nothing left to do.\n",
                   cli_style(stdout, CLI_GREEN), cli_sym("✔", "OK"), cli_style(stdout, CLI_RESET),
                   cli_safe(s->env_file));
        }
        return CLI_EXIT_OK;
    }
    if (st == FOIL_E_REJECTED || st == FOIL_E_EXPIRED || st == FOIL_E_GONE) {
        /* Final at the API: the saved key can never be used again. */
        cli_state_remove(s->state_path);
        int rc = cli_fail_foil(o->json, st, "waiting for approval");
        if (!o->json && st == FOIL_E_REJECTED)
            fprintf(stderr, "The signup was denied in the browser. Nothing was written.\n");
        else if (!o->json)
            fprintf(stderr, "Start again with 'foil signup %s'.\n", cli_safe(o->service_id));
        return rc == CLI_EXIT_ERROR ? CLI_EXIT_DENIED : rc;
    }
    int rc = cli_fail_foil(o->json, st, "waiting for approval");
    if (!o->json)
        fprintf(stderr, "The signup is saved; retry with 'foil signup %s --resume'.\n",
                cli_safe(o->service_id));
    return rc;
}

typedef struct delivery {
    cli_env_pair_t *pairs;
    cli_env_change_t *changes;
    size_t count;
    const char **refused_keys, **refused_reasons;
    size_t refused;
} delivery_t;

static void delivery_free(delivery_t *d) {
    free(d->pairs);
    free(d->changes);
    free(d->refused_keys);
    free(d->refused_reasons);
}

/* Splits the session's outputs into pairs to write and keys refused. */
static int collect(signup_t *s, delivery_t *d) {
    size_t n = foil_gate_session_output_count(s->session);
    size_t r = foil_gate_session_refused_count(s->session);
    d->pairs = calloc(n + 1, sizeof *d->pairs);
    d->changes = calloc(n + 1, sizeof *d->changes);
    d->refused_keys = calloc(n + r + 1, sizeof *d->refused_keys);
    d->refused_reasons = calloc(n + r + 1, sizeof *d->refused_reasons);
    if (!d->pairs || !d->changes || !d->refused_keys || !d->refused_reasons) return -1;
    for (size_t i = 0; i < r; i++) {
        d->refused_keys[d->refused] = foil_gate_session_refused_key(s->session, i);
        d->refused_reasons[d->refused++] = foil_gate_session_refused_reason(s->session, i);
    }
    for (size_t i = 0; i < n; i++) {
        const char *key = foil_gate_session_output_key(s->session, i);
        /* A name with '=', spaces or newlines could inject other variables. */
        if (!cli_env_key_is_valid(key)) {
            d->refused_keys[d->refused] = key;
            d->refused_reasons[d->refused++] = "invalid_name";
            continue;
        }
        d->pairs[d->count].key = key;
        d->pairs[d->count++].value = foil_gate_session_output_value(s->session, i);
    }
    return 0;
}

/* 1 when the env file at `path` now holds every delivered value. */
static int env_file_holds(const char *path, const delivery_t *d) {
    char *text = NULL;
    size_t len = 0;
    if (cli_file_read(path, &text, &len) != 0) return 0;
    int ok = 1;
    for (size_t i = 0; ok && i < d->count; i++) {
        char *value = cli_env_lookup(text, len, d->pairs[i].key);
        ok = value && strcmp(value, d->pairs[i].value) == 0;
        cli_wipe_free(value);
    }
    cli_wipe(text, len);
    free(text);
    return ok;
}

/* Merges the delivery into the env file under its lock (`<target>.lock`), which the
 * caller holds until the ack is sent: concurrent signups into one env file take turns,
 * and each re-reads the file under the lock right before merging, so no write ever
 * drops another's keys. After the durable replace the file is read back: the ack is
 * sent only when it holds every delivered value. */
static int write_env_file(signup_t *s, delivery_t *d, cli_lock_t *lock) {
    const char *json_hint = "The delivery is saved; fix this and run 'foil signup";
    char *old = NULL, *merged = NULL;
    size_t old_len = 0, merged_len = 0;
    char err[PATH_MAX + 160], target[PATH_MAX], lock_path[PATH_MAX + 8];
    struct stat st;
    if (cli_file_check_target(s->env_file, target, sizeof target, err, sizeof err) != 0 ||
        snprintf(lock_path, sizeof lock_path, "%s.lock", target) >= (int)sizeof lock_path ||
        cli_lock_acquire(lock, lock_path, 0, err, sizeof err) != 0)
        return cli_fail(s->o->json, "env_file", "%s. %s %s --resume'.", err, json_hint,
                        s->o->service_id);
    if (cli_file_read(target, &old, &old_len) != 0 && errno != ENOENT)
        return cli_fail(s->o->json, "env_file", "cannot read %s: %s. %s %s --resume'.", target,
                        errno == EFBIG ? "too large" : strerror(errno), json_hint,
                        s->o->service_id);
    /* Secrets into a file others can read: say so (the mode is the owner's choice). */
    if (old && stat(target, &st) == 0 && (st.st_mode & 0066))
        snprintf(s->warning, sizeof s->warning,
                 "%s is readable or writable by other users (mode %04o); it now holds secrets: "
                 "consider 'chmod 600 %s'",
                 target, (unsigned)(st.st_mode & 07777), target);
    int rc = cli_env_merge(old ? old : "", old_len, d->pairs, d->count, &merged, &merged_len,
                           d->changes);
    if (old) cli_wipe(old, old_len);
    free(old);
    if (rc != 0 && errno == EILSEQ)
        return cli_fail(s->o->json, "env_file_unparsable",
                        "cannot merge into the env file safely: its quoting is broken (an "
                        "unterminated quote?); fix it, or choose another file with --env-file");
    if (rc != 0) return cli_fail(s->o->json, "out_of_memory", "cannot merge the env file");
    rc = cli_file_write_atomic(target, merged, merged_len, 0600, "env-temp", err, sizeof err);
    cli_wipe(merged, merged_len);
    free(merged);
    if (rc != 0)
        return cli_fail(s->o->json, "env_file", "%s. %s %s --resume'.", err, json_hint,
                        s->o->service_id);
    if (!env_file_holds(target, d))
        return cli_fail(s->o->json, "env_file_changed",
                        "%s changed while it was written (another program?); not acknowledged. "
                        "Check it, then run 'foil signup %s --resume'.",
                        target, s->o->service_id);
    return CLI_EXIT_OK;
}

static void print_summary(signup_t *s, const delivery_t *d, const char *docs_url) {
    FILE *f = stdout;
    const foil_json_t *entry = s->entry ? foil_result_data(s->entry) : NULL;
    if (s->o->json) {
        cJSON *doc = cJSON_CreateObject();
        cJSON_AddTrueToObject(doc, "ok");
        cJSON_AddStringToObject(doc, "service_id", s->o->service_id);
        cJSON_AddStringToObject(doc, "session_id", foil_gate_session_id(s->session));
        cJSON_AddStringToObject(doc, "account_name", foil_gate_session_account_name(s->session));
        cJSON_AddStringToObject(doc, "env_file", s->env_file);
        cJSON_AddBoolToObject(doc, "resumed", s->resumed);
        cJSON *keys = cJSON_AddArrayToObject(doc, "keys");
        for (size_t i = 0; i < d->count; i++) {
            cJSON *k = cJSON_CreateObject();
            cJSON_AddStringToObject(k, "key", d->pairs[i].key);
            cJSON_AddStringToObject(k, "change", change_name(d->changes[i]));
            cJSON_AddItemToArray(keys, k);
        }
        cJSON *refused = cJSON_AddArrayToObject(doc, "refused");
        for (size_t i = 0; i < d->refused; i++) {
            cJSON *k = cJSON_CreateObject();
            cJSON_AddStringToObject(k, "key", d->refused_keys[i]);
            cJSON_AddStringToObject(k, "reason", d->refused_reasons[i]);
            cJSON_AddItemToArray(refused, k);
        }
        cJSON_AddTrueToObject(doc, "acknowledged");
        cJSON *warnings = cJSON_AddArrayToObject(doc, "warnings");
        if (s->warning[0]) {
            cJSON *w = cJSON_CreateObject();
            cJSON_AddStringToObject(w, "code", "env_file_permissions");
            cJSON_AddStringToObject(w, "message", s->warning);
            cJSON_AddItemToArray(warnings, w);
        }
        if (docs_url) cJSON_AddStringToObject(doc, "docs_url", docs_url);
        cJSON *sdks = cli_json_from_view(foil_json_get(entry, "sdks"));
        if (sdks) cJSON_AddItemToObject(doc, "sdks", sdks);
        cli_json_print(doc);
        return;
    }
    fprintf(f, "%s%s Approved.%s Wrote %zu key%s to %s%s%s\n", cli_style(f, CLI_GREEN),
            cli_sym("✔", "OK"), cli_style(f, CLI_RESET), d->count, d->count == 1 ? "" : "s",
            cli_style(f, CLI_BOLD), cli_safe(s->env_file), cli_style(f, CLI_RESET));
    size_t width = 0;
    for (size_t i = 0; i < d->count; i++)
        if (strlen(d->pairs[i].key) > width) width = strlen(d->pairs[i].key);
    for (size_t i = 0; i < d->count; i++) {
        char masked[32];
        cli_mask(d->pairs[i].value, masked, sizeof masked);
        cli_env_change_t c = d->changes[i];
        fprintf(f, "  %s%s%s %-*s  %s  %s(%s)%s\n",
                cli_style(f, c == CLI_ENV_ADDED     ? CLI_GREEN
                             : c == CLI_ENV_UPDATED ? CLI_YELLOW
                                                    : CLI_DIM),
                c == CLI_ENV_ADDED     ? "+"
                : c == CLI_ENV_UPDATED ? "~"
                                       : "=",
                cli_style(f, CLI_RESET), (int)width, cli_safe(d->pairs[i].key), masked,
                cli_style(f, CLI_DIM), change_name(c), cli_style(f, CLI_RESET));
    }
    for (size_t i = 0; i < d->refused; i++)
        fprintf(stderr, "  %s%s refused %s%s: %s\n", cli_style(stderr, CLI_RED), cli_sym("✘", "x"),
                cli_safe(d->refused_keys[i]), cli_style(stderr, CLI_RESET),
                cli_safe(refusal_text(d->refused_reasons[i])));
    if (s->warning[0])
        fprintf(stderr, "%swarning:%s %s\n", cli_style(stderr, CLI_YELLOW),
                cli_style(stderr, CLI_RESET), cli_safe(s->warning));
    if (docs_url) fprintf(f, "\n  Docs: %s\n", cli_safe(docs_url));
    const foil_json_t *sdks = foil_json_get(entry, "sdks");
    if (foil_json_size(sdks)) fprintf(f, "  Install an SDK:\n");
    for (size_t i = 0; i < foil_json_size(sdks); i++) {
        const foil_json_t *sdk = foil_json_at(sdks, i);
        fprintf(f, "    %-8s %s\n", cli_safe(foil_json_get_string(sdk, "label")),
                cli_safe(foil_json_get_string(sdk, "install")));
    }
    fflush(f);
}

/* Writes, acknowledges and reports a decrypted delivery. */
static int deliver(signup_t *s) {
    const cli_signup_options_t *o = s->o;
    delivery_t d = {0};
    int rc = CLI_EXIT_OK;
    if (collect(s, &d) != 0) {
        delivery_free(&d);
        return cli_fail(o->json, "out_of_memory", "out of memory");
    }
    cli_test_pause("approved");
    /* Nothing to write when every key was refused; the ack is still due. The env file's
     * lock is held from before the read until after the ack. */
    cli_lock_t lock = CLI_LOCK_INIT;
    if ((d.count > 0 && (rc = write_env_file(s, &d, &lock)) != CLI_EXIT_OK) ||
        (rc = save_state(s, 1)) != CLI_EXIT_OK) {
        cli_lock_release(&lock);
        delivery_free(&d);
        return rc;
    }
    cli_test_pause("env-written");
    foil_status_t st = foil_gate_session_ack(s->session);
    cli_lock_release(&lock);
    /* 410: an earlier run of this signup already acknowledged it. */
    if (st != FOIL_OK && st != FOIL_E_GONE) {
        rc = cli_fail_foil(o->json, st, "acknowledging the delivery");
        if (!o->json)
            fprintf(stderr,
                    "The env file is written; run 'foil signup %s --resume' to send the"
                    " acknowledgement.\n",
                    o->service_id);
        delivery_free(&d);
        return rc;
    }
    cli_test_pause("acked");
    cli_state_remove(s->state_path);
    const char *docs_url = foil_gate_session_docs_url(s->session);
    if (!docs_url && s->entry)
        docs_url = foil_json_get_string(foil_result_data(s->entry), "docs_url");
    print_summary(s, &d, docs_url);
    delivery_free(&d);
    return CLI_EXIT_OK;
}

int cli_signup_run(const cli_signup_options_t *o) {
    signup_t s = {.o = o};
    int rc;
    if (absolute_env_file(o->env_file ? o->env_file : ".env", s.env_file, sizeof s.env_file) != 0 ||
        cli_state_path(s.env_file, o->service_id, s.state_path, sizeof s.state_path) != 0)
        return cli_fail_usage(o->json, "env_file_unusable",
                              "cannot use the env file: its path is too long");
    /* Checked before anything is created (again on resume, for the saved env file). */
    if (!o->resume && (rc = check_env_file(&s)) != CLI_EXIT_OK) return rc;
    if ((rc = cli_client(o->json, o->base_url, NULL, &s.client)) != CLI_EXIT_OK) return rc;

    if (o->discard) {
        cli_state_remove(s.state_path);
        if (!o->json)
            printf("Dropped the unfinished signup to %s, if any.\n", cli_safe(o->service_id));
    }
    foil_status_t final = FOIL_OK;
    if (o->resume) {
        rc = start_resumed(&s, &final);
    } else if (access(s.state_path, F_OK) == 0) {
        rc = cli_fail(o->json, "unfinished_signup",
                      "an unfinished signup to %s is saved in %s; finish it with 'foil signup "
                      "%s --resume' or start over with --discard",
                      o->service_id, s.state_path, o->service_id);
    } else {
        rc = start_new(&s);
    }
    if (rc == CLI_EXIT_OK && final != FOIL_OK) {
        /* Resumed, and already over: done (acknowledged), denied or expired. */
        rc = wait_failed(&s, final);
    } else if (rc == CLI_EXIT_OK) {
        if (strcmp(foil_gate_session_status(s.session), "pending") == 0) show_consent_url(&s);
        foil_status_t st = wait_for_approval(&s);
        rc = st == FOIL_OK ? deliver(&s) : wait_failed(&s, st);
    }
    foil_gate_session_free(s.session);
    foil_result_free(s.entry);
    cli_state_clear(&s.state);
    foil_client_free(s.client);
    return rc;
}

/* ---- the command -------------------------------------------------------------------- */

static const char USAGE[] =
    "Usage: foil signup <service> [options]\n"
    "\n"
    "Sign up to a Gate service: create a session, open its consent page, wait for your\n"
    "approval, decrypt the credentials locally and write them to the env file.\n"
    "\n"
    "Options:\n"
    "  --account-name NAME   account name (default: the current directory's name)\n"
    "  --metadata KEY=VALUE  metadata for the service (repeatable)\n"
    "  --env-file PATH       env file to write (default: ./.env)\n"
    "  --no-browser          print the consent URL without opening it\n"
    "  --timeout SECONDS     stop waiting after this long, 0.001 to 86400 (default: until\n"
    "                        it expires)\n"
    "  --poll-interval MS    time between polls (default: 1000)\n"
    "  --base-url URL        API origin (default: FOIL_BASE_URL or https://api.usefoil.com)\n"
    "  --resume              finish a signup that was interrupted (state in .foil/)\n"
    "  --discard             drop a saved unfinished signup, then start a new one\n"
    "  --json                print a JSON result on stdout\n"
    "  -h, --help            show this help\n"
    "\n"
    "Exit codes: 0 written and acknowledged, 1 error, 2 usage error (also an env file\n"
    "that cannot be written: a directory, FIFO, device, dangling symlink or too large),\n"
    "3 timed out (resumable), 5 denied or expired, 130 interrupted (resumable).\n";

/* A day: far past any session's lifetime (the wait ends at expires_at anyway). */
#define MAX_TIMEOUT_SECONDS 86400

/* Adds KEY=VALUE to the metadata object. */
static int add_metadata(cJSON *metadata, const char *arg) {
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg) return -1;
    char *key = strndup(arg, (size_t)(eq - arg));
    int ok = key && cJSON_GetObjectItemCaseSensitive(metadata, key) == NULL &&
             cJSON_AddStringToObject(metadata, key, eq + 1) != NULL;
    free(key);
    return ok ? 0 : -1;
}

int cmd_signup(int argc, char **argv) {
    static const struct option options[] = {{"account-name", required_argument, NULL, 'a'},
                                            {"metadata", required_argument, NULL, 'm'},
                                            {"env-file", required_argument, NULL, 'e'},
                                            {"no-browser", no_argument, NULL, 'n'},
                                            {"timeout", required_argument, NULL, 't'},
                                            {"poll-interval", required_argument, NULL, 'i'},
                                            {"base-url", required_argument, NULL, 'b'},
                                            {"resume", no_argument, NULL, 'r'},
                                            {"discard", no_argument, NULL, 'd'},
                                            {"json", no_argument, NULL, 'j'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    cli_signup_options_t o = {0};
    cJSON *metadata = cJSON_CreateObject();
    int c, rc = -1;
    char *end;
    while (rc < 0 && (c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (c) {
        case 'a':
            o.account_name = optarg;
            break;
        case 'm':
            if (add_metadata(metadata, optarg) != 0)
                rc = cli_usage("signup", "--metadata wants a new KEY=VALUE, got '%s'", optarg);
            break;
        case 'e':
            o.env_file = optarg;
            break;
        case 'n':
            o.no_browser = 1;
            break;
        case 't': {
            /* Bounded before the conversion: NaN, inf or 1e300 do not fit a long, and
             * anything under 1 ms would become 0, which means "until it expires". */
            double seconds = strtod(optarg, &end);
            if (end == optarg || *end || !(seconds >= 0.001 && seconds <= MAX_TIMEOUT_SECONDS))
                rc = cli_usage("signup", "--timeout wants 0.001 to %d seconds, got '%s'",
                               MAX_TIMEOUT_SECONDS, optarg);
            else
                o.timeout_ms = (long)(seconds * 1000);
            break;
        }
        case 'i':
            o.interval_ms = strtol(optarg, &end, 10);
            if (*end || o.interval_ms <= 0)
                rc = cli_usage("signup", "--poll-interval wants milliseconds, got '%s'", optarg);
            break;
        case 'b':
            o.base_url = optarg;
            break;
        case 'r':
            o.resume = 1;
            break;
        case 'd':
            o.discard = 1;
            break;
        case 'j':
            o.json = 1;
            break;
        case 'h':
            rc = cli_help(USAGE);
            break;
        default:
            rc = cli_usage("signup", "unknown option or missing value: %s", argv[optind - 1]);
            break;
        }
    }
    if (rc < 0 && optind + 1 != argc)
        rc = cli_usage("signup", optind == argc ? "which service? (see 'foil registry')"
                                                : "one service at a time");
    if (rc < 0 && o.resume && o.discard)
        rc = cli_usage("signup", "--resume or --discard, not both");
    char *metadata_json = NULL;
    if (rc < 0 && cJSON_GetArraySize(metadata) > 0) {
        metadata_json = cJSON_PrintUnformatted(metadata);
        o.metadata_json = metadata_json;
    }
    if (rc < 0) {
        o.service_id = argv[optind];
        rc = cli_signup_run(&o);
    }
    free(metadata_json);
    cJSON_Delete(metadata);
    return rc;
}
