/* The API key store behind authentication and the api-keys endpoints. */
#include "emu.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void emu_api_key_free(void *p) {
    emu_api_key_t *k = p;
    if (!k) return;
    free(k->name);
    if (k->value) sodium_memzero(k->value, strlen(k->value));
    free(k->value);
    if (k->previous_value) sodium_memzero(k->previous_value, strlen(k->previous_value));
    free(k->previous_value);
    cJSON_Delete(k->scopes);
    cJSON_Delete(k->allowed_origins);
    free(k);
}

static char *key_value_new(int secret, int live) {
    char body[33];
    emu_id_new(body, sizeof(body), "");
    char buf[64];
    snprintf(buf, sizeof(buf), "%s_%s_%s", secret ? "sk" : "pk", live ? "live" : "test", body);
    return emu_strdup(buf);
}

emu_api_key_t *emu_api_key_new(foil_emulator_t *emu, const char *org_id, const char *name,
                               int secret, int live, cJSON *scopes) {
    emu_api_key_t *k = calloc(1, sizeof(*k));
    if (!k) {
        cJSON_Delete(scopes);
        return NULL;
    }
    emu_id_new(k->id, sizeof(k->id), "key_");
    snprintf(k->org_id, sizeof(k->org_id), "%s", org_id);
    k->name = emu_strdup(name);
    k->secret = secret;
    k->live = live;
    k->value = key_value_new(secret, live);
    k->scopes = scopes;
    k->created_ms = emu_now_ms();
    if (!k->name || !k->value || emu_vec_push(&emu->api_keys, k) != 0) {
        emu_api_key_free(k);
        return NULL;
    }
    return k;
}

emu_api_key_t *emu_api_key_find_by_value(foil_emulator_t *emu, const char *value) {
    int64_t now = emu_now_ms();
    for (size_t i = 0; i < emu->api_keys.len; i++) {
        emu_api_key_t *k = emu->api_keys.items[i];
        if (strcmp(k->value, value) == 0) {
            if (k->status == 1 && now > k->grace_expires_ms) return NULL;
            return k;
        }
        if (k->previous_value && strcmp(k->previous_value, value) == 0 &&
            now <= k->grace_expires_ms)
            return k;
    }
    return NULL;
}

int emu_api_key_has_scope(const emu_api_key_t *k, const char *scope) {
    const cJSON *s;
    cJSON_ArrayForEach(s, k->scopes) {
        if (cJSON_IsString(s) &&
            (strcmp(s->valuestring, "*") == 0 || strcmp(s->valuestring, scope) == 0))
            return 1;
    }
    return 0;
}

foil_status_t foil_emulator_add_secret_key(foil_emulator_t *emu, const char *scopes,
                                           char **key_out) {
    if (!key_out) return FOIL_E_INVALID_ARGUMENT;
    *key_out = NULL;
    if (!emu || !scopes || !*scopes) return FOIL_E_INVALID_ARGUMENT;
    cJSON *list = cJSON_CreateArray();
    char *copy = emu_strdup(scopes);
    if (!list || !copy) {
        cJSON_Delete(list);
        free(copy);
        return FOIL_E_NOMEM;
    }
    char *save = NULL;
    for (char *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save))
        cJSON_AddItemToArray(list, cJSON_CreateString(tok));
    free(copy);
    if (cJSON_GetArraySize(list) == 0) {
        cJSON_Delete(list);
        return FOIL_E_INVALID_ARGUMENT;
    }
    pthread_mutex_lock(&emu->lock);
    emu_api_key_t *k = emu_api_key_new(emu, emu->org_id, "Test key", 1, 0, list);
    *key_out = k ? emu_strdup(k->value) : NULL;
    pthread_mutex_unlock(&emu->lock);
    return *key_out ? FOIL_OK : FOIL_E_NOMEM;
}
