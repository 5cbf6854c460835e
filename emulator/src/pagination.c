/* Cursor pagination: limit 1..200 (default 50) and opaque, query-bound cursors. */
#include "emu.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t emu_hash_str(uint64_t h, const char *s) {
    h ^= 0xcbf29ce484222325ULL;
    for (; s && *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return emu_mix64(h);
}

char *emu_cursor_encode(const char *parameter_set, uint64_t filter_hash, uint64_t offset) {
    char json[160];
    int n = snprintf(json, sizeof(json), "{\"v\":1,\"set\":\"%s\",\"q\":\"%016llx\",\"o\":%llu}",
                     parameter_set, (unsigned long long)filter_hash, (unsigned long long)offset);
    size_t cap = sodium_base64_ENCODED_LEN((size_t)n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = malloc(cap);
    if (out)
        sodium_bin2base64(out, cap, (const unsigned char *)json, (size_t)n,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

/* A forged offset past 2^53 or with a fraction is no offset this emulator writes (and a double
 * past 2^64 has no uint64_t value: the cast would be undefined). */
static int offset_ok(const cJSON *o) {
    if (!cJSON_IsNumber(o) || !(o->valuedouble >= 0 && o->valuedouble <= 9007199254740992.0))
        return 0;
    return (double)(uint64_t)o->valuedouble == o->valuedouble;
}

static int cursor_decode(const char *cursor, const char *parameter_set, uint64_t filter_hash,
                         uint64_t *offset) {
    unsigned char raw[256];
    size_t len = 0;
    if (strlen(cursor) > 300 ||
        sodium_base642bin(raw, sizeof(raw) - 1, cursor, strlen(cursor), NULL, &len, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
        return -1;
    raw[len] = '\0';
    cJSON *root = cJSON_Parse((const char *)raw);
    int rc = -1;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "v");
    const cJSON *set = cJSON_GetObjectItemCaseSensitive(root, "set");
    const cJSON *q = cJSON_GetObjectItemCaseSensitive(root, "q");
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(root, "o");
    char want[17];
    snprintf(want, sizeof(want), "%016llx", (unsigned long long)filter_hash);
    if (cJSON_IsNumber(v) && v->valueint == 1 && cJSON_IsString(set) &&
        strcmp(set->valuestring, parameter_set) == 0 && cJSON_IsString(q) &&
        strcmp(q->valuestring, want) == 0 && offset_ok(o)) {
        *offset = (uint64_t)o->valuedouble;
        rc = 0;
    }
    cJSON_Delete(root);
    return rc;
}

int emu_page_params(emu_request_t *req, emu_response_t *resp, const char *parameter_set,
                    uint64_t filter_hash, int *limit, uint64_t *offset) {
    char msg[200];
    snprintf(msg, sizeof(msg),
             "Invalid %s list query. Use limit between 1 and 200 and the supported filters only.",
             parameter_set);
    *limit = 50;
    *offset = 0;
    const char *l = emu_query(req, "limit");
    if (l) {
        char *end = NULL;
        errno = 0;
        long v = strtol(l, &end, 10);
        if (!*l || *end || errno || v < 1 || v > 200) {
            emu_respond_field_error(req, resp, msg, parameter_set, "limit", "invalid_integer",
                                    "integer between 1 and 200", l);
            return -1;
        }
        *limit = (int)v;
    }
    const char *c = emu_query(req, "cursor");
    if (c && cursor_decode(c, parameter_set, filter_hash, offset) != 0) {
        emu_respond_field_error(req, resp, msg, parameter_set, "cursor", "invalid_cursor",
                                "a next_cursor from the same list query", c);
        return -1;
    }
    return 0;
}
