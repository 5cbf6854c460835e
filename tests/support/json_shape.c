/* See json_shape.h. */
#include "json_shape.h"

#include "foil_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const cJSON *json_at_path(const cJSON *root, const char *path) {
    char buf[128];
    snprintf(buf, sizeof buf, "%s", path);
    const cJSON *cur = root;
    for (char *save = NULL, *part = strtok_r(buf, ".", &save); part && cur;
         part = strtok_r(NULL, ".", &save))
        cur = cJSON_IsArray(cur) ? cJSON_GetArrayItem(cur, atoi(part))
                                 : cJSON_GetObjectItemCaseSensitive(cur, part);
    return cur;
}

bool json_same_shape(const cJSON *a, const cJSON *b, const char *where) {
    if ((a->type & 0xff) != (b->type & 0xff) && !(cJSON_IsBool(a) && cJSON_IsBool(b))) {
        print_message("shape differs at %s\n", where);
        return false;
    }
    if (cJSON_IsObject(a)) {
        if (cJSON_GetArraySize(a) != cJSON_GetArraySize(b)) {
            print_message("key count differs at %s\n", where);
            return false;
        }
        for (const cJSON *m = a->child; m; m = m->next) {
            const cJSON *o = cJSON_GetObjectItemCaseSensitive(b, m->string);
            if (!o) {
                print_message("%s.%s missing on the other side\n", where, m->string);
                return false;
            }
            if (!json_same_shape(m, o, m->string)) return false;
        }
    } else if (cJSON_IsArray(a) && a->child && b->child) {
        return json_same_shape(a->child, b->child, where);
    }
    return true;
}

void json_drop_volatile(cJSON *node) {
    cJSON_DeleteItemFromObjectCaseSensitive(cJSON_GetObjectItem(node, "meta"), "request_id");
    if (cJSON_IsObject(node)) cJSON_DeleteItemFromObjectCaseSensitive(node, "last_used_at");
    for (cJSON *c = node->child; c; c = c->next)
        json_drop_volatile(c);
}

static bool of_kind(const cJSON *v, const char *kind) {
    if (cJSON_IsNull(v)) return true;
    if (strcmp(kind, "STRING") == 0) return cJSON_IsString(v);
    if (strcmp(kind, "INT") == 0 || strcmp(kind, "NUMBER") == 0) return cJSON_IsNumber(v);
    if (strcmp(kind, "BOOL") == 0) return cJSON_IsBool(v);
    if (strcmp(kind, "OBJECT") == 0) return cJSON_IsObject(v);
    if (strcmp(kind, "ARRAY") == 0) return cJSON_IsArray(v);
    return true; /* a kind this check does not know: not its business */
}

/* The model's base ("none" for a root model). */
static const char *base_of(const char *model) {
    for (size_t i = 0; i < foil_model_count(); i++)
        if (strcmp(foil_model_info(i, "object"), model) == 0) return foil_model_info(i, "base");
    return NULL;
}

bool json_fits_model(const cJSON *data, const char *model) {
    if (!cJSON_IsObject(data)) {
        print_message("%s: not an object\n", model);
        return false;
    }
    const char *base = base_of(model);
    if (!base) {
        print_message("%s: no such model\n", model);
        return false;
    }
    for (size_t i = 0; i < foil_model_field_count(); i++) {
        if (strcmp(foil_model_field_info(i, "object"), model) != 0) continue;
        const char *name = foil_model_field_info(i, "json_name");
        const char *flags = foil_model_field_info(i, "flags");
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(data, name);
        if (!v && !strstr(flags, "opt") && !strstr(flags, "empty")) {
            print_message("%s.%s: missing\n", model, name);
            return false;
        }
        if (v && !of_kind(v, foil_model_field_info(i, "kind"))) {
            print_message("%s.%s: not %s\n", model, name, foil_model_field_info(i, "kind"));
            return false;
        }
    }
    return strcmp(base, "none") == 0 || json_fits_model(data, base);
}
