'use strict';
// libfoil without I/O (foil/sansio.h): foil_prepare builds an operation's HTTP request,
// Node's own http module sends it, and foil_complete turns the answer into the result or
// the typed error foil_call gives. Retries are decided by the core (foil_retry_decision)
// and waited for with a timer. No libfoil thread, no C callback, nothing blocks.
const http = require('http');
const https = require('https');
const { internal } = require('./foil');
const { koffi, C, check, take, resultToJS, checkText, status } = internal;

const agents = { // keep-alive connections, as libfoil's own transports keep them
    'http:': new http.Agent({ keepAlive: true }),
    'https:': new https.Agent({ keepAlive: true }),
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// foil_prepare: the request for `operation` (owned: foil_http_request_free), or the
// FoilError foil_call gives for the same parameters (nothing is sent).
function prepare(client, operation, params = {}) {
    checkText('operation', operation);
    const out = [null];
    const err = [null];
    take(C.foil_prepare(client.h, operation, JSON.stringify(params), out, err), err[0]);
    return out[0];
}

// Send a prepared request with Node's http module: { status, rawHeaders, chunks } for an
// answer, { failure, detail } when none came (refused, reset, timed out).
function exchange(req) {
    const url = new URL(C.foil_http_request_url(req));
    const headers = {};
    for (let i = 0; i < Number(C.foil_http_request_header_count(req)); i++)
        headers[C.foil_http_request_header_name(req, i)] = C.foil_http_request_header_value(req, i);
    const len = [0];
    const p = C.foil_http_request_body(req, len);
    const body = p ? Buffer.from(koffi.decode(p, 'uint8_t', Number(len[0]))) : null;
    if (body) headers['content-length'] = body.length;
    const maxBytes = Number(C.foil_http_request_max_response_bytes(req));
    const timeoutMs = Number(C.foil_http_request_timeout_ms(req));
    return new Promise((resolve) => {
        let timedOut = false;
        const r = (url.protocol === 'https:' ? https : http).request(url, {
            method: C.foil_http_request_method(req), headers, agent: agents[url.protocol],
        });
        const timer = setTimeout(() => {
            timedOut = true;
            r.destroy(new Error(`no answer within ${timeoutMs} ms`));
        }, timeoutMs);
        let settled = false;
        const done = (answer) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            resolve(answer);
        };
        const failed = (e) => done({ failure: status(timedOut ? 'FOIL_E_TIMEOUT' : 'FOIL_E_CONNECTION'),
                                     detail: e.message });
        r.on('error', failed);
        r.on('close', () => failed(new Error('connection closed before the whole answer')));
        r.on('response', (res) => {
            const chunks = [];
            let size = 0;
            const answer = () => ({ status: res.statusCode, rawHeaders: res.rawHeaders, chunks });
            res.on('data', (chunk) => {
                chunks.push(chunk);
                size += chunk.length;
                if (size > maxBytes) { // enough to fail as the blocking client does
                    done(answer());
                    r.destroy();
                }
            });
            res.on('end', () => done(answer()));
            res.on('error', failed); // cut short: no whole answer
            res.on('close', () => res.complete || failed(new Error('answer cut short')));
        });
        r.end(body);
    });
}

// One attempt's outcome: [status, result handle or null, error handle or null] (owned).
function complete(req, answer) {
    const out = [null];
    const err = [null];
    if (answer.failure) return [C.foil_complete_failure(req, answer.failure, answer.detail, err), null, err[0]];
    const resp = [null];
    check(C.foil_http_response_new(answer.status, resp));
    try {
        for (let i = 0; i < answer.rawHeaders.length; i += 2)
            check(C.foil_http_response_add_header(resp[0], answer.rawHeaders[i], answer.rawHeaders[i + 1]));
        for (const chunk of answer.chunks)
            check(C.foil_http_response_append_body(resp[0], chunk, chunk.length));
        return [C.foil_complete(req, resp[0], out, err), out[0], err[0]];
    } finally {
        C.foil_http_response_free(resp[0]); // wipes the body
    }
}

// Send `req` until it succeeds or the core says not to retry: the raw foil_result_t
// (the caller frees it; null for a 204), or the FoilError.
async function send(req) {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
        const [st, result, err] = complete(req, await exchange(req));
        if (st === 0) return result;
        const delay = [0];
        if (C.foil_retry_decision(req, attempt, err, Date.now() - started, delay)) {
            C.foil_error_free(err);
            await sleep(Number(delay[0]));
            continue;
        }
        take(st, err); // throws the FoilError, frees the record
    }
}

// The whole response body of `operation` as a JS value (null for 204), or a FoilError:
// what Client.call gives, without libfoil doing any I/O.
async function call(client, operation, params = {}) {
    const req = prepare(client, operation, params);
    try {
        const result = await send(req);
        return result ? resultToJS(result) : null;
    } finally {
        C.foil_http_request_free(req); // wipes the Authorization header and the body
    }
}

module.exports = { prepare, send, call };
