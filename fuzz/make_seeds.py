#!/usr/bin/env python3
"""Regenerate the fuzzers' seed corpora (fuzz/corpus/<harness>/) from a live foil-emulator.

Usage: fuzz/make_seeds.py BUILD_DIR [HARNESS...]   (BUILD_DIR holds emulator/foil-emulator;
       HARNESS: "parsers" for the first five below, "complete" for fuzz_complete; default both)

Seeds are real emulator traffic, so each harness starts past its parser: response bodies
and error envelopes (json_arena, error_envelope), webhook events (webhook_event), sealed
tokens minted for the harness's secret (sealed_token), and Gate delivery envelopes
encrypted to the harness's fixed key pair (delivery_envelope); whole HTTP answers (status,
X-Request-Id, Retry-After, body) in fuzz_complete's framing for the operations it completes
and for a Gate signup (complete). Standard library only (and `cryptography` for the key).
"""
import base64
import hashlib
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")
# The harnesses' fixed inputs (fuzz_sealed_token.c, fuzz_delivery_envelope.c).
TOKEN_SECRET = "sk_live_fixture_secret"
# fuzz_delivery_envelope.c's fixed key pair (the spec's public
# golden-vector key: not a secret); its public key is derived at run time.
VECTOR_PKCS8 = "MC4CAQAwBQYDK2VuBCIEIL8KtbBiPaNXyTYwgHfrxlH5RQkpHQ41rwkX77or4_eV"


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def public_key_of(pkcs8_b64url: str) -> bytes:
    from cryptography.hazmat.primitives import serialization

    der = base64.urlsafe_b64decode(pkcs8_b64url + "=" * (-len(pkcs8_b64url) % 4))
    key = serialization.load_der_private_key(der, password=None)
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


class Emulator:
    def __init__(self, build: str) -> None:
        exe = os.path.join(build, "emulator", "foil-emulator")
        self.proc = subprocess.Popen([exe, "--json"], stdout=subprocess.PIPE, text=True)
        info = json.loads(self.proc.stdout.readline())
        self.base, self.key = info["base_url"], info["secret_key"]

    def call(self, method: str, path: str, body=None, token: str | None = "secret"):
        status, _, data = self.exchange(method, path, body, token)
        return status, data

    def exchange(self, method: str, path: str, body=None, token: str | None = "secret"):
        """status, headers, body"""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", "Bearer " + (self.key if token == "secret" else token))
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def save(harness: str, name: str, data: bytes) -> None:
    d = os.path.join(CORPUS, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def open_envelope(envelope: dict) -> dict:
    """The payload of a Gate delivery envelope sealed to the fixed key pair."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    def raw(field: str) -> bytes:
        v = envelope[field]
        return base64.urlsafe_b64decode(v + "=" * (-len(v) % 4))

    der = base64.urlsafe_b64decode(VECTOR_PKCS8 + "=" * (-len(VECTOR_PKCS8) % 4))
    key = serialization.load_der_private_key(der, password=None)
    shared = key.exchange(X25519PublicKey.from_public_bytes(raw("ephemeral_public_key")))
    aead = HKDF(hashes.SHA256(), 32, raw("salt"), b"foil-gate-delivery:v1").derive(shared)
    return json.loads(AESGCM(aead).decrypt(raw("iv"), raw("ciphertext") + raw("tag"), None))


def delivery_request() -> dict:
    """A Gate delivery request for the fixed key pair (its public key; never a secret)."""
    pub = public_key_of(VECTOR_PKCS8)
    return {"version": 1, "algorithm": "x25519-hkdf-sha256/aes-256-gcm",
            "key_id": b64url(hashlib.sha256(pub).digest()), "public_key": b64url(pub)}


def seed_parsers(emu: Emulator) -> None:
    ok = {}
    for name, path in [("sessions", "/v1/sessions?limit=3"), ("fingerprints", "/v1/fingerprints?limit=2"),
                       ("registry", "/v1/gate/registry"), ("services", "/v1/gate/services")]:
        status, body = emu.call("GET", path, token="secret" if name != "registry" else None)
        assert status == 200, (path, status, body)
        ok[name] = json.loads(body)
        save("json_arena", name + ".json", body)
    sid = ok["sessions"]["data"][0]["id"]
    status, body = emu.call("GET", "/v1/sessions/" + sid)
    save("json_arena", "session_detail.json", body)

    # Error envelopes: 404, 422 with field errors, 401.
    for name, (method, path, payload, token) in {
        "not_found": ("GET", "/v1/sessions/sess_missing", None, "secret"),
        "validation": ("GET", "/v1/sessions?limit=999", None, "secret"),
        "unauthorized": ("GET", "/v1/sessions", None, "sk_test_wrong"),
        "bad_body": ("POST", "/v1/organizations", {"name": 5}, "secret"),
    }.items():
        status, body = emu.call(method, path, payload, token)
        assert status >= 400, (name, status)
        save("error_envelope", name + ".json", body)
        save("json_arena", "error_" + name + ".json", body)

    # Webhook events: an organization, an endpoint, a test delivery, its events.
    status, body = emu.call("POST", "/v1/organizations", {"name": "Fuzz Seeds", "slug": "fuzz-seeds"})
    org = json.loads(body)["data"]["id"]
    status, body = emu.call("POST", f"/v1/organizations/{org}/webhooks/endpoints",
                            {"name": "seeds", "url": "https://example.com/hook",
                             "event_types": ["session.result.persisted", "gate.session.approved"]})
    endpoint = json.loads(body)["data"]["id"]
    emu.call("POST", f"/v1/organizations/{org}/webhooks/endpoints/{endpoint}/test", {})
    status, body = emu.call("GET", f"/v1/organizations/{org}/events?limit=5")
    for i, event in enumerate(json.loads(body)["data"]):
        save("webhook_event", f"event{i}.json", json.dumps(event).encode())

    # Sealed tokens for the harness's secret, versions 1 and 2.
    for version in (1, 2):
        status, body = emu.call("POST", f"/_emulator/sessions/{sid}/sealed-token",
                                {"version": version, "secrets": [TOKEN_SECRET]}, token=None)
        assert status == 200, body
        save("sealed_token", f"v{version}.txt", json.loads(body)["data"]["sealed_token"].encode())

    # Plaintext seeds for the harnesses' sealing mode (a leading NUL byte; for tokens the
    # next byte asks for deflate): a verification payload built from a seeded session,
    # and a delivery payload.
    detail = json.loads(emu.call("GET", "/v1/sessions/" + sid)[1])["data"]
    verification = {"object": "session_verification", "session_id": sid,
                    "decision": detail.get("latest_decision") or detail.get("decision"),
                    "visitor_fingerprint": detail.get("visitor_fingerprint")}
    save("sealed_token", "sealed_payload.bin", b"\x00\x01" + json.dumps(verification).encode())
    save("delivery_envelope", "sealed_payload.bin",
         b"\x00" + json.dumps({"version": 1, "outputs": {"ACME_API_KEY": "ak_seed", "ACME_URL": "https://acme.test"},
                               "ack_token": "gtack_seed"}).encode())

    # Gate delivery envelopes encrypted to the harness's key pair.
    delivery = delivery_request()
    status, body = emu.call("POST", "/v1/gate/sessions",
                            {"service_id": "foil", "account_name": "seeds", "delivery": delivery}, token=None)
    assert status in (200, 201), body
    created = json.loads(body)["data"]
    emu.call("POST", f"/_emulator/gate/sessions/{created['id']}/approve", {}, token=None)
    status, body = emu.call("GET", f"/v1/gate/sessions/{created['id']}", token=created["poll_token"])
    polled = json.loads(body)["data"]
    save("json_arena", "gate_poll.json", body)
    for part in ("integrator", "gate"):
        save("delivery_envelope", part + ".json", json.dumps(polled["delivery_bundle"][part]).encode())


# fuzz_complete.c's first byte: what answers the responses (its OPERATIONS table, then the
# Gate signup fed step by step); the top bit picks the client whose cap is 512 bytes.
COMPLETE_OPS = ["sessions.list", "sessions.get", "organizations.api_keys.create",
                "webhooks.create_endpoint", "gate.sessions.create", "gate.sessions.poll",
                "gate.agent_tokens.revoke", "organizations.api_keys.list", "gate.signup",
                "gate.resumed"]
SEPARATOR = b"\n=====\n"


def framed(answer) -> bytes:
    """One answer in fuzz_complete's framing: status, the headers it reads, body."""
    status, headers, body = answer
    lines = b""
    for name in ("X-Request-Id", "Retry-After"):
        if headers.get(name) is not None:
            lines += f"{name}: {headers[name]}\n".encode()
    return status.to_bytes(2, "big") + lines + b"\n" + body


def save_complete(name: str, op: str, *answers, capped: bool = False) -> None:
    choice = COMPLETE_OPS.index(op) | (0x80 if capped else 0)
    save("complete", name, bytes([choice]) + SEPARATOR.join(framed(a) for a in answers))


def seed_complete(emu: Emulator) -> None:
    status, body = emu.call("POST", "/v1/organizations", {"name": "Complete Seeds", "slug": "complete-seeds"})
    org = json.loads(body)["data"]["id"]
    listed = emu.exchange("GET", "/v1/sessions?limit=3&verdict=bot")
    save_complete("list.bin", "sessions.list", listed)
    save_complete("list_capped.bin", "sessions.list", listed, capped=True)
    sid = json.loads(listed[2])["data"][0]["id"]
    save_complete("get.bin", "sessions.get", emu.exchange("GET", "/v1/sessions/" + sid))
    save_complete("get_404.bin", "sessions.get", emu.exchange("GET", "/v1/sessions/sess_missing"))
    emu.call("POST", "/_emulator/faults", {"method": "GET", "path_prefix": "/v1/sessions",
                                           "count": 1, "kind": "status", "status": 429}, token=None)
    save_complete("list_429.bin", "sessions.list", emu.exchange("GET", "/v1/sessions?limit=3"))
    emu.call("POST", "/_emulator/faults", {"method": "GET", "path_prefix": "/v1/sessions",
                                           "count": 1, "kind": "status", "status": 503}, token=None)
    save_complete("get_503.bin", "sessions.get", emu.exchange("GET", "/v1/sessions/" + sid))
    emu.call("DELETE", "/_emulator/faults", token=None)
    key = emu.exchange("POST", f"/v1/organizations/{org}/api-keys",
                       {"name": "seed", "type": "secret", "scopes": ["fingerprints:list"]})
    assert key[0] == 201, key
    save_complete("api_key_create.bin", "organizations.api_keys.create", key)
    save_complete("api_key_create_422.bin", "organizations.api_keys.create",
                  emu.exchange("POST", f"/v1/organizations/{org}/api-keys", {"name": 5}))
    save_complete("api_key_list.bin", "organizations.api_keys.list",
                  emu.exchange("GET", f"/v1/organizations/{org}/api-keys?limit=2"))
    endpoint = emu.exchange("POST", f"/v1/organizations/{org}/webhooks/endpoints",
                            {"name": "seed", "url": "https://example.com/hook",
                             "event_types": ["gate.session.approved"]})
    save_complete("endpoint_create.bin", "webhooks.create_endpoint", endpoint)
    created = emu.exchange("POST", "/v1/gate/sessions", {"service_id": "foil", "account_name": "seed",
                                                         "delivery": delivery_request()}, token=None)
    assert created[0] in (200, 201), created
    save_complete("gate_create.bin", "gate.sessions.create", created)
    gs = json.loads(created[2])["data"]
    pending = emu.exchange("GET", f"/v1/gate/sessions/{gs['id']}", token=gs["poll_token"])
    save_complete("gate_poll_pending.bin", "gate.sessions.poll", pending)
    emu.call("POST", f"/_emulator/gate/sessions/{gs['id']}/approve", {}, token=None)
    approved = emu.exchange("GET", f"/v1/gate/sessions/{gs['id']}", token=gs["poll_token"])
    save_complete("gate_poll_approved.bin", "gate.sessions.poll", approved)
    save_complete("gate_signup.bin", "gate.signup", created, pending, approved)
    # The same session resumed from the harness's export: the approved delivery opens
    # there, then the ack (its token sealed in the gate envelope) is answered.
    ack_token = open_envelope(json.loads(approved[2])["data"]["delivery_bundle"]["gate"])["ack_token"]
    acked = emu.exchange("POST", f"/v1/gate/sessions/{gs['id']}/ack", {"ack_token": ack_token},
                         token=gs["poll_token"])
    save_complete("gate_resumed.bin", "gate.resumed", pending, approved, acked)
    save_complete("gate_signup_401.bin", "gate.signup", created,
                  emu.exchange("GET", f"/v1/gate/sessions/{gs['id']}", token="gtpoll_wrong"))
    revoked = emu.exchange("POST", "/v1/gate/agent-tokens/revoke", {"agent_token": "agt_wrong"})
    save_complete("revoke_404.bin", "gate.agent_tokens.revoke", revoked)
    # The emulator answers a revoke with 204 only for an agent token sealed in a Gate
    # delivery (which takes the delivery key to open): this one keeps a real answer's
    # request id and drops its body.
    save_complete("revoke_204.bin", "gate.agent_tokens.revoke", (204, revoked[1], b""))


def main() -> None:
    emu = Emulator(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build"))
    wanted = sys.argv[2:] or ["parsers", "complete"]
    try:
        if "parsers" in wanted:
            seed_parsers(emu)
        if "complete" in wanted:
            seed_complete(emu)
    finally:
        emu.close()


if __name__ == "__main__":
    main()
