/* libFuzzer harness: API error bodies (any bytes a server or proxy can send) through
 * the response parser, the error-envelope decoder and every last-error accessor. */
#include "internal.h"
#include "json/json_arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    int status = size ? 400 + data[0] % 200 : 500;
    foil_json_arena_t *arena = NULL;
    cJSON *envelope = NULL;
    if (size && foil_json_arena_parse((const char *)data, size, &arena, &envelope) != FOIL_OK)
        envelope = NULL;
    foil_fail_http(status, (const char *)data, size, envelope,
                   size > 1 && data[1] & 1 ? "req_header" : NULL, -1);
    foil_json_arena_free(arena, true);
    const foil_error_t *e = foil_last_error();
    (void)foil_error_code(e);
    (void)foil_error_message(e);
    (void)foil_error_request_id(e);
    (void)foil_error_docs_url(e);
    (void)foil_error_next_action(e);
    for (size_t i = 0; i < foil_error_field_count(e); i++) {
        (void)foil_error_field_name(e, i);
        (void)foil_error_field_issue(e, i);
        (void)foil_error_field_expected(e, i);
        (void)foil_error_field_received(e, i);
    }
    for (size_t i = 0; i < foil_error_allowed_value_count(e); i++)
        (void)foil_error_allowed_value(e, i);
    foil_error_clear();
    return 0;
}
