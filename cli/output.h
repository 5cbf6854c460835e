/* foil CLI: human output (tables, masked values) and machine output (JSON via cJSON). */
#ifndef FOIL_CLI_OUTPUT_H
#define FOIL_CLI_OUTPUT_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>

#include <foil/json.h>

/* A value safe to show: its first 4 characters and "…" when it has at least 12
 * (ASCII) characters, else only "…". Never more. */
void cli_mask(const char *value, char *buf, size_t n);

/* A table printed with aligned columns; cells longer than max_width are cut with "…".
 * Header in dim colour on a terminal. */
typedef struct cli_table cli_table_t;
cli_table_t *cli_table_new(size_t columns, const char *const *headers);
/* Adds a row of `columns` cells (NULL cells print as "-"). Returns 0 or -1 (ENOMEM). */
int cli_table_add(cli_table_t *t, const char *const *cells);
/* Prints every row, each indented by `indent` spaces. */
void cli_table_print(const cli_table_t *t, FILE *f, int indent);
void cli_table_free(cli_table_t *t);

/* A cJSON copy of a libfoil JSON view (NULL view -> JSON null). NULL on failure. */
cJSON *cli_json_from_view(const foil_json_t *v);
/* Prints the document on stdout (pretty when stdout is a terminal) and a newline,
 * then deletes it. Bytes that are not UTF-8 (a path, an argument) print as U+FFFD, so
 * the output is always JSON. Returns 0, or -1 when doc was NULL (out of memory). */
int cli_json_print(cJSON *doc);

/* Small readers of JSON views for table cells: the value as text ("-" when absent). */
void cli_view_text(const foil_json_t *v, const char *dotted_path, char *buf, size_t n);

#endif
