/* A small C surface over the embedded emulator for the Python benchmarks (loaded with
 * ctypes), so they can approve Gate signups the way c_signup does without mirroring the
 * layout of foil_emulator_config_t in Python. Built as libfoil_bench_emulator.so; only the
 * bench_emulator_* symbols are exported. */
#include "foil_emulator.h"

#include <stddef.h>

/* Same service as c_signup.c. */
static const foil_emulator_service_t bench_service = {
    .id = "bench",
    .outputs_json = "{\"BENCH_API_KEY\":\"bk_test_0123456789abcdef\",\"BENCH_REGION\":"
                    "\"eu-west-1\",\"BENCH_ENDPOINT\":\"https://bench.example/api\"}",
};

/* Start an emulator with the default configuration and the "bench" service; NULL on failure. */
__attribute__((visibility("default"))) foil_emulator_t *bench_emulator_start(void) {
    foil_emulator_config_t cfg;
    foil_emulator_config_init(&cfg);
    foil_emulator_t *emu = NULL;
    if (foil_emulator_start(&cfg, &emu) != FOIL_OK) return NULL;
    if (foil_emulator_add_service(emu, &bench_service) != FOIL_OK) {
        foil_emulator_stop(emu);
        return NULL;
    }
    return emu;
}

__attribute__((visibility("default"))) const char *bench_emulator_base_url(foil_emulator_t *emu) {
    return foil_emulator_base_url(emu);
}

/* 0 on success, else the foil_status_t. */
__attribute__((visibility("default"))) int bench_emulator_approve(foil_emulator_t *emu,
                                                                  const char *gate_session_id) {
    return (int)foil_emulator_approve(emu, gate_session_id);
}

__attribute__((visibility("default"))) void bench_emulator_stop(foil_emulator_t *emu) {
    foil_emulator_stop(emu);
}
