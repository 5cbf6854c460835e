"""Result objects are lazy views of the C-owned page: they read fields on demand, keep only
their own page alive, and still copy, pickle, compare and print like plain values."""

from __future__ import annotations

import copy
import gc
import pickle
import subprocess
import sys
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


def test_a_key_with_a_nul_names_no_field(client: foil.Foil) -> None:
    session = client.sessions.get(client.sessions.list(limit=1).items[0].id)
    view = session._d
    assert type(view) is JsonView and "id" in view
    for key in ("id\0", "id\0" + "z" * 24, "\0", "latest_decision\0x"):
        assert key not in session and key not in view
        assert session.get(key, "absent") == "absent" and view.get(key) is None
        with pytest.raises(KeyError):
            session[key]


def test_a_huge_key_with_a_nul_reads_nothing_past_the_names() -> None:
    # Compared as "id" before the fix, then read 10 MB past the member's name (SIGSEGV).
    code = """if True:
        from foil.testing import Emulator
        with Emulator(session_count=3) as emu, emu.client() as client:
            session = client.sessions.get(emu.session_id(0))
            key = "id\\0" + "z" * 10_000_000
            assert key not in session and session.get(key, 1) == 1
            try:
                session[key]
            except KeyError:
                print("ok")
        """
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "ok", (done.returncode, done.stderr[-2000:])


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


def test_repr_of_a_decrypted_delivery_hides_outputs_and_ack_token(client: foil.Foil, emulator: Emulator) -> None:
    pair = foil.create_delivery_key_pair()
    created = client.gate.sessions.create(service_id="foil", account_name="r", delivery=pair.delivery)
    emulator.approve(created.id)
    bundle = client.gate.sessions.poll(created.id, poll_token=created.poll_token).delivery_bundle
    assert bundle is not None
    for envelope in (bundle.integrator, bundle.gate):
        payload = foil.decrypt_gate_delivery_envelope(pair.private_key, envelope)
        secrets = [*payload.outputs.values(), *payload.outputs, payload.ack_token]
        assert payload.outputs and all(secrets[:-1])
        for text in (repr(payload), str(payload), f"{payload!r}", repr([payload])):
            assert not [s for s in secrets if s and s in text], text
            assert "outputs=<hidden>" in text and "ack_token=<hidden>" in text and "version=1" in text
    assert repr(created).count("<hidden>") == 1 and created.poll_token not in repr(created)
    key = repr(pair)
    assert pair.private_key.export_pkcs8() not in key and "key_id=" in key


def test_page_result_objects_are_built_in_c(client: foil.Foil) -> None:
    page = native.iter_next_page(native.sessions_iter(client._handle(), 3, None, None))
    items, limit, has_more, _cursor, _request_id = native.py_page_models(page, foil.SessionSummary)
    assert [type(s) for s in items] == [foil.SessionSummary] * 3 and limit == 3 and has_more
    assert all(type(s._d) is JsonView and not gc.is_tracked(s) for s in items)  # no cycle possible
    assert [s.id for s in items] == [s.id for s in client.sessions.list(limit=3).items]
    built = []

    class Custom(foil.SessionSummary):  # its own __init__ is honoured
        def __init__(self, data: Any) -> None:
            super().__init__(data)
            built.append(self.id)

    custom = native.py_page_models(page, Custom)[0]
    assert built == [s.id for s in items] and all(type(s) is Custom for s in custom)
    with pytest.raises(TypeError):
        native.py_page_models(page, dict)
