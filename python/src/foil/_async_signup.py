"""A whole Gate signup for asyncio (``await client.gate.signup(...)`` on foil.AsyncFoil):
the core's signup without I/O (foil/gate_session.h: prepare_create, next, feed,
prepare_ack) with every request sent on the client's event-loop transport and every wait an
``asyncio.sleep``. The session decides each step exactly as the blocking signup's
foil_gate_session_step does, so statuses, outputs and errors are the same."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any, Callable

from . import native as _native
from ._aio import Transport
from ._signup import SignupState, progress_callback, wait_arg_ms

__all__ = ["AsyncGateSignup"]

# The longest sleep between two on_progress calls (as the blocking wait's 100 ms ticks).
_TICK = 0.1


async def _send(transport: Transport, handle: Any, request: Any) -> int:
    """Send one of the session's requests and feed the answer (or the transport failure)
    back: the wait the session asks for next (0 after a create or an ack, or approved)."""
    answer = await transport.outcome(*transport.exchange(request))
    if not isinstance(answer, tuple):
        return int(_native.gate_session_feed(handle, request, answer))
    _none, status, detail = answer
    return int(_native.gate_session_feed_failure(handle, request, status, detail))


class AsyncGateSignup(SignupState):
    """A Gate signup in progress on foil.AsyncFoil (from ``await client.gate.signup(...)``).

    Typical use::

        async with await client.gate.signup("acme") as signup:
            print("Approve at", signup.consent_url)
            outputs = await signup.wait(timeout=600)
            write_env_file(outputs)          # store durably first
            await signup.ack()               # then acknowledge: the delivery is gone

    The properties are :class:`foil.GateSignup`'s. Cancelling the task in :meth:`wait` (or
    :meth:`cancel`) ends the wait at once; the signup stays usable.
    """

    __slots__ = ("_cancelled",)
    _cancelled: bool

    @classmethod
    def _wrap(cls, handle: Any, client: Any) -> AsyncGateSignup:
        self = object.__new__(cls)
        self._adopt(handle, client)
        self._cancelled = False
        return self

    @classmethod
    async def _create(cls, client: Any, service_id: str, account_name: str,
                      metadata_json: str | None) -> AsyncGateSignup:
        transport = client._transport()
        handle, request = _native.gate_session_prepare_create(client._handle(), service_id, account_name,
                                                               metadata_json)
        await _send(transport, handle, request)
        return cls._wrap(handle, client)

    @classmethod
    def resume(cls, client: Any, exported: str) -> AsyncGateSignup:
        """Resume a signup saved with :meth:`export` (after a crash, before the ack)."""
        if not isinstance(exported, str):
            raise TypeError(f"exported must be str, not {type(exported).__name__}")
        return cls._wrap(_native.gate_session_import_ex(client._handle(), exported), client)

    async def wait(self, *, timeout: float | None = None, interval: float | None = None,
                   on_progress: Callable[[str, float], object] | None = None,
                   on_status: Callable[[str, float], object] | None = None) -> dict[str, str]:
        """Poll until approved and return the outputs (the blocking :meth:`GateSignup.wait`'s
        arguments and errors). ``on_progress(status, seconds_left)`` is called after each poll
        and about every 100 ms. Other tasks run meanwhile: each poll is a request on the
        event loop, each pause an ``asyncio.sleep``."""
        timeout_ms = wait_arg_ms(timeout, "timeout")
        interval_ms = wait_arg_ms(interval, "interval")
        progress = progress_callback(on_progress, on_status)
        handle = self._h()
        transport = self._client._transport()
        _native.gate_session_wait_start(handle, timeout_ms, interval_ms)
        self._cancelled = False
        loop = asyncio.get_running_loop()
        while True:
            request, pause_ms = _native.gate_session_next(handle)  # raises on a terminal status
            if request is not None:
                pause_ms = await _send(transport, handle, request)
                if pause_ms == 0:
                    return self._outputs(handle)
            deadline = loop.time() + pause_ms / 1000
            while not self._cancelled:  # cancel(): the next step reports it at once
                if progress is not None:
                    progress(str(_native.gate_session_status(handle)),
                              float(_native.gate_session_seconds_left(handle)))
                left = deadline - loop.time()
                if left <= 0:
                    break
                await asyncio.sleep(min(left, _TICK))
            self._cancelled = False

    async def poll(self) -> str:
        """Poll once; returns the status (outputs are available once ``"approved"``), as
        :meth:`foil.GateSignup.poll`: a rejected or expired signup is a status here, not
        an error, and a network failure is raised, not retried."""
        handle = self._h()
        await _send(self._client._transport(), handle, _native.gate_session_prepare_poll(handle))
        return self.status

    async def ack(self) -> None:
        """Acknowledge the delivery (only after storing the outputs durably)."""
        handle = self._h()
        await _send(self._client._transport(), handle, _native.gate_session_prepare_ack(handle))

    def cancel(self) -> None:
        """Make a running :meth:`wait` (or else the next one) raise
        :class:`FoilCancelledError` within a tick."""
        _native.gate_session_cancel(self._h())
        self._cancelled = True

    def close(self) -> None:
        """Release the signup (its key and outputs are wiped). Idempotent; a running
        :meth:`wait` ends with :class:`FoilCancelledError`."""
        handle, self._s = self._s, None
        if handle is not None:
            _native.gate_session_cancel(handle)
            self._cancelled = True

    async def __aenter__(self) -> AsyncGateSignup:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        if self._s is None:
            return "<foil.AsyncGateSignup closed>"
        return f"<foil.AsyncGateSignup {self.id} {self.service_id} {self.status}>"
