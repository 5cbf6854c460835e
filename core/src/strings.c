/* Small string helpers, including the wiping free used for secrets. */
#include "internal.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

char *foil_strdup(const char *s) {
    return s ? strdup(s) : NULL;
}

bool foil_str_empty(const char *s) {
    return s == NULL || *s == '\0';
}

void foil_wipe_string(char *s) {
    if (s) sodium_memzero(s, strlen(s));
}

void foil_wipe_free(char *s) {
    if (!s) return;
    sodium_memzero(s, strlen(s));
    free(s);
}

void foil_string_free(char *s) {
    foil_wipe_free(s);
}
