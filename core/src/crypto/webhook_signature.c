/* Webhook signatures: X-Foil-Signature = lowercase hex HMAC-SHA256(secret,
 * "<X-Foil-Timestamp>.<raw body>"), accepted within a window around the caller's clock. */
#include "internal.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SIGNATURE_HEX_CHARS (crypto_auth_hmacsha256_BYTES * 2)
/* Unix seconds fit comfortably in 18 digits without overflowing int64_t. */
#define MAX_TIMESTAMP_DIGITS 18

static foil_status_t check_inputs(const char *secret, const char *timestamp, const char *body,
                                  size_t body_len) {
    if (foil_str_empty(secret))
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "secret", "must be a non-empty string",
                               "the endpoint signing secret", NULL);
    if (!timestamp)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "timestamp", "must not be NULL", NULL,
                               NULL);
    if (!body && body_len > 0)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "body", "must not be NULL", NULL, NULL);
    return foil_ensure_init();
}

static void hmac_hex(const char *secret, const char *timestamp, const char *body, size_t body_len,
                     char hex[SIGNATURE_HEX_CHARS + 1]) {
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)timestamp, strlen(timestamp));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, body_len);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2hex(hex, SIGNATURE_HEX_CHARS + 1, mac, sizeof mac);
    sodium_memzero(&st, sizeof st);
    sodium_memzero(mac, sizeof mac);
}

foil_status_t foil_webhook_signature_compute(const char *secret, const char *timestamp,
                                             const char *body, size_t body_len, char **out) {
    if (!out)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "out", "must not be NULL", NULL, NULL);
    *out = NULL;
    foil_status_t st = check_inputs(secret, timestamp, body, body_len);
    if (st != FOIL_OK) return st;
    char *hex = malloc(SIGNATURE_HEX_CHARS + 1);
    if (!hex) return foil_fail_nomem();
    hmac_hex(secret, timestamp, body, body_len, hex);
    *out = hex;
    return FOIL_OK;
}

/* Strict unix seconds: 1..18 ASCII digits, nothing else. */
static bool parse_timestamp(const char *text, int64_t *out) {
    size_t len = strlen(text);
    if (len == 0 || len > MAX_TIMESTAMP_DIGITS) return false;
    int64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9') return false;
        v = v * 10 + (text[i] - '0');
    }
    *out = v;
    return true;
}

/* The received signature may use uppercase hex digits (case-insensitive, unlike the
 * official SDKs which compare bytes); anything but 64 hex digits is rejected. */
static bool normalize_signature(const char *signature, char out[SIGNATURE_HEX_CHARS + 1]) {
    if (strlen(signature) != SIGNATURE_HEX_CHARS) return false;
    for (size_t i = 0; i < SIGNATURE_HEX_CHARS; i++) {
        char c = signature[i];
        if (c >= 'A' && c <= 'F') c = (char)(c - 'A' + 'a');
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
        out[i] = c;
    }
    out[SIGNATURE_HEX_CHARS] = '\0';
    return true;
}

foil_status_t foil_webhook_signature_verify(const char *secret, const char *timestamp,
                                            const char *body, size_t body_len,
                                            const char *signature, int64_t tolerance_seconds,
                                            int64_t now) {
    foil_status_t st = check_inputs(secret, timestamp, body, body_len);
    if (st != FOIL_OK) return st;
    if (!signature)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "signature", "must not be NULL", NULL,
                               NULL);
    if (now < 0)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "now", "must not be negative",
                               "unix seconds, or 0 for the current time", NULL);
    int64_t sent_at;
    if (!parse_timestamp(timestamp, &sent_at))
        return foil_fail(FOIL_E_SIGNATURE, "the %s header is not a unix time in seconds",
                         FOIL_WEBHOOK_TIMESTAMP_HEADER);
    if (tolerance_seconds <= 0) tolerance_seconds = FOIL_WEBHOOK_TOLERANCE_SECONDS;
    if (now == 0) now = (int64_t)time(NULL);
    /* Both are non-negative, so either difference fits in int64_t. */
    if (sent_at > now ? sent_at - now > tolerance_seconds : now - sent_at > tolerance_seconds)
        return foil_fail(FOIL_E_SIGNATURE,
                         "the webhook timestamp is outside the %lld second tolerance",
                         (long long)tolerance_seconds);
    char received[SIGNATURE_HEX_CHARS + 1], expected[SIGNATURE_HEX_CHARS + 1];
    if (!normalize_signature(signature, received))
        return foil_fail(FOIL_E_SIGNATURE, "the %s header is not 64 hex digits",
                         FOIL_WEBHOOK_SIGNATURE_HEADER);
    hmac_hex(secret, timestamp, body, body_len, expected);
    int mismatch = sodium_memcmp(received, expected, SIGNATURE_HEX_CHARS);
    sodium_memzero(expected, sizeof expected);
    if (mismatch) return foil_fail(FOIL_E_SIGNATURE, "the webhook signature does not match");
    return FOIL_OK;
}
