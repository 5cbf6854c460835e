"""How a namespace coroutine of foil.AsyncFoil (foil/_api.py, generated from the operation
table) runs its operation: the arguments checked and written as foil._calls does, the call
run on the client's event-loop transport (foil._aio), the result converted as foil._calls
does. Only the sending differs from the blocking client, so results and errors are the same."""

from __future__ import annotations

from typing import Any, AsyncIterator, Protocol, TypeVar

from . import native as _native
from ._aio import Transport
from ._calls import _not_objects, many_of, one_of, page_of, params_json
from ._model import ListResult, Model

M = TypeVar("M", bound=Model)

__all__ = ["AsyncClient", "AsyncNamespace", "acall_many", "acall_none", "acall_one", "acall_page", "awalk"]

_result_models = _native.py_result_models
_prepare = _native.prepare
_prepare_next = _native.prepare_next


class AsyncClient(Protocol):
    """What an async namespace needs of its client (foil.AsyncFoil)."""

    def _handle(self) -> Any: ...

    def _transport(self) -> Transport: ...


class AsyncNamespace:
    """Base of the async namespaces (``client.sessions``, ``client.gate.registry``, ...)."""

    __slots__ = ("_client",)

    def __init__(self, client: AsyncClient) -> None:
        self._client = client


async def _send(client: AsyncClient, operation: str, values: dict[str, Any]) -> Any:
    params = params_json(operation, values)
    return await client._transport().call(operation, params)


async def acall_one(client: AsyncClient, operation: str, cls: type[M], values: dict[str, Any]) -> M:
    """An operation whose data is one object."""
    return one_of(await _send(client, operation, values), cls)


async def acall_many(client: AsyncClient, operation: str, cls: type[M], values: dict[str, Any]) -> list[M]:
    """An unpaginated list: data is an array of objects."""
    return many_of(await _send(client, operation, values), cls)


async def acall_page(client: AsyncClient, operation: str, cls: type[M], values: dict[str, Any]) -> ListResult[M]:
    """One page of a paginated list, with the pagination the core read from it."""
    return page_of(await _send(client, operation, values), cls)


async def acall_none(client: AsyncClient, operation: str, values: dict[str, Any]) -> None:
    """An operation without content (204)."""
    await _send(client, operation, values)


def awalk(client: AsyncClient, operation: str, cls: type[M], values: dict[str, Any]) -> AsyncIterator[M]:
    """Every item of a paginated list (arguments checked now, requests made as it is read)."""
    return _pages(client, operation, params_json(operation, values), cls)


async def _pages(client: AsyncClient, operation: str, params: str, cls: type[M]) -> AsyncIterator[M]:
    """The walk, one page in memory at a time (items are lazy views over the C result).

    Each page is a request prepared by the core (foil_prepare, then foil_prepare_next from
    the page before: the core follows the cursor) and sent on the event loop. As the
    blocking walk does, the next page is requested as soon as a page arrives (by the
    transport, in the loop callback that completed it, when the walk was waiting for it),
    so the server answers it while this one is read (``AsyncFoil(prefetch=False)``: once
    this page is read). All on the transport of the loop the walk started on; leaving
    ``async for`` early cancels the page requested ahead.
    """
    transport = client._transport()
    ahead = transport.prefetch
    call: tuple[int, Any] | None = transport.start_page(_prepare(client._handle(), operation, params), ahead)
    try:
        while call is not None:
            result, request, call = await transport.page(*call)
            if call is None and ahead:  # the page came before the walk waited for it
                request = _prepare_next(request, result)
                call = None if request is None else transport.start_page(request, True)
            items = _result_models(result, cls)[0]
            if items is None:
                raise _not_objects("list items")
            for item in items:
                yield item
            if not ahead:
                request = _prepare_next(request, result)
                call = None if request is None else transport.start_page(request, False)
    finally:
        if call is not None:
            transport.cancel(call[0])
