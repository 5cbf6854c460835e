/* Seeded visitor fingerprints, linked to the seeded sessions: fingerprint f is seen by
 * sessions f, f+F, f+2F, ... (F = fingerprint count). GET /v1/fingerprints[/{id}]. */
#include "emu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define YEAR_MS (365LL * 24 * 3600 * 1000)
#define ACTIVITY_MAX 10

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

static void render_hash_or_null(emu_buf_t *b, const foil_emulator_t *emu, uint64_t f,
                                uint64_t salt) {
    uint64_t v = emu_hash3(emu->seed, EMU_TAG_FINGERPRINT + salt, f);
    if (v % 7 == 0)
        EMU_BUF_LIT(b, "null");
    else
        emu_buf_hex64(b, v);
}

/* One list item. */
static void render_summary(emu_buf_t *b, const foil_emulator_t *emu, uint64_t f) {
    char vid[EMU_ID_MAX], ip[32];
    emu_fingerprint_id_at(emu, f, vid);
    EMU_BUF_LIT(b, "{\"object\":\"visitor_fingerprint\",\"id\":");
    emu_buf_string(b, vid);
    EMU_BUF_LIT(b, ",\"lifecycle\":{\"first_seen_at\":");
    emu_buf_iso(b, first_seen(emu, f));
    EMU_BUF_LIT(b, ",\"last_seen_at\":");
    emu_buf_iso(b, last_seen(emu, f));
    EMU_BUF_LIT(b, ",\"seen_count\":");
    emu_buf_int(b, (int64_t)seen_count(emu, f));
    EMU_BUF_LIT(b, ",\"expires_at\":");
    emu_buf_iso(b, last_seen(emu, f) + YEAR_MS);
    EMU_BUF_LIT(b, "},\"latest_request\":{\"user_agent\":");
    if (emu->cfg.session_count) {
        uint64_t session = f < emu->cfg.session_count ? f : 0;
        emu_buf_string(b, emu_session_user_agent(emu, session));
        emu_session_ip(emu, session, ip);
    } else {
        EMU_BUF_LIT(b, "\"Mozilla/5.0\"");
        memcpy(ip, "203.0.113.1", sizeof("203.0.113.1"));
    }
    EMU_BUF_LIT(b, ",\"ip_address\":");
    emu_buf_string(b, ip);
    uint64_t r = emu_hash3(emu->seed, EMU_TAG_FINGERPRINT + 1, f);
    EMU_BUF_LIT(b, "},\"storage\":{\"cookies\":");
    emu_buf_bool(b, (r & 15) != 0);
    EMU_BUF_LIT(b, ",\"local_storage\":");
    emu_buf_bool(b, (r & 48) != 0);
    EMU_BUF_LIT(b, ",\"indexed_db\":");
    emu_buf_bool(b, (r & 192) != 0);
    EMU_BUF_LIT(b, ",\"service_worker\":");
    emu_buf_bool(b, (r & 256) != 0);
    EMU_BUF_LIT(b, ",\"window_name\":");
    emu_buf_bool(b, (r & 512) != 0);
    EMU_BUF_LIT(b, "},\"anchors\":{\"webgl_hash\":");
    render_hash_or_null(b, emu, f, 2);
    EMU_BUF_LIT(b, ",\"parameters_hash\":");
    render_hash_or_null(b, emu, f, 3);
    EMU_BUF_LIT(b, ",\"audio_hash\":");
    render_hash_or_null(b, emu, f, 4);
    EMU_BUF_LIT(b, "}}");
}

static cJSON *detail(const foil_emulator_t *emu, uint64_t f) {
    emu_buf_t b;
    emu_buf_init(&b, 1024);
    render_summary(&b, emu, f);
    size_t len;
    char *text = emu_buf_take(&b, &len);
    cJSON *j = text ? cJSON_ParseWithLength(text, len) : NULL;
    free(text);
    if (!j) return NULL;
    cJSON *vec = cJSON_AddArrayToObject(cJSON_AddObjectToObject(j, "components"), "vector");
    for (uint64_t i = 0; i < 8; i++) {
        uint64_t v = emu_hash3(emu->seed, EMU_TAG_FINGERPRINT + 10 + i, f);
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

static int contains_ci(const char *hay, const char *needle, size_t n) {
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0) return 1;
    return 0;
}

static int matches(const foil_emulator_t *emu, uint64_t f, const char *q) {
    char vid[EMU_ID_MAX], ip[32];
    size_t n = strlen(q);
    emu_fingerprint_id_at(emu, f, vid);
    if (contains_ci(vid, q, n)) return 1;
    if (f >= emu->cfg.session_count) return 0;
    emu_session_ip(emu, f, ip);
    return contains_ci(emu_session_user_agent(emu, f), q, n) || contains_ci(ip, q, n);
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
    emu_buf_t page;
    emu_page_begin(&page, (size_t)limit * 720);
    uint64_t pos = offset;
    int count = 0, has_more = 0;
    for (; pos < emu->cfg.fingerprint_count; pos++) {
        uint64_t f = order ? order[pos] : pos;
        if (search && !matches(emu, f, search)) continue;
        if (count == limit) {
            has_more = 1;
            break;
        }
        emu_page_next_item(&page);
        render_summary(&page, emu, f);
        count++;
    }
    char *cursor = has_more ? emu_cursor_encode("fingerprints", fh, pos) : NULL;
    emu_respond_page_end(req, resp, &page, limit, has_more, cursor);
    free(cursor);
}

void emu_h_fingerprints_get(emu_request_t *req, emu_response_t *resp) {
    if (!emu_require_secret(req, resp, "fingerprints:read")) return;
    uint64_t f;
    if (emu_fingerprint_index(req->emu, req->params[0], &f) != 0) {
        emu_respond_not_found(req, resp, "visitor fingerprint", req->params[0]);
        return;
    }
    cJSON *d = detail(req->emu, f);
    emu_respond_data(req, resp, 200, d);
}
