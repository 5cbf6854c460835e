/* libFuzzer harness: hostile HTTP answers completed without I/O (foil/sansio.h). Each input
 * is a list of responses, each one
 *
 *   two bytes: the status (big-endian; outside 100..999 folded into it)
 *   header lines "Name: value\n" (X-Request-Id, Retry-After, any other), then "\n"
 *   the body, up to the next "\n=====\n" (the separator of the next response)
 *
 * after a first byte choosing what answers them: foil_complete for one of several
 * prepared requests (a list, a get, creates whose answers hold secrets, the Gate poll,
 * the 204 revoke), or a Gate signup fed step by step (foil_gate_session_feed): a new one
 * (the create, then polls), or one resumed from an export holding the spec's public
 * golden-vector key (polls, then the ack once approved), so that seeded deliveries
 * sealed to that key open and the fuzzer reaches the outputs and the env-var policy.
 * The byte's top bit picks a client whose response cap is 512 bytes.
 * Successful results are walked; failures go through foil_retry_decision; a list's page
 * gives the next page's request (foil_prepare_next). Seeds: fuzz/make_seeds.py. */
#include "foil/foil.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const SEPARATOR = "\n=====\n";

/* Operations completed through foil_complete, with parameters foil_prepare accepts. */
static const struct {
    const char *op, *params;
} OPERATIONS[] = {
    {"sessions.list", "{\"limit\":3,\"verdict\":\"bot\"}"},
    {"sessions.get", "{\"session_id\":\"sess_fuzz\"}"},
    {"organizations.api_keys.create", "{\"organization_id\":\"org_fuzz\",\"name\":\"k\",\"type\":"
                                      "\"secret\",\"scopes\":[\"fingerprints:list\"]}"},
    {"webhooks.create_endpoint",
     "{\"organization_id\":\"org_fuzz\",\"name\":\"h\","
     "\"url\":\"https://example.com/h\",\"event_types\":[\"gate.session.approved\"]}"},
    {"gate.sessions.create", NULL}, /* with a delivery request made at setup */
    {"gate.sessions.poll", "{\"gate_session_id\":\"gs_fuzz\",\"poll_token\":\"gtpoll_fuzz\"}"},
    {"gate.agent_tokens.revoke", "{\"agent_token\":\"agt_fuzz\"}"},
    {"organizations.api_keys.list", "{\"organization_id\":\"org_fuzz\",\"limit\":2}"},
};
#define OPERATION_COUNT (sizeof OPERATIONS / sizeof OPERATIONS[0])
#define MAX_RESPONSES 4
#define NEW_SIGNUP OPERATION_COUNT
#define RESUMED_SIGNUP (OPERATION_COUNT + 1)

/* A session exported on the harness's clients with fuzz_delivery_envelope.c's key pair
 * (the spec's public golden-vector key: not a secret); fuzz/make_seeds.py seals to it. */
static const char RESUMED[] =
    "{\"object\":\"foil_gate_session_export\",\"version\":1,"
    "\"base_url\":\"http://127.0.0.1:9\",\"id\":\"gate_fuzz\",\"service_id\":\"foil\","
    "\"account_name\":\"seed\",\"poll_token\":\"gtpoll_fuzz\","
    "\"consent_url\":\"http://127.0.0.1:9/gate?session=gate_fuzz\","
    "\"expires_at\":\"2099-01-01T00:00:00.000Z\","
    "\"private_key_pkcs8\":\"MC4CAQAwBQYDK2VuBCIEIL8KtbBiPaNXyTYwgHfrxlH5RQkpHQ41rwkX77or4_eV\"}";

static foil_client_t *clients[2];                         /* default cap, 512-byte cap */
static foil_http_request_t *prepared[2][OPERATION_COUNT]; /* immutable: completed many times */

static foil_client_t *make_client(long cap) {
    foil_client_t *c = NULL;
    if (foil_client_new(&c) != FOIL_OK ||
        foil_client_set_base_url(c, "http://127.0.0.1:9") != FOIL_OK ||
        foil_client_set_secret_key(c, "sk_test_fuzz_complete") != FOIL_OK ||
        foil_client_set_max_retries(c, 3) != FOIL_OK ||
        (cap && foil_client_set_max_response_bytes(c, cap) != FOIL_OK))
        abort();
    return c;
}

static void setup(void) {
    if (clients[0]) return;
    foil_delivery_key_pair_t *keys = NULL;
    char *delivery = NULL, create[1024];
    if (foil_delivery_key_pair_new(&keys) != FOIL_OK ||
        foil_delivery_key_pair_request_json(keys, &delivery) != FOIL_OK)
        abort();
    snprintf(create, sizeof create,
             "{\"service_id\":\"acme\",\"account_name\":\"fuzz\",\"delivery\":%s}", delivery);
    foil_string_free(delivery);
    foil_delivery_key_pair_free(keys);
    for (int k = 0; k < 2; k++) {
        clients[k] = make_client(k ? 512 : 0);
        for (size_t i = 0; i < OPERATION_COUNT; i++)
            if (foil_prepare(clients[k], OPERATIONS[i].op,
                             OPERATIONS[i].params ? OPERATIONS[i].params : create, &prepared[k][i],
                             NULL) != FOIL_OK) {
                fprintf(stderr, "%s: %s\n", OPERATIONS[i].op,
                        foil_error_message(foil_last_error()));
                abort();
            }
    }
}

static const uint8_t *find(const uint8_t *p, const uint8_t *end, const char *needle) {
    size_t n = strlen(needle);
    for (; (size_t)(end - p) >= n; p++)
        if (memcmp(p, needle, n) == 0) return p;
    return NULL;
}

/* One response from [p, end): status, header lines, body. NULL when it cannot be made
 * (only an allocation failure, which the fuzzer does not cause). */
static foil_http_response_t *parse_response(const uint8_t *p, const uint8_t *end) {
    int status = 200;
    if (end - p >= 2) {
        int v = (p[0] << 8) | p[1];
        status = v >= 100 && v <= 999 ? v : 100 + v % 900;
        p += 2;
    }
    foil_http_response_t *resp = NULL;
    if (foil_http_response_new(status, &resp) != FOIL_OK) abort();
    while (p < end && *p != '\n') { /* header lines until an empty one */
        const uint8_t *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) eol = end;
        const uint8_t *colon = memchr(p, ':', (size_t)(eol - p));
        if (colon) {
            char name[64], value[512];
            size_t nl = (size_t)(colon - p), vl = (size_t)(eol - colon - 1);
            if (nl < sizeof name && vl < sizeof value) {
                memcpy(name, p, nl);
                name[nl] = '\0';
                memcpy(value, colon + 1, vl);
                value[vl] = '\0';
                foil_http_response_add_header(resp, name, value);
            }
        }
        p = eol < end ? eol + 1 : end;
    }
    if (p < end) p++; /* the empty line */
    /* the body in two pieces, as a transport receives it */
    size_t len = (size_t)(end - p), half = len / 2;
    if (foil_http_response_append_body(resp, p, half) != FOIL_OK ||
        foil_http_response_append_body(resp, p + half, len - half) != FOIL_OK)
        abort();
    return resp;
}

/* Everything a caller reads from a failure. */
static void read_error(const foil_http_request_t *req, const foil_error_t *e) {
    if (!e) return;
    (void)foil_error_code(e);
    (void)foil_error_message(e);
    (void)foil_error_request_id(e);
    for (size_t i = 0; i < foil_error_field_count(e); i++)
        (void)foil_error_field_name(e, i);
    char *json = NULL;
    if (foil_json_serialize(foil_error_json(e), &json) == FOIL_OK) foil_string_free(json);
    long delay = 0;
    if (foil_retry_decision(req, 0, e, 0, &delay) && (delay < 0 || delay > 60000)) abort();
}

/* Everything a caller reads from a result; a list's next page is prepared. */
static void read_result(const foil_http_request_t *req, const foil_result_t *r) {
    if (!r) return;
    char *json = NULL;
    if (foil_json_serialize(foil_result_json(r), &json) == FOIL_OK) foil_string_free(json);
    (void)foil_result_data(r);
    (void)foil_result_request_id(r);
    (void)foil_result_http_status(r);
    for (size_t i = 0; i < foil_result_count(r); i++)
        (void)foil_result_item(r, i);
    if (foil_result_paginated(r)) {
        (void)foil_result_limit(r);
        foil_http_request_t *next = NULL;
        foil_error_t *err = NULL;
        if (foil_prepare_next(req, r, &next, &err) == FOIL_OK && next) {
            const char *target = foil_http_request_target(next);
            if (!target || !strstr(target, "cursor=")) abort();
        }
        foil_error_free(err);
        foil_http_request_free(next);
    }
}

static void complete_one(const foil_http_request_t *req, const foil_http_response_t *resp) {
    foil_result_t *r = NULL;
    foil_error_t *err = NULL;
    foil_status_t st = foil_complete(req, resp, &r, &err);
    if ((st == FOIL_OK) != (err == NULL) || (st != FOIL_OK && r)) abort();
    read_result(req, r);
    read_error(req, err);
    foil_result_free(r);
    foil_error_free(err);
}

static void read_session(const foil_gate_session_t *s) {
    (void)foil_gate_session_status(s);
    (void)foil_gate_session_poll_data(s);
    (void)foil_gate_session_docs_url(s);
    (void)foil_gate_session_transient_error(s);
    (void)foil_gate_session_error(s);
    for (size_t i = 0; i < foil_gate_session_output_count(s); i++) {
        (void)foil_gate_session_output_key(s, i);
        (void)foil_gate_session_output_value(s, i);
    }
    for (size_t i = 0; i < foil_gate_session_refused_count(s); i++) {
        (void)foil_gate_session_refused_key(s, i);
        (void)foil_gate_session_refused_reason(s, i);
    }
}

/* Polls answered by resps[0..n), each due at once (a wait restarted before it), then the
 * ack answered by the next response once approved. */
static void gate_wait(foil_gate_session_t *s, foil_http_response_t **resps, size_t n) {
    long wait_ms = -1;
    size_t i = 0;
    for (; i < n; i++) {
        foil_http_request_t *req = NULL;
        foil_gate_session_wait_start(s, 60000, 1000);
        if (foil_gate_session_next(s, &req, &wait_ms) != FOIL_OK || !req) return;
        foil_status_t st = foil_gate_session_feed(s, req, resps[i], &wait_ms);
        foil_http_request_free(req);
        read_session(s);
        if (st != FOIL_OK) return;
        if (wait_ms == 0) break; /* approved: the outputs are read */
    }
    foil_http_request_t *ack = NULL;
    if (++i < n && foil_gate_session_prepare_ack(s, &ack) == FOIL_OK) {
        foil_gate_session_feed(s, ack, resps[i], &wait_ms);
        foil_http_request_free(ack);
        read_session(s);
    }
}

/* A new signup: the first response answers the create, the next ones the wait. */
static void gate_signup(foil_client_t *c, foil_http_response_t **resps, size_t n) {
    foil_gate_session_t *s = NULL;
    foil_http_request_t *req = NULL;
    long wait_ms = -1;
    if (foil_gate_session_prepare_create(c, "acme", "fuzz", NULL, &s, &req) != FOIL_OK) abort();
    foil_status_t st = foil_gate_session_feed(s, req, resps[0], &wait_ms);
    foil_http_request_free(req);
    if (st == FOIL_OK) {
        (void)foil_gate_session_id(s);
        (void)foil_gate_session_consent_url(s);
        (void)foil_gate_session_expires_at(s);
        gate_wait(s, resps + 1, n - 1);
    }
    read_session(s);
    foil_gate_session_free(s);
}

/* A resumed signup: every response answers the wait. */
static void gate_resumed(foil_client_t *c, foil_http_response_t **resps, size_t n) {
    foil_gate_session_t *s = NULL;
    if (foil_gate_session_import(c, RESUMED, &s) != FOIL_OK) abort();
    gate_wait(s, resps, n);
    foil_gate_session_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    setup();
    if (size < 1) return 0;
    int capped = data[0] >> 7;
    size_t choice = (data[0] & 0x7f) % (OPERATION_COUNT + 2);
    const uint8_t *p = data + 1, *end = data + size;
    foil_http_response_t *resps[MAX_RESPONSES];
    size_t n = 0;
    while (n < MAX_RESPONSES) {
        const uint8_t *sep = find(p, end, SEPARATOR);
        resps[n++] = parse_response(p, sep ? sep : end);
        if (!sep) break;
        p = sep + strlen(SEPARATOR);
    }
    if (choice == NEW_SIGNUP) {
        gate_signup(clients[capped], resps, n);
    } else if (choice == RESUMED_SIGNUP) {
        gate_resumed(clients[capped], resps, n);
    } else {
        for (size_t i = 0; i < n; i++) /* each answer on its own */
            complete_one(prepared[capped][choice], resps[i]);
    }
    for (size_t i = 0; i < n; i++)
        foil_http_response_free(resps[i]);
    return 0;
}
