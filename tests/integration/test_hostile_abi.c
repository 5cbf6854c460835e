/* Every function of the public ABI called with hostile arguments, as an FFI caller can
 * pass them: each pointer NULL in turn, empty, non-UTF-8 and long strings, buffers
 * without a NUL where a length is given, lengths of zero, out-of-range numbers, JSON
 * views of the wrong type; the other arguments valid handles made against the embedded
 * emulator. The calls are generated from the headers (tests/abi/gen_hostile_calls.py,
 * hostile_calls.inc). Every call must return (no crash: run under ASan / valgrind), a
 * status must be a known one, an owned out-parameter must be NULL after a failure (and
 * written after every call), an error_out NULL after a success, and a string returned
 * must be UTF-8. Every symbol of core/foil.sym must have its calls here. */
#include "foil_emulator.h"
#include "foil_test.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LONG_TEXT_LEN 100000
#define MAX_BUFFERS 16

typedef struct fx {
    foil_emulator_t *emu; /* shared by every call */
    const char *function; /* the function under test, for messages */
    int variant;
    int violations;
    foil_client_t *client;
    foil_result_t *result;
    foil_page_t *page;
    foil_iter_t *iter;
    foil_document_t *document, *json_doc;
    foil_gate_session_t *gate_session;
    foil_error_t *error;
    foil_delivery_key_pair_t *delivery_key_pair;
    foil_delivery_payload_t *delivery_payload;
    foil_http_request_t *http_request;
    foil_http_response_t *http_response;
    foil_loop_t *loop;
    foil_cancel_t *cancel;
    foil_json_writer_t *json_writer;
    char *exported, *envelope, *delivery_request, *pkcs8;
    char *buffers[MAX_BUFFERS];
    size_t buffer_count;
} fx_t;

typedef struct hostile_row {
    const char *name;
    void (*call)(fx_t *fx, int variant);
    int variants;
} hostile_row_t;

/* An out-parameter starts pointing here, so a call that never writes it is seen. */
static char fx_sentinel;
static char long_text[LONG_TEXT_LEN + 1];

static void violation(fx_t *fx, const char *what, const char *detail) {
    fx->violations++;
    print_message("VIOLATION %s (variant %d): %s %s\n", fx->function, fx->variant, what,
                  detail ? detail : "");
}

/* Fixture values, made on first use within one call and freed after it. */
static foil_client_t *fx_client(fx_t *fx) {
    if (!fx->client) {
        assert_int_equal(foil_client_new(&fx->client), FOIL_OK);
        assert_int_equal(foil_client_set_base_url(fx->client, foil_emulator_base_url(fx->emu)),
                         FOIL_OK);
        assert_int_equal(foil_client_set_secret_key(fx->client, foil_emulator_secret_key(fx->emu)),
                         FOIL_OK);
        assert_int_equal(foil_client_set_timeout_ms(fx->client, 5000), FOIL_OK);
    }
    return fx->client;
}
static const char *fx_base_url(fx_t *fx) {
    return foil_emulator_base_url(fx->emu);
}
static const char *fx_secret_key(fx_t *fx) {
    return foil_emulator_secret_key(fx->emu);
}
static foil_result_t *fx_result(fx_t *fx) {
    if (!fx->result)
        assert_int_equal(
            foil_call(fx_client(fx), "sessions.list", "{\"limit\":2}", &fx->result, NULL), FOIL_OK);
    return fx->result;
}
static foil_page_t *fx_page(fx_t *fx) {
    if (!fx->page)
        assert_int_equal(foil_sessions_list(fx_client(fx), 2, NULL, NULL, NULL, &fx->page),
                         FOIL_OK);
    return fx->page;
}
static foil_iter_t *fx_iter(fx_t *fx) {
    if (!fx->iter)
        assert_int_equal(
            foil_call_iter(fx_client(fx), "sessions.list", "{\"limit\":2}", &fx->iter, NULL),
            FOIL_OK);
    return fx->iter;
}
static foil_document_t *fx_document(fx_t *fx) {
    if (!fx->document) {
        const char *text = "{\"a\":1,\"data\":[{\"id\":\"x\"}],\"id\":\"x\"}";
        assert_int_equal(foil_document_parse(text, strlen(text), &fx->document), FOIL_OK);
    }
    return fx->document;
}
static const foil_json_t *json_root(fx_t *fx) {
    if (!fx->json_doc) {
        const char *text = "{\"a\":1,\"b\":[1,\"x\"],\"c\":\"text\",\"id\":\"x\"}";
        assert_int_equal(foil_document_parse(text, strlen(text), &fx->json_doc), FOIL_OK);
    }
    return foil_document_root(fx->json_doc);
}
static const foil_json_t *fx_json_object(fx_t *fx) {
    return json_root(fx);
}
static const foil_json_t *fx_json_string(fx_t *fx) {
    return foil_json_get(json_root(fx), "c");
}
static const foil_json_t *fx_json_array(fx_t *fx) {
    return foil_json_get(json_root(fx), "b");
}
static foil_gate_session_t *fx_gate_session(fx_t *fx) {
    if (!fx->gate_session)
        assert_int_equal(foil_gate_session_create_ex(fx_client(fx), "acme", "Ada", "{}",
                                                     &fx->gate_session, NULL),
                         FOIL_OK);
    return fx->gate_session;
}
static const char *fx_exported(fx_t *fx) {
    if (!fx->exported)
        assert_int_equal(foil_gate_session_export(fx_gate_session(fx), &fx->exported), FOIL_OK);
    return fx->exported;
}
static foil_error_t *fx_error(fx_t *fx) {
    if (!fx->error) assert_int_equal(foil_error_new(FOIL_E_NOT_FOUND, "m", &fx->error), FOIL_OK);
    return fx->error;
}
static foil_delivery_key_pair_t *fx_delivery_key_pair(fx_t *fx) {
    if (!fx->delivery_key_pair)
        assert_int_equal(foil_delivery_key_pair_new(&fx->delivery_key_pair), FOIL_OK);
    return fx->delivery_key_pair;
}
static const char *fx_delivery_request(fx_t *fx) {
    if (!fx->delivery_request)
        assert_int_equal(
            foil_delivery_key_pair_request_json(fx_delivery_key_pair(fx), &fx->delivery_request),
            FOIL_OK);
    return fx->delivery_request;
}
static const char *fx_pkcs8(fx_t *fx) {
    if (!fx->pkcs8)
        assert_int_equal(foil_delivery_key_pair_export_pkcs8(fx_delivery_key_pair(fx), &fx->pkcs8),
                         FOIL_OK);
    return fx->pkcs8;
}
static const char *fx_public_key(fx_t *fx) {
    return foil_delivery_key_pair_public_key(fx_delivery_key_pair(fx));
}
static const char *fx_envelope(fx_t *fx) {
    if (!fx->envelope)
        assert_int_equal(foil_gate_delivery_encrypt(
                             fx_delivery_request(fx),
                             "{\"version\":1,\"outputs\":{\"FOO_KEY\":\"v\"}}", &fx->envelope),
                         FOIL_OK);
    return fx->envelope;
}
static foil_delivery_payload_t *fx_delivery_payload(fx_t *fx) {
    if (!fx->delivery_payload)
        assert_int_equal(foil_gate_delivery_decrypt(fx_delivery_key_pair(fx), fx_envelope(fx),
                                                    &fx->delivery_payload),
                         FOIL_OK);
    return fx->delivery_payload;
}
static foil_http_request_t *fx_http_request(fx_t *fx) {
    if (!fx->http_request)
        assert_int_equal(
            foil_prepare(fx_client(fx), "sessions.list", "{\"limit\":2}", &fx->http_request, NULL),
            FOIL_OK);
    return fx->http_request;
}
static foil_http_response_t *fx_http_response(fx_t *fx) {
    if (!fx->http_response) {
        assert_int_equal(foil_http_response_new(200, &fx->http_response), FOIL_OK);
        const char *body = "{\"data\":[],\"pagination\":{\"limit\":2,\"has_more\":false,"
                           "\"next_cursor\":null},\"meta\":{\"request_id\":\"req_1\"}}";
        assert_int_equal(foil_http_response_append_body(fx->http_response, body, strlen(body)),
                         FOIL_OK);
    }
    return fx->http_response;
}
static foil_loop_t *fx_loop(fx_t *fx) {
    if (!fx->loop) assert_int_equal(foil_loop_new(fx_client(fx), &fx->loop), FOIL_OK);
    return fx->loop;
}
static foil_cancel_t *fx_cancel(fx_t *fx) {
    if (!fx->cancel) assert_int_equal(foil_cancel_new(&fx->cancel), FOIL_OK);
    return fx->cancel;
}
static foil_json_writer_t *fx_json_writer(fx_t *fx) {
    if (!fx->json_writer) assert_int_equal(foil_json_writer_new(&fx->json_writer), FOIL_OK);
    return fx->json_writer;
}
static const char *fx_long_text(fx_t *fx) {
    (void)fx;
    return long_text;
}
/* A copy of s without its NUL (ASan / valgrind see a read past the length). */
static const char *fx_unterminated(fx_t *fx, const char *s) {
    size_t n = strlen(s);
    assert_true(fx->buffer_count < MAX_BUFFERS);
    char *b = malloc(n ? n : 1);
    assert_non_null(b);
    memcpy(b, s, n);
    fx->buffers[fx->buffer_count++] = b;
    return b;
}

static void fx_end(fx_t *fx) {
    foil_loop_free(fx->loop); /* first: it borrows requests */
    foil_gate_session_free(fx->gate_session);
    foil_iter_free(fx->iter);
    foil_http_request_free(fx->http_request);
    foil_http_response_free(fx->http_response);
    foil_result_free(fx->result);
    foil_page_free(fx->page);
    foil_document_free(fx->document);
    foil_document_free(fx->json_doc);
    foil_delivery_payload_free(fx->delivery_payload);
    foil_delivery_key_pair_free(fx->delivery_key_pair);
    foil_error_free(fx->error);
    foil_json_writer_free(fx->json_writer);
    foil_cancel_free(fx->cancel);
    foil_client_free(fx->client);
    foil_string_free(fx->exported);
    foil_string_free(fx->envelope);
    foil_string_free(fx->delivery_request);
    foil_string_free(fx->pkcs8);
    for (size_t i = 0; i < fx->buffer_count; i++)
        free(fx->buffers[i]);
    foil_emulator_t *emu = fx->emu;
    int violations = fx->violations;
    memset(fx, 0, sizeof *fx);
    fx->emu = emu;
    fx->violations = violations;
}

static int utf8_valid(const unsigned char *s) {
    while (*s) {
        unsigned c = *s++;
        int more = c < 0x80             ? 0
                   : (c & 0xE0) == 0xC0 ? 1
                   : (c & 0xF0) == 0xE0 ? 2
                   : (c & 0xF8) == 0xF0 ? 3
                                        : -1;
        if (more < 0 || c == 0xC0 || c == 0xC1 || c > 0xF4) return 0;
        for (int k = 0; k < more; k++)
            if ((*s++ & 0xC0) != 0x80) return 0;
    }
    return 1;
}

/* Checks on what a call gave back. */
static void fx_status(fx_t *fx, foil_status_t st) {
    if (getenv("FOIL_HOSTILE_VERBOSE"))
        print_message("%s variant %d: %s\n", fx->function, fx->variant, foil_status_kind(st));
    if (!foil_status_name(st)) violation(fx, "returned an unknown status", NULL);
}
static void fx_owned_out(fx_t *fx, foil_status_t st, const char *name, int untouched, int is_null) {
    int error_out = strcmp(name, "error_out") == 0;
    if (untouched)
        violation(fx, "left an out-parameter unwritten:", name);
    else if (st != FOIL_OK && !error_out && !is_null)
        violation(fx, "failed with a non-NULL out-parameter:", name);
    else if (st == FOIL_OK && error_out && !is_null)
        violation(fx, "succeeded with a non-NULL", name);
    else if (st != FOIL_OK && error_out && is_null)
        violation(fx, "failed without an error copy in", name);
}
static void fx_text(fx_t *fx, const char *s) {
    if (s && !utf8_valid((const unsigned char *)s)) violation(fx, "returned text not UTF-8", NULL);
}

#include "hostile_calls.inc"

static int setup(void **state) {
    memset(long_text, 'a', LONG_TEXT_LEN);
    fx_t *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    foil_emulator_config_t cfg;
    foil_emulator_config_init(&cfg);
    cfg.session_count = 5;
    assert_int_equal(foil_emulator_start(&cfg, &fx->emu), FOIL_OK);
    foil_emulator_service_t acme = {
        .id = "acme",
        .name = "Acme",
        .outputs_json = "{\"ACME_API_KEY\":\"ak_test_hostile\"}",
    };
    assert_int_equal(foil_emulator_add_service(fx->emu, &acme), FOIL_OK);
    *state = fx;
    return 0;
}

static int teardown(void **state) {
    fx_t *fx = *state;
    foil_emulator_stop(fx->emu);
    free(fx);
    return 0;
}

static const size_t row_count = sizeof hostile_rows / sizeof hostile_rows[0];

/* Every exported symbol has its calls (a new function needs the generator run again). */
static void every_symbol_is_called(void **state) {
    (void)state;
    FILE *f = fopen(FOIL_SYMBOL_LIST, "r");
    assert_non_null(f);
    char line[256];
    int missing = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!*line) continue;
        size_t i = 0;
        while (i < row_count && strcmp(hostile_rows[i].name, line) != 0)
            i++;
        if (i == row_count) {
            print_message("no hostile calls for %s: run tests/abi/gen_hostile_calls.py\n", line);
            missing++;
        }
    }
    fclose(f);
    assert_int_equal(missing, 0);
}

static void every_function_survives_hostile_arguments(void **state) {
    fx_t *fx = *state;
    const char *only = getenv("FOIL_HOSTILE_ONLY"); /* one function, when debugging */
    for (size_t i = 0; i < row_count; i++) {
        if (only && strcmp(only, hostile_rows[i].name) != 0) continue;
        for (int v = 0; v < hostile_rows[i].variants; v++) {
            fx->function = hostile_rows[i].name;
            fx->variant = v;
            hostile_rows[i].call(fx, v);
            fx_end(fx);
        }
    }
    assert_int_equal(fx->violations, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_symbol_is_called),
        cmocka_unit_test_setup_teardown(every_function_survives_hostile_arguments, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
