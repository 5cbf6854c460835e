/* Small JSON and string helpers shared by the handlers and the public API. */
#include "emu.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

cJSON *emu_json_iso(int64_t ms) {
    if (ms == 0) return cJSON_CreateNull();
    char buf[32];
    emu_iso8601(ms, buf);
    return cJSON_CreateString(buf);
}

void emu_json_set(cJSON *obj, const char *name, cJSON *value) {
    if (!value) return;
    if (cJSON_GetObjectItemCaseSensitive(obj, name))
        cJSON_ReplaceItemInObjectCaseSensitive(obj, name, value);
    else
        cJSON_AddItemToObject(obj, name, value);
}

char *emu_strdup(const char *s) {
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

void foil_emulator_string_free(char *s) {
    if (!s) return;
    sodium_memzero(s, strlen(s));
    free(s);
}

void emu_log(const char *fmt, ...) {
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    fprintf(stderr, "foil-emulator: %s\n", line);
}
