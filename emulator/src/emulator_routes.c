/* Emulator-only routes under /_emulator (tests and demos in any language): approve / deny,
 * sealed-token minting, faults, extra keys, a webhook sink. Loopback tooling, no auth. */
#include "emu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void respond_status(emu_request_t *req, emu_response_t *resp, foil_status_t st,
                           const char *what, const char *error) {
    if (st == FOIL_E_NOT_FOUND)
        emu_respond_not_found(req, resp, what, req->params[0]);
    else if (st == FOIL_E_STATE)
        emu_respond_error(req, resp, 409, "emulator.invalid_state",
                          error ? error : "The session is not pending.", NULL);
    else if (st == FOIL_E_INVALID_ARGUMENT)
        emu_respond_error(req, resp, 422, "request.validation_failed", "Invalid arguments.", NULL);
    else
        emu_respond_error(req, resp, 502, "emulator.approval_failed",
                          error ? error : foil_status_str(st), NULL);
}

void emu_h_x_info(emu_request_t *req, emu_response_t *resp) {
    foil_emulator_t *emu = req->emu;
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "object", "emulator");
    cJSON_AddStringToObject(j, "base_url", emu->base_url);
    cJSON_AddStringToObject(j, "organization_id", emu->org_id);
    cJSON_AddNumberToObject(j, "session_count", (double)emu->cfg.session_count);
    cJSON_AddNumberToObject(j, "fingerprint_count", (double)emu->cfg.fingerprint_count);
    cJSON_AddNumberToObject(j, "seed", (double)emu->seed);
    char sid[EMU_ID_MAX];
    if (emu->cfg.session_count) {
        emu_session_id_at(emu, 0, sid);
        cJSON_AddStringToObject(j, "newest_session_id", sid);
    }
    emu_respond_data(req, resp, 200, j);
}

void emu_h_x_gate_approve(emu_request_t *req, emu_response_t *resp) {
    char *err = NULL;
    foil_status_t st = emu_gate_approve(req->emu, req->params[0], &err);
    if (st == FOIL_OK) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "id", req->params[0]);
        cJSON_AddStringToObject(j, "status", "approved");
        emu_respond_data(req, resp, 200, j);
    } else {
        respond_status(req, resp, st, "Gate session", err);
    }
    free(err);
}

void emu_h_x_gate_deny(emu_request_t *req, emu_response_t *resp) {
    foil_status_t st = emu_gate_deny(req->emu, req->params[0]);
    if (st == FOIL_OK) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "id", req->params[0]);
        cJSON_AddStringToObject(j, "status", "rejected");
        emu_respond_data(req, resp, 200, j);
    } else {
        respond_status(req, resp, st, "Gate session", NULL);
    }
}

void emu_h_x_login_approve(emu_request_t *req, emu_response_t *resp) {
    char *code = NULL, *redirect = NULL;
    foil_status_t st = emu_login_approve(req->emu, req->params[0], &code, &redirect);
    if (st == FOIL_OK) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "id", req->params[0]);
        cJSON_AddStringToObject(j, "code", code);
        if (redirect) cJSON_AddStringToObject(j, "redirect_url", redirect);
        emu_respond_data(req, resp, 200, j);
    } else {
        respond_status(req, resp, st, "login session", NULL);
    }
    free(code);
    free(redirect);
}

void emu_h_x_sealed_token(emu_request_t *req, emu_response_t *resp) {
    foil_emulator_t *emu = req->emu;
    cJSON *body = req->body_len ? emu_body_object(req, resp) : cJSON_CreateObject();
    if (!body) return;
    uint64_t index;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, "version");
    const cJSON *secrets = cJSON_GetObjectItemCaseSensitive(body, "secrets");
    int version = cJSON_IsNumber(v) ? v->valueint : 1;
    const char *list[256];
    size_t n = 0;
    const cJSON *s;
    cJSON_ArrayForEach(s, secrets) if (cJSON_IsString(s) && n < 256) list[n++] = s->valuestring;
    if (!secrets) {
        list[n++] = emu->secret_key;
        if (version == 2) list[n++] = "sk_test_emulator_secondary";
    }
    char *token = NULL;
    foil_status_t st = emu_session_index(emu, req->params[0], &index) == 0
                           ? emu_seal_token(emu, index, version, list, n, &token)
                           : FOIL_E_NOT_FOUND;
    if (st == FOIL_OK) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "session_id", req->params[0]);
        cJSON_AddNumberToObject(j, "version", version);
        cJSON_AddStringToObject(j, "sealed_token", token);
        emu_respond_data(req, resp, 200, j);
    } else {
        respond_status(req, resp, st, "session", NULL);
    }
    free(token);
    cJSON_Delete(body);
}

void emu_h_x_faults_add(emu_request_t *req, emu_response_t *resp) {
    cJSON *body = emu_body_object(req, resp);
    if (!body) return;
    const cJSON *method = cJSON_GetObjectItemCaseSensitive(body, "method");
    const cJSON *path = cJSON_GetObjectItemCaseSensitive(body, "path_prefix");
    const cJSON *count = cJSON_GetObjectItemCaseSensitive(body, "count");
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(body, "kind");
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(body, "status");
    const cJSON *delay = cJSON_GetObjectItemCaseSensitive(body, "delay_ms");
    foil_emulator_fault_kind_t k =
        foil_emulator_fault_kind_from_name(cJSON_IsString(kind) ? kind->valuestring : NULL);
    foil_status_t st =
        foil_emulator_inject_fault(req->emu, cJSON_IsString(method) ? method->valuestring : NULL,
                                   cJSON_IsString(path) ? path->valuestring : NULL,
                                   cJSON_IsNumber(count) ? (unsigned)count->valueint : 1, k,
                                   cJSON_IsNumber(status) ? (unsigned)status->valueint : 0,
                                   cJSON_IsNumber(delay) ? (unsigned)delay->valueint : 0);
    if (st == FOIL_OK) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "object", "fault");
        cJSON_AddStringToObject(j, "kind", kind->valuestring);
        emu_respond_data(req, resp, 201, j);
    } else {
        emu_respond_field_error(req, resp,
                                "Invalid fault: kind status|delay|reset|truncate|corrupt|"
                                "content_type|oversized, count >= 1, status 400-599 for status.",
                                "faults", "kind", "invalid", "a valid fault", NULL);
    }
    cJSON_Delete(body);
}

void emu_h_x_faults_clear(emu_request_t *req, emu_response_t *resp) {
    foil_emulator_clear_faults(req->emu);
    (void)req;
    emu_respond_empty(resp, 204);
}

void emu_h_x_secret_keys(emu_request_t *req, emu_response_t *resp) {
    cJSON *body = emu_body_object(req, resp);
    if (!body) return;
    const cJSON *scopes = cJSON_GetObjectItemCaseSensitive(body, "scopes");
    char csv[1024] = "";
    const cJSON *s;
    cJSON_ArrayForEach(s, scopes) {
        if (!cJSON_IsString(s)) continue;
        size_t used = strlen(csv);
        snprintf(csv + used, sizeof(csv) - used, "%s%s", used ? "," : "", s->valuestring);
    }
    char *key = NULL;
    foil_status_t st = foil_emulator_add_secret_key(req->emu, csv, &key);
    if (st == FOIL_OK) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "secret_key", key);
        emu_respond_data(req, resp, 201, j);
    } else {
        emu_respond_field_error(req, resp, "Invalid scopes.", "secret_keys", "scopes",
                                "invalid_enum", "known scope names", NULL);
    }
    foil_emulator_string_free(key);
    cJSON_Delete(body);
}

void emu_h_x_webhook_sink(emu_request_t *req, emu_response_t *resp) {
    cJSON *j = cJSON_CreateObject();
    cJSON_AddBoolToObject(j, "received", 1);
    cJSON_AddNumberToObject(j, "bytes", (double)req->body_len);
    emu_respond_data(req, resp, 200, j);
}
