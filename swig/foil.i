/* foil.i: the one SWIG interface over libfoil's public C ABI, shared by every language.
 *
 * Everything that does not depend on the target language lives here: which headers are
 * wrapped (all of them), which handles exist and how they are freed (FOIL_HANDLE), what is
 * not wrapped, and the embedded emulator's plain-argument constructors. The C conventions
 * become native idioms through typemaps keyed on types and argument names (the Subversion
 * approach), so a new function that follows the conventions needs no glue:
 *   foil_status_t        -> a native exception for the status (raise hook)
 *   T **out              -> the new handle, owned by the garbage collector (freed by T's free)
 *   char **out           -> a native string (the C copy is wiped by foil_string_free)
 *   const foil_json_t *  -> native dicts / lists / scalars (convert hook)
 * Names lose their foil_ prefix: foil_sessions_list -> sessions_list.
 *
 *   foil_error_t **error_out -> nothing in; a failure raised from that owned record
 * Each language file (python.i, ruby.i, lua.i) holds only that language's spelling. It is
 * included before anything is declared and must define:
 *   FOIL_OUT_HANDLE(TYPE_T)       typemaps for `TYPE_T **out`: the new handle, owned;
 *   FOIL_OUT_STRING(NAME, FREE)   typemaps for `char **NAME`: a native string, then FREE(*NAME);
 *   %typemap(out) foil_status_t   raise on failure (foil_last_error() / foil_error_json());
 *   %typemap(out) foil_status_t FOIL_STATUS_FROM_ERROR_OUT   no raise: the status of a
 *                                 function with error_out, raised after its outputs (below);
 *   FOIL_RAISE_OWNED(status, error_ptr)   a C macro: raise the failure *error_ptr records
 *                                 (owned; the macro takes it, *error_ptr = NULL) and leave;
 *   FOIL_CALL_RESULT, FOIL_CALL_ITER   typemaps for foil_call's `foil_result_t **out` and
 *                                 foil_call_iter's `foil_iter_t **out` (FOIL_OUT_HANDLE, or
 *                                 the response converted at once);
 *   FOIL_BLOCKING(NAME)           how NAME, a call that waits on the network, lets the
 *                                 language's other threads run (empty without a lock);
 *   %typemap(out) const foil_json_t *, and `const foil_json_t **item` (iterator items);
 *   the input typemaps it needs (strings, bodies as `(const char *body, size_t body_len)`);
 *   FOIL_OUT_BODY_LEN             typemaps for `size_t *body_len` after a `const char *`
 *                                 result: the bytes as the language's (binary) string, or
 *                                 nil/None when the result is NULL.
 * Nothing in a language file may include cJSON or an internal core header: JSON is read
 * through the public walk in foil/json.h.
 */
%module foil

%include <stdint.i>

%{
#include "foil/foil.h"
#ifdef FOIL_WITH_EMULATOR
#include "foil_emulator.h"
#endif
%}

/* Names: foil_sessions_list -> sessions_list (for the language helpers too). */
%rename("%(strip:[foil_])s") "";

/* ---- Per-language spelling (typemaps, raise and convert hooks). */
#if defined(SWIGPYTHON)
%include "python.i"
#elif defined(SWIGRUBY)
%include "ruby.i"
#elif defined(SWIGLUA)
%include "lua.i"
#else
#error "foil.i: no language file for this SWIG target"
#endif

/* ---- Handles. FOIL_HANDLE(foil_x, foil_x_free) declares the opaque class `x` for
 * `foil_x_t`: a handle returned through `foil_x_t **out` belongs to the caller and is
 * released by foil_x_free() when the native object is collected; the free function is not
 * wrapped (a double free would be one call away). The class is declared before the
 * headers, after the language file, so every feature a language file sets applies to it
 * (SWIG-NOTES S1); a language file may %extend it (methods are merged back). */
%define FOIL_HANDLE(TYPE, FREE)
FOIL_OUT_HANDLE(TYPE##_t)
%ignore FREE;
%nodefaultctor TYPE;
%nodefaultdtor TYPE;
%extend TYPE {
    ~TYPE() { FREE($self); }
}
struct TYPE {};
%enddef

FOIL_HANDLE(foil_client, foil_client_free)
FOIL_HANDLE(foil_page, foil_page_free)
FOIL_HANDLE(foil_result, foil_result_free)
FOIL_HANDLE(foil_iter, foil_iter_free)
FOIL_HANDLE(foil_document, foil_document_free)
FOIL_HANDLE(foil_delivery_key_pair, foil_delivery_key_pair_free)
FOIL_HANDLE(foil_delivery_payload, foil_delivery_payload_free)
FOIL_HANDLE(foil_gate_session, foil_gate_session_free)
FOIL_HANDLE(foil_error, foil_error_free)
FOIL_HANDLE(foil_json_writer, foil_json_writer_free)
FOIL_HANDLE(foil_cancel, foil_cancel_free)
FOIL_HANDLE(foil_http_request, foil_http_request_free)
FOIL_HANDLE(foil_http_response, foil_http_response_free)

/* ---- Failures handed back as an owned record: foil_call, foil_call_iter,
 * foil_client_configure and the _ex constructors. A binding raises from that record, the
 * failed call's own, not from foil_last_error(): the runtime may run code on the calling
 * thread during the call (Ruby's interrupt handlers), and that code's calls replace the
 * thread's record. The status is raised after the outputs are converted (a failure leaves
 * them NULL), so nothing is left to free. */
%typemap(in, numinputs=0) foil_error_t **error_out (foil_error_t *temp = NULL) "$1 = &temp;";
%typemap(argout) foil_error_t **error_out "if (result != FOIL_OK) FOIL_RAISE_OWNED(result, $1);";
%typemap(freearg) foil_error_t **error_out "foil_error_free(*$1);";
%apply foil_status_t FOIL_STATUS_FROM_ERROR_OUT {
    foil_status_t foil_call, foil_status_t foil_call_iter, foil_status_t foil_client_configure,
    foil_status_t foil_gate_session_create_ex, foil_status_t foil_gate_session_import_ex,
    foil_status_t foil_prepare, foil_status_t foil_complete, foil_status_t foil_complete_failure,
    foil_status_t foil_prepare_next
};

/* ---- Calls that wait on the network. */
FOIL_BLOCKING(foil_call)

/* ---- Owned strings: `char **out` is copied into a native string, then wiped and freed. */
FOIL_OUT_STRING(out, foil_string_free)
%ignore foil_string_free;

/* ---- Not wrapped.
 * A borrowed JSON view is converted to native data by every language, so a function that
 * takes one as its first argument (the json.h walk, the models.h accessors) has no use in
 * a binding: the converters call them in C. */
%rename("$ignore", %$isfunction, regexmatch$decl="^f\\(p\\.q\\(const\\)\\.foil_json_t[,)]") "";
/* Raw callbacks and manual reference counts: bindings loop over the step call instead of
 * passing a C callback, and their garbage collector owns every handle. */
%ignore foil_gate_session_wait;
%ignore foil_gate_progress_fn;
%ignore foil_client_retain;
%ignore foil_client_release;
/* A borrowed handle (the session's own key pair) would outlive its owner in a binding. */
%ignore foil_gate_session_key_pair;
/* So would a handle's last failure, which another thread's failing call also replaces:
 * a binding raises from the failed call itself (its C glue may read these in that call). */
%ignore foil_gate_session_error;
%ignore foil_gate_session_transient_error;
%ignore foil_iter_error;
/* The calling thread's error is read by the raise hook, in the same C call. */
%ignore foil_last_error;
%ignore foil_error_clear;

/* A token is bound to the calling thread by the binding's own C code around one call (see
 * cancel.h): a script that bound one would leave it bound to whatever thread ran it. Its
 * check is a C callback. */
%ignore foil_cancel_bind;
%ignore foil_cancel_bound;
%ignore foil_cancel_set_check;
/* The whole value list is a C array: bindings read it with foil_contract_value(set, i). */
%ignore foil_contract_values;

/* foil_status_at() returns a row's status value, not the outcome of a call: an integer in
 * every language (the status typemap would raise it). */
%apply int { foil_status_t foil_status_at };

/* ---- Every public header (foil/foil.h's list; SWIG does not follow #include). */
%include "foil/common.h"
%include "foil/json.h"
%include "foil/json_writer.h"
%include "foil/arguments.h"
%include "foil/error.h"
%include "foil/document.h"
%include "foil/client.h"
%include "foil/result.h"
%include "foil/delivery.h"
%include "foil/env_policy.h"
%include "foil/sealed_token.h"
%include "foil/webhooks.h"
%include "foil/operations.h"
%include "foil/models.h"
%include "foil/sessions.h"
%include "foil/gate_sessions.h"
/* Without I/O: a prepared request, a response built as it arrives, the result (a handle,
 * as foil_call's in Python and Lua). The body goes out as the language's byte string
 * (FOIL_OUT_BODY_LEN: `size_t *body_len`) and comes in as any body argument does. The
 * Gate signup's steps hand their request back through `foil_http_request_t **request`. */
%apply (const char *body, size_t body_len) { (const void *data, size_t len) };
FOIL_OUT_BODY_LEN
%include "foil/sansio.h"
%apply foil_http_request_t **out { foil_http_request_t **request };
%include "foil/gate_session.h"
%include "foil/fingerprints.h"
%include "foil/organizations.h"
%include "foil/api_keys.h"
%include "foil/webhook_endpoints.h"
%include "foil/gate_registry.h"
%include "foil/gate_services.h"
%include "foil/gate_login.h"
%include "foil/cancel.h"
%include "foil/contract.h"
/* The event-loop transport: its typemaps, then foil/loop.h (after sansio.h). */
%include "loop.i"
/* Last, so that FOIL_CALL_RESULT and FOIL_CALL_ITER apply to the outputs of foil_call and
 * foil_call_iter alone. */
FOIL_CALL_RESULT
FOIL_CALL_ITER
%include "foil/call.h"
FOIL_OUT_HANDLE(foil_result_t)
FOIL_OUT_HANDLE(foil_iter_t)

#ifdef FOIL_WITH_EMULATOR
/* The embedded emulator, for users' own tests. Structs with string members are built
 * here from plain arguments, so no language ever stores a borrowed string in C. */
FOIL_HANDLE(foil_emulator, foil_emulator_stop)
FOIL_OUT_STRING(key_out, foil_emulator_string_free)
FOIL_OUT_STRING(code_out, foil_emulator_string_free)
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
#endif
