/* Locating and reading the official spec's files for the contract tests. */
#include "foil_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *foil_test_spec_dir(void) {
    static char resolved[4096];
    const char *candidates[] = {getenv("FOIL_SPEC_DIR"), FOIL_SPEC_DIR_DEFAULT};
    for (size_t i = 0; i < sizeof candidates / sizeof *candidates; i++) {
        struct stat st;
        char probe[4096];
        if (!candidates[i] || !*candidates[i]) continue;
        if (snprintf(probe, sizeof probe, "%s/openapi.json", candidates[i]) >= (int)sizeof probe)
            continue;
        if (stat(probe, &st) == 0) {
            snprintf(resolved, sizeof resolved, "%s", candidates[i]);
            return resolved;
        }
    }
    return NULL;
}

char *foil_test_read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (!buf) return NULL;
    buf[n] = '\0';
    if (len) *len = (size_t)n;
    return buf;
}

cJSON *foil_test_fixture(const char *rel) {
    const char *dir = foil_test_spec_dir();
    if (!dir) return NULL;
    char path[4096];
    if (snprintf(path, sizeof path, "%s/fixtures/%s", dir, rel) >= (int)sizeof path) return NULL;
    char *text = foil_test_read_file(path, NULL);
    if (!text) return NULL;
    cJSON *doc = cJSON_Parse(text);
    free(text);
    return doc;
}

int foil_test_require_spec(const char *suite) {
    if (foil_test_spec_dir()) return 0;
    fprintf(stderr,
            "SKIP %s: the official foil-spec was not found; set FOIL_SPEC_DIR to a checkout "
            "of foil-server-sdk-spec (openapi.json + fixtures/)\n",
            suite);
    return 77;
}
