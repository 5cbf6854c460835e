/* Gate signup cycles per second with libfoil: create (fresh X25519 key pair + POST), approve
 * through the emulator, one poll that fetches and decrypts both envelopes, ack.
 *
 * The emulator runs in this process because approval is a call on its C API; the Python
 * signup benchmark (signup.py) uses the same emulator build and the same service, so the
 * numbers compare.
 *
 * Usage: c_signup [--rounds N] [--cycles N]   (prints one JSON object on stdout) */
#define _POSIX_C_SOURCE 200809L
#include "bench_stats.h"
#include "foil_emulator.h"

#include <foil/foil.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The service every signup benchmark uses (bench_emulator.c registers the same one). */
#define BENCH_SERVICE_ID "bench"
#define BENCH_SERVICE_OUTPUTS                                                                      \
    "{\"BENCH_API_KEY\":\"bk_test_0123456789abcdef\",\"BENCH_REGION\":\"eu-west-1\","              \
    "\"BENCH_ENDPOINT\":\"https://bench.example/api\"}"

static void check_foil(foil_status_t st, const char *what) {
    if (st != FOIL_OK) bench_die(what, foil_error_message(foil_last_error()));
}

static void one_cycle(foil_emulator_t *emu, foil_client_t *client) {
    foil_gate_session_t *s = NULL;
    check_foil(foil_gate_session_create(client, BENCH_SERVICE_ID, "bench-signup", NULL, &s),
               "foil_gate_session_create");
    check_foil(foil_emulator_approve(emu, foil_gate_session_id(s)), "foil_emulator_approve");
    check_foil(foil_gate_session_poll(s), "foil_gate_session_poll");
    if (strcmp(foil_gate_session_status(s), "approved") != 0 ||
        !foil_gate_session_output(s, "BENCH_API_KEY"))
        bench_die("signup", "the poll after approval did not deliver the outputs");
    check_foil(foil_gate_session_ack(s), "foil_gate_session_ack");
    foil_gate_session_free(s);
}

static int parse_int(const char *text, const char *flag) {
    char *end = NULL;
    long v = strtol(text, &end, 10);
    if (!end || *end || v < 1 || v > 1000000) bench_die(flag, "expects a positive integer");
    return (int)v;
}

int main(int argc, char **argv) {
    int rounds = 7, cycles = 200;
    for (int i = 1; i < argc; i += 2) {
        if (i + 1 >= argc) bench_die(argv[i], "needs a value");
        if (strcmp(argv[i], "--rounds") == 0)
            rounds = parse_int(argv[i + 1], argv[i]);
        else if (strcmp(argv[i], "--cycles") == 0)
            cycles = parse_int(argv[i + 1], argv[i]);
        else
            bench_die(argv[i], "unknown option");
    }
    foil_emulator_config_t cfg;
    foil_emulator_config_init(&cfg);
    foil_emulator_t *emu = NULL;
    check_foil(foil_emulator_start(&cfg, &emu), "foil_emulator_start");
    foil_emulator_service_t service = {.id = BENCH_SERVICE_ID,
                                       .outputs_json = BENCH_SERVICE_OUTPUTS};
    check_foil(foil_emulator_add_service(emu, &service), "foil_emulator_add_service");
    foil_client_t *client = NULL;
    check_foil(foil_client_new(&client), "foil_client_new");
    check_foil(foil_client_set_base_url(client, foil_emulator_base_url(emu)), "set_base_url");

    one_cycle(emu, client); /* warm-up */
    double *rate = calloc((size_t)rounds, sizeof *rate);
    if (!rate) bench_die("c_signup", "out of memory");
    for (int r = 0; r < rounds; r++) {
        double t0 = bench_now();
        for (int i = 0; i < cycles; i++)
            one_cycle(emu, client);
        rate[r] = cycles / (bench_now() - t0);
    }
    printf("{\"benchmark\": \"c_signup\", \"rounds\": %d, \"cycles\": %d, "
           "\"cycles_per_s\": %.1f, \"connections\": %ld}\n",
           rounds, cycles, bench_median(rate, (size_t)rounds),
           foil_client_connections_opened(client));
    free(rate);
    foil_client_free(client);
    foil_emulator_stop(emu);
    return 0;
}
