"""Exception classes, built from libfoil's status table (FOIL_STATUS_TABLE in common.h).

Every row of the C table becomes one class named ``Foil<Kind>Error`` (``not_found`` ->
``FoilNotFoundError``). Failures reported by the Foil API derive from :class:`FoilApiError`
(the class foil-server raises), the others from :class:`FoilError`. Some also derive from
the built-in exception a Python programmer expects (``ValueError`` for bad input,
``TimeoutError``, ``ConnectionError``, ...).
"""

from __future__ import annotations

import json
from typing import Any

from . import native as _native

__all__ = ["FoilError", "FoilApiError", "error_class_for_kind", "status_kinds"]


class FoilError(Exception):
    """Base class of every error libfoil raises.

    Attributes: ``message``, ``code`` (stable dotted code such as ``auth.invalid_api_key`` or
    ``client.invalid_argument``), ``status`` (HTTP status, 0 when no response was received),
    ``request_id``, ``retryable``, ``retry_after`` (seconds, or None), ``docs_url``,
    ``field_errors`` (``details.fields``), ``body`` (the parsed error body), ``details``,
    ``next_action`` and ``allowed_values``. ``str(error)`` includes the request id.
    """

    kind: str = "error"
    status_value: int = -1

    def __init__(
        self,
        message: str = "",
        *,
        code: str = "",
        status: int = 0,
        request_id: str | None = None,
        field_errors: list[dict[str, Any]] | None = None,
        docs_url: str | None = None,
        body: Any = None,
        retryable: bool = False,
        retry_after: float | None = None,
        details: dict[str, Any] | None = None,
        next_action: str | None = None,
        allowed_values: list[str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.request_id = request_id
        self.field_errors: list[dict[str, Any]] = list(field_errors or [])
        self.docs_url = docs_url
        self.body = body
        self.retryable = retryable
        self.retry_after = retry_after
        self.details = details
        self.next_action = next_action
        self.allowed_values: list[str] = list(allowed_values or [])

    def __str__(self) -> str:
        if self.request_id:
            return f"{self.message} (request id: {self.request_id})"
        return self.message

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status!r}, code={self.code!r}, "
            f"message={self.message!r}, request_id={self.request_id!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.__dict__.copy()))


def _rebuild(cls: type[FoilError], state: dict[str, Any]) -> FoilError:
    error = cls.__new__(cls)
    Exception.__init__(error, state.get("message", ""))
    error.__dict__.update(state)
    return error


class FoilApiError(FoilError):
    """The Foil API answered with an error (or the request was refused before sending).

    Same constructor and attributes as foil-server's ``FoilApiError``: ``status``, ``code``,
    ``message``, ``request_id``, ``field_errors``, ``docs_url``, ``body``; plus
    ``retryable`` and ``retry_after``.
    """

    kind = "api"

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        request_id: str | None = None,
        field_errors: list[dict[str, Any]] | None = None,
        docs_url: str | None = None,
        body: Any = None,
        *,
        retryable: bool = False,
        retry_after: float | None = None,
        details: dict[str, Any] | None = None,
        next_action: str | None = None,
        allowed_values: list[str] | None = None,
    ) -> None:
        super().__init__(
            message,
            code=code,
            status=status,
            request_id=request_id,
            field_errors=field_errors,
            docs_url=docs_url,
            body=body,
            retryable=retryable,
            retry_after=retry_after,
            details=details,
            next_action=next_action,
            allowed_values=allowed_values,
        )


# Built-in exceptions a Python programmer expects, by kind. The tree itself (which kind
# derives from which) is the status table's parent column, read at import.
_BUILTIN_BASES: dict[str, tuple[type[BaseException], ...]] = {
    "validation": (ValueError,),
    "connection": (ConnectionError,),
    "timeout": (TimeoutError,),
    "out_of_memory": (MemoryError,),
    "crypto": (ValueError,),
    "crypto_unavailable": (RuntimeError,),
    "signature": (ValueError,),
    "env_policy": (ValueError,),
    "state": (RuntimeError,),
}

_BY_KIND: dict[str, type[FoilError]] = {"api": FoilApiError}
_BY_VALUE: dict[int, type[FoilError]] = {}


def _class_name(kind: str) -> str:
    return "Foil" + "".join(part.capitalize() for part in kind.split("_")) + "Error"


def status_kinds() -> list[tuple[int, str, str, str, str | None]]:
    """The C status table: ``(value, enum name, kind, description, parent kind)`` per row."""
    rows = []
    for i in range(_native.status_count()):
        value = _native.status_at(i)
        rows.append((value, _native.status_name(value), _native.status_kind(value), _native.status_str(value),
                     _native.status_parent(value)))
    return rows


def _build_classes() -> None:
    rows = {row[2]: row for row in status_kinds() if row[2] != "ok"}

    def build(kind: str, seen: tuple[str, ...] = ()) -> type[FoilError]:
        if kind in _BY_KIND and kind != "api":
            return _BY_KIND[kind]
        if kind in seen:
            raise RuntimeError(f"status table: parent cycle through {kind!r}")
        value, name, _kind, text, parent = rows[kind]
        if kind == "api":  # foil-server's class, defined above
            cls = FoilApiError
        else:
            base = build(parent, seen + (kind,)) if parent else FoilError
            cls = type(_class_name(kind), (base, *_BUILTIN_BASES.get(kind, ())),
                       {"__doc__": f"libfoil status {name} ({value}): {text}.", "kind": kind,
                        "__module__": "foil"})
        cls.status_value = value
        _BY_KIND[kind] = cls
        _BY_VALUE[value] = cls
        return cls

    for kind in rows:
        build(kind)


def error_class_for_kind(kind: str) -> type[FoilError]:
    """The exception class for a status kind of the C table (``"not_found"`` ...)."""
    return _BY_KIND.get(kind, FoilError)


def _parse_body(body: str | None) -> Any:
    if body is None:
        return None
    try:
        return json.loads(body)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than Python parses
        return {}


def _from_native(info: dict[str, Any]) -> BaseException:
    """Error hook called by the extension: the error record (foil_error_json) -> the exception."""
    cls = _BY_KIND.get(info.get("kind") or "", FoilError)
    details = info.get("details") if isinstance(info.get("details"), dict) else None
    fields = info.get("field_errors")
    allowed = info.get("allowed_values")
    retry_after = info.get("retry_after")
    common: dict[str, Any] = {
        "request_id": info.get("request_id"),
        "field_errors": [f for f in fields if isinstance(f, dict)] if isinstance(fields, list) else [],
        "docs_url": info.get("docs_url"),
        "body": _parse_body(info.get("body")),
        "retryable": bool(info.get("retryable")),
        "retry_after": float(retry_after) if isinstance(retry_after, (int, float)) else None,
        "details": details,
        "next_action": info.get("next_action"),
        "allowed_values": [str(v) for v in allowed] if isinstance(allowed, list) else [],
    }
    status = info.get("status") if isinstance(info.get("status"), int) else 0
    code = info.get("code") or ""
    message = info.get("message") or ""
    if issubclass(cls, FoilApiError):
        return cls(status, code, message, **common)
    return cls(message, code=code, status=status, **common)


FoilError.__module__ = FoilApiError.__module__ = "foil"
_build_classes()
_native.py_set_error_hook(_from_native)

# Named for the module namespace (the stubs list them; tests check they match the C table).
FoilInvalidArgumentError = _BY_KIND["invalid_argument"]
FoilConfigurationError = _BY_KIND["configuration"]
FoilOutOfMemoryError = _BY_KIND["out_of_memory"]
FoilConnectionError = _BY_KIND["connection"]
FoilTimeoutError = _BY_KIND["timeout"]
FoilCancelledError = _BY_KIND["cancelled"]
FoilProtocolError = _BY_KIND["protocol"]
FoilAuthenticationError = _BY_KIND["authentication"]
FoilPermissionError = _BY_KIND["permission"]
FoilNotFoundError = _BY_KIND["not_found"]
FoilConflictError = _BY_KIND["conflict"]
FoilGoneError = _BY_KIND["gone"]
FoilValidationError = _BY_KIND["validation"]
FoilRateLimitedError = _BY_KIND["rate_limited"]
FoilServerError = _BY_KIND["server"]
FoilCryptoError = _BY_KIND["crypto"]
FoilCryptoUnavailableError = _BY_KIND["crypto_unavailable"]
FoilTokenVerificationError = _BY_KIND["token_verification"]
FoilSignatureError = _BY_KIND["signature"]
FoilEnvPolicyError = _BY_KIND["env_policy"]
FoilRejectedError = _BY_KIND["rejected"]
FoilExpiredError = _BY_KIND["expired"]
FoilStateError = _BY_KIND["state"]
FoilRateLimitError = FoilRateLimitedError
