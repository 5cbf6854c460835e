"""Which calls release the GIL: short CPU-bound calls keep it (releasing and re-taking it costs
more than ~20 us of work saves when threads queue for it), long inputs and requests release it.

A spinning thread shows it: a call that releases the GIL lets the spinner run (and, with a long
switch interval, keep the GIL for all of it); a call that keeps it does not."""

from __future__ import annotations

import sys
import threading
import time
from typing import Any, Callable

import pytest

import foil
from conftest import load_fixture
from foil.testing import Emulator

SWITCH = 0.5  # seconds a thread may keep the GIL before it must offer it


def _spun_during(call: Callable[[], Any], times: int) -> int:
    """How far a spinning thread got while `call` ran `times` times from a fresh switch
    interval (the spinner only exists for the measurement: it would slow everything else)."""
    count = [0]
    stop = threading.Event()

    def spin() -> None:
        while not stop.is_set():
            count[0] += 1

    old = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH)
    thread = threading.Thread(target=spin, daemon=True)
    try:
        thread.start()
        time.sleep(0)  # wait for the GIL: this thread then has a whole interval before it must yield
        before = count[0]
        for _ in range(times):
            call()
        return count[0] - before
    finally:
        stop.set()
        thread.join()
        sys.setswitchinterval(old)


def _short_calls() -> dict[str, Callable[[], Any]]:
    v2 = load_fixture("sealed-token/vector.v2.json")
    token, secret = v2["token"], v2["secretKeys"][0]
    body = b'{"id":"evt_1","object":"webhook_event","type":"webhook.test","created":1,"data":{}}'
    now = int(time.time())
    sig = foil.native.webhook_signature_compute("whsec_x", str(now), body)
    pair = foil.create_delivery_key_pair()
    envelope = foil.encrypt_gate_delivery_payload(pair.delivery, {"version": 1, "outputs": {"A": "b"}})
    return {
        "token verify": lambda: foil.verify_foil_token(token, secret),
        "webhook verify": lambda: foil.verify_webhook_signature(secret="whsec_x", timestamp=str(now),
                                                                 raw_body=body, signature=sig),
        "envelope decrypt": lambda: foil.decrypt_gate_delivery_envelope(pair.private_key, envelope),
    }


@pytest.mark.parametrize("name", ["token verify", "webhook verify", "envelope decrypt"])
def test_short_cpu_bound_calls_keep_the_gil(name: str) -> None:
    # 200 calls are ~10 ms of work, well within one interval. Released each time, the spinner
    # would take the GIL at one of them and keep it for its whole interval.
    assert _spun_during(_short_calls()[name], 200) == 0


def test_a_long_input_releases_the_gil() -> None:
    body = b"x" * (64 << 20)
    assert _spun_during(lambda: foil.native.webhook_signature_compute("whsec_x", "1", body), 1) > 0


def test_a_request_releases_the_gil() -> None:
    with Emulator(session_count=3) as emu, emu.client() as client:
        with emu.faults():
            emu.inject_fault("delay", path="/v1/sessions", delay_ms=300)
            assert _spun_during(lambda: client.sessions.list(limit=1), 1) > 0
