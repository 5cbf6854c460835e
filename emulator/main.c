/* foil-emulator: see foil_emulator_main() in src/command_line.c. */
#include "foil_emulator.h"

int main(int argc, char **argv) {
    return foil_emulator_main(argc, argv);
}
