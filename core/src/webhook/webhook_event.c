/* Parsing the webhook event envelope {id, object:"webhook_event", type, created, data}.
 *
 * Unknown top-level fields and unknown event types are accepted and kept: the API
 * may add both within /v1 (FOIL-API.md §1), even though the published schema lists
 * closed sets. gate.session.approved data is checked like
 * foil_gate_approved_webhook_payload_validate. */
#include "crypto/delivery_internal.h"
#include "json/json_tree.h"

#include <string.h>

#define EVENT_ID_PREFIX "wevt_"
#define EVENT_ID_HEX_CHARS 32

static bool is_lower_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static bool is_event_id(const char *s) {
    if (strncmp(s, EVENT_ID_PREFIX, strlen(EVENT_ID_PREFIX)) != 0) return false;
    s += strlen(EVENT_ID_PREFIX);
    size_t n = 0;
    while (n < EVENT_ID_HEX_CHARS && is_lower_hex(s[n]))
        n++;
    return n == EVENT_ID_HEX_CHARS && s[n] == '\0';
}

static bool digits(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

/* RFC 3339 date-time: YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM). Field ranges are
 * checked loosely (no calendar), enough to refuse values that are not timestamps. */
static bool is_date_time(const char *s) {
    if (strlen(s) < 20 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
        !digits(s + 8, 2) || (s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2) || s[13] != ':' ||
        !digits(s + 14, 2) || s[16] != ':' || !digits(s + 17, 2))
        return false;
    const char *p = s + 19;
    if (*p == '.') {
        const char *frac = ++p;
        while (*p >= '0' && *p <= '9')
            p++;
        if (p == frac) return false;
    }
    if ((*p == 'Z' || *p == 'z') && p[1] == '\0') return true;
    return (*p == '+' || *p == '-') && digits(p + 1, 2) && p[3] == ':' && digits(p + 4, 2) &&
           p[6] == '\0';
}

static foil_status_t fail(const char *field, const char *issue, const char *expected) {
    return foil_fail_field(FOIL_E_VALIDATION, field, issue, expected, NULL);
}

static foil_status_t check_event(const cJSON *event) {
    if (!cJSON_IsObject(event)) return fail("event", "must be a JSON object", "object");
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(event, "id");
    if (!cJSON_IsString(id) || !is_event_id(id->valuestring))
        return fail("id", "is not a webhook event id", "wevt_ followed by 32 lowercase hex");
    const cJSON *object = cJSON_GetObjectItemCaseSensitive(event, "object");
    if (!cJSON_IsString(object) || strcmp(object->valuestring, "webhook_event") != 0)
        return fail("object", "must be webhook_event", "webhook_event");
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(event, "type");
    if (!cJSON_IsString(type) || type->valuestring[0] == '\0')
        return fail("type", "is required", "non-empty string");
    const cJSON *created = cJSON_GetObjectItemCaseSensitive(event, "created");
    if (!cJSON_IsString(created) || !is_date_time(created->valuestring))
        return fail("created", "must be an ISO-8601 date-time", "e.g. 2026-01-02T00:00:00.000Z");
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(event, "data");
    if (!cJSON_IsObject(data)) return fail("data", "must be an object", "object");
    if (strcmp(type->valuestring, "gate.session.approved") == 0)
        return foil_gate_approved_payload_check(data, "data");
    return FOIL_OK;
}

foil_status_t foil_webhook_event_parse(const char *body, size_t body_len, foil_document_t **out) {
    if (!out)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "out", "must not be NULL", NULL, NULL);
    *out = NULL;
    if (!body)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "body", "must not be NULL", NULL, NULL);
    foil_status_t st = foil_ensure_init();
    if (st != FOIL_OK) return st;
    /* The strict parser (UTF-8, no \u0000, no member named twice), numbers exact. */
    cJSON *event = NULL;
    if ((st = foil_json_tree_parse(body, body_len, &event)) != FOIL_OK) {
        if (st == FOIL_E_NOMEM) return st;
        return fail("event", "is not valid JSON text (UTF-8, no \\u0000, no member named twice)",
                    "object");
    }
    if ((st = check_event(event)) != FOIL_OK) {
        cJSON_Delete(event);
        return st;
    }
    return foil_document_wrap(event, out);
}

foil_status_t foil_webhook_event_verify_and_parse(const char *secret, const char *timestamp,
                                                  const char *body, size_t body_len,
                                                  const char *signature, int64_t tolerance_seconds,
                                                  int64_t now, foil_document_t **out) {
    if (!out)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "out", "must not be NULL", NULL, NULL);
    *out = NULL;
    foil_status_t st = foil_webhook_signature_verify(secret, timestamp, body, body_len, signature,
                                                     tolerance_seconds, now);
    if (st != FOIL_OK) return st;
    return foil_webhook_event_parse(body, body_len, out);
}
