/* foil CLI: FOIL_CLI_TEST_PAUSE (see testhook.h). */
#define _POSIX_C_SOURCE 200809L
#include "testhook.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void cli_test_pause(const char *step) {
    const char *want = getenv("FOIL_CLI_TEST_PAUSE");
    if (!step || !want) return;
    size_t n = strlen(step);
    if (strncmp(want, step, n) != 0) return;
    if (strcmp(want + n, "+usr1") == 0) {
        /* Stop until SIGUSR1, then go on. */
        sigset_t usr1, old;
        int sig;
        sigemptyset(&usr1);
        sigaddset(&usr1, SIGUSR1);
        sigprocmask(SIG_BLOCK, &usr1, &old);
        fprintf(stderr, "foil-test-pause: %s\n", step);
        fflush(stderr);
        sigwait(&usr1, &sig);
        sigprocmask(SIG_SETMASK, &old, NULL);
        return;
    }
    if (want[n] != '\0') return;
    fprintf(stderr, "foil-test-pause: %s\n", step);
    fflush(stderr);
    for (;;)
        pause();
}
