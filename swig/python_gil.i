/* python_gil.i: the GIL around C calls (included by python.i, before any declaration).
 *
 * Which calls release it. Releasing and re-taking the GIL costs more than a short call
 * saves: with other threads waiting, the caller queues behind them to get it back (CPython's
 * own hashlib releases it only above 2 KiB of input). So short CPU-bound calls keep it
 * (accessors, setters, errors, the model and operation tables, key pairs, env policy), and
 * so do token, webhook and delivery calls unless their input is long
 * (FOIL_PY_LONG_INPUT). Everything else releases it: every request (SWIG's -threads is the
 * default, so a new call that waits on the network releases it without a line here), and
 * every call on a Gate session or an iterator, whose handles may be waited for while another
 * thread's call on them runs.
 *
 * Ctrl-C during a call that releases the GIL. Python runs signal handlers on the main
 * thread, between bytecodes: a call that waits for the server would delay the handler (and
 * its KeyboardInterrupt) until the server answers. So a main-thread call runs with its own
 * cancel token bound (foil/cancel.h) whose check the core runs at each tick of its waits
 * (about every 0.1 s): the check takes the GIL back for a moment and runs the pending
 * handlers (PyErr_CheckSignals, so a custom SIGINT handler is honoured). If a handler
 * raised, the token fires, the call ends with FOIL_E_CANCELLED within a tick, and the
 * wrapper raises the handler's exception instead (also when the call had completed
 * meanwhile: its results are dropped). Other threads' calls are untouched: the token is this
 * call's. The exception is kept for the wrapper in a thread-local until the call returns:
 * %typemap(out) and %typemap(ret) of foil_status_t (python.i) take it.
 */

/* SWIG's GIL macros, with the release of a call (BEGIN/END_ALLOW) replaced by ours.
 * SWIG_PYTHON_NO_USE_GIL makes SWIG take the macros defined here. */
%begin %{
#define SWIG_PYTHON_NO_USE_GIL
#define SWIG_PYTHON_INITIALIZE_THREADS
#define SWIG_PYTHON_THREAD_BEGIN_BLOCK PyGILState_STATE _swig_thread_block = PyGILState_Ensure()
#define SWIG_PYTHON_THREAD_END_BLOCK PyGILState_Release(_swig_thread_block)
#define SWIG_PYTHON_THREAD_BEGIN_ALLOW                                                             \
    foil_py_wait_t _foil_py_wait;                                                                  \
    foil_py_wait_begin(&_foil_py_wait)
#define SWIG_PYTHON_THREAD_END_ALLOW foil_py_wait_end(&_foil_py_wait)
%}

%{
#include <pthread.h>
#include <time.h>
#include "foil/cancel.h"

/* Inputs at least this long are worth releasing the GIL for (~50-100 us of work). */
#define FOIL_PY_LONG_INPUT (64 * 1024)

/* The core runs a token's check at each tick of a wait and on transfer progress; the GIL
 * is taken back at most this often. */
#define FOIL_PY_CHECK_EVERY_NS 50000000LL

typedef struct {
    PyThreadState *tstate;  /* saved while the GIL is released */
    foil_cancel_t *token;   /* main thread only; NULL elsewhere */
    foil_cancel_t *outer;   /* the token bound before (a call made by a signal handler) */
    long long checked_ns;   /* when the check last ran (or the call began) */
    PyObject *exc_type, *exc_value, *exc_tb; /* what a signal handler raised */
} foil_py_wait_t;

/* The main thread's id (signal handlers run there only); after fork() the forking thread is
 * the child's main thread. */
static unsigned long foil_py_main_thread;

static void foil_py_after_fork(void) {
    foil_py_main_thread = PyThread_get_thread_ident();
}

static void foil_py_gil_init(void) {
    PyObject *threading = PyImport_ImportModule("threading");
    PyObject *main = threading ? PyObject_CallMethod(threading, "main_thread", NULL) : NULL;
    PyObject *ident = main ? PyObject_GetAttrString(main, "ident") : NULL;
    foil_py_main_thread = ident ? PyLong_AsUnsignedLong(ident) : PyThread_get_thread_ident();
    if (PyErr_Occurred()) {
        PyErr_Clear();
        foil_py_main_thread = PyThread_get_thread_ident();
    }
    Py_XDECREF(ident);
    Py_XDECREF(main);
    Py_XDECREF(threading);
    pthread_atfork(NULL, NULL, foil_py_after_fork);
}

static long long foil_py_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The token's check, on the waiting (main) thread without the GIL: non-zero cancels. */
static int foil_py_wait_check(void *context) {
    foil_py_wait_t *w = (foil_py_wait_t *)context;
    long long now = foil_py_now_ns();
    if (now - w->checked_ns < FOIL_PY_CHECK_EVERY_NS) return 0;
    w->checked_ns = now;
    PyEval_RestoreThread(w->tstate);
    int raised = PyErr_CheckSignals() != 0;
    if (raised) PyErr_Fetch(&w->exc_type, &w->exc_value, &w->exc_tb);
    w->tstate = PyEval_SaveThread();
    return raised;
}

/* The exception a signal handler raised during this thread's last call, not yet raised. */
static _Thread_local PyObject *foil_py_interrupt_type, *foil_py_interrupt_value,
    *foil_py_interrupt_tb;

static void foil_py_wait_begin(foil_py_wait_t *w) {
    w->token = NULL;
    w->outer = NULL;
    w->exc_type = w->exc_value = w->exc_tb = NULL;
    if (PyThread_get_thread_ident() == foil_py_main_thread &&
        foil_cancel_new(&w->token) == FOIL_OK) {
        w->outer = foil_cancel_bound();
        w->checked_ns = foil_py_now_ns();
        foil_cancel_set_check(w->token, foil_py_wait_check, w);
        foil_cancel_bind(w->token);
    }
    w->tstate = PyEval_SaveThread();
}

static void foil_py_wait_end(foil_py_wait_t *w) {
    PyEval_RestoreThread(w->tstate);
    if (!w->token) return;
    foil_cancel_bind(w->outer);
    foil_cancel_free(w->token);
    if (w->exc_type) {
        Py_XDECREF(foil_py_interrupt_type);
        Py_XDECREF(foil_py_interrupt_value);
        Py_XDECREF(foil_py_interrupt_tb);
        foil_py_interrupt_type = w->exc_type;
        foil_py_interrupt_value = w->exc_value;
        foil_py_interrupt_tb = w->exc_tb;
    }
}

/* 1 and the handler's exception set when the call just made was interrupted. */
static int foil_py_take_interrupt(void) {
    if (!foil_py_interrupt_type) return 0;
    PyErr_Restore(foil_py_interrupt_type, foil_py_interrupt_value, foil_py_interrupt_tb);
    foil_py_interrupt_type = foil_py_interrupt_value = foil_py_interrupt_tb = NULL;
    return 1;
}
%}

%init %{
    foil_py_gil_init();
%}

/* Calls that release the GIL only for a long input: NAME's wrapper is %nothread and
 * releases it itself when LEN (an expression over its C arguments arg1, arg2, ...) is at
 * least FOIL_PY_LONG_INPUT. */
%define FOIL_PY_RELEASE_IF_LONG(NAME, LEN)
%nothread NAME;
%exception NAME {
    if ((size_t)(LEN) >= FOIL_PY_LONG_INPUT) {
        SWIG_PYTHON_THREAD_BEGIN_ALLOW;
        $action
        SWIG_PYTHON_THREAD_END_ALLOW;
    } else {
        $action
    }
}
%enddef

%{
static size_t foil_py_strlen(const char *s) {
    return s ? strlen(s) : 0;
}
%}

FOIL_PY_RELEASE_IF_LONG(foil_sealed_token_verify, foil_py_strlen(arg1))
FOIL_PY_RELEASE_IF_LONG(foil_sealed_token_safe_verify, foil_py_strlen(arg1))
FOIL_PY_RELEASE_IF_LONG(foil_webhook_signature_compute, arg4)
FOIL_PY_RELEASE_IF_LONG(foil_webhook_signature_verify, arg4)
FOIL_PY_RELEASE_IF_LONG(foil_webhook_event_parse, arg2)
FOIL_PY_RELEASE_IF_LONG(foil_webhook_event_verify_and_parse, arg4)
FOIL_PY_RELEASE_IF_LONG(foil_document_parse, arg2)
FOIL_PY_RELEASE_IF_LONG(foil_gate_delivery_decrypt, foil_py_strlen(arg2))
FOIL_PY_RELEASE_IF_LONG(foil_gate_delivery_encrypt, foil_py_strlen(arg2))
FOIL_PY_RELEASE_IF_LONG(foil_gate_approved_webhook_response, foil_py_strlen(arg2))
FOIL_PY_RELEASE_IF_LONG(foil_gate_approved_webhook_payload_validate, foil_py_strlen(arg1))
FOIL_PY_RELEASE_IF_LONG(foil_gate_delivery_request_validate, foil_py_strlen(arg1))

/* Short calls: keep the GIL. */
%nothread foil_status_str;
%nothread foil_status_kind;
%nothread foil_status_count;
%nothread foil_status_at;
%nothread foil_status_name;
%nothread foil_status_parent;
%nothread foil_version_string;
%nothread foil_version_number;
%nothread foil_error_status;
%nothread foil_error_http_status;
%nothread foil_error_code;
%nothread foil_error_message;
%nothread foil_error_retryable;
%nothread foil_error_request_id;
%nothread foil_error_docs_url;
%nothread foil_error_next_action;
%nothread foil_error_retry_after;
%nothread foil_error_body;
%nothread foil_error_details;
%nothread foil_error_field_count;
%nothread foil_error_field_name;
%nothread foil_error_field_issue;
%nothread foil_error_field_expected;
%nothread foil_error_field_received;
%nothread foil_error_allowed_value_count;
%nothread foil_error_allowed_value;
%nothread foil_error_json;
%nothread foil_error_copy;
%nothread foil_document_root;
%nothread foil_client_new;
%nothread foil_client_set_secret_key;
%nothread foil_client_set_base_url;
%nothread foil_client_base_url;
%nothread foil_client_set_timeout_ms;
%nothread foil_client_set_connect_timeout_ms;
%nothread foil_client_set_ca_bundle;
%nothread foil_client_set_proxy;
%nothread foil_client_set_user_agent;
%nothread foil_client_set_client_suffix;
%nothread foil_client_set_max_retries;
%nothread foil_client_set_max_response_bytes;
%nothread foil_client_set_prefetch;
%nothread foil_client_configure;
%nothread foil_client_cancel;
%nothread foil_client_connections_opened;
%nothread foil_result_data;
%nothread foil_result_json;
%nothread foil_result_request_id;
%nothread foil_result_http_status;
%nothread foil_result_count;
%nothread foil_result_item;
%nothread foil_page_count;
%nothread foil_page_item;
%nothread foil_page_items;
%nothread foil_page_limit;
%nothread foil_page_has_more;
%nothread foil_page_next_cursor;
%nothread foil_page_request_id;
%nothread foil_page_json;
%nothread foil_delivery_key_pair_new;
%nothread foil_delivery_key_pair_import_pkcs8;
%nothread foil_delivery_key_pair_export_pkcs8;
%nothread foil_delivery_key_pair_public_key;
%nothread foil_delivery_key_pair_key_id;
%nothread foil_delivery_key_pair_request_json;
%nothread foil_gate_delivery_key_id;
%nothread foil_delivery_payload_output_count;
%nothread foil_delivery_payload_output_key;
%nothread foil_delivery_payload_output_value;
%nothread foil_delivery_payload_output;
%nothread foil_delivery_payload_outputs;
%nothread foil_delivery_payload_ack_token;
%nothread foil_delivery_payload_json;
%nothread foil_gate_agent_token_env_key;
%nothread foil_env_key_is_blocked;
%nothread foil_env_key_is_gate_managed;
%nothread foil_env_key_is_valid_name;
%nothread foil_env_key_refusal;
%nothread foil_operation_count;
%nothread foil_operation_method;
%nothread foil_operation_path;
%nothread foil_operation_name;
%nothread foil_operation_auth;
%nothread foil_operation_sdk_name;
%nothread foil_operation_params;
%nothread foil_operation_paginated;
%nothread foil_model_count;
%nothread foil_model_info;
%nothread foil_model_field_count;
%nothread foil_model_field_info;
/* Destructors of handles no call waits on: a plain free. */
%nothread foil_page::~foil_page;
%nothread foil_result::~foil_result;
%nothread foil_document::~foil_document;
%nothread foil_delivery_key_pair::~foil_delivery_key_pair;
%nothread foil_delivery_payload::~foil_delivery_payload;
%nothread foil_error::~foil_error;
