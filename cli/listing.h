/* foil CLI: printing a page (or every page) of a list command as a table or JSON. */
#ifndef FOIL_CLI_LISTING_H
#define FOIL_CLI_LISTING_H

#include <foil/foil.h>

typedef struct cli_column {
    const char *header;
    const char *path; /* dotted path into each item */
} cli_column_t;

/* Prints one page (a list operation's foil_call result), or with `it` every remaining item. Table
 * on stdout (with a hint about the next page), or with json
 * {"data":[...],"has_more":..,"next_cursor":..}. Returns the exit code. */
int cli_list_print(int json, const cli_column_t *columns, size_t count, foil_result_t *page,
                   foil_iter_t *it);

/* Prints one object: selected fields as "label  value" lines, or with json the whole
 * object. Returns the exit code. */
int cli_object_print(int json, const cli_column_t *fields, size_t count, const foil_json_t *obj);

#endif
