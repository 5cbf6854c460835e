/* The cursor-paginated lists (lists.c): the operations whose table entry has a "cursor"
 * query parameter, prepared from the table, for the typed _list / _iter functions and
 * for foil_call / foil_call_iter alike. */
#ifndef FOIL_LISTS_H
#define FOIL_LISTS_H

#include "iterator.h"

/* A list's string parameter (path or query) by its name in the operation table; a list
 * of them ends with a NULL name. A name not in the list is not given. */
typedef struct foil_list_arg {
    const char *name;
    const char *value;
} foil_list_arg_t;

struct foil_run;
/* List `op`'s page at args' "cursor" (the first without one), run as `run` says (run.h). */
foil_status_t foil_list_run(const struct foil_run *run, foil_op_t op, int limit,
                            const foil_list_arg_t *args);
/* One page of list `op` (the page at args' "cursor", the first without one). */
foil_status_t foil_list_page(foil_client_t *client, foil_op_t op, int limit,
                             const foil_list_arg_t *args, foil_page_t **out);
/* An iterator over every item of list `op` ("cursor" in args is not read). */
foil_status_t foil_list_iter(foil_client_t *client, foil_op_t op, int limit,
                             const foil_list_arg_t *args, foil_iter_t **out);

#endif
