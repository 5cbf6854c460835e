"""Hostile input over real sockets: request bodies the API would not read as sent, NUL bytes
percent-encoded into paths and queries, forged cursors, lengths counted in characters, and a
bind address off loopback."""

import base64
import json
import os
import subprocess

import pytest
from test_routes_schema import delivery_request


def assert_invalid_json(r, why):
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["code"] == "request.invalid_json" and error["status"] == 400
    assert why in error["message"]
    r.content.decode("utf-8")  # the answer itself is UTF-8


# Before: cJSON read these as something else than was sent and the emulator stored that (a
# Latin-1 name echoed back as bytes no JSON reader accepts, "a\u0000b" stored as "a", the first
# of two names where JSON.parse keeps the last).
@pytest.mark.parametrize(
    "body, why",
    [
        (b'{"name":"\xe9t\xe9","slug":"latin-one"}', "UTF-8"),
        (b'{"\xff":1}', "UTF-8"),
        (b'{"name":"a\\u0000b","slug":"nul-char"}', "NUL"),
        (b'{"name":"first","name":"second","slug":"twice"}', "same name"),
    ],
)
def test_bodies_read_differently_are_invalid_json(sk, emulator, body, why):
    r = sk.post("/v1/organizations", content=body, headers={"Content-Type": "application/json"})
    assert_invalid_json(r, why)


def test_gate_session_body_with_nul_or_latin1_is_invalid_json(anon):
    good = json.dumps({"service_id": "foil", "account_name": "x",
                       "delivery": delivery_request()}).encode()
    assert anon.post("/v1/gate/sessions", content=good).status_code == 201
    for bad, why in ((good.replace(b'"x"', b'"x\\u0000y"'), "NUL"),
                     (good.replace(b'"x"', b'"\xe9"'), "UTF-8")):
        assert_invalid_json(anon.post("/v1/gate/sessions", content=bad), why)


def test_nul_percent_encoded_into_a_path_is_no_shorter_path(sk, emulator):
    sid = sk.get("/v1/sessions?limit=1").json()["data"][0]["id"]
    # Before: /v1/sessions/%00abc was /v1/sessions/ (a 200 list) and sid%00x was sid.
    r = sk.get("/v1/sessions/%00abc")
    assert r.status_code == 404 and r.json()["error"]["code"] == "request.not_found"
    assert sk.get(f"/v1/sessions/{sid}%00x").status_code == 404
    r = sk.patch(f"/v1/sessions/{sid}%00x", json={"client_user_id": "u"})
    assert r.status_code == 404
    assert sk.get(f"/v1/sessions/{sid}").json()["data"]["client_user_id"] != "u"
    # ... and limit=5%00 was limit=5.
    r = sk.get("/v1/sessions?limit=5%00")
    assert r.status_code == 422 and r.json()["error"]["details"]["fields"][0]["name"] == "limit"
    # Other escapes still decode.
    assert sk.get("/v1/sessions?limit=%35").json()["pagination"]["limit"] == 5


def forged(cursor, **changes):
    fields = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    fields.update(changes)
    return base64.urlsafe_b64encode(json.dumps(fields).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize("offset", [1e300, 2.0**64, -1, 1.5, "2"])
def test_forged_cursor_offsets_are_refused(sk, offset):
    cursor = sk.get("/v1/sessions?limit=2").json()["pagination"]["next_cursor"]
    assert sk.get("/v1/sessions", params={"limit": 2, "cursor": cursor}).status_code == 200
    # Before: 1e300 and 2^64 were cast to an integer (undefined behaviour in C), 1.5 was 1.
    r = sk.get("/v1/sessions", params={"limit": 2, "cursor": forged(cursor, o=offset)})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["details"]["fields"][0]["issue"] == "invalid_cursor"


def test_a_cursor_past_the_end_is_an_empty_last_page(sk):
    cursor = sk.get("/v1/sessions?limit=2").json()["pagination"]["next_cursor"]
    r = sk.get("/v1/sessions", params={"limit": 2, "cursor": forged(cursor, o=2**53)})
    assert r.status_code == 200 and r.json()["data"] == []
    assert r.json()["pagination"]["has_more"] is False


def test_lengths_count_characters_not_bytes(anon, sk):
    def create(name):
        return anon.post("/v1/gate/sessions", json={"service_id": "foil", "account_name": name,
                                                     "delivery": delivery_request()})
    # Before: 200 two-byte characters (400 bytes) were "too_long" for a 200 limit.
    assert create("é" * 200).status_code == 201
    assert create("名" * 200).status_code == 201
    r = create("é" * 201)
    assert r.status_code == 422 and r.json()["error"]["details"]["fields"][0]["issue"] == "too_long"
    r = sk.post("/v1/organizations", json={"name": "é" * 200, "slug": "accents"})
    assert r.status_code == 201, r.text


def test_consent_page_stays_utf8_with_a_long_multibyte_service_name(emulator, anon):
    r = anon.get("/gate", params={"session": "gate_unknown"})
    assert r.status_code == 404
    # The page's title is cut to fit a buffer: never inside a character.
    with emulator.client() as sk:
        created = sk.post("/v1/organizations/{}/webhooks/endpoints".format(
            emulator.organization_id), json={"name": "w", "event_types": ["gate.session.approved"],
                                             "url": emulator.base_url + "/_emulator/webhook-sink"})
        endpoint = created.json()["data"]["id"]
        svc = sk.post("/v1/gate/services", json={
            "id": "long-name", "name": "名" * 150, "description": "d",
            "website": "https://example.com", "webhook_endpoint_id": endpoint,
            "discoverable": True})
        assert svc.status_code == 201, svc.text
    s = anon.post("/v1/gate/sessions", json={"service_id": "long-name", "account_name": "a",
                                              "delivery": delivery_request()})
    assert s.status_code == 201, s.text
    page = anon.get("/gate", params={"session": s.json()["data"]["id"]})
    assert page.status_code == 200
    page.content.decode("utf-8")


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.1", "example.com"])
def test_the_command_refuses_a_bind_address_off_loopback(host):
    binary = os.environ.get("FOIL_EMULATOR_BIN")
    if not binary:
        pytest.skip("FOIL_EMULATOR_BIN is not set")
    # Before: 0.0.0.0 and :: served every interface, /_emulator (no auth: secret keys, approvals)
    # included.
    r = subprocess.run([binary, "--host", host, "--json"], capture_output=True, text=True,
                       timeout=10)
    assert r.returncode == 2 and r.stdout == ""
    assert "loopback" in r.stderr


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_the_command_serves_on_loopback_addresses(host):
    from conftest import start_emulator

    try:
        emu = start_emulator("--host", host)
    except RuntimeError as e:
        if host == "::1" and "cannot start" in str(e):
            pytest.skip("no IPv6 loopback here")
        raise
    emu.stop()
    assert emu.proc.returncode == 0
