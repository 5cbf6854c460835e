"""The Foil client: foil-server's ``Foil`` with the same namespaces, methods and keyword
arguments (generated from the operation table: foil/_api.py), over libfoil's C client
(connection pool shared by threads, GIL released during every request)."""

from __future__ import annotations

import os
import sys
from typing import Any

from . import native as _native
from ._api import ClientNamespaces
from ._errors import FoilStateError
from ._model import json_text
from ._seconds import seconds_to_ms
from ._version import __version__

DEFAULT_BASE_URL: str = _native.FOIL_DEFAULT_BASE_URL
DEFAULT_TIMEOUT = 30.0

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_TIMEOUT", "Foil"]

_CLIENT_SUFFIX = f"libfoil-python/{__version__} python/{sys.version_info[0]}.{sys.version_info[1]}"


def _text(value: object, name: str) -> None:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{name} must be str or None, not {type(value).__name__}")


def native_client(*, secret_key: str | None, base_url: str, timeout: float, user_agent: str | None,
                  max_retries: int, ca_bundle: str | None, proxy: str | None,
                  connect_timeout: float | None, prefetch: bool) -> Any:
    """The C client for the constructor options of Foil and AsyncFoil (the same options)."""
    _text(secret_key, "secret_key")
    for name, value in (("base_url", base_url), ("user_agent", user_agent), ("proxy", proxy)):
        _text(value, name)
    if isinstance(max_retries, bool) or not isinstance(max_retries, int):
        raise TypeError(f"max_retries must be int, not {type(max_retries).__name__}")
    if not isinstance(prefetch, bool):
        raise TypeError(f"prefetch must be bool, not {type(prefetch).__name__}")
    # One call sets every option given (an option left out keeps its default, and
    # FOIL_SECRET_KEY is read for a key not given); the checks and errors are the core's.
    options: dict[str, Any] = {"secret_key": secret_key or None, "base_url": base_url or DEFAULT_BASE_URL,
                               "timeout_ms": seconds_to_ms(timeout, "timeout"),
                               "connect_timeout_ms": None if connect_timeout is None
                               else seconds_to_ms(connect_timeout, "connect_timeout"),
                               "user_agent": user_agent or None, "max_retries": max_retries,
                               "prefetch": prefetch, "ca_bundle": None if ca_bundle is None else os.fspath(ca_bundle),
                               "proxy": proxy, "client_suffix": _CLIENT_SUFFIX}
    handle = _native.client_new()
    _native.client_configure(handle, json_text({k: v for k, v in options.items() if v is not None}))
    return handle


class Foil(ClientNamespaces):
    """A Foil API client (drop-in for foil-server's ``Foil``).

    ``secret_key`` defaults to ``FOIL_SECRET_KEY``. Extras: ``max_retries`` (opt-in retries
    of idempotent requests, honouring ``Retry-After``), ``ca_bundle`` (PEM file),
    ``proxy`` (URL), ``connect_timeout`` (seconds) and ``prefetch`` (``iter()`` requests the
    next page while the current one is read; default on). One client may be shared by any
    number of threads; use it as a context manager or call :meth:`close`.
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
        handle = native_client(secret_key=secret_key, base_url=base_url, timeout=timeout,
                               user_agent=user_agent, max_retries=max_retries, ca_bundle=ca_bundle,
                               proxy=proxy, connect_timeout=connect_timeout, prefetch=prefetch)
        self._native_client: Any = handle
        self._open_namespaces()

    def _handle(self) -> Any:
        handle = self._native_client
        if handle is None:
            raise FoilStateError("this Foil client is closed", code="client.closed")
        return handle

    @property
    def base_url(self) -> str:
        """The API origin requests go to."""
        return str(_native.client_base_url(self._handle()))

    @property
    def closed(self) -> bool:
        """True after :meth:`close`."""
        return self._native_client is None

    def cancel(self) -> None:
        """Abort every request in flight on this client (from any thread)."""
        _native.client_cancel(self._handle())

    def close(self) -> None:
        """Release the connection pool once requests in flight finish. Idempotent."""
        self._native_client = None

    def __enter__(self) -> Foil:
        return self

    def __exit__(self, *_args: object) -> None:
        self.close()

    def __reduce__(self) -> Any:
        # A copy would share the connections and keep calling through this client's
        # namespaces, closed or not; a client is cheap to make again with the same options.
        raise TypeError("a Foil client cannot be copied or pickled; make a new one with the same options")

    def __repr__(self) -> str:
        # Credentials written in base_url (https://user:pw@host) show as ***@.
        state = "closed" if self.closed else _native.client_base_url_redacted(self._handle())
        return f"<foil.Foil {state}>"
