/* /v1/organizations/{id}/api-keys (the keys themselves: key_store.c). */
#include "emu.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const KEY_STATUS[] = {"active", "rotating", "revoked"};
#define ROTATION_GRACE_MS (24LL * 3600 * 1000)

static cJSON *key_json(const emu_api_key_t *k, int reveal) {
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "object", "api_key");
    cJSON_AddStringToObject(j, "id", k->id);
    cJSON_AddStringToObject(j, "type", k->secret ? "secret" : "publishable");
    cJSON_AddStringToObject(j, "environment", k->live ? "live" : "test");
    cJSON_AddStringToObject(j, "name", k->name);
    cJSON_AddStringToObject(j, "status", KEY_STATUS[k->status]);
    cJSON_AddItemToObject(j, "allowed_origins",
                          k->allowed_origins ? cJSON_Duplicate(k->allowed_origins, 1)
                                             : cJSON_CreateNull());
    cJSON_AddItemToObject(j, "scopes",
                          k->scopes ? cJSON_Duplicate(k->scopes, 1) : cJSON_CreateNull());
    cJSON_AddNullToObject(j, "rate_limit");
    char preview[32];
    snprintf(preview, sizeof(preview), "%.12s...", k->value);
    cJSON_AddStringToObject(j, "key_preview", preview);
    if (reveal) cJSON_AddStringToObject(j, "revealed_key", k->value);
    cJSON_AddItemToObject(j, "last_used_at", emu_json_iso(k->last_used_ms));
    cJSON_AddItemToObject(j, "created_at", emu_json_iso(k->created_ms));
    cJSON_AddItemToObject(j, "rotated_at", emu_json_iso(k->rotated_ms));
    cJSON_AddItemToObject(j, "revoked_at", emu_json_iso(k->revoked_ms));
    cJSON_AddItemToObject(j, "grace_expires_at", emu_json_iso(k->grace_expires_ms));
    return j;
}

/* Checks an array of enum strings / URLs; returns a copy or NULL (issue recorded). */
static cJSON *check_string_array(emu_checks_t *c, const cJSON *body, const char *name, int scopes) {
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(body, name);
    if (!a) return NULL;
    if (!cJSON_IsArray(a) || (scopes && cJSON_GetArraySize(a) < 1)) {
        emu_check_add(c, name, cJSON_IsArray(a) ? "too_short" : "invalid_type",
                      scopes ? "non-empty array of scopes" : "array of URLs", a);
        return NULL;
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, a) {
        int ok = cJSON_IsString(it);
        if (ok && scopes) {
            ok = 0;
            for (const char *const *s = foil_contract_values(FOIL_VALUES_API_KEY_SCOPE); *s; s++)
                if (strcmp(*s, it->valuestring) == 0) ok = 1;
        } else if (ok) {
            ok = emu_is_url(it->valuestring);
        }
        if (!ok) {
            emu_check_add(c, name, scopes ? "invalid_enum" : "invalid_url",
                          scopes ? "known scope names" : "absolute http(s) URL", it);
            return NULL;
        }
    }
    return cJSON_Duplicate(a, 1);
}

/* The organization in the path, visible to the caller; answers 404 otherwise. Holds the
 * lock on success. */
static int lock_org(emu_request_t *req, emu_response_t *resp) {
    foil_emulator_t *emu = req->emu;
    pthread_mutex_lock(&emu->lock);
    if (emu_org_visible(emu, req->org_id, req->params[0]) && emu_org_find(emu, req->params[0]))
        return 1;
    pthread_mutex_unlock(&emu->lock);
    emu_respond_not_found(req, resp, "organization", req->params[0]);
    return 0;
}

static emu_api_key_t *find_key(foil_emulator_t *emu, const char *org_id, const char *id) {
    for (size_t i = 0; i < emu->api_keys.len; i++) {
        emu_api_key_t *k = emu->api_keys.items[i];
        if (strcmp(k->id, id) == 0 && strcmp(k->org_id, org_id) == 0) return k;
    }
    return NULL;
}

void emu_h_keys_list(emu_request_t *req, emu_response_t *resp) {
    if (!emu_require_secret(req, resp, "api_keys:read")) return;
    int limit;
    uint64_t offset;
    if (emu_page_params(req, resp, "api_keys", emu_hash_str(0, req->params[0]), &limit, &offset) !=
        0)
        return;
    if (!lock_org(req, resp)) return;
    foil_emulator_t *emu = req->emu;
    cJSON *items = cJSON_CreateArray();
    uint64_t seen = 0;
    int has_more = 0;
    for (size_t i = 0; i < emu->api_keys.len; i++) {
        emu_api_key_t *k = emu->api_keys.items[i];
        if (strcmp(k->org_id, req->params[0]) != 0) continue;
        if (seen++ < offset) continue;
        if (cJSON_GetArraySize(items) == limit) {
            has_more = 1;
            break;
        }
        cJSON_AddItemToArray(items, key_json(k, 0));
    }
    pthread_mutex_unlock(&emu->lock);
    char *cursor = has_more ? emu_cursor_encode("api_keys", emu_hash_str(0, req->params[0]),
                                                offset + (uint64_t)limit)
                            : NULL;
    emu_respond_page(req, resp, items, limit, has_more, cursor);
    free(cursor);
}

void emu_h_keys_create(emu_request_t *req, emu_response_t *resp) {
    if (!emu_require_secret(req, resp, "api_keys:manage")) return;
    cJSON *body = emu_body_object(req, resp);
    if (!body) return;
    emu_checks_t c;
    emu_checks_init(&c);
    static const char *const allowed[] = {"name",   "type", "environment", "allowed_origins",
                                          "scopes", NULL};
    emu_check_only(&c, body, allowed);
    const char *name = emu_check_string(&c, body, "name", 1, 1, 200);
    const char *type = emu_check_string(&c, body, "type", 0, 1, 32);
    const char *env = emu_check_string(&c, body, "environment", 0, 1, 32);
    if (type && strcmp(type, "secret") != 0 && strcmp(type, "publishable") != 0)
        emu_check_add(&c, "type", "invalid_enum", "publishable or secret",
                      cJSON_GetObjectItemCaseSensitive(body, "type"));
    if (env && strcmp(env, "live") != 0 && strcmp(env, "test") != 0)
        emu_check_add(&c, "environment", "invalid_enum", "live or test",
                      cJSON_GetObjectItemCaseSensitive(body, "environment"));
    int secret = !type || strcmp(type, "secret") == 0;
    cJSON *scopes = check_string_array(&c, body, "scopes", 1);
    cJSON *origins = check_string_array(&c, body, "allowed_origins", 0);
    if (secret && !cJSON_GetObjectItemCaseSensitive(body, "scopes"))
        emu_check_add(&c, "scopes", "required", "scopes for a secret key", NULL);
    if (!secret && cJSON_GetObjectItemCaseSensitive(body, "scopes"))
        emu_check_add(&c, "scopes", "not_allowed", "no scopes for a publishable key", NULL);
    if (emu_checks_respond(&c, req, resp, "Invalid API key.", "api_keys")) {
        cJSON_Delete(scopes);
        cJSON_Delete(origins);
        goto done;
    }
    if (!lock_org(req, resp)) {
        cJSON_Delete(scopes);
        cJSON_Delete(origins);
        goto done;
    }
    emu_api_key_t *k = emu_api_key_new(req->emu, req->params[0], name, secret,
                                       env && strcmp(env, "live") == 0, scopes);
    cJSON *j = NULL;
    if (k) {
        k->allowed_origins = origins;
        j = key_json(k, 1);
    } else {
        cJSON_Delete(origins);
    }
    pthread_mutex_unlock(&req->emu->lock);
    emu_respond_data(req, resp, 201, j);
done:
    emu_checks_free(&c);
    cJSON_Delete(body);
}

void emu_h_keys_update(emu_request_t *req, emu_response_t *resp) {
    if (!emu_require_secret(req, resp, "api_keys:manage")) return;
    cJSON *body = emu_body_object(req, resp);
    if (!body) return;
    emu_checks_t c;
    emu_checks_init(&c);
    static const char *const allowed[] = {"name", "allowed_origins", "scopes", NULL};
    emu_check_only(&c, body, allowed);
    const char *name = emu_check_string(&c, body, "name", 0, 1, 200);
    cJSON *scopes = check_string_array(&c, body, "scopes", 1);
    cJSON *origins = check_string_array(&c, body, "allowed_origins", 0);
    cJSON *j = NULL;
    if (emu_checks_respond(&c, req, resp, "Invalid API key update.", "api_keys")) goto fail;
    if (!lock_org(req, resp)) goto fail;
    emu_api_key_t *k = find_key(req->emu, req->params[0], req->params[1]);
    if (k && k->status != 2) {
        if (scopes && !k->secret) {
            pthread_mutex_unlock(&req->emu->lock);
            emu_respond_field_error(req, resp, "Invalid API key update.", "api_keys", "scopes",
                                    "not_allowed", "no scopes for a publishable key", NULL);
            goto fail;
        }
        if (name) {
            free(k->name);
            k->name = emu_strdup(name);
        }
        if (scopes) {
            cJSON_Delete(k->scopes);
            k->scopes = scopes;
            scopes = NULL;
        }
        if (origins) {
            cJSON_Delete(k->allowed_origins);
            k->allowed_origins = origins;
            origins = NULL;
        }
        j = key_json(k, 0);
    }
    pthread_mutex_unlock(&req->emu->lock);
    if (j)
        emu_respond_data(req, resp, 200, j);
    else
        emu_respond_not_found(req, resp, "API key", req->params[1]);
fail:
    cJSON_Delete(scopes);
    cJSON_Delete(origins);
    emu_checks_free(&c);
    cJSON_Delete(body);
}

void emu_h_keys_revoke(emu_request_t *req, emu_response_t *resp) {
    if (!emu_require_secret(req, resp, "api_keys:manage")) return;
    if (!lock_org(req, resp)) return;
    emu_api_key_t *k = find_key(req->emu, req->params[0], req->params[1]);
    cJSON *j = NULL;
    if (k) {
        if (k->status != 2) {
            k->status = 2;
            k->revoked_ms = emu_now_ms();
        }
        j = key_json(k, 0);
    }
    pthread_mutex_unlock(&req->emu->lock);
    if (j)
        emu_respond_data(req, resp, 200, j);
    else
        emu_respond_not_found(req, resp, "API key", req->params[1]);
}

void emu_h_keys_rotate(emu_request_t *req, emu_response_t *resp) {
    if (!emu_require_secret(req, resp, "api_keys:manage")) return;
    if (!lock_org(req, resp)) return;
    emu_api_key_t *old = find_key(req->emu, req->params[0], req->params[1]);
    cJSON *j = NULL;
    int revoked = old && old->status == 2;
    if (old && !revoked) {
        /* The replacement is a new key; the old one keeps working through the grace period. */
        emu_api_key_t *k = emu_api_key_new(req->emu, old->org_id, old->name, old->secret, old->live,
                                           old->scopes ? cJSON_Duplicate(old->scopes, 1) : NULL);
        if (k) {
            if (old->allowed_origins) k->allowed_origins = cJSON_Duplicate(old->allowed_origins, 1);
            int64_t now = emu_now_ms();
            old->status = 1;
            old->rotated_ms = now;
            old->grace_expires_ms = now + ROTATION_GRACE_MS;
            j = key_json(k, 1);
        }
    }
    pthread_mutex_unlock(&req->emu->lock);
    if (j)
        emu_respond_data(req, resp, 201, j);
    else if (revoked)
        emu_respond_error(req, resp, 409, "request.conflict", "A revoked key cannot be rotated.",
                          NULL);
    else
        emu_respond_not_found(req, resp, "API key", req->params[1]);
}
