'use strict';
// libfoil's C ABI from Node.js (koffi), checked against a running emulator (FOIL_BASE_URL,
// FOIL_SECRET_KEY; see README.md). Prints one "ok - ...", "not ok - ..." or "skip - ..."
// line per check and exits 1 if any failed.
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { performance } = require('perf_hooks');
const { Client, FoilError, verifyToken } = require('./foil');
const { EventLoop } = require('./loop');
const sansio = require('./sansio');

class Skip extends Error {}

const client = (extra = {}) => new Client({ base_url: process.env.FOIL_BASE_URL,
                                            secret_key: process.env.FOIL_SECRET_KEY, timeout_ms: 10000, ...extra });

// One of the emulator's own /_emulator routes (test tooling).
async function emulatorPost(path, body) {
    const r = await fetch(process.env.FOIL_BASE_URL + path, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10000),
    });
    assert.ok(r.status >= 200 && r.status < 300, `${path}: HTTP ${r.status}`);
}

// (1) one page of 5 sessions, then an iterator across pages of 20.
async function listAndIterate() {
    // Prefetch off: the fault injected below must meet page 4's own request, which a walk
    // that prefetches has already sent by then.
    const c = client({ prefetch: false });
    try {
        const page = c.call('sessions.list', { limit: 5 }).data.map((s) => s.id);
        assert.strictEqual(page.length, 5, 'list size');
        const it = c.iterate('sessions.list', { limit: 20 });
        try {
            const seen = new Set();
            let item;
            while (seen.size < 45 && (item = it.next()) !== null) {
                const id = item.id;
                assert.match(id, /^sid_/);
                assert.ok(!seen.has(id), `session ${id} returned twice`);
                if (seen.size < 5) assert.strictEqual(id, page[seen.size], 'iterator order');
                seen.add(id);
            }
            assert.strictEqual(seen.size, 45, 'iterator stopped early');
            assert.strictEqual(it.pages, 3, '45 sessions in pages of 20');
            // The next page fetch fails (a 503 injected in the emulator): the iterator keeps
            // the error (foil_iter_error), and next() again retries the same page.
            await emulatorPost('/_emulator/faults',
                               { method: 'GET', path_prefix: '/v1/sessions', count: 1, kind: 'status', status: 503 });
            for (let n = 45; n < 60; n++) assert.ok(it.next(), `item ${n}`);
            assert.throws(() => it.next(), (e) =>
                e instanceof FoilError && e.kind === 'server' && e.httpStatus === 503 && e.retryable === true);
            assert.ok(it.next(), 'retrying page 4');
            assert.strictEqual(it.pages, 4);
        } finally {
            it.close();
        }
    } finally {
        c.close();
    }
}

// (2) a 404 read as a typed error, synchronously and from koffi's worker thread.
async function notFound() {
    const c = client();
    const is404 = (e) => {
        assert.ok(e instanceof FoilError, `not a FoilError: ${e}`);
        assert.strictEqual(e.kind, 'not_found');
        assert.strictEqual(e.status, 11);
        assert.strictEqual(e.httpStatus, 404);
        assert.strictEqual(e.code, 'request.not_found');
        assert.match(e.requestId, /^req_/);
        assert.strictEqual(e.retryable, false);
        return true;
    };
    const params = { session_id: 'sid_0123456789abcdefghjkmnpqrs' };
    assert.throws(() => new Client({ base_url: 'ftp://example.com' }), (e) =>
        e instanceof FoilError && e.kind === 'configuration' && e.fieldErrors.length === 1 &&
        e.fieldErrors[0].name === 'base_url');
    try {
        assert.throws(() => c.call('sessions.get', params), is404);
        await assert.rejects(c.callAsync('sessions.get', params), is404);
        await assert.rejects(c.callAsync('sessions.list', { limit: 1000 }), (e) =>
            e instanceof FoilError && e.kind === 'invalid_argument' && e.httpStatus === 0 &&
            e.fieldErrors.length === 1 && e.fieldErrors[0].name === 'limit');
        const [a, b] = await Promise.all([c.callAsync('sessions.list', { limit: 5 }),
                                          c.callAsync('sessions.list', { limit: 3 })]);
        assert.strictEqual(a.data.length + b.data.length, 8);
    } finally {
        c.close();
    }
}

// (3) a whole Gate signup: create, approve (emulator), wait, outputs, ack.
async function gateSignup() {
    const c = client();
    let g, g2;
    try {
        assert.throws(() => c.createGateSession('no-such-service', 'ffi-node'), (e) =>
            e instanceof FoilError && e.kind === 'not_found' && e.httpStatus === 404);
        g = c.createGateSession('acme', 'ffi-node projet été ✓'); // UTF-8 in, UTF-8 back
        assert.strictEqual(g.accountName, 'ffi-node projet été ✓');
        assert.strictEqual(g.status, 'pending');
        assert.match(g.id, /^gate_/);
        await emulatorPost(`/_emulator/gate/sessions/${g.id}/approve`);
        await g.wait(10000, 20);
        assert.strictEqual(g.pollData().account_name, 'ffi-node projet été ✓', 'account name from the API');
        assert.throws(() => c.createGateSession('acme', 'cut\0here'), (e) =>
            e instanceof FoilError && e.kind === 'invalid_argument'); // koffi would cut it: refused
        assert.deepStrictEqual(g.outputs(), { ACME_API_KEY: 'ak_test_123', ACME_NOTE: 'naïve café ✓' });
        assert.deepStrictEqual(g.refused(), { PATH: 'blocked' });
        g.ack();
        assert.strictEqual(g.status, 'acknowledged');
        assert.throws(() => g.poll(), (e) => e instanceof FoilError && e.kind === 'state');
        // The API has let the delivery go: exactly once.
        assert.throws(() => c.call('gate.sessions.poll', { gate_session_id: g.id, poll_token: g.pollToken }),
                      (e) => e instanceof FoilError && e.kind === 'gone' && e.httpStatus === 410);
        // A wait ended from JavaScript (a timer), not from a C callback.
        g2 = c.createGateSession('acme', 'ffi-node-cancelled');
        setTimeout(() => g2.cancel(), 100);
        await assert.rejects(g2.wait(10000, 20), (e) => e instanceof FoilError && e.kind === 'cancelled');
    } finally {
        if (g) g.close();
        if (g2) g2.close();
        c.close();
    }
}

// (4) sealed tokens from the official fixtures, read in place.
function sealedToken() {
    const spec = process.env.FOIL_SPEC_DIR || path.join(__dirname, '..', '..', '..', '..', 'shared', 'foil-spec');
    const dir = path.join(spec, 'fixtures', 'sealed-token');
    if (!fs.existsSync(dir)) throw new Skip(`no foil-spec fixtures at ${spec} (set FOIL_SPEC_DIR)`);
    const read = (name) => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
    const v1 = read('vector.v1.json');
    for (const secret of [v1.secretKey, v1.secretHash])
        assert.deepStrictEqual(verifyToken(v1.token, secret), v1.payload, 'v1 payload');
    const v2 = read('vector.v2.json');
    assert.ok(v2.secretKeys.length > 0);
    for (const secret of v2.secretKeys)
        assert.deepStrictEqual(verifyToken(v2.token, secret), v2.payload, 'v2 payload');
    const bad = read('invalid.json');
    assert.throws(() => verifyToken(bad.token, v1.secretKey), (e) =>
        e instanceof FoilError && e.kind === 'token_verification' && e.code === `token.${bad.reason}`);
}

const missing = 'sid_0123456789abcdefghjkmnpqrs';

// The FoilError a call (sync or async) ends with; fails when it succeeds.
async function failure(f) {
    try {
        await f();
    } catch (e) {
        assert.ok(e instanceof FoilError, `not a FoilError: ${e}`);
        return e;
    }
    assert.fail('expected a FoilError');
}

// The same response body from two paths, but for meta.request_id (two requests).
function sameBody(a, b, what) {
    const strip = (body) => {
        assert.match(body.meta.request_id, /^req_/, `${what}: request id`);
        return { ...body, meta: { ...body.meta, request_id: undefined } };
    };
    assert.deepStrictEqual(strip(a), strip(b), what);
}

// The same typed error from two paths (the request ids differ: two requests).
function sameError(a, b) {
    for (const k of ['status', 'kind', 'httpStatus', 'code', 'message', 'retryable'])
        assert.deepStrictEqual(a[k], b[k], `error ${k}`);
    assert.deepStrictEqual(a.fieldErrors, b.fieldErrors, 'error fieldErrors');
    if (a.httpStatus) assert.match(a.requestId, /^req_/);
}

// (5) the event-loop transport on Node's own loop: concurrent calls over a delay fault,
// a cancelled call, a typed error, a walk by prepared requests (foil_prepare_next).
async function eventLoop() {
    const c = client();
    const loop = new EventLoop(c);
    try {
        const ids = c.call('sessions.list', { limit: 20 }).data.map((s) => s.id);
        sameBody(await loop.call('sessions.get', { session_id: ids[0] }),
                 c.call('sessions.get', { session_id: ids[0] }), 'a get as foil_call');

        // 20 gets at once, each answered 400 ms late: together, not one after another
        // (8 s), while JavaScript keeps running (a 20 ms interval ticks meanwhile).
        const delay = 400;
        await emulatorPost('/_emulator/faults',
                           { kind: 'delay', method: 'GET', path_prefix: '/v1/sessions/', count: 20, delay_ms: delay });
        let ticks = 0;
        const tick = setInterval(() => ticks++, 20);
        const t0 = performance.now();
        const got = await Promise.all(ids.map((id) => loop.call('sessions.get', { session_id: id })));
        const wall = performance.now() - t0;
        clearInterval(tick);
        assert.deepStrictEqual(got.map((s) => s.data.id), ids);
        assert.ok(wall >= delay - 20, `the delay fault did not apply (${wall.toFixed(0)} ms)`);
        assert.ok(wall < delay + 1600, `20 delayed gets took ${wall.toFixed(0)} ms: they did not overlap`);
        assert.ok(ticks >= 5, `the event loop was blocked (${ticks} ticks of 20 ms in ${wall.toFixed(0)} ms)`);
        console.log(`# 20 gets with a ${delay} ms delay each: ${wall.toFixed(0)} ms wall, ${ticks} timer ticks meanwhile`);

        // One call cancelled while its answer is held back: it ends at once, as cancelled;
        // a call beside it is untouched, and the loop goes on.
        await emulatorPost('/_emulator/faults',
                           { kind: 'delay', method: 'GET', path_prefix: `/v1/sessions/${ids[1]}`, count: 1, delay_ms: 5000 });
        const slow = loop.call('sessions.get', { session_id: ids[1] });
        const other = loop.call('sessions.get', { session_id: ids[2] });
        const t1 = performance.now();
        setTimeout(() => loop.cancel(slow.id), 100);
        const cancelled = await failure(() => slow);
        assert.strictEqual(cancelled.kind, 'cancelled');
        assert.ok(performance.now() - t1 < 2000, 'the cancel waited for the answer');
        assert.strictEqual((await other).data.id, ids[2]);
        assert.throws(() => loop.cancel(slow.id), (e) => e instanceof FoilError && e.kind === 'state');

        // Typed errors: the ones foil_call gives (a 404; bad parameters refused at start).
        const e404 = await failure(() => loop.call('sessions.get', { session_id: missing }));
        assert.strictEqual(e404.kind, 'not_found');
        assert.strictEqual(e404.code, 'request.not_found');
        sameError(e404, await failure(() => c.call('sessions.get', { session_id: missing })));
        sameError(await failure(() => loop.call('sessions.list', { limit: 1000 })),
                  await failure(() => c.call('sessions.list', { limit: 1000 })));

        // A walk: each page prepared from the one before, the next requested ahead.
        const walked = [];
        for await (const s of loop.walk('sessions.list', { limit: 40 })) walked.push(s.id);
        const it = c.iterate('sessions.list', { limit: 40 });
        const expected = [];
        try {
            for (let s; (s = it.next()) !== null;) expected.push(s.id);
        } finally {
            it.close();
        }
        assert.ok(walked.length > 200, `walked ${walked.length}`);
        assert.deepStrictEqual(walked, expected, 'the walk gives foil_call_iter\'s items');
        let n = 0;
        for await (const s of loop.walk('sessions.list', { limit: 20 })) { // left early
            assert.match(s.id, /^sid_/);
            if (++n === 30) break;
        }
        assert.strictEqual(loop.pending, 0, 'the page requested ahead was ended');
    } finally {
        loop.close();
        c.close();
    }
}

// (6) sans-IO: prepare, send with Node's http module, complete: foil_call's outcomes.
async function sansIO() {
    const c = client({ max_retries: 2 });
    const down = client({ base_url: 'http://127.0.0.1:9' }); // nothing listens there
    try {
        const ids = c.call('sessions.list', { limit: 5 }).data.map((s) => s.id);
        sameBody(await sansio.call(c, 'sessions.get', { session_id: ids[0] }),
                 c.call('sessions.get', { session_id: ids[0] }), 'a get');
        sameBody(await sansio.call(c, 'sessions.list', { limit: 5 }),
                 c.call('sessions.list', { limit: 5 }), 'a list page');
        sameError(await failure(() => sansio.call(c, 'sessions.get', { session_id: missing })),
                  await failure(() => c.call('sessions.get', { session_id: missing })));
        sameError(await failure(() => sansio.call(c, 'sessions.list', { limit: 1000 })),
                  await failure(() => c.call('sessions.list', { limit: 1000 })));
        const refused = await failure(() => sansio.call(down, 'sessions.get', { session_id: ids[0] }));
        assert.strictEqual(refused.kind, (await failure(() => down.call('sessions.get', { session_id: ids[0] }))).kind);
        assert.strictEqual(refused.kind, 'connection');
        // A 503, then the answer: the retry is the core's decision (foil_retry_decision).
        await emulatorPost('/_emulator/faults',
                           { method: 'GET', path_prefix: '/v1/sessions/', count: 1, kind: 'status', status: 503 });
        assert.strictEqual((await sansio.call(c, 'sessions.get', { session_id: ids[1] })).data.id, ids[1]);
    } finally {
        down.close();
        c.close();
    }
}

async function main() {
    if (!process.env.FOIL_BASE_URL || !process.env.FOIL_SECRET_KEY) {
        console.error('set FOIL_BASE_URL and FOIL_SECRET_KEY to a running emulator (see README.md)');
        process.exit(2);
    }
    let failed = 0;
    for (const [name, f] of [
        ['node: list 5 sessions and iterate across pages', listAndIterate],
        ['node: 404 as a typed error', notFound],
        ['node: Gate signup (create, approve, wait, outputs, ack)', gateSignup],
        ['node: sealed tokens from the official fixtures', sealedToken],
        ['node: event loop (20 overlapping gets, cancel, typed errors, walk by foil_prepare_next)', eventLoop],
        ['node: sans-IO (foil_prepare, Node\'s http module, foil_complete) as foil_call', sansIO],
    ]) {
        try {
            await f();
            console.log(`ok - ${name}`);
        } catch (e) {
            if (e instanceof Skip) {
                console.log(`skip - ${name}: ${e.message}`);
            } else {
                console.log(`not ok - ${name}: ${String(e.message).split('\n').join(' ')}`);
                failed++;
            }
        }
    }
    process.exitCode = failed ? 1 : 0;
}

main();
