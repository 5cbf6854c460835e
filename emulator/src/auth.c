/* Bearer authentication for secret-key endpoints, with per-key scopes. */
#include "emu.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *emu_bearer(const emu_request_t *req) {
    const char *h = emu_header(req, "Authorization");
    if (!h) return NULL;
    while (*h == ' ')
        h++;
    if (strncasecmp(h, "Bearer ", 7) != 0) return NULL;
    h += 7;
    while (*h == ' ')
        h++;
    return *h ? h : NULL;
}

int emu_require_secret(emu_request_t *req, emu_response_t *resp, const char *scope) {
    const char *token = emu_bearer(req);
    if (!token) {
        emu_respond_error(req, resp, 401, "auth.missing_api_key",
                          "Missing Authorization header. Send Authorization: Bearer <secret key>.",
                          NULL);
        return 0;
    }
    foil_emulator_t *emu = req->emu;
    pthread_mutex_lock(&emu->lock);
    emu_api_key_t *k = emu_api_key_find_by_value(emu, token);
    if (!k || k->status == 2) {
        pthread_mutex_unlock(&emu->lock);
        emu_respond_error(req, resp, 401, "auth.invalid_api_key",
                          "The bearer token was not recognized. Verify that the token is active "
                          "and matches the correct environment before retrying.",
                          NULL);
        return 0;
    }
    if (!k->secret) {
        pthread_mutex_unlock(&emu->lock);
        emu_respond_error(req, resp, 403, "auth.secret_key_required",
                          "This endpoint needs a secret key (sk_*); publishable keys only work "
                          "with the browser Collect API.",
                          NULL);
        return 0;
    }
    if (!emu_api_key_has_scope(k, scope)) {
        pthread_mutex_unlock(&emu->lock);
        char msg[160];
        snprintf(msg, sizeof(msg), "This API key lacks the '%s' scope.", scope);
        cJSON *details = cJSON_CreateObject();
        cJSON *allowed = cJSON_AddArrayToObject(details, "allowed_values");
        cJSON_AddItemToArray(allowed, cJSON_CreateString(scope));
        cJSON_AddStringToObject(details, "required_scope", scope);
        emu_respond_error(req, resp, 403, "auth.insufficient_scope", msg, details);
        return 0;
    }
    k->last_used_ms = emu_now_ms();
    snprintf(req->org_id, sizeof(req->org_id), "%s", k->org_id);
    snprintf(req->key_id, sizeof(req->key_id), "%s", k->id);
    pthread_mutex_unlock(&emu->lock);
    return 1;
}
