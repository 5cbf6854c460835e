"""The namespace methods Python spells by hand (gen_api.py's EXTRAS): the two spellings
of ``sessions.update`` foil-server has, and ``gate.signup`` (a whole Gate signup), for
foil.Foil and (``Async...``) foil.AsyncFoil."""

from __future__ import annotations

import os
from typing import Any, Mapping

from . import native as _native
from ._acalls import AsyncNamespace, acall_one
from ._async_signup import AsyncGateSignup
from ._calls import Namespace, call_one
from ._model import json_text
from ._models import SessionDetail
from ._signup import GateSignup

__all__ = ["AsyncGateExtras", "AsyncSessionsExtras", "GateExtras", "SessionsExtras"]


def _client_user_id(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"client_user_id must be str, not {type(value).__name__}")
    return value


def _signup_args(account_name: str | None, metadata: Mapping[str, Any] | None) -> tuple[str, str | None]:
    """account_name (default: the current directory's name) and the metadata as JSON."""
    if account_name is None:
        account_name = os.path.basename(os.getcwd()) or "project"
    if metadata is not None and not isinstance(metadata, Mapping):
        raise TypeError(f"metadata must be a dict or None, not {type(metadata).__name__}")
    return account_name, None if metadata is None else json_text(dict(metadata))


class SessionsExtras(Namespace):
    """``sessions.update`` as foil-server spells it."""

    __slots__ = ()

    def attach_client_user(self, session_id: str, client_user_id: str) -> SessionDetail:
        """Link a session to your user id (at most 256 characters)."""
        return call_one(self._client, "sessions.update", SessionDetail,
                        {"session_id": session_id, "client_user_id": _client_user_id(client_user_id)})

    def clear_client_user(self, session_id: str) -> SessionDetail:
        """Remove the user id linked to a session."""
        return call_one(self._client, "sessions.update", SessionDetail,
                        {"session_id": session_id, "client_user_id": None})


class GateExtras(Namespace):
    """``client.gate.signup``."""

    __slots__ = ()

    def signup(self, service_id: str, *, account_name: str | None = None,
               metadata: Mapping[str, Any] | None = None) -> GateSignup:
        """Start a signup: a fresh delivery key pair and a Gate session.

        Show ``signup.consent_url`` to the person, ``signup.wait()`` for the approval, store
        ``signup.outputs`` durably, then ``signup.ack()``. ``account_name`` defaults to the
        name of the current directory.
        """
        account_name, meta = _signup_args(account_name, metadata)
        handle = _native.gate_session_create_ex(self._client._handle(), service_id, account_name, meta)
        return GateSignup._wrap(handle, self._client)


class AsyncSessionsExtras(AsyncNamespace):
    """``sessions.update`` as foil-server spells it, as coroutines."""

    __slots__ = ()

    async def attach_client_user(self, session_id: str, client_user_id: str) -> SessionDetail:
        """Link a session to your user id (at most 256 characters)."""
        return await acall_one(self._client, "sessions.update", SessionDetail,
                               {"session_id": session_id, "client_user_id": _client_user_id(client_user_id)})

    async def clear_client_user(self, session_id: str) -> SessionDetail:
        """Remove the user id linked to a session."""
        return await acall_one(self._client, "sessions.update", SessionDetail,
                               {"session_id": session_id, "client_user_id": None})


class AsyncGateExtras(AsyncNamespace):
    """``client.gate.signup`` of foil.AsyncFoil."""

    __slots__ = ()

    async def signup(self, service_id: str, *, account_name: str | None = None,
                     metadata: Mapping[str, Any] | None = None) -> AsyncGateSignup:
        """Start a signup: a fresh delivery key pair and a Gate session (created on the event
        loop). Then ``await signup.wait()``, store ``signup.outputs``, ``await signup.ack()``."""
        account_name, meta = _signup_args(account_name, metadata)
        return await AsyncGateSignup._create(self._client, service_id, account_name, meta)
