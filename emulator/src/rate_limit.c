/* Rate limits: token buckets per organization and key type (secret / publishable), per Gate
 * token (gtpoll_ / agt_) and per client address for unauthenticated calls (FOIL-API §7). */
#include "emu.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void emu_bucket_free(void *p) {
    free(p);
}

int emu_rate_limit(emu_request_t *req, emu_response_t *resp) {
    foil_emulator_t *emu = req->emu;
    if (!emu->cfg.rate_limit) return 1;
    const char *token = emu_bearer(req);
    char key[160];
    unsigned limit;
    if (token && (strncmp(token, "sk_", 3) == 0 || strncmp(token, "pk_", 3) == 0)) {
        /* Keys of one organization share a bucket per key type. */
        pthread_mutex_lock(&emu->lock);
        emu_api_key_t *k = emu_api_key_find_by_value(emu, token);
        snprintf(key, sizeof(key), "%s:%s", token[0] == 's' ? "secret" : "publishable",
                 k ? k->org_id : "unknown");
        pthread_mutex_unlock(&emu->lock);
        limit = token[0] == 's' ? emu->cfg.rate_limit_secret : emu->cfg.rate_limit_secret / 5;
    } else if (token) {
        snprintf(key, sizeof(key), "gate:%.120s", token);
        limit = emu->cfg.rate_limit_gate;
    } else {
        snprintf(key, sizeof(key), "public:%s", req->client_addr);
        limit = emu->cfg.rate_limit_public;
    }
    if (limit == 0) limit = 1;
    double window = emu->cfg.rate_limit_window_s ? emu->cfg.rate_limit_window_s : 60;
    double rate = limit / window; /* tokens per second */
    int64_t now = emu_now_ms();

    pthread_mutex_lock(&emu->bucket_lock);
    emu_bucket_t *b = emu_map_get(&emu->buckets, key);
    if (!b) {
        int failed = 1;
        b = malloc(sizeof(*b));
        if (b) {
            b->tokens = limit;
            b->updated_ms = now;
            emu_map_put(&emu->buckets, key, b, &failed);
        }
        if (failed) {
            free(b);
            pthread_mutex_unlock(&emu->bucket_lock);
            return 1;
        }
    }
    b->tokens = fmin((double)limit, b->tokens + (double)(now - b->updated_ms) / 1000.0 * rate);
    b->updated_ms = now;
    int allowed = b->tokens >= 1.0;
    if (allowed) b->tokens -= 1.0;
    double tokens = b->tokens;
    pthread_mutex_unlock(&emu->bucket_lock);

    char v[32];
    snprintf(v, sizeof(v), "%u", limit);
    emu_response_header(resp, "X-RateLimit-Limit", v);
    snprintf(v, sizeof(v), "%u", (unsigned)floor(tokens));
    emu_response_header(resp, "X-RateLimit-Remaining", v);
    snprintf(v, sizeof(v), "%u", (unsigned)ceil(((double)limit - tokens) / rate));
    emu_response_header(resp, "X-RateLimit-Reset", v);
    if (allowed) return 1;
    unsigned retry = (unsigned)ceil((1.0 - tokens) / rate);
    if (retry == 0) retry = 1;
    snprintf(v, sizeof(v), "%u", retry);
    emu_response_header(resp, "Retry-After", v);
    cJSON *details = cJSON_CreateObject();
    cJSON_AddStringToObject(details, "next_action", "retry");
    char msg[160];
    snprintf(msg, sizeof(msg), "Rate limit exceeded (%u requests per %.0f s). Retry after %u s.",
             limit, window, retry);
    emu_respond_error(req, resp, 429, "rate_limit.exceeded", msg, details);
    return 0;
}
