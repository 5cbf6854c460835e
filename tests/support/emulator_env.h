/* A cmocka fixture for the integration tests: an embedded emulator with seeded sessions and
 * a client configured for it (base URL and secret key). */
#ifndef FOIL_TEST_EMULATOR_ENV_H
#define FOIL_TEST_EMULATOR_ENV_H

#include "foil/foil.h"
#include "foil_emulator.h"

typedef struct emulator_env {
    foil_emulator_t *emu;
    foil_client_t *client;
} emulator_env_t;

/* *state becomes an emulator_env_t with 250 seeded sessions; teardown frees both. */
int emulator_env_setup(void **state);
int emulator_env_teardown(void **state);

#endif
