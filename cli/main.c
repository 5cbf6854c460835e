/* foil: the libfoil command line (signup, login, registry, sessions, fingerprints,
 * token and webhook verification, the local emulator and the demo). */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "term.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command_t;

static const command_t COMMANDS[] = {
    {"signup", cmd_signup, "sign up to a Gate service and write its keys to .env"},
    {"login", cmd_login, "open a service's dashboard with the agent token from .env"},
    {"registry", cmd_registry, "list the Gate registry or show one service"},
    {"sessions", cmd_sessions, "list, show and label bot-detection sessions"},
    {"fingerprints", cmd_fingerprints, "list and show visitor fingerprints"},
    {"token", cmd_token, "verify a sealed token locally"},
    {"webhook", cmd_webhook, "verify a webhook signature and parse its event"},
    {"emulator", cmd_emulator, "run the local Foil API emulator"},
    {"demo", cmd_demo, "the whole story on the embedded emulator, offline"},
    {"version", cmd_version, "print the versions"},
};
#define COMMAND_COUNT (sizeof COMMANDS / sizeof COMMANDS[0])

static int usage(FILE *f) {
    fprintf(f, "Usage: foil <command> [options]\n\nCommands:\n");
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        fprintf(f, "  %-13s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    fprintf(f, "\nRun 'foil <command> --help' for a command's options.\n"
               "Environment: FOIL_SECRET_KEY (secret key), FOIL_BASE_URL (API origin), NO_COLOR.\n"
               "Exit codes: 0 ok, 1 error, 2 usage error, 3 timed out, 4 did not verify,\n"
               "5 denied or expired, 130 interrupted, 143 terminated.\n");
    return f == stdout ? CLI_EXIT_OK : CLI_EXIT_USAGE;
}

/* Started with stdin, stdout or stderr closed (`foil signup acme >&- 2>&-`), the next
 * descriptor opened would take that number: libcurl's sockets, the lock or the temp env
 * file, and our output would go into the API connection or a file. /dev/null takes
 * every closed one first. */
static int open_standard_fds(void) {
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) != -1) continue;
        int null_fd = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
        if (null_fd != fd) return -1; /* the lowest free number, or open failed */
    }
    return 0;
}

int main(int argc, char **argv) {
    if (open_standard_fds() != 0) return CLI_EXIT_ERROR;
    opterr = 0; /* the commands report bad options themselves (escaped, exit 2) */
    if (argc < 2) return usage(stderr);
    const char *name = argv[1];
    if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0) return usage(stdout);
    if (strcmp(name, "--version") == 0) name = "version";
    if (strcmp(name, "help") == 0) {
        if (argc < 3) return usage(stdout);
        char *help_argv[] = {argv[2], "--help", NULL};
        for (size_t i = 0; i < COMMAND_COUNT; i++)
            if (strcmp(COMMANDS[i].name, argv[2]) == 0) return COMMANDS[i].run(2, help_argv);
        fprintf(stderr, "foil: unknown command '%s'\n", cli_safe(argv[2]));
        return usage(stderr);
    }
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        if (strcmp(COMMANDS[i].name, name) == 0) return COMMANDS[i].run(argc - 1, argv + 1);
    fprintf(stderr, "foil: unknown command '%s'\n", cli_safe(name));
    return usage(stderr);
}
