/* Seeded visitor fingerprints, linked to the seeded sessions: fingerprint f is seen by
 * sessions f, f+F, f+2F, ... (F = fingerprint count). GET /v1/fingerprints[/{id}]. */
#include "emu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TAG_FINGERPRINT 0xf1f1
#define YEAR_MS (365LL * 24 * 3600 * 1000)
#define ACTIVITY_MAX 10

void emu_fingerprint_id_at(const foil_emulator_t *emu, uint64_t index, char out[EMU_ID_MAX]) {
    memcpy(out, "vid_", 4);
    emu_index_id(out + 4, emu->seed, TAG_FINGERPRINT, index);
}

static int fingerprint_index(const foil_emulator_t *emu, const char *vid, uint64_t *index) {
    if (strncmp(vid, "vid_", 4) != 0 ||
        emu_index_from_id(vid + 4, emu->seed, TAG_FINGERPRINT, index) != 0)
        return -1;
    return *index < emu->cfg.fingerprint_count ? 0 : -1;
}

static uint64_t seen_count(const foil_emulator_t *emu, uint64_t f) {
    uint64_t s = emu->cfg.session_count;
    return f < s ? (s - 1 - f) / emu->cfg.fingerprint_count + 1 : 1;
}

static int64_t last_seen(const foil_emulator_t *emu, uint64_t f) {
    uint64_t s = emu->cfg.session_count;
    return f < s ? emu_session_created_ms(emu, f) : emu->seed_epoch_ms - (int64_t)(s + f) * 45000;
}

static int64_t first_seen(const foil_emulator_t *emu, uint64_t f) {
    if (f >= emu->cfg.session_count) return last_seen(emu, f);
    return emu_session_created_ms(emu, f + (seen_count(emu, f) - 1) * emu->cfg.fingerprint_count);
}

static cJSON *hash_or_null(const foil_emulator_t *emu, uint64_t f, uint64_t salt) {
    uint64_t v = emu_hash3(emu->seed, TAG_FINGERPRINT + salt, f);
    if (v % 7 == 0) return cJSON_CreateNull();
    char hex[17];
    snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)v);
    return cJSON_CreateString(hex);
}

static cJSON *summary(const foil_emulator_t *emu, uint64_t f) {
    char vid[EMU_ID_MAX];
    emu_fingerprint_id_at(emu, f, vid);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "object", "visitor_fingerprint");
    cJSON_AddStringToObject(j, "id", vid);
    cJSON *lc = cJSON_AddObjectToObject(j, "lifecycle");
    cJSON_AddItemToObject(lc, "first_seen_at", emu_json_iso(first_seen(emu, f)));
    cJSON_AddItemToObject(lc, "last_seen_at", emu_json_iso(last_seen(emu, f)));
    cJSON_AddNumberToObject(lc, "seen_count", (double)seen_count(emu, f));
    cJSON_AddItemToObject(lc, "expires_at", emu_json_iso(last_seen(emu, f) + YEAR_MS));
    cJSON *lr = cJSON_AddObjectToObject(j, "latest_request");
    uint64_t session = f < emu->cfg.session_count ? f : 0;
    cJSON *ctx = emu->cfg.session_count ? emu_session_request_context(emu, session) : NULL;
    const cJSON *ua = cJSON_GetObjectItemCaseSensitive(ctx, "user_agent");
    const cJSON *ip = cJSON_GetObjectItemCaseSensitive(ctx, "ip_address");
    cJSON_AddStringToObject(lr, "user_agent", cJSON_IsString(ua) ? ua->valuestring : "Mozilla/5.0");
    cJSON_AddStringToObject(lr, "ip_address", cJSON_IsString(ip) ? ip->valuestring : "203.0.113.1");
    cJSON_Delete(ctx);
    uint64_t r = emu_hash3(emu->seed, TAG_FINGERPRINT + 1, f);
    cJSON *st = cJSON_AddObjectToObject(j, "storage");
    cJSON_AddBoolToObject(st, "cookies", (r & 15) != 0);
    cJSON_AddBoolToObject(st, "local_storage", (r & 48) != 0);
    cJSON_AddBoolToObject(st, "indexed_db", (r & 192) != 0);
    cJSON_AddBoolToObject(st, "service_worker", (r & 256) != 0);
    cJSON_AddBoolToObject(st, "window_name", (r & 512) != 0);
    cJSON *an = cJSON_AddObjectToObject(j, "anchors");
    cJSON_AddItemToObject(an, "webgl_hash", hash_or_null(emu, f, 2));
    cJSON_AddItemToObject(an, "parameters_hash", hash_or_null(emu, f, 3));
    cJSON_AddItemToObject(an, "audio_hash", hash_or_null(emu, f, 4));
    return j;
}

static cJSON *detail(const foil_emulator_t *emu, uint64_t f) {
    cJSON *j = summary(emu, f);
    cJSON *vec = cJSON_AddArrayToObject(cJSON_AddObjectToObject(j, "components"), "vector");
    for (uint64_t i = 0; i < 8; i++) {
        uint64_t v = emu_hash3(emu->seed, TAG_FINGERPRINT + 10 + i, f);
        cJSON_AddItemToArray(vec, cJSON_CreateNumber((double)(v % 10000) / 10000.0));
    }
    cJSON *sessions = cJSON_AddArrayToObject(cJSON_AddObjectToObject(j, "activity"), "sessions");
    uint64_t F = emu->cfg.fingerprint_count;
    for (uint64_t s = f, n = 0; s < emu->cfg.session_count && n < ACTIVITY_MAX; s += F, n++) {
        char sid[EMU_ID_MAX];
        emu_session_id_at(emu, s, sid);
        cJSON *a = cJSON_CreateObject();
        cJSON_AddStringToObject(a, "session_id", sid);
        cJSON *d = emu_session_decision(emu, s);
        int risk = cJSON_GetObjectItemCaseSensitive(d, "risk_score")->valueint;
        cJSON_AddItemToObject(a, "decision", d);
        cJSON_AddItemToObject(a, "request", emu_session_request_context(emu, s));
        cJSON *cats =
            cJSON_AddObjectToObject(cJSON_AddObjectToObject(a, "score_breakdown"), "categories");
        cJSON_AddNumberToObject(cats, "automation", risk);
        cJSON_AddNumberToObject(cats, "environment", risk / 2);
        cJSON_AddNumberToObject(cats, "behavioral", risk / 3);
        cJSON_AddItemToArray(sessions, a);
    }
    return j;
}

static const foil_emulator_t *sort_emu;
static int by_first_seen_desc(const void *a, const void *b) {
    int64_t fa = first_seen(sort_emu, *(const uint32_t *)a);
    int64_t fb = first_seen(sort_emu, *(const uint32_t *)b);
    if (fa != fb) return fa < fb ? 1 : -1;
    return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

/* The permutation for sort=first_seen, built on first use (emu->lock held). */
static const uint32_t *first_seen_order(foil_emulator_t *emu) {
    if (emu->fingerprint_first_seen_order) return emu->fingerprint_first_seen_order;
    size_t n = emu->cfg.fingerprint_count;
    uint32_t *order = malloc(n * sizeof(*order));
    if (!order) return NULL;
    for (size_t i = 0; i < n; i++)
        order[i] = (uint32_t)i;
    static pthread_mutex_t sort_lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&sort_lock); /* qsort has no context argument in C11 */
    sort_emu = emu;
    qsort(order, n, sizeof(*order), by_first_seen_desc);
    pthread_mutex_unlock(&sort_lock);
    emu->fingerprint_first_seen_order = order;
    return order;
}

void emu_fingerprints_free(foil_emulator_t *emu) {
    free(emu->fingerprint_first_seen_order);
    emu->fingerprint_first_seen_order = NULL;
}

static int matches(const foil_emulator_t *emu, uint64_t f, const char *q) {
    char vid[EMU_ID_MAX];
    emu_fingerprint_id_at(emu, f, vid);
    size_t n = strlen(q);
    for (const char *p = vid; *p; p++)
        if (strncasecmp(p, q, n) == 0) return 1;
    if (f >= emu->cfg.session_count) return 0;
    cJSON *ctx = emu_session_request_context(emu, f);
    int hit = 0;
    const char *fields[] = {"user_agent", "ip_address"};
    for (int i = 0; i < 2 && !hit; i++) {
        const char *s = cJSON_GetObjectItemCaseSensitive(ctx, fields[i])->valuestring;
        for (const char *p = s; *p && !hit; p++)
            hit = strncasecmp(p, q, n) == 0;
    }
    cJSON_Delete(ctx);
    return hit;
}

void emu_h_fingerprints_list(emu_request_t *req, emu_response_t *resp) {
    if (!emu_require_secret(req, resp, "fingerprints:list")) return;
    foil_emulator_t *emu = req->emu;
    const char *search = emu_query(req, "search");
    const char *sort = emu_query(req, "sort");
    if (sort && strcmp(sort, "seen_count") != 0 && strcmp(sort, "first_seen") != 0) {
        emu_respond_field_error(req, resp, "Invalid fingerprint list query.", "fingerprints",
                                "sort", "invalid_enum", "seen_count or first_seen", sort);
        return;
    }
    if (search && (!*search || strlen(search) > 200)) {
        emu_respond_field_error(req, resp, "Invalid fingerprint list query.", "fingerprints",
                                "search", "invalid_length", "1 to 200 characters", search);
        return;
    }
    uint64_t fh = emu_hash_str(emu_hash_str(2, sort), search);
    int limit;
    uint64_t offset;
    if (emu_page_params(req, resp, "fingerprints", fh, &limit, &offset) != 0) return;
    const uint32_t *order = NULL;
    if (sort && strcmp(sort, "first_seen") == 0) {
        pthread_mutex_lock(&emu->lock);
        order = first_seen_order(emu);
        pthread_mutex_unlock(&emu->lock);
        if (!order) {
            emu_respond_error(req, resp, 500, "internal.out_of_memory", "Out of memory.", NULL);
            return;
        }
    }
    /* Default order (most recently seen) and seen_count order are both index order: seen
     * counts never increase with the index. */
    cJSON *items = cJSON_CreateArray();
    uint64_t pos = offset;
    int count = 0, has_more = 0;
    for (; pos < emu->cfg.fingerprint_count; pos++) {
        uint64_t f = order ? order[pos] : pos;
        if (search && !matches(emu, f, search)) continue;
        if (count == limit) {
            has_more = 1;
            break;
        }
        cJSON_AddItemToArray(items, summary(emu, f));
        count++;
    }
    char *cursor = has_more ? emu_cursor_encode("fingerprints", fh, pos) : NULL;
    emu_respond_page(req, resp, items, limit, has_more, cursor);
    free(cursor);
}

void emu_h_fingerprints_get(emu_request_t *req, emu_response_t *resp) {
    if (!emu_require_secret(req, resp, "fingerprints:read")) return;
    uint64_t f;
    if (fingerprint_index(req->emu, req->params[0], &f) != 0) {
        emu_respond_not_found(req, resp, "visitor fingerprint", req->params[0]);
        return;
    }
    emu_respond_data(req, resp, 200, detail(req->emu, f));
}
