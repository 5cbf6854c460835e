/* foil-emulator's command line (options, serve until a signal): foil_emulator_main(), run by
 * emulator/main.c and by `foil emulator`. */
#include "emu.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char USAGE[] =
    "usage: foil-emulator [options]\n"
    "  --host H              loopback bind address: 127.x.x.x, ::1, localhost (default\n"
    "                        127.0.0.1)\n"
    "  --port P              port, 0 picks a free one (default 0)\n"
    "  --auto-approve MS     approve Gate sessions MS milliseconds after creation\n"
    "  --seed-sessions N     seeded sessions (default 250)\n"
    "  --seed-fingerprints N seeded visitor fingerprints (default 120)\n"
    "  --seed S              seed for the generated data (default 1)\n"
    "  --gate-ttl SECONDS    Gate session lifetime (default 900)\n"
    "  --rate-limit          enable the rate limits (secret 600, gate 120, public 300 / 60 s)\n"
    "  --rate-limit-secret N / --rate-limit-gate N / --rate-limit-public N  bucket sizes\n"
    "  --threads N           HTTP worker threads (default 4)\n"
    "  --service ID=JSON     add a Gate service delivering the JSON object of outputs\n"
    "  --service-webhook ID=URL  add a Gate service backed by an integrator webhook\n"
    "  --fault METHOD:PATH:COUNT:KIND[:STATUS[:DELAY_MS]]  inject a fault (repeatable)\n"
    "  --log                 log one line per request to stderr\n"
    "  --json                print {\"base_url\",\"secret_key\",\"organization_id\"} once ready\n"
    "  --help                this text\n";

static int parse_u64(const char *s, unsigned long long max, unsigned long long *out) {
    if (!s || !*s) return -1;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || errno || v > max || s[0] == '-') return -1;
    *out = v;
    return 0;
}

static int parse_fault(foil_emulator_t *emu, const char *spec) {
    char buf[512];
    snprintf(buf, sizeof(buf), "%s", spec);
    char *fields[6] = {0};
    int n = 0;
    char *save = NULL;
    for (char *t = strtok_r(buf, ":", &save); t && n < 6; t = strtok_r(NULL, ":", &save))
        fields[n++] = t;
    unsigned long long count, status = 0, delay = 0;
    if (n < 4 || parse_u64(fields[2], 1000000, &count) != 0 ||
        (n > 4 && parse_u64(fields[4], 599, &status) != 0) ||
        (n > 5 && parse_u64(fields[5], 600000, &delay) != 0))
        return -1;
    foil_emulator_fault_kind_t kind = foil_emulator_fault_kind_from_name(fields[3]);
    return foil_emulator_inject_fault(emu, fields[0], fields[1], (unsigned)count, kind,
                                      (unsigned)status, (unsigned)delay) == FOIL_OK
               ? 0
               : -1;
}

static int add_service(foil_emulator_t *emu, const char *spec, int webhook) {
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec || eq - spec > 32) return -1;
    char id[40];
    snprintf(id, sizeof(id), "%.*s", (int)(eq - spec), spec);
    foil_emulator_service_t svc;
    memset(&svc, 0, sizeof(svc));
    svc.id = id;
    if (webhook)
        svc.webhook_url = eq + 1;
    else
        svc.outputs_json = eq + 1;
    return foil_emulator_add_service(emu, &svc) == FOIL_OK ? 0 : -1;
}

int foil_emulator_main(int argc, char **argv) {
    foil_emulator_config_t cfg;
    foil_emulator_config_init(&cfg);
    int json = 0;
    const char *faults[32];
    int nfaults = 0;
    const char *services[32];
    int webhook[32];
    int nservices = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        unsigned long long n;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(USAGE, stdout);
            return 0;
        } else if (strcmp(a, "--json") == 0) {
            json = 1;
        } else if (strcmp(a, "--log") == 0) {
            cfg.log_requests = 1;
        } else if (strcmp(a, "--rate-limit") == 0) {
            cfg.rate_limit = 1;
        } else if (strcmp(a, "--host") == 0 && v) {
            cfg.host = v;
            i++;
        } else if (strcmp(a, "--port") == 0 && parse_u64(v, 65535, &n) == 0) {
            cfg.port = (unsigned)n;
            i++;
        } else if (strcmp(a, "--auto-approve") == 0 && parse_u64(v, 3600000, &n) == 0) {
            cfg.auto_approve_ms = (unsigned)n;
            i++;
        } else if (strcmp(a, "--seed-sessions") == 0 && parse_u64(v, UINT32_MAX, &n) == 0) {
            cfg.session_count = (size_t)n;
            i++;
        } else if (strcmp(a, "--seed-fingerprints") == 0 && parse_u64(v, UINT32_MAX, &n) == 0) {
            cfg.fingerprint_count = (size_t)n;
            i++;
        } else if (strcmp(a, "--seed") == 0 && parse_u64(v, UINT64_MAX, &n) == 0) {
            cfg.seed = n;
            i++;
        } else if (strcmp(a, "--gate-ttl") == 0 && parse_u64(v, 86400 * 30, &n) == 0 && n > 0) {
            cfg.gate_ttl_seconds = (unsigned)n;
            i++;
        } else if (strcmp(a, "--rate-limit-secret") == 0 && parse_u64(v, 1000000, &n) == 0) {
            cfg.rate_limit_secret = (unsigned)n;
            i++;
        } else if (strcmp(a, "--rate-limit-gate") == 0 && parse_u64(v, 1000000, &n) == 0) {
            cfg.rate_limit_gate = (unsigned)n;
            i++;
        } else if (strcmp(a, "--rate-limit-public") == 0 && parse_u64(v, 1000000, &n) == 0) {
            cfg.rate_limit_public = (unsigned)n;
            i++;
        } else if (strcmp(a, "--threads") == 0 && parse_u64(v, 256, &n) == 0 && n > 0) {
            cfg.threads = (unsigned)n;
            i++;
        } else if (strcmp(a, "--fault") == 0 && v && nfaults < 32) {
            faults[nfaults++] = v;
            i++;
        } else if ((strcmp(a, "--service") == 0 || strcmp(a, "--service-webhook") == 0) && v &&
                   nservices < 32) {
            webhook[nservices] = strcmp(a, "--service-webhook") == 0;
            services[nservices++] = v;
            i++;
        } else {
            fprintf(stderr, "foil-emulator: bad or incomplete option '%s'\n%s", a, USAGE);
            return 2;
        }
    }

    if (!emu_host_is_loopback(cfg.host)) {
        fprintf(stderr,
                "foil-emulator: --host %s is not a loopback address (127.x.x.x, ::1, "
                "localhost): the emulator's /_emulator routes mint keys without auth\n",
                cfg.host);
        return 2;
    }

    /* Block the stop signals before any server thread exists, then wait for them here. A
     * shell starts background jobs with SIGINT ignored, and an ignored signal is discarded
     * even while blocked: restore the default disposition first. */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    foil_emulator_t *emu = NULL;
    foil_status_t st = foil_emulator_start(&cfg, &emu);
    if (st != FOIL_OK) {
        fprintf(stderr, "foil-emulator: cannot start on %s:%u: %s\n", cfg.host, cfg.port,
                foil_status_str(st));
        return 1;
    }
    for (int i = 0; i < nservices; i++) {
        if (add_service(emu, services[i], webhook[i]) != 0) {
            fprintf(stderr, "foil-emulator: bad service '%s'\n", services[i]);
            foil_emulator_stop(emu);
            return 2;
        }
    }
    for (int i = 0; i < nfaults; i++) {
        if (parse_fault(emu, faults[i]) != 0) {
            fprintf(stderr, "foil-emulator: bad fault '%s'\n", faults[i]);
            foil_emulator_stop(emu);
            return 2;
        }
    }
    if (json) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "base_url", foil_emulator_base_url(emu));
        cJSON_AddStringToObject(j, "secret_key", foil_emulator_secret_key(emu));
        cJSON_AddStringToObject(j, "organization_id", foil_emulator_organization_id(emu));
        char *line = cJSON_PrintUnformatted(j);
        cJSON_Delete(j);
        printf("%s\n", line ? line : "{}");
        free(line);
        fflush(stdout);
    }
    fprintf(stderr, "foil-emulator: serving the Foil API on %s (%zu seeded sessions)\n",
            foil_emulator_base_url(emu), cfg.session_count);
    int sig = 0;
    sigwait(&stop, &sig);
    fprintf(stderr, "foil-emulator: %s, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    foil_emulator_stop(emu);
    return 0;
}
