/* foil emulator: the local Foil API emulator (the same program as foil-emulator). */
#define _POSIX_C_SOURCE 200809L
#include <foil_emulator.h>

#include "cli.h"

int cmd_emulator(int argc, char **argv) {
    char name[] = "foil emulator";
    argv[0] = name;
    return foil_emulator_main(argc, argv);
}
