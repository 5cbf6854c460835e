"""The exception classes come from the C status table and behave like foil-server's."""

from __future__ import annotations

import pickle

import pytest

import foil
from foil import _errors
from foil.testing import Emulator


def test_every_status_of_the_c_table_has_a_class() -> None:
    rows = _errors.status_kinds()
    assert rows[0][2] == "ok"
    for value, name, kind, text, parent in rows[1:]:
        cls = _errors.error_class_for_kind(kind)
        assert cls.kind == kind and cls.status_value == value
        # The tree is the table's parent column: a root kind derives from FoilError directly.
        expected_base = _errors.error_class_for_kind(parent) if parent else foil.FoilError
        assert cls.__bases__[0] is expected_base, (kind, parent, cls.__bases__)
        if cls is not foil.FoilApiError:
            assert name in (cls.__doc__ or "") and text in (cls.__doc__ or "")
        assert getattr(foil, cls.__name__) is cls, f"foil.{cls.__name__} is not exported"


def test_hierarchy() -> None:
    for cls in (foil.FoilAuthenticationError, foil.FoilPermissionError, foil.FoilNotFoundError,
                foil.FoilConflictError, foil.FoilGoneError, foil.FoilValidationError,
                foil.FoilRateLimitError, foil.FoilServerError, foil.FoilInvalidArgumentError):
        assert issubclass(cls, foil.FoilApiError)
    assert issubclass(foil.FoilValidationError, ValueError)
    assert issubclass(foil.FoilTimeoutError, TimeoutError)
    assert issubclass(foil.FoilConnectionError, ConnectionError)
    assert issubclass(foil.FoilTokenVerificationError, foil.FoilError)
    assert issubclass(foil.FoilConfigurationError, foil.FoilError)
    assert not issubclass(foil.FoilConfigurationError, foil.FoilApiError)


def test_api_error_has_foil_server_fields_and_request_id_in_str(client: foil.Foil) -> None:
    with pytest.raises(foil.FoilNotFoundError) as info:
        client.sessions.get("sid_0000000000000000000000000")
    e = info.value
    assert e.status == 404 and e.code == "request.not_found" and e.message
    assert e.request_id and e.request_id.startswith("req_")
    assert e.request_id in str(e)
    assert isinstance(e.body, dict) and e.body["error"]["code"] == e.code
    assert e.retryable is False and e.retry_after is None
    assert isinstance(e.field_errors, list)
    clone = pickle.loads(pickle.dumps(e))
    assert type(clone) is type(e) and clone.request_id == e.request_id


def test_constructible_like_foil_server() -> None:
    e = foil.FoilApiError(status=409, code="x.y", message="m", request_id="req_1")
    assert (e.status, e.code, e.message, e.field_errors, e.docs_url, e.body) == (409, "x.y", "m", [], None, None)
    assert str(e) == "m (request id: req_1)"


def test_missing_secret_key_is_a_configuration_error(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FOIL_SECRET_KEY", raising=False)
    with foil.Foil(base_url=emulator.base_url) as c, pytest.raises(foil.FoilConfigurationError):
        c.sessions.list()


def test_authentication_and_permission(emulator: Emulator) -> None:
    with foil.Foil(secret_key="sk_test_wrong", base_url=emulator.base_url) as c:
        with pytest.raises(foil.FoilAuthenticationError) as info:
            c.sessions.list()
        assert info.value.status == 401
    narrow = emulator.add_secret_key("fingerprints:list")
    with foil.Foil(secret_key=narrow, base_url=emulator.base_url) as c:
        with pytest.raises(foil.FoilPermissionError):
            c.sessions.list()
        assert c.fingerprints.list(limit=1).items


def test_fault_statuses_map_to_classes(emulator: Emulator, client: foil.Foil) -> None:
    with emulator.faults():
        emulator.inject_fault("status", path="/v1/sessions", status=503)
        with pytest.raises(foil.FoilServerError) as info:
            client.sessions.list(limit=1)
        assert info.value.retryable and info.value.status == 503
        emulator.inject_fault("status", path="/v1/sessions", status=429)
        with pytest.raises(foil.FoilRateLimitError):
            client.sessions.list(limit=1)
        emulator.inject_fault("corrupt", path="/v1/sessions")
        with pytest.raises(foil.FoilProtocolError):
            client.sessions.list(limit=1)
        emulator.inject_fault("reset", path="/v1/sessions")
        with pytest.raises(foil.FoilConnectionError):
            client.sessions.list(limit=1)
    assert client.sessions.list(limit=1).items


def test_retries_are_opt_in(emulator: Emulator) -> None:
    with emulator.client(max_retries=2) as c, emulator.faults():
        emulator.inject_fault("status", path="/v1/sessions", status=503, count=2)
        assert c.sessions.list(limit=1).items


def test_timeout(emulator: Emulator) -> None:
    with emulator.client(timeout=0.2) as c, emulator.faults():
        emulator.inject_fault("delay", path="/v1/sessions", delay_ms=1500)
        with pytest.raises(foil.FoilTimeoutError):
            c.sessions.list(limit=1)
