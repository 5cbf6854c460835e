"""Every route of openapi.json against the emulator; every response (success and error)
validated against the schema the spec declares for that status."""

import base64
import hashlib
import os

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives import serialization

from schema import ResponseValidator


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def delivery_request():
    pub = X25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return {
        "version": 1,
        "algorithm": "x25519-hkdf-sha256/aes-256-gcm",
        "key_id": b64url(hashlib.sha256(pub).digest()),
        "public_key": b64url(pub),
    }


@pytest.fixture(scope="module")
def v(openapi):
    return ResponseValidator(openapi)


def test_startup_is_fast(emulator):
    assert emulator.startup_seconds < 1.0


def test_registry(v, anon):
    body = v.validate("GET", "/v1/gate/registry", anon.get("/v1/gate/registry"))
    assert [e["id"] for e in body["data"]] == ["foil"]
    body = v.validate("GET", "/v1/gate/registry/{serviceId}", anon.get("/v1/gate/registry/foil"))
    assert body["data"]["env_vars"][1]["key"] == "FOIL_SECRET_KEY"
    v.validate("GET", "/v1/gate/registry/{serviceId}", anon.get("/v1/gate/registry/nope"))


def test_gate_signup_state_machine(v, anon, emulator):
    create = "/v1/gate/sessions"
    r = anon.post(create, json={"service_id": "foil", "account_name": "demo",
                                "delivery": delivery_request()})
    s = v.validate("POST", create, r)["data"]
    assert r.status_code == 201 and s["poll_token"].startswith("gtpoll_")
    assert s["consent_url"].startswith(emulator.base_url + "/gate?session=gate_")

    poll = "/v1/gate/sessions/{gateSessionId}"
    path = f"/v1/gate/sessions/{s['id']}"
    bearer = {"Authorization": f"Bearer {s['poll_token']}"}
    assert v.validate("GET", poll, anon.get(path, headers=bearer))["data"]["status"] == "pending"
    assert anon.get(path).status_code == 401
    v.validate("GET", poll, anon.get(path))
    r = anon.get(path, headers={"Authorization": "Bearer gtpoll_wrong"})
    assert r.status_code == 403
    v.validate("GET", poll, r)
    r = anon.get("/v1/gate/sessions/gate_unknown", headers=bearer)
    assert r.status_code == 404
    v.validate("GET", poll, r)

    ack = "/v1/gate/sessions/{gateSessionId}/ack"
    r = anon.post(path + "/ack", headers=bearer, json={"ack_token": "gtack_x"})
    assert r.status_code == 403
    v.validate("POST", ack, r)
    v.validate("POST", ack, anon.post(path + "/ack", json={"ack_token": "x"}))
    v.validate("POST", ack, anon.post("/v1/gate/sessions/gate_unknown/ack", headers=bearer,
                                      json={"ack_token": "x"}))

    assert anon.post(f"/_emulator/gate/sessions/{s['id']}/approve").status_code == 200
    d = v.validate("GET", poll, anon.get(path, headers=bearer))["data"]
    assert d["status"] == "approved" and set(d["delivery_bundle"]) == {"integrator", "gate"}
    assert d["gate_account_id"].startswith("gacct_")
    # The ack token is inside the gate envelope; this suite checks shapes only (test_sdk.py
    # decrypts). A wrong one is refused.
    r = anon.post(path + "/ack", headers=bearer, json={"ack_token": "gtack_wrong"})
    assert r.status_code == 403
    v.validate("POST", ack, r)


def test_gate_create_validation(v, anon):
    create = "/v1/gate/sessions"
    good = delivery_request()
    r = anon.post(create, json={"service_id": "nope", "account_name": "a", "delivery": good})
    assert r.status_code == 404
    v.validate("POST", create, r)
    bad = dict(good, key_id=delivery_request()["key_id"])
    r = anon.post(create, json={"service_id": "foil", "account_name": "a", "delivery": bad})
    assert r.status_code == 422
    body = v.validate("POST", create, r)
    assert body["error"]["code"] == "request.validation_failed"
    assert body["error"]["details"]["fields"][0]["name"].startswith("delivery")
    for delivery in (dict(good, algorithm="rsa"), dict(good, public_key=b64url(b"x" * 31)),
                     dict(good, version=2)):
        r = anon.post(create, json={"service_id": "foil", "account_name": "a",
                                    "delivery": delivery})
        assert r.status_code == 422, delivery
    r = anon.post(create, json={"service_id": "Bad!", "metadata": [1]})
    assert r.status_code == 422
    names = {f["name"] for f in v.validate("POST", create, r)["error"]["details"]["fields"]}
    assert {"service_id", "account_name", "metadata", "delivery"} <= names
    r = anon.post(create, content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    v.validate("POST", create, r)


def test_auth_and_scopes(v, emulator, anon):
    r = anon.get("/v1/sessions")
    assert r.status_code == 401
    assert v.validate("GET", "/v1/sessions", r)["error"]["code"] == "auth.missing_api_key"
    with emulator.client("sk_test_not_a_key") as bad:
        r = bad.get("/v1/sessions")
        assert r.status_code == 401
        assert v.validate("GET", "/v1/sessions", r)["error"]["code"] == "auth.invalid_api_key"
    key = anon.post("/_emulator/secret-keys", json={"scopes": ["sessions:read"]}).json()
    with emulator.client(key["data"]["secret_key"]) as narrow:
        r = narrow.get("/v1/sessions")
        assert r.status_code == 403
        assert v.validate("GET", "/v1/sessions", r)["error"]["code"] == "auth.insufficient_scope"
        sid = anon.get("/_emulator").json()["data"]["newest_session_id"]
        assert narrow.get(f"/v1/sessions/{sid}").status_code == 200


def test_sessions(v, sk):
    lst = "/v1/sessions"
    page = v.validate("GET", lst, sk.get(lst, params={"limit": 7}))
    assert len(page["data"]) == 7 and page["pagination"]["has_more"]
    seen = [s["id"] for s in page["data"]]
    page2 = v.validate("GET", lst, sk.get(lst, params={"limit": 7,
                                                      "cursor": page["pagination"]["next_cursor"]}))
    assert not set(seen) & {s["id"] for s in page2["data"]}
    created = [s["created_at"] for s in page["data"] + page2["data"]]
    assert created == sorted(created, reverse=True)
    bots = v.validate("GET", lst, sk.get(lst, params={"verdict": "bot", "limit": 20}))
    assert bots["data"] and all(s["latest_decision"]["verdict"] == "bot" for s in bots["data"])
    found = v.validate("GET", lst, sk.get(lst, params={"search": "aarch64"}))
    assert found["data"]
    for params in ({"limit": 999}, {"limit": "x"}, {"verdict": "robot"},
                   {"cursor": "garbage"}, {"cursor": page["pagination"]["next_cursor"],
                                           "verdict": "bot"}):
        r = sk.get(lst, params=params)
        assert r.status_code == 422, params
        assert v.validate("GET", lst, r)["error"]["details"]["parameter_set"] == "sessions"

    one = "/v1/sessions/{sessionId}"
    sid = seen[0]
    d = v.validate("GET", one, sk.get(f"/v1/sessions/{sid}"))["data"]
    assert d["id"] == sid
    v.validate("GET", one, sk.get("/v1/sessions/sid_0123456789abcdefghjkmnpqrs"))
    r = sk.patch(f"/v1/sessions/{sid}", json={"client_user_id": "user_42"})
    assert v.validate("PATCH", one, r)["data"]["client_user_id"] == "user_42"
    listed = sk.get(lst, params={"search": "user_42"}).json()["data"]
    assert sid in [s["id"] for s in listed]
    r = sk.patch(f"/v1/sessions/{sid}", json={"client_user_id": None})
    assert v.validate("PATCH", one, r)["data"]["client_user_id"] is None
    for body in ({}, {"client_user_id": 5}, {"client_user_id": "x" * 257}, {"other": 1}):
        r = sk.patch(f"/v1/sessions/{sid}", json=body)
        assert r.status_code == 422, body
        v.validate("PATCH", one, r)
    v.validate("PATCH", one, sk.patch("/v1/sessions/sid_0123456789abcdefghjkmnpqrs",
                                      json={"client_user_id": None}))


def test_fingerprints(v, sk):
    lst = "/v1/fingerprints"
    page = v.validate("GET", lst, sk.get(lst, params={"limit": 5}))
    assert len(page["data"]) == 5
    for sort in ("seen_count", "first_seen"):
        p = v.validate("GET", lst, sk.get(lst, params={"sort": sort, "limit": 50}))
        key = ("seen_count",) if sort == "seen_count" else ("first_seen_at",)
        values = [f["lifecycle"][key[0]] for f in p["data"]]
        assert values == sorted(values, reverse=True)
        nxt = v.validate("GET", lst, sk.get(lst, params={
            "sort": sort, "limit": 50, "cursor": p["pagination"]["next_cursor"]}))
        assert not {f["id"] for f in p["data"]} & {f["id"] for f in nxt["data"]}
    v.validate("GET", lst, sk.get(lst, params={"sort": "newest"}))
    one = "/v1/fingerprints/{visitorId}"
    vid = page["data"][0]["id"]
    d = v.validate("GET", one, sk.get(f"/v1/fingerprints/{vid}"))["data"]
    assert d["activity"]["sessions"]
    v.validate("GET", one, sk.get("/v1/fingerprints/vid_0123456789abcdefghjkmnpqrs"))


def test_organizations_and_keys(v, sk, emulator, anon):
    org = emulator.organization_id
    v.validate("GET", "/v1/organizations/{organizationId}", sk.get(f"/v1/organizations/{org}"))
    v.validate("GET", "/v1/organizations/{organizationId}",
               sk.get("/v1/organizations/org_0123456789abcdefghjkmnpqrs"))
    r = sk.post("/v1/organizations", json={"name": "Acme", "slug": "acme-co"})
    child = v.validate("POST", "/v1/organizations", r)["data"]
    assert r.status_code == 201
    r = sk.post("/v1/organizations", json={"name": "Acme", "slug": "acme-co"})
    assert r.status_code == 409
    v.validate("POST", "/v1/organizations", r)
    v.validate("POST", "/v1/organizations", sk.post("/v1/organizations",
                                                    json={"name": "", "slug": "Bad Slug"}))
    up = "/v1/organizations/{organizationId}"
    r = sk.patch(f"/v1/organizations/{child['id']}", json={"name": "Acme 2", "status": "suspended"})
    assert v.validate("PATCH", up, r)["data"]["status"] == "suspended"
    v.validate("PATCH", up, sk.patch(f"/v1/organizations/{child['id']}", json={}))
    v.validate("PATCH", up, sk.patch("/v1/organizations/org_0123456789abcdefghjkmnpqrs",
                                     json={"name": "x"}))

    keys = f"/v1/organizations/{org}/api-keys"
    tkeys = "/v1/organizations/{organizationId}/api-keys"
    r = sk.post(keys, json={"name": "Backend", "type": "secret", "environment": "test",
                            "scopes": ["sessions:list"]})
    issued = v.validate("POST", tkeys, r)["data"]
    assert r.status_code == 201 and issued["revealed_key"].startswith("sk_test_")
    v.validate("POST", tkeys, sk.post(keys, json={"name": "x", "scopes": ["nope"]}))
    v.validate("POST", tkeys, sk.post(keys, json={"name": "x"}))
    pk = v.validate("POST", tkeys, sk.post(keys, json={"name": "Web", "type": "publishable",
                                                      "allowed_origins": ["https://a.example"]}))
    assert pk["data"]["revealed_key"].startswith("pk_test_")
    listed = v.validate("GET", tkeys, sk.get(keys, params={"limit": 2}))
    assert "revealed_key" not in listed["data"][0] and listed["pagination"]["has_more"]
    v.validate("GET", tkeys, sk.get(keys, params={"limit": 2,
                                                  "cursor": listed["pagination"]["next_cursor"]}))
    v.validate("GET", tkeys, sk.get(keys, params={"limit": 0}))
    v.validate("GET", tkeys, sk.get("/v1/organizations/org_0123456789abcdefghjkmnpqrs/api-keys"))
    r = sk.post("/v1/organizations/org_0123456789abcdefghjkmnpqrs/api-keys",
                json={"name": "x", "scopes": ["*"]})
    assert r.status_code == 404
    v.validate("POST", tkeys, r)

    one = "/v1/organizations/{organizationId}/api-keys/{keyId}"
    r = sk.patch(f"{keys}/{issued['id']}", json={"name": "Renamed", "scopes": ["*"]})
    assert v.validate("PATCH", one, r)["data"]["name"] == "Renamed"
    v.validate("PATCH", one, sk.patch(f"{keys}/{issued['id']}", json={"scopes": []}))
    v.validate("PATCH", one, sk.patch(f"{keys}/key_0123456789abcdefghjkmnpqrs", json={"name": "x"}))
    with emulator.client(issued["revealed_key"]) as c:
        assert c.get("/v1/sessions").status_code == 200
    rot = "/v1/organizations/{organizationId}/api-keys/{keyId}/rotations"
    r = sk.post(f"{keys}/{issued['id']}/rotations")
    rotated = v.validate("POST", rot, r)["data"]
    assert r.status_code == 201 and rotated["revealed_key"] != issued["revealed_key"]
    v.validate("POST", rot, sk.post(f"{keys}/key_0123456789abcdefghjkmnpqrs/rotations"))
    r = sk.delete(f"{keys}/{rotated['id']}")
    assert v.validate("DELETE", one, r)["data"]["status"] == "revoked"
    v.validate("DELETE", one, sk.delete(f"{keys}/key_0123456789abcdefghjkmnpqrs"))
    with emulator.client(rotated["revealed_key"]) as c:
        assert c.get("/v1/sessions").status_code == 401


def test_webhooks_services_and_events(v, sk, emulator, anon):
    org = emulator.organization_id
    eps = f"/v1/organizations/{org}/webhooks/endpoints"
    teps = "/v1/organizations/{organizationId}/webhooks/endpoints"
    sink = emulator.base_url + "/_emulator/webhook-sink"
    r = sk.post(eps, json={"name": "Gate", "url": sink, "event_types": ["gate.session.approved"]})
    ep = v.validate("POST", teps, r)["data"]
    assert r.status_code == 201 and ep["signing_secret"].startswith("whsec_")
    v.validate("POST", teps, sk.post(eps, json={"name": "x", "url": "ftp://x", "event_types": []}))
    assert "signing_secret" not in v.validate("GET", teps, sk.get(eps))["data"][0]
    one = "/v1/organizations/{organizationId}/webhooks/endpoints/{endpointId}"
    r = sk.patch(f"{eps}/{ep['id']}", json={"name": "Gate hook"})
    assert v.validate("PATCH", one, r)["data"]["name"] == "Gate hook"
    v.validate("PATCH", one, sk.patch(f"{eps}/{ep['id']}", json={"status": "paused"}))
    v.validate("PATCH", one, sk.patch(f"{eps}/we_{'0' * 32}", json={"name": "x"}))
    rot = "/v1/organizations/{organizationId}/webhooks/endpoints/{endpointId}/rotations"
    r = sk.post(f"{eps}/{ep['id']}/rotations")
    assert v.validate("POST", rot, r)["data"]["signing_secret"] != ep["signing_secret"]
    v.validate("POST", rot, sk.post(f"{eps}/we_{'0' * 32}/rotations"))
    test = "/v1/organizations/{organizationId}/webhooks/endpoints/{endpointId}/test"
    r = sk.post(f"{eps}/{ep['id']}/test")
    t = v.validate("POST", test, r)["data"]
    assert r.status_code == 202 and t["latest_delivery"]["status"] == "succeeded"
    v.validate("POST", test, sk.post(f"{eps}/we_{'0' * 32}/test"))

    svc = "/v1/gate/services"
    body = {"id": "acme_prod", "name": "Acme", "description": "Acme signup",
            "website": "https://acme.example.com", "webhook_endpoint_id": ep["id"],
            "discoverable": True, "dashboard_login_url": "https://dash.acme.example.com/gate",
            "env_vars": [{"name": "Key", "key": "ACME_KEY", "secret": True}],
            "branding": {"primary_color": "#112233", "verified": True}}
    r = sk.post(svc, json=body)
    created = v.validate("POST", svc, r)["data"]
    assert r.status_code == 201 and created["branding"]["verified"] is False
    r = sk.post(svc, json=body)
    assert r.status_code == 409
    v.validate("POST", svc, r)
    for bad in (dict(body, id="auth"), dict(body, id="x"), dict(body, webhook_endpoint_id="we_" + "1" * 32),
                dict(body, id="acme2", env_vars=[{"name": "T", "key": "ACME_GATE_AGENT_TOKEN",
                                                  "secret": True}])):
        r = sk.post(svc, json=bad)
        assert r.status_code == 422, bad["id"]
        v.validate("POST", svc, r)
    assert [s["id"] for s in v.validate("GET", svc, sk.get(svc))["data"]] == ["acme_prod"]
    one = "/v1/gate/services/{serviceId}"
    v.validate("GET", one, sk.get(f"{svc}/acme_prod"))
    v.validate("GET", one, sk.get(f"{svc}/foil"))  # the built-in service is not the org's
    r = sk.patch(f"{svc}/acme_prod", json={"description": "New", "dashboard_login_url": None})
    assert "dashboard_login_url" not in v.validate("PATCH", one, r)["data"]
    sk.patch(f"{svc}/acme_prod", json={"dashboard_login_url": "https://dash.acme.example.com/g"})
    v.validate("PATCH", one, sk.patch(f"{svc}/acme_prod", json={"website": "nope"}))
    v.validate("PATCH", one, sk.patch(f"{svc}/missing", json={"name": "x"}))
    assert [e["id"] for e in anon.get("/v1/gate/registry").json()["data"]] == ["foil", "acme_prod"]

    # A signup for the org's service calls its webhook (the sink does not encrypt: 502 shown).
    s = anon.post("/v1/gate/sessions", json={"service_id": "acme_prod", "account_name": "x",
                                             "delivery": delivery_request()}).json()["data"]
    r = anon.post(f"/_emulator/gate/sessions/{s['id']}/approve")
    assert r.status_code == 502 and "encrypted_delivery" in r.json()["error"]["message"]

    ev = f"/v1/organizations/{org}/events"
    tev = "/v1/organizations/{organizationId}/events"
    events = v.validate("GET", tev, sk.get(ev))["data"]
    assert [e["type"] for e in events] == ["gate.session.approved", "webhook.test"]
    assert events[0]["webhook_deliveries"][0]["status"] == "failed"
    only = v.validate("GET", tev, sk.get(ev, params={"type": "webhook.test", "endpoint_id": ep["id"]}))
    assert [e["type"] for e in only["data"]] == ["webhook.test"]
    v.validate("GET", tev, sk.get(ev, params={"type": "nope"}))
    one_ev = "/v1/organizations/{organizationId}/events/{eventId}"
    v.validate("GET", one_ev, sk.get(f"{ev}/{events[0]['id']}"))
    v.validate("GET", one_ev, sk.get(f"{ev}/wevt_{'0' * 32}"))

    one_ep = "/v1/organizations/{organizationId}/webhooks/endpoints/{endpointId}"
    r = sk.delete(f"{eps}/{ep['id']}")
    assert v.validate("DELETE", one_ep, r)["data"]["status"] == "disabled"
    v.validate("DELETE", one_ep, sk.delete(f"{eps}/we_{'0' * 32}"))
    r = sk.delete(f"{svc}/acme_prod")
    assert v.validate("DELETE", one, r)["data"]["status"] == "disabled"
    v.validate("DELETE", one, sk.delete(f"{svc}/missing"))
    for i in range(4):
        body2 = dict(body, id=f"svc-{i}", discoverable=False)
        ep2 = sk.post(eps, json={"name": "G", "url": sink, "event_types": ["gate.session.approved"]}).json()["data"]
        body2["webhook_endpoint_id"] = ep2["id"]
        assert sk.post(svc, json=body2).status_code == 201
    r = sk.post(svc, json=dict(body2, id="svc-cap"))
    assert r.status_code == 409 and r.json()["error"]["code"] == "gate.service_limit_reached"


def decrypt(private_key, envelope):
    """The delivery decryption of FOIL-API section 3, written independently of any SDK."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF
    import json

    def unb64(x):
        return base64.urlsafe_b64decode(x + "=" * (-len(x) % 4))

    shared = private_key.exchange(X25519PublicKey.from_public_bytes(
        unb64(envelope["ephemeral_public_key"])))
    key = HKDF(hashes.SHA256(), 32, unb64(envelope["salt"]), b"foil-gate-delivery:v1").derive(shared)
    plain = AESGCM(key).decrypt(unb64(envelope["iv"]),
                                unb64(envelope["ciphertext"]) + unb64(envelope["tag"]), None)
    return json.loads(plain)


def signup(anon, service_id="foil"):
    priv = X25519PrivateKey.generate()
    pub = priv.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    delivery = {"version": 1, "algorithm": "x25519-hkdf-sha256/aes-256-gcm",
                "key_id": b64url(hashlib.sha256(pub).digest()), "public_key": b64url(pub)}
    s = anon.post("/v1/gate/sessions", json={"service_id": service_id, "account_name": "agent",
                                             "delivery": delivery}).json()["data"]
    assert anon.post(f"/_emulator/gate/sessions/{s['id']}/approve").status_code == 200
    bearer = {"Authorization": f"Bearer {s['poll_token']}"}
    d = anon.get(f"/v1/gate/sessions/{s['id']}", headers=bearer).json()["data"]
    gate = decrypt(priv, d["delivery_bundle"]["gate"])
    integrator = decrypt(priv, d["delivery_bundle"]["integrator"])
    return s, bearer, gate, integrator


def test_signup_ack_then_gone(v, anon, emulator):
    s, bearer, gate, integrator = signup(anon)
    assert integrator["outputs"]["FOIL_SECRET_KEY"].startswith("sk_test_")
    assert gate["outputs"]["FOIL_GATE_AGENT_TOKEN"].startswith("agt_")
    path = f"/v1/gate/sessions/{s['id']}"
    ack = "/v1/gate/sessions/{gateSessionId}/ack"
    r = anon.post(path + "/ack", headers=bearer, json={"ack_token": gate["ack_token"]})
    assert v.validate("POST", ack, r)["data"]["status"] == "acknowledged"
    r = anon.post(path + "/ack", headers=bearer, json={"ack_token": gate["ack_token"]})
    assert r.status_code == 410
    v.validate("POST", ack, r)
    r = anon.get(path, headers=bearer)
    assert r.status_code == 410
    v.validate("GET", "/v1/gate/sessions/{gateSessionId}", r)
    # The delivered secret key is a real key of the emulator.
    with emulator.client(integrator["outputs"]["FOIL_SECRET_KEY"]) as c:
        assert c.get("/v1/sessions", params={"limit": 1}).status_code == 200


def test_agent_tokens_and_login(v, anon, sk, emulator):
    _, _, gate, _ = signup(anon)
    agt = gate["outputs"]["FOIL_GATE_AGENT_TOKEN"]
    verify = "/v1/gate/agent-tokens/verify"
    d = v.validate("POST", verify, sk.post(verify, json={"agent_token": agt}))["data"]
    assert d["valid"] and d["status"] == "active"
    assert v.validate("POST", verify, sk.post(verify, json={"agent_token": "agt_x"}))["data"] == {"valid": False}
    v.validate("POST", verify, sk.post(verify, json={}))
    v.validate("POST", verify, anon.post(verify, json={"agent_token": agt}))

    login = "/v1/gate/login-sessions"
    agent = {"Authorization": f"Bearer {agt}"}
    r = anon.post(login, headers=agent, json={"service_id": "foil"})
    ls = v.validate("POST", login, r)["data"]
    assert r.status_code == 201 and ls["consent_url"].endswith(ls["id"])
    v.validate("POST", login, anon.post(login, json={"service_id": "foil"}))
    v.validate("POST", login, anon.post(login, headers={"Authorization": "Bearer agt_nope"},
                                        json={"service_id": "foil"}))
    v.validate("POST", login, anon.post(login, headers=agent, json={"service_id": "nope"}))
    v.validate("POST", login, anon.post(login, headers=agent, json={}))
    code = anon.post(f"/_emulator/gate/login-sessions/{ls['id']}/approve").json()["data"]["code"]
    assert len(code) == 6 and code.isdigit()
    consume = "/v1/gate/login-sessions/consume"
    d = v.validate("POST", consume, sk.post(consume, json={"code": code}))["data"]
    assert d["object"] == "gate_dashboard_login" and d["account_name"] == "agent"
    r = sk.post(consume, json={"code": code})
    assert r.status_code == 410
    v.validate("POST", consume, r)
    v.validate("POST", consume, sk.post(consume, json={}))
    v.validate("POST", consume, anon.post(consume, json={"code": code}))

    revoke = "/v1/gate/agent-tokens/revoke"
    r = sk.post(revoke, json={"agent_token": agt})
    assert r.status_code == 204
    v.validate("POST", revoke, r)
    v.validate("POST", revoke, sk.post(revoke, json={"agent_token": "agt_nope"}))
    v.validate("POST", revoke, sk.post(revoke, json={}))
    v.validate("POST", revoke, anon.post(revoke, json={"agent_token": agt}))
    d = sk.post(verify, json={"agent_token": agt}).json()["data"]
    assert d["valid"] is False and d["status"] == "revoked"
    r = anon.post(login, headers=agent, json={"service_id": "foil"})
    assert r.status_code == 403


SECRET_OPS = {
    # operationId: (method, path template, required scope)
    "listSessions": ("GET", "/v1/sessions", "sessions:list"),
    "getSession": ("GET", "/v1/sessions/{sessionId}", "sessions:read"),
    "updateSession": ("PATCH", "/v1/sessions/{sessionId}", "sessions:update"),
    "listVisitorFingerprints": ("GET", "/v1/fingerprints", "fingerprints:list"),
    "getVisitorFingerprint": ("GET", "/v1/fingerprints/{visitorId}", "fingerprints:read"),
    "createOrganization": ("POST", "/v1/organizations", "organizations:create"),
    "getOrganization": ("GET", "/v1/organizations/{organizationId}", "organizations:read"),
    "updateOrganization": ("PATCH", "/v1/organizations/{organizationId}", "organizations:update"),
    "listOrganizationApiKeys": ("GET", "/v1/organizations/{organizationId}/api-keys", "api_keys:read"),
    "createOrganizationApiKey": ("POST", "/v1/organizations/{organizationId}/api-keys", "api_keys:manage"),
    "revokeOrganizationApiKey": ("DELETE", "/v1/organizations/{organizationId}/api-keys/{keyId}", "api_keys:manage"),
    "updateOrganizationApiKey": ("PATCH", "/v1/organizations/{organizationId}/api-keys/{keyId}", "api_keys:manage"),
    "rotateOrganizationApiKey": ("POST", "/v1/organizations/{organizationId}/api-keys/{keyId}/rotations", "api_keys:manage"),
    "listWebhookEndpoints": ("GET", "/v1/organizations/{organizationId}/webhooks/endpoints", "webhooks:read"),
    "createWebhookEndpoint": ("POST", "/v1/organizations/{organizationId}/webhooks/endpoints", "webhooks:manage"),
    "updateWebhookEndpoint": ("PATCH", "/v1/organizations/{organizationId}/webhooks/endpoints/{endpointId}", "webhooks:manage"),
    "disableWebhookEndpoint": ("DELETE", "/v1/organizations/{organizationId}/webhooks/endpoints/{endpointId}", "webhooks:manage"),
    "rotateWebhookEndpointSecret": ("POST", "/v1/organizations/{organizationId}/webhooks/endpoints/{endpointId}/rotations", "webhooks:manage"),
    "sendTestWebhook": ("POST", "/v1/organizations/{organizationId}/webhooks/endpoints/{endpointId}/test", "webhooks:manage"),
    "listEvents": ("GET", "/v1/organizations/{organizationId}/events", "webhooks:read"),
    "retrieveEvent": ("GET", "/v1/organizations/{organizationId}/events/{eventId}", "webhooks:read"),
    "listManagedGateServices": ("GET", "/v1/gate/services", "gate:services:read"),
    "createManagedGateService": ("POST", "/v1/gate/services", "gate:services:manage"),
    "getManagedGateService": ("GET", "/v1/gate/services/{serviceId}", "gate:services:read"),
    "updateManagedGateService": ("PATCH", "/v1/gate/services/{serviceId}", "gate:services:manage"),
    "disableManagedGateService": ("DELETE", "/v1/gate/services/{serviceId}", "gate:services:manage"),
    "verifyGateAgentToken": ("POST", "/v1/gate/agent-tokens/verify", "gate:agent_tokens:verify"),
    "revokeGateAgentToken": ("POST", "/v1/gate/agent-tokens/revoke", "gate:agent_tokens:revoke"),
    "consumeGateLoginSessionCode": ("POST", "/v1/gate/login-sessions/consume", "gate:login_sessions:consume"),
}


def test_every_secret_endpoint_checks_key_and_scope(v, emulator, anon, openapi):
    declared = {o["operationId"] for p in openapi["paths"].values() for o in p.values()
                if isinstance(o, dict) and o.get("operationId") and "401" in o["responses"]
                and o["operationId"] not in ("pollGateSession", "acknowledgeGateSessionDelivery",
                                             "createGateLoginSession")}
    assert declared == set(SECRET_OPS)
    ids = {"sessionId": anon.get("/_emulator").json()["data"]["newest_session_id"],
           "visitorId": "vid_0123456789abcdefghjkmnpqrs", "organizationId": emulator.organization_id,
           "keyId": "key_0123456789abcdefghjkmnpqrs", "endpointId": "we_" + "0" * 32,
           "eventId": "wevt_" + "0" * 32, "serviceId": "acme_prod"}
    for op, (method, template, scope) in SECRET_OPS.items():
        path = template.format(**ids)
        other = "sessions:list" if scope != "sessions:list" else "sessions:read"
        key = anon.post("/_emulator/secret-keys", json={"scopes": [other]}).json()["data"]["secret_key"]
        r = anon.request(method, path, json={})
        assert r.status_code == 401, op
        v.validate(method, template, r)
        with emulator.client(key) as narrow:
            r = narrow.request(method, path, json={})
            assert r.status_code == 403, op
            body = v.validate(method, template, r)
            assert body["error"]["details"]["required_scope"] == scope


def test_rate_limits(v):
    from conftest import start_emulator

    emu = start_emulator("--rate-limit", "--rate-limit-public", "3", "--rate-limit-secret", "2")
    try:
        with emu.client(False) as anon:
            statuses = []
            for _ in range(4):
                r = anon.post("/v1/gate/sessions", json={"service_id": "foil", "account_name": "a",
                                                         "delivery": delivery_request()})
                statuses.append(r.status_code)
                v.validate("POST", "/v1/gate/sessions", r)
            assert statuses == [201, 201, 201, 429]
            assert int(r.headers["retry-after"]) >= 1
            assert r.headers["x-ratelimit-remaining"] == "0"
            assert r.json()["error"]["retryable"] is True
        with emu.client() as sk:
            codes = [sk.get("/v1/sessions", params={"limit": 1}).status_code for _ in range(3)]
            assert codes == [200, 200, 429]
    finally:
        emu.stop()


def test_every_operation_was_checked(v, openapi):
    ops = {o["operationId"] for p in openapi["paths"].values() for o in p.values()
           if isinstance(o, dict) and "operationId" in o}
    missing = ops - {op for op, _ in v.checked}
    assert not missing, f"operations never exercised: {sorted(missing)}"
    declared = {(o["operationId"], st) for p in openapi["paths"].values() for o in p.values()
                if isinstance(o, dict) and "operationId" in o for st in o["responses"]}
    uncovered = sorted(declared - v.checked)
    assert not uncovered, f"declared statuses never produced: {uncovered}"


def test_sigint_stops_cleanly():
    import signal

    from conftest import start_emulator

    emu = start_emulator()
    emu.proc.send_signal(signal.SIGINT)
    assert emu.proc.wait(timeout=10) == 0
    assert "SIGINT, stopping" in emu.proc.stderr.read()
