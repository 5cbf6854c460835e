"""The namespace methods Python spells by hand (gen_api.py's EXTRAS): the two spellings
of ``sessions.update`` foil-server has, and ``gate.signup`` (a whole Gate signup)."""

from __future__ import annotations

import os
from typing import Any, Mapping

from . import native as _native
from ._calls import Namespace, call_one
from ._model import json_text
from ._models import SessionDetail
from ._signup import GateSignup

__all__ = ["GateExtras", "SessionsExtras"]


class SessionsExtras(Namespace):
    """``sessions.update`` as foil-server spells it."""

    __slots__ = ()

    def attach_client_user(self, session_id: str, client_user_id: str) -> SessionDetail:
        """Link a session to your user id (at most 256 characters)."""
        if not isinstance(client_user_id, str):
            raise TypeError(f"client_user_id must be str, not {type(client_user_id).__name__}")
        return call_one(self._client, "sessions.update", SessionDetail,
                        {"session_id": session_id, "client_user_id": client_user_id})

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
        if account_name is None:
            account_name = os.path.basename(os.getcwd()) or "project"
        if metadata is not None and not isinstance(metadata, Mapping):
            raise TypeError(f"metadata must be a dict or None, not {type(metadata).__name__}")
        meta = None if metadata is None else json_text(dict(metadata))
        handle = _native.gate_session_create_ex(self._client._handle(), service_id, account_name, meta)
        return GateSignup._wrap(handle, self._client)
