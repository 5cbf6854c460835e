/* Owned cJSON trees with exact numbers, for JSON the core reads from a caller and writes on.
 *
 * cJSON keeps only a double per number, so its parser and printer round integers beyond
 * 2^53 (9007199254740993 -> 9007199254740992) and its printer writes 2.0 as 2 and -0.0 as 0.
 * These keep what the arena parser knows (FOIL_JSON_INTEGER_TEXT, the digits of big
 * integers) through a heap tree callers may change, and print it back exactly. */
#ifndef FOIL_JSON_TREE_H
#define FOIL_JSON_TREE_H

#include "internal.h"

/* Parse `len` bytes of `text` as foil_json_arena_parse does (same checks, same failures:
 * FOIL_E_PROTOCOL with the parser's reason, or FOIL_E_NOMEM) into an ordinary cJSON tree,
 * freed with cJSON_Delete and free to change. Number nodes keep the arena's flags and
 * big-integer text. */
foil_status_t foil_json_tree_parse(const char *text, size_t len, cJSON **out);

/* Compact JSON text of a tree, parsed or built, as cJSON_PrintUnformatted writes it except
 * for numbers: an integer read as text is written as that integer (its digits beyond 2^53),
 * an integral value built within +-2^53 as an integer, any other number in the fewest
 * digits that read back to the same double, keeping a fraction or exponent ("2.0",
 * "-0.0", "1e+300"). Non-finite numbers are null, as cJSON writes them. Free *out with
 * foil_wipe_free. */
foil_status_t foil_json_print(const cJSON *root, char **out);

/* Whether every member name and string value in the tree below `node` (itself included)
 * is valid UTF-8: what a body built from a caller's C strings is checked with before it is
 * sent (parsed text has been checked by the parser already). */
bool foil_json_tree_utf8(const cJSON *node);

#endif
