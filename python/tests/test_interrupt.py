"""Ctrl-C during a call that waits for the server: the main thread's call ends within a
tick of the core's wait (~0.1 s) and raises what the SIGINT handler raised, the client and
the signup stay usable, and other threads' calls on the same client are untouched.

Each case runs in a child process that sends itself SIGINT while the emulator holds the
request (a delay fault of 6 s) and reports, as JSON, how long after the signal the call
ended; before, the call ended only when the server answered (6 s)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any

# Generous for a loaded 2-core machine: the design answers within ~0.15 s, the old
# behaviour took the whole 6 s delay.
LATE = 1.5

_PRELUDE = """
import json, os, signal, threading, time
import foil
from foil.testing import Emulator

HOLD_MS = 6000
report = {}

def interrupt_after(seconds):
    def fire():
        report["signalled"] = time.monotonic()
        os.kill(os.getpid(), signal.SIGINT)
    threading.Timer(seconds, fire).start()

def raised_after(call, expected=KeyboardInterrupt):
    try:
        call()
    except expected as e:
        return round(time.monotonic() - report.pop("signalled"), 3), type(e).__name__
    return None, "returned"

emu = Emulator(session_count=450, threads=8)
client = emu.client()
"""

_EPILOGUE = """
print(json.dumps(report), flush=True)
os._exit(0)  # the emulator's workers still sleep on the abandoned requests
"""


def _run(body: str) -> dict[str, Any]:
    code = _PRELUDE + textwrap.dedent(body) + _EPILOGUE
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_ctrl_c_ends_a_call_the_server_holds_and_the_client_stays_usable() -> None:
    r = _run("""
        sid = emu.session_id(0)
        other = {}
        def other_thread():  # the same client, held 1.5 s: must complete normally
            try:
                other["id"] = client.sessions.get(sid).id
            except BaseException as e:
                other["error"] = repr(e)
        emu.inject_fault("delay", path="/v1/sessions/" + sid, count=2, delay_ms=HOLD_MS)
        emu.inject_fault("delay", path="/v1/sessions/" + emu.session_id(1), delay_ms=1500)
        t = threading.Thread(target=lambda: other.update(id=client.sessions.get(emu.session_id(1)).id))
        t.start()
        interrupt_after(0.3)
        report["get"] = raised_after(lambda: client.sessions.get(sid))
        t.join()
        report["other_thread"] = other.get("id") == emu.session_id(1)
        emu.clear_faults()
        report["after"] = client.sessions.get(sid).id == sid
    """)
    seconds, raised = r["get"]
    assert raised == "KeyboardInterrupt" and seconds < LATE, r
    assert r["other_thread"] and r["after"], r


def test_ctrl_c_ends_an_iterator_page_fetch() -> None:
    r = _run("""
        it = client.sessions.iter(limit=200)
        first = [next(it).id for _ in range(200)]
        emu.inject_fault("delay", path="/v1/sessions", count=4, delay_ms=HOLD_MS)
        interrupt_after(0.3)
        report["page"] = raised_after(lambda: [next(it) for _ in range(400)])
        emu.clear_faults()
        report["walk_after"] = sum(1 for _ in client.sessions.iter(limit=200))
    """)
    seconds, raised = r["page"]
    assert raised == "KeyboardInterrupt" and seconds < LATE, r
    assert r["walk_after"] == 450, r


def test_ctrl_c_ends_a_gate_wait_and_the_signup_stays_usable() -> None:
    r = _run("""
        signup = client.gate.signup("foil", account_name="ctrl-c")
        emu.inject_fault("delay", path="/v1/gate/sessions/" + signup.id, count=1, delay_ms=HOLD_MS)
        interrupt_after(0.3)
        report["wait"] = raised_after(lambda: signup.wait(timeout=30, interval=0.05))
        emu.clear_faults()
        emu.approve(signup.id)
        report["outputs"] = sorted(signup.wait(timeout=30, interval=0.05))
        signup.ack()
    """)
    seconds, raised = r["wait"]
    assert raised == "KeyboardInterrupt" and seconds < LATE, r
    assert "FOIL_SECRET_KEY" in r["outputs"], r


def test_a_handler_that_uses_the_waiting_signup_never_deadlocks() -> None:
    # The handler runs inside the wait's poll, which holds the signup's lock on this thread:
    # reads answer, cancel() ends the wait promptly, a poll is refused with a typed error.
    # Before, its first read waited for that lock forever (the child's timeout).
    r = _run("""
        signup = client.gate.signup("foil", account_name="handler")
        seen = {}
        def handler(signum, frame):
            seen["status"] = signup.status
            seen["repr"] = repr(signup) == f"<foil.GateSignup {signup.id} foil pending>"
            seen["poll_data"] = (signup.poll_data or {}).get("status")
            try:
                signup.poll()
                seen["poll"] = "returned"
            except foil.FoilStateError as e:
                seen["poll"] = "busy in a call on this thread" in str(e)
            signup.cancel()
        signal.signal(signal.SIGINT, handler)
        emu.inject_fault("delay", path="/v1/gate/sessions/" + signup.id, count=1, delay_ms=HOLD_MS)
        interrupt_after(0.3)
        report["wait"] = raised_after(lambda: signup.wait(timeout=30, interval=0.05),
                                      foil.FoilCancelledError)
        report["seen"] = seen
        signal.signal(signal.SIGINT, signal.default_int_handler)
        emu.clear_faults()
        emu.approve(signup.id)
        report["outputs"] = sorted(signup.wait(timeout=30, interval=0.05))
        signup.ack()
    """)
    seconds, raised = r["wait"]
    assert raised == "FoilCancelledError" and seconds < LATE, r
    assert r["seen"] == {"status": "pending", "repr": True, "poll_data": None, "poll": True}, r
    assert "FOIL_SECRET_KEY" in r["outputs"], r


def test_a_custom_handler_is_honoured() -> None:
    r = _run("""
        class Stop(Exception):
            pass
        def stop(signum, frame):
            raise Stop("stopped by the handler")
        calls = []
        sid = emu.session_id(0)
        signal.signal(signal.SIGINT, stop)
        emu.inject_fault("delay", path="/v1/sessions/" + sid, delay_ms=HOLD_MS)
        interrupt_after(0.3)
        report["raising"] = raised_after(lambda: client.sessions.get(sid), Stop)
        # A handler that does not raise lets the call finish with its result.
        signal.signal(signal.SIGINT, lambda signum, frame: calls.append(signum))
        emu.inject_fault("delay", path="/v1/sessions/" + sid, delay_ms=1000)
        interrupt_after(0.3)
        t0 = time.monotonic()
        report["quiet"] = [client.sessions.get(sid).id == sid, calls == [signal.SIGINT],
                           time.monotonic() - t0 >= 0.9]
    """)
    seconds, raised = r["raising"]
    assert raised == "Stop" and seconds < LATE, r
    assert r["quiet"] == [True, True, True], r
