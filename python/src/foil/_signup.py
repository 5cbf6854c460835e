"""A whole Gate signup over libfoil's foil_gate_session_t: key pair, consent, wait,
decrypt, policy, ack, and export / resume so a crash never loses the one-time delivery."""

from __future__ import annotations

import threading
import time
from types import TracebackType
from typing import Any, Callable

from . import native as _native
from ._calls import Client
from ._errors import FoilStateError
from ._seconds import seconds_to_ms

__all__ = ["GateSignup", "SignupState", "wait_arg_ms"]


def wait_arg_ms(value: float | None, name: str) -> int:
    """Seconds (None: the default) as the milliseconds the core takes; 0 means the default."""
    return 0 if value is None else seconds_to_ms(value, name, or_none=True)


def progress_callback(on_progress: Callable[[str, float], object] | None,
                      on_status: Callable[[str, float], object] | None
                      ) -> Callable[[str, float], object] | None:
    """A wait's ``on_progress`` (the C API's progress callback); ``on_status`` is its
    earlier name, still accepted. Giving both, or something not callable, is a TypeError."""
    if on_progress is not None and on_status is not None:
        raise TypeError("give on_progress or on_status (its earlier name), not both")
    callback = on_progress if on_progress is not None else on_status
    if callback is not None and not callable(callback):
        raise TypeError("on_progress must be callable")
    return callback


class SignupState:
    """What a Gate signup in progress holds and shows, for :class:`GateSignup` (blocking
    calls) and :class:`foil.AsyncGateSignup` (coroutines): the session's fields, status,
    poll data, outputs and refused keys, and its export."""

    __slots__ = ("_s", "_client", "_lock")
    _s: Any
    _client: Any
    # Held across each call that reads or changes what a poll changes and the conversion of
    # its result: another thread's poll would otherwise free the poll data being converted.
    # Re-entrant: a signal handler run inside a call on this thread (the Ctrl-C check during
    # a poll) reaches the core, which lets it read and cancel and refuses the rest
    # (FoilStateError) instead of waiting forever for a lock its own thread holds.
    _lock: threading.RLock

    def __init__(self) -> None:
        raise TypeError("use client.gate.signup(...) or GateSignup.resume(...)")

    def _adopt(self, handle: Any, client: Any) -> None:
        self._s = handle
        self._client = client
        self._lock = threading.RLock()

    def _h(self) -> Any:
        handle = self._s
        if handle is None:
            raise FoilStateError("this signup is closed", code="client.closed")
        return handle

    def __reduce__(self) -> Any:
        # A copy would share the session (its private key, outputs and lock) and keep them
        # alive past close(); pickle would write the key. export() is the saved form.
        raise TypeError(f"{type(self).__name__} cannot be copied or pickled; use export() and resume()")

    def _locked(self, call: Callable[[Any], Any], handle: Any = None) -> Any:
        """``call(handle)`` with the lock held (the handle stays alive while it runs)."""
        handle = self._h() if handle is None else handle
        with self._lock:
            return call(handle)

    @property
    def id(self) -> str:
        """The Gate session id (``gate_...``)."""
        return str(_native.gate_session_id(self._h()))

    @property
    def service_id(self) -> str:
        """The service signed up to."""
        return str(_native.gate_session_service_id(self._h()))

    @property
    def account_name(self) -> str:
        """The account name sent to the service."""
        return str(_native.gate_session_account_name(self._h()))

    @property
    def consent_url(self) -> str:
        """The page where the person approves the signup."""
        return str(_native.gate_session_consent_url(self._h()))

    @property
    def expires_at(self) -> str | None:
        """When the session expires (ISO-8601)."""
        value = _native.gate_session_expires_at(self._h())
        return None if value is None else str(value)

    @property
    def poll_token(self) -> str:
        """The poll token: a credential, never log it."""
        return str(_native.gate_session_poll_token(self._h()))

    @property
    def status(self) -> str:
        """``"pending"``, ``"approved"``, ``"rejected"``, ``"expired"`` or ``"acknowledged"``."""
        return str(self._locked(_native.gate_session_status))

    @property
    def docs_url(self) -> str | None:
        """The service's docs URL, returned with the approval."""
        value = self._locked(_native.gate_session_docs_url)
        return None if value is None else str(value)

    @property
    def poll_data(self) -> dict[str, Any] | None:
        """The latest poll's data, None before the first poll."""
        data = self._locked(_native.gate_session_poll_data)
        return data if isinstance(data, dict) else None

    @property
    def outputs(self) -> dict[str, str]:
        """The delivered env vars after approval (both envelopes merged, policy applied);
        empty before. The values are secrets."""
        return self._outputs(self._h())

    def _outputs(self, handle: Any) -> dict[str, str]:
        outputs = self._locked(_native.gate_session_outputs, handle)
        return {str(k): str(v) for k, v in outputs.items()} if isinstance(outputs, dict) else {}

    @property
    def refused(self) -> dict[str, str]:
        """Delivered keys the env-var policy refused, with the reason (the core's
        ``{"KEY": "reason"}``, as in every binding)."""
        refused = self._locked(_native.gate_session_refused)
        return {str(k): str(v) for k, v in refused.items()} if isinstance(refused, dict) else {}

    def export(self) -> str:
        """The whole signup, private key included, as a string to store privately (0600)."""
        return str(_native.gate_session_export(self._h()))


class GateSignup(SignupState):
    """A Gate signup in progress (from ``client.gate.signup(...)``).

    Typical use::

        with client.gate.signup("acme") as signup:
            print("Approve at", signup.consent_url)
            outputs = signup.wait(timeout=600)
            write_env_file(outputs)          # store durably first
            signup.ack()                     # then acknowledge: the delivery is gone

    Safe to share between threads: calls take turns (a poll waits for the one in flight),
    :meth:`cancel` never waits, and :meth:`close` from another thread ends a running
    :meth:`wait` with :class:`FoilCancelledError`; the signup is freed once it returns.
    """

    __slots__ = ("_wake",)
    _client: Client
    _wake: threading.Event

    @classmethod
    def _wrap(cls, handle: Any, client: Client) -> GateSignup:
        self = object.__new__(cls)
        self._adopt(handle, client)
        self._wake = threading.Event()
        return self

    @classmethod
    def resume(cls, client: Client, exported: str) -> GateSignup:
        """Resume a signup saved with :meth:`export` (after a crash, before the ack)."""
        if not isinstance(exported, str):
            raise TypeError(f"exported must be str, not {type(exported).__name__}")
        return cls._wrap(_native.gate_session_import_ex(client._handle(), exported), client)

    def poll(self) -> str:
        """Poll once; returns the status (outputs are available once ``"approved"``)."""
        self._locked(_native.gate_session_poll)
        return self.status

    def wait(self, *, timeout: float | None = None, interval: float | None = None,
             on_progress: Callable[[str, float], object] | None = None,
             on_status: Callable[[str, float], object] | None = None) -> dict[str, str]:
        """Poll until approved and return the outputs.

        ``timeout`` in seconds (default: until the session expires), ``interval`` between
        polls (default 1 s). ``on_progress(status, seconds_left)`` is called after each poll
        and about every 100 ms (``on_status``: its earlier name). Raises :class:`FoilRejectedError`,
        :class:`FoilExpiredError`, :class:`FoilTimeoutError`, :class:`FoilCancelledError`
        (after :meth:`cancel`); Ctrl-C interrupts promptly and leaves the signup usable.

        The loop runs here, over the core's step call: each step polls at most once with
        the GIL released, then this thread sleeps (interruptibly, other threads running)
        for as long as the step says.
        """
        timeout_ms = wait_arg_ms(timeout, "timeout")
        interval_ms = wait_arg_ms(interval, "interval")
        progress = progress_callback(on_progress, on_status)
        handle, wake, locked = self._h(), self._wake, self._locked
        locked(lambda h: _native.gate_session_wait_start(h, timeout_ms, interval_ms), handle)
        while True:
            wait_ms = locked(_native.gate_session_step, handle)  # raises on a terminal status
            if wait_ms == 0:
                return self._outputs(handle)
            deadline = time.monotonic() + wait_ms / 1000
            while True:
                if progress is not None:
                    progress(str(locked(_native.gate_session_status, handle)),
                              float(locked(_native.gate_session_seconds_left, handle)))
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                if wake.wait(min(left, 0.1)):  # cancel(): the next step reports it at once
                    wake.clear()
                    break

    def ack(self) -> None:
        """Acknowledge the delivery (only after storing the outputs durably)."""
        self._locked(_native.gate_session_ack)

    def cancel(self) -> None:
        """Make a running :meth:`wait` (or else the next one) raise
        :class:`FoilCancelledError` at once (safe from any thread)."""
        _native.gate_session_cancel(self._h())
        self._wake.set()

    def close(self) -> None:
        """Release the signup (its key and outputs are wiped). Idempotent. A :meth:`wait`
        running on another thread ends with :class:`FoilCancelledError`; the signup is
        freed when it returns, never under it."""
        handle, self._s = self._s, None
        if handle is not None:
            _native.gate_session_cancel(handle)
            self._wake.set()

    def __enter__(self) -> GateSignup:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        if self._s is None:
            return "<foil.GateSignup closed>"
        return f"<foil.GateSignup {self.id} {self.service_id} {self.status}>"
