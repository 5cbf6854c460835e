/* foil.i: the one SWIG interface over libfoil's C ABI, shared by every language.
 *
 * It maps the C conventions onto native idioms with typemaps keyed on argument names
 * (the Subversion approach), so new functions that follow the conventions need no glue:
 *   foil_status_t        -> a native exception built from foil_last_error()
 *   T **out              -> the new handle, owned by the garbage collector (freed by T's own free)
 *   char **out           -> a native string (the C copy is wiped by foil_string_free)
 *   const foil_json_t *  -> native dicts / lists / scalars, converted in one C call
 * The language files (python.i, ruby.i, lua.i) define how each of those is spelled:
 *   FOIL_OUT_HANDLE(TYPE), FOIL_OUT_STRING(NAME, FREE), the json and bytes typemaps,
 *   and the status typemap. Names lose their foil_ prefix: foil_sessions_list -> sessions_list.
 */
%module foil

%include <stdint.i>

%{
#include "foil/foil.h"
#include "foil/webhook_endpoints.h"
#ifdef FOIL_WITH_GATE_EXTRAS
#include "foil/gate_registry.h"
#include "foil/gate_services.h"
#include "foil/gate_login.h"
#endif
#ifdef FOIL_WITH_EMULATOR
#include "foil_emulator.h"
#endif
%}

/* Names: foil_sessions_list -> sessions_list (for the language helpers too). */
%rename("%(strip:[foil_])s") "";

/* Per-language typemaps and helpers. */
#if defined(SWIGPYTHON)
%include "python.i"
#elif defined(SWIGRUBY)
%include "ruby.i"
#elif defined(SWIGLUA)
%include "lua.i"
#endif

/* ---- Ownership: every handle returned through `T **out` belongs to the caller. */
FOIL_OUT_HANDLE(foil_client_t)
FOIL_OUT_HANDLE(foil_page_t)
FOIL_OUT_HANDLE(foil_result_t)
FOIL_OUT_HANDLE(foil_iter_t)
FOIL_OUT_HANDLE(foil_document_t)
FOIL_OUT_HANDLE(foil_delivery_key_pair_t)
FOIL_OUT_HANDLE(foil_delivery_payload_t)
FOIL_OUT_HANDLE(foil_gate_session_t)
FOIL_OUT_STRING(out, foil_string_free)
#ifdef FOIL_WITH_EMULATOR
FOIL_OUT_HANDLE(foil_emulator_t)
FOIL_OUT_STRING(key_out, foil_emulator_string_free)
FOIL_OUT_STRING(code_out, foil_emulator_string_free)
#endif

/* ---- Free functions are destructors. */
%ignore foil_client_free;
%ignore foil_page_free;
%ignore foil_result_free;
%ignore foil_iter_free;
%ignore foil_document_free;
%ignore foil_delivery_key_pair_free;
%ignore foil_delivery_payload_free;
%ignore foil_gate_session_free;
%ignore foil_string_free;
/* Borrowed handles and raw callbacks get a language-specific wrapper instead. */
%ignore foil_gate_session_key_pair;
%ignore foil_gate_session_wait;
%ignore foil_gate_progress_fn;
%ignore foil_client_retain;
%ignore foil_client_release;

%include "foil/common.h"
%include "foil/document.h"
%include "foil/client.h"
%include "foil/result.h"
%include "foil/delivery.h"
%include "foil/env_policy.h"
%include "foil/sealed_token.h"
%include "foil/webhooks.h"
%include "foil/operations.h"
%include "foil/sessions.h"
%include "foil/gate_sessions.h"
%include "foil/gate_session.h"
%include "foil/fingerprints.h"
%include "foil/organizations.h"
%include "foil/api_keys.h"
%include "foil/webhook_endpoints.h"
#ifdef FOIL_WITH_GATE_EXTRAS
%include "foil/gate_registry.h"
%include "foil/gate_services.h"
%include "foil/gate_login.h"
#endif

/* The status table (FOIL_STATUS_TABLE), row by row, so each language builds its exception
 * classes from the same list: value and enum name here, kind and text from
 * foil_status_kind() / foil_status_str(). */
%{
#define FOIL_BINDING_STATUS_ROW(name, value, kind, parent, text) {value, #name},
static const struct {
    int value;
    const char *name;
} foil_binding_status_rows[] = {FOIL_STATUS_TABLE(FOIL_BINDING_STATUS_ROW)};
#undef FOIL_BINDING_STATUS_ROW
%}
%inline %{
/* Number of rows in FOIL_STATUS_TABLE. */
size_t foil_binding_status_count(void) {
    return sizeof foil_binding_status_rows / sizeof foil_binding_status_rows[0];
}
/* Value of row i (-1 when out of range). */
int foil_binding_status_value(size_t i) {
    return i < foil_binding_status_count() ? foil_binding_status_rows[i].value : -1;
}
/* Enum name of row i ("FOIL_E_NOT_FOUND"), NULL when out of range. */
const char *foil_binding_status_name(size_t i) {
    return i < foil_binding_status_count() ? foil_binding_status_rows[i].name : NULL;
}
%}

#ifdef FOIL_WITH_EMULATOR
/* The embedded emulator, for users' own tests. Structs with string members are built
 * here from plain arguments, so no language ever stores a borrowed string in C. */
%ignore foil_emulator_stop;
%ignore foil_emulator_string_free;
%ignore foil_emulator_main;
%ignore foil_emulator_config_init;
%ignore foil_emulator_start;
%ignore foil_emulator_add_service;
%ignore foil_emulator_stats;
%ignore foil_emulator_config;
%ignore foil_emulator_service;
%include "foil_emulator.h"
%inline %{
/* Start an emulator on loopback. Zero means the documented default for every number. */
foil_status_t foil_binding_emulator_start(unsigned port, uint64_t seed, size_t session_count,
                                          size_t fingerprint_count, unsigned gate_ttl_seconds,
                                          unsigned auto_approve_ms, int rate_limit,
                                          unsigned threads, foil_emulator_t **out) {
    foil_emulator_config_t cfg;
    foil_emulator_config_init(&cfg);
    cfg.port = port;
    if (seed) cfg.seed = seed;
    if (session_count) cfg.session_count = session_count;
    if (fingerprint_count) cfg.fingerprint_count = fingerprint_count;
    if (gate_ttl_seconds) cfg.gate_ttl_seconds = gate_ttl_seconds;
    cfg.auto_approve_ms = auto_approve_ms;
    cfg.rate_limit = rate_limit;
    if (threads) cfg.threads = threads;
    return foil_emulator_start(&cfg, out);
}
/* Register a Gate service (see foil_emulator_service_t); NULL strings are unset. */
foil_status_t foil_binding_emulator_add_service(foil_emulator_t *emu, const char *id,
                                                const char *name, const char *outputs_json,
                                                const char *webhook_url,
                                                const char *webhook_secret,
                                                const char *dashboard_login_url, int hidden) {
    foil_emulator_service_t svc = {id,          name, outputs_json, webhook_url, webhook_secret,
                                   dashboard_login_url, hidden};
    return foil_emulator_add_service(emu, &svc);
}
/* Requests answered so far. */
uint64_t foil_binding_emulator_requests(const foil_emulator_t *emu) {
    foil_emulator_stats_t st = {0, 0};
    foil_emulator_stats(emu, &st);
    return st.requests;
}
%}
%nodefaultctor foil_emulator;
%nodefaultdtor foil_emulator;
%extend foil_emulator {
    ~foil_emulator() { foil_emulator_stop($self); }
}
struct foil_emulator {};
#endif

/* ---- Handles, declared last so every typemap and feature above applies (SWIG-NOTES S1). */
%nodefaultctor foil_client;
%nodefaultctor foil_page;
%nodefaultctor foil_result;
%nodefaultctor foil_iter;
%nodefaultctor foil_document;
%nodefaultctor foil_delivery_key_pair;
%nodefaultctor foil_delivery_payload;
%nodefaultctor foil_gate_session;
%nodefaultdtor foil_client;
%nodefaultdtor foil_page;
%nodefaultdtor foil_result;
%nodefaultdtor foil_iter;
%nodefaultdtor foil_document;
%nodefaultdtor foil_delivery_key_pair;
%nodefaultdtor foil_delivery_payload;
%nodefaultdtor foil_gate_session;
%extend foil_client { ~foil_client() { foil_client_free($self); } }
%extend foil_page { ~foil_page() { foil_page_free($self); } }
%extend foil_result { ~foil_result() { foil_result_free($self); } }
%extend foil_iter { ~foil_iter() { foil_iter_free($self); } }
%extend foil_document { ~foil_document() { foil_document_free($self); } }
%extend foil_delivery_key_pair { ~foil_delivery_key_pair() { foil_delivery_key_pair_free($self); } }
%extend foil_delivery_payload { ~foil_delivery_payload() { foil_delivery_payload_free($self); } }
%extend foil_gate_session { ~foil_gate_session() { foil_gate_session_free($self); } }
struct foil_client {};
struct foil_page {};
struct foil_result {};
struct foil_iter {};
struct foil_document {};
struct foil_delivery_key_pair {};
struct foil_delivery_payload {};
struct foil_gate_session {};
