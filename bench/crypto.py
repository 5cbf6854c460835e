"""Crypto helpers, ops/s: Gate envelope decrypt and sealed-token verify (v1 and v2), foil
against foil-server, on the official golden vectors (read in place from the spec checkout).

    python bench/crypto.py [--count N] [--rounds N]

Both implementations run in this one process and alternate round by round, so machine
noise hits both alike; the ratio is the median of the per-round ratios. The envelope
baseline is foil-server 0.2.5 (the last official release with the delivery crypto); the
token baseline is the venv's current foil-server.
"""
from __future__ import annotations

import argparse

import benchlib


def envelope_ops(sdk):
    vector = benchlib.load_fixture("gate-delivery/vector.v1.json")
    key = sdk.import_delivery_private_key_pkcs8(vector["private_key_pkcs8"])
    envelope = vector["envelope"]
    expected = vector["payload"]["outputs"]

    def op() -> None:
        payload = sdk.decrypt_gate_delivery_envelope(key, envelope)
        if payload.outputs != expected:
            raise SystemExit("envelope decrypted to the wrong outputs")

    return op


def token_ops(sdk, version: int):
    vector = benchlib.load_fixture(f"sealed-token/vector.v{version}.json")
    token = vector["token"]
    secret = vector["secretKeys"][0] if "secretKeys" in vector else vector["secretKey"]
    session_id = vector["payload"]["session_id"]

    def op() -> None:
        verified = sdk.verify_foil_token(token, secret)
        if verified.session_id != session_id:
            raise SystemExit("token verified to the wrong session")

    return op


def compare(name: str, foil_op, official_op, count: int, rounds: int) -> dict:
    foil_rates, official_rates, ratios = [], [], []
    for i in range(rounds):
        pair = [(foil_op, foil_rates), (official_op, official_rates)]
        for op, rates in pair if i % 2 == 0 else reversed(pair):
            rates.append(benchlib.rounds_rate(op, count, 1)[0])
        ratios.append(foil_rates[-1] / official_rates[-1])
    return {
        "name": name,
        "count": count,
        "rounds": rounds,
        "foil_ops_per_s": benchlib.median(foil_rates),
        "foil_server_ops_per_s": benchlib.median(official_rates),
        "ratio": benchlib.median(ratios),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    import foil

    # The current SDK first: tokens. Then swap in 0.2.5 for the envelope.
    official = benchlib.import_foil_server()
    token_version = benchlib.sdk_version(official)
    results = [
        compare(f"token_v{v}", token_ops(foil, v), token_ops(official, v), args.count, args.rounds)
        for v in (1, 2)
    ]
    import sys

    for name in [m for m in sys.modules if m == "foil_server" or m.startswith("foil_server.")]:
        del sys.modules[name]
    gate_sdk = benchlib.import_foil_server(gate=True)
    results.insert(
        0, compare("envelope_decrypt", envelope_ops(foil), envelope_ops(gate_sdk), args.count, args.rounds)
    )
    benchlib.emit(
        {
            "benchmark": "crypto",
            "foil_version": benchlib.sdk_version(foil),
            "foil_server_versions": {"tokens": token_version, "envelope": benchlib.sdk_version(gate_sdk)},
            "results": results,
        }
    )


if __name__ == "__main__":
    main()
