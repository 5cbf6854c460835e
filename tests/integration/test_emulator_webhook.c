/* The emulator's Gate approval through an integrator webhook: a small integrator (on
 * libmicrohttpd) checks the X-Foil-Signature and the gate.session.approved payload with
 * libfoil and answers with an encrypted_delivery; plus auto-approval, denial and logins. */
#include "foil_test.h"

#include "foil_emulator.h"

#include <microhttpd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WEBHOOK_SECRET "whsec_integration_test"

typedef struct integrator {
    struct MHD_Daemon *daemon;
    atomic_int calls;
    atomic_int bad_signatures;
    char body[8192];
    size_t len;
} integrator_t;

static enum MHD_Result on_webhook(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *size, void **req_cls) {
    (void)url, (void)method, (void)version;
    integrator_t *in = cls;
    if (!*req_cls) {
        *req_cls = in;
        in->len = 0;
        return MHD_YES;
    }
    if (*size) {
        size_t n = *size < sizeof in->body - 1 - in->len ? *size : sizeof in->body - 1 - in->len;
        memcpy(in->body + in->len, data, n);
        in->len += n;
        in->body[in->len] = '\0';
        *size = 0;
        return MHD_YES;
    }
    atomic_fetch_add(&in->calls, 1);
    const char *ts = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Foil-Timestamp");
    const char *sig = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Foil-Signature");
    char *reply = NULL;
    unsigned status = 401;
    if (ts && sig &&
        foil_webhook_signature_verify(WEBHOOK_SECRET, ts, in->body, in->len, sig, 0, 0) ==
            FOIL_OK) {
        cJSON *event = cJSON_Parse(in->body);
        cJSON *payload = cJSON_GetObjectItem(event, "data");
        char *payload_text = cJSON_PrintUnformatted(payload);
        status = 400;
        if (strcmp(cJSON_GetObjectItem(event, "type")->valuestring, "gate.session.approved") == 0 &&
            foil_gate_approved_webhook_payload_validate(payload_text) == FOIL_OK) {
            char *delivery = cJSON_PrintUnformatted(cJSON_GetObjectItem(payload, "delivery"));
            if (foil_gate_approved_webhook_response(
                    delivery, "{\"ACME_API_KEY\":\"ak_from_webhook\"}", &reply) == FOIL_OK)
                status = 200;
            free(delivery);
        }
        free(payload_text);
        cJSON_Delete(event);
    } else {
        atomic_fetch_add(&in->bad_signatures, 1);
    }
    const char *text = reply ? reply : "{\"error\":\"rejected\"}";
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result rc = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    foil_string_free(reply);
    foil_error_clear(); /* this server thread outlives the request */
    return rc;
}

typedef struct env {
    foil_emulator_t *emu;
    foil_client_t *client;
    integrator_t in;
} env;

static int setup(void **state) {
    env *e = calloc(1, sizeof *e);
    e->in.daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, on_webhook,
                                    &e->in, MHD_OPTION_END);
    assert_non_null(e->in.daemon);
    unsigned port = MHD_get_daemon_info(e->in.daemon, MHD_DAEMON_INFO_BIND_PORT)->port;
    foil_emulator_config_t cfg;
    foil_emulator_config_init(&cfg);
    cfg.auto_approve_ms = 0;
    assert_int_equal(foil_emulator_start(&cfg, &e->emu), FOIL_OK);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u/webhook", port);
    foil_emulator_service_t hooked = {.id = "hooked",
                                      .webhook_url = url,
                                      .webhook_secret = WEBHOOK_SECRET,
                                      .dashboard_login_url = "https://hooked.example/login"};
    FOIL_ASSERT_OK(foil_emulator_add_service(e->emu, &hooked));
    foil_emulator_service_t wrong = {
        .id = "wrong-secret", .webhook_url = url, .webhook_secret = "whsec_not_it"};
    FOIL_ASSERT_OK(foil_emulator_add_service(e->emu, &wrong));
    foil_emulator_service_t plain = {.id = "plain", .outputs_json = "{\"PLAIN_KEY\":\"p\"}"};
    FOIL_ASSERT_OK(foil_emulator_add_service(e->emu, &plain));
    assert_int_equal(foil_emulator_add_service(e->emu, &plain), FOIL_E_CONFLICT);
    foil_emulator_service_t bad = {.id = "Bad Id", .outputs_json = "{}"};
    assert_int_equal(foil_emulator_add_service(e->emu, &bad), FOIL_E_INVALID_ARGUMENT);
    FOIL_ASSERT_OK(foil_client_new(&e->client));
    FOIL_ASSERT_OK(foil_client_set_base_url(e->client, foil_emulator_base_url(e->emu)));
    *state = e;
    return 0;
}

static int teardown(void **state) {
    env *e = *state;
    foil_client_free(e->client);
    foil_emulator_stop(e->emu);
    MHD_stop_daemon(e->in.daemon);
    free(e);
    return 0;
}

static foil_gate_session_t *create(env *e, const char *service) {
    foil_gate_session_t *s = NULL;
    FOIL_ASSERT_OK(
        foil_gate_session_create(e->client, service, "hooked-project", "{\"plan\":\"pro\"}", &s));
    return s;
}

static void approval_calls_the_signed_webhook(void **state) {
    env *e = *state;
    foil_gate_session_t *s = create(e, "hooked");
    FOIL_ASSERT_OK(foil_emulator_approve(e->emu, foil_gate_session_id(s)));
    assert_int_equal(atomic_load(&e->in.calls), 1);
    assert_int_equal(atomic_load(&e->in.bad_signatures), 0);
    FOIL_ASSERT_OK(foil_gate_session_poll(s));
    assert_string_equal(foil_gate_session_status(s), "approved");
    assert_string_equal(foil_gate_session_output(s, "ACME_API_KEY"), "ak_from_webhook");
    const char *agt = foil_gate_session_output(s, "HOOKED_GATE_AGENT_TOKEN");
    assert_non_null(agt);
    assert_memory_equal(agt, "agt_", 4);
    FOIL_ASSERT_OK(foil_gate_session_ack(s));
    assert_int_equal(foil_emulator_approve(e->emu, foil_gate_session_id(s)), FOIL_E_STATE);
    foil_gate_session_free(s);
}

/* The integrator's webhook carries the signup's metadata as it was sent: an integer above
 * 2^53 keeps its digits, a 2.0 its fraction (the real API stores JSON, not doubles). */
static void metadata_reaches_the_webhook_exactly(void **state) {
    env *e = *state;
    foil_gate_session_t *s = NULL;
    FOIL_ASSERT_OK(foil_gate_session_create(e->client, "hooked", "hooked-project",
                                            "{\"n\":9007199254740993,\"f\":2.0,\"s\":\"x\"}", &s));
    FOIL_ASSERT_OK(foil_emulator_approve(e->emu, foil_gate_session_id(s)));
    assert_non_null(
        strstr(e->in.body, "\"metadata\":{\"n\":9007199254740993,\"f\":2.0,\"s\":\"x\"}"));
    foil_gate_session_free(s);
}

static void a_failing_webhook_keeps_the_session_pending(void **state) {
    env *e = *state;
    foil_gate_session_t *s = create(e, "wrong-secret");
    assert_int_equal(foil_emulator_approve(e->emu, foil_gate_session_id(s)), FOIL_E_API);
    assert_true(atomic_load(&e->in.bad_signatures) >= 1);
    FOIL_ASSERT_OK(foil_gate_session_poll(s));
    assert_string_equal(foil_gate_session_status(s), "pending");
    FOIL_ASSERT_OK(foil_emulator_deny(e->emu, foil_gate_session_id(s)));
    assert_int_equal(foil_emulator_deny(e->emu, foil_gate_session_id(s)), FOIL_E_STATE);
    assert_int_equal(foil_emulator_approve(e->emu, "gate_unknown"), FOIL_E_NOT_FOUND);
    foil_gate_session_free(s);
}

static void outputs_service_without_dashboard_has_no_agent_token(void **state) {
    env *e = *state;
    foil_gate_session_t *s = create(e, "plain");
    FOIL_ASSERT_OK(foil_emulator_approve(e->emu, foil_gate_session_id(s)));
    FOIL_ASSERT_OK(foil_gate_session_poll(s));
    assert_string_equal(foil_gate_session_output(s, "PLAIN_KEY"), "p");
    assert_null(foil_gate_session_output(s, "PLAIN_GATE_AGENT_TOKEN"));
    assert_int_equal(foil_gate_session_output_count(s), 1);
    foil_gate_session_free(s);
}

static void auto_approval_on_poll(void **state) {
    (void)state;
    foil_emulator_config_t cfg;
    foil_emulator_config_init(&cfg);
    cfg.auto_approve_ms = 50;
    cfg.session_count = 0;
    foil_emulator_t *emu = NULL;
    FOIL_ASSERT_OK(foil_emulator_start(&cfg, &emu));
    foil_client_t *c = NULL;
    FOIL_ASSERT_OK(foil_client_new(&c));
    FOIL_ASSERT_OK(foil_client_set_base_url(c, foil_emulator_base_url(emu)));
    foil_gate_session_t *s = NULL;
    FOIL_ASSERT_OK(foil_gate_session_create(c, "foil", "auto", NULL, &s));
    FOIL_ASSERT_OK(foil_gate_session_poll(s));
    assert_string_equal(foil_gate_session_status(s), "pending");
    struct timespec ts = {0, 80 * 1000000L};
    nanosleep(&ts, NULL);
    FOIL_ASSERT_OK(foil_gate_session_poll(s));
    assert_string_equal(foil_gate_session_status(s), "approved");
    foil_gate_session_free(s);
    foil_client_free(c);
    foil_emulator_stop(emu);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(approval_calls_the_signed_webhook),
        cmocka_unit_test(metadata_reaches_the_webhook_exactly),
        cmocka_unit_test(a_failing_webhook_keeps_the_session_pending),
        cmocka_unit_test(outputs_service_without_dashboard_has_no_agent_token),
        cmocka_unit_test(auto_approval_on_poll),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
