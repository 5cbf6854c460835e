/* Gate signup sessions: create, poll, approve / deny, ack (the state machine of FOIL-API §2.1).
 *
 * pending --approve--> approved (both envelopes encrypted) --ack--> consumed (410 afterwards)
 * pending --deny--> rejected;  pending past expires_at --> expired.
 */
#include "emu.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "foil/foil.h"

#define PRUNE_THRESHOLD 4096
#define PRUNE_GRACE_MS (3600LL * 1000)

void emu_gate_session_free(void *p) {
    emu_gate_session_t *s = p;
    if (!s) return;
    free(s->account_name);
    free(s->metadata_json);
    free(s->delivery_json);
    free(s->integrator_envelope);
    free(s->gate_envelope);
    free(s->docs_url);
    free(s->error);
    sodium_memzero(s, sizeof(*s));
    free(s);
}

static int token_equal(const char *given, const char *expected) {
    size_t n = strlen(expected);
    return strlen(given) == n && sodium_memcmp(given, expected, n) == 0;
}

static int prunable(void *value, void *ctx) {
    const emu_gate_session_t *s = value;
    return s->state != EMU_GATE_APPROVING && s->expires_ms + PRUNE_GRACE_MS < *(int64_t *)ctx;
}

/* The request's "metadata" as JSON text, numbers exactly as sent (the core's parser and
 * writer: cJSON would round an integer above 2^53, which the API keeps). emu_body_object has
 * already checked the body with that parser; cJSON's reading is the fallback for memory. */
static char *metadata_text(const emu_request_t *req, const cJSON *metadata) {
    foil_document_t *doc = NULL;
    char *exact = NULL;
    if (foil_document_parse(req->body, req->body_len, &doc) == FOIL_OK &&
        foil_json_serialize(foil_json_get(foil_document_root(doc), "metadata"), &exact) ==
            FOIL_OK) {
        char *copy = emu_strdup(exact);
        foil_string_free(exact);
        foil_document_free(doc);
        return copy;
    }
    foil_document_free(doc);
    foil_error_clear(); /* this server thread outlives the request */
    return cJSON_PrintUnformatted(metadata);
}

void emu_h_gate_create(emu_request_t *req, emu_response_t *resp) {
    foil_emulator_t *emu = req->emu;
    cJSON *body = emu_body_object(req, resp);
    if (!body) return;
    emu_checks_t c;
    emu_checks_init(&c);
    emu_gate_session_t *s = NULL;
    const char *service_id = emu_check_string(&c, body, "service_id", 1, 1, 64);
    if (service_id && !emu_is_service_id(service_id)) {
        emu_check_add(&c, "service_id", "invalid_format", "^[a-z0-9](?:[a-z0-9_-]{1,30}[a-z0-9])$",
                      cJSON_GetObjectItemCaseSensitive(body, "service_id"));
        service_id = NULL;
    }
    const char *account_name = emu_check_string(&c, body, "account_name", 1, 1, 200);
    const cJSON *metadata = cJSON_GetObjectItemCaseSensitive(body, "metadata");
    if (metadata && !cJSON_IsObject(metadata))
        emu_check_add(&c, "metadata", "invalid_type", "object", metadata);
    const cJSON *delivery = cJSON_GetObjectItemCaseSensitive(body, "delivery");
    char *delivery_json = NULL;
    if (!delivery) {
        emu_check_add(&c, "delivery", "required", "GateDeliveryRequest object", NULL);
    } else if (!cJSON_IsObject(delivery)) {
        emu_check_add(&c, "delivery", "invalid_type", "GateDeliveryRequest object", delivery);
    } else {
        delivery_json = cJSON_PrintUnformatted(delivery);
        if (delivery_json && foil_gate_delivery_request_validate(delivery_json) != FOIL_OK) {
            const foil_error_t *e = foil_last_error();
            const char *field = foil_error_field_count(e) ? foil_error_field_name(e, 0) : NULL;
            char name[80];
            snprintf(name, sizeof(name), "%s%s",
                     field && strncmp(field, "delivery", 8) != 0 ? "delivery." : "",
                     field ? field : "delivery");
            emu_check_add(&c, name,
                          foil_error_field_count(e) ? foil_error_field_issue(e, 0) : "invalid",
                          foil_error_message(e), NULL);
        }
    }
    if (emu_checks_respond(&c, req, resp, "Invalid Gate session request.", "gate_sessions"))
        goto done;

    pthread_mutex_lock(&emu->lock);
    emu_service_t *svc = emu_service_find(emu, service_id);
    const cJSON *docs = svc ? cJSON_GetObjectItemCaseSensitive(svc->entry, "docs_url") : NULL;
    char *docs_url = cJSON_IsString(docs) ? emu_strdup(docs->valuestring) : NULL;
    int usable = svc && svc->active && svc->discoverable;
    pthread_mutex_unlock(&emu->lock);
    if (!usable) {
        free(docs_url);
        emu_respond_not_found(req, resp, "Gate service", service_id);
        goto done;
    }

    s = calloc(1, sizeof(*s));
    if (!s) {
        free(docs_url);
        goto oom;
    }
    emu_id_new(s->id, sizeof(s->id), "gate_");
    emu_id_new(s->poll_token, sizeof(s->poll_token), "gtpoll_");
    emu_id_new(s->approval_token, sizeof(s->approval_token), "gtappr_");
    snprintf(s->service_id, sizeof(s->service_id), "%s", service_id);
    s->docs_url = docs_url;
    s->account_name = emu_strdup(account_name);
    s->metadata_json = metadata ? metadata_text(req, metadata) : NULL;
    s->delivery_json = delivery_json;
    delivery_json = NULL;
    s->created_ms = emu_now_ms();
    s->expires_ms = s->created_ms + (int64_t)emu->cfg.gate_ttl_seconds * 1000;
    s->state = EMU_GATE_PENDING;
    if (!s->account_name || (metadata && !s->metadata_json)) goto oom;

    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "object", "gate_session");
    cJSON_AddStringToObject(j, "id", s->id);
    cJSON_AddStringToObject(j, "status", "pending");
    cJSON_AddStringToObject(j, "poll_token", s->poll_token);
    char url[256];
    snprintf(url, sizeof(url), "%s/gate?session=%s", emu->base_url, s->id);
    cJSON_AddStringToObject(j, "consent_url", url);
    cJSON_AddItemToObject(j, "expires_at", emu_json_iso(s->expires_ms));

    int failed;
    pthread_mutex_lock(&emu->gate_lock);
    if (emu->gate_sessions.count >= PRUNE_THRESHOLD) {
        int64_t now = s->created_ms;
        emu_map_remove_if(&emu->gate_sessions, prunable, &now, emu_gate_session_free);
    }
    emu_map_put(&emu->gate_sessions, s->id, s, &failed);
    pthread_mutex_unlock(&emu->gate_lock);
    if (failed) {
        cJSON_Delete(j);
        goto oom;
    }
    s = NULL;
    emu_respond_data(req, resp, 201, j);
    goto done;
oom:
    emu_respond_error(req, resp, 500, "internal.out_of_memory", "Out of memory.", NULL);
done:
    emu_gate_session_free(s);
    free(delivery_json);
    emu_checks_free(&c);
    cJSON_Delete(body);
}

/* Finds the session and checks the gtpoll_ bearer; answers 401/403/404 and returns NULL on
 * failure. Returns with gate_lock held on success. */
static emu_gate_session_t *lock_session(emu_request_t *req, emu_response_t *resp) {
    const char *token = emu_bearer(req);
    if (!token) {
        emu_respond_error(req, resp, 401, "auth.missing_api_key",
                          "Missing Authorization header. Send the session's poll token as "
                          "Authorization: Bearer gtpoll_...",
                          NULL);
        return NULL;
    }
    foil_emulator_t *emu = req->emu;
    pthread_mutex_lock(&emu->gate_lock);
    emu_gate_session_t *s = emu_map_get(&emu->gate_sessions, req->params[0]);
    if (!s) {
        pthread_mutex_unlock(&emu->gate_lock);
        emu_respond_not_found(req, resp, "Gate session", req->params[0]);
        return NULL;
    }
    if (!token_equal(token, s->poll_token)) {
        pthread_mutex_unlock(&emu->gate_lock);
        emu_respond_error(req, resp, 403, "gate.invalid_poll_token",
                          "The bearer token is not this Gate session's poll token.", NULL);
        return NULL;
    }
    return s;
}

static void respond_consumed(emu_request_t *req, emu_response_t *resp) {
    cJSON *details = cJSON_CreateObject();
    cJSON_AddStringToObject(details, "next_action", "new_session");
    emu_respond_error(req, resp, 410, "gate.delivery_consumed",
                      "This Gate session's delivery was already acknowledged; its ciphertext is "
                      "gone. Start a new session.",
                      details);
}

static const char *status_name(const emu_gate_session_t *s, int64_t now) {
    switch (s->state) {
    case EMU_GATE_APPROVED:
        return "approved";
    case EMU_GATE_REJECTED:
        return "rejected";
    default:
        return now > s->expires_ms ? "expired" : "pending";
    }
}

void emu_h_gate_poll(emu_request_t *req, emu_response_t *resp) {
    foil_emulator_t *emu = req->emu;
    emu_gate_session_t *s = lock_session(req, resp);
    if (!s) return;
    int64_t now = emu_now_ms();
    if (s->state == EMU_GATE_PENDING && emu->cfg.auto_approve_ms && now <= s->expires_ms &&
        now >= s->created_ms + (int64_t)emu->cfg.auto_approve_ms) {
        /* Auto-approval happens on the first poll after the delay. */
        pthread_mutex_unlock(&emu->gate_lock);
        char *err = NULL;
        emu_gate_approve(emu, req->params[0], &err);
        free(err);
        if (!(s = lock_session(req, resp))) return;
    }
    if (s->state == EMU_GATE_CONSUMED) {
        pthread_mutex_unlock(&emu->gate_lock);
        respond_consumed(req, resp);
        return;
    }
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "object", "gate_session");
    cJSON_AddStringToObject(j, "id", s->id);
    cJSON_AddStringToObject(j, "status", status_name(s, now));
    cJSON_AddItemToObject(j, "expires_at", emu_json_iso(s->expires_ms));
    if (s->state == EMU_GATE_APPROVED) {
        cJSON_AddStringToObject(j, "gate_account_id", s->account_id);
        cJSON_AddStringToObject(j, "account_name", s->account_name);
        cJSON *bundle = cJSON_AddObjectToObject(j, "delivery_bundle");
        cJSON_AddItemToObject(bundle, "integrator", cJSON_Parse(s->integrator_envelope));
        cJSON_AddItemToObject(bundle, "gate", cJSON_Parse(s->gate_envelope));
    }
    if (s->docs_url) cJSON_AddStringToObject(j, "docs_url", s->docs_url);
    pthread_mutex_unlock(&emu->gate_lock);
    emu_respond_data(req, resp, 200, j);
}

void emu_h_gate_ack(emu_request_t *req, emu_response_t *resp) {
    foil_emulator_t *emu = req->emu;
    cJSON *body = NULL;
    if (req->body_len && !(body = emu_body_object(req, resp))) return;
    const cJSON *ack = cJSON_GetObjectItemCaseSensitive(body, "ack_token");
    emu_gate_session_t *s = lock_session(req, resp);
    if (!s) goto done;
    if (s->state == EMU_GATE_CONSUMED) {
        pthread_mutex_unlock(&emu->gate_lock);
        respond_consumed(req, resp);
        goto done;
    }
    if (s->state != EMU_GATE_APPROVED || !cJSON_IsString(ack) ||
        !token_equal(ack->valuestring, s->ack_token)) {
        pthread_mutex_unlock(&emu->gate_lock);
        emu_respond_error(req, resp, 403, "gate.invalid_ack_token",
                          s->state == EMU_GATE_APPROVED
                              ? "The ack_token does not match this session's delivery."
                              : "This Gate session has no delivery to acknowledge yet.",
                          NULL);
        goto done;
    }
    /* Acknowledged: purge the ciphertext; later polls and acks answer 410. */
    s->state = EMU_GATE_CONSUMED;
    free(s->integrator_envelope);
    free(s->gate_envelope);
    s->integrator_envelope = s->gate_envelope = NULL;
    pthread_mutex_unlock(&emu->gate_lock);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "object", "gate_session_delivery");
    cJSON_AddStringToObject(j, "gate_session_id", req->params[0]);
    cJSON_AddStringToObject(j, "status", "acknowledged");
    emu_respond_data(req, resp, 200, j);
done:
    cJSON_Delete(body);
}

/* ---- approval ----------------------------------------------------------------------- */

typedef struct approval {
    char id[EMU_ID_MAX];
    char account_id[EMU_ID_MAX];
    char service_id[40];
    char org_id[EMU_ID_MAX];
    char endpoint_id[EMU_ID_MAX];
    char *account_name;
    char *metadata_json;
    char *delivery_json;
    char *outputs_json;
    char *webhook_url;
    char *webhook_secret;
    char *agent_token;
} approval_t;

static void approval_clear(approval_t *a) {
    free(a->account_name);
    free(a->metadata_json);
    free(a->delivery_json);
    if (a->outputs_json) sodium_memzero(a->outputs_json, strlen(a->outputs_json));
    free(a->outputs_json);
    free(a->webhook_url);
    free(a->webhook_secret);
    if (a->agent_token) sodium_memzero(a->agent_token, strlen(a->agent_token));
    free(a->agent_token);
}

/* The built-in service delivers real keys of the demo organization. Holds emu->lock. */
static char *foil_outputs(foil_emulator_t *emu, const char *account_name) {
    char name[256];
    snprintf(name, sizeof(name), "Gate signup: %.200s", account_name);
    cJSON *scopes = cJSON_CreateArray();
    cJSON_AddItemToArray(scopes, cJSON_CreateString("*"));
    emu_api_key_t *sk = emu_api_key_new(emu, emu->org_id, name, 1, 0, scopes);
    emu_api_key_t *pk = emu_api_key_new(emu, emu->org_id, name, 0, 0, NULL);
    if (!sk || !pk) return NULL;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "FOIL_PUBLISHABLE_KEY", pk->value);
    cJSON_AddStringToObject(o, "FOIL_SECRET_KEY", sk->value);
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return text;
}

/* Copies what the approval needs from the service and issues the agent token. */
static foil_status_t gather(foil_emulator_t *emu, approval_t *a, char **error_out) {
    foil_status_t st = FOIL_OK;
    pthread_mutex_lock(&emu->lock);
    emu_service_t *svc = emu_service_find(emu, a->service_id);
    if (!svc) {
        st = FOIL_E_NOT_FOUND;
        *error_out = emu_strdup("The service no longer exists.");
        goto unlock;
    }
    snprintf(a->org_id, sizeof(a->org_id), "%s", svc->org_id);
    if (svc->builtin) {
        a->outputs_json = foil_outputs(emu, a->account_name);
    } else if (svc->outputs_json) {
        a->outputs_json = emu_strdup(svc->outputs_json);
    } else if (svc->webhook_url) {
        a->webhook_url = emu_strdup(svc->webhook_url);
        a->webhook_secret = emu_strdup(svc->webhook_secret);
    } else {
        emu_webhook_endpoint_t *e = emu_endpoint_find(emu, svc->org_id, svc->webhook_endpoint_id);
        if (!e || !e->active) {
            st = FOIL_E_STATE;
            *error_out = emu_strdup("The service's webhook endpoint is missing or disabled.");
            goto unlock;
        }
        snprintf(a->endpoint_id, sizeof(a->endpoint_id), "%s", e->id);
        a->webhook_url = emu_strdup(e->url);
        a->webhook_secret = emu_strdup(e->signing_secret);
    }
    if (!a->outputs_json && !a->webhook_url) st = FOIL_E_NOMEM;
    if (st == FOIL_OK && cJSON_GetObjectItemCaseSensitive(svc->entry, "dashboard_login_url")) {
        emu_agent_token_t *t =
            emu_agent_token_issue(emu, a->service_id, a->account_id, a->account_name);
        if (!t || !(a->agent_token = emu_strdup(t->token))) st = FOIL_E_NOMEM;
    }
unlock:
    pthread_mutex_unlock(&emu->lock);
    return st;
}

static char *encrypt_outputs(const char *delivery_json, const cJSON *outputs, const char *ack) {
    cJSON *p = cJSON_CreateObject();
    cJSON_AddNumberToObject(p, "version", 1);
    cJSON_AddItemToObject(p, "outputs", cJSON_Duplicate(outputs, 1));
    if (ack) cJSON_AddStringToObject(p, "ack_token", ack);
    char *plain = cJSON_PrintUnformatted(p);
    cJSON_Delete(p);
    char *env = NULL;
    if (plain && foil_gate_delivery_encrypt(delivery_json, plain, &env) != FOIL_OK) env = NULL;
    if (plain) sodium_memzero(plain, strlen(plain));
    free(plain);
    char *copy = emu_strdup(env);
    foil_string_free(env);
    return copy;
}

/* Calls the integrator's webhook with a signed gate.session.approved event and returns its
 * encrypted_delivery. */
static char *integrator_from_webhook(foil_emulator_t *emu, const approval_t *a, char **error_out) {
    char event_id[EMU_ID_MAX];
    emu_hex_id_new(event_id, sizeof(event_id), "wevt_");
    cJSON *data = cJSON_CreateObject();
    cJSON_AddStringToObject(data, "service_id", a->service_id);
    cJSON_AddStringToObject(data, "gate_session_id", a->id);
    cJSON_AddStringToObject(data, "gate_account_id", a->account_id);
    cJSON_AddStringToObject(data, "account_name", a->account_name);
    cJSON_AddItemToObject(data, "metadata", /* raw: its numbers printed as they came */
                          a->metadata_json ? cJSON_CreateRaw(a->metadata_json)
                                           : cJSON_CreateNull());
    cJSON *foil = cJSON_AddObjectToObject(data, "foil");
    cJSON_AddStringToObject(foil, "verdict", "human");
    cJSON_AddNumberToObject(foil, "score", 0.12);
    cJSON_AddItemToObject(data, "delivery", cJSON_Parse(a->delivery_json));
    cJSON *event = cJSON_CreateObject();
    cJSON_AddStringToObject(event, "id", event_id);
    cJSON_AddStringToObject(event, "object", "webhook_event");
    cJSON_AddStringToObject(event, "type", "gate.session.approved");
    cJSON_AddItemToObject(event, "created", emu_json_iso(emu_now_ms()));
    cJSON_AddItemToObject(event, "data", cJSON_Duplicate(data, 1));
    char *body = cJSON_PrintUnformatted(event);
    cJSON_Delete(event);

    long status = 0;
    char *reply = NULL;
    char *envelope = NULL;
    char msg[200] = "";
    if (!body ||
        emu_webhook_post(a->webhook_url, a->webhook_secret, body, &status, &reply) != FOIL_OK) {
        snprintf(msg, sizeof(msg), "The service's webhook could not be reached.");
    } else if (status != 200) {
        snprintf(msg, sizeof(msg), "The service's webhook answered HTTP %ld.", status);
    } else {
        cJSON *r = cJSON_Parse(reply);
        const cJSON *ed = cJSON_GetObjectItemCaseSensitive(r, "encrypted_delivery");
        cJSON *req_delivery = cJSON_Parse(a->delivery_json);
        const cJSON *want = cJSON_GetObjectItemCaseSensitive(req_delivery, "key_id");
        const cJSON *got = cJSON_GetObjectItemCaseSensitive(ed, "key_id");
        static const char *const fields[] = {
            "algorithm", "ephemeral_public_key", "salt", "iv", "ciphertext", "tag", NULL};
        int ok = cJSON_IsObject(ed) && cJSON_IsString(got) && cJSON_IsString(want) &&
                 strcmp(got->valuestring, want->valuestring) == 0;
        for (const char *const *f = fields; ok && *f; f++)
            ok = cJSON_IsString(cJSON_GetObjectItemCaseSensitive(ed, *f));
        if (ok)
            envelope = cJSON_PrintUnformatted(ed);
        else
            snprintf(msg, sizeof(msg),
                     "The service's webhook reply has no valid encrypted_delivery for this key.");
        cJSON_Delete(req_delivery);
        cJSON_Delete(r);
    }
    if (a->org_id[0])
        emu_event_record(emu, a->org_id, event_id, "gate.session.approved", "gate_session", a->id,
                         data, a->endpoint_id[0] ? a->endpoint_id : NULL, status, reply,
                         envelope ? NULL : msg);
    cJSON_Delete(data);
    free(body);
    free(reply);
    if (!envelope) *error_out = emu_strdup(msg);
    return envelope;
}

foil_status_t emu_gate_approve(foil_emulator_t *emu, const char *id, char **error_out) {
    *error_out = NULL;
    approval_t a;
    memset(&a, 0, sizeof(a));
    pthread_mutex_lock(&emu->gate_lock);
    emu_gate_session_t *s = emu_map_get(&emu->gate_sessions, id);
    if (!s) {
        pthread_mutex_unlock(&emu->gate_lock);
        return FOIL_E_NOT_FOUND;
    }
    if (s->state != EMU_GATE_PENDING || emu_now_ms() > s->expires_ms) {
        pthread_mutex_unlock(&emu->gate_lock);
        *error_out = emu_strdup("This Gate session is no longer pending.");
        return FOIL_E_STATE;
    }
    s->state = EMU_GATE_APPROVING;
    snprintf(a.id, sizeof(a.id), "%s", s->id);
    snprintf(a.service_id, sizeof(a.service_id), "%s", s->service_id);
    if (!s->account_id[0]) emu_id_new(s->account_id, sizeof(s->account_id), "gacct_");
    snprintf(a.account_id, sizeof(a.account_id), "%s", s->account_id);
    a.account_name = emu_strdup(s->account_name);
    a.metadata_json = emu_strdup(s->metadata_json);
    a.delivery_json = emu_strdup(s->delivery_json);
    pthread_mutex_unlock(&emu->gate_lock);

    char ack[EMU_ID_MAX];
    emu_id_new(ack, sizeof(ack), "gtack_");
    char *integrator = NULL, *gate = NULL, *env_key = NULL;
    foil_status_t st =
        a.account_name && a.delivery_json ? gather(emu, &a, error_out) : FOIL_E_NOMEM;
    if (st == FOIL_OK && a.outputs_json) {
        cJSON *outputs = cJSON_Parse(a.outputs_json);
        integrator = encrypt_outputs(a.delivery_json, outputs, NULL);
        cJSON_Delete(outputs);
        if (!integrator) st = FOIL_E_CRYPTO;
    } else if (st == FOIL_OK) {
        integrator = integrator_from_webhook(emu, &a, error_out);
        if (!integrator) st = FOIL_E_API;
    }
    if (st == FOIL_OK) {
        /* Gate's own envelope: the agent token (services with a dashboard login) + ack token. */
        cJSON *outputs = cJSON_CreateObject();
        if (a.agent_token && foil_gate_agent_token_env_key(a.service_id, &env_key) == FOIL_OK)
            cJSON_AddStringToObject(outputs, env_key, a.agent_token);
        gate = encrypt_outputs(a.delivery_json, outputs, ack);
        cJSON_Delete(outputs);
        if (!gate) st = FOIL_E_CRYPTO;
    }
    if (st != FOIL_OK && !*error_out) *error_out = emu_strdup("Encrypting the delivery failed.");

    pthread_mutex_lock(&emu->gate_lock);
    s = emu_map_get(&emu->gate_sessions, id);
    if (s && st == FOIL_OK) {
        s->state = EMU_GATE_APPROVED;
        snprintf(s->ack_token, sizeof(s->ack_token), "%s", ack);
        s->integrator_envelope = integrator;
        s->gate_envelope = gate;
        integrator = gate = NULL;
        free(s->error);
        s->error = NULL;
    } else if (s) {
        s->state = EMU_GATE_PENDING;
        free(s->error);
        s->error = emu_strdup(*error_out);
    }
    pthread_mutex_unlock(&emu->gate_lock);
    free(integrator);
    free(gate);
    foil_string_free(env_key);
    approval_clear(&a);
    return st;
}

foil_status_t emu_gate_deny(foil_emulator_t *emu, const char *id) {
    pthread_mutex_lock(&emu->gate_lock);
    emu_gate_session_t *s = emu_map_get(&emu->gate_sessions, id);
    foil_status_t st = FOIL_OK;
    if (!s)
        st = FOIL_E_NOT_FOUND;
    else if (s->state != EMU_GATE_PENDING || emu_now_ms() > s->expires_ms)
        st = FOIL_E_STATE;
    else
        s->state = EMU_GATE_REJECTED;
    pthread_mutex_unlock(&emu->gate_lock);
    return st;
}

foil_status_t foil_emulator_approve(foil_emulator_t *emu, const char *gate_session_id) {
    if (!emu || !gate_session_id) return FOIL_E_INVALID_ARGUMENT;
    char *err = NULL;
    foil_status_t st = emu_gate_approve(emu, gate_session_id, &err);
    if (st != FOIL_OK && err) emu_log("approve %s: %s", gate_session_id, err);
    free(err);
    return st;
}

foil_status_t foil_emulator_deny(foil_emulator_t *emu, const char *gate_session_id) {
    if (!emu || !gate_session_id) return FOIL_E_INVALID_ARGUMENT;
    return emu_gate_deny(emu, gate_session_id);
}
