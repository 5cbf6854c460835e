"""foil.AsyncFoil: the client for asyncio. The same options, namespaces, results and errors as
:class:`foil.Foil` (its namespaces are generated from the same operation table, foil/_api.py),
every API method a coroutine run on the running event loop through libfoil's event-loop
transport (foil._aio): no thread per call."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any

from . import native as _native
from ._aio import Transport
from ._api import AsyncClientNamespaces
from ._client import DEFAULT_BASE_URL, DEFAULT_TIMEOUT, native_client
from ._errors import FoilStateError

__all__ = ["AsyncFoil"]


class AsyncFoil(AsyncClientNamespaces):
    """A Foil API client for asyncio: ``await client.sessions.get(id)``,
    ``async for s in client.sessions.iter()``, ``await client.gate.signup(...)``.

    Options as :class:`foil.Foil`'s. Calls run on the running event loop (the default loop or
    uvloop) over libfoil's event-loop transport: many at once on one thread, connections
    kept alive and pooled per loop. Cancelling the task awaiting a call (``task.cancel()``,
    ``asyncio.timeout``, ``wait_for``) aborts that call's transfer at once; the client and
    the other calls go on. Use ``async with AsyncFoil(...) as client:`` or ``await
    client.aclose()``.
    """

    def __init__(
        self,
        *,
        secret_key: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = DEFAULT_TIMEOUT,
        user_agent: str | None = None,
        max_retries: int = 0,
        ca_bundle: str | None = None,
        proxy: str | None = None,
        connect_timeout: float | None = None,
        prefetch: bool = True,
    ) -> None:
        self._native_client: Any = native_client(
            secret_key=secret_key, base_url=base_url, timeout=timeout, user_agent=user_agent,
            max_retries=max_retries, ca_bundle=ca_bundle, proxy=proxy, connect_timeout=connect_timeout,
            prefetch=prefetch)
        self._prefetch = prefetch
        # One transport per event loop the client is used on (a transport refers to its loop,
        # so a weak mapping would never drop it): those of closed loops are freed as new ones
        # are made.
        self._transports: dict[asyncio.AbstractEventLoop, Transport] = {}
        self._open_namespaces()

    def _handle(self) -> Any:
        handle = self._native_client
        if handle is None:
            raise FoilStateError("this AsyncFoil client is closed", code="client.closed")
        return handle

    def _transport(self) -> Transport:
        """The transport of the running event loop (made on first use)."""
        handle = self._handle()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise FoilStateError("AsyncFoil calls run on a running asyncio event loop",
                                 code="loop.none") from None
        transport = self._transports.get(loop)
        if transport is None:
            for gone in [other for other in self._transports if other.is_closed()]:
                self._transports.pop(gone).close()
            transport = self._transports[loop] = Transport(handle, loop, self._prefetch)
        return transport

    @property
    def prefetch(self) -> bool:
        """Whether a walk requests the next page as soon as a page arrives."""
        return self._prefetch

    @property
    def base_url(self) -> str:
        """The API origin requests go to."""
        return str(_native.client_base_url(self._handle()))

    @property
    def closed(self) -> bool:
        """True after :meth:`aclose` (or :meth:`close`)."""
        return self._native_client is None

    def cancel(self) -> None:
        """End every call in flight on this client, on every event loop (safe from any
        thread): each raises :class:`FoilCancelledError` within ~0.1 s."""
        _native.client_cancel(self._handle())

    def close(self) -> None:
        """Close now: calls in flight on the running loop's transport end with
        :class:`FoilStateError`, its connections are closed. Idempotent. The transport of
        another event loop still running is left to it (a loop's fds are its own thread's):
        its calls finish, new ones are refused."""
        if self._native_client is None:
            return
        self._native_client = None
        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        for owner, transport in list(self._transports.items()):
            if owner is loop or owner.is_closed():
                transport.close()
        self._transports.clear()

    async def aclose(self) -> None:
        """:meth:`close`, as a coroutine (``async with`` calls it)."""
        self.close()

    async def __aenter__(self) -> AsyncFoil:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.aclose()

    def __reduce__(self) -> Any:
        # A copy would share the connections and keep calling through this client's
        # namespaces, closed or not; a client is cheap to make again with the same options.
        raise TypeError("a AsyncFoil client cannot be copied or pickled; make a new one with the same options")

    def __repr__(self) -> str:
        state = "closed" if self.closed else _native.client_base_url_redacted(self._handle())
        return f"<foil.AsyncFoil {state}>"
