"""The event-loop transport of foil.AsyncFoil: libfoil's foil_loop (foil/loop.h: libcurl's
multi interface driven by the host) on the running asyncio loop.

One :class:`Transport` per client and event loop. The core says which sockets to watch and
when its timer is due; they become ``loop.add_reader`` / ``add_writer`` and one
``loop.call_later``, and every readiness is handed back in one C call that also returns
what changed and the calls that finished (``py_loop_turn``). No thread, no C callback into
Python: each C call is short (the transfers go as far as they can without blocking) and keeps
the GIL, as the loop's only thread would hold it anyway.

A call's outcome is the one ``foil_call`` gives (the core prepares, transfers and completes
it): a result handle, or the exception foil._errors builds from its error record.
"""

from __future__ import annotations

import asyncio
from typing import Any

from . import native as _native
from ._errors import FoilStateError

__all__ = ["Transport"]

_READ = _native.FOIL_LOOP_READ
_WRITE = _native.FOIL_LOOP_WRITE
_TIMER = _native.FOIL_LOOP_TIMER
_NOTHING = _native.FOIL_PY_LOOP_NOTHING  # a turn that reports no readiness
_turn = _native.py_loop_turn
_start = _native.loop_start
_start_request = _native.loop_start_request
_start_exchange = _native.loop_start_exchange
_cancel = _native.loop_cancel
_prepare_next = _native.prepare_next
# What a finished call's future gets (self._calls' third field); a walk's page is
# _PAGE_AHEAD while its walk reads the page before, _PAGE_WAITED once the walk waits for it.
_CALL, _EXCHANGE, _PAGE, _PAGE_AHEAD, _PAGE_WAITED = 0, 1, 2, 3, 4


class Transport:
    """One foil_loop on one asyncio loop (and so on one thread)."""

    __slots__ = ("_loop", "_h", "_calls", "_watched", "_timer", "_due", "_on_timer", "prefetch")

    def __init__(self, client_handle: Any, loop: asyncio.AbstractEventLoop, prefetch: bool) -> None:
        self._loop = loop
        self.prefetch = prefetch  # a walk requests the next page as soon as a page arrives
        self._h: Any = _native.loop_new(client_handle)
        # call id -> its future, the prepared request the loop borrows (kept alive here
        # until the call is collected; None for a call the loop prepared itself), and what
        # the future gets (_CALL, _EXCHANGE, _PAGE...).
        self._calls: dict[int, tuple[asyncio.Future[Any], Any, int]] = {}
        self._watched: dict[int, int] = {}  # fd -> FOIL_LOOP_READ | FOIL_LOOP_WRITE
        self._timer: asyncio.TimerHandle | asyncio.Handle | None = None
        self._due = 0.0  # loop.time() the timer fires at
        self._on_timer = self._fire  # one bound method, not one per arming

    def _here(self) -> Any:
        """The loop handle, refused off this transport's own event loop (so off its thread):
        a foil_loop is driven by one thread, and its fds are watched by one event loop."""
        handle = self._h
        if handle is None:
            raise FoilStateError("this AsyncFoil client is closed", code="client.closed")
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is not self._loop:
            raise FoilStateError("this call belongs to another event loop than the running one "
                                 "(an AsyncFoil walk or signup stays on the loop that started it)",
                                 code="loop.other")
        return handle

    def start(self, operation: str, params: str) -> tuple[int, asyncio.Future[Any]]:
        """Start ``operation``: its id and the future of its result handle (None for a 204)."""
        handle = self._here()
        call_id = int(_start(handle, operation, params))
        return call_id, self._started(handle, call_id, None, _CALL)

    def start_page(self, request: Any, ahead: bool) -> tuple[int, asyncio.Future[Any]]:
        """Start a walk's page, a request prepared with sansio.h (foil_prepare, then
        foil_prepare_next). Its future is (result handle, request, next) once the page is
        complete. With ``ahead``, a page completed while its walk waits for it has next: the
        (call id, future) of the following page, prepared and started in the loop callback
        that completed this one, before the walk's task resumes (None after the last page);
        a page completed earlier (while the walk still read the one before) has next None,
        and the walk requests the following page itself when it takes this one: one page
        ahead at most."""
        handle = self._here()
        call_id = int(_start_request(handle, request))
        return call_id, self._started(handle, call_id, request, _PAGE_AHEAD if ahead else _PAGE, ahead)

    async def page(self, call_id: int, future: asyncio.Future[Any]) -> tuple[Any, Any, Any]:
        """Wait for a page started with :meth:`start_page`; a cancelled wait also cancels
        the page it had already requested ahead."""
        call = self._calls.get(call_id)
        if call is not None and call[2] == _PAGE_AHEAD:
            self._calls[call_id] = (call[0], call[1], _PAGE_WAITED)
        try:
            return await self.outcome(call_id, future)  # type: ignore[no-any-return]
        except asyncio.CancelledError:
            if future.done() and not future.cancelled() and future.exception() is None:
                ahead = future.result()[2]
                if ahead is not None:
                    self.cancel(ahead[0])
            raise

    def _started(self, handle: Any, call_id: int, request: Any, kind: int,
                 now: bool = False) -> asyncio.Future[Any]:
        future = self._loop.create_future()
        self._calls[call_id] = (future, request, kind)
        # A transfer starts at the loop's next timer turn, so calls started together go out
        # in one turn. A page requested ahead goes out now (its request written on the
        # kept-alive connection): the next turn comes only once the walk has read the whole
        # current page, which would leave the server nothing to overlap.
        self._apply(_turn(handle, _TIMER if now else _NOTHING, 0))
        return future

    async def call(self, operation: str, params: str) -> Any:
        """The result handle of ``operation`` once it finished; cancelling the awaiting task
        cancels its transfer at once (other calls go on)."""
        call_id, future = self.start(operation, params)
        return await self.outcome(call_id, future)

    async def outcome(self, call_id: int, future: asyncio.Future[Any]) -> Any:
        """Wait for a call started with :meth:`start` (on this transport's event loop)."""
        self._here()
        try:
            return await future
        except asyncio.CancelledError:
            self.cancel(call_id)
            raise

    def cancel(self, call_id: int) -> None:
        """End a call now (its future, if anyone still waits, is cancelled)."""
        call = self._calls.pop(call_id, None)
        if call is None or self._h is None:
            return
        call[0].cancel()
        _cancel(self._h, call_id)  # in flight: every finished call was collected by a turn
        self._apply(_turn(self._h, _NOTHING, 0))

    def _ready(self, fd: int, events: int) -> None:
        if self._h is not None:
            self._apply(_turn(self._h, fd, events))

    def _fire(self) -> None:
        self._timer = None
        if self._h is not None:
            self._apply(_turn(self._h, _TIMER, 0))

    def exchange(self, request: Any) -> tuple[int, asyncio.Future[Any]]:
        """Send a Gate signup's request (foil/gate_session.h's steps without I/O): its future
        is the response as it came, or (None, status, detail) of a transport failure, which
        the session takes back (feed / feed_failure) and decides on."""
        handle = self._here()
        call_id = int(_start_exchange(handle, request))
        return call_id, self._started(handle, call_id, request, _EXCHANGE)

    def _apply(self, turn: tuple[list[tuple[int, int]], int, list[tuple[int, Any, Any, int, str | None]]]) -> None:
        """What one C call said: fds to (un)watch, the timer, the finished calls."""
        changes, timeout_ms, done = turn
        loop = self._loop
        for fd, events in changes:
            was = self._watched.get(fd, 0)
            if was & _READ and not events & _READ:
                loop.remove_reader(fd)
            if was & _WRITE and not events & _WRITE:
                loop.remove_writer(fd)
            if events & _READ and not was & _READ:
                loop.add_reader(fd, self._ready, fd, _READ)
            if events & _WRITE and not was & _WRITE:
                loop.add_writer(fd, self._ready, fd, _WRITE)
            if events:
                self._watched[fd] = events
            else:
                self._watched.pop(fd, None)
        if timeout_ms < 0:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        else:
            due = loop.time() + timeout_ms / 1000
            # Firing early is harmless (the core runs what is due); late is not.
            if self._timer is None or due < self._due:
                if self._timer is not None:
                    self._timer.cancel()
                self._due = due
                self._timer = (loop.call_soon(self._on_timer) if timeout_ms == 0
                               else loop.call_later(timeout_ms / 1000, self._on_timer))
        for call_id, value, error, status, detail in done:
            call = self._calls.pop(call_id, None)
            if call is None or call[0].done():
                continue
            future, request, kind = call
            if error is None:
                if kind == _CALL or kind == _EXCHANGE:
                    future.set_result(value)
                elif kind == _PAGE_WAITED:
                    self._page_ahead(future, request, value)
                else:
                    future.set_result((value, request, None))
            elif kind == _EXCHANGE:  # an exchange's failure is the session's to judge
                future.set_result((None, status, detail))
            else:
                future.set_exception(error)

    def _page_ahead(self, future: asyncio.Future[Any], request: Any, result: Any) -> None:
        """A walk's page is complete: request the next one now, then hand both over."""
        try:
            following = _prepare_next(request, result)
            ahead = None if following is None else self.start_page(following, True)
        except Exception as error:  # as the walk would have raised it preparing the page
            future.set_exception(error)
            return
        future.set_result((result, request, ahead))

    def close(self) -> None:
        """Stop watching, end every call in flight (their awaiters get FoilStateError), free
        the loop and its connections. Idempotent; from the transport's own thread."""
        handle, self._h = self._h, None
        if handle is None:
            return
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._loop.is_closed():  # a closed loop watches nothing any more
            for fd, events in self._watched.items():
                if events & _READ:
                    self._loop.remove_reader(fd)
                if events & _WRITE:
                    self._loop.remove_writer(fd)
        self._watched.clear()
        calls, self._calls = self._calls, {}
        # A closed loop runs no callback again: its futures can be neither resolved nor
        # awaited (asyncio raises "Event loop is closed"), only dropped with the loop.
        for future, _request, _kind in () if self._loop.is_closed() else calls.values():
            if not future.done():
                future.set_exception(FoilStateError("the AsyncFoil client was closed during the call",
                                                    code="client.closed"))
                # Raised to whoever awaits it; a page a walk requested ahead and nobody will
                # await is not an error worth asyncio's "never retrieved" log.
                future.exception()
        del handle, calls  # foil_loop_free: every call in flight ended; then the requests it borrowed
