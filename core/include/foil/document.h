/* libfoil: owned JSON documents (parsed webhook events, verified token payloads). */
#ifndef FOIL_DOCUMENT_H
#define FOIL_DOCUMENT_H

#include "common.h"
#include "json.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct foil_document foil_document_t;

/* Parse JSON text (len bytes; no NUL needed). Bad JSON is FOIL_E_INVALID_ARGUMENT. */
FOIL_API foil_status_t foil_document_parse(const char *text, size_t len, foil_document_t **out);
/* Root view, borrowed from the document. */
FOIL_API const foil_json_t *foil_document_root(const foil_document_t *doc);
FOIL_API void foil_document_free(foil_document_t *doc);

#ifdef __cplusplus
}
#endif
#endif
