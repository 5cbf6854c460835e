/* foil CLI: wiping memory that held secrets. */
#define _POSIX_C_SOURCE 200809L
#include "wipe.h"

#include <stdlib.h>
#include <string.h>

void cli_wipe(void *p, size_t n) {
    volatile unsigned char *v = p;
    while (v && n--)
        *v++ = 0;
}

void cli_wipe_free(char *s) {
    if (!s) return;
    cli_wipe(s, strlen(s));
    free(s);
}
