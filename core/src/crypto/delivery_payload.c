/* The decrypted delivery payload {"version":1,"outputs":{...},"ack_token"?:...}.
 * Output values are secrets: every string in the tree is wiped before it is freed. */
#include "delivery_internal.h"

#include <stdlib.h>
#include <string.h>

static int compare_keys(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* JSON parsers disagree on which duplicate key wins; refuse the ambiguity. Sorting
 * keeps this O(n log n) for hostile payloads with many keys. */
static foil_status_t check_unique_keys(const cJSON *outputs) {
    size_t n = (size_t)cJSON_GetArraySize(outputs);
    if (n < 2) return FOIL_OK;
    const char **keys = malloc(n * sizeof *keys);
    if (!keys) return foil_fail_nomem();
    size_t i = 0;
    for (const cJSON *item = outputs->child; item; item = item->next)
        keys[i++] = item->string;
    qsort(keys, n, sizeof *keys, compare_keys);
    foil_status_t st = FOIL_OK;
    for (i = 1; i < n && st == FOIL_OK; i++)
        if (strcmp(keys[i - 1], keys[i]) == 0)
            st = foil_fail_field(FOIL_E_VALIDATION, "payload.outputs", "duplicate key",
                                 "unique keys", keys[i]);
    free(keys);
    return st;
}

foil_status_t foil_delivery_payload_check(const cJSON *payload) {
    if (!cJSON_IsObject(payload))
        return foil_fail_field(FOIL_E_VALIDATION, "payload", "must be a JSON object", "object",
                               NULL);
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(payload, "version");
    if (!cJSON_IsNumber(version) || version->valuedouble != 1.0)
        return foil_fail_field(FOIL_E_VALIDATION, "payload.version", "must be 1", "1", NULL);
    const cJSON *outputs = cJSON_GetObjectItemCaseSensitive(payload, "outputs");
    if (!cJSON_IsObject(outputs))
        return foil_fail_field(FOIL_E_VALIDATION, "payload.outputs", "must be an object",
                               "object of strings", NULL);
    for (const cJSON *item = outputs->child; item; item = item->next)
        /* Key names are not secret; values are and never reach the error record. */
        if (!cJSON_IsString(item))
            return foil_fail_field(FOIL_E_VALIDATION, "payload.outputs",
                                   "every value must be a string", "string", item->string);
    foil_status_t st = check_unique_keys(outputs);
    if (st != FOIL_OK) return st;
    const cJSON *ack = cJSON_GetObjectItemCaseSensitive(payload, "ack_token");
    if (ack && !cJSON_IsString(ack))
        return foil_fail_field(FOIL_E_VALIDATION, "payload.ack_token", "must be a string", "string",
                               NULL);
    return FOIL_OK;
}

static void wipe_strings(cJSON *node) {
    for (; node; node = node->next) {
        if (node->string) sodium_memzero(node->string, strlen(node->string));
        if (node->valuestring) sodium_memzero(node->valuestring, strlen(node->valuestring));
        wipe_strings(node->child);
    }
}

void foil_json_wipe_delete(cJSON *root) {
    if (!root) return;
    /* The root has no siblings, so walking from it covers exactly its tree. */
    wipe_strings(root);
    cJSON_Delete(root);
}

static const cJSON *outputs_of(const foil_delivery_payload_t *p) {
    return p ? cJSON_GetObjectItemCaseSensitive(p->root, "outputs") : NULL;
}

size_t foil_delivery_payload_output_count(const foil_delivery_payload_t *p) {
    const cJSON *outputs = outputs_of(p);
    return outputs ? (size_t)cJSON_GetArraySize(outputs) : 0;
}

static const cJSON *output_at(const foil_delivery_payload_t *p, size_t i) {
    const cJSON *item = outputs_of(p) ? outputs_of(p)->child : NULL;
    for (; item && i > 0; i--)
        item = item->next;
    return item;
}

const char *foil_delivery_payload_output_key(const foil_delivery_payload_t *p, size_t i) {
    const cJSON *item = output_at(p, i);
    return item ? item->string : NULL;
}

const char *foil_delivery_payload_output_value(const foil_delivery_payload_t *p, size_t i) {
    const cJSON *item = output_at(p, i);
    return item ? item->valuestring : NULL;
}

const char *foil_delivery_payload_output(const foil_delivery_payload_t *p, const char *key) {
    if (!key) return NULL;
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(outputs_of(p), key);
    return item ? item->valuestring : NULL;
}

const char *foil_delivery_payload_ack_token(const foil_delivery_payload_t *p) {
    const cJSON *ack = p ? cJSON_GetObjectItemCaseSensitive(p->root, "ack_token") : NULL;
    return cJSON_IsString(ack) ? ack->valuestring : NULL;
}

const foil_json_t *foil_delivery_payload_outputs(const foil_delivery_payload_t *p) {
    return FOIL_VIEW(outputs_of(p));
}

const foil_json_t *foil_delivery_payload_json(const foil_delivery_payload_t *p) {
    return p ? FOIL_VIEW(p->root) : NULL;
}

void foil_delivery_payload_free(foil_delivery_payload_t *p) {
    if (!p) return;
    foil_json_wipe_delete(p->root);
    free(p);
}
