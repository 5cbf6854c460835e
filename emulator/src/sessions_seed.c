/* Seeded sessions: every item is generated from its index (0 = newest), so a million of them
 * cost no memory; only client_user_id changes are stored. GET/PATCH /v1/sessions[/{id}]. */
#include "emu.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TAG_EVENT 0xe7e7
#define SESSION_SPACING_MS 45000
#define MAX_SEARCH_SCAN 2000000

static const char *const USER_AGENTS[] = {
    "Mozilla/5.0 (Macintosh; ARM Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux aarch64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/124.0.0.0 Safari/537.36",
    "python-httpx/0.27.0"};
static const char *const BROWSERS[][4] = {{"Safari", "17.4", "17", "WebKit"},
                                          {"Chrome", "124.0.0.0", "124", "Blink"},
                                          {"Firefox", "125.0", "125", "Gecko"},
                                          {"Mobile Safari", "17.4", "17", "WebKit"},
                                          {"Headless Chrome", "124.0.0.0", "124", "Blink"},
                                          {"httpx", "0.27.0", "0", "unknown"}};
static const char *const PATHS[] = {"/signup", "/login", "/checkout", "/pricing", "/account"};
static const char *const SCREENS[] = {"1440x900", "1920x1080", "1280x800",
                                      "390x844",  "800x600",   "1024x768"};

static uint64_t h(const foil_emulator_t *emu, uint64_t index, uint64_t salt) {
    return emu_hash3(emu->seed, EMU_TAG_SESSION + salt, index);
}

int64_t emu_session_created_ms(const foil_emulator_t *emu, uint64_t index) {
    return emu->seed_epoch_ms - (int64_t)index * SESSION_SPACING_MS -
           (int64_t)(h(emu, index, 1) % 30000);
}

static int verdict_of(const foil_emulator_t *emu, uint64_t index) {
    uint64_t r = h(emu, index, 2) % 100;
    return r < 25 ? 0 : r < 80 ? 1 : 2; /* bot, human, inconclusive */
}

static int risk_of(const foil_emulator_t *emu, uint64_t index) {
    int v = verdict_of(emu, index);
    uint64_t r = h(emu, index, 3);
    return v == 0 ? 70 + (int)(r % 30) : v == 1 ? (int)(r % 31) : 31 + (int)(r % 39);
}

static size_t ua_of(const foil_emulator_t *emu, uint64_t index) {
    /* Bots use the headless / library agents more often. */
    uint64_t r = h(emu, index, 4);
    return verdict_of(emu, index) == 0 ? 4 + r % 2 : r % 4;
}

static void ip_of(const foil_emulator_t *emu, uint64_t index, char out[32]) {
    uint64_t r = h(emu, index, 5);
    const char *net = (r & 1) ? "203.0.113." : "198.51.100.";
    size_t n = strlen(net);
    memcpy(out, net, n);
    unsigned host = (unsigned)(1 + (r >> 8) % 254);
    if (host >= 100) out[n++] = (char)('0' + host / 100);
    if (host >= 10) out[n++] = (char)('0' + host / 10 % 10);
    out[n++] = (char)('0' + host % 10);
    out[n] = '\0';
}

const char *emu_session_user_agent(const foil_emulator_t *emu, uint64_t index) {
    return USER_AGENTS[ua_of(emu, index)];
}

void emu_session_ip(const foil_emulator_t *emu, uint64_t index, char out[32]) {
    ip_of(emu, index, out);
}

/* The stored client_user_id override or the seeded default; NULL means null. The caller
 * holds session_users_lock for reading (an override is only valid under it). */
static const char *client_user_id(const foil_emulator_t *emu, uint64_t index, const char *sid,
                                  char fallback[40]) {
    if (emu->session_users.count) {
        const char *o = emu_map_get(&emu->session_users, sid);
        if (o) return *o ? o : NULL;
    }
    if (h(emu, index, 6) % 3 != 0) return NULL;
    memcpy(fallback, "user_", 5);
    emu_format_int(fallback + 5, (int64_t)(h(emu, index, 7) % 100000));
    return fallback;
}

static cJSON *client_user_id_json(foil_emulator_t *emu, uint64_t index) {
    char sid[EMU_ID_MAX], fallback[40];
    emu_session_id_at(emu, index, sid);
    pthread_rwlock_rdlock(&emu->session_users_lock);
    const char *v = client_user_id(emu, index, sid, fallback);
    cJSON *j = v ? cJSON_CreateString(v) : cJSON_CreateNull();
    pthread_rwlock_unlock(&emu->session_users_lock);
    return j;
}

static void event_id(const foil_emulator_t *emu, uint64_t index, unsigned n, char out[EMU_ID_MAX]) {
    memcpy(out, "evt_", 4);
    emu_index_id(out + 4, emu->seed, TAG_EVENT + n, index);
}

static void render_decision(emu_buf_t *b, const foil_emulator_t *emu, uint64_t index) {
    static const char *const manipulation_levels[] = {"none", "low", "medium", "high"};
    char id[EMU_ID_MAX];
    event_id(emu, index, 0, id);
    uint64_t r = h(emu, index, 8);
    int verdict = verdict_of(emu, index);
    int behavioral = (int)(r & 1);
    EMU_BUF_LIT(b, "{\"event_id\":");
    emu_buf_string(b, id);
    EMU_BUF_LIT(b, ",\"verdict\":");
    emu_buf_string(b, foil_contract_values(FOIL_VALUES_SESSION_VERDICT)[verdict]);
    EMU_BUF_LIT(b, ",\"risk_score\":");
    emu_buf_int(b, risk_of(emu, index));
    EMU_BUF_LIT(b, ",\"phase\":");
    emu_buf_string(b, behavioral ? "behavioral" : "snapshot");
    EMU_BUF_LIT(b, ",\"is_provisional\":");
    emu_buf_bool(b, !behavioral && ((r >> 1) & 3) == 0);
    EMU_BUF_LIT(b, ",\"manipulation\":");
    if ((r >> 3) % 4 == 0) {
        EMU_BUF_LIT(b, "null");
    } else {
        int level = verdict == 0 ? 1 + (int)((r >> 5) % 3) : (int)((r >> 5) % 2);
        EMU_BUF_LIT(b, "{\"score\":");
        emu_buf_int(b, level * 25 + (int)((r >> 7) % 20));
        EMU_BUF_LIT(b, ",\"verdict\":");
        emu_buf_string(b, manipulation_levels[level]);
        EMU_BUF_LIT(b, "}");
    }
    EMU_BUF_LIT(b, ",\"evaluation_duration_ms\":");
    emu_buf_int(b, 40 + (int)((r >> 12) % 400));
    EMU_BUF_LIT(b, ",\"evaluated_at\":");
    emu_buf_iso(b, emu_session_created_ms(emu, index) + 1200 + (int64_t)(r % 800));
    EMU_BUF_LIT(b, "}");
}

/* The summary's fingerprint link (null without seeded fingerprints). */
static void render_fingerprint_link(emu_buf_t *b, const foil_emulator_t *emu, uint64_t index) {
    if (emu->cfg.fingerprint_count == 0) {
        EMU_BUF_LIT(b, "null");
        return;
    }
    char vid[EMU_ID_MAX];
    emu_fingerprint_id_at(emu, index % emu->cfg.fingerprint_count, vid);
    EMU_BUF_LIT(b, "{\"object\":\"visitor_fingerprint\",\"id\":");
    emu_buf_string(b, vid);
    EMU_BUF_LIT(b, ",\"confidence\":");
    emu_buf_int(b, 60 + (int)(h(emu, index, 9) % 40));
    EMU_BUF_LIT(b, ",\"identified_at\":");
    emu_buf_iso(b, emu_session_created_ms(emu, index) + 800);
    EMU_BUF_LIT(b, "}");
}

/* One list item; the caller holds session_users_lock for reading. */
static void render_summary(emu_buf_t *b, const foil_emulator_t *emu, uint64_t index) {
    char sid[EMU_ID_MAX], fallback[40];
    emu_session_id_at(emu, index, sid);
    EMU_BUF_LIT(b, "{\"object\":\"session\",\"id\":");
    emu_buf_string(b, sid);
    EMU_BUF_LIT(b, ",\"created_at\":");
    emu_buf_iso(b, emu_session_created_ms(emu, index));
    EMU_BUF_LIT(b, ",\"client_user_id\":");
    const char *user = client_user_id(emu, index, sid, fallback);
    if (user)
        emu_buf_string(b, user);
    else
        EMU_BUF_LIT(b, "null");
    EMU_BUF_LIT(b, ",\"latest_decision\":");
    render_decision(b, emu, index);
    EMU_BUF_LIT(b, ",\"visitor_fingerprint\":");
    render_fingerprint_link(b, emu, index);
    EMU_BUF_LIT(b, "}");
}

/* A tree from a renderer, for the few places that extend or inspect one. */
static cJSON *parse_rendered(emu_buf_t *b) {
    size_t len;
    char *text = emu_buf_take(b, &len);
    cJSON *j = text ? cJSON_ParseWithLength(text, len) : NULL;
    free(text);
    return j;
}

cJSON *emu_session_decision(const foil_emulator_t *emu, uint64_t index) {
    emu_buf_t b;
    emu_buf_init(&b, 512);
    render_decision(&b, emu, index);
    return parse_rendered(&b);
}

/* The detail's fingerprint link: the summary's plus resolution and lifecycle. */
static cJSON *detail_fingerprint_link(const foil_emulator_t *emu, uint64_t index) {
    emu_buf_t b;
    emu_buf_init(&b, 256);
    render_fingerprint_link(&b, emu, index);
    cJSON *f = parse_rendered(&b);
    if (!cJSON_IsObject(f)) return f;
    uint64_t fpc = emu->cfg.fingerprint_count;
    uint64_t first = index % fpc;
    uint64_t count = (emu->cfg.session_count - 1 - first) / fpc + 1;
    cJSON *res = cJSON_AddObjectToObject(f, "resolution");
    int newer = index >= fpc ? 1 : 0;
    cJSON_AddStringToObject(res, "method", newer ? "fingerprint" : "new");
    cJSON_AddStringToObject(res, "basis", newer ? "probabilistic" : "deterministic");
    cJSON *lc = cJSON_AddObjectToObject(f, "lifecycle");
    cJSON_AddItemToObject(lc, "first_seen_at",
                          emu_json_iso(emu_session_created_ms(emu, first + (count - 1) * fpc)));
    cJSON_AddItemToObject(lc, "last_seen_at", emu_json_iso(emu_session_created_ms(emu, first)));
    cJSON_AddNumberToObject(lc, "seen_count", (double)count);
    return f;
}

cJSON *emu_session_request_context(const foil_emulator_t *emu, uint64_t index) {
    char ip[32], url[96];
    ip_of(emu, index, ip);
    uint64_t r = h(emu, index, 10);
    snprintf(url, sizeof(url), "https://shop.example.com%s", PATHS[r % 5]);
    size_t ua = ua_of(emu, index);
    cJSON *q = cJSON_CreateObject();
    cJSON_AddStringToObject(q, "url", url);
    cJSON_AddStringToObject(q, "user_agent", USER_AGENTS[ua]);
    cJSON_AddStringToObject(q, "ip_address", ip);
    cJSON_AddStringToObject(q, "screen_size", ua == 3 ? "390x844" : SCREENS[(r >> 4) % 6]);
    cJSON_AddBoolToObject(q, "is_touch_capable", ua == 3);
    return q;
}

cJSON *emu_session_summary(foil_emulator_t *emu, uint64_t index) {
    emu_buf_t b;
    emu_buf_init(&b, 1024);
    pthread_rwlock_rdlock(&emu->session_users_lock);
    render_summary(&b, emu, index);
    pthread_rwlock_unlock(&emu->session_users_lock);
    return parse_rendered(&b);
}

/* The parts of a detail that do not vary between sessions. */
static const char DETAIL_TEMPLATE[] =
    "{\"highlights\":[],\"attribution\":{\"labels\":[],\"behaviors\":[]},\"web_bot_auth\":null,"
    "\"network\":{\"ip_address\":null,\"ip_version\":\"ipv4\",\"status\":\"ready\","
    "\"summary\":\"Residential connection\",\"location\":{\"city\":\"Portland\",\"region\":"
    "\"Oregon\",\"country\":\"United States\",\"country_code\":\"US\",\"latitude\":45.52,"
    "\"longitude\":-122.68,\"timezone\":\"America/Los_Angeles\",\"postal_code\":\"97201\","
    "\"accuracy_radius_km\":20},\"routing\":{\"asn\":\"AS64500\",\"organization\":\"Example "
    "Broadband\"},\"anonymity\":{\"vpn\":false,\"proxy\":false,\"tor\":false,\"relay\":false,"
    "\"hosting\":false,\"residential_proxy\":false,\"callback_proxy\":false,\"provider\":null},"
    "\"reputation\":{\"listed\":false,\"categories\":[],\"suspicious_network\":false},"
    "\"evidence\":{\"risk_signals\":[],\"operator_tags\":[],\"client_types\":[\"consumer\"],"
    "\"client_count\":1},\"evaluated_at\":null},"
    "\"runtime_integrity\":{\"tampering\":\"clean\",\"developer_tools\":\"clean\",\"emulation\":"
    "\"clean\",\"virtualization\":\"clean\",\"privacy_hardening\":\"clean\",\"identity_spoofing\":"
    "\"clean\",\"replay\":\"clean\",\"outdated_environment\":\"clean\"},"
    "\"native_runtime_integrity\":null,\"native_app\":null,\"native_carrier\":null,"
    "\"native_motion_print\":null,\"device_identity\":null,\"install_id\":null,"
    "\"connection_fingerprint\":{\"ja4\":{\"hash\":\"t13d1516h2_8daaf6152771_02713d6af862\","
    "\"profile\":null,\"family\":null,\"product\":null,\"confidence\":null,\"match_source\":null,"
    "\"deterministic\":null,\"reference\":null},\"http2\":{\"akamai_fingerprint\":null,"
    "\"profile\":null},\"user_agent_alignment\":\"match\"},"
    "\"device\":{\"form_factor\":\"desktop\",\"operating_system\":{\"name\":null,\"version\":"
    "null},\"architecture\":null,\"screen\":{\"size\":null,\"color_depth\":24,\"pixel_ratio\":2,"
    "\"orientation_type\":\"landscape-primary\"},\"locale\":{\"timezone\":\"America/Los_Angeles\","
    "\"primary_language\":\"en-US\",\"languages\":[\"en-US\",\"en\"]},\"capabilities\":{\"touch\":"
    "{\"available\":false,\"max_touch_points\":0},\"storage\":{\"cookies\":true,\"local_storage\":"
    "true,\"indexed_db\":true,\"service_worker\":true,\"window_name\":true},\"webgpu\":"
    "{\"available\":true},\"platform_authenticator\":{\"available\":true,"
    "\"conditional_mediation\":true},\"media_devices\":{\"available\":true},\"speech_synthesis\":"
    "{\"available\":true}}},"
    "\"analysis_coverage\":{\"browser\":true,\"device\":true,\"network\":true,\"runtime\":true,"
    "\"behavioral\":false,\"visitor_identity\":true},"
    "\"client_telemetry\":{\"navigator\":{\"platform\":null,\"vendor\":null,"
    "\"hardware_concurrency\":8,\"device_memory\":8,\"max_touch_points\":0,\"pdf_viewer_enabled\":"
    "true,\"cookie_enabled\":true,\"product_sub\":\"20030107\",\"primary_language\":\"en-US\","
    "\"languages\":[\"en-US\",\"en\"],\"mime_types_count\":2,\"plugins\":[\"PDF Viewer\"]},"
    "\"storage\":{\"cookies\":true,\"local_storage\":true,\"session_storage\":true,\"indexed_db\":"
    "true,\"service_worker\":true,\"window_name\":true},\"canvas\":{\"hash\":null,"
    "\"geometry_hash\":null,\"text_hash\":null,\"winding\":true,\"noise_detected\":false,"
    "\"offscreen_consistent\":true},\"graphics\":{\"webgl\":{\"vendor\":\"Google Inc.\","
    "\"renderer\":\"ANGLE (Apple, Apple M2, OpenGL 4.1)\",\"version\":\"WebGL 1.0\","
    "\"shading_language_version\":\"WebGL GLSL ES 1.0\",\"parameters_hash\":null,"
    "\"extensions_hash\":null,\"extension_parameters_hash\":null,\"shader_precision_hash\":null},"
    "\"webgpu\":{\"available\":true,\"adapter_vendor\":\"apple\",\"adapter_architecture\":"
    "\"metal-3\",\"fallback_adapter\":false,\"features_hash\":null,\"limits_hash\":null}},"
    "\"audio\":{\"hash\":null,\"sample_rate\":48000,\"channel_count\":2,\"voice_count\":60,"
    "\"local_voice_count\":60,\"default_voice_lang\":\"en-US\",\"noise_detected\":false},"
    "\"fonts\":{\"detected_count\":42,\"tested_count\":120,\"enumeration_hash\":null,"
    "\"metrics_hash\":null,\"preferences_hash\":null,\"emoji_hash\":null},\"media\":"
    "{\"device_count\":3,\"counts_by_kind\":{\"audioinput\":1,\"audiooutput\":1,\"videoinput\":1},"
    "\"blank_label_count\":3,\"topology_hash\":null}}}";

static void hex_hash(const foil_emulator_t *emu, uint64_t index, uint64_t salt, char out[17]) {
    snprintf(out, 17, "%016llx", (unsigned long long)h(emu, index, salt));
}

static cJSON *detail_decision(const foil_emulator_t *emu, uint64_t index, unsigned n) {
    static const char *const automation[] = {"automated", "human", "uncertain"};
    char id[EMU_ID_MAX];
    event_id(emu, index, n, id);
    uint64_t r = h(emu, index, 8);
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "event_id", id);
    cJSON_AddStringToObject(d, "automation_status", automation[verdict_of(emu, index)]);
    int risk = risk_of(emu, index);
    cJSON_AddNumberToObject(d, "risk_score", n ? (risk + 7 * (int)n) % 101 : risk);
    int behavioral = n == 0 && (r & 1);
    cJSON_AddStringToObject(d, "evaluation_phase", behavioral ? "behavioral" : "snapshot");
    cJSON_AddStringToObject(d, "decision_status", n ? "preliminary" : "final");
    int64_t created = emu_session_created_ms(emu, index);
    cJSON_AddItemToObject(d, "evaluated_at",
                          emu_json_iso(created + 1200 + (int64_t)(r % 800) - (int64_t)n * 900));
    return d;
}

cJSON *emu_session_detail(foil_emulator_t *emu, uint64_t index) {
    cJSON *d = cJSON_Parse(DETAIL_TEMPLATE);
    if (!d) return NULL;
    char sid[EMU_ID_MAX], ip[32];
    emu_session_id_at(emu, index, sid);
    ip_of(emu, index, ip);
    int verdict = verdict_of(emu, index);
    size_t ua = ua_of(emu, index);
    int64_t created = emu_session_created_ms(emu, index);

    emu_json_set(d, "object", cJSON_CreateString("session"));
    emu_json_set(d, "id", cJSON_CreateString(sid));
    emu_json_set(d, "created_at", emu_json_iso(created));
    emu_json_set(d, "client_user_id", client_user_id_json(emu, index));
    emu_json_set(d, "decision", detail_decision(emu, index, 0));
    cJSON *prev = cJSON_CreateArray();
    if (h(emu, index, 8) & 1) cJSON_AddItemToArray(prev, detail_decision(emu, index, 1));
    emu_json_set(d, "previous_decisions", prev);
    emu_json_set(d, "visitor_fingerprint", detail_fingerprint_link(emu, index));

    cJSON *net = cJSON_GetObjectItemCaseSensitive(d, "network");
    emu_json_set(net, "ip_address", cJSON_CreateString(ip));
    emu_json_set(net, "evaluated_at", emu_json_iso(created + 400));
    if (verdict == 0) {
        cJSON *anon = cJSON_GetObjectItemCaseSensitive(net, "anonymity");
        emu_json_set(anon, "hosting", cJSON_CreateTrue());
        emu_json_set(net, "summary", cJSON_CreateString("Hosting provider"));
        cJSON *ev = cJSON_GetObjectItemCaseSensitive(net, "evidence");
        cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(ev, "risk_signals"),
                             cJSON_CreateString("hosting"));
    }

    cJSON *req = cJSON_CreateObject();
    cJSON *ctx = emu_session_request_context(emu, index);
    cJSON_AddItemToObject(req, "url",
                          cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(ctx, "url"), 1));
    cJSON_AddItemToObject(req, "referrer",
                          (h(emu, index, 11) & 1) ? cJSON_CreateString("https://www.example.org/")
                                                  : cJSON_CreateNull());
    cJSON_AddStringToObject(req, "user_agent", USER_AGENTS[ua]);
    cJSON *screen_size = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(ctx, "screen_size"), 1);
    cJSON_Delete(ctx);
    emu_json_set(d, "request", req);

    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "name", BROWSERS[ua][0]);
    cJSON_AddStringToObject(b, "version", BROWSERS[ua][1]);
    cJSON_AddStringToObject(b, "major_version", BROWSERS[ua][2]);
    cJSON_AddStringToObject(b, "engine", BROWSERS[ua][3]);
    cJSON_AddNullToObject(b, "app_name");
    emu_json_set(d, "browser", b);
    cJSON *dev = cJSON_GetObjectItemCaseSensitive(d, "device");
    emu_json_set(cJSON_GetObjectItemCaseSensitive(dev, "screen"), "size", screen_size);
    if (ua == 3) emu_json_set(dev, "form_factor", cJSON_CreateString("mobile"));

    char hash[17];
    cJSON *canvas = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(d, "client_telemetry"), "canvas");
    hex_hash(emu, index % (emu->cfg.fingerprint_count ? emu->cfg.fingerprint_count : 1), 12, hash);
    emu_json_set(canvas, "hash", cJSON_CreateString(hash));

    cJSON *signals = cJSON_CreateArray();
    cJSON *highlights = cJSON_GetObjectItemCaseSensitive(d, "highlights");
    if (verdict == 0) {
        cJSON *s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "signal", ua == 5 ? "http_library_client" : "headless_browser");
        cJSON_AddStringToObject(s, "role", "primary");
        cJSON_AddStringToObject(s, "category", "automation");
        cJSON_AddStringToObject(s, "strength", "strong");
        cJSON_AddNumberToObject(s, "signal_score", risk_of(emu, index));
        cJSON_AddItemToArray(signals, s);
        cJSON *hl = cJSON_CreateObject();
        cJSON_AddStringToObject(hl, "key", "automation_detected");
        cJSON_AddStringToObject(hl, "effect", "increases_risk");
        cJSON_AddStringToObject(hl, "importance", "high");
        cJSON_AddStringToObject(hl, "summary", "The client behaves like an automated browser.");
        cJSON_AddItemToArray(highlights, hl);
        cJSON *attr = cJSON_GetObjectItemCaseSensitive(d, "attribution");
        cJSON *label = cJSON_CreateObject();
        cJSON_AddStringToObject(label, "kind", "tool");
        cJSON_AddStringToObject(label, "value", ua == 5 ? "httpx" : "headless_chrome");
        cJSON_AddStringToObject(label, "label", ua == 5 ? "HTTPX" : "Headless Chrome");
        cJSON_AddNumberToObject(label, "confidence", 80 + (int)(h(emu, index, 13) % 20));
        cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(attr, "labels"), label);
    } else if (verdict == 1) {
        cJSON *hl = cJSON_CreateObject();
        cJSON_AddStringToObject(hl, "key", "consistent_environment");
        cJSON_AddStringToObject(hl, "effect", "reduces_risk");
        cJSON_AddStringToObject(hl, "importance", "medium");
        cJSON_AddStringToObject(hl, "summary", "Browser, device and network signals agree.");
        cJSON_AddItemToArray(highlights, hl);
    }
    emu_json_set(d, "signals_fired", signals);
    return d;
}

/* ---- handlers ------------------------------------------------------------------------ */

static int contains_ci(const char *hay, const char *needle) {
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0) return 1;
    return 0;
}

/* The caller holds session_users_lock for reading. */
static int search_matches(const foil_emulator_t *emu, uint64_t index, const char *q) {
    char sid[EMU_ID_MAX], ip[32], fallback[40];
    emu_session_id_at(emu, index, sid);
    ip_of(emu, index, ip);
    if (contains_ci(sid, q) || contains_ci(ip, q) || contains_ci(USER_AGENTS[ua_of(emu, index)], q))
        return 1;
    const char *user = client_user_id(emu, index, sid, fallback);
    return user && contains_ci(user, q);
}

void emu_h_sessions_list(emu_request_t *req, emu_response_t *resp) {
    if (!emu_require_secret(req, resp, "sessions:list")) return;
    foil_emulator_t *emu = req->emu;
    const char *verdict = emu_query(req, "verdict");
    const char *search = emu_query(req, "search");
    int want = -1;
    for (int i = 0; verdict && foil_contract_value(FOIL_VALUES_SESSION_VERDICT, (size_t)i); i++)
        if (strcmp(verdict, foil_contract_values(FOIL_VALUES_SESSION_VERDICT)[i]) == 0) want = i;
    if (verdict && want < 0) {
        emu_respond_field_error(req, resp,
                                "Invalid session list query. Use limit between 1 and 200 and the "
                                "supported cursor/search/verdict filters only.",
                                "sessions", "verdict", "invalid_enum", "bot, human or inconclusive",
                                verdict);
        return;
    }
    if (search && (!*search || strlen(search) > 200)) {
        emu_respond_field_error(req, resp, "Invalid session list query.", "sessions", "search",
                                "invalid_length", "1 to 200 characters", search);
        return;
    }
    uint64_t fh = emu_hash_str(emu_hash_str(1, verdict), search);
    int limit;
    uint64_t offset;
    if (emu_page_params(req, resp, "sessions", fh, &limit, &offset) != 0) return;
    emu_buf_t page;
    emu_page_begin(&page, (size_t)limit * 640);
    uint64_t i = offset, scanned = 0;
    int count = 0, has_more = 0;
    pthread_rwlock_rdlock(&emu->session_users_lock);
    for (; i < emu->cfg.session_count && scanned < MAX_SEARCH_SCAN; i++, scanned++) {
        if (want >= 0 && verdict_of(emu, i) != want) continue;
        if (search && !search_matches(emu, i, search)) continue;
        if (count == limit) {
            has_more = 1;
            break;
        }
        emu_page_next_item(&page);
        render_summary(&page, emu, i);
        count++;
    }
    pthread_rwlock_unlock(&emu->session_users_lock);
    if (!has_more && i < emu->cfg.session_count && scanned >= MAX_SEARCH_SCAN) has_more = 1;
    char *cursor = has_more ? emu_cursor_encode("sessions", fh, i) : NULL;
    emu_respond_page_end(req, resp, &page, limit, has_more, cursor);
    free(cursor);
}

void emu_h_sessions_get(emu_request_t *req, emu_response_t *resp) {
    if (!emu_require_secret(req, resp, "sessions:read")) return;
    uint64_t index;
    if (emu_session_index(req->emu, req->params[0], &index) != 0) {
        emu_respond_not_found(req, resp, "session", req->params[0]);
        return;
    }
    cJSON *d = emu_session_detail(req->emu, index);
    emu_respond_data(req, resp, 200, d);
}

void emu_h_sessions_update(emu_request_t *req, emu_response_t *resp) {
    if (!emu_require_secret(req, resp, "sessions:update")) return;
    foil_emulator_t *emu = req->emu;
    uint64_t index;
    if (emu_session_index(emu, req->params[0], &index) != 0) {
        emu_respond_not_found(req, resp, "session", req->params[0]);
        return;
    }
    cJSON *body = emu_body_object(req, resp);
    if (!body) return;
    emu_checks_t c;
    emu_checks_init(&c);
    static const char *const allowed[] = {"client_user_id", NULL};
    emu_check_only(&c, body, allowed);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, "client_user_id");
    if (!v)
        emu_check_add(&c, "client_user_id", "required", "string (max 256) or null", NULL);
    else if (!cJSON_IsNull(v) && !cJSON_IsString(v))
        emu_check_add(&c, "client_user_id", "invalid_type", "string (max 256) or null", v);
    else if (cJSON_IsString(v) && (strlen(v->valuestring) > 256 || !*v->valuestring))
        emu_check_add(&c, "client_user_id", "invalid_length", "1 to 256 characters", v);
    if (emu_checks_respond(&c, req, resp, "Invalid session update.", "sessions")) goto done;
    char *value = emu_strdup(cJSON_IsString(v) ? v->valuestring : "");
    int failed = 1;
    if (value) {
        pthread_rwlock_wrlock(&emu->session_users_lock);
        free(emu_map_put(&emu->session_users, req->params[0], value, &failed));
        pthread_rwlock_unlock(&emu->session_users_lock);
    }
    if (failed) {
        free(value);
        emu_respond_error(req, resp, 500, "internal.out_of_memory", "Out of memory.", NULL);
        goto done;
    }
    emu_respond_data(req, resp, 200, emu_session_detail(emu, index));
done:
    emu_checks_free(&c);
    cJSON_Delete(body);
}

foil_status_t foil_emulator_session_id(foil_emulator_t *emu, size_t index, char **out) {
    if (!out) return FOIL_E_INVALID_ARGUMENT;
    *out = NULL;
    if (!emu || index >= emu->cfg.session_count) return FOIL_E_INVALID_ARGUMENT;
    char sid[EMU_ID_MAX];
    emu_session_id_at(emu, index, sid);
    *out = emu_strdup(sid);
    return *out ? FOIL_OK : FOIL_E_NOMEM;
}
