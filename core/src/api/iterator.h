/* Creating iterators from a list request template (internal). */
#ifndef FOIL_ITERATOR_H
#define FOIL_ITERATOR_H

#include "result.h"

/* Copies the template (path args, query) and retains the client. */
foil_status_t foil_iter_create(foil_client_t *client, const foil_request_t *tmpl,
                               foil_iter_t **out);

#endif
