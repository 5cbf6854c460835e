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

/* The emulator's faults, each with the status a call that meets it returns: the cases
 * every transport is checked against. A delay is met by a client whose timeout is
 * EMULATOR_FAULT_TIMEOUT_MS; the others by any client whose max_response_bytes is under
 * the oversized body's 64 MiB (they answer at their own pace: that body under valgrind
 * takes seconds). */
typedef struct emulator_fault_case {
    foil_emulator_fault_kind_t kind;
    unsigned status;   /* for FOIL_EMULATOR_FAULT_STATUS */
    unsigned delay_ms; /* for FOIL_EMULATOR_FAULT_DELAY */
    foil_status_t expected;
} emulator_fault_case_t;
#define EMULATOR_FAULT_TIMEOUT_MS 150
extern const emulator_fault_case_t emulator_answer_faults[];
extern const size_t emulator_answer_fault_count;

#endif
