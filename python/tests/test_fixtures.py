"""Every fixture and golden vector of the official foil-spec, through the Python API.
API response fixtures are served by a canned loopback server and read through both
foil-server and foil, which must agree field by field."""

from __future__ import annotations

import http.server
import json
import re
import threading
from typing import Any, Callable, Iterator

import pytest

import foil

from compare import assert_same, assert_same_list
from conftest import load_fixture, spec_dir

try:
    import foil_server
except ImportError:  # the drop-in half of each check is skipped
    foil_server = None


# ---- Gate delivery, env policy, webhook signature, sealed tokens

def test_delivery_vector() -> None:
    v = load_fixture("gate-delivery/vector.v1.json")
    key = foil.import_delivery_private_key_pkcs8(v["private_key_pkcs8"])
    assert key.public_key == v["delivery"]["public_key"] and key.key_id == v["delivery"]["key_id"]
    assert foil.export_delivery_private_key_pkcs8(key) == v["private_key_pkcs8"]
    payload = foil.decrypt_gate_delivery_envelope(key, v["envelope"])
    assert payload == foil.GateDeliveryPayload(**v["payload"])
    tampered = dict(v["envelope"], tag=v["envelope"]["tag"][::-1])
    with pytest.raises(ValueError):
        foil.decrypt_gate_delivery_envelope(key, tampered)
    roundtrip = foil.encrypt_gate_delivery_payload(v["delivery"], v["payload"])
    assert foil.decrypt_gate_delivery_envelope(key, roundtrip) == payload
    assert foil.validate_encrypted_gate_delivery_envelope(v["envelope"]).key_id == v["delivery"]["key_id"]


def test_delivery_request() -> None:
    v = load_fixture("gate-delivery/delivery-request.json")
    assert foil.validate_gate_delivery_request(v["delivery"]) == foil.GateDeliveryRequest(**v["delivery"])
    import base64
    raw = base64.urlsafe_b64decode(v["delivery"]["public_key"] + "=")
    assert foil.key_id_for_raw_x25519_public_key(raw) == v["derived_key_id"]
    with pytest.raises(ValueError):
        foil.validate_gate_delivery_request(dict(v["delivery"], key_id="x" * 43))


def test_approved_webhook_payload() -> None:
    v = load_fixture("gate-delivery/approved-webhook-payload.valid.json")
    parsed = foil.validate_gate_approved_webhook_payload(v)
    assert parsed.service_id == v["service_id"] and parsed.foil.score == 0.12
    assert parsed.delivery == foil.GateDeliveryRequest(**v["delivery"])
    with pytest.raises(ValueError):
        foil.validate_gate_approved_webhook_payload(dict(v, event="gate.session.approved"))
    reply = foil.create_gate_approved_webhook_response({"delivery": v["delivery"], "outputs": {"A": "1"}})
    assert reply.encrypted_delivery.key_id == v["delivery"]["key_id"]
    assert set(reply.to_dict()) == {"encrypted_delivery"}


def test_env_policy() -> None:
    v = load_fixture("gate-delivery/env-policy.json")
    for case in v["derive_agent_token_env_key"]:
        assert foil.derive_gate_agent_token_env_key(case["service_id"]) == case["expected"]
    for case in v["is_gate_managed_env_var_key"]:
        assert foil.is_gate_managed_env_var_key(case["key"]) is case["managed"]
    for case in v["is_blocked_gate_env_var_key"]:
        assert foil.is_blocked_gate_env_var_key(case["key"]) is case["blocked"]
    with pytest.raises(ValueError):
        foil.derive_gate_agent_token_env_key("---")


def test_webhook_signature() -> None:
    v = load_fixture("gate-delivery/webhook-signature.json")
    common = {"secret": v["secret"], "raw_body": v["raw_body"], "now_seconds": v["now_seconds"]}
    assert foil.verify_gate_webhook_signature(timestamp=v["timestamp"], signature=v["signature"], **common)
    assert foil.verify_webhook_signature(timestamp=v["timestamp"], signature=v["signature"],
                                         **dict(common, raw_body=v["raw_body"].encode()))
    assert not foil.verify_webhook_signature(timestamp=v["timestamp"], signature=v["invalid_signature"], **common)
    assert not foil.verify_webhook_signature(timestamp=v["expired_timestamp"], signature=v["signature"], **common)
    event = foil.verify_and_parse_webhook_event(timestamp=v["timestamp"], signature=v["signature"], **common)
    assert event.type == "gate.session.approved" and event.object == "webhook_event"
    assert isinstance(event.data, foil.GateApprovedWebhookPayload)
    with pytest.raises(ValueError):
        foil.verify_and_parse_webhook_event(timestamp=v["timestamp"], signature=v["invalid_signature"], **common)
    assert foil.parse_webhook_event(json.loads(v["raw_body"])).id == event.id
    # An empty secret is the caller's mistake: an error, never a plain False.
    with pytest.raises(foil.FoilInvalidArgumentError, match="secret"):
        foil.verify_webhook_signature(timestamp=v["timestamp"], signature=v["signature"],
                                      **dict(common, secret=""))
    if foil_server is not None:
        assert foil_server.verify_webhook_signature(timestamp=v["timestamp"], signature=v["signature"], **common)


@pytest.mark.parametrize("name", ["vector.v1.json", "vector.v2.json"])
def test_sealed_token_vectors(name: str) -> None:
    v = load_fixture(f"sealed-token/{name}")
    secrets = v.get("secretKeys") or [v["secretKey"]]
    hashes = v.get("secretHashes") or [v["secretHash"]]
    for secret in [*secrets, *hashes, *(h.upper() for h in hashes)]:
        token = foil.verify_foil_token(v["token"], secret)
        assert token.raw == v["payload"] and token.session_id == v["payload"]["session_id"]
        if foil_server is not None:
            assert_same(foil_server.verify_foil_token(v["token"], secret), token)
    result = foil.safe_verify_foil_token(v["token"], "sk_live_someone_else")
    assert not result.ok and isinstance(result.error, foil.FoilTokenVerificationError)


def test_sealed_token_invalid() -> None:
    v = load_fixture("sealed-token/invalid.json")
    with pytest.raises(foil.FoilTokenVerificationError) as info:
        foil.verify_foil_token(v["token"], "sk_live_fixture_secret")
    assert v["reason"] in info.value.code


# ---- API fixtures through a canned server

class _Canned(http.server.BaseHTTPRequestHandler):
    routes: list[tuple[str, re.Pattern[str], int, bytes | None]] = []

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        path = self.path.split("?")[0]
        for method, pattern, status, body in self.routes:
            if method == self.command and pattern.fullmatch(path):
                self.send_response(status)
                self.send_header("x-request-id", "req_0123456789abcdef0123456789abcdef")
                if body is not None:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")
                return
        self.send_response(599)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_PATCH = do_DELETE = _answer

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def canned() -> Iterator[Callable[[str, str, str, int], str]]:
    """serve(method, path_regex, fixture, status) -> base URL; routes are replaced each call."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Canned)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"

    def serve(method: str, path: str, fixture: str | None, status: int) -> str:
        body = None if fixture is None else (spec_dir() / "fixtures" / fixture).read_bytes()
        _Canned.routes = [(method, re.compile(path), status, body)]
        return base

    yield serve
    server.shutdown()


# fixture -> (method, path regex, call on a client, drop-in comparable with foil-server 0.3.1)
_SID, _ORG, _KEY = "sid_x", "org_x", "key_x"
_DELIVERY = {"version": 1, "algorithm": "x25519-hkdf-sha256/aes-256-gcm",
             "key_id": "LyGqfpvB0SCaX4P0inVpMJTAjCNJVWq_3OE87it2ZYo",
             "public_key": "bn6szfMIS-7pLl01PqvssrrGRoW1SVTkUuqeg0hfrW0"}
API_CASES: dict[tuple[str, str], tuple[str, str, Callable[[Any], Any], bool]] = {
    ("api/sessions/list.json", "get"): ("GET", r"/v1/sessions", lambda c: c.sessions.list(), True),
    ("api/sessions/detail.json", "get"): ("GET", r"/v1/sessions/[^/]+", lambda c: c.sessions.get(_SID), True),
    ("api/sessions/detail.json", "patch"): (
        "PATCH", r"/v1/sessions/[^/]+", lambda c: c.sessions.attach_client_user(_SID, "u"), True),
    ("api/fingerprints/list.json", "get"): ("GET", r"/v1/fingerprints", lambda c: c.fingerprints.list(), True),
    ("api/fingerprints/detail.json", "get"): (
        "GET", r"/v1/fingerprints/[^/]+", lambda c: c.fingerprints.get("vid_x"), True),
    ("api/organizations/organization.json", "get"): (
        "GET", r"/v1/organizations/[^/]+", lambda c: c.organizations.get(_ORG), True),
    ("api/organizations/organization-create.json", "post"): (
        "POST", r"/v1/organizations", lambda c: c.organizations.create(name="Acme", slug="acme"), True),
    ("api/organizations/organization-update.json", "patch"): (
        "PATCH", r"/v1/organizations/[^/]+", lambda c: c.organizations.update(_ORG, name="N"), True),
    ("api/organizations/api-key-create.json", "post"): (
        "POST", r"/v1/organizations/[^/]+/api-keys",
        lambda c: c.organizations.api_keys.create(_ORG, name="k", type="secret", scopes=["*"]), True),
    ("api/organizations/api-key-list.json", "get"): (
        "GET", r"/v1/organizations/[^/]+/api-keys", lambda c: c.organizations.api_keys.list(_ORG), True),
    ("api/organizations/api-key-rotate.json", "post"): (
        "POST", r"/v1/organizations/[^/]+/api-keys/[^/]+/rotations",
        lambda c: c.organizations.api_keys.rotate(_ORG, _KEY), True),
    ("api/organizations/api-key-revoke.json", "delete"): (
        "DELETE", r"/v1/organizations/[^/]+/api-keys/[^/]+", lambda c: c.organizations.api_keys.revoke(_ORG, _KEY), True),
    ("api/organizations/api-key-update.json", "patch"): (
        "PATCH", r"/v1/organizations/[^/]+/api-keys/[^/]+",
        lambda c: c.organizations.api_keys.update(_ORG, _KEY, name="n"), True),
    ("api/gate/registry-list.json", "get"): ("GET", r"/v1/gate/registry", lambda c: c.gate.registry.list(), False),
    ("api/gate/registry-detail.json", "get"): (
        "GET", r"/v1/gate/registry/[^/]+", lambda c: c.gate.registry.get("foil"), False),
    ("api/gate/services-list.json", "get"): ("GET", r"/v1/gate/services", lambda c: c.gate.services.list(), False),
    ("api/gate/service-detail.json", "get"): (
        "GET", r"/v1/gate/services/[^/]+", lambda c: c.gate.services.get("acme"), False),
    ("api/gate/service-create.json", "post"): (
        "POST", r"/v1/gate/services",
        lambda c: c.gate.services.create(id="acme", name="Acme", description="d", website="https://acme.example",
                                         webhook_endpoint_id="we_0123456789abcdef0123456789abcdef"), False),
    ("api/gate/service-update.json", "patch"): (
        "PATCH", r"/v1/gate/services/[^/]+", lambda c: c.gate.services.update("acme", name="A"), False),
    ("api/gate/service-disable.json", "delete"): (
        "DELETE", r"/v1/gate/services/[^/]+", lambda c: c.gate.services.disable("acme"), False),
    ("api/gate/session-create.json", "post"): (
        "POST", r"/v1/gate/sessions",
        lambda c: c.gate.sessions.create(service_id="foil", account_name="a", delivery=_DELIVERY), False),
    ("api/gate/session-poll.json", "get"): (
        "GET", r"/v1/gate/sessions/[^/]+", lambda c: c.gate.sessions.poll("gate_x", poll_token="gtpoll_x"), False),
    ("api/gate/session-ack.json", "post"): (
        "POST", r"/v1/gate/sessions/[^/]+/ack",
        lambda c: c.gate.sessions.acknowledge("gate_x", poll_token="gtpoll_x", ack_token="gtack_x"), False),
    ("api/gate/login-session-create.json", "post"): (
        "POST", r"/v1/gate/login-sessions",
        lambda c: c.gate.login_sessions.create(service_id="foil", agent_token="agt_x"), False),
    ("api/gate/login-session-consume.json", "post"): (
        "POST", r"/v1/gate/login-sessions/consume", lambda c: c.gate.login_sessions.consume(code="482931"), False),
    ("api/gate/agent-token-verify.json", "post"): (
        "POST", r"/v1/gate/agent-tokens/verify", lambda c: c.gate.agent_tokens.verify(agent_token="agt_x"), False),
    ("api/gate/agent-token-revoke.json", "post"): (
        "POST", r"/v1/gate/agent-tokens/revoke", lambda c: c.gate.agent_tokens.revoke(agent_token="agt_x"), False),
}


def _manifest() -> list[dict[str, Any]]:
    path = spec_dir() / "fixtures" / "manifest.json"
    if not path.is_file():
        return []
    return list(json.loads(path.read_text())["fixtures"])


def test_manifest_is_covered() -> None:
    entries = _manifest()
    if not entries:
        pytest.skip(f"foil-spec manifest not found under {spec_dir()} (set FOIL_SPEC_DIR)")
    for entry in entries:
        if entry["file"].startswith("api/"):
            assert (entry["file"], entry["method"]) in API_CASES, f"no test for {entry}"


@pytest.mark.parametrize("entry", _manifest() or [None], ids=lambda e: e and f"{e['method']}:{e['file']}")
def test_api_fixture(entry: dict[str, Any] | None, canned: Callable[..., str]) -> None:
    if entry is None:
        pytest.skip(f"foil-spec manifest not found under {spec_dir()} (set FOIL_SPEC_DIR)")
    status = int(entry["status"])
    no_body = entry.get("body") == "none"
    fixture = json.loads((spec_dir() / "fixtures" / entry["file"]).read_text())
    if entry["file"].startswith("errors/"):
        base = canned("GET", r"/v1/sessions(/[^/]+)?", entry["file"], status)
        call: Callable[[Any], Any] = (lambda c: c.sessions.get(_SID)) if "{sessionId}" in entry["path"] \
            else (lambda c: c.sessions.list())
        with foil.Foil(secret_key="sk_test_x", base_url=base) as c, pytest.raises(foil.FoilApiError) as ours:
            call(c)
        e = ours.value
        assert (e.status, e.code, e.message) == (status, fixture["error"]["code"], fixture["error"]["message"])
        assert e.body == fixture and e.request_id == "req_0123456789abcdef0123456789abcdef"
        if foil_server is not None:
            with foil_server.Foil(secret_key="sk_test_x", base_url=base) as o, \
                    pytest.raises(foil_server.FoilApiError) as theirs:
                call(o)
            t = theirs.value
            assert (t.status, t.code, t.message, t.request_id, t.field_errors, t.docs_url, t.body) == \
                (e.status, e.code, e.message, e.request_id, e.field_errors, e.docs_url, e.body)
        return
    method, path, call, comparable = API_CASES[(entry["file"], entry["method"])]
    base = canned(method, path, None if no_body else entry["file"], status)
    with foil.Foil(secret_key="sk_test_x", base_url=base) as c:
        ours = call(c)
    if no_body:
        assert ours is None
        return
    data = fixture["data"]
    if isinstance(ours, foil.ListResult):
        assert [item.to_dict() for item in ours.items] == data
        assert ours.limit == fixture["pagination"]["limit"] and ours.has_more == fixture["pagination"]["has_more"]
    elif isinstance(ours, list):
        assert [item.to_dict() for item in ours] == data
    else:
        assert ours.to_dict() == data
        for name in type(ours)._field_names:
            getattr(ours, name)
    if comparable and foil_server is not None:
        with foil_server.Foil(secret_key="sk_test_x", base_url=base) as o:
            theirs = call(o)
        if isinstance(ours, foil.ListResult):
            assert_same_list(theirs, ours)
        else:
            assert_same(theirs, ours)
