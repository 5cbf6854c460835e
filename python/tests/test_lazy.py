"""Result objects are lazy views of the C-owned page: they read fields on demand, keep only
their own page alive, and still copy, pickle, compare and print like plain values."""

from __future__ import annotations

import copy
import gc
import pickle
import weakref
from typing import Any

import pytest

import foil
import foil._calls
from foil import native
from foil.testing import Emulator

JsonView = native.py_json_view_type()


def test_items_are_views_of_their_page(client: foil.Foil) -> None:
    page = client.sessions.list(limit=3)
    first = page.items[0]
    assert type(first._d) is JsonView and type(first.latest_decision._d) is JsonView
    plain = first.to_dict()
    assert type(plain) is dict and plain["id"] == first.id and first["id"] == first.id
    assert plain["latest_decision"]["verdict"] == first.latest_decision.verdict
    assert first["latest_decision"] == plain["latest_decision"] and "id" in first and "nope" not in first
    assert first.get("nope", 7) == 7 and first.get("latest_decision") == plain["latest_decision"]
    try:
        first["nope"]
    except KeyError as e:
        assert e.args == ("nope",)
    else:
        raise AssertionError("a missing key must raise KeyError")


def test_an_item_keeps_only_its_page_alive(client: foil.Foil, monkeypatch: pytest.MonkeyPatch) -> None:
    pages: list[weakref.ref[Any]] = []

    def next_page(it: Any) -> Any:  # the walk's page fetch (foil_iter_next_page), watched
        page = native.iter_next_page(it)
        if page is not None:
            pages.append(weakref.ref(page))
        return page

    monkeypatch.setattr(foil._calls, "_next_page", next_page)
    kept = None
    live_while_walking = []
    for i, s in enumerate(client.sessions.iter(limit=50)):
        if i == 0:
            kept = s.latest_decision
        if i % 50 == 49:
            gc.collect()
            live_while_walking.append(sum(p() is not None for p in pages))
    del s
    gc.collect()
    assert len(pages) == 12 and max(live_while_walking) <= 3, live_while_walking
    assert [p() is not None for p in pages] == [True] + [False] * 11
    assert kept is not None and kept.verdict == kept.to_dict()["verdict"]
    del kept
    gc.collect()
    assert pages[0]() is None


def test_copy_pickle_equality_and_repr(client: foil.Foil) -> None:
    s = client.sessions.list(limit=1).items[0]
    again = client.sessions.list(limit=1).items[0]
    assert s == again and s != client.sessions.list(limit=2).items[1]
    for clone in (copy.copy(s), copy.deepcopy(s), pickle.loads(pickle.dumps(s))):
        assert type(clone) is foil.SessionSummary and type(clone._d) is dict
        assert clone == s and clone.latest_decision == s.latest_decision and clone.id == s.id
    assert repr(s) == repr(pickle.loads(pickle.dumps(s))) and s.id in repr(s)
    page = client.sessions.list(limit=4)
    assert pickle.loads(pickle.dumps(page)) == page


def test_client_repr_hides_credentials_in_base_url() -> None:
    with foil.Foil(secret_key="sk_test_x", base_url="https://user:hunter2@api.example.com/") as c:
        assert c.base_url == "https://user:hunter2@api.example.com"
        assert repr(c) == "<foil.Foil https://***@api.example.com>"


def test_repr_hides_secrets(client: foil.Foil, emulator: Emulator) -> None:
    org = emulator.organization_id
    issued = client.organizations.api_keys.create(org, name="r", type="secret", scopes=["*"])
    assert issued.revealed_key and issued.revealed_key not in repr(issued) and "revealed_key=<hidden>" in repr(issued)
    endpoint = client.webhooks.create_endpoint(org, name="e", url="https://example.com/r", event_types=["session.result.persisted"])
    assert endpoint.signing_secret and endpoint.signing_secret not in repr(endpoint)
