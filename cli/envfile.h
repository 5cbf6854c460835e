/* foil CLI: dotenv files (parse, quote, merge).
 *
 * The grammar is python-dotenv's (the strictest common parser): `[export] KEY=value`,
 * values bare, 'single-quoted' (only \\ and \' are escapes) or "double-quoted"
 * (\\ \' \" \a \b \f \n \r \t \v are escapes); quoted values may span lines; a bare
 * value ends at whitespace followed by `#`. Merging rewrites only the value bytes of the
 * keys it sets, so every other byte of the file (comments, order, blank lines, CRLF
 * endings, inline comments) stays as it was.
 */
#ifndef FOIL_CLI_ENVFILE_H
#define FOIL_CLI_ENVFILE_H

#include <stddef.h>

typedef struct cli_env_pair {
    const char *key;
    const char *value;
} cli_env_pair_t;

typedef enum cli_env_change {
    CLI_ENV_ADDED = 1, /* appended at the end */
    CLI_ENV_UPDATED,   /* an existing value replaced in place */
    CLI_ENV_UNCHANGED  /* already held this exact value: bytes left alone */
} cli_env_change_t;

/* 1 when `key` is a portable environment variable name ([A-Za-z_][A-Za-z0-9_]*). */
int cli_env_key_is_valid(const char *key);

/* The value as it must be written after `KEY=` so that dotenv parsers read it back
 * exactly: bare when only safe characters, else single quotes, else double quotes with
 * escapes. NULL when out of memory. */
char *cli_env_quote(const char *value);

/* Calls visit(user_data, key, value) for every binding in file order (value NULL for
 * a bare `KEY` line). Lines that are not bindings (comments, blanks, garbage) are
 * skipped. A non-zero return from visit stops the walk and is returned. */
typedef int (*cli_env_visit_fn)(void *user_data, const char *key, const char *value);
int cli_env_parse(const char *text, size_t len, cli_env_visit_fn visit, void *user_data);

/* The value the last binding of `key` has (as dotenv parsers read it), malloc'd;
 * NULL when absent or out of memory. */
char *cli_env_lookup(const char *text, size_t len, const char *key);

/* New file text: `text` with every binding of pairs[i].key set to pairs[i].value in
 * place, and keys not present appended (with the file's line ending). changes[i]
 * (may be NULL) tells what happened to each pair. Keys must be valid names.
 * Returns 0, or -1 (errno EINVAL for an invalid key, ENOMEM, EILSEQ when the text's
 * quoting is broken so that the merged file would not read back as intended). */
int cli_env_merge(const char *text, size_t len, const cli_env_pair_t *pairs, size_t n, char **out,
                  size_t *out_len, cli_env_change_t *changes);

#endif
