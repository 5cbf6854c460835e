'use strict';
// A small wrapper over libfoil's C ABI through koffi: opaque handles, explicit close(),
// typed errors (FoilError), and no callback from C into JavaScript anywhere.
//
// The library is found through FOIL_LIB (a path to libfoil.so.0), else the dynamic
// loader's search path ("libfoil.so.0": LD_LIBRARY_PATH, ldconfig).
const koffi = require('koffi');

const lib = koffi.load(process.env.FOIL_LIB || 'libfoil.so.0');

for (const t of ['foil_client_t', 'foil_error_t', 'foil_json_t', 'foil_result_t', 'foil_page_t',
                 'foil_iter_t', 'foil_document_t', 'foil_gate_session_t']) {
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
    'foil_status_t foil_client_new(_Out_ foil_client_t **out)',
    'void foil_client_free(foil_client_t *c)',
    'foil_status_t foil_client_set_base_url(foil_client_t *c, const char *url)',
    'foil_status_t foil_client_set_secret_key(foil_client_t *c, const char *key)',
    'const foil_json_t *foil_json_get(const foil_json_t *v, const char *key)',
    'const foil_json_t *foil_json_at(const foil_json_t *v, size_t i)',
    'const foil_json_t *foil_json_next(const foil_json_t *v)',
    'const char *foil_json_string(const foil_json_t *v)',
    'foil_status_t foil_json_serialize(const foil_json_t *v, _Out_ void **out)',
    'const foil_json_t *foil_page_items(const foil_page_t *p)',
    'void foil_page_free(foil_page_t *p)',
    'foil_status_t foil_sessions_list(foil_client_t *c, int limit, const char *cursor, const char *verdict, const char *search, _Out_ foil_page_t **out)',
    'foil_status_t foil_sessions_iter(foil_client_t *c, int limit, const char *verdict, const char *search, _Out_ foil_iter_t **out)',
    'foil_status_t foil_sessions_get(foil_client_t *c, const char *id, _Out_ foil_result_t **out)',
    'const foil_json_t *foil_result_data(const foil_result_t *r)',
    'void foil_result_free(foil_result_t *r)',
    'foil_status_t foil_iter_next(foil_iter_t *it, _Out_ const foil_json_t **item)',
    'size_t foil_iter_pages(const foil_iter_t *it)',
    'void foil_iter_free(foil_iter_t *it)',
    'foil_status_t foil_sealed_token_verify(const char *token, const char *secret, _Out_ foil_document_t **out)',
    'const foil_json_t *foil_document_root(const foil_document_t *d)',
    'void foil_document_free(foil_document_t *d)',
    'foil_status_t foil_gate_session_create(foil_client_t *c, const char *service_id, const char *account_name, const char *metadata_json, _Out_ foil_gate_session_t **out)',
    'const char *foil_gate_session_id(const foil_gate_session_t *s)',
    'const char *foil_gate_session_status(const foil_gate_session_t *s)',
    'foil_status_t foil_gate_session_poll(foil_gate_session_t *s)',
    'size_t foil_gate_session_output_count(const foil_gate_session_t *s)',
    'const char *foil_gate_session_output_key(const foil_gate_session_t *s, size_t i)',
    'const char *foil_gate_session_output_value(const foil_gate_session_t *s, size_t i)',
    'size_t foil_gate_session_refused_count(const foil_gate_session_t *s)',
    'const char *foil_gate_session_refused_key(const foil_gate_session_t *s, size_t i)',
    'const char *foil_gate_session_refused_reason(const foil_gate_session_t *s, size_t i)',
    'foil_status_t foil_gate_session_ack(foil_gate_session_t *s)',
    'void foil_gate_session_free(foil_gate_session_t *s)',
];
const C = {};
for (const d of declarations) {
    const fn = lib.func(d);
    C[fn.info.name] = fn;
}

class FoilError extends Error {
    constructor(status, e) {
        const st = e ? C.foil_error_status(e) : status;
        super(e ? C.foil_error_message(e) : C.foil_status_str(st));
        this.name = 'FoilError';
        this.status = st; // foil_status_t
        this.kind = C.foil_status_kind(st); // "not_found", ...
        this.httpStatus = e ? C.foil_error_http_status(e) : 0;
        this.code = e ? C.foil_error_code(e) : null;
        this.requestId = e ? C.foil_error_request_id(e) : null;
    }
}

// Node runs JavaScript on one thread, so the thread-local last error is this call's.
function check(st) {
    if (st !== 0) throw new FoilError(st, C.foil_last_error());
}

// JSON view -> JS value, through libfoil's serializer (the string is freed right away).
function toJS(view) {
    const out = [null];
    check(C.foil_json_serialize(view, out));
    try {
        return JSON.parse(koffi.decode(out[0], 'char', -1));
    } finally {
        C.foil_string_free(out[0]);
    }
}

function* elements(view) {
    for (let e = C.foil_json_at(view, 0); e; e = C.foil_json_next(e)) yield e;
}

function idOf(item) {
    return C.foil_json_string(C.foil_json_get(item, 'id'));
}

class Client {
    constructor(baseUrl, secretKey) {
        const out = [null];
        check(C.foil_client_new(out));
        this.h = out[0];
        try {
            if (baseUrl) check(C.foil_client_set_base_url(this.h, baseUrl));
            if (secretKey) check(C.foil_client_set_secret_key(this.h, secretKey));
        } catch (e) {
            this.close();
            throw e;
        }
    }
    close() {
        if (this.h) C.foil_client_free(this.h);
        this.h = null;
    }
    listSessionIds(limit) {
        const out = [null];
        check(C.foil_sessions_list(this.h, limit, null, null, null, out));
        try {
            return Array.from(elements(C.foil_page_items(out[0])), idOf);
        } finally {
            C.foil_page_free(out[0]);
        }
    }
    getSession(id) {
        const out = [null];
        check(C.foil_sessions_get(this.h, id, out));
        try {
            return toJS(C.foil_result_data(out[0]));
        } finally {
            C.foil_result_free(out[0]);
        }
    }
    iterSessions(pageSize) {
        const out = [null];
        check(C.foil_sessions_iter(this.h, pageSize, null, null, out));
        return new SessionIter(out[0]);
    }
    createGateSession(serviceId, accountName) {
        const out = [null];
        check(C.foil_gate_session_create(this.h, serviceId, accountName, null, out));
        return new GateSession(out[0]);
    }
}

class SessionIter {
    constructor(h) {
        this.h = h;
    }
    // The next session id, or null at the end.
    next() {
        const item = [null];
        check(C.foil_iter_next(this.h, item));
        return item[0] ? idOf(item[0]) : null;
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
    poll() {
        check(C.foil_gate_session_poll(this.h));
    }
    // Poll until approved; the event loop stays free between polls.
    async wait(timeoutMs, intervalMs) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
            this.poll();
            if (this.status === 'approved') return;
            if (Date.now() >= deadline) throw new FoilError(5, null);
            await sleep(intervalMs);
        }
    }
    outputs() {
        const out = {};
        const n = Number(C.foil_gate_session_output_count(this.h));
        for (let i = 0; i < n; i++)
            out[C.foil_gate_session_output_key(this.h, i)] = C.foil_gate_session_output_value(this.h, i);
        return out;
    }
    refused() {
        const out = {};
        const n = Number(C.foil_gate_session_refused_count(this.h));
        for (let i = 0; i < n; i++)
            out[C.foil_gate_session_refused_key(this.h, i)] = C.foil_gate_session_refused_reason(this.h, i);
        return out;
    }
    ack() {
        check(C.foil_gate_session_ack(this.h));
    }
    close() {
        if (this.h) C.foil_gate_session_free(this.h);
        this.h = null;
    }
}

function verifyToken(token, secret) {
    const out = [null];
    check(C.foil_sealed_token_verify(token, secret, out));
    try {
        return toJS(C.foil_document_root(out[0]));
    } finally {
        C.foil_document_free(out[0]);
    }
}

module.exports = { Client, FoilError, verifyToken };
