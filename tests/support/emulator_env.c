/* See emulator_env.h. */
#include "emulator_env.h"

#include <stdlib.h>

int emulator_env_setup(void **state) {
    emulator_env_t *e = calloc(1, sizeof *e);
    if (!e) return -1;
    foil_emulator_config_t cfg;
    foil_emulator_config_init(&cfg);
    cfg.session_count = 250;
    if (foil_emulator_start(&cfg, &e->emu) != FOIL_OK || foil_client_new(&e->client) != FOIL_OK ||
        foil_client_set_base_url(e->client, foil_emulator_base_url(e->emu)) != FOIL_OK ||
        foil_client_set_secret_key(e->client, foil_emulator_secret_key(e->emu)) != FOIL_OK) {
        foil_client_free(e->client);
        foil_emulator_stop(e->emu);
        free(e);
        return -1;
    }
    *state = e;
    return 0;
}

int emulator_env_teardown(void **state) {
    emulator_env_t *e = *state;
    foil_client_free(e->client);
    foil_emulator_stop(e->emu);
    free(e);
    return 0;
}

const emulator_fault_case_t emulator_answer_faults[] = {
    {FOIL_EMULATOR_FAULT_STATUS, 500, 0, FOIL_E_SERVER},
    {FOIL_EMULATOR_FAULT_STATUS, 503, 0, FOIL_E_SERVER},
    {FOIL_EMULATOR_FAULT_STATUS, 429, 0, FOIL_E_RATE_LIMITED},
    {FOIL_EMULATOR_FAULT_STATUS, 403, 0, FOIL_E_PERMISSION},
    {FOIL_EMULATOR_FAULT_STATUS, 401, 0, FOIL_E_AUTHENTICATION},
    {FOIL_EMULATOR_FAULT_DELAY, 0, 1000, FOIL_E_TIMEOUT},
    {FOIL_EMULATOR_FAULT_RESET, 0, 0, FOIL_E_CONNECTION},
    {FOIL_EMULATOR_FAULT_TRUNCATE, 0, 0, FOIL_E_CONNECTION},
    {FOIL_EMULATOR_FAULT_CORRUPT, 0, 0, FOIL_E_PROTOCOL},
    {FOIL_EMULATOR_FAULT_CONTENT_TYPE, 0, 0, FOIL_E_PROTOCOL},
    {FOIL_EMULATOR_FAULT_OVERSIZED, 0, 0, FOIL_E_PROTOCOL},
};
const size_t emulator_answer_fault_count =
    sizeof emulator_answer_faults / sizeof emulator_answer_faults[0];
