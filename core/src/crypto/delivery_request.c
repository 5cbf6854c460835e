/* The `delivery` request object the CLI sends: validation and key_id derivation. */
#include "base64url.h"
#include "delivery_internal.h"
#include "json/json_arena.h"

#include <stdlib.h>
#include <string.h>

/* The received value of a small, non-secret field as text for the error record. */
static char *received_text(const cJSON *v) {
    if (!v) return NULL;
    return cJSON_IsString(v) ? foil_strdup(v->valuestring) : cJSON_PrintUnformatted(v);
}

static foil_status_t fail_field(const char *prefix, const char *name, const char *issue,
                                const char *expected, const cJSON *received) {
    char field[128];
    char *got = received_text(received);
    foil_status_t st =
        foil_fail_field(FOIL_E_VALIDATION, foil_field_path(field, sizeof field, prefix, name),
                        issue, expected, got);
    free(got);
    return st;
}

static bool is_version_one(const cJSON *v) {
    return cJSON_IsNumber(v) && v->valuedouble == 1.0;
}

foil_status_t foil_delivery_request_check(const cJSON *delivery, const char *prefix,
                                          unsigned char public_key[FOIL_X25519_KEY_BYTES]) {
    if (!cJSON_IsObject(delivery))
        return foil_fail_field(FOIL_E_VALIDATION, prefix, "must be an object", "object", NULL);
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(delivery, "version");
    if (!is_version_one(version)) return fail_field(prefix, "version", "must be 1", "1", version);
    const cJSON *algorithm = cJSON_GetObjectItemCaseSensitive(delivery, "algorithm");
    if (!cJSON_IsString(algorithm) ||
        strcmp(algorithm->valuestring, FOIL_GATE_DELIVERY_ALGORITHM) != 0)
        return fail_field(prefix, "algorithm", "unsupported algorithm",
                          FOIL_GATE_DELIVERY_ALGORITHM, algorithm);
    const cJSON *pub = cJSON_GetObjectItemCaseSensitive(delivery, "public_key");
    if (!cJSON_IsString(pub) || pub->valuestring[0] == '\0')
        return fail_field(prefix, "public_key", "is required", "non-empty string", NULL);
    const cJSON *key_id = cJSON_GetObjectItemCaseSensitive(delivery, "key_id");
    if (!cJSON_IsString(key_id) || key_id->valuestring[0] == '\0')
        return fail_field(prefix, "key_id", "is required", "non-empty string", NULL);
    if (foil_b64url_decode_exact(pub->valuestring, public_key, FOIL_X25519_KEY_BYTES) != 0)
        return fail_field(prefix, "public_key", "must be a raw X25519 public key",
                          "32 bytes, base64url", NULL);
    char derived[FOIL_B64URL_32_CHARS + 1];
    foil_delivery_key_id_of(public_key, derived);
    if (strcmp(derived, key_id->valuestring) != 0)
        return fail_field(prefix, "key_id", "does not match delivery.public_key", derived, key_id);
    return FOIL_OK;
}

foil_status_t foil_gate_delivery_request_validate(const char *delivery_json) {
    if (!delivery_json)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "delivery_json", "must not be NULL", NULL,
                               NULL);
    foil_status_t st = foil_ensure_init();
    if (st != FOIL_OK) return st;
    cJSON *delivery = cJSON_Parse(delivery_json);
    if (!delivery)
        return foil_fail_field(FOIL_E_VALIDATION, "delivery", "is not valid JSON", "object", NULL);
    /* What is checked here must be what the integrator's own JSON reader sees. */
    if ((st = foil_json_text_check_field(delivery_json, "delivery")) != FOIL_OK) {
        cJSON_Delete(delivery);
        return st;
    }
    unsigned char public_key[FOIL_X25519_KEY_BYTES];
    st = foil_delivery_request_check(delivery, "delivery", public_key);
    cJSON_Delete(delivery);
    return st;
}

foil_status_t foil_gate_delivery_key_id(const char *public_key_b64url, char **out) {
    if (!out)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "out", "must not be NULL", NULL, NULL);
    *out = NULL;
    if (!public_key_b64url)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "public_key", "must not be NULL", NULL,
                               NULL);
    foil_status_t st = foil_ensure_init();
    if (st != FOIL_OK) return st;
    unsigned char public_key[FOIL_X25519_KEY_BYTES];
    if (foil_b64url_decode_exact(public_key_b64url, public_key, sizeof public_key) != 0)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "public_key",
                               "must be a raw X25519 public key", "32 bytes, base64url", NULL);
    char *key_id = malloc(FOIL_B64URL_32_CHARS + 1);
    if (!key_id) return foil_fail_nomem();
    foil_delivery_key_id_of(public_key, key_id);
    *out = key_id;
    return FOIL_OK;
}
