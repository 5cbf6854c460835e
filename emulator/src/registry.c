/* Gate services: the built-in `foil` service, extra services added through the C API, and
 * organization-owned services (/v1/gate/registry, /v1/gate/services). */
#include "emu.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ORG_SERVICE_CAP 5

void emu_service_free(void *p) {
    emu_service_t *s = p;
    if (!s) return;
    cJSON_Delete(s->entry);
    free(s->outputs_json);
    free(s->webhook_url);
    free(s->webhook_secret);
    free(s);
}

emu_service_t *emu_service_find(foil_emulator_t *emu, const char *id) {
    for (size_t i = 0; i < emu->services.len; i++) {
        emu_service_t *s = emu->services.items[i];
        if (strcmp(s->id, id) == 0) return s;
    }
    return NULL;
}

static cJSON *env_var(const char *name, const char *key, int secret) {
    cJSON *v = cJSON_CreateObject();
    cJSON_AddStringToObject(v, "name", name);
    cJSON_AddStringToObject(v, "key", key);
    cJSON_AddBoolToObject(v, "secret", secret);
    return v;
}

static cJSON *foil_entry(void) {
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "name", "Foil");
    cJSON_AddStringToObject(e, "description", "Detect AI agents and malicious users");
    cJSON_AddStringToObject(e, "website", "https://usefoil.com");
    cJSON_AddStringToObject(e, "dashboard_login_url", "https://dashboard.usefoil.com/auth/gate");
    cJSON *vars = cJSON_AddArrayToObject(e, "env_vars");
    cJSON_AddItemToArray(vars, env_var("Publishable key", "FOIL_PUBLISHABLE_KEY", 0));
    cJSON_AddItemToArray(vars, env_var("Secret key", "FOIL_SECRET_KEY", 1));
    cJSON_AddStringToObject(e, "docs_url", "https://usefoil.com/docs");
    cJSON *sdks = cJSON_AddArrayToObject(e, "sdks");
    cJSON *node = cJSON_CreateObject();
    cJSON_AddStringToObject(node, "label", "Node");
    cJSON_AddStringToObject(node, "install", "npm install @abxy/foil-server");
    cJSON_AddStringToObject(node, "url", "https://www.npmjs.com/package/@abxy/foil-server");
    cJSON_AddItemToArray(sdks, node);
    cJSON *b = cJSON_AddObjectToObject(e, "branding");
    cJSON_AddStringToObject(b, "logo_url", "https://usefoil.com/logo.png");
    cJSON_AddStringToObject(b, "primary_color", "#117BE7");
    cJSON_AddStringToObject(b, "secondary_color", "#0B5CAD");
    cJSON_AddStringToObject(b, "ascii_art", "FOIL");
    cJSON_AddBoolToObject(b, "verified", 1);
    cJSON *c = cJSON_AddObjectToObject(e, "consent");
    cJSON_AddStringToObject(c, "terms_url", "https://usefoil.com/terms");
    cJSON_AddStringToObject(c, "privacy_url", "https://usefoil.com/privacy");
    return e;
}

foil_status_t emu_registry_init(foil_emulator_t *emu) {
    emu_service_t *s = calloc(1, sizeof(*s));
    if (!s) return FOIL_E_NOMEM;
    snprintf(s->id, sizeof(s->id), "foil");
    s->entry = foil_entry();
    s->active = s->discoverable = s->builtin = 1;
    s->created_ms = s->updated_ms = emu->seed_epoch_ms;
    if (!s->entry || emu_vec_push(&emu->services, s) != 0) {
        emu_service_free(s);
        return FOIL_E_NOMEM;
    }
    return FOIL_OK;
}

/* A simple entry for services added through foil_emulator_add_service(). */
static cJSON *extra_entry(const foil_emulator_service_t *svc) {
    const char *name = svc->name ? svc->name : svc->id;
    char url[160];
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "name", name);
    cJSON_AddStringToObject(e, "description", "A service registered with the local emulator");
    snprintf(url, sizeof(url), "https://%s.example.com", svc->id);
    for (char *p = url; *p; p++)
        if (*p == '_') *p = '-';
    cJSON_AddStringToObject(e, "website", url);
    if (svc->dashboard_login_url)
        cJSON_AddStringToObject(e, "dashboard_login_url", svc->dashboard_login_url);
    cJSON *vars = cJSON_AddArrayToObject(e, "env_vars");
    cJSON *outputs = svc->outputs_json ? cJSON_Parse(svc->outputs_json) : NULL;
    const cJSON *o;
    cJSON_ArrayForEach(o, outputs) {
        int secret = strstr(o->string, "SECRET") || strstr(o->string, "TOKEN");
        cJSON_AddItemToArray(vars, env_var(o->string, o->string, secret));
    }
    cJSON_Delete(outputs);
    cJSON_AddStringToObject(e, "docs_url", url);
    cJSON_AddArrayToObject(e, "sdks");
    cJSON *b = cJSON_AddObjectToObject(e, "branding");
    cJSON_AddBoolToObject(b, "verified", 0);
    cJSON_AddObjectToObject(e, "consent");
    return e;
}

foil_status_t foil_emulator_add_service(foil_emulator_t *emu, const foil_emulator_service_t *svc) {
    if (!emu || !svc || !svc->id || !emu_is_service_id(svc->id)) return FOIL_E_INVALID_ARGUMENT;
    if (!!svc->outputs_json == !!svc->webhook_url) return FOIL_E_INVALID_ARGUMENT;
    if (svc->dashboard_login_url && !emu_is_url(svc->dashboard_login_url))
        return FOIL_E_INVALID_ARGUMENT;
    if (svc->webhook_url && !emu_is_url(svc->webhook_url)) return FOIL_E_INVALID_ARGUMENT;
    if (svc->outputs_json) {
        cJSON *o = cJSON_Parse(svc->outputs_json);
        int ok = cJSON_IsObject(o);
        const cJSON *it;
        cJSON_ArrayForEach(it, o) ok = ok && cJSON_IsString(it);
        cJSON_Delete(o);
        if (!ok) return FOIL_E_INVALID_ARGUMENT;
    }
    emu_service_t *s = calloc(1, sizeof(*s));
    if (!s) return FOIL_E_NOMEM;
    snprintf(s->id, sizeof(s->id), "%s", svc->id);
    s->entry = extra_entry(svc);
    s->active = 1;
    s->discoverable = !svc->hidden;
    s->outputs_json = emu_strdup(svc->outputs_json);
    s->webhook_url = emu_strdup(svc->webhook_url);
    if (svc->webhook_url)
        s->webhook_secret =
            emu_strdup(svc->webhook_secret ? svc->webhook_secret : "whsec_emulator");
    s->created_ms = s->updated_ms = emu_now_ms();
    pthread_mutex_lock(&emu->lock);
    foil_status_t st = FOIL_OK;
    if (emu_service_find(emu, s->id))
        st = FOIL_E_CONFLICT;
    else if (!s->entry || (svc->outputs_json && !s->outputs_json) ||
             (svc->webhook_url && (!s->webhook_url || !s->webhook_secret)) ||
             emu_vec_push(&emu->services, s) != 0)
        st = FOIL_E_NOMEM;
    pthread_mutex_unlock(&emu->lock);
    if (st != FOIL_OK) emu_service_free(s);
    return st;
}

cJSON *emu_service_registry_json(const emu_service_t *s) {
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "id", s->id);
    cJSON_AddStringToObject(j, "status", s->active ? "active" : "disabled");
    cJSON_AddBoolToObject(j, "discoverable", s->discoverable);
    const cJSON *f;
    cJSON_ArrayForEach(f, s->entry) cJSON_AddItemToObject(j, f->string, cJSON_Duplicate(f, 1));
    return j;
}

static cJSON *managed_json(const emu_service_t *s) {
    cJSON *j = emu_service_registry_json(s);
    cJSON_AddStringToObject(j, "object", "gate_service");
    cJSON_AddItemToObject(j, "created_at", emu_json_iso(s->created_ms));
    cJSON_AddItemToObject(j, "updated_at", emu_json_iso(s->updated_ms));
    if (s->webhook_endpoint_id[0])
        cJSON_AddStringToObject(j, "webhook_endpoint_id", s->webhook_endpoint_id);
    else
        cJSON_AddNullToObject(j, "webhook_endpoint_id");
    return j;
}

void emu_h_registry_list(emu_request_t *req, emu_response_t *resp) {
    foil_emulator_t *emu = req->emu;
    cJSON *items = cJSON_CreateArray();
    pthread_mutex_lock(&emu->lock);
    for (size_t i = 0; i < emu->services.len; i++) {
        emu_service_t *s = emu->services.items[i];
        if (s->active && s->discoverable) cJSON_AddItemToArray(items, emu_service_registry_json(s));
    }
    pthread_mutex_unlock(&emu->lock);
    emu_respond_data(req, resp, 200, items);
}

void emu_h_registry_get(emu_request_t *req, emu_response_t *resp) {
    foil_emulator_t *emu = req->emu;
    pthread_mutex_lock(&emu->lock);
    emu_service_t *s = emu_service_find(emu, req->params[0]);
    cJSON *j = s && s->active && s->discoverable ? emu_service_registry_json(s) : NULL;
    pthread_mutex_unlock(&emu->lock);
    if (j)
        emu_respond_data(req, resp, 200, j);
    else
        emu_respond_not_found(req, resp, "Gate service", req->params[0]);
}

/* ---- organization-owned services ------------------------------------------------------ */

static int is_color(const char *s) {
    size_t n = strlen(s);
    if (s[0] != '#' || !(n == 4 || n == 5 || n == 7 || n == 9)) return 0;
    for (size_t i = 1; i < n; i++)
        if (!isxdigit((unsigned char)s[i])) return 0;
    return 1;
}

static int is_env_key(const char *s) {
    if (!*s || isdigit((unsigned char)*s)) return 0;
    for (const char *p = s; *p; p++)
        if (!(isupper((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_')) return 0;
    return 1;
}

/* Checks the optional registry fields of a create/update body and copies the valid ones into
 * `entry`. */
static void apply_entry_fields(emu_checks_t *c, const cJSON *body, cJSON *entry, int create) {
    static const char *const strings[] = {"name", "description", NULL};
    for (const char *const *n = strings; *n; n++) {
        const char *v = emu_check_string(c, body, *n, create, 1, 500);
        if (v) emu_json_set(entry, *n, cJSON_CreateString(v));
    }
    static const char *const urls[] = {"website", "docs_url", NULL};
    for (const char *const *n = urls; *n; n++) {
        const char *v = emu_check_url(c, body, *n, create && strcmp(*n, "website") == 0);
        if (v) emu_json_set(entry, *n, cJSON_CreateString(v));
    }
    const cJSON *dl = cJSON_GetObjectItemCaseSensitive(body, "dashboard_login_url");
    if (cJSON_IsNull(dl) && !create) {
        cJSON_DeleteItemFromObjectCaseSensitive(entry, "dashboard_login_url");
    } else if (dl) {
        const char *v = emu_check_url(c, body, "dashboard_login_url", 0);
        if (v) emu_json_set(entry, "dashboard_login_url", cJSON_CreateString(v));
    }
    const cJSON *vars = cJSON_GetObjectItemCaseSensitive(body, "env_vars");
    if (vars) {
        int ok = cJSON_IsArray(vars);
        const cJSON *v;
        cJSON_ArrayForEach(v, vars) {
            const cJSON *name = cJSON_GetObjectItemCaseSensitive(v, "name");
            const cJSON *key = cJSON_GetObjectItemCaseSensitive(v, "key");
            const cJSON *secret = cJSON_GetObjectItemCaseSensitive(v, "secret");
            if (!cJSON_IsString(name) || !cJSON_IsString(key) || !cJSON_IsBool(secret) ||
                !is_env_key(key->valuestring)) {
                ok = 0;
            } else if (strstr(key->valuestring, "_GATE_AGENT_TOKEN") ||
                       strcmp(key->valuestring, "FOIL_AGENT_TOKEN") == 0) {
                emu_check_add(c, "env_vars", "reserved_key",
                              "no Gate-managed keys (added automatically)", key);
                ok = -1;
            }
        }
        if (ok == 0)
            emu_check_add(c, "env_vars", "invalid_type",
                          "array of {name, key (UPPER_SNAKE), secret (boolean)}", vars);
        if (ok == 1) emu_json_set(entry, "env_vars", cJSON_Duplicate(vars, 1));
    }
    const cJSON *sdks = cJSON_GetObjectItemCaseSensitive(body, "sdks");
    if (sdks) {
        int ok = cJSON_IsArray(sdks);
        const cJSON *s;
        cJSON_ArrayForEach(s, sdks) {
            const cJSON *l = cJSON_GetObjectItemCaseSensitive(s, "label");
            const cJSON *i = cJSON_GetObjectItemCaseSensitive(s, "install");
            const cJSON *u = cJSON_GetObjectItemCaseSensitive(s, "url");
            if (!cJSON_IsString(l) || !cJSON_IsString(i) || !cJSON_IsString(u) ||
                !emu_is_url(u->valuestring))
                ok = 0;
        }
        if (ok)
            emu_json_set(entry, "sdks", cJSON_Duplicate(sdks, 1));
        else
            emu_check_add(c, "sdks", "invalid_type", "array of {label, install, url}", sdks);
    }
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(body, "branding");
    if (b) {
        cJSON *nb = cJSON_CreateObject();
        int ok = cJSON_IsObject(b);
        const cJSON *f;
        cJSON_ArrayForEach(f, b) {
            if (strcmp(f->string, "verified") == 0) continue; /* read-only */
            int good = cJSON_IsString(f);
            if (good && strcmp(f->string, "logo_url") == 0)
                good = emu_is_url(f->valuestring);
            else if (good && strstr(f->string, "_color"))
                good = is_color(f->valuestring);
            else if (good && strcmp(f->string, "ascii_art") != 0)
                good = 0;
            if (!good) {
                char name[64];
                snprintf(name, sizeof(name), "branding.%.40s", f->string);
                emu_check_add(c, name, "invalid_value", "URL, #RGB[A] color or string", f);
                ok = 0;
            } else {
                cJSON_AddItemToObject(nb, f->string, cJSON_Duplicate(f, 1));
            }
        }
        cJSON_AddBoolToObject(nb, "verified", 0);
        if (ok)
            emu_json_set(entry, "branding", nb);
        else
            cJSON_Delete(nb);
    }
    const cJSON *cons = cJSON_GetObjectItemCaseSensitive(body, "consent");
    if (cons) {
        cJSON *nc = cJSON_CreateObject();
        int ok = cJSON_IsObject(cons);
        const cJSON *f;
        cJSON_ArrayForEach(f, cons) {
            if ((strcmp(f->string, "terms_url") == 0 || strcmp(f->string, "privacy_url") == 0) &&
                cJSON_IsString(f) && emu_is_url(f->valuestring)) {
                cJSON_AddItemToObject(nc, f->string, cJSON_Duplicate(f, 1));
            } else {
                emu_check_add(c, "consent", "invalid_value", "{terms_url?, privacy_url?} URLs", f);
                ok = 0;
            }
        }
        if (ok)
            emu_json_set(entry, "consent", nc);
        else
            cJSON_Delete(nc);
    }
}

/* The webhook endpoint must be the caller's, active and subscribed to gate.session.approved. */
static void check_endpoint(emu_checks_t *c, foil_emulator_t *emu, const char *org_id,
                           const cJSON *body, int required) {
    const char *id = emu_check_string(c, body, "webhook_endpoint_id", required, 1, 64);
    if (!id) return;
    emu_webhook_endpoint_t *e = emu_endpoint_find(emu, org_id, id);
    int subscribed = 0;
    const cJSON *t;
    if (e)
        cJSON_ArrayForEach(t, e->event_types) subscribed |=
            strcmp(t->valuestring, "gate.session.approved") == 0;
    if (!e || !e->active || !subscribed)
        emu_check_add(c, "webhook_endpoint_id", "invalid_reference",
                      "an active webhook endpoint subscribed to gate.session.approved",
                      cJSON_GetObjectItemCaseSensitive(body, "webhook_endpoint_id"));
}

static emu_service_t *find_owned(emu_request_t *req) {
    emu_service_t *s = emu_service_find(req->emu, req->params[0]);
    return s && strcmp(s->org_id, req->org_id) == 0 ? s : NULL;
}

void emu_h_services_list(emu_request_t *req, emu_response_t *resp) {
    if (!emu_require_secret(req, resp, "gate:services:read")) return;
    foil_emulator_t *emu = req->emu;
    cJSON *items = cJSON_CreateArray();
    pthread_mutex_lock(&emu->lock);
    for (size_t i = 0; i < emu->services.len; i++) {
        emu_service_t *s = emu->services.items[i];
        if (strcmp(s->org_id, req->org_id) == 0) cJSON_AddItemToArray(items, managed_json(s));
    }
    pthread_mutex_unlock(&emu->lock);
    emu_respond_data(req, resp, 200, items);
}

void emu_h_services_get(emu_request_t *req, emu_response_t *resp) {
    if (!emu_require_secret(req, resp, "gate:services:read")) return;
    pthread_mutex_lock(&req->emu->lock);
    emu_service_t *s = find_owned(req);
    cJSON *j = s ? managed_json(s) : NULL;
    pthread_mutex_unlock(&req->emu->lock);
    if (j)
        emu_respond_data(req, resp, 200, j);
    else
        emu_respond_not_found(req, resp, "Gate service", req->params[0]);
}

void emu_h_services_create(emu_request_t *req, emu_response_t *resp) {
    if (!emu_require_secret(req, resp, "gate:services:manage")) return;
    cJSON *body = emu_body_object(req, resp);
    if (!body) return;
    foil_emulator_t *emu = req->emu;
    emu_checks_t c;
    emu_checks_init(&c);
    cJSON *entry = cJSON_CreateObject();
    const char *id = emu_check_string(&c, body, "id", 1, 1, 64);
    if (id && !emu_is_service_id(id)) {
        emu_check_add(&c, "id", "invalid_format", "^[a-z0-9](?:[a-z0-9_-]{1,30}[a-z0-9])$",
                      cJSON_GetObjectItemCaseSensitive(body, "id"));
        id = NULL;
    }
    for (const char *const *r = foil_contract_values(FOIL_VALUES_GATE_RESERVED_SERVICE_ID);
         id && *r; r++) {
        if (strcmp(*r, id) == 0) {
            emu_check_add(&c, "id", "reserved", "a service id that is not reserved",
                          cJSON_GetObjectItemCaseSensitive(body, "id"));
            id = NULL;
        }
    }
    const cJSON *disc = cJSON_GetObjectItemCaseSensitive(body, "discoverable");
    if (disc && !cJSON_IsBool(disc))
        emu_check_add(&c, "discoverable", "invalid_type", "boolean", disc);
    apply_entry_fields(&c, body, entry, 1);
    pthread_mutex_lock(&emu->lock);
    check_endpoint(&c, emu, req->org_id, body, 1);
    if (emu_checks_respond(&c, req, resp, "Invalid Gate service.", "gate_services")) goto unlock;
    if (emu_service_find(emu, id)) {
        emu_respond_error(req, resp, 409, "gate.service_id_taken",
                          "A Gate service with this id already exists.", NULL);
        goto unlock;
    }
    size_t owned = 0;
    for (size_t i = 0; i < emu->services.len; i++)
        owned += strcmp(((emu_service_t *)emu->services.items[i])->org_id, req->org_id) == 0;
    if (owned >= ORG_SERVICE_CAP) {
        emu_respond_error(req, resp, 409, "gate.service_limit_reached",
                          "This organization already has the maximum of 5 Gate services "
                          "(disabled services count).",
                          NULL);
        goto unlock;
    }
    if (!cJSON_GetObjectItemCaseSensitive(entry, "docs_url"))
        cJSON_AddItemToObject(
            entry, "docs_url",
            cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(entry, "website"), 1));
    if (!cJSON_GetObjectItemCaseSensitive(entry, "env_vars"))
        cJSON_AddArrayToObject(entry, "env_vars");
    if (!cJSON_GetObjectItemCaseSensitive(entry, "sdks")) cJSON_AddArrayToObject(entry, "sdks");
    if (!cJSON_GetObjectItemCaseSensitive(entry, "branding"))
        cJSON_AddBoolToObject(cJSON_AddObjectToObject(entry, "branding"), "verified", 0);
    if (!cJSON_GetObjectItemCaseSensitive(entry, "consent"))
        cJSON_AddObjectToObject(entry, "consent");
    emu_service_t *s = calloc(1, sizeof(*s));
    if (!s) {
        emu_respond_error(req, resp, 500, "internal.out_of_memory", "Out of memory.", NULL);
        goto unlock;
    }
    snprintf(s->id, sizeof(s->id), "%s", id);
    snprintf(s->org_id, sizeof(s->org_id), "%s", req->org_id);
    snprintf(s->webhook_endpoint_id, sizeof(s->webhook_endpoint_id), "%s",
             cJSON_GetObjectItemCaseSensitive(body, "webhook_endpoint_id")->valuestring);
    s->entry = entry;
    entry = NULL;
    s->active = 1;
    s->discoverable = cJSON_IsTrue(disc);
    s->created_ms = s->updated_ms = emu_now_ms();
    if (emu_vec_push(&emu->services, s) != 0) {
        emu_service_free(s);
        emu_respond_error(req, resp, 500, "internal.out_of_memory", "Out of memory.", NULL);
        goto unlock;
    }
    emu_respond_data(req, resp, 201, managed_json(s));
unlock:
    pthread_mutex_unlock(&emu->lock);
    cJSON_Delete(entry);
    emu_checks_free(&c);
    cJSON_Delete(body);
}

void emu_h_services_update(emu_request_t *req, emu_response_t *resp) {
    if (!emu_require_secret(req, resp, "gate:services:manage")) return;
    cJSON *body = emu_body_object(req, resp);
    if (!body) return;
    foil_emulator_t *emu = req->emu;
    emu_checks_t c;
    emu_checks_init(&c);
    pthread_mutex_lock(&emu->lock);
    emu_service_t *s = find_owned(req);
    if (!s) {
        emu_respond_not_found(req, resp, "Gate service", req->params[0]);
        goto unlock;
    }
    cJSON *entry = cJSON_Duplicate(s->entry, 1);
    static const char *const allowed[] = {
        "discoverable", "name", "description", "website", "dashboard_login_url", "env_vars",
        "docs_url",     "sdks", "branding",    "consent", "webhook_endpoint_id", NULL};
    emu_check_only(&c, body, allowed);
    const cJSON *disc = cJSON_GetObjectItemCaseSensitive(body, "discoverable");
    if (disc && !cJSON_IsBool(disc))
        emu_check_add(&c, "discoverable", "invalid_type", "boolean", disc);
    apply_entry_fields(&c, body, entry, 0);
    check_endpoint(&c, emu, req->org_id, body, 0);
    if (emu_checks_respond(&c, req, resp, "Invalid Gate service update.", "gate_services")) {
        cJSON_Delete(entry);
        goto unlock;
    }
    cJSON_Delete(s->entry);
    s->entry = entry;
    if (disc) s->discoverable = cJSON_IsTrue(disc);
    const cJSON *we = cJSON_GetObjectItemCaseSensitive(body, "webhook_endpoint_id");
    if (we) snprintf(s->webhook_endpoint_id, sizeof(s->webhook_endpoint_id), "%s", we->valuestring);
    s->updated_ms = emu_now_ms();
    emu_respond_data(req, resp, 200, managed_json(s));
unlock:
    pthread_mutex_unlock(&emu->lock);
    emu_checks_free(&c);
    cJSON_Delete(body);
}

void emu_h_services_disable(emu_request_t *req, emu_response_t *resp) {
    if (!emu_require_secret(req, resp, "gate:services:manage")) return;
    pthread_mutex_lock(&req->emu->lock);
    emu_service_t *s = find_owned(req);
    cJSON *j = NULL;
    if (s) {
        s->active = 0;
        s->updated_ms = emu_now_ms();
        j = managed_json(s);
    }
    pthread_mutex_unlock(&req->emu->lock);
    if (j)
        emu_respond_data(req, resp, 200, j);
    else
        emu_respond_not_found(req, resp, "Gate service", req->params[0]);
}
