/* The integrator's side of the gate.session.approved webhook: payload validation
 * and the encrypted reply {"encrypted_delivery": <envelope>}. */
#include "crypto/delivery_internal.h"
#include "json/json_arena.h"

#include <stdlib.h>
#include <string.h>

static foil_status_t fail_at(const char *prefix, const char *name, const char *issue,
                             const char *expected) {
    char field[96];
    return foil_fail_field(FOIL_E_VALIDATION, foil_field_path(field, sizeof field, prefix, name),
                           issue, expected, NULL);
}

static bool is_non_empty_string(const cJSON *v) {
    return cJSON_IsString(v) && v->valuestring[0] != '\0';
}

foil_status_t foil_gate_approved_payload_check(const cJSON *payload, const char *prefix) {
    if (!cJSON_IsObject(payload))
        return foil_fail_field(FOIL_E_VALIDATION, *prefix ? prefix : "payload",
                               "must be a JSON object", "object", NULL);
    /* A whole event envelope passed where only its `data` belongs. */
    if (cJSON_GetObjectItemCaseSensitive(payload, "event"))
        return fail_at(prefix, "event", "must not be present; pass the event's data",
                       "no event key");
    static const char *const required_strings[] = {"service_id", "gate_session_id",
                                                   "gate_account_id", "account_name"};
    for (size_t i = 0; i < sizeof required_strings / sizeof *required_strings; i++)
        if (!is_non_empty_string(cJSON_GetObjectItemCaseSensitive(payload, required_strings[i])))
            return fail_at(prefix, required_strings[i], "is required", "non-empty string");
    const cJSON *metadata = cJSON_GetObjectItemCaseSensitive(payload, "metadata");
    if (!cJSON_IsObject(metadata) && !cJSON_IsNull(metadata))
        return fail_at(prefix, "metadata", "must be an object or null", "object or null");
    const cJSON *foil = cJSON_GetObjectItemCaseSensitive(payload, "foil");
    if (!cJSON_IsObject(foil)) return fail_at(prefix, "foil", "must be an object", "object");
    const cJSON *verdict = cJSON_GetObjectItemCaseSensitive(foil, "verdict");
    if (!cJSON_IsString(verdict) ||
        (strcmp(verdict->valuestring, "bot") != 0 && strcmp(verdict->valuestring, "human") != 0 &&
         strcmp(verdict->valuestring, "inconclusive") != 0))
        return fail_at(prefix, "foil.verdict", "is invalid", "bot, human or inconclusive");
    const cJSON *score = cJSON_GetObjectItemCaseSensitive(foil, "score");
    if (!cJSON_IsNumber(score) && !cJSON_IsNull(score))
        return fail_at(prefix, "foil.score", "must be a number or null", "number or null");
    char delivery_field[96];
    unsigned char public_key[FOIL_X25519_KEY_BYTES];
    return foil_delivery_request_check(
        cJSON_GetObjectItemCaseSensitive(payload, "delivery"),
        foil_field_path(delivery_field, sizeof delivery_field, prefix, "delivery"), public_key);
}

foil_status_t foil_gate_approved_webhook_payload_validate(const char *payload_json) {
    if (!payload_json)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "payload_json", "must not be NULL", NULL,
                               NULL);
    foil_status_t st = foil_ensure_init();
    if (st != FOIL_OK) return st;
    cJSON *payload = cJSON_Parse(payload_json);
    if (!payload)
        return foil_fail_field(FOIL_E_VALIDATION, "payload", "is not valid JSON", "object", NULL);
    /* What is checked here must be what the integrator's own JSON reader sees. */
    st = foil_json_text_check_field(payload_json, "payload");
    if (st == FOIL_OK) st = foil_gate_approved_payload_check(payload, "");
    cJSON_Delete(payload);
    return st;
}

foil_status_t foil_gate_approved_webhook_response(const char *delivery_json,
                                                  const char *outputs_json, char **out) {
    if (!out)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "out", "must not be NULL", NULL, NULL);
    *out = NULL;
    if (!delivery_json)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "delivery_json", "must not be NULL", NULL,
                               NULL);
    if (!outputs_json)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "outputs_json", "must not be NULL", NULL,
                               NULL);
    if (strlen(outputs_json) > FOIL_DELIVERY_MAX_PAYLOAD_BYTES)
        return foil_fail_field(FOIL_E_VALIDATION, "outputs", "is too large", "at most 1 MiB", NULL);
    /* Read as every other JSON reader reads them (see foil_gate_delivery_encrypt). */
    foil_status_t st = foil_json_text_check_field(delivery_json, "delivery");
    if (st == FOIL_OK) st = foil_json_text_check_field(outputs_json, "outputs");
    if (st != FOIL_OK) return st;
    cJSON *delivery = cJSON_Parse(delivery_json);
    if (!delivery)
        return foil_fail_field(FOIL_E_VALIDATION, "delivery", "is not valid JSON", "object", NULL);
    cJSON *outputs = cJSON_Parse(outputs_json);
    if (!outputs) {
        cJSON_Delete(delivery);
        return foil_fail_field(FOIL_E_VALIDATION, "outputs", "is not valid JSON", "object", NULL);
    }
    /* The official helper never sets ack_token: only Gate's own envelope carries it. */
    cJSON *payload = cJSON_CreateObject();
    cJSON *envelope = NULL, *response = NULL;
    if (!payload || !cJSON_AddNumberToObject(payload, "version", FOIL_GATE_DELIVERY_VERSION) ||
        !cJSON_AddItemToObject(payload, "outputs", outputs)) {
        foil_json_wipe_delete(outputs);
        st = foil_fail_nomem();
    }
    if (st == FOIL_OK) st = foil_delivery_encrypt_object(delivery, payload, &envelope);
    if (st == FOIL_OK) {
        response = cJSON_CreateObject();
        if (!response || !cJSON_AddItemToObject(response, "encrypted_delivery", envelope)) {
            cJSON_Delete(envelope);
            st = foil_fail_nomem();
        }
    }
    if (st == FOIL_OK && !(*out = cJSON_PrintUnformatted(response))) st = foil_fail_nomem();
    cJSON_Delete(response);
    foil_json_wipe_delete(payload);
    cJSON_Delete(delivery);
    return st;
}
