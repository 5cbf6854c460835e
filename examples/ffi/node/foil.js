'use strict';
// A small wrapper over libfoil's C ABI through koffi: opaque handles, explicit close(),
// typed errors (FoilError), and no callback from C into JavaScript anywhere.
//
// The library is found through FOIL_LIB (a path to libfoil.so.0), else the dynamic
// loader's search path ("libfoil.so.0": LD_LIBRARY_PATH, ldconfig).
const koffi = require('koffi');

const lib = koffi.load(process.env.FOIL_LIB || 'libfoil.so.0');

for (const t of ['foil_client_t', 'foil_error_t', 'foil_json_t', 'foil_result_t', 'foil_iter_t', 'foil_document_t',
                 'foil_gate_session_t', 'foil_http_request_t', 'foil_http_response_t', 'foil_loop_t']) {
    koffi.opaque(t);
}
koffi.alias('foil_status_t', 'int');

const declarations = [
    'const char *foil_status_kind(foil_status_t s)',
    'const char *foil_status_str(foil_status_t s)',
    'void foil_string_free(void *s)',
    'const foil_error_t *foil_last_error(void)',
    'foil_status_t foil_error_status(const foil_error_t *e)',
    'int foil_error_http_status(const foil_error_t *e)',
    'const char *foil_error_code(const foil_error_t *e)',
    'const char *foil_error_message(const foil_error_t *e)',
    'const char *foil_error_request_id(const foil_error_t *e)',
    'const foil_json_t *foil_error_json(const foil_error_t *e)',
    'void foil_error_free(foil_error_t *e)',
    'foil_status_t foil_call(foil_client_t *c, const char *operation, const char *params_json, _Out_ foil_result_t **out, _Out_ foil_error_t **error_out)',
    'foil_status_t foil_call_iter(foil_client_t *c, const char *operation, const char *params_json, _Out_ foil_iter_t **out, _Out_ foil_error_t **error_out)',
    'const foil_json_t *foil_result_json(const foil_result_t *r)',
    'foil_status_t foil_client_new(_Out_ foil_client_t **out)',
    'void foil_client_free(foil_client_t *c)',
    'foil_status_t foil_client_configure(foil_client_t *c, const char *options_json, _Out_ foil_error_t **error_out)',
    'const foil_json_t *foil_json_get(const foil_json_t *v, const char *key)',
    'const foil_json_t *foil_json_at(const foil_json_t *v, size_t i)',
    'const foil_json_t *foil_json_next(const foil_json_t *v)',
    'const char *foil_json_string(const foil_json_t *v)',
    'foil_status_t foil_json_serialize(const foil_json_t *v, _Out_ void **out)',
    'void foil_result_free(foil_result_t *r)',
    'foil_status_t foil_iter_next(foil_iter_t *it, _Out_ const foil_json_t **item)',
    'size_t foil_iter_pages(const foil_iter_t *it)',
    'const foil_error_t *foil_iter_error(const foil_iter_t *it)',
    'void foil_iter_free(foil_iter_t *it)',
    'foil_status_t foil_sealed_token_verify(const char *token, const char *secret, _Out_ foil_document_t **out)',
    'const foil_json_t *foil_document_root(const foil_document_t *d)',
    'void foil_document_free(foil_document_t *d)',
    'foil_status_t foil_gate_session_create_ex(foil_client_t *c, const char *service_id, const char *account_name, const char *metadata_json, _Out_ foil_gate_session_t **out, _Out_ foil_error_t **error_out)',
    'const char *foil_gate_session_id(const foil_gate_session_t *s)',
    'const char *foil_gate_session_status(const foil_gate_session_t *s)',
    'const char *foil_gate_session_account_name(const foil_gate_session_t *s)',
    'const foil_json_t *foil_gate_session_poll_data(const foil_gate_session_t *s)',
    'foil_status_t foil_gate_session_poll(foil_gate_session_t *s)',
    'const char *foil_gate_session_poll_token(const foil_gate_session_t *s)',
    'foil_status_t foil_gate_session_wait_start(foil_gate_session_t *s, long timeout_ms, long interval_ms)',
    'foil_status_t foil_gate_session_step(foil_gate_session_t *s, _Out_ long *wait_ms)',
    'void foil_gate_session_cancel(foil_gate_session_t *s)',
    'const foil_error_t *foil_gate_session_error(const foil_gate_session_t *s)',
    'const foil_json_t *foil_gate_session_outputs(const foil_gate_session_t *s)',
    'const foil_json_t *foil_gate_session_refused(const foil_gate_session_t *s)',
    'foil_status_t foil_gate_session_ack(foil_gate_session_t *s)',
    'void foil_gate_session_free(foil_gate_session_t *s)',
    // sansio.h: prepare a request, send it yourself, complete it from the response.
    'const char *foil_status_name(foil_status_t s)',
    'size_t foil_status_count(void)',
    'foil_status_t foil_status_at(size_t i)',
    'foil_status_t foil_prepare(foil_client_t *c, const char *operation, const char *params_json, _Out_ foil_http_request_t **out, _Out_ foil_error_t **error_out)',
    'const char *foil_http_request_method(const foil_http_request_t *r)',
    'const char *foil_http_request_url(const foil_http_request_t *r)',
    'size_t foil_http_request_header_count(const foil_http_request_t *r)',
    'const char *foil_http_request_header_name(const foil_http_request_t *r, size_t i)',
    'const char *foil_http_request_header_value(const foil_http_request_t *r, size_t i)',
    // The body is bytes with a length: read as a pointer, then decoded with that length.
    'const void *foil_http_request_body(const foil_http_request_t *r, _Out_ size_t *body_len)',
    'long foil_http_request_timeout_ms(const foil_http_request_t *r)',
    'long foil_http_request_max_response_bytes(const foil_http_request_t *r)',
    'void foil_http_request_free(foil_http_request_t *r)',
    'foil_status_t foil_http_response_new(int http_status, _Out_ foil_http_response_t **out)',
    'foil_status_t foil_http_response_add_header(foil_http_response_t *resp, const char *name, const char *value)',
    'foil_status_t foil_http_response_append_body(foil_http_response_t *resp, const uint8_t *data, size_t len)',
    'void foil_http_response_free(foil_http_response_t *resp)',
    'foil_status_t foil_complete(const foil_http_request_t *request, const foil_http_response_t *response, _Out_ foil_result_t **out, _Out_ foil_error_t **error_out)',
    'foil_status_t foil_complete_failure(const foil_http_request_t *request, foil_status_t status, const char *detail, _Out_ foil_error_t **error_out)',
    'int foil_retry_decision(const foil_http_request_t *request, int attempt, const foil_error_t *failure, long elapsed_ms, _Out_ long *delay_ms)',
    'foil_status_t foil_prepare_next(const foil_http_request_t *request, const foil_result_t *page, _Out_ foil_http_request_t **out, _Out_ foil_error_t **error_out)',
    // loop.h: many calls at once on Node's own event loop.
    'foil_status_t foil_loop_new(foil_client_t *client, _Out_ foil_loop_t **out)',
    'void foil_loop_free(foil_loop_t *loop)',
    'foil_status_t foil_loop_start(foil_loop_t *loop, const char *operation, const char *params_json, _Out_ uint64_t *call_id, _Out_ foil_error_t **error_out)',
    'foil_status_t foil_loop_start_request(foil_loop_t *loop, foil_http_request_t *request, _Out_ uint64_t *call_id, _Out_ foil_error_t **error_out)',
    'int foil_loop_next_change(foil_loop_t *loop, _Out_ int *fd, _Out_ int *events)',
    'long foil_loop_timeout_ms(const foil_loop_t *loop)',
    'foil_status_t foil_loop_ready(foil_loop_t *loop, int fd, int events)',
    'int foil_loop_next_done(foil_loop_t *loop, _Out_ uint64_t *call_id, _Out_ foil_status_t *status, _Out_ foil_result_t **result, _Out_ foil_error_t **error)',
    'foil_status_t foil_loop_cancel(foil_loop_t *loop, uint64_t call_id)',
    'size_t foil_loop_pending(const foil_loop_t *loop)',
];
const C = {};
for (const d of declarations) {
    const fn = lib.func(d);
    C[fn.info.name] = fn;
}

class FoilError extends Error {
    // From an error record (an owned copy or a handle's error), read through its JSON view.
    constructor(status, e) {
        const j = e ? toJS(C.foil_error_json(e)) : null;
        super(j ? j.message : C.foil_status_str(status));
        this.name = 'FoilError';
        this.status = e ? C.foil_error_status(e) : status; // foil_status_t
        this.kind = j ? j.kind : C.foil_status_kind(status); // "not_found", ...
        this.httpStatus = j ? j.status : 0;
        this.code = j ? j.code : null;
        this.requestId = j ? j.request_id : null;
        this.retryable = j ? j.retryable : false;
        this.fieldErrors = j ? j.field_errors : [];
    }
}

// For calls that only set the thread-local record: JavaScript runs on one thread, and
// a synchronous koffi call runs on it, so the record read next is this call's.
function check(st) {
    if (st !== 0) throw new FoilError(st, C.foil_last_error());
}

// For calls that hand back an owned copy (error_out): decode it, free it.
function take(st, e) {
    if (st === 0) return;
    try {
        throw new FoilError(st, e);
    } finally {
        C.foil_error_free(e);
    }
}

// koffi would cut a string at a NUL when passing it as const char *: refuse it first.
// (JSON text cannot hold one: JSON.stringify writes \u0000, which foil_call refuses.)
function checkText(field, value) {
    if (typeof value === 'string' && value.includes('\0')) {
        const e = new FoilError(1, null); // FOIL_E_INVALID_ARGUMENT
        e.code = 'client.invalid_argument';
        e.fieldErrors = [{ name: field, issue: 'must not contain NUL characters' }];
        throw e;
    }
}

// JSON view -> JS value, through libfoil's serializer (the string is freed right away).
function toJS(view) {
    const out = [null];
    const st = C.foil_json_serialize(view, out);
    if (st !== 0) throw new FoilError(st, null); // out of memory: nothing more to say
    try {
        return JSON.parse(koffi.decode(out[0], 'char', -1));
    } finally {
        C.foil_string_free(out[0]);
    }
}

function resultToJS(r) {
    try {
        return toJS(C.foil_result_json(r));
    } finally {
        C.foil_result_free(r);
    }
}

class Client {
    // options: { base_url, secret_key, timeout_ms, max_retries, ... } (foil_client_configure)
    constructor(options = {}) {
        const out = [null];
        check(C.foil_client_new(out));
        this.h = out[0];
        const err = [null];
        try {
            take(C.foil_client_configure(this.h, JSON.stringify(options), err), err[0]);
        } catch (e) {
            this.close();
            throw e;
        }
    }
    close() {
        if (this.h) C.foil_client_free(this.h);
        this.h = null;
    }
    // Run one API operation by its SDK name ("sessions.get") with a params object; the
    // whole response body as a JS value (null for an operation without content).
    call(operation, params = {}) {
        checkText('operation', operation);
        const out = [null];
        const err = [null];
        take(C.foil_call(this.h, operation, JSON.stringify(params), out, err), err[0]);
        return out[0] ? resultToJS(out[0]) : null;
    }
    // The same on a koffi worker thread, so the event loop stays free during the request.
    // The error comes from error_out: the thread-local record belongs to that worker.
    callAsync(operation, params = {}) {
        checkText('operation', operation);
        return new Promise((resolve, reject) => {
            const out = [null];
            const err = [null];
            C.foil_call.async(this.h, operation, JSON.stringify(params), out, err, (e, st) => {
                try {
                    if (e) throw e;
                    take(st, err[0]);
                    resolve(out[0] ? resultToJS(out[0]) : null);
                } catch (x) {
                    reject(x);
                }
            });
        });
    }
    // An iterator over a list operation ("sessions.list"); params.limit is the page size.
    iterate(operation, params = {}) {
        checkText('operation', operation);
        const out = [null];
        const err = [null];
        take(C.foil_call_iter(this.h, operation, JSON.stringify(params), out, err), err[0]);
        return new Iter(out[0]);
    }
    createGateSession(serviceId, accountName) {
        checkText('service_id', serviceId);
        checkText('account_name', accountName);
        const out = [null];
        const err = [null];
        take(C.foil_gate_session_create_ex(this.h, serviceId, accountName, null, out, err), err[0]);
        return new GateSession(out[0]);
    }
}

class Iter {
    constructor(h) {
        this.h = h;
    }
    // The next item as a JS value, or null at the end.
    next() {
        const item = [null];
        const st = C.foil_iter_next(this.h, item);
        if (st !== 0) throw new FoilError(st, C.foil_iter_error(this.h)); // kept on the iterator
        return item[0] ? toJS(item[0]) : null;
    }
    get pages() {
        return Number(C.foil_iter_pages(this.h));
    }
    close() {
        if (this.h) C.foil_iter_free(this.h);
        this.h = null;
    }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class GateSession {
    constructor(h) {
        this.h = h;
    }
    get id() {
        return C.foil_gate_session_id(this.h);
    }
    get status() {
        return C.foil_gate_session_status(this.h);
    }
    // The latest poll's data as the API sent it, null before the first poll.
    pollData() {
        const v = C.foil_gate_session_poll_data(this.h);
        return v ? toJS(v) : null;
    }
    get accountName() {
        return C.foil_gate_session_account_name(this.h);
    }
    // A poll token is a credential: never log it.
    get pollToken() {
        return C.foil_gate_session_poll_token(this.h);
    }
    // A failure of a call on this handle, read from the handle (foil_gate_session_error).
    check(st) {
        if (st !== 0) throw new FoilError(st, C.foil_gate_session_error(this.h));
    }
    poll() {
        this.check(C.foil_gate_session_poll(this.h));
    }
    // Step until approved: each foil_gate_session_step polls at most once and says how
    // long to wait; the waiting is a timer, so the event loop stays free. No callback
    // from C into JavaScript.
    async wait(timeoutMs, intervalMs) {
        this.check(C.foil_gate_session_wait_start(this.h, timeoutMs, intervalMs));
        for (;;) {
            const waitMs = [0];
            this.check(C.foil_gate_session_step(this.h, waitMs));
            if (waitMs[0] === 0) return; // approved: the outputs are ready
            await sleep(waitMs[0]);
        }
    }
    // Make the step in progress, or the next one, fail with "cancelled".
    cancel() {
        C.foil_gate_session_cancel(this.h);
    }
    // The approved outputs {KEY: value} (secrets), null before approval.
    outputs() {
        const v = C.foil_gate_session_outputs(this.h);
        return v ? toJS(v) : null;
    }
    // {KEY: reason} for the keys the env-var policy refused.
    refused() {
        const v = C.foil_gate_session_refused(this.h);
        return v ? toJS(v) : null;
    }
    ack() {
        this.check(C.foil_gate_session_ack(this.h));
    }
    close() {
        if (this.h) C.foil_gate_session_free(this.h);
        this.h = null;
    }
}

function verifyToken(token, secret) {
    checkText('token', token);
    checkText('secret', secret);
    const out = [null];
    check(C.foil_sealed_token_verify(token, secret, out));
    try {
        return toJS(C.foil_document_root(out[0]));
    } finally {
        C.foil_document_free(out[0]);
    }
}

// A status by its name ("FOIL_E_TIMEOUT"), from the library's own table.
const statusByName = new Map();
for (let i = 0; i < Number(C.foil_status_count()); i++) {
    const st = C.foil_status_at(i);
    statusByName.set(C.foil_status_name(st), st);
}
function status(name) {
    if (!statusByName.has(name)) throw new Error(`libfoil has no status ${name}`);
    return statusByName.get(name);
}

// For sansio.js and loop.js, which drive the same library.
const internal = { koffi, C, check, take, toJS, resultToJS, checkText, status };

module.exports = { Client, FoilError, verifyToken, internal };
