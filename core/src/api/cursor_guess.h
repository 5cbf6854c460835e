/* A list answer's next_cursor read from its raw text, before the answer is parsed. */
#ifndef FOIL_CURSOR_GUESS_H
#define FOIL_CURSOR_GUESS_H

#include <stddef.h>

/* The string after the last "next_cursor" key in the last FOIL_CURSOR_GUESS_TAIL bytes of
 * `body`, when it is plain (printable ASCII, no escapes: what cursors are); else NULL (also
 * when out of memory). Malloc'd. A guess, never checked against the JSON grammar: the
 * iterator only uses it to start the next page's request early, and keeps that request
 * only when the parsed page names the same cursor. */
#define FOIL_CURSOR_GUESS_TAIL 4096
char *foil_cursor_guess(const char *body, size_t len);

#endif
