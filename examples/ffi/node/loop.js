'use strict';
// libfoil's event-loop transport (foil/loop.h) driven by Node's own event loop, on the main
// thread: each descriptor the loop names is watched by a libuv poll handle (fdwatch/, a
// small Node-API addon: Node has no public API to watch a descriptor it did not open), its
// one timer is a setTimeout, and finished calls settle Promises. libfoil never calls back
// into JavaScript: after every foil_loop_* call we ask it what changed.
const { FdWatcher } = require('fdwatch');
const { FoilError, internal } = require('./foil');
const { prepare } = require('./sansio');
const { C, check, take, resultToJS, checkText, status } = internal;

const TIMER = -1; // FOIL_LOOP_TIMER

class EventLoop {
    constructor(client) {
        const out = [null];
        check(C.foil_loop_new(client.h, out)); // keeps a reference on the client
        this.h = out[0];
        this.client = client;
        this.watchers = new Map(); // fd -> FdWatcher
        this.timer = null;
        this.calls = new Map(); // call id -> { resolve, reject }
    }

    // Run `operation` with `params`: a Promise of the whole response body (null for 204),
    // or a FoilError, as Client.call gives them. The call's id is `promise.id` (for cancel).
    call(operation, params = {}) {
        checkText('operation', operation);
        const raw = this.start((id, err) =>
            C.foil_loop_start(this.h, operation, JSON.stringify(params), id, err));
        const promise = raw.then((r) => (r ? resultToJS(r) : null));
        promise.id = raw.id;
        return promise;
    }

    // Every item of a list operation, page after page: the page after is prepared from the
    // page just received (foil_prepare_next) and started before this page's items are
    // handed out, so the server works on it meanwhile.
    async *walk(operation, params = {}) {
        checkText('operation', operation);
        let req = prepare(this.client, operation, params);
        let page = this.startRequest(req);
        try {
            while (req) {
                const result = await page;
                const out = [null];
                const err = [null];
                try {
                    take(C.foil_prepare_next(req, result, out, err), err[0]);
                } catch (e) {
                    C.foil_result_free(result);
                    throw e;
                }
                C.foil_http_request_free(req); // its call is collected: the loop let it go
                req = out[0];
                page = req ? this.startRequest(req) : null;
                yield* resultToJS(result).data; // frees the page
            }
        } finally {
            if (req) {
                // Stopped early (break, an error): end the page in flight before freeing
                // the request it borrows.
                this.cancel(page.id);
                await page.catch(() => {});
                C.foil_http_request_free(req);
            }
        }
    }

    // End one call now: it rejects with a FoilError of kind "cancelled"; others go on.
    cancel(id) {
        check(C.foil_loop_cancel(this.h, id));
        this.settle();
    }

    get pending() {
        return Number(C.foil_loop_pending(this.h));
    }

    // Ends every call in flight (they reject as cancelled) and stops every watcher.
    close() {
        if (!this.h) return;
        for (const w of this.watchers.values()) w.close();
        this.watchers.clear();
        clearTimeout(this.timer);
        C.foil_loop_free(this.h);
        this.h = null;
        for (const { reject } of this.calls.values())
            reject(new FoilError(status('FOIL_E_CANCELLED'), null));
        this.calls.clear();
    }

    // A request prepared with sansio.h; the loop borrows it until its call settles. The
    // Promise gives the raw foil_result_t (the caller frees it).
    startRequest(req) {
        return this.start((id, err) => C.foil_loop_start_request(this.h, req, id, err));
    }

    start(startFn) {
        const id = [0];
        const err = [null];
        take(startFn(id, err), err[0]);
        const promise = new Promise((resolve, reject) => this.calls.set(id[0], { resolve, reject }));
        promise.id = id[0];
        this.sync(); // the call is sent at the next timer (0 ms)
        return promise;
    }

    // After every foil_loop_* call: apply the changes of what to watch, re-arm the timer.
    sync() {
        const fd = [0];
        const events = [0];
        while (C.foil_loop_next_change(this.h, fd, events)) {
            const n = fd[0];
            let w = this.watchers.get(n);
            if (events[0] === 0) { // stop: the loop names a reused fd only after this
                if (w) w.close();
                this.watchers.delete(n);
                continue;
            }
            if (!w) {
                w = new FdWatcher(n, (st, ready) => this.ready(n, ready));
                this.watchers.set(n, w);
            }
            w.start(events[0]); // FOIL_LOOP_READ 1 | FOIL_LOOP_WRITE 2, as FdWatcher's
        }
        clearTimeout(this.timer);
        const ms = Number(C.foil_loop_timeout_ms(this.h));
        this.timer = ms >= 0 ? setTimeout(() => this.ready(TIMER, 0), ms) : null;
    }

    ready(fd, events) {
        if (!this.h) return;
        check(C.foil_loop_ready(this.h, fd, events));
        this.settle();
    }

    // Hand finished calls over (their result or error is ours to free), then sync.
    settle() {
        const id = [0];
        const st = [0];
        const result = [null];
        const err = [null];
        while (C.foil_loop_next_done(this.h, id, st, result, err)) {
            const call = this.calls.get(id[0]);
            this.calls.delete(id[0]);
            if (st[0] === 0) {
                call.resolve(result[0]);
                continue;
            }
            try {
                take(st[0], err[0]); // throws the FoilError, frees the record
            } catch (e) {
                call.reject(e);
            }
        }
        this.sync();
    }
}

module.exports = { EventLoop };
