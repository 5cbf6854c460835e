"""Every failure stays inside the FoilError tree (or is a ValueError / TypeError for a bad
argument) and carries a message (issue 10, defect 6); explicit settings beat a bad
environment (defect 7)."""

from __future__ import annotations

import http.server
import json
import threading
from typing import Any, Iterator

import pytest

import foil
from foil.testing import Emulator


class _Canned(http.server.BaseHTTPRequestHandler):
    """Answers every request with the server's canned (status, headers, body)."""

    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        status, headers, body = self.server.canned  # type: ignore[attr-defined]
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PATCH = do_DELETE = _answer

    def log_message(self, *_args: Any) -> None:
        pass


class Hostile:
    def __init__(self) -> None:
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Canned)
        self.server.daemon_threads = True
        self.answer(200, {})
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, status: int, body: Any, headers: list[tuple[str, str]] | None = None,
               raw: bytes | None = None) -> None:
        data = raw if raw is not None else json.dumps(body).encode()
        self.server.canned = (status, [("Content-Type", "application/json"), *(headers or [])],  # type: ignore[attr-defined]
                              data)

    def client(self) -> foil.Foil:
        return foil.Foil(secret_key="sk_test_hostile", base_url=self.base_url, timeout=10)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def hostile() -> Iterator[Hostile]:
    h = Hostile()
    try:
        yield h
    finally:
        h.close()


def _has_message(error: BaseException) -> None:
    assert str(error).strip(), f"{type(error).__name__} without a message"


def test_deeply_nested_error_body_is_a_foil_error(hostile: Hostile) -> None:
    depth = 200_000
    hostile.answer(404, None, raw=(b'{"error":{"code":"x","message":"m","details":' + b"[" * depth
                                   + b"]" * depth + b"}}"))
    with hostile.client() as client, pytest.raises(foil.FoilError) as info:
        client.sessions.get("sid_1")
    _has_message(info.value)


def test_huge_response_header_is_a_foil_error(hostile: Hostile) -> None:
    hostile.answer(200, {"data": {}}, headers=[("X-Huge", "a" * (4 << 20))])
    with hostile.client() as client, pytest.raises(foil.FoilError) as info:
        client.sessions.get("sid_1")
    _has_message(info.value)


def test_huge_request_header_and_id_are_typed_errors(emulator: Emulator) -> None:
    with pytest.raises((foil.FoilError, ValueError)) as info:
        with foil.Foil(secret_key=emulator.secret_key, base_url=emulator.base_url,
                       user_agent="u" * (5 << 20)) as client:
            client.sessions.list(limit=1)
    assert isinstance(info.value, (foil.FoilError, ValueError)) and not type(info.value) is MemoryError
    _has_message(info.value)
    with emulator.client() as client, pytest.raises(foil.FoilError) as info2:
        client.sessions.get("s" * (5 << 20))
    _has_message(info2.value)


def test_data_that_is_an_array_is_a_protocol_error(hostile: Hostile) -> None:
    hostile.answer(200, {"data": [1, 2, 3]})
    with hostile.client() as client, pytest.raises(foil.FoilProtocolError) as info:
        client.sessions.get("sid_1")
    _has_message(info.value)


@pytest.mark.parametrize("items", [[1, 2], ["a"], [{"id": "sid_1"}, None]])
def test_list_items_that_are_not_objects_are_a_protocol_error(hostile: Hostile, items: list[Any]) -> None:
    hostile.answer(200, {"data": items, "pagination": {"limit": 2, "has_more": False, "next_cursor": None}})
    with hostile.client() as client:
        with pytest.raises(foil.FoilProtocolError) as info:
            client.sessions.list(limit=2)
        _has_message(info.value)
        with pytest.raises(foil.FoilProtocolError):
            list(client.sessions.iter(limit=2))
    hostile.answer(200, {"data": items})
    with hostile.client() as client, pytest.raises(foil.FoilProtocolError):
        client.gate.registry.list()


@pytest.mark.parametrize("expires_at", ["soon", "", "2026-13-01T00:00:00Z", None])
def test_unreadable_expires_at_is_a_protocol_error(hostile: Hostile, expires_at: Any) -> None:
    """A wait ends at expires_at: a signup whose expires_at cannot be read is refused at
    create and at resume, never left to poll without an end."""
    session = {"object": "gate_session", "id": "gate_0123456789abcdefghjkmnpqrs", "status": "pending",
               "poll_token": "gtpl_x", "consent_url": "https://c.test/", "expires_at": expires_at}
    hostile.answer(200, {"data": session})
    with hostile.client() as client:
        with pytest.raises(foil.FoilProtocolError, match="expires_at"):
            client.gate.signup("foil")
        hostile.answer(200, {"data": {**session, "expires_at": "2099-01-01T00:00:00Z"}})
        saved = json.loads(client.gate.signup("foil").export())
        with pytest.raises(foil.FoilProtocolError, match="expires_at"):
            foil.GateSignup.resume(client, json.dumps({**saved, "expires_at": expires_at}))


@pytest.mark.parametrize("limit", [2**31, 2**63, -(2**31) - 1, 10**100])
def test_out_of_range_limit_is_a_value_error(emulator: Emulator, limit: int) -> None:
    with emulator.client() as client:
        with pytest.raises(foil.FoilInvalidArgumentError) as info:
            client.sessions.list(limit=limit)
        assert isinstance(info.value, ValueError)
        _has_message(info.value)
        with pytest.raises(foil.FoilInvalidArgumentError):
            client.sessions.iter(limit=limit)


@pytest.mark.parametrize("seconds", [float("inf"), float("nan"), 1e300, -1.0, 0.0])
def test_out_of_range_timeouts_are_value_errors(emulator: Emulator, seconds: float) -> None:
    for name in ("timeout", "connect_timeout"):
        with pytest.raises(foil.FoilInvalidArgumentError) as info:
            foil.Foil(secret_key=emulator.secret_key, base_url=emulator.base_url, **{name: seconds})
        assert isinstance(info.value, ValueError)
        _has_message(info.value)
    with emulator.client() as client, client.gate.signup("foil") as signup:
        with pytest.raises(foil.FoilInvalidArgumentError):
            signup.wait(timeout=seconds)
        with pytest.raises(foil.FoilInvalidArgumentError):
            signup.wait(interval=seconds)


def test_explicit_settings_beat_a_bad_environment(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOIL_BASE_URL", "http://example.com")
    monkeypatch.setenv("FOIL_SECRET_KEY", "sk_bad\nX-Injected: yes")
    with foil.Foil(secret_key=emulator.secret_key, base_url=emulator.base_url) as client:
        assert client.base_url == emulator.base_url
        assert len(client.sessions.list(limit=2).items) == 2
    # The registry needs no key: a broken FOIL_SECRET_KEY must not matter to it.
    with foil.Foil(base_url=emulator.base_url) as client:
        assert isinstance(client.gate.registry.list(), list)
