/* The emulator over raw HTTP (libcurl, no libfoil client): status codes, headers, error
 * envelopes, request ids, keep-alive, every fault kind, rate limits and the consent form. */
#include "foil_test.h"

#include "foil_emulator.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

typedef struct reply {
    long status;
    CURLcode rc;
    char body[1 << 16];
    size_t len;
    size_t total; /* bytes received, including those past the buffer */
    char request_id[64];
    char content_type[96];
    char retry_after[16];
    char location[160];
} reply_t;

typedef struct env {
    foil_emulator_t *emu;
    CURL *curl; /* one handle: one keep-alive connection */
} env;

static size_t on_body(char *p, size_t size, size_t n, void *ud) {
    reply_t *r = ud;
    size_t add = size * n;
    size_t room = sizeof r->body - 1 - r->len;
    size_t copy = add < room ? add : room;
    memcpy(r->body + r->len, p, copy);
    r->len += copy;
    r->body[r->len] = '\0';
    r->total += add;
    return add;
}

static void header_value(const char *line, size_t n, const char *name, char *out, size_t outsz) {
    size_t k = strlen(name);
    if (n <= k || strncasecmp(line, name, k) != 0) return;
    const char *v = line + k;
    size_t len = n - k;
    while (len && (*v == ' '))
        v++, len--;
    while (len && (v[len - 1] == '\r' || v[len - 1] == '\n'))
        len--;
    if (len >= outsz) len = outsz - 1;
    memcpy(out, v, len);
    out[len] = '\0';
}

static size_t on_header(char *p, size_t size, size_t n, void *ud) {
    reply_t *r = ud;
    header_value(p, size * n, "x-request-id:", r->request_id, sizeof r->request_id);
    header_value(p, size * n, "content-type:", r->content_type, sizeof r->content_type);
    header_value(p, size * n, "retry-after:", r->retry_after, sizeof r->retry_after);
    header_value(p, size * n, "location:", r->location, sizeof r->location);
    return size * n;
}

/* One request; auth NULL sends no Authorization header. */
static reply_t *call(env *e, const char *method, const char *path, const char *auth,
                     const char *body, const char *content_type) {
    reply_t *r = calloc(1, sizeof *r);
    char url[512], h_auth[256], h_ct[128];
    snprintf(url, sizeof url, "%s%s", foil_emulator_base_url(e->emu), path);
    struct curl_slist *headers = NULL;
    if (auth) {
        snprintf(h_auth, sizeof h_auth, "Authorization: Bearer %s", auth);
        headers = curl_slist_append(headers, h_auth);
    }
    if (body) {
        snprintf(h_ct, sizeof h_ct, "Content-Type: %s",
                 content_type ? content_type : "application/json");
        headers = curl_slist_append(headers, h_ct);
    }
    CURL *c = e->curl;
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    if (body) curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    r->rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_slist_free_all(headers);
    return r;
}

/* Checks the error envelope (FOIL-API §6) and returns its parsed body. */
static cJSON *assert_error(const reply_t *r, long status, const char *code) {
    assert_int_equal(r->rc, CURLE_OK);
    assert_int_equal(r->status, status);
    assert_true(strncmp(r->content_type, "application/json", 16) == 0);
    cJSON *root = cJSON_Parse(r->body);
    assert_non_null(root);
    assert_int_equal(cJSON_GetArraySize(root), 1);
    cJSON *err = cJSON_GetObjectItem(root, "error");
    assert_string_equal(cJSON_GetObjectItem(err, "code")->valuestring, code);
    assert_int_equal(cJSON_GetObjectItem(err, "status")->valueint, status);
    assert_true(cJSON_IsBool(cJSON_GetObjectItem(err, "retryable")));
    assert_int_equal(cJSON_IsTrue(cJSON_GetObjectItem(err, "retryable")),
                     status == 429 || status >= 500);
    const char *rid = cJSON_GetObjectItem(err, "request_id")->valuestring;
    assert_int_equal(strlen(rid), 36);
    assert_memory_equal(rid, "req_", 4);
    assert_string_equal(rid, r->request_id);
    return root;
}

static int setup(void **state) {
    env *e = calloc(1, sizeof *e);
    foil_emulator_config_t cfg;
    foil_emulator_config_init(&cfg);
    assert_int_equal(foil_emulator_start(&cfg, &e->emu), FOIL_OK);
    e->curl = curl_easy_init();
    *state = e;
    return 0;
}

static int teardown(void **state) {
    env *e = *state;
    curl_easy_cleanup(e->curl);
    foil_emulator_stop(e->emu);
    free(e);
    return 0;
}

static void envelopes_and_request_ids(void **state) {
    env *e = *state;
    reply_t *r = call(e, "GET", "/v1/gate/registry", NULL, NULL, NULL);
    assert_int_equal(r->status, 200);
    cJSON *root = cJSON_Parse(r->body);
    const char *rid =
        cJSON_GetObjectItem(cJSON_GetObjectItem(root, "meta"), "request_id")->valuestring;
    assert_string_equal(rid, r->request_id);
    cJSON_Delete(root);
    char first[64];
    snprintf(first, sizeof first, "%s", r->request_id);
    free(r);
    r = call(e, "GET", "/v1/gate/registry", NULL, NULL, NULL);
    assert_string_not_equal(first, r->request_id);
    free(r);

    cJSON_Delete(assert_error(r = call(e, "GET", "/v1/sessions", NULL, NULL, NULL), 401,
                              "auth.missing_api_key"));
    free(r);
    cJSON_Delete(assert_error(r = call(e, "GET", "/v1/sessions", "sk_test_nope", NULL, NULL), 401,
                              "auth.invalid_api_key"));
    free(r);
    cJSON_Delete(assert_error(r = call(e, "GET", "/v1/nowhere", NULL, NULL, NULL), 404,
                              "request.not_found"));
    free(r);
    cJSON_Delete(assert_error(r = call(e, "PUT", "/v1/sessions", NULL, NULL, NULL), 405,
                              "request.method_not_allowed"));
    free(r);
    cJSON_Delete(assert_error(r = call(e, "POST", "/v1/gate/sessions", NULL, "{oops", NULL), 400,
                              "request.invalid_json"));
    free(r);
    const char *sk = foil_emulator_secret_key(e->emu);
    root = assert_error(r = call(e, "GET", "/v1/sessions?limit=999", sk, NULL, NULL), 422,
                        "request.validation_failed");
    cJSON *details = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "error"), "details");
    cJSON *field = cJSON_GetArrayItem(cJSON_GetObjectItem(details, "fields"), 0);
    assert_string_equal(cJSON_GetObjectItem(field, "name")->valuestring, "limit");
    assert_string_equal(cJSON_GetObjectItem(field, "received")->valuestring, "999");
    assert_string_equal(cJSON_GetObjectItem(details, "parameter_set")->valuestring, "sessions");
    cJSON_Delete(root);
    free(r);

    char *narrow = NULL;
    FOIL_ASSERT_OK(foil_emulator_add_secret_key(e->emu, "fingerprints:list", &narrow));
    cJSON_Delete(assert_error(r = call(e, "GET", "/v1/sessions", narrow, NULL, NULL), 403,
                              "auth.insufficient_scope"));
    free(r);
    r = call(e, "GET", "/v1/fingerprints?limit=1", narrow, NULL, NULL);
    assert_int_equal(r->status, 200);
    free(r);
    foil_emulator_string_free(narrow);
}

static void keep_alive_reuses_one_connection(void **state) {
    env *e = *state;
    foil_emulator_stats_t before, after;
    reply_t *r = call(e, "GET", "/v1/gate/registry", NULL, NULL, NULL); /* warm the connection */
    free(r);
    foil_emulator_stats(e->emu, &before);
    for (int i = 0; i < 50; i++) {
        r = call(e, "GET", "/v1/gate/registry/foil", NULL, NULL, NULL);
        assert_int_equal(r->status, 200);
        free(r);
    }
    foil_emulator_stats(e->emu, &after);
    assert_int_equal(after.requests - before.requests, 50);
    assert_int_equal(after.connections, before.connections);
}

static void every_fault_kind(void **state) {
    env *e = *state;
    const char *sk = foil_emulator_secret_key(e->emu);
    reply_t *r;

    FOIL_ASSERT_OK(foil_emulator_inject_fault(e->emu, "GET", "/v1/sessions", 2,
                                              FOIL_EMULATOR_FAULT_STATUS, 503, 0));
    for (int i = 0; i < 2; i++) {
        cJSON_Delete(assert_error(r = call(e, "GET", "/v1/sessions", sk, NULL, NULL), 503,
                                  "server.unavailable"));
        assert_string_equal(r->retry_after, "1");
        free(r);
    }
    r = call(e, "GET", "/v1/sessions?limit=1", sk, NULL, NULL);
    assert_int_equal(r->status, 200);
    free(r);

    /* Only the matching method and prefix are affected. */
    FOIL_ASSERT_OK(foil_emulator_inject_fault(e->emu, "POST", "/v1/gate", 1,
                                              FOIL_EMULATOR_FAULT_STATUS, 500, 0));
    r = call(e, "GET", "/v1/gate/registry", NULL, NULL, NULL);
    assert_int_equal(r->status, 200);
    free(r);
    cJSON_Delete(assert_error(r = call(e, "POST", "/v1/gate/sessions", NULL, "{}", NULL), 500,
                              "server.unavailable"));
    free(r);

    struct timespec t0, t1;
    FOIL_ASSERT_OK(foil_emulator_inject_fault(e->emu, NULL, "/v1/gate/registry", 1,
                                              FOIL_EMULATOR_FAULT_DELAY, 0, 300));
    clock_gettime(CLOCK_MONOTONIC, &t0);
    r = call(e, "GET", "/v1/gate/registry", NULL, NULL, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_int_equal(r->status, 200);
    assert_true((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 >= 290);
    free(r);

    FOIL_ASSERT_OK(foil_emulator_inject_fault(e->emu, "GET", "/v1/gate/registry", 1,
                                              FOIL_EMULATOR_FAULT_RESET, 0, 0));
    r = call(e, "GET", "/v1/gate/registry", NULL, NULL, NULL);
    assert_true(r->rc == CURLE_RECV_ERROR || r->rc == CURLE_PARTIAL_FILE);
    free(r);

    FOIL_ASSERT_OK(foil_emulator_inject_fault(e->emu, "GET", "/v1/gate/registry", 1,
                                              FOIL_EMULATOR_FAULT_TRUNCATE, 0, 0));
    r = call(e, "GET", "/v1/gate/registry", NULL, NULL, NULL);
    assert_true(r->rc == CURLE_PARTIAL_FILE || r->rc == CURLE_RECV_ERROR);
    assert_true(r->len > 0);
    assert_null(cJSON_Parse(r->body));
    free(r);

    FOIL_ASSERT_OK(foil_emulator_inject_fault(e->emu, "GET", "/v1/gate/registry", 1,
                                              FOIL_EMULATOR_FAULT_CORRUPT, 0, 0));
    r = call(e, "GET", "/v1/gate/registry", NULL, NULL, NULL);
    assert_int_equal(r->rc, CURLE_OK);
    assert_int_equal(r->status, 200);
    assert_string_equal(r->content_type, "application/json");
    assert_null(cJSON_Parse(r->body));
    free(r);

    FOIL_ASSERT_OK(foil_emulator_inject_fault(e->emu, "GET", "/v1/gate/registry", 1,
                                              FOIL_EMULATOR_FAULT_CONTENT_TYPE, 502, 0));
    r = call(e, "GET", "/v1/gate/registry", NULL, NULL, NULL);
    assert_int_equal(r->status, 502);
    assert_true(strncmp(r->content_type, "text/html", 9) == 0);
    free(r);

    FOIL_ASSERT_OK(foil_emulator_inject_fault(e->emu, "GET", "/v1/gate/registry", 1,
                                              FOIL_EMULATOR_FAULT_OVERSIZED, 0, 0));
    r = call(e, "GET", "/v1/gate/registry", NULL, NULL, NULL);
    assert_int_equal(r->rc, CURLE_OK);
    assert_true(r->total == 64u * 1024 * 1024);
    free(r);

    /* Healthy again, on the same handle. */
    r = call(e, "GET", "/v1/gate/registry", NULL, NULL, NULL);
    assert_int_equal(r->status, 200);
    cJSON *healthy = cJSON_Parse(r->body);
    assert_non_null(healthy);
    cJSON_Delete(healthy);
    free(r);

    assert_int_equal(
        foil_emulator_inject_fault(e->emu, "GET", "/", 0, FOIL_EMULATOR_FAULT_DELAY, 0, 1),
        FOIL_E_INVALID_ARGUMENT);
    assert_int_equal(
        foil_emulator_inject_fault(e->emu, "GET", "/", 1, FOIL_EMULATOR_FAULT_STATUS, 200, 0),
        FOIL_E_INVALID_ARGUMENT);
    assert_int_equal(foil_emulator_fault_kind_from_name("content_type"),
                     FOIL_EMULATOR_FAULT_CONTENT_TYPE);
    assert_int_equal(foil_emulator_fault_kind_from_name("bogus"), 0);
}

static void gate_poll_auth_and_consent_form(void **state) {
    env *e = *state;
    foil_delivery_key_pair_t *kp = NULL;
    char *delivery = NULL;
    FOIL_ASSERT_OK(foil_delivery_key_pair_new(&kp));
    FOIL_ASSERT_OK(foil_delivery_key_pair_request_json(kp, &delivery));
    char body[512];
    snprintf(body, sizeof body,
             "{\"service_id\":\"foil\",\"account_name\":\"raw\",\"delivery\":%s}", delivery);
    reply_t *r = call(e, "POST", "/v1/gate/sessions", NULL, body, NULL);
    assert_int_equal(r->status, 201);
    cJSON *root = cJSON_Parse(r->body);
    cJSON *data = cJSON_GetObjectItem(root, "data");
    char id[64], poll[64], path[128];
    snprintf(id, sizeof id, "%s", cJSON_GetObjectItem(data, "id")->valuestring);
    snprintf(poll, sizeof poll, "%s", cJSON_GetObjectItem(data, "poll_token")->valuestring);
    const char *consent = cJSON_GetObjectItem(data, "consent_url")->valuestring;
    assert_true(strncmp(consent, foil_emulator_base_url(e->emu),
                        strlen(foil_emulator_base_url(e->emu))) == 0);
    cJSON_Delete(root);
    free(r);
    snprintf(path, sizeof path, "/v1/gate/sessions/%s", id);

    cJSON_Delete(
        assert_error(r = call(e, "GET", path, NULL, NULL, NULL), 401, "auth.missing_api_key"));
    free(r);
    cJSON_Delete(assert_error(r = call(e, "GET", path, "gtpoll_wrong", NULL, NULL), 403,
                              "gate.invalid_poll_token"));
    free(r);

    /* The consent page renders a form with the approval token; posting it approves. */
    char page[128];
    snprintf(page, sizeof page, "/gate?session=%s", id);
    r = call(e, "GET", page, NULL, NULL, NULL);
    assert_int_equal(r->status, 200);
    assert_true(strncmp(r->content_type, "text/html", 9) == 0);
    const char *tok = strstr(r->body, "name=\"token\" value=\"");
    assert_non_null(tok);
    char token[64];
    sscanf(tok + strlen("name=\"token\" value=\""), "%63[^\"]", token);
    assert_non_null(strstr(r->body, "id=\"approve\""));
    assert_non_null(strstr(r->body, "id=\"deny\""));
    free(r);
    char form[256];
    snprintf(form, sizeof form, "session=%s&token=%s&decision=approve", id, "gtappr_forged");
    r = call(e, "POST", "/gate/decision", NULL, form, "application/x-www-form-urlencoded");
    assert_int_equal(r->status, 403);
    free(r);
    snprintf(form, sizeof form, "session=%s&token=%s&decision=approve", id, token);
    r = call(e, "POST", "/gate/decision", NULL, form, "application/x-www-form-urlencoded");
    assert_int_equal(r->status, 303);
    assert_non_null(strstr(r->location, id));
    free(r);

    r = call(e, "GET", path, poll, NULL, NULL);
    assert_int_equal(r->status, 200);
    root = cJSON_Parse(r->body);
    data = cJSON_GetObjectItem(root, "data");
    assert_string_equal(cJSON_GetObjectItem(data, "status")->valuestring, "approved");
    cJSON *bundle = cJSON_GetObjectItem(data, "delivery_bundle");
    char *gate_env = cJSON_PrintUnformatted(cJSON_GetObjectItem(bundle, "gate"));
    foil_delivery_payload_t *payload = NULL;
    FOIL_ASSERT_OK(foil_gate_delivery_decrypt(kp, gate_env, &payload));
    const char *ack = foil_delivery_payload_ack_token(payload);
    assert_non_null(ack);
    assert_memory_equal(ack, "gtack_", 6);
    assert_non_null(foil_delivery_payload_output(payload, "FOIL_GATE_AGENT_TOKEN"));
    char ack_body[128];
    snprintf(ack_body, sizeof ack_body, "{\"ack_token\":\"%s\"}", ack);
    free(r);
    snprintf(path, sizeof path, "/v1/gate/sessions/%s/ack", id);
    r = call(e, "POST", path, poll, ack_body, NULL);
    assert_int_equal(r->status, 200);
    free(r);
    cJSON_Delete(assert_error(r = call(e, "POST", path, poll, ack_body, NULL), 410,
                              "gate.delivery_consumed"));
    free(r);
    foil_delivery_payload_free(payload);
    free(gate_env);
    cJSON_Delete(root);
    foil_string_free(delivery);
    foil_delivery_key_pair_free(kp);
}

static void rate_limits(void **state) {
    (void)state;
    env e = {0};
    foil_emulator_config_t cfg;
    foil_emulator_config_init(&cfg);
    cfg.rate_limit = 1;
    cfg.rate_limit_secret = 3;
    assert_int_equal(foil_emulator_start(&cfg, &e.emu), FOIL_OK);
    e.curl = curl_easy_init();
    const char *sk = foil_emulator_secret_key(e.emu);
    for (int i = 0; i < 3; i++) {
        reply_t *r = call(&e, "GET", "/v1/sessions?limit=1", sk, NULL, NULL);
        assert_int_equal(r->status, 200);
        free(r);
    }
    reply_t *r = call(&e, "GET", "/v1/sessions?limit=1", sk, NULL, NULL);
    cJSON_Delete(assert_error(r, 429, "rate_limit.exceeded"));
    assert_true(atoi(r->retry_after) >= 1);
    free(r);
    curl_easy_cleanup(e.curl);
    foil_emulator_stop(e.emu);
}

int main(void) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(envelopes_and_request_ids),
        cmocka_unit_test(keep_alive_reuses_one_connection),
        cmocka_unit_test(every_fault_kind),
        cmocka_unit_test(gate_poll_auth_and_consent_form),
        cmocka_unit_test(rate_limits),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    curl_global_cleanup();
    return rc;
}
