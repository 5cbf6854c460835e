"""client.gate.signup: the whole Gate flow over foil_gate_session_t."""

from __future__ import annotations

import _thread
import threading
import time

import pytest

import foil
from foil.testing import Emulator


def test_signup_approve_wait_ack(client: foil.Foil, emulator: Emulator) -> None:
    with client.gate.signup("foil", account_name="demo", metadata={"plan": "pro"}) as signup:
        assert signup.status == "pending" and signup.consent_url and signup.id.startswith("gate_")
        assert signup.account_name == "demo" and signup.service_id == "foil" and signup.expires_at
        assert signup.outputs == {}
        assert signup.poll() == "pending"
        threading.Timer(0.2, emulator.approve, [signup.id]).start()
        seen: list[tuple[str, float]] = []
        outputs = signup.wait(timeout=10, interval=0.05, on_status=lambda status, left: seen.append((status, left)))
        assert seen and seen[0][0] == "pending" and 0 < seen[0][1] <= 10
        assert outputs == signup.outputs and "FOIL_SECRET_KEY" in outputs and "FOIL_GATE_AGENT_TOKEN" in outputs
        assert signup.status == "approved"
        signup.ack()
        assert signup.status == "acknowledged"
    with pytest.raises(foil.FoilStateError):
        signup.status


def test_export_and_resume(client: foil.Foil, emulator: Emulator) -> None:
    signup = client.gate.signup("foil")
    saved = signup.export()
    assert signup.poll_token not in repr(signup)
    emulator.approve(signup.id)
    del signup
    resumed = foil.GateSignup.resume(client, saved)
    assert resumed.wait(timeout=10, interval=0.05)["FOIL_SECRET_KEY"]
    resumed.ack()
    with pytest.raises(foil.FoilGoneError):
        foil.GateSignup.resume(client, saved).poll()


def test_rejected_and_timeout(client: foil.Foil, emulator: Emulator) -> None:
    denied = client.gate.signup("foil")
    emulator.deny(denied.id)
    with pytest.raises(foil.FoilRejectedError):
        denied.wait(timeout=10, interval=0.05)
    pending = client.gate.signup("foil")
    with pytest.raises(foil.FoilTimeoutError):
        pending.wait(timeout=0.3, interval=0.05)


def test_on_status_exception_cancels(client: foil.Foil) -> None:
    signup = client.gate.signup("foil")

    def boom(status: str, left: float) -> None:
        raise LookupError("stop")

    with pytest.raises(LookupError):
        signup.wait(timeout=10, on_status=boom)


def test_ctrl_c_interrupts_wait_promptly(client: foil.Foil) -> None:
    signup = client.gate.signup("foil")
    timer = threading.Timer(0.3, _thread.interrupt_main)
    start = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        signup.wait(timeout=30)
    assert time.monotonic() - start < 2.0


def test_cancel_from_another_thread(client: foil.Foil) -> None:
    signup = client.gate.signup("foil")
    threading.Timer(0.2, signup.cancel).start()
    start = time.monotonic()
    with pytest.raises(foil.FoilCancelledError):
        signup.wait(timeout=30, interval=5)  # the cancel wakes the sleep: no 5 s poll interval
    assert time.monotonic() - start < 2.0


def test_cancel_just_before_the_wait_is_not_lost(client: foil.Foil) -> None:
    signup = client.gate.signup("foil")
    signup.cancel()
    with pytest.raises(foil.FoilCancelledError):
        signup.wait(timeout=30)
    # The cancel was consumed: the next wait runs (and times out) normally.
    with pytest.raises(foil.FoilTimeoutError):
        signup.wait(timeout=0.3, interval=0.1)


def test_ctrl_c_leaves_the_signup_usable(client: foil.Foil, emulator: Emulator) -> None:
    signup = client.gate.signup("foil")
    threading.Timer(0.2, _thread.interrupt_main).start()
    with pytest.raises(KeyboardInterrupt):
        signup.wait(timeout=30, interval=0.05)
    assert signup.status == "pending"
    emulator.approve(signup.id)
    assert signup.wait(timeout=10, interval=0.05)
    assert signup.status == "approved"
    signup.ack()


def test_wait_releases_the_gil(client: foil.Foil) -> None:
    signup = client.gate.signup("foil")
    ticks = 0
    stop = threading.Event()

    def spin() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.001)

    t = threading.Thread(target=spin)
    t.start()
    with pytest.raises(foil.FoilTimeoutError):
        signup.wait(timeout=0.5, interval=0.2)
    stop.set()
    t.join()
    assert ticks > 50


def test_auto_approve_emulator() -> None:
    with Emulator(auto_approve_ms=50) as emu, emu.client() as c:
        signup = c.gate.signup("foil")
        assert signup.wait(timeout=10, interval=0.05)
        signup.ack()


def test_on_progress_is_the_callback_and_on_status_its_earlier_name(client: foil.Foil) -> None:
    seen: list[str] = []
    with client.gate.signup("foil") as signup:
        with pytest.raises(TypeError, match="not both"):
            signup.wait(timeout=1, on_progress=print, on_status=print)
        with pytest.raises(TypeError, match="callable"):
            signup.wait(timeout=1, on_progress=42)  # type: ignore[arg-type]
        with pytest.raises(foil.FoilTimeoutError):
            signup.wait(timeout=0.2, interval=0.05, on_progress=lambda status, left: seen.append(status))
    assert seen and set(seen) == {"pending"}
