/* foil CLI: UTF-8 decoding (escaping for terminals, repairing JSON output). */
#ifndef FOIL_CLI_UTF8_H
#define FOIL_CLI_UTF8_H

#include <stddef.h>

/* Length of the UTF-8 sequence at s and its code point, or 0 when it is not valid
 * UTF-8 (overlong forms, surrogates and values past U+10FFFF included). */
size_t cli_utf8_decode(const unsigned char *s, unsigned long *cp);

/* NULL when s is valid UTF-8; else a malloc'd copy in which every byte that is not
 * part of a valid sequence is U+FFFD (also NULL when out of memory: *failed is set). */
char *cli_utf8_repair_dup(const char *s, int *failed);

#endif
