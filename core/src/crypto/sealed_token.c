/* Sealed token verification (FOIL-API.md §4): standard base64 of
 *   v1: 01 | nonce 12 | ciphertext | tag 16                       (AES-256-GCM, no AAD)
 *   v2: 02 | count u16 | nonce 12 | len u32 | ct | tag 16 | count x recipient
 * whose plaintext is zlib-compressed JSON. Every bad token maps to one stable reason. */
#include "aes_gcm.h"
#include "base64url.h"
#include "inflater.h"
#include "internal.h"
#include "json/json_arena.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define NONCE_BYTES crypto_aead_aes256gcm_NPUBBYTES
#define TAG_BYTES crypto_aead_aes256gcm_ABYTES
#define KEY_BYTES crypto_aead_aes256gcm_KEYBYTES
#define RECIPIENT_ID_BYTES 32
#define MAX_RECIPIENTS 256
#define V1_MIN_BYTES (1 + NONCE_BYTES + TAG_BYTES)
#define V2_HEADER_BYTES (1 + 2 + NONCE_BYTES + 4)
#define V2_RECIPIENT_BYTES (RECIPIENT_ID_BYTES + NONCE_BYTES + KEY_BYTES + TAG_BYTES)
/* Tokens are a few hundred bytes; these caps bound work on hostile input. */
#define MAX_TOKEN_CHARS (1u << 20)
#define MAX_INFLATED_BYTES (1u << 20)

#define REASON_MALFORMED "token.malformed"
#define REASON_VERSION "token.unsupported_version"
#define REASON_AUTH "token.authentication_failure"
#define REASON_INFLATE "token.decompression_failure"
#define REASON_PAYLOAD "token.invalid_payload"

static const char wrap_aad_prefix[] = "foil-sealed-results-v2\0recipient";  /* + "\0" */
static const char payload_aad_prefix[] = "foil-sealed-results-v2\0payload"; /* + "\0" */

/* An outcome: FOIL_OK, or a bad token (reason + message), or out of memory. */
typedef struct outcome {
    foil_status_t status; /* FOIL_OK, FOIL_E_TOKEN or FOIL_E_NOMEM */
    const char *reason;
    const char *message;
} outcome;

static outcome bad(const char *reason, const char *message) {
    return (outcome){FOIL_E_TOKEN, reason, message};
}

/* The lowercase SHA-256 hex the keys derive from: the secret itself when it already
 * is 64 hex digits (the form servers may store), else the hash of the secret. */
static void normalize_secret(const char *secret, char hex[65]) {
    size_t len = strlen(secret);
    bool is_hash = len == 64;
    for (size_t i = 0; is_hash && i < len; i++)
        is_hash = (secret[i] >= '0' && secret[i] <= '9') ||
                  (secret[i] >= 'a' && secret[i] <= 'f') || (secret[i] >= 'A' && secret[i] <= 'F');
    if (is_hash) {
        for (size_t i = 0; i < 64; i++)
            hex[i] =
                (char)(secret[i] >= 'A' && secret[i] <= 'F' ? secret[i] - 'A' + 'a' : secret[i]);
        hex[64] = '\0';
        return;
    }
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)secret, len);
    sodium_bin2hex(hex, 65, digest, sizeof digest);
    sodium_memzero(digest, sizeof digest);
}

/* SHA-256(hex || 0x00 || label). */
static void derive(unsigned char out[32], const char hex[65], const char *label) {
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)hex, 64);
    crypto_hash_sha256_update(&st, (const unsigned char *)"", 1);
    crypto_hash_sha256_update(&st, (const unsigned char *)label, strlen(label));
    crypto_hash_sha256_final(&st, out);
    sodium_memzero(&st, sizeof st);
}

static uint32_t read_be(const unsigned char *p, size_t n) {
    uint32_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

/* zlib-inflate into a malloc'd buffer of at most MAX_INFLATED_BYTES, on this thread's
 * reusable stream. */
static outcome inflate_payload(const unsigned char *in, size_t in_len, unsigned char **out,
                               size_t *out_len) {
    z_stream *zs = foil_inflater_acquire();
    if (!zs) return (outcome){FOIL_E_NOMEM, NULL, NULL};
    size_t cap = in_len * 4 + 256;
    if (cap > MAX_INFLATED_BYTES) cap = MAX_INFLATED_BYTES;
    unsigned char *buf = malloc(cap);
    outcome result = {FOIL_OK, NULL, NULL};
    int rc = Z_OK;
    size_t produced = 0;
    zs->next_in = (unsigned char *)in;
    zs->avail_in = (uInt)in_len;
    while (buf && rc == Z_OK) {
        if (produced == cap) {
            if (cap == MAX_INFLATED_BYTES) {
                result = bad(REASON_INFLATE, "the token payload inflates beyond 1 MiB");
                break;
            }
            size_t bigger = cap * 2 > MAX_INFLATED_BYTES ? MAX_INFLATED_BYTES : cap * 2;
            unsigned char *grown = malloc(bigger);
            if (grown) memcpy(grown, buf, produced);
            sodium_memzero(buf, cap);
            free(buf);
            buf = grown;
            cap = bigger;
            if (!buf) break;
        }
        zs->next_out = buf + produced;
        zs->avail_out = (uInt)(cap - produced);
        /* Z_BUF_ERROR here means the input ended before the stream did. */
        rc = inflate(zs, Z_NO_FLUSH);
        produced = cap - zs->avail_out;
    }
    bool input_left = zs->avail_in != 0;
    foil_inflater_release(zs);
    if (!buf) return (outcome){FOIL_E_NOMEM, NULL, NULL};
    if (result.status == FOIL_OK && (rc != Z_STREAM_END || input_left))
        result = bad(REASON_INFLATE, "the token payload is not valid zlib data");
    if (result.status != FOIL_OK) {
        sodium_memzero(buf, cap);
        free(buf);
        return result;
    }
    *out = buf;
    *out_len = produced;
    return result;
}

/* Decrypt and return the compressed payload (malloc'd; caller wipes). */
static outcome open_v1(const unsigned char *tok, size_t len, const unsigned char key[KEY_BYTES],
                       unsigned char **plain, size_t *plain_len) {
    size_t ct_len = len - V1_MIN_BYTES;
    *plain = malloc(ct_len + 1);
    if (!*plain) return (outcome){FOIL_E_NOMEM, NULL, NULL};
    if (crypto_aead_aes256gcm_decrypt_detached(*plain, NULL, tok + 1 + NONCE_BYTES, ct_len,
                                               tok + len - TAG_BYTES, NULL, 0, tok + 1, key) != 0) {
        free(*plain);
        *plain = NULL;
        return bad(REASON_AUTH, "the token failed authentication with this secret");
    }
    *plain_len = ct_len;
    return (outcome){FOIL_OK, NULL, NULL};
}

static outcome open_v2(const unsigned char *tok, size_t len, const unsigned char key[KEY_BYTES],
                       const unsigned char recipient_id[RECIPIENT_ID_BYTES], unsigned char **plain,
                       size_t *plain_len) {
    if (len < V2_HEADER_BYTES + TAG_BYTES + V2_RECIPIENT_BYTES)
        return bad(REASON_MALFORMED, "the token is too short");
    uint32_t count = read_be(tok + 1, 2);
    if (count < 1 || count > MAX_RECIPIENTS)
        return bad(REASON_MALFORMED, "the token has an invalid recipient count");
    uint64_t payload_len = read_be(tok + 3 + NONCE_BYTES, 4);
    uint64_t recipients_start = V2_HEADER_BYTES + payload_len + TAG_BYTES;
    if (payload_len < 1 || recipients_start + (uint64_t)count * V2_RECIPIENT_BYTES != len)
        return bad(REASON_MALFORMED, "the token length does not match its header");

    const unsigned char *entry = NULL;
    for (uint32_t i = 0; i < count && !entry; i++) {
        const unsigned char *e = tok + recipients_start + (size_t)i * V2_RECIPIENT_BYTES;
        if (sodium_memcmp(e, recipient_id, RECIPIENT_ID_BYTES) == 0) entry = e;
    }
    if (!entry) return bad(REASON_AUTH, "this secret is not a recipient of the token");

    unsigned char aad[sizeof wrap_aad_prefix + RECIPIENT_ID_BYTES];
    memcpy(aad, wrap_aad_prefix, sizeof wrap_aad_prefix); /* the array's NUL is the separator */
    memcpy(aad + sizeof wrap_aad_prefix, entry, RECIPIENT_ID_BYTES);
    const unsigned char *wrap_nonce = entry + RECIPIENT_ID_BYTES;
    const unsigned char *wrapped = wrap_nonce + NONCE_BYTES;
    unsigned char content_key[KEY_BYTES];
    if (crypto_aead_aes256gcm_decrypt_detached(content_key, NULL, wrapped, KEY_BYTES,
                                               wrapped + KEY_BYTES, aad, sizeof aad, wrap_nonce,
                                               key) != 0)
        return bad(REASON_AUTH, "the token's key wrap failed authentication with this secret");

    /* Payload AAD: prefix || the 19 header bytes || every recipient id in order. */
    size_t aad_len = sizeof payload_aad_prefix + V2_HEADER_BYTES + count * RECIPIENT_ID_BYTES;
    unsigned char *payload_aad = malloc(aad_len);
    *plain = malloc((size_t)payload_len);
    outcome result = {FOIL_OK, NULL, NULL};
    if (!payload_aad || !*plain) {
        result = (outcome){FOIL_E_NOMEM, NULL, NULL};
    } else {
        unsigned char *p = payload_aad;
        memcpy(p, payload_aad_prefix, sizeof payload_aad_prefix);
        p += sizeof payload_aad_prefix;
        memcpy(p, tok, V2_HEADER_BYTES);
        p += V2_HEADER_BYTES;
        for (uint32_t i = 0; i < count; i++, p += RECIPIENT_ID_BYTES)
            memcpy(p, tok + recipients_start + (size_t)i * V2_RECIPIENT_BYTES, RECIPIENT_ID_BYTES);
        if (crypto_aead_aes256gcm_decrypt_detached(*plain, NULL, tok + V2_HEADER_BYTES,
                                                   (size_t)payload_len,
                                                   tok + V2_HEADER_BYTES + payload_len, payload_aad,
                                                   aad_len, tok + 3, content_key) != 0)
            result = bad(REASON_AUTH, "the token payload failed authentication");
    }
    sodium_memzero(content_key, sizeof content_key);
    free(payload_aad);
    if (result.status != FOIL_OK) {
        free(*plain);
        *plain = NULL;
        return result;
    }
    *plain_len = (size_t)payload_len;
    return result;
}

/* The whole verification; on FOIL_OK *payload is the parsed JSON object. */
static outcome verify(const char *token, const char *secret, cJSON **payload) {
    size_t token_len = strlen(token);
    if (token_len == 0) return bad(REASON_MALFORMED, "the token is empty");
    if (token_len > MAX_TOKEN_CHARS) return bad(REASON_MALFORMED, "the token is too long");
    unsigned char *tok = NULL;
    size_t len = 0;
    int rc = foil_b64_decode(token, &tok, &len);
    if (rc == -2) return (outcome){FOIL_E_NOMEM, NULL, NULL};
    if (rc != 0) return bad(REASON_MALFORMED, "the token is not valid base64");

    outcome result;
    unsigned char *compressed = NULL, *json = NULL;
    size_t compressed_len = 0, json_len = 0;
    char hex[65];
    unsigned char key[KEY_BYTES], recipient_id[RECIPIENT_ID_BYTES];
    normalize_secret(secret, hex);
    derive(key, hex, "sealed-results");
    if (len < V1_MIN_BYTES)
        result = bad(REASON_MALFORMED, "the token is too short");
    else if (tok[0] == 0x01)
        result = open_v1(tok, len, key, &compressed, &compressed_len);
    else if (tok[0] == 0x02) {
        derive(recipient_id, hex, "sealed-results-recipient-id");
        result = open_v2(tok, len, key, recipient_id, &compressed, &compressed_len);
    } else
        result = bad(REASON_VERSION, "the token version is not supported");
    sodium_memzero(hex, sizeof hex);
    sodium_memzero(key, sizeof key);
    free(tok);

    if (result.status == FOIL_OK)
        result = inflate_payload(compressed, compressed_len, &json, &json_len);
    if (compressed) {
        sodium_memzero(compressed, compressed_len);
        free(compressed);
    }
    if (result.status != FOIL_OK) return result;

    /* cJSON would cut a string at \u0000 and keep bytes that are not UTF-8: refuse both. */
    foil_status_t text_st = foil_json_text_check((const char *)json, json_len);
    *payload = text_st == FOIL_OK ? cJSON_ParseWithLength((const char *)json, json_len) : NULL;
    sodium_memzero(json, json_len);
    free(json);
    if (text_st == FOIL_E_NOMEM) return (outcome){FOIL_E_NOMEM, NULL, NULL};
    if (text_st != FOIL_OK)
        return bad(
            REASON_PAYLOAD,
            "the token payload is not valid JSON text (UTF-8, no \\u0000, no member named twice)");
    if (!cJSON_IsObject(*payload)) {
        cJSON_Delete(*payload);
        *payload = NULL;
        return bad(REASON_PAYLOAD, "the token payload is not a JSON object");
    }
    return result;
}

static foil_status_t check_args(const char *token, const char *secret) {
    if (!token)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "token", "must not be NULL", NULL, NULL);
    if (foil_str_empty(secret))
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "secret", "must be a non-empty string",
                               "secret key or its SHA-256 hex", NULL);
    return foil_require_aes256gcm();
}

foil_status_t foil_sealed_token_verify(const char *token, const char *secret,
                                       foil_document_t **out) {
    if (!out)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "out", "must not be NULL", NULL, NULL);
    *out = NULL;
    foil_status_t st = check_args(token, secret);
    if (st != FOIL_OK) return st;
    cJSON *payload = NULL;
    outcome r = verify(token, secret, &payload);
    if (r.status == FOIL_E_NOMEM) return foil_fail_nomem();
    if (r.status != FOIL_OK) {
        foil_fail(FOIL_E_TOKEN, "sealed token rejected: %s", r.message);
        foil_error_set_code(r.reason);
        return FOIL_E_TOKEN;
    }
    return foil_document_wrap(payload, out);
}

foil_status_t foil_sealed_token_safe_verify(const char *token, const char *secret, int *ok,
                                            const char **error_code, foil_document_t **out) {
    if (!out)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "out", "must not be NULL", NULL, NULL);
    *out = NULL;
    if (!ok) return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "ok", "must not be NULL", NULL, NULL);
    *ok = 0;
    if (!error_code)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "error_code", "must not be NULL", NULL,
                               NULL);
    *error_code = NULL;
    foil_status_t st = check_args(token, secret);
    if (st != FOIL_OK) return st;
    cJSON *payload = NULL;
    outcome r = verify(token, secret, &payload);
    if (r.status == FOIL_E_NOMEM) return foil_fail_nomem();
    if (r.status != FOIL_OK) {
        *error_code = r.reason;
        return FOIL_OK;
    }
    if ((st = foil_document_wrap(payload, out)) != FOIL_OK) return st;
    *ok = 1;
    return FOIL_OK;
}
