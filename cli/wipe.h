/* foil CLI: wiping memory that held secrets (values, keys, exported sessions). */
#ifndef FOIL_CLI_WIPE_H
#define FOIL_CLI_WIPE_H

#include <stddef.h>

/* Zero n bytes in a way the compiler cannot drop. NULL-safe. */
void cli_wipe(void *p, size_t n);
/* Wipe a NUL-terminated string, then free it. NULL-safe. */
void cli_wipe_free(char *s);

#endif
