/* Outbound webhooks signed like Foil: X-Foil-Timestamp and X-Foil-Signature (FOIL-API §2.8). */
#include "emu.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "foil/foil.h"

#define MAX_REPLY (1024 * 1024)

typedef struct reply {
    char *data;
    size_t len;
} reply_t;

static size_t collect(char *ptr, size_t size, size_t n, void *userdata) {
    reply_t *r = userdata;
    size_t add = size * n;
    if (r->len + add > MAX_REPLY) return 0;
    char *grown = realloc(r->data, r->len + add + 1);
    if (!grown) return 0;
    memcpy(grown + r->len, ptr, add);
    r->data = grown;
    r->len += add;
    r->data[r->len] = '\0';
    return add;
}

foil_status_t emu_webhook_post(const char *url, const char *secret, const char *body,
                               long *status_out, char **body_out) {
    *status_out = 0;
    *body_out = NULL;
    char ts[32];
    snprintf(ts, sizeof(ts), "%lld", (long long)time(NULL));
    char *sig = NULL;
    if (foil_webhook_signature_compute(secret, ts, body, strlen(body), &sig) != FOIL_OK)
        return FOIL_E_CRYPTO;
    char h_ts[64], h_sig[128];
    snprintf(h_ts, sizeof(h_ts), "X-Foil-Timestamp: %s", ts);
    snprintf(h_sig, sizeof(h_sig), "X-Foil-Signature: %s", sig);
    foil_string_free(sig);

    CURL *curl = curl_easy_init();
    if (!curl) return FOIL_E_NOMEM;
    struct curl_slist *headers = NULL;
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Accept: application/json");
    headers = curl_slist_append(headers, h_ts);
    headers = curl_slist_append(headers, h_sig);
    reply_t r = {NULL, 0};
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "Foil-Webhooks/emulator");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r);
    CURLcode rc = curl_easy_perform(curl);
    if (rc == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, status_out);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK) {
        free(r.data);
        return FOIL_E_CONNECTION;
    }
    *body_out = r.data ? r.data : emu_strdup("");
    return FOIL_OK;
}
