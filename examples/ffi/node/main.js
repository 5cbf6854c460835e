'use strict';
// libfoil's C ABI from Node.js (koffi), checked against a running emulator (FOIL_BASE_URL,
// FOIL_SECRET_KEY; see README.md). Prints one "ok - ...", "not ok - ..." or "skip - ..."
// line per check and exits 1 if any failed.
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { Client, FoilError, verifyToken } = require('./foil');

class Skip extends Error {}

const client = (extra = {}) => new Client({ base_url: process.env.FOIL_BASE_URL,
                                            secret_key: process.env.FOIL_SECRET_KEY, timeout_ms: 10000, ...extra });

// One of the emulator's own /_emulator routes (test tooling).
async function emulatorPost(path, body) {
    const r = await fetch(process.env.FOIL_BASE_URL + path, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
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
