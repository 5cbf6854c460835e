/* Gate dashboard login sessions (one-time codes) and agent tokens (FOIL-API §2.3). */
#include "emu.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOGIN_CODE_TTL_MS (5LL * 60 * 1000)
#define AGENT_TOKEN_TTL_MS (90LL * 24 * 3600 * 1000)

void emu_login_session_free(void *p) {
    emu_login_session_t *s = p;
    if (!s) return;
    free(s->account_name);
    sodium_memzero(s, sizeof(*s));
    free(s);
}

void emu_agent_token_free(void *p) {
    emu_agent_token_t *t = p;
    if (!t) return;
    if (t->token) sodium_memzero(t->token, strlen(t->token));
    free(t->token);
    free(t->account_name);
    free(t);
}

/* Holds emu->lock. */
emu_agent_token_t *emu_agent_token_issue(foil_emulator_t *emu, const char *service_id,
                                         const char *account_id, const char *account_name) {
    static const char alnum[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    char buf[4 + 38 + 1] = "agt_";
    for (int i = 0; i < 38; i++)
        buf[4 + i] = alnum[randombytes_uniform(62)];
    buf[42] = '\0';
    emu_agent_token_t *t = calloc(1, sizeof(*t));
    if (!t) return NULL;
    t->token = emu_strdup(buf);
    sodium_memzero(buf, sizeof(buf));
    snprintf(t->service_id, sizeof(t->service_id), "%s", service_id);
    snprintf(t->account_id, sizeof(t->account_id), "%s", account_id);
    t->account_name = emu_strdup(account_name);
    t->created_ms = t->last_used_ms = emu_now_ms();
    int failed = 1;
    if (t->token && t->account_name) emu_map_put(&emu->agent_tokens, t->token, t, &failed);
    if (failed) {
        emu_agent_token_free(t);
        return NULL;
    }
    return t;
}

static int token_live(const emu_agent_token_t *t, int64_t now) {
    return t && !t->revoked && now <= t->last_used_ms + AGENT_TOKEN_TTL_MS;
}

/* Reads {"agent_token": ...} (the guide's {"token": ...} too). */
static const char *body_token(emu_checks_t *c, const cJSON *body, const char *name,
                              const char *alias) {
    if (!cJSON_GetObjectItemCaseSensitive(body, name) &&
        cJSON_GetObjectItemCaseSensitive(body, alias))
        name = alias;
    return emu_check_string(c, body, name, 1, 1, 256);
}

void emu_h_login_create(emu_request_t *req, emu_response_t *resp) {
    foil_emulator_t *emu = req->emu;
    const char *token = emu_bearer(req);
    if (!token) {
        emu_respond_error(req, resp, 401, "auth.missing_api_key",
                          "Missing Authorization header. Send the agent token as "
                          "Authorization: Bearer agt_...",
                          NULL);
        return;
    }
    cJSON *body = emu_body_object(req, resp);
    if (!body) return;
    emu_checks_t c;
    emu_checks_init(&c);
    const char *service_id = emu_check_string(&c, body, "service_id", 1, 1, 64);
    if (service_id && !emu_is_service_id(service_id))
        emu_check_add(&c, "service_id", "invalid_format", "^[a-z0-9](?:[a-z0-9_-]{1,30}[a-z0-9])$",
                      cJSON_GetObjectItemCaseSensitive(body, "service_id"));
    if (emu_checks_respond(&c, req, resp, "Invalid login session request.", "gate_login"))
        goto done;
    int64_t now = emu_now_ms();
    pthread_mutex_lock(&emu->lock);
    emu_agent_token_t *t = emu_map_get(&emu->agent_tokens, token);
    emu_service_t *svc = emu_service_find(emu, service_id);
    if (!token_live(t, now)) {
        pthread_mutex_unlock(&emu->lock);
        emu_respond_error(req, resp, 403, "gate.invalid_agent_token",
                          "The agent token is unknown, revoked or expired.", NULL);
        goto done;
    }
    if (!svc || !svc->active) {
        pthread_mutex_unlock(&emu->lock);
        emu_respond_not_found(req, resp, "Gate service", service_id);
        goto done;
    }
    if (strcmp(t->service_id, service_id) != 0 ||
        !cJSON_GetObjectItemCaseSensitive(svc->entry, "dashboard_login_url")) {
        pthread_mutex_unlock(&emu->lock);
        emu_respond_error(req, resp, 403, "gate.invalid_agent_token",
                          "This agent token cannot log in to this service.", NULL);
        goto done;
    }
    t->last_used_ms = now;
    emu_login_session_t *s = calloc(1, sizeof(*s));
    int failed = 1;
    if (s) {
        emu_id_new(s->id, sizeof(s->id), "gate_");
        emu_id_new(s->approval_token, sizeof(s->approval_token), "gtappr_");
        snprintf(s->service_id, sizeof(s->service_id), "%s", service_id);
        snprintf(s->account_id, sizeof(s->account_id), "%s", t->account_id);
        s->account_name = emu_strdup(t->account_name);
        s->created_ms = now;
        s->expires_ms = now + (int64_t)emu->cfg.gate_ttl_seconds * 1000;
        if (s->account_name) emu_map_put(&emu->login_sessions, s->id, s, &failed);
    }
    cJSON *j = NULL;
    if (!failed) {
        j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "object", "gate_login_session");
        cJSON_AddStringToObject(j, "id", s->id);
        cJSON_AddStringToObject(j, "status", "pending");
        char url[256];
        snprintf(url, sizeof(url), "%s/gate?session=%s", emu->base_url, s->id);
        cJSON_AddStringToObject(j, "consent_url", url);
        cJSON_AddItemToObject(j, "expires_at", emu_json_iso(s->expires_ms));
    } else {
        emu_login_session_free(s);
    }
    pthread_mutex_unlock(&emu->lock);
    emu_respond_data(req, resp, 201, j);
done:
    emu_checks_free(&c);
    cJSON_Delete(body);
}

static int has_code(void *value, void *ctx) {
    const emu_login_session_t *s = value;
    return s->approved && strcmp(s->code, (const char *)ctx) == 0;
}

foil_status_t emu_login_approve(foil_emulator_t *emu, const char *id, char **code_out,
                                char **redirect_out) {
    *code_out = NULL;
    if (redirect_out) *redirect_out = NULL;
    foil_status_t st = FOIL_OK;
    pthread_mutex_lock(&emu->lock);
    emu_login_session_t *s = emu_map_get(&emu->login_sessions, id);
    int64_t now = emu_now_ms();
    if (!s) {
        st = FOIL_E_NOT_FOUND;
    } else if (s->approved || now > s->expires_ms) {
        st = FOIL_E_STATE;
    } else {
        /* A code unique among issued ones. */
        do
            emu_digits_new(s->code, 6);
        while (emu_map_find(&emu->login_sessions, has_code, s->code));
        s->approved = 1;
        s->code_expires_ms = now + LOGIN_CODE_TTL_MS;
        *code_out = emu_strdup(s->code);
        emu_service_t *svc = emu_service_find(emu, s->service_id);
        const cJSON *url =
            svc ? cJSON_GetObjectItemCaseSensitive(svc->entry, "dashboard_login_url") : NULL;
        if (redirect_out && cJSON_IsString(url)) {
            size_t n = strlen(url->valuestring) + 32;
            *redirect_out = malloc(n);
            if (*redirect_out)
                snprintf(*redirect_out, n, "%s%scode=%s", url->valuestring,
                         strchr(url->valuestring, '?') ? "&" : "?", s->code);
        }
        if (!*code_out) st = FOIL_E_NOMEM;
    }
    pthread_mutex_unlock(&emu->lock);
    return st;
}

foil_status_t emu_login_deny(foil_emulator_t *emu, const char *id) {
    pthread_mutex_lock(&emu->lock);
    emu_login_session_t *s = emu_map_get(&emu->login_sessions, id);
    foil_status_t st = !s ? FOIL_E_NOT_FOUND : s->approved ? FOIL_E_STATE : FOIL_OK;
    if (st == FOIL_OK) s->expires_ms = 0; /* a denied login can never be approved */
    pthread_mutex_unlock(&emu->lock);
    return st;
}

foil_status_t foil_emulator_approve_login(foil_emulator_t *emu, const char *login_session_id,
                                          char **code_out) {
    if (!emu || !login_session_id || !code_out) return FOIL_E_INVALID_ARGUMENT;
    return emu_login_approve(emu, login_session_id, code_out, NULL);
}

void emu_h_login_consume(emu_request_t *req, emu_response_t *resp) {
    if (!emu_require_secret(req, resp, "gate:login_sessions:consume")) return;
    cJSON *body = emu_body_object(req, resp);
    if (!body) return;
    emu_checks_t c;
    emu_checks_init(&c);
    const char *code = body_token(&c, body, "code", "token");
    if (emu_checks_respond(&c, req, resp, "Invalid login code request.", "gate_login")) goto done;
    foil_emulator_t *emu = req->emu;
    pthread_mutex_lock(&emu->lock);
    emu_login_session_t *s = emu_map_find(&emu->login_sessions, has_code, (void *)code);
    cJSON *j = NULL;
    if (s && !s->consumed && emu_now_ms() <= s->code_expires_ms) {
        s->consumed = 1;
        j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "object", "gate_dashboard_login");
        cJSON_AddStringToObject(j, "gate_account_id", s->account_id);
        cJSON_AddStringToObject(j, "account_name", s->account_name);
    }
    pthread_mutex_unlock(&emu->lock);
    if (j) {
        emu_respond_data(req, resp, 200, j);
    } else {
        cJSON *details = cJSON_CreateObject();
        cJSON_AddStringToObject(details, "next_action", "new_session");
        emu_respond_error(req, resp, 410, "gate.login_code_expired",
                          "This login code is unknown, expired (5 minutes) or already used.",
                          details);
    }
done:
    emu_checks_free(&c);
    cJSON_Delete(body);
}

void emu_h_agent_verify(emu_request_t *req, emu_response_t *resp) {
    if (!emu_require_secret(req, resp, "gate:agent_tokens:verify")) return;
    cJSON *body = emu_body_object(req, resp);
    if (!body) return;
    emu_checks_t c;
    emu_checks_init(&c);
    const char *token = body_token(&c, body, "agent_token", "token");
    if (emu_checks_respond(&c, req, resp, "Invalid agent token request.", "gate_agent_tokens"))
        goto done;
    foil_emulator_t *emu = req->emu;
    cJSON *j = cJSON_CreateObject();
    pthread_mutex_lock(&emu->lock);
    emu_agent_token_t *t = emu_map_get(&emu->agent_tokens, token);
    int64_t now = emu_now_ms();
    cJSON_AddBoolToObject(j, "valid", token_live(t, now));
    if (t) {
        cJSON_AddStringToObject(j, "gate_account_id", t->account_id);
        cJSON_AddStringToObject(j, "status", t->revoked ? "revoked" : "active");
        cJSON_AddItemToObject(j, "created_at", emu_json_iso(t->created_ms));
        cJSON_AddItemToObject(j, "expires_at", emu_json_iso(t->last_used_ms + AGENT_TOKEN_TTL_MS));
    }
    pthread_mutex_unlock(&emu->lock);
    emu_response_header(resp, "Cache-Control", "no-store");
    emu_respond_data(req, resp, 200, j);
done:
    emu_checks_free(&c);
    cJSON_Delete(body);
}

void emu_h_agent_revoke(emu_request_t *req, emu_response_t *resp) {
    if (!emu_require_secret(req, resp, "gate:agent_tokens:revoke")) return;
    cJSON *body = emu_body_object(req, resp);
    if (!body) return;
    emu_checks_t c;
    emu_checks_init(&c);
    const char *token = body_token(&c, body, "agent_token", "token");
    if (emu_checks_respond(&c, req, resp, "Invalid agent token request.", "gate_agent_tokens"))
        goto done;
    foil_emulator_t *emu = req->emu;
    pthread_mutex_lock(&emu->lock);
    emu_agent_token_t *t = emu_map_get(&emu->agent_tokens, token);
    if (t) t->revoked = 1;
    pthread_mutex_unlock(&emu->lock);
    if (t)
        emu_respond_empty(resp, 204);
    else
        emu_respond_error(req, resp, 404, "request.not_found", "No such agent token.", NULL);
done:
    emu_checks_free(&c);
    cJSON_Delete(body);
}
