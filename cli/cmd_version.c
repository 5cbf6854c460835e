/* foil version: the CLI's and the library's versions. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "output.h"

int cmd_version(int argc, char **argv) {
    static const struct option options[] = {
        {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int c, json = 0;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        if (c == 'h')
            return cli_help("Usage: foil version [--json]\n\nPrint the versions of "
                            "the foil command and of libfoil.\n");
        if (c != 'j')
            return cli_usage("version", "unknown option or missing value: %s", argv[optind - 1]);
        json = 1;
    }
    if (optind != argc) return cli_usage("version", "no arguments expected");
    if (json) {
        cJSON *doc = cJSON_CreateObject();
        cJSON_AddStringToObject(doc, "foil", FOIL_VERSION);
        cJSON_AddStringToObject(doc, "libfoil", foil_version_string());
        return cli_json_print(doc) == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
    }
    printf("foil %s (libfoil %s)\n", FOIL_VERSION, foil_version_string());
    return CLI_EXIT_OK;
}
