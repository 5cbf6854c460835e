/* Comparing two API answers to the same request: the whole document for reads, the shape
 * for writes (ids and timestamps differ), and an answer against its model (models.h). */
#ifndef FOIL_TEST_JSON_SHAPE_H
#define FOIL_TEST_JSON_SHAPE_H

#include <cjson/cJSON.h>
#include <stdbool.h>

/* "data.0.id" in a JSON tree (an array step is an index); NULL when absent. */
const cJSON *json_at_path(const cJSON *root, const char *path);
/* Same JSON types and object keys throughout (arrays: their first items); the first
 * difference is printed. */
bool json_same_shape(const cJSON *a, const cJSON *b, const char *where);
/* Drops what differs between two reads of the same object: meta.request_id, and every
 * last_used_at (the calling key's last use). */
void json_drop_volatile(cJSON *node);
/* `data` (an object) holds every field of `model` and of the models it is based on that
 * is neither `opt` nor `empty`, each null or of its declared JSON kind; the first
 * failure is printed. */
bool json_fits_model(const cJSON *data, const char *model);

#endif
