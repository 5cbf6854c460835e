/* The organization store: the demo organization, its sub-organizations, who sees which. */
#include "emu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void emu_org_free(void *p) {
    emu_org_t *o = p;
    if (!o) return;
    free(o->name);
    free(o->slug);
    free(o);
}

emu_org_t *emu_org_find(foil_emulator_t *emu, const char *id) {
    for (size_t i = 0; i < emu->orgs.len; i++) {
        emu_org_t *o = emu->orgs.items[i];
        if (strcmp(o->id, id) == 0) return o;
    }
    return NULL;
}

emu_org_t *emu_org_new(foil_emulator_t *emu, const char *name, const char *slug,
                       const char *parent) {
    emu_org_t *o = calloc(1, sizeof(*o));
    if (!o) return NULL;
    emu_id_new(o->id, sizeof(o->id), "org_");
    snprintf(o->parent_id, sizeof(o->parent_id), "%s", parent ? parent : "");
    o->name = emu_strdup(name);
    o->slug = emu_strdup(slug);
    o->created_ms = o->updated_ms = emu_now_ms();
    if (!o->name || !o->slug || emu_vec_push(&emu->orgs, o) != 0) {
        emu_org_free(o);
        return NULL;
    }
    return o;
}

foil_status_t emu_org_create_demo(foil_emulator_t *emu) {
    emu_org_t *o = emu_org_new(emu, "Emulator Demo", "emulator-demo", NULL);
    if (!o) return FOIL_E_NOMEM;
    snprintf(emu->org_id, sizeof(emu->org_id), "%s", o->id);
    cJSON *scopes = cJSON_CreateArray();
    cJSON_AddItemToArray(scopes, cJSON_CreateString("*"));
    emu_api_key_t *k = emu_api_key_new(emu, o->id, "Emulator demo key", 1, 0, scopes);
    if (!k) return FOIL_E_NOMEM;
    snprintf(emu->secret_key, sizeof(emu->secret_key), "%s", k->value);
    return FOIL_OK;
}

int emu_org_visible(foil_emulator_t *emu, const char *caller_org, const char *org_id) {
    if (strcmp(caller_org, org_id) == 0) return 1;
    emu_org_t *o = emu_org_find(emu, org_id);
    return o && strcmp(o->parent_id, caller_org) == 0;
}
