"""The machinery behind the result classes: lazy wrappers over the response JSON.

A result object of an API response holds a :class:`JsonView`: a borrowed view of its JSON
object inside the C-owned page or result, which it keeps alive. Nothing is converted up
front; each attribute reads its field from the view when asked (nested objects become
further lazy wrappers) and converts it the way foil-server does. ``to_dict()`` and
``obj["field"]`` convert only what they return, unknown fields included. Result objects
built from Python data (decrypted tokens, webhook events, unpickled copies) hold a dict
instead and behave the same.
"""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Generic, Iterator, Mapping, TypeVar, cast, overload

from . import native as _native

T = TypeVar("T")
M = TypeVar("M", bound="Model")

__all__ = ["Model", "ListResult", "Field", "JsonView", "ValueModel", "json_text"]

#: The C view type (``foil.native.JsonView``): ``field(key)`` (lazy), ``get(key, default)``,
#: ``view[key]``, ``key in view``, ``len(view)`` and ``to_dict()`` (plain data).
JsonView: type = _native.py_json_view_type()


_FieldBase: Any = _native.py_field_type()

_json_text_native = _native.py_json_text


def json_text(value: Any) -> str:
    """``value`` as compact JSON text for a C call: built in C for plain data (dict, list,
    str, numbers, bool, None), through ``json.dumps`` for anything else. What JSON cannot
    carry is a TypeError or ValueError (UnicodeEncodeError for a lone surrogate), never text
    the core refuses under another name."""
    text: str | None = _json_text_native(value)
    if text is None:
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        try:
            text.encode()
        except UnicodeEncodeError as e:  # a lone surrogate: raised as the C path does, the
            # text hidden (it may hold a secret)
            raise UnicodeEncodeError(e.encoding, "*" * len(e.object), e.start, e.end, e.reason) from None
    return text


class Field(_FieldBase, Generic[T]):  # type: ignore[misc]
    """A read-only attribute of a :class:`Model`, read from its raw object on access.

    Reading runs in C (``foil.native.FieldBase``). A converter marked ``lazy`` (nested
    models) receives a :class:`JsonView` for an object member; every other converter
    receives plain Python data, and is skipped when the value already has a type it
    returns unchanged. ``secret`` keeps the value out of ``repr()``.
    """

    __slots__ = ("name", "secret")

    def __init__(self, key: str, convert: Callable[[Any], T], *, secret: bool = False) -> None:
        super().__init__(key, convert, _UNCHANGED.get(convert, ()), bool(getattr(convert, "lazy", False)))
        self.name = key
        self.secret = secret

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    if TYPE_CHECKING:
        key: str
        convert: Callable[[Any], T]
        lazy: bool

        @overload
        def __get__(self, obj: None, owner: type | None = None) -> Field[T]: ...

        @overload
        def __get__(self, obj: object, owner: type | None = None) -> T: ...

        def __get__(self, obj: object | None, owner: type | None = None) -> T | Field[T]: ...

    def __set__(self, obj: object, value: Any) -> None:
        raise AttributeError(f"{self.name} is read-only")


class Model:
    """Base of every result class: the raw object (a :class:`JsonView` or a dict) plus
    typed, lazily read attributes."""

    __slots__ = ("_d",)
    _field_names: tuple[str, ...] = ()
    _secret_names: frozenset[str] = frozenset()

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._d: Any = data

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        names: list[str] = []
        for klass in reversed(cls.__mro__):
            for name, value in vars(klass).items():
                if isinstance(value, Field) and name not in names:
                    names.append(name)
        cls._field_names = tuple(names)
        cls._secret_names = frozenset(name for name in names if getattr(cls, name).secret)

    def to_dict(self) -> dict[str, Any]:
        """The complete object as the API sent it, unknown fields included."""
        d = self._d
        return cast("dict[str, Any]", cast(Any, d).to_dict() if type(d) is JsonView else d)

    def __getitem__(self, key: str) -> Any:
        return self._d[key]

    def get(self, key: str, default: Any = None) -> Any:
        """A raw field by its JSON name, ``default`` when absent."""
        return self._d.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._d

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        parts = ", ".join(f"{name}=<hidden>" if name in self._secret_names else f"{name}={getattr(self, name)!r}"
                          for name in self._field_names)
        return f"{type(self).__name__}({parts})"

    def __reduce__(self) -> tuple[Any, ...]:
        # A copy or a pickle holds plain data: it must not depend on the C page.
        return (type(self), (self.to_dict(),))


# The C page builder (py_page_models) and Field read the `_d` slot directly.
_native.py_set_model_base(Model)


class ListResult(Generic[T]):
    """One page of a list: ``items``, ``limit``, ``has_more``, ``next_cursor`` (as in
    foil-server), plus ``request_id``. Iterable and sized over its items."""

    __slots__ = ("items", "limit", "has_more", "next_cursor", "request_id")

    def __init__(
        self,
        items: list[T],
        limit: int,
        has_more: bool,
        next_cursor: str | None = None,
        *,
        request_id: str | None = None,
    ) -> None:
        self.items = items
        self.limit = limit
        self.has_more = has_more
        self.next_cursor = next_cursor
        self.request_id = request_id

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ListResult):
            return NotImplemented
        return (self.items, self.limit, self.has_more, self.next_cursor) == (
            other.items, other.limit, other.has_more, other.next_cursor)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (f"ListResult(items=<{len(self.items)} items>, limit={self.limit!r}, "
                f"has_more={self.has_more!r}, next_cursor={self.next_cursor!r})")


# ---- Conversions, mirroring foil-server's parsers.

def as_str(v: Any) -> str:
    return v if type(v) is str else str(v)


def opt_str(v: Any) -> str | None:
    return v if isinstance(v, str) else None


def as_int(v: Any) -> int:
    return v if type(v) is int else int(v)


def opt_int(v: Any) -> int | None:
    return int(v) if isinstance(v, int) else None


def str_or_empty(v: Any) -> str:
    return "" if v is None else v if type(v) is str else str(v)


def int_or_zero(v: Any) -> int:
    return 0 if v is None else v if type(v) is int else int(v)


def as_number(v: Any) -> float:
    """A JSON number as parsed: int when integral, float otherwise (like json.loads)."""
    return v if type(v) in (int, float) else float(v)


def opt_number(v: Any) -> float | None:
    return v if type(v) in (int, float) else None


def as_bool(v: Any) -> bool:
    return bool(v)


def opt_bool(v: Any) -> bool | None:
    return v if isinstance(v, bool) else None


def as_dict(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


def opt_dict(v: Any) -> dict[str, Any] | None:
    return v if isinstance(v, dict) else None


# Types each converter returns unchanged (exact types: a bool is not passed through as int).
_UNCHANGED: dict[Callable[[Any], Any], tuple[type, ...]] = {
    as_str: (str,),
    opt_str: (str, type(None)),
    as_int: (int,),
    opt_int: (int, type(None)),
    as_bool: (bool,),
    opt_bool: (bool, type(None)),
    as_dict: (dict,),
    opt_dict: (dict, type(None)),
    str_or_empty: (str,),
    int_or_zero: (int,),
    as_number: (int, float),
    opt_number: (int, float, type(None)),
}


def _lazy(convert: Callable[[Any], T]) -> Callable[[Any], T]:
    """Mark a converter as taking a JsonView for an object field (see Field)."""
    convert.lazy = True  # type: ignore[attr-defined]
    return convert


def dict_list(v: Any) -> list[dict[str, Any]]:
    return [item for item in v if isinstance(item, dict)] if isinstance(v, list) else []


def str_list(v: Any) -> list[str]:
    return [str(item) for item in v] if isinstance(v, list) else []


def opt_str_list(v: Any) -> list[str] | None:
    return None if v is None else str_list(v)


def int_list(v: Any) -> list[int]:
    return [int(item) for item in v] if isinstance(v, list) else []


def number_list(v: Any) -> list[float]:
    return [as_number(item) for item in v] if isinstance(v, list) else []


def int_map(v: Any) -> dict[str, int]:
    return {str(k): int(x) for k, x in v.items()} if isinstance(v, dict) else {}


def bool_map(v: Any) -> dict[str, bool]:
    return {str(k): bool(x) for k, x in v.items()} if isinstance(v, dict) else {}


def model(cls: type[M]) -> Callable[[Any], M]:
    """Nested object, an empty one when absent (foil-server requires these)."""
    def convert(v: Any) -> M:
        return cls(cast("Mapping[str, Any]", v) if type(v) is JsonView or isinstance(v, dict) else {})
    return _lazy(convert)


def opt_model(cls: type[M]) -> Callable[[Any], M | None]:
    def convert(v: Any) -> M | None:
        return cls(cast("Mapping[str, Any]", v)) if type(v) is JsonView or isinstance(v, dict) else None
    return _lazy(convert)


def model_list(cls: type[M]) -> Callable[[Any], list[M]]:
    def convert(v: Any) -> list[M]:
        return [cls(item) for item in v if isinstance(item, dict)] if isinstance(v, list) else []
    return convert


V = TypeVar("V", bound="ValueModel")


def value(cls: type[V]) -> Callable[[Any], V]:
    """A nested value object (a frozen dataclass), an empty one when absent."""
    return cls.from_dict


def opt_value(cls: type[V]) -> Callable[[Any], V | None]:
    def convert(v: Any) -> V | None:
        return cls.from_dict(v) if isinstance(v, dict) else None
    return convert


# ---- Value objects (frozen dataclasses generated from the model table).

class ValueModel:
    """Base of the value classes: ``to_dict()`` gives the JSON object the API uses. A class
    with secret fields (``_secret_names``, from the model table) uses this ``repr()``, which
    shows them as ``<hidden>``."""

    __slots__ = ()
    _secret_names: ClassVar[frozenset[str]] = frozenset()

    def __repr__(self) -> str:
        parts = ", ".join(f"{f.name}=<hidden>" if f.name in self._secret_names else f"{f.name}={getattr(self, f.name)!r}"
                          for f in dataclasses.fields(self) if f.repr)  # type: ignore[arg-type]
        return f"{type(self).__name__}({parts})"

    def to_dict(self) -> dict[str, Any]:
        """This value as the JSON object the API uses (None members left out)."""
        out: dict[str, Any] = {}
        for name in _value_fields(type(self)):
            v = getattr(self, name)
            if v is None:
                continue
            out[name] = (v.to_dict() if isinstance(v, ValueModel) else dict(v) if type(v) is dict
                         else list(v) if type(v) is list else v)
        return out

    @classmethod
    def from_dict(cls: type[V], data: Any) -> V:
        raise NotImplementedError


_VALUE_FIELDS: dict[type, tuple[str, ...]] = {}


def _value_fields(cls: type) -> tuple[str, ...]:
    """The field names of a value class (dataclasses.fields() rebuilds them on every call)."""
    names = _VALUE_FIELDS.get(cls)
    if names is None:
        names = _VALUE_FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


# Lenient readers for ValueModel.from_dict (foil-server's parsers: a missing member reads empty).

def _text(v: Any) -> str:
    return "" if v is None else str(v)


def _opt_text(v: Any) -> str | None:
    return v if isinstance(v, str) else None


def _integer(v: Any) -> int:
    return int(v or 0)


def _opt_integer(v: Any) -> int | None:
    return v if type(v) is int else None


def _real(v: Any) -> float:
    return float(v or 0)


def _opt_real(v: Any) -> float | None:
    return float(v) if type(v) in (int, float) else None


def _seq(v: Any) -> list[Any]:
    return list(v) if isinstance(v, (list, tuple)) else []


def _str_map(v: Mapping[Any, Any]) -> dict[str, str]:
    return {str(k): str(x) for k, x in v.items()}


def _mapping(v: Any, convert: Callable[[Any], T]) -> T:
    return convert(v if isinstance(v, Mapping) else {})


def _opt_mapping(v: Any, convert: Callable[[Any], T]) -> T | None:
    return convert(v) if isinstance(v, Mapping) else None


def _opt_nested(v: Any, from_dict: Callable[[Any], T]) -> T | None:
    return from_dict(v) if isinstance(v, Mapping) else None


# ---- Python-only behaviour of some generated classes (they declare no field).

class RawMixin:
    """``raw``: the whole object as sealed (the token classes)."""

    __slots__ = ()

    if TYPE_CHECKING:
        def to_dict(self) -> dict[str, Any]: ...

    @property
    def raw(self) -> dict[str, Any]:
        """The object as sealed."""
        return self.to_dict()


class EventDataMixin:
    """A webhook event's ``data``: typed for ``gate.session.approved``, the raw dict otherwise."""

    __slots__ = ()

    if TYPE_CHECKING:
        _d: Any

    @property
    def data(self) -> Any:
        """The event's payload (a GateApprovedWebhookPayload for ``gate.session.approved``)."""
        value = self._d.get("data")
        if self._d.get("type") == "gate.session.approved" and isinstance(value, dict):
            from ._models import GateApprovedWebhookPayload

            return GateApprovedWebhookPayload.from_dict(value)
        return value if isinstance(value, dict) else {}
