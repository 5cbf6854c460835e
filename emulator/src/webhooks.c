/* Webhook endpoints and events (/v1/organizations/{id}/webhooks/endpoints, .../events). */
#include "emu.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void emu_endpoint_free(void *p) {
    emu_webhook_endpoint_t *e = p;
    if (!e) return;
    free(e->name);
    free(e->url);
    if (e->signing_secret) sodium_memzero(e->signing_secret, strlen(e->signing_secret));
    free(e->signing_secret);
    cJSON_Delete(e->event_types);
    free(e);
}

void emu_event_free(void *p) {
    emu_event_t *e = p;
    if (!e) return;
    free(e->type);
    free(e->subject_type);
    free(e->subject_id);
    cJSON_Delete(e->data);
    cJSON_Delete(e->deliveries);
    free(e);
}

emu_webhook_endpoint_t *emu_endpoint_find(foil_emulator_t *emu, const char *org_id,
                                          const char *id) {
    for (size_t i = 0; i < emu->endpoints.len; i++) {
        emu_webhook_endpoint_t *e = emu->endpoints.items[i];
        if (strcmp(e->id, id) == 0 && strcmp(e->org_id, org_id) == 0) return e;
    }
    return NULL;
}

static emu_event_t *event_find(foil_emulator_t *emu, const char *org_id, const char *id) {
    for (size_t i = 0; i < emu->events.len; i++) {
        emu_event_t *e = emu->events.items[i];
        if (strcmp(e->id, id) == 0 && strcmp(e->org_id, org_id) == 0) return e;
    }
    return NULL;
}

static cJSON *endpoint_json(const emu_webhook_endpoint_t *e, int reveal) {
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "object", "webhook_endpoint");
    cJSON_AddStringToObject(j, "id", e->id);
    cJSON_AddStringToObject(j, "name", e->name);
    cJSON_AddStringToObject(j, "url", e->url);
    cJSON_AddStringToObject(j, "status", e->active ? "active" : "disabled");
    cJSON_AddItemToObject(j, "event_types", cJSON_Duplicate(e->event_types, 1));
    if (reveal) cJSON_AddStringToObject(j, "signing_secret", e->signing_secret);
    cJSON_AddItemToObject(j, "created_at", emu_json_iso(e->created_ms));
    cJSON_AddItemToObject(j, "updated_at", emu_json_iso(e->updated_ms));
    return j;
}

static cJSON *event_json(const emu_event_t *e) {
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "object", "event");
    cJSON_AddStringToObject(j, "id", e->id);
    cJSON_AddStringToObject(j, "type", e->type);
    cJSON *subject = cJSON_AddObjectToObject(j, "subject");
    cJSON_AddStringToObject(subject, "type", e->subject_type);
    cJSON_AddStringToObject(subject, "id", e->subject_id);
    cJSON_AddItemToObject(j, "data", cJSON_Duplicate(e->data, 1));
    cJSON_AddItemToObject(j, "webhook_deliveries", cJSON_Duplicate(e->deliveries, 1));
    cJSON_AddItemToObject(j, "created_at", emu_json_iso(e->created_ms));
    return j;
}

static void signing_secret_new(char *out, size_t n) {
    emu_hex_id_new(out, n, "whsec_");
}

static emu_event_t *event_new(foil_emulator_t *emu, const char *org_id, const char *id,
                              const char *type, const char *subject_type, const char *subject_id,
                              const cJSON *data) {
    emu_event_t *e = calloc(1, sizeof(*e));
    if (!e) return NULL;
    if (id)
        snprintf(e->id, sizeof(e->id), "%s", id);
    else
        emu_hex_id_new(e->id, sizeof(e->id), "wevt_");
    snprintf(e->org_id, sizeof(e->org_id), "%s", org_id);
    e->type = emu_strdup(type);
    e->subject_type = emu_strdup(subject_type);
    e->subject_id = emu_strdup(subject_id);
    e->data = cJSON_Duplicate(data, 1);
    e->deliveries = cJSON_CreateArray();
    e->created_ms = emu_now_ms();
    if (!e->type || !e->subject_type || !e->subject_id || !e->data || !e->deliveries ||
        emu_vec_push(&emu->events, e) != 0) {
        emu_event_free(e);
        return NULL;
    }
    return e;
}

/* Adds a delivery record to `e` with the outcome of one attempt. */
static cJSON *delivery_add(emu_event_t *e, const char *endpoint_id, long http_status,
                           const char *response_body, const char *error) {
    cJSON *d = cJSON_CreateObject();
    char id[EMU_ID_MAX];
    emu_hex_id_new(id, sizeof(id), "wdlv_");
    cJSON_AddStringToObject(d, "object", "webhook_delivery");
    cJSON_AddStringToObject(d, "id", id);
    cJSON_AddStringToObject(d, "event_id", e->id);
    cJSON_AddStringToObject(d, "endpoint_id", endpoint_id);
    cJSON_AddStringToObject(d, "event_type", e->type);
    int ok = !error && http_status >= 200 && http_status < 300;
    cJSON_AddStringToObject(d, "status", ok ? "succeeded" : "failed");
    cJSON_AddNumberToObject(d, "attempts", 1);
    if (http_status)
        cJSON_AddNumberToObject(d, "response_status", (double)http_status);
    else
        cJSON_AddNullToObject(d, "response_status");
    if (response_body) {
        char clip[1025];
        snprintf(clip, sizeof(clip), "%s", response_body);
        cJSON_AddStringToObject(d, "response_body", clip);
    } else {
        cJSON_AddNullToObject(d, "response_body");
    }
    if (error || !ok)
        cJSON_AddStringToObject(d, "error", error ? error : "non-2xx response");
    else
        cJSON_AddNullToObject(d, "error");
    cJSON_AddItemToObject(d, "created_at", emu_json_iso(e->created_ms));
    cJSON_AddItemToObject(d, "updated_at", emu_json_iso(emu_now_ms()));
    cJSON_AddItemToArray(e->deliveries, d);
    return d;
}

void emu_event_record(foil_emulator_t *emu, const char *org_id, const char *event_id,
                      const char *type, const char *subject_type, const char *subject_id,
                      const cJSON *data, const char *endpoint_id, long http_status,
                      const char *response_body, const char *error) {
    pthread_mutex_lock(&emu->lock);
    emu_event_t *e = event_new(emu, org_id, event_id, type, subject_type, subject_id, data);
    if (e && endpoint_id) delivery_add(e, endpoint_id, http_status, response_body, error);
    pthread_mutex_unlock(&emu->lock);
}

/* Path organization check; holds the lock on success. */
static int lock_org(emu_request_t *req, emu_response_t *resp) {
    pthread_mutex_lock(&req->emu->lock);
    if (emu_org_visible(req->emu, req->org_id, req->params[0]) &&
        emu_org_find(req->emu, req->params[0]))
        return 1;
    pthread_mutex_unlock(&req->emu->lock);
    emu_respond_not_found(req, resp, "organization", req->params[0]);
    return 0;
}

static cJSON *check_event_types(emu_checks_t *c, const cJSON *body, int required) {
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(body, "event_types");
    if (!a) {
        if (required) emu_check_add(c, "event_types", "required", "non-empty array", NULL);
        return NULL;
    }
    int ok = cJSON_IsArray(a) && cJSON_GetArraySize(a) > 0;
    const cJSON *t;
    cJSON_ArrayForEach(t, a) {
        int known = 0;
        for (const char *const *k = foil_contract_values(FOIL_VALUES_WEBHOOK_SUBSCRIBABLE);
             cJSON_IsString(t) && *k; k++)
            known |= strcmp(*k, t->valuestring) == 0;
        ok = ok && known;
    }
    if (!ok) {
        emu_check_add(c, "event_types", "invalid_enum",
                      "non-empty array of session.fingerprint.calculated, "
                      "session.result.persisted, gate.session.approved",
                      a);
        return NULL;
    }
    return cJSON_Duplicate(a, 1);
}

void emu_h_endpoints_list(emu_request_t *req, emu_response_t *resp) {
    if (!emu_require_secret(req, resp, "webhooks:read")) return;
    int limit;
    uint64_t offset;
    uint64_t fh = emu_hash_str(0, req->params[0]);
    if (emu_page_params(req, resp, "webhook_endpoints", fh, &limit, &offset) != 0) return;
    if (!lock_org(req, resp)) return;
    cJSON *items = cJSON_CreateArray();
    uint64_t seen = 0;
    int has_more = 0;
    for (size_t i = 0; i < req->emu->endpoints.len; i++) {
        emu_webhook_endpoint_t *e = req->emu->endpoints.items[i];
        if (strcmp(e->org_id, req->params[0]) != 0 || seen++ < offset) continue;
        if (cJSON_GetArraySize(items) == limit) {
            has_more = 1;
            break;
        }
        cJSON_AddItemToArray(items, endpoint_json(e, 0));
    }
    pthread_mutex_unlock(&req->emu->lock);
    char *cursor =
        has_more ? emu_cursor_encode("webhook_endpoints", fh, offset + (uint64_t)limit) : NULL;
    emu_respond_page(req, resp, items, limit, has_more, cursor);
    free(cursor);
}

void emu_h_endpoints_create(emu_request_t *req, emu_response_t *resp) {
    if (!emu_require_secret(req, resp, "webhooks:manage")) return;
    cJSON *body = emu_body_object(req, resp);
    if (!body) return;
    emu_checks_t c;
    emu_checks_init(&c);
    static const char *const allowed[] = {"name", "url", "event_types", NULL};
    emu_check_only(&c, body, allowed);
    const char *name = emu_check_string(&c, body, "name", 1, 1, 200);
    const char *url = emu_check_url(&c, body, "url", 1);
    cJSON *types = check_event_types(&c, body, 1);
    if (emu_checks_respond(&c, req, resp, "Invalid webhook endpoint.", "webhook_endpoints") ||
        !lock_org(req, resp)) {
        cJSON_Delete(types);
        goto done;
    }
    emu_webhook_endpoint_t *e = calloc(1, sizeof(*e));
    char secret[EMU_ID_MAX];
    signing_secret_new(secret, sizeof(secret));
    cJSON *j = NULL;
    if (e) {
        emu_hex_id_new(e->id, sizeof(e->id), "we_");
        snprintf(e->org_id, sizeof(e->org_id), "%s", req->params[0]);
        e->name = emu_strdup(name);
        e->url = emu_strdup(url);
        e->signing_secret = emu_strdup(secret);
        e->event_types = types;
        types = NULL;
        e->active = 1;
        e->created_ms = e->updated_ms = emu_now_ms();
        if (e->name && e->url && e->signing_secret && emu_vec_push(&req->emu->endpoints, e) == 0)
            j = endpoint_json(e, 1);
        else
            emu_endpoint_free(e);
    }
    sodium_memzero(secret, sizeof(secret));
    pthread_mutex_unlock(&req->emu->lock);
    cJSON_Delete(types);
    emu_respond_data(req, resp, 201, j);
done:
    emu_checks_free(&c);
    cJSON_Delete(body);
}

void emu_h_endpoints_update(emu_request_t *req, emu_response_t *resp) {
    if (!emu_require_secret(req, resp, "webhooks:manage")) return;
    cJSON *body = emu_body_object(req, resp);
    if (!body) return;
    emu_checks_t c;
    emu_checks_init(&c);
    static const char *const allowed[] = {"name", "url", "status", "event_types", NULL};
    emu_check_only(&c, body, allowed);
    const char *name = emu_check_string(&c, body, "name", 0, 1, 200);
    const char *url = emu_check_url(&c, body, "url", 0);
    const char *status = emu_check_string(&c, body, "status", 0, 1, 16);
    if (status && strcmp(status, "active") != 0 && strcmp(status, "disabled") != 0)
        emu_check_add(&c, "status", "invalid_enum", "active or disabled",
                      cJSON_GetObjectItemCaseSensitive(body, "status"));
    cJSON *types = check_event_types(&c, body, 0);
    cJSON *j = NULL;
    if (emu_checks_respond(&c, req, resp, "Invalid webhook endpoint update.",
                           "webhook_endpoints") ||
        !lock_org(req, resp))
        goto done;
    emu_webhook_endpoint_t *e = emu_endpoint_find(req->emu, req->params[0], req->params[1]);
    if (e) {
        if (name) {
            free(e->name);
            e->name = emu_strdup(name);
        }
        if (url) {
            free(e->url);
            e->url = emu_strdup(url);
        }
        if (status) e->active = strcmp(status, "active") == 0;
        if (types) {
            cJSON_Delete(e->event_types);
            e->event_types = types;
            types = NULL;
        }
        e->updated_ms = emu_now_ms();
        j = endpoint_json(e, 0);
    }
    pthread_mutex_unlock(&req->emu->lock);
    if (j)
        emu_respond_data(req, resp, 200, j);
    else
        emu_respond_not_found(req, resp, "webhook endpoint", req->params[1]);
done:
    cJSON_Delete(types);
    emu_checks_free(&c);
    cJSON_Delete(body);
}

void emu_h_endpoints_disable(emu_request_t *req, emu_response_t *resp) {
    if (!emu_require_secret(req, resp, "webhooks:manage") || !lock_org(req, resp)) return;
    emu_webhook_endpoint_t *e = emu_endpoint_find(req->emu, req->params[0], req->params[1]);
    cJSON *j = NULL;
    if (e) {
        e->active = 0;
        e->updated_ms = emu_now_ms();
        j = endpoint_json(e, 0);
    }
    pthread_mutex_unlock(&req->emu->lock);
    if (j)
        emu_respond_data(req, resp, 200, j);
    else
        emu_respond_not_found(req, resp, "webhook endpoint", req->params[1]);
}

void emu_h_endpoints_rotate(emu_request_t *req, emu_response_t *resp) {
    if (!emu_require_secret(req, resp, "webhooks:manage") || !lock_org(req, resp)) return;
    emu_webhook_endpoint_t *e = emu_endpoint_find(req->emu, req->params[0], req->params[1]);
    cJSON *j = NULL;
    if (e) {
        char secret[EMU_ID_MAX];
        signing_secret_new(secret, sizeof(secret));
        char *copy = emu_strdup(secret);
        sodium_memzero(secret, sizeof(secret));
        if (copy) {
            sodium_memzero(e->signing_secret, strlen(e->signing_secret));
            free(e->signing_secret);
            e->signing_secret = copy;
            e->updated_ms = emu_now_ms();
            j = endpoint_json(e, 1);
        }
    }
    pthread_mutex_unlock(&req->emu->lock);
    if (j)
        emu_respond_data(req, resp, 201, j);
    else
        emu_respond_not_found(req, resp, "webhook endpoint", req->params[1]);
}

void emu_h_endpoints_test(emu_request_t *req, emu_response_t *resp) {
    if (!emu_require_secret(req, resp, "webhooks:manage") || !lock_org(req, resp)) return;
    foil_emulator_t *emu = req->emu;
    emu_webhook_endpoint_t *ep = emu_endpoint_find(emu, req->params[0], req->params[1]);
    if (!ep) {
        pthread_mutex_unlock(&emu->lock);
        emu_respond_not_found(req, resp, "webhook endpoint", req->params[1]);
        return;
    }
    char *url = emu_strdup(ep->url);
    char *secret = emu_strdup(ep->signing_secret);
    cJSON *data = cJSON_CreateObject();
    cJSON_AddStringToObject(data, "object", "webhook_test");
    cJSON_AddStringToObject(cJSON_AddObjectToObject(data, "endpoint"), "id", ep->id);
    emu_event_t *ev =
        event_new(emu, req->params[0], NULL, "webhook.test", "webhook_endpoint", ep->id, data);
    char event_id[EMU_ID_MAX] = "";
    char *body = NULL;
    if (ev) {
        snprintf(event_id, sizeof(event_id), "%s", ev->id);
        cJSON *env = cJSON_CreateObject();
        cJSON_AddStringToObject(env, "id", ev->id);
        cJSON_AddStringToObject(env, "object", "webhook_event");
        cJSON_AddStringToObject(env, "type", "webhook.test");
        cJSON_AddItemToObject(env, "created", emu_json_iso(ev->created_ms));
        cJSON_AddItemToObject(env, "data", cJSON_Duplicate(data, 1));
        body = cJSON_PrintUnformatted(env);
        cJSON_Delete(env);
    }
    pthread_mutex_unlock(&emu->lock);
    cJSON_Delete(data);
    if (!ev || !body || !url || !secret) {
        free(url);
        free(secret);
        free(body);
        emu_respond_error(req, resp, 500, "internal.out_of_memory", "Out of memory.", NULL);
        return;
    }
    /* Deliver now, outside the lock; the event keeps the outcome. */
    long status = 0;
    char *reply = NULL;
    foil_status_t st = emu_webhook_post(url, secret, body, &status, &reply);
    pthread_mutex_lock(&emu->lock);
    ev = event_find(emu, req->params[0], event_id);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "object", "webhook_test");
    cJSON_AddStringToObject(j, "event_id", event_id);
    cJSON *ids = cJSON_AddArrayToObject(j, "delivery_ids");
    cJSON *d = ev ? delivery_add(ev, req->params[1], status, reply,
                                 st == FOIL_OK ? NULL : "connection failed")
                  : NULL;
    if (d) {
        cJSON_AddItemToArray(ids, cJSON_CreateString(cJSON_GetObjectItem(d, "id")->valuestring));
        cJSON_AddItemToObject(j, "latest_delivery", cJSON_Duplicate(d, 1));
    } else {
        cJSON_AddNullToObject(j, "latest_delivery");
    }
    pthread_mutex_unlock(&emu->lock);
    sodium_memzero(secret, strlen(secret));
    free(secret);
    free(url);
    free(body);
    free(reply);
    emu_respond_data(req, resp, 202, j);
}

static int event_matches(const emu_event_t *e, const char *endpoint_id, const char *type) {
    if (type && strcmp(e->type, type) != 0) return 0;
    if (!endpoint_id) return 1;
    const cJSON *d;
    cJSON_ArrayForEach(d, e->deliveries) {
        const cJSON *ep = cJSON_GetObjectItemCaseSensitive(d, "endpoint_id");
        if (cJSON_IsString(ep) && strcmp(ep->valuestring, endpoint_id) == 0) return 1;
    }
    return 0;
}

void emu_h_events_list(emu_request_t *req, emu_response_t *resp) {
    if (!emu_require_secret(req, resp, "webhooks:read")) return;
    const char *endpoint_id = emu_query(req, "endpoint_id");
    const char *type = emu_query(req, "type");
    int known = !type;
    for (const char *const *t = foil_contract_values(FOIL_VALUES_WEBHOOK_EVENT_TYPE); type && *t;
         t++)
        known |= strcmp(*t, type) == 0;
    if (!known) {
        emu_respond_field_error(req, resp, "Invalid events list query.", "events", "type",
                                "invalid_enum", "a webhook event type", type);
        return;
    }
    uint64_t fh = emu_hash_str(emu_hash_str(emu_hash_str(0, req->params[0]), endpoint_id), type);
    int limit;
    uint64_t offset;
    if (emu_page_params(req, resp, "events", fh, &limit, &offset) != 0) return;
    if (!lock_org(req, resp)) return;
    cJSON *items = cJSON_CreateArray();
    uint64_t seen = 0;
    int has_more = 0;
    /* Newest first. */
    for (size_t i = req->emu->events.len; i-- > 0;) {
        emu_event_t *e = req->emu->events.items[i];
        if (strcmp(e->org_id, req->params[0]) != 0 || !event_matches(e, endpoint_id, type) ||
            seen++ < offset)
            continue;
        if (cJSON_GetArraySize(items) == limit) {
            has_more = 1;
            break;
        }
        cJSON_AddItemToArray(items, event_json(e));
    }
    pthread_mutex_unlock(&req->emu->lock);
    char *cursor = has_more ? emu_cursor_encode("events", fh, offset + (uint64_t)limit) : NULL;
    emu_respond_page(req, resp, items, limit, has_more, cursor);
    free(cursor);
}

void emu_h_events_get(emu_request_t *req, emu_response_t *resp) {
    if (!emu_require_secret(req, resp, "webhooks:read") || !lock_org(req, resp)) return;
    emu_event_t *e = event_find(req->emu, req->params[0], req->params[1]);
    cJSON *j = e ? event_json(e) : NULL;
    pthread_mutex_unlock(&req->emu->lock);
    if (j)
        emu_respond_data(req, resp, 200, j);
    else
        emu_respond_not_found(req, resp, "event", req->params[1]);
}
