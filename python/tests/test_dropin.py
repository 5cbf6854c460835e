"""The same scenarios through the official foil-server and through foil give equal results,
field by field (the drop-in claim), against the embedded emulator."""

from __future__ import annotations

import dataclasses
from typing import Any, Iterator

import pytest

import foil
from foil.testing import Emulator

from compare import assert_same, assert_same_list

foil_server = pytest.importorskip("foil_server", reason="foil-server (the official SDK) is not installed")


@pytest.fixture()
def official(emulator: Emulator) -> Iterator[Any]:
    with foil_server.Foil(secret_key=emulator.secret_key, base_url=emulator.base_url) as c:
        yield c


def test_sessions_same(official: Any, client: foil.Foil) -> None:
    assert_same_list(official.sessions.list(limit=25), client.sessions.list(limit=25))
    assert_same_list(official.sessions.list(verdict="bot", limit=10), client.sessions.list(verdict="bot", limit=10))
    page = official.sessions.list(limit=7)
    assert_same_list(official.sessions.list(limit=7, cursor=page.next_cursor),
                     client.sessions.list(limit=7, cursor=page.next_cursor))
    assert_same(list(official.sessions.iter(limit=100)), list(client.sessions.iter(limit=100)))
    assert_same(list(official.sessions.iter()), list(client.sessions.iter()))
    sid = page.items[3].id
    assert_same(official.sessions.get(sid), client.sessions.get(sid))
    assert_same(official.sessions.attach_client_user(sid, "u_1"), client.sessions.attach_client_user(sid, "u_1"))
    assert_same(official.sessions.clear_client_user(sid), client.sessions.clear_client_user(sid))


def test_fingerprints_same(official: Any, client: foil.Foil) -> None:
    assert_same_list(official.fingerprints.list(limit=20, sort="first_seen"),
                     client.fingerprints.list(limit=20, sort="first_seen"))
    assert_same(list(official.fingerprints.iter(limit=40)), list(client.fingerprints.iter(limit=40)))
    vid = client.fingerprints.list(limit=1).items[0].id
    theirs, ours = official.fingerprints.get(vid), client.fingerprints.get(vid)
    # The one deliberate difference: the contract types components.vector as numbers, and
    # foil-server truncates them to int (0.2592 -> 0); foil keeps them as sent.
    assert [int(v) for v in ours.components.vector] == theirs.components.vector
    assert any(type(v) is float for v in ours.components.vector)
    for field in dataclasses.fields(theirs):
        if field.name != "components":
            assert_same(getattr(theirs, field.name), getattr(ours, field.name), f"result.{field.name}")


def test_organizations_keys_and_webhooks_same(official: Any, client: foil.Foil, emulator: Emulator) -> None:
    org = emulator.organization_id
    assert_same(official.organizations.get(org), client.organizations.get(org))
    key = client.organizations.api_keys.create(org, name="k", type="secret", scopes=["*"])
    theirs = official.organizations.api_keys.list(org, limit=100)
    ours = client.organizations.api_keys.list(org, limit=100)
    for t, o in zip(theirs.items, ours.items):
        # last_used_at moves with every request made with the key itself.
        for name in (f.name for f in dataclasses.fields(t) if f.name != "last_used_at"):
            assert_same(getattr(t, name), getattr(o, name), f"api_key.{name}")
    assert (theirs.limit, theirs.has_more, len(theirs.items)) == (ours.limit, ours.has_more, len(ours.items))
    endpoint = client.webhooks.create_endpoint(org, name="e", url="https://example.com/e",
                                               event_types=["session.result.persisted"])
    test = client.webhooks.send_test(org, endpoint.id)
    assert_same_list(official.webhooks.list_endpoints(org), client.webhooks.list_endpoints(org))
    assert_same_list(official.webhooks.list_events(org, endpoint_id=endpoint.id),
                     client.webhooks.list_events(org, endpoint_id=endpoint.id))
    assert_same(official.webhooks.retrieve_event(org, test.event_id), client.webhooks.retrieve_event(org, test.event_id))
    assert_same(official.organizations.api_keys.revoke(org, key.id).status, "revoked")


def test_errors_same(official: Any, client: foil.Foil, emulator: Emulator) -> None:
    with pytest.raises(foil_server.FoilApiError) as theirs:
        official.sessions.get("sid_0000000000000000000000000")
    with pytest.raises(foil.FoilApiError) as ours:
        client.sessions.get("sid_0000000000000000000000000")
    t, o = theirs.value, ours.value
    assert (t.status, t.code, t.message, t.field_errors, t.docs_url) == (o.status, o.code, o.message,
                                                                         o.field_errors, o.docs_url)
    assert t.body["error"] | {"request_id": None} == o.body["error"] | {"request_id": None}
    with foil_server.Foil(secret_key="sk_test_bad", base_url=emulator.base_url) as bad_official, \
            foil.Foil(secret_key="sk_test_bad", base_url=emulator.base_url) as bad_ours:
        with pytest.raises(foil_server.FoilApiError) as theirs:
            bad_official.sessions.list()
        with pytest.raises(foil.FoilApiError) as ours:
            bad_ours.sessions.list()
        assert (theirs.value.status, theirs.value.code) == (ours.value.status, ours.value.code)


def test_sealed_tokens_same(emulator: Emulator) -> None:
    for version in (1, 2):
        token = emulator.mint_sealed_token(emulator.session_id(2), version=version)
        assert_same(foil_server.verify_foil_token(token, emulator.secret_key),
                    foil.verify_foil_token(token, emulator.secret_key))
    bad = foil.safe_verify_foil_token("AAAA", emulator.secret_key)
    assert not bad.ok and isinstance(bad.error, foil.FoilTokenVerificationError)
    assert not foil_server.safe_verify_foil_token("AAAA", emulator.secret_key).ok
