#!/usr/bin/env python3
"""Regenerate the fuzzers' seed corpora (fuzz/corpus/<harness>/) from a live foil-emulator.

Usage: fuzz/make_seeds.py BUILD_DIR   (BUILD_DIR holds emulator/foil-emulator)

Seeds are real emulator traffic, so each harness starts past its parser: response bodies
and error envelopes (json_arena, error_envelope), webhook events (webhook_event), sealed
tokens minted for the harness's secret (sealed_token), and Gate delivery envelopes
encrypted to the harness's fixed key pair (delivery_envelope). Standard library only.
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
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", "Bearer " + (self.key if token == "secret" else token))
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def save(harness: str, name: str, data: bytes) -> None:
    d = os.path.join(CORPUS, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def main() -> None:
    emu = Emulator(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build"))
    try:
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
        pub = public_key_of(VECTOR_PKCS8)
        delivery = {"version": 1, "algorithm": "x25519-hkdf-sha256/aes-256-gcm",
                    "key_id": b64url(hashlib.sha256(pub).digest()), "public_key": b64url(pub)}
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
    finally:
        emu.close()


if __name__ == "__main__":
    main()
