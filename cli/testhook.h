/* foil CLI: the test hook that lets the end-to-end tests kill a signup at a chosen step.
 *
 * When FOIL_CLI_TEST_PAUSE names `step`, cli_test_pause(step) prints
 * "foil-test-pause: <step>" on stderr and then sleeps until the process is killed.
 * Steps, in signup order: created, saved, approved, env-temp (temp file written and
 * synced, not yet renamed), env-written, acked. With "<step>+usr1" it stops there
 * until SIGUSR1 arrives, then goes on (to hold a signup at a step while another runs).
 * Not for production use.
 */
#ifndef FOIL_CLI_TESTHOOK_H
#define FOIL_CLI_TESTHOOK_H

void cli_test_pause(const char *step);

#endif
