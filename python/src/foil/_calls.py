"""How a namespace method (foil/_api.py, generated from the operation table) runs its
operation: the arguments as one JSON object, checked for their Python types against the
table, then ``foil_call`` (one response) or ``foil_call_iter`` (a walk), with the GIL
released during the request; a failure raises from that call's own error record. The
checks of the arguments and the conversion of a result are shared with the coroutines of
foil.AsyncFoil (foil._acalls), which only send differently."""

from __future__ import annotations

import json
from typing import Any, Iterator, Mapping, Protocol, TypeVar, cast

from . import native as _native
from ._errors import FoilProtocolError
from ._model import JsonView, ListResult, Model, ValueModel, json_text

M = TypeVar("M", bound=Model)

__all__ = ["NOT_GIVEN", "Client", "Namespace", "call_many", "call_none", "call_one", "call_page", "many_of",
           "one_of", "page_of", "params_json", "walk"]

_call = _native.call
_call_iter = _native.call_iter
_next_page = _native.iter_next_page
_page_models = _native.py_page_models
_unpack_result = _native.py_result_views


class _NotGiven:
    """The default of a nullable parameter (None is sent as null; this is not sent)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Any = _NotGiven()


class Client(Protocol):
    """What a namespace needs of its client (foil.Foil)."""

    def _handle(self) -> Any: ...


class Namespace:
    """Base of the namespaces (``client.sessions``, ``client.gate.registry``, ...)."""

    __slots__ = ("_client",)

    def __init__(self, client: Client) -> None:
        self._client = client


def _operation_params() -> dict[str, dict[str, tuple[str, bool]]]:
    """sdk name -> parameter name -> (JSON type, nullable), from the core's table."""
    table = {}
    for i in range(_native.operation_count()):
        table[_native.operation_sdk_name(i)] = {
            p["name"]: (p["type"], p["nullable"]) for p in json.loads(_native.operation_params(i))}
    return table


_PARAMS = _operation_params()
_PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,), "integer": (int,), "boolean": (bool,), "object": (Mapping, ValueModel),
    "array": (list, tuple)}
_TYPE_NAMES = {"string": "str", "integer": "int", "boolean": "bool", "object": "a dict", "array": "a list"}


def _is_a(value: object, kind: str) -> bool:
    return isinstance(value, _PYTHON_TYPES[kind]) and not (kind == "integer" and isinstance(value, bool))


def params_json(operation: str, values: dict[str, Any]) -> str:
    """The arguments as foil_call's params_json: None (or NOT_GIVEN for a nullable
    parameter) is left out; a wrong Python type is a TypeError, a NUL in a string a
    ValueError (C would cut the string there); values are the core's to check."""
    types = _PARAMS[operation]
    out: dict[str, Any] = {}
    for name, value in values.items():
        if value is NOT_GIVEN:
            continue
        kind, nullable = types[name]
        if value is None:
            if nullable:
                out[name] = None
            continue
        if not _is_a(value, kind):
            raise TypeError(f"{name} must be {_TYPE_NAMES[kind]}, not {type(value).__name__}")
        if kind == "string" and "\0" in value:
            raise ValueError(f"{name} contains a NUL character")
        if name == "limit" and (value == 0 or not -2**31 <= value < 2**31):
            # Values that would not reach the core's check as an int are checked now (a walk
            # checks the rest at its first page); the range and its text are the core's.
            _native.limit_check(max(-2**63, min(value, 2**63 - 1)))
        if kind == "object":
            value = value.to_dict() if isinstance(value, ValueModel) else dict(value)
        out[name] = value
    return json_text(out)


def _not_objects(what: str) -> FoilProtocolError:
    return FoilProtocolError(f"malformed response: {what} must be JSON objects", code="response.invalid")


def _views(items: list[Any]) -> list[Any]:
    """The items of a list response: every one must be an object (a JsonView)."""
    for item in items:
        if type(item) is not JsonView:
            raise _not_objects("list items")
    return items


def one_of(result: Any, cls: type[M]) -> M:
    """The model of a result whose data is one object."""
    data = _unpack_result(result)[0]
    if type(data) is not JsonView:
        raise _not_objects("the result's data")
    return cls(cast("dict[str, Any]", data))


def many_of(result: Any, cls: type[M]) -> list[M]:
    """The models of an unpaginated list's result: data is an array of objects."""
    data = _unpack_result(result)[0]
    if not isinstance(data, list):
        raise FoilProtocolError("malformed response: the result's data must be a JSON array",
                                code="response.invalid")
    return list(map(cls, _views(data)))


def page_of(result: Any, cls: type[M]) -> ListResult[M]:
    """One page of a paginated list, with the pagination the core read from it."""
    items, request_id, _status = _unpack_result(result)
    if not isinstance(items, list):
        raise _not_objects("list items")
    return ListResult(list(map(cls, _views(items))), _native.result_limit(result),
                      bool(_native.result_has_more(result)), _native.result_next_cursor(result),
                      request_id=request_id)


def _result(client: Client, operation: str, values: dict[str, Any]) -> Any:
    return _call(client._handle(), operation, params_json(operation, values))


def call_one(client: Client, operation: str, cls: type[M], values: dict[str, Any]) -> M:
    """An operation whose data is one object."""
    return one_of(_result(client, operation, values), cls)


def call_many(client: Client, operation: str, cls: type[M], values: dict[str, Any]) -> list[M]:
    """An unpaginated list: data is an array of objects."""
    return many_of(_result(client, operation, values), cls)


def call_page(client: Client, operation: str, cls: type[M], values: dict[str, Any]) -> ListResult[M]:
    """One page of a paginated list, with the pagination the core read from it."""
    return page_of(_result(client, operation, values), cls)


def call_none(client: Client, operation: str, values: dict[str, Any]) -> None:
    """An operation without content (204)."""
    _result(client, operation, values)


def walk(client: Client, operation: str, cls: type[M], values: dict[str, Any]) -> Iterator[M]:
    """Every item of a paginated list (arguments checked now, requests made as it is read)."""
    return _pages(client, operation, params_json(operation, values), cls)


def _pages(client: Client, operation: str, params: str, cls: type[M]) -> Iterator[M]:
    """The walk, one page in memory at a time (items are lazy views: a page is freed once
    no item of it is referenced; the result objects are built in C, see py_page_models).

    The core's iterator (foil_call_iter) is made at the first ``next()``; it follows the
    cursor and requests the next page while this one is read (``Foil(prefetch=False)``
    turns that off). Each page comes whole from one call of ``foil_iter_next_page`` with
    the GIL released, on the calling thread, and belongs to its Python object (freed by
    ``foil_page_free``).
    """
    it = _call_iter(client._handle(), operation, params)
    while True:
        client._handle()  # a client closed mid-walk stops it, as for list()
        page = _next_page(it)
        if page is None:
            return
        items = _page_models(page, cls)[0]
        if items is None:
            raise _not_objects("list items")
        yield from items
