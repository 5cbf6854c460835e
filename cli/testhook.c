/* foil CLI: FOIL_CLI_TEST_PAUSE (see testhook.h). */
#define _POSIX_C_SOURCE 200809L
#include "testhook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void cli_test_pause(const char *step) {
    const char *want = getenv("FOIL_CLI_TEST_PAUSE");
    if (!step || !want || strcmp(want, step) != 0) return;
    fprintf(stderr, "foil-test-pause: %s\n", step);
    fflush(stderr);
    for (;;)
        pause();
}
