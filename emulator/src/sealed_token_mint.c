/* Minting sealed tokens (versions 1 and 2) for seeded sessions: the exact inverse of the
 * verification in FOIL-API §4, so libfoil's and the official SDKs' verifiers can check them. */
#include "emu.h"

#include <ctype.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define NONCE 12
#define TAG 16
#define KEY 32
#define V2_HEADER (1 + 2 + NONCE + 4)
#define V2_RECIPIENT (32 + NONCE + KEY + TAG)
#define MAX_RECIPIENTS 256
static const char PAYLOAD_AAD[] = "foil-sealed-results-v2\0payload\0";
static const char WRAP_AAD[] = "foil-sealed-results-v2\0recipient\0";

/* Lowercase hex SHA-256 of the secret, or the secret itself when it already is one. */
static void normalize_secret(const char *secret, char out[65]) {
    size_t n = strlen(secret);
    int is_hash = n == 64;
    for (size_t i = 0; is_hash && i < n; i++)
        is_hash = isxdigit((unsigned char)secret[i]);
    if (is_hash) {
        for (size_t i = 0; i < 64; i++)
            out[i] = (char)tolower((unsigned char)secret[i]);
        out[64] = '\0';
        return;
    }
    unsigned char digest[32];
    crypto_hash_sha256(digest, (const unsigned char *)secret, n);
    sodium_bin2hex(out, 65, digest, sizeof(digest));
}

static void derive(const char *normalized, const char *label, unsigned char out[32]) {
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)normalized, 64);
    crypto_hash_sha256_update(&st, (const unsigned char *)"\0", 1);
    crypto_hash_sha256_update(&st, (const unsigned char *)label, strlen(label));
    crypto_hash_sha256_final(&st, out);
}

static cJSON *payload(foil_emulator_t *emu, uint64_t index) {
    char sid[EMU_ID_MAX];
    emu_session_id_at(emu, index, sid);
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "object", "session_verification");
    cJSON_AddStringToObject(p, "session_id", sid);
    cJSON *d = emu_session_decision(emu, index);
    int risk = cJSON_GetObjectItemCaseSensitive(d, "risk_score")->valueint;
    const char *verdict = cJSON_GetObjectItemCaseSensitive(d, "verdict")->valuestring;
    int bot = strcmp(verdict, "bot") == 0;
    cJSON_AddItemToObject(p, "decision", d);
    cJSON_AddItemToObject(p, "request", emu_session_request_context(emu, index));
    cJSON *summary = emu_session_summary(emu, index);
    cJSON_AddItemToObject(p, "visitor_fingerprint",
                          cJSON_DetachItemFromObject(summary, "visitor_fingerprint"));
    cJSON_Delete(summary);
    cJSON *signals = cJSON_AddArrayToObject(p, "signals");
    if (bot) {
        cJSON *s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "id", "headless_browser");
        cJSON_AddStringToObject(s, "category", "automation");
        cJSON_AddStringToObject(s, "confidence", "high");
        cJSON_AddNumberToObject(s, "score", risk);
        cJSON_AddItemToArray(signals, s);
    }
    cJSON *cats =
        cJSON_AddObjectToObject(cJSON_AddObjectToObject(p, "score_breakdown"), "categories");
    cJSON_AddNumberToObject(cats, "automation", risk);
    cJSON_AddNumberToObject(cats, "behavioral", risk / 3);
    cJSON_AddNumberToObject(cats, "environment", risk / 2);
    cJSON *attr = cJSON_AddObjectToObject(p, "attribution");
    if (bot) {
        cJSON *b = cJSON_AddObjectToObject(attr, "bot");
        cJSON_AddStringToObject(b, "name", "Headless Chrome");
        cJSON_AddStringToObject(b, "category", "automation_tool");
    } else {
        cJSON_AddNullToObject(attr, "bot");
    }
    cJSON_AddNullToObject(p, "embed");
    return p;
}

static unsigned char *compress_json(const char *text, size_t *len) {
    uLongf cap = compressBound((uLong)strlen(text));
    unsigned char *out = malloc(cap);
    if (!out) return NULL;
    if (compress2(out, &cap, (const Bytef *)text, (uLong)strlen(text), Z_BEST_COMPRESSION) !=
        Z_OK) {
        free(out);
        return NULL;
    }
    *len = cap;
    return out;
}

static void put_be(unsigned char *p, uint32_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; i--) {
        p[i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
}

foil_status_t emu_seal_token(foil_emulator_t *emu, uint64_t index, int version,
                             const char *const *secrets, size_t nsecrets, char **out) {
    *out = NULL;
    if ((version != 1 && version != 2) || nsecrets < 1 || nsecrets > MAX_RECIPIENTS ||
        (version == 1 && nsecrets != 1))
        return FOIL_E_INVALID_ARGUMENT;
    if (!crypto_aead_aes256gcm_is_available()) return FOIL_E_CRYPTO_UNAVAILABLE;
    cJSON *p = payload(emu, index);
    char *text = p ? cJSON_PrintUnformatted(p) : NULL;
    cJSON_Delete(p);
    size_t plen = 0;
    unsigned char *plain = text ? compress_json(text, &plen) : NULL;
    free(text);
    if (!plain) return FOIL_E_NOMEM;

    size_t total =
        version == 1 ? 1 + NONCE + plen + TAG : V2_HEADER + plen + TAG + nsecrets * V2_RECIPIENT;
    unsigned char *raw = malloc(total);
    foil_status_t st = raw ? FOIL_OK : FOIL_E_NOMEM;
    char norm[65];
    unsigned char token_key[KEY];
    if (st == FOIL_OK && version == 1) {
        normalize_secret(secrets[0], norm);
        derive(norm, "sealed-results", token_key);
        raw[0] = 1;
        randombytes_buf(raw + 1, NONCE);
        crypto_aead_aes256gcm_encrypt_detached(raw + 1 + NONCE, raw + 1 + NONCE + plen, NULL, plain,
                                               plen, NULL, 0, NULL, raw + 1, token_key);
    } else if (st == FOIL_OK) {
        unsigned char content_key[KEY];
        crypto_aead_aes256gcm_keygen(content_key);
        raw[0] = 2;
        put_be(raw + 1, (uint32_t)nsecrets, 2);
        randombytes_buf(raw + 3, NONCE);
        put_be(raw + 3 + NONCE, (uint32_t)plen, 4);
        unsigned char *recipients = raw + V2_HEADER + plen + TAG;
        unsigned char wrap_aad[sizeof(WRAP_AAD) - 1 + 32];
        memcpy(wrap_aad, WRAP_AAD, sizeof(WRAP_AAD) - 1);
        for (size_t i = 0; i < nsecrets; i++) {
            unsigned char *r = recipients + i * V2_RECIPIENT;
            normalize_secret(secrets[i], norm);
            derive(norm, "sealed-results-recipient-id", r);
            derive(norm, "sealed-results", token_key);
            randombytes_buf(r + 32, NONCE);
            memcpy(wrap_aad + sizeof(WRAP_AAD) - 1, r, 32);
            crypto_aead_aes256gcm_encrypt_detached(r + 32 + NONCE, r + 32 + NONCE + KEY, NULL,
                                                   content_key, KEY, wrap_aad, sizeof(wrap_aad),
                                                   NULL, r + 32, token_key);
        }
        /* AAD = prefix || header || every recipient id in order. */
        size_t aad_len = sizeof(PAYLOAD_AAD) - 1 + V2_HEADER + 32 * nsecrets;
        unsigned char *aad = malloc(aad_len);
        if (aad) {
            unsigned char *w = aad;
            memcpy(w, PAYLOAD_AAD, sizeof(PAYLOAD_AAD) - 1);
            w += sizeof(PAYLOAD_AAD) - 1;
            memcpy(w, raw, V2_HEADER);
            w += V2_HEADER;
            for (size_t i = 0; i < nsecrets; i++, w += 32)
                memcpy(w, recipients + i * V2_RECIPIENT, 32);
            crypto_aead_aes256gcm_encrypt_detached(raw + V2_HEADER, raw + V2_HEADER + plen, NULL,
                                                   plain, plen, aad, aad_len, NULL, raw + 3,
                                                   content_key);
            free(aad);
        } else {
            st = FOIL_E_NOMEM;
        }
        sodium_memzero(content_key, sizeof(content_key));
    }
    sodium_memzero(token_key, sizeof(token_key));
    sodium_memzero(norm, sizeof(norm));
    free(plain);
    if (st == FOIL_OK) {
        size_t cap = sodium_base64_ENCODED_LEN(total, sodium_base64_VARIANT_ORIGINAL);
        *out = malloc(cap);
        if (*out)
            sodium_bin2base64(*out, cap, raw, total, sodium_base64_VARIANT_ORIGINAL);
        else
            st = FOIL_E_NOMEM;
    }
    free(raw);
    return st;
}

foil_status_t foil_emulator_mint_sealed_token(foil_emulator_t *emu, const char *session_id,
                                              int version, char **out) {
    if (!out) return FOIL_E_INVALID_ARGUMENT;
    *out = NULL;
    if (!emu || !session_id) return FOIL_E_INVALID_ARGUMENT;
    uint64_t index;
    if (emu_session_index(emu, session_id, &index) != 0) return FOIL_E_NOT_FOUND;
    const char *secrets[] = {emu->secret_key, "sk_test_emulator_secondary"};
    return emu_seal_token(emu, index, version, secrets, version == 2 ? 2 : 1, out);
}
