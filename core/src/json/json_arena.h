/* Arena-backed JSON parser for API responses.
 *
 * Builds a tree of ordinary cJSON nodes, with the fields set exactly as cJSON 1.7.15's
 * parser sets them (types, keys, decoded strings, valuedouble/valueint, child/next/prev
 * links), so every reader of cJSON trees works on it unchanged. All nodes and strings
 * live in a few large blocks owned by the arena: the whole tree goes with one
 * foil_json_arena_free, and must never be given to cJSON_Delete or modified.
 *
 * The grammar is strict RFC 8259, which makes it stricter than cJSON in a few places
 * cJSON accepts invalid text: leading zeros and '.' without digits around it in numbers,
 * raw control characters in strings, \u escapes with non-hex digits, and bytes other
 * than space, tab, CR and LF as whitespace. Unlike cJSON it refuses text that is not
 * UTF-8 (RFC 8259 §8.1: overlong forms, surrogates and bytes that begin no sequence are
 * refused; the whole text is checked once, ASCII 64 bytes at a time) and the escape \u0000
 * (a NUL would silently cut the C string), and objects that give a member name twice
 * (readers keeping the first and readers keeping the last would see different documents).
 * Like cJSON it nests at most FOIL_JSON_NESTING_LIMIT containers deep, skips a leading
 * UTF-8 byte order mark and rejects anything but whitespace after the value.
 *
 * Numbers also say whether their text was an integer, which cJSON forgets: see
 * FOIL_JSON_INTEGER_TEXT. */
#ifndef FOIL_JSON_ARENA_H
#define FOIL_JSON_ARENA_H

#include "internal.h"

#include <stddef.h>

#define FOIL_JSON_NESTING_LIMIT FOIL_JSON_MAX_DEPTH /* as CJSON_NESTING_LIMIT */

/* One of these is set in the type of every number node the parser makes (cJSON's readers
 * mask the type with 0xFF and never see them; a number built with cJSON_CreateNumber has
 * neither). INTEGER: the text had no fraction and no exponent ("42", "-0"); DECIMAL: it
 * had ("42.0", "4.2e1"). When an integer's magnitude is above 2^53, where valuedouble
 * rounds, valuestring holds its text ("-9007199254740993"); otherwise valuestring stays
 * NULL, as cJSON leaves it. */
#define FOIL_JSON_INTEGER_TEXT 0x1000
#define FOIL_JSON_DECIMAL_TEXT 0x2000

typedef struct foil_json_arena foil_json_arena_t;

/* RFC 3629 UTF-8 in [p, end): no overlong forms, no surrogates, nothing above U+10FFFF
 * (the parser's rule, shared with the JSON writer). */
bool foil_utf8_valid(const unsigned char *p, const unsigned char *end);

/* Parse `len` bytes of `text` (no terminator needed, never read past `len`). On FOIL_OK
 * *root is the tree and *arena owns it; on failure both are NULL and the status is
 * FOIL_E_PROTOCOL (not valid JSON) or FOIL_E_NOMEM. */
foil_status_t foil_json_arena_parse(const char *text, size_t len, foil_json_arena_t **arena,
                                    cJSON **root);

/* foil_json_arena_parse, keeping less of a list response: when the document is an object
 * with a "data" array, each object element of that array (an item) holds only the members
 * on the projection's paths (json_projection.h), nested objects likewise; a member on a path
 * whose value is not an object is kept whole. Everything else is built as usual. Every byte
 * is checked exactly as foil_json_arena_parse checks it (grammar, UTF-8, \u0000, nesting,
 * member names given twice, in skipped values too): it fails exactly when that one does,
 * with the same status and message. NULL projection: foil_json_arena_parse. */
struct foil_json_projection;
foil_status_t foil_json_arena_parse_projected(const char *text, size_t len,
                                              const struct foil_json_projection *projection,
                                              foil_json_arena_t **arena, cJSON **root);

/* Check that `len` bytes of `text` are JSON the parser accepts (UTF-8, no \u0000, strict
 * grammar) without keeping the tree; the memory used is wiped. FOIL_OK, FOIL_E_PROTOCOL
 * (the last error says why, never quoting the text) or FOIL_E_NOMEM. For text other
 * parsers (cJSON) then read: they would cut strings at \u0000 and keep bytes that are not
 * UTF-8. */
foil_status_t foil_json_text_check(const char *text, size_t len);

/* foil_json_text_check for JSON a caller passes in (NUL-terminated): a refusal is
 * FOIL_E_VALIDATION naming `field`, with the parser's reason. For text that cJSON then
 * reads, so that what the core checks is what every other reader of the text sees. */
foil_status_t foil_json_text_check_field(const char *text, const char *field);

/* Free the tree and everything in it; `wipe` zeroes the memory first (responses that may
 * carry secrets). NULL-safe. */
void foil_json_arena_free(foil_json_arena_t *arena, bool wipe);

#endif
