"""The emulator under concurrency: a delayed answer holds none of its 4 worker threads, so
hundreds of delayed requests overlap, other requests are answered meanwhile, and the emulator
stops at once and cleanly while delayed requests are still waiting."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from conftest import start_emulator

REQUESTS = 200
DELAY_MS = 300


def add_fault(emu, **fault):
    r = httpx.post(f"{emu.base_url}/_emulator/faults", json=fault)
    assert r.status_code == 201, r.text


def session_ids(emu, n):
    with emu.client() as c:
        return [s["id"] for s in c.get("/v1/sessions", params={"limit": n}).json()["data"]]


def get_session(emu, sid, barrier):
    # One connection per request, all sent at once: the emulator, not the client, decides
    # how much they overlap.
    with httpx.Client(base_url=emu.base_url, timeout=30,
                      headers={"Authorization": f"Bearer {emu.secret_key}"}) as c:
        barrier.wait()
        r = c.get(f"/v1/sessions/{sid}")
    return r.status_code, r.json()["data"]["id"]


@pytest.fixture()
def pool():
    with ThreadPoolExecutor(max_workers=REQUESTS + 1) as ex:
        yield ex


def test_delayed_requests_overlap(emulator, pool):
    ids = session_ids(emulator, REQUESTS)
    add_fault(emulator, method="GET", path_prefix="/v1/sessions/", count=REQUESTS,
              kind="delay", delay_ms=DELAY_MS)
    barrier = threading.Barrier(REQUESTS + 1)
    futures = [pool.submit(get_session, emulator, sid, barrier) for sid in ids]
    barrier.wait()
    started = time.monotonic()
    # Every worker is free while the delayed requests wait: this one is answered at once.
    with emulator.client() as c:
        time.sleep(0.05)
        quick_started = time.monotonic()
        assert c.get("/_emulator").status_code == 200
        quick = time.monotonic() - quick_started
    answers = [f.result(timeout=60) for f in futures]
    elapsed = time.monotonic() - started
    assert answers == [(200, sid) for sid in ids]
    # One request at a time per worker would take 200 / 4 x 300 ms = 15 s.
    assert DELAY_MS / 1000 <= elapsed < 3.0, elapsed
    assert quick < DELAY_MS / 1000 / 2, quick


def test_stop_with_delayed_requests_waiting(pool):
    # Every GET of a session waits 20 s (the session does not exist: a 404 after the delay).
    emu = start_emulator("--fault", "GET:/v1/sessions/:1000:delay:0:20000")
    barrier = threading.Barrier(101)
    futures = [pool.submit(get_session_or_error, emu, barrier) for _ in range(100)]
    barrier.wait()
    time.sleep(0.5)  # the requests are sent and parked
    assert not any(f.done() for f in futures)
    started = time.monotonic()
    emu.stop()
    stopped = time.monotonic() - started
    log = emu.proc.stderr.read()
    # libmicrohttpd aborts (SIGABRT) if it is stopped with a connection still suspended.
    assert emu.proc.returncode == 0, log
    assert stopped < 5.0  # not the 20 s delay
    assert log.splitlines()[-1] == "foil-emulator: SIGTERM, stopping", log
    # Each client sees its connection closed, or its answer if a worker got there first.
    outcomes = [f.result(timeout=30) for f in futures]
    assert set(outcomes) <= {"closed", 404}, outcomes


def get_session_or_error(emu, barrier):
    with httpx.Client(base_url=emu.base_url, timeout=30,
                      headers={"Authorization": f"Bearer {emu.secret_key}"}) as c:
        barrier.wait()
        try:
            return c.get("/v1/sessions/sid_0123456789abcdefghjkmnpqrs").status_code
        except httpx.TransportError:
            return "closed"


def test_delayed_gate_polls_overlap(emulator, pool):
    from test_routes_schema import delivery_request

    s = httpx.post(f"{emulator.base_url}/v1/gate/sessions",
                   json={"service_id": "foil", "account_name": "demo",
                         "delivery": delivery_request()}).json()["data"]
    polls = 100
    add_fault(emulator, method="GET", path_prefix=f"/v1/gate/sessions/{s['id']}", count=polls,
              kind="delay", delay_ms=DELAY_MS)

    def poll(barrier):
        with httpx.Client(base_url=emulator.base_url, timeout=30,
                          headers={"Authorization": f"Bearer {s['poll_token']}"}) as c:
            barrier.wait()
            r = c.get(f"/v1/gate/sessions/{s['id']}")
        return r.status_code, r.json()["data"]["status"]

    barrier = threading.Barrier(polls + 1)
    futures = [pool.submit(poll, barrier) for _ in range(polls)]
    barrier.wait()
    started = time.monotonic()
    answers = [f.result(timeout=60) for f in futures]
    elapsed = time.monotonic() - started
    assert answers == [(200, "pending")] * polls
    assert DELAY_MS / 1000 <= elapsed < 3.0, elapsed  # serially: 100 / 4 x 300 ms = 7.5 s
