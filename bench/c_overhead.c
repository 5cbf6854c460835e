/* C request overhead: libfoil against a hand-written libcurl + cJSON loop doing the same
 * requests (a Gate session poll and one 200-item sessions page) on one reused connection.
 *
 * Fairness: both sides send the same headers, keep one connection alive, parse the whole
 * body with cJSON and read the same fields (poll status; every item id, has_more and the
 * next cursor of a page). Rounds interleave the two sides (ABBA order) so machine noise
 * hits both alike; each side's per-request time is a round's batch time / batch size, and
 * the ratio is the median of the per-round ratios.
 *
 * Usage: c_overhead [--base-url URL --secret-key KEY] [--rounds N] [--poll-batch N]
 *                   [--list-batch N]
 * Without --base-url (or FOIL_BASE_URL) an emulator is started in this process.
 * Prints one JSON object on stdout. */
#define _POSIX_C_SOURCE 200809L
#include "bench_stats.h"
#include "foil_emulator.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <foil/foil.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_LIMIT 200

typedef struct options {
    const char *base_url;
    const char *secret_key;
    int rounds;
    int poll_batch;
    int list_batch;
} options;

/* The hand-written side: one easy handle configured once, headers built once. */
typedef struct raw_client {
    CURL *easy;
    struct curl_slist *list_headers;
    struct curl_slist *poll_headers;
    char list_url[512];
    char poll_url[512];
    char *body;
    size_t len, cap;
    long connects;
} raw_client;

/* The libfoil side. */
typedef struct foil_side {
    foil_client_t *client;
    foil_gate_session_t *session;
} foil_side;

static volatile size_t sink; /* keeps the field reads from being optimised away */

static void check_foil(foil_status_t st, const char *what) {
    if (st != FOIL_OK) bench_die(what, foil_error_message(foil_last_error()));
}

static size_t on_raw_body(char *ptr, size_t size, size_t nmemb, void *userp) {
    raw_client *r = userp;
    size_t n = size * nmemb;
    if (r->len + n + 1 > r->cap) {
        size_t cap = r->cap ? r->cap : 16384;
        while (cap < r->len + n + 1)
            cap *= 2;
        char *grown = realloc(r->body, cap);
        if (!grown) return 0;
        r->body = grown;
        r->cap = cap;
    }
    memcpy(r->body + r->len, ptr, n);
    r->len += n;
    return n;
}

static struct curl_slist *raw_headers(const char *bearer) {
    char auth[1024];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", bearer);
    const char *lines[] = {"Accept: application/json", "X-Foil-Client: libfoil-c/" FOIL_VERSION,
                           "Expect:", auth};
    struct curl_slist *list = NULL;
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
        struct curl_slist *grown = curl_slist_append(list, lines[i]);
        if (!grown) bench_die("raw headers", "out of memory");
        list = grown;
    }
    return list;
}

static void raw_init(raw_client *r, const options *o, const foil_gate_session_t *s) {
    memset(r, 0, sizeof *r);
    if (!(r->easy = curl_easy_init())) bench_die("curl_easy_init", NULL);
    r->list_headers = raw_headers(o->secret_key);
    r->poll_headers = raw_headers(foil_gate_session_poll_token(s));
    snprintf(r->list_url, sizeof r->list_url, "%s/v1/sessions?limit=%d", o->base_url, PAGE_LIMIT);
    snprintf(r->poll_url, sizeof r->poll_url, "%s/v1/gate/sessions/%s", o->base_url,
             foil_gate_session_id(s));
    curl_easy_setopt(r->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(r->easy, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(r->easy, CURLOPT_TIMEOUT_MS, 30000L);
    curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, on_raw_body);
    curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(r->easy, CURLOPT_HTTPGET, 1L);
}

static void raw_free(raw_client *r) {
    curl_slist_free_all(r->list_headers);
    curl_slist_free_all(r->poll_headers);
    curl_easy_cleanup(r->easy);
    free(r->body);
}

/* GET and parse: the whole body becomes a cJSON tree, as libfoil does. */
static cJSON *raw_get(raw_client *r, const char *url, struct curl_slist *headers) {
    r->len = 0;
    curl_easy_setopt(r->easy, CURLOPT_URL, url);
    curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, headers);
    CURLcode rc = curl_easy_perform(r->easy);
    if (rc != CURLE_OK) bench_die("raw request", curl_easy_strerror(rc));
    long status = 0, connects = 0;
    curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(r->easy, CURLINFO_NUM_CONNECTS, &connects);
    r->connects += connects;
    if (status != 200) bench_die("raw request", "HTTP status is not 200");
    cJSON *root = cJSON_ParseWithLength(r->body, r->len);
    if (!cJSON_IsObject(root)) bench_die("raw request", "body is not a JSON object");
    return root;
}

static void raw_poll(raw_client *r) {
    cJSON *root = raw_get(r, r->poll_url, r->poll_headers);
    const cJSON *status =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "data"), "status");
    if (!cJSON_IsString(status) || strcmp(status->valuestring, "pending") != 0)
        bench_die("raw poll", "status is not pending");
    cJSON_Delete(root);
}

static void raw_list(raw_client *r) {
    cJSON *root = raw_get(r, r->list_url, r->list_headers);
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(root, "data");
    const cJSON *pagination = cJSON_GetObjectItemCaseSensitive(root, "pagination");
    const cJSON *item;
    size_t count = 0;
    cJSON_ArrayForEach(item, data) {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, "id");
        if (!cJSON_IsString(id)) bench_die("raw list", "item without id");
        sink += strlen(id->valuestring);
        count++;
    }
    const cJSON *has_more = cJSON_GetObjectItemCaseSensitive(pagination, "has_more");
    const cJSON *cursor = cJSON_GetObjectItemCaseSensitive(pagination, "next_cursor");
    if (count != PAGE_LIMIT || !cJSON_IsBool(has_more) || !cJSON_IsString(cursor))
        bench_die("raw list", "unexpected page shape");
    sink += strlen(cursor->valuestring);
    cJSON_Delete(root);
}

static void foil_poll(foil_side *f) {
    check_foil(foil_gate_session_poll(f->session), "foil_gate_session_poll");
    if (strcmp(foil_gate_session_status(f->session), "pending") != 0)
        bench_die("foil poll", "status is not pending");
}

static void foil_list(foil_side *f) {
    foil_page_t *page = NULL;
    check_foil(foil_sessions_list(f->client, PAGE_LIMIT, NULL, NULL, NULL, &page),
               "foil_sessions_list");
    size_t count = foil_page_count(page);
    for (size_t i = 0; i < count; i++) {
        const char *id = foil_json_get_string(foil_page_item(page, i), "id");
        if (!id) bench_die("foil list", "item without id");
        sink += strlen(id);
    }
    const char *cursor = foil_page_next_cursor(page);
    if (count != PAGE_LIMIT || !cursor) bench_die("foil list", "unexpected page shape");
    sink += strlen(cursor) + (size_t)foil_page_has_more(page);
    foil_page_free(page);
}

typedef struct workload {
    const char *name;
    int batch;
    void (*run_foil)(foil_side *);
    void (*run_raw)(raw_client *);
} workload;

static double time_foil(const workload *w, foil_side *f) {
    double t0 = bench_now();
    for (int i = 0; i < w->batch; i++)
        w->run_foil(f);
    return (bench_now() - t0) / w->batch;
}

static double time_raw(const workload *w, raw_client *r) {
    double t0 = bench_now();
    for (int i = 0; i < w->batch; i++)
        w->run_raw(r);
    return (bench_now() - t0) / w->batch;
}

static void measure(const workload *w, int rounds, foil_side *f, raw_client *r, int last) {
    double *foil_t = calloc((size_t)rounds, sizeof *foil_t);
    double *raw_t = calloc((size_t)rounds, sizeof *raw_t);
    double *ratio = calloc((size_t)rounds, sizeof *ratio);
    if (!foil_t || !raw_t || !ratio) bench_die("measure", "out of memory");
    time_foil(w, f); /* warm-up: connections, allocator, caches */
    time_raw(w, r);
    for (int i = 0; i < rounds; i++) {
        if (i % 2 == 0) {
            foil_t[i] = time_foil(w, f);
            raw_t[i] = time_raw(w, r);
        } else {
            raw_t[i] = time_raw(w, r);
            foil_t[i] = time_foil(w, f);
        }
        ratio[i] = foil_t[i] / raw_t[i];
    }
    printf("    {\"name\": \"%s\", \"batch\": %d, \"rounds\": %d, \"libfoil_us\": %.3f, "
           "\"raw_us\": %.3f, \"ratio\": %.4f}%s\n",
           w->name, w->batch, rounds, bench_median(foil_t, (size_t)rounds) * 1e6,
           bench_median(raw_t, (size_t)rounds) * 1e6, bench_median(ratio, (size_t)rounds),
           last ? "" : ",");
    free(foil_t);
    free(raw_t);
    free(ratio);
}

static int parse_int(const char *text, const char *flag) {
    char *end = NULL;
    long v = strtol(text, &end, 10);
    if (!end || *end || v < 1 || v > 1000000) bench_die(flag, "expects a positive integer");
    return (int)v;
}

static void parse_options(int argc, char **argv, options *o) {
    *o = (options){getenv("FOIL_BASE_URL"), getenv("FOIL_SECRET_KEY"), 15, 400, 40};
    for (int i = 1; i < argc; i++) {
        const char *flag = argv[i];
        if (i + 1 >= argc) bench_die(flag, "needs a value");
        const char *value = argv[++i];
        if (strcmp(flag, "--base-url") == 0)
            o->base_url = value;
        else if (strcmp(flag, "--secret-key") == 0)
            o->secret_key = value;
        else if (strcmp(flag, "--rounds") == 0)
            o->rounds = parse_int(value, flag);
        else if (strcmp(flag, "--poll-batch") == 0)
            o->poll_batch = parse_int(value, flag);
        else if (strcmp(flag, "--list-batch") == 0)
            o->list_batch = parse_int(value, flag);
        else
            bench_die(flag, "unknown option");
    }
}

int main(int argc, char **argv) {
    options o;
    parse_options(argc, argv, &o);
    check_foil(foil_global_init(), "foil_global_init");
    foil_emulator_t *emu = NULL;
    if (!o.base_url || !*o.base_url) {
        foil_emulator_config_t cfg;
        foil_emulator_config_init(&cfg);
        cfg.session_count = 1000;
        check_foil(foil_emulator_start(&cfg, &emu), "foil_emulator_start");
        o.base_url = foil_emulator_base_url(emu);
        o.secret_key = foil_emulator_secret_key(emu);
    }
    if (!o.secret_key) bench_die("options", "--secret-key (or FOIL_SECRET_KEY) is required");

    foil_side f = {0};
    check_foil(foil_client_new(&f.client), "foil_client_new");
    check_foil(foil_client_set_base_url(f.client, o.base_url), "foil_client_set_base_url");
    check_foil(foil_client_set_secret_key(f.client, o.secret_key), "foil_client_set_secret_key");
    /* A pending signup: every poll is a full request that answers "pending". */
    check_foil(foil_gate_session_create(f.client, "foil", "bench-overhead", NULL, &f.session),
               "foil_gate_session_create");
    raw_client r;
    raw_init(&r, &o, f.session);

    const workload workloads[] = {
        {"gate_session_poll", o.poll_batch, foil_poll, raw_poll},
        {"sessions_page_200", o.list_batch, foil_list, raw_list},
    };
    size_t n = sizeof workloads / sizeof *workloads;
    printf("{\n  \"benchmark\": \"c_overhead\",\n  \"emulator\": \"%s\",\n  \"results\": [\n",
           emu ? "in-process" : "external");
    for (size_t i = 0; i < n; i++)
        measure(&workloads[i], o.rounds, &f, &r, i + 1 == n);
    printf("  ],\n  \"connections\": {\"libfoil\": %ld, \"raw\": %ld}\n}\n",
           foil_client_connections_opened(f.client), r.connects);

    raw_free(&r);
    foil_gate_session_free(f.session);
    foil_client_free(f.client);
    foil_emulator_stop(emu);
    return 0;
}
