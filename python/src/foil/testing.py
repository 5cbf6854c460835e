"""Test helpers: :class:`Emulator`, a local Foil API for your own tests.

The emulator is embedded in its own extension, foil._testing_native (no network, real Gate
crypto), loaded by this module only: ``import foil`` loads no HTTP server code::

    from foil.testing import Emulator

    with Emulator() as emu, emu.client() as client:
        page = client.sessions.list(limit=5)
        signup = client.gate.signup("foil")
        emu.approve(signup.id)
        outputs = signup.wait(timeout=10)

From async tests (pytest-asyncio), ``emu.async_client()`` gives a :class:`foil.AsyncFoil`.
"""

from __future__ import annotations

import contextlib
import json
from types import TracebackType
from typing import Any, Iterator, Mapping

from . import testing_native as _native
from ._async_client import AsyncFoil
from ._client import Foil
from ._errors import FoilStateError, _from_native

# This module's failures raise the package's exceptions, as foil.native's do.
_native.py_set_error_hook(_from_native)

__all__ = ["Emulator", "FAULT_KINDS"]

FAULT_KINDS = ("status", "delay", "reset", "truncate", "corrupt", "content_type", "oversized")


class Emulator:
    """A Foil API emulator running on loopback in this process.

    Zero means the documented default for every number: ``session_count`` (250 seeded
    sessions), ``fingerprint_count`` (120), ``gate_ttl_seconds`` (900), ``threads`` (4).
    ``auto_approve_ms`` > 0 approves Gate signups that long after creation;
    ``rate_limit=True`` enables the per-key rate limits.
    """

    def __init__(self, *, port: int = 0, seed: int = 0, session_count: int = 0, fingerprint_count: int = 0,
                 gate_ttl_seconds: int = 0, auto_approve_ms: int = 0, rate_limit: bool = False,
                 threads: int = 0) -> None:
        for name, value in (("port", port), ("seed", seed), ("session_count", session_count),
                            ("fingerprint_count", fingerprint_count), ("gate_ttl_seconds", gate_ttl_seconds),
                            ("auto_approve_ms", auto_approve_ms), ("threads", threads)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name} must be int, not {type(value).__name__}")
            if value < 0:
                raise ValueError(f"{name} must be >= 0")
        self._emu: Any = _native.binding_emulator_start(port, seed, session_count, fingerprint_count,
                                                        gate_ttl_seconds, auto_approve_ms, int(bool(rate_limit)),
                                                        threads)

    def _h(self) -> Any:
        if self._emu is None:
            raise FoilStateError("this emulator is stopped", code="client.closed")
        return self._emu

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return str(_native.emulator_base_url(self._h()))

    @property
    def port(self) -> int:
        """The TCP port it listens on."""
        return int(_native.emulator_port(self._h()))

    @property
    def secret_key(self) -> str:
        """The demo organization's secret key (every scope)."""
        return str(_native.emulator_secret_key(self._h()))

    @property
    def organization_id(self) -> str:
        """The demo organization's id."""
        return str(_native.emulator_organization_id(self._h()))

    @property
    def requests(self) -> int:
        """HTTP requests answered so far."""
        return int(_native.binding_emulator_requests(self._h()))

    def client(self, **options: Any) -> Foil:
        """A :class:`foil.Foil` pointed at this emulator with its secret key."""
        options.setdefault("secret_key", self.secret_key)
        return Foil(base_url=self.base_url, **options)

    def async_client(self, **options: Any) -> AsyncFoil:
        """A :class:`foil.AsyncFoil` pointed at this emulator with its secret key (the
        emulator serves from its own threads, so async tests need nothing more)."""
        options.setdefault("secret_key", self.secret_key)
        return AsyncFoil(base_url=self.base_url, **options)

    def add_secret_key(self, scopes: str = "*") -> str:
        """A new secret key with comma-separated ``scopes`` (``"sessions:list,sessions:read"``)."""
        return str(_native.emulator_add_secret_key(self._h(), scopes))

    def add_service(self, id: str, *, name: str | None = None, outputs: Mapping[str, str] | None = None,
                    webhook_url: str | None = None, webhook_secret: str | None = None,
                    dashboard_login_url: str | None = None, hidden: bool = False) -> None:
        """Register a Gate service delivering ``outputs`` (or asking ``webhook_url``)."""
        _native.binding_emulator_add_service(
            self._h(), id, name, None if outputs is None else json.dumps(dict(outputs)), webhook_url,
            webhook_secret, dashboard_login_url, int(bool(hidden)))

    def approve(self, gate_session_id: str) -> None:
        """Approve a pending Gate signup (encrypts both envelopes)."""
        _native.emulator_approve(self._h(), gate_session_id)

    def deny(self, gate_session_id: str) -> None:
        """Reject a pending Gate signup."""
        _native.emulator_deny(self._h(), gate_session_id)

    def approve_login(self, login_session_id: str) -> str:
        """Approve a dashboard login session; returns its one-time code."""
        return str(_native.emulator_approve_login(self._h(), login_session_id))

    def inject_fault(self, kind: str, *, method: str | None = None, path: str | None = None, count: int = 1,
                     status: int = 0, delay_ms: int = 0) -> None:
        """Make the next ``count`` matching requests fail: ``kind`` is one of
        :data:`FAULT_KINDS`; ``path`` is a prefix such as ``"/v1/sessions"``."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {', '.join(FAULT_KINDS)}")
        _native.emulator_inject_fault(self._h(), method, path, count, _native.emulator_fault_kind_from_name(kind),
                                      status, delay_ms)

    def clear_faults(self) -> None:
        """Remove every pending fault."""
        _native.emulator_clear_faults(self._h())

    @contextlib.contextmanager
    def faults(self) -> Iterator[Emulator]:
        """``with emu.faults(): emu.inject_fault(...)`` clears every fault on exit."""
        try:
            yield self
        finally:
            if self._emu is not None:
                self.clear_faults()

    def mint_sealed_token(self, session_id: str, *, version: int = 1) -> str:
        """A sealed token for a seeded session, sealed with :attr:`secret_key`."""
        return str(_native.emulator_mint_sealed_token(self._h(), session_id, version))

    def session_id(self, index: int = 0) -> str:
        """Id of the seeded session at ``index`` (0 = newest)."""
        return str(_native.emulator_session_id(self._h(), index))

    def stop(self) -> None:
        """Stop serving. Idempotent."""
        self._emu = None

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def __repr__(self) -> str:
        return "<foil.testing.Emulator stopped>" if self._emu is None else f"<foil.testing.Emulator {self.base_url}>"
