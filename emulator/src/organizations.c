/* POST/GET/PATCH /v1/organizations (the organizations themselves: org_store.c). */
#include "emu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cJSON *org_json(const emu_org_t *o) {
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "object", "organization");
    cJSON_AddStringToObject(j, "id", o->id);
    cJSON_AddStringToObject(j, "name", o->name);
    cJSON_AddStringToObject(j, "slug", o->slug);
    cJSON_AddStringToObject(j, "status",
                            foil_contract_values(FOIL_VALUES_ORGANIZATION_STATUS)[o->status]);
    cJSON_AddItemToObject(j, "created_at", emu_json_iso(o->created_ms));
    cJSON_AddItemToObject(j, "updated_at", emu_json_iso(o->updated_ms));
    return j;
}

static int is_slug(const char *s) {
    /* ^[a-z0-9]+(?:-[a-z0-9]+)*$ */
    if (!*s || *s == '-') return 0;
    for (const char *p = s; *p; p++) {
        int alnum = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9');
        if (!alnum && !(*p == '-' && p[1] && p[1] != '-')) return 0;
    }
    return 1;
}

void emu_h_org_create(emu_request_t *req, emu_response_t *resp) {
    if (!emu_require_secret(req, resp, "organizations:create")) return;
    cJSON *body = emu_body_object(req, resp);
    if (!body) return;
    emu_checks_t c;
    emu_checks_init(&c);
    static const char *const allowed[] = {"name", "slug", NULL};
    emu_check_only(&c, body, allowed);
    const char *name = emu_check_string(&c, body, "name", 1, 1, 200);
    const char *slug = emu_check_string(&c, body, "slug", 1, 1, 64);
    if (slug && !is_slug(slug))
        emu_check_add(&c, "slug", "invalid_format", "^[a-z0-9]+(?:-[a-z0-9]+)*$",
                      cJSON_GetObjectItemCaseSensitive(body, "slug"));
    if (emu_checks_respond(&c, req, resp, "Invalid organization.", "organizations")) goto done;
    foil_emulator_t *emu = req->emu;
    pthread_mutex_lock(&emu->lock);
    for (size_t i = 0; i < emu->orgs.len; i++) {
        if (strcmp(((emu_org_t *)emu->orgs.items[i])->slug, slug) == 0) {
            pthread_mutex_unlock(&emu->lock);
            emu_respond_error(req, resp, 409, "request.conflict",
                              "An organization with this slug already exists.", NULL);
            goto done;
        }
    }
    emu_org_t *o = emu_org_new(emu, name, slug, req->org_id);
    cJSON *j = o ? org_json(o) : NULL;
    pthread_mutex_unlock(&emu->lock);
    emu_respond_data(req, resp, 201, j);
done:
    emu_checks_free(&c);
    cJSON_Delete(body);
}

void emu_h_org_get(emu_request_t *req, emu_response_t *resp) {
    if (!emu_require_secret(req, resp, "organizations:read")) return;
    foil_emulator_t *emu = req->emu;
    pthread_mutex_lock(&emu->lock);
    emu_org_t *o = emu_org_visible(emu, req->org_id, req->params[0])
                       ? emu_org_find(emu, req->params[0])
                       : NULL;
    cJSON *j = o ? org_json(o) : NULL;
    pthread_mutex_unlock(&emu->lock);
    if (j)
        emu_respond_data(req, resp, 200, j);
    else
        emu_respond_not_found(req, resp, "organization", req->params[0]);
}

void emu_h_org_update(emu_request_t *req, emu_response_t *resp) {
    if (!emu_require_secret(req, resp, "organizations:update")) return;
    cJSON *body = emu_body_object(req, resp);
    if (!body) return;
    emu_checks_t c;
    emu_checks_init(&c);
    static const char *const allowed[] = {"name", "status", NULL};
    emu_check_only(&c, body, allowed);
    if (!cJSON_GetArraySize(body))
        emu_check_add(&c, "body", "empty", "at least one of name, status", NULL);
    const char *name = emu_check_string(&c, body, "name", 0, 1, 200);
    const char *status = emu_check_string(&c, body, "status", 0, 1, 32);
    int st = -1;
    for (int i = 0; status && foil_contract_value(FOIL_VALUES_ORGANIZATION_STATUS, (size_t)i); i++)
        if (strcmp(status, foil_contract_values(FOIL_VALUES_ORGANIZATION_STATUS)[i]) == 0) st = i;
    if (status && st < 0)
        emu_check_add(&c, "status", "invalid_enum", "active, suspended or deleted",
                      cJSON_GetObjectItemCaseSensitive(body, "status"));
    if (emu_checks_respond(&c, req, resp, "Invalid organization update.", "organizations"))
        goto done;
    foil_emulator_t *emu = req->emu;
    pthread_mutex_lock(&emu->lock);
    emu_org_t *o = emu_org_visible(emu, req->org_id, req->params[0])
                       ? emu_org_find(emu, req->params[0])
                       : NULL;
    cJSON *j = NULL;
    if (o) {
        if (name) {
            char *n = emu_strdup(name);
            if (n) {
                free(o->name);
                o->name = n;
            }
        }
        if (st >= 0) o->status = st;
        o->updated_ms = emu_now_ms();
        j = org_json(o);
    }
    pthread_mutex_unlock(&emu->lock);
    if (j)
        emu_respond_data(req, resp, 200, j);
    else
        emu_respond_not_found(req, resp, "organization", req->params[0]);
done:
    emu_checks_free(&c);
    cJSON_Delete(body);
}
