"""Gate signup cycles per second: create (fresh key pair), approve through the emulator,
poll, decrypt both envelopes, ack. Same steps, service and emulator build as c_signup.

    python bench/signup.py --emulator-lib build-bench/bench/libfoil_bench_emulator.so

The emulator runs in this process (loaded with ctypes) because approval is a call on its C
API; its HTTP threads never take the GIL. Both implementations use the official low-level
calls (gate.sessions.create / poll / acknowledge, create_delivery_key_pair,
decrypt_gate_delivery_envelope); foil-server is 0.2.5, the last official release with Gate.
foil's high-level client.gate.signup() runs too. All three alternate round by round in this
one process, so machine noise hits them alike; the ratio is the median of per-round ratios.

The approval is the emulator's work (two envelopes sealed: four X25519 operations), done here
in the client's thread only because the emulator is in-process; against Foil it happens on
the server when a person approves. Its time is also measured, so each cycle is reported twice:
whole, and the client's share (the cycle without the approval call).
"""
from __future__ import annotations

import argparse
import ctypes
import dataclasses

import benchlib


class Emulator:
    def __init__(self, library: str) -> None:
        self._lib = ctypes.CDLL(library)
        self._lib.bench_emulator_start.restype = ctypes.c_void_p
        self._lib.bench_emulator_base_url.restype = ctypes.c_char_p
        self._lib.bench_emulator_base_url.argtypes = [ctypes.c_void_p]
        self._lib.bench_emulator_approve.restype = ctypes.c_int
        self._lib.bench_emulator_approve.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        self._lib.bench_emulator_stop.argtypes = [ctypes.c_void_p]
        self.approve_seconds = 0.0  # time spent in approve() since the last reset
        self._handle = self._lib.bench_emulator_start()
        if not self._handle:
            raise SystemExit("the embedded emulator did not start")
        self.base_url = self._lib.bench_emulator_base_url(self._handle).decode()

    def approve(self, gate_session_id: str) -> None:
        t0 = benchlib.now()
        status = self._lib.bench_emulator_approve(self._handle, gate_session_id.encode())
        self.approve_seconds += benchlib.now() - t0
        if status != 0:
            raise SystemExit(f"approve failed with foil status {status}")

    def stop(self) -> None:
        self._lib.bench_emulator_stop(self._handle)


def as_dict(value):
    return dataclasses.asdict(value) if dataclasses.is_dataclass(value) else value


def make_cycle(sdk, client, emulator: Emulator):
    sessions = client.gate.sessions

    def cycle() -> None:
        pair = sdk.create_delivery_key_pair()
        created = sessions.create(service_id="bench", account_name="bench-signup", delivery=as_dict(pair.delivery))
        emulator.approve(created.id)
        polled = sessions.poll(created.id, poll_token=created.poll_token)
        bundle = polled.delivery_bundle
        if polled.status != "approved" or bundle is None:
            raise SystemExit("the poll after approval did not deliver")
        integrator = sdk.decrypt_gate_delivery_envelope(pair.private_key, bundle.integrator)
        gate = sdk.decrypt_gate_delivery_envelope(pair.private_key, bundle.gate)
        if "BENCH_API_KEY" not in integrator.outputs or not gate.ack_token:
            raise SystemExit("the envelopes did not hold the expected outputs")
        sessions.acknowledge(created.id, poll_token=created.poll_token, ack_token=gate.ack_token)

    return cycle


def make_signup_cycle(client, emulator: Emulator):
    """foil's high-level GateSignup (libfoil's foil_gate_session_t, as c_signup uses)."""

    def cycle() -> None:
        with client.gate.signup("bench", account_name="bench-signup") as signup:
            emulator.approve(signup.id)
            if signup.poll() != "approved" or "BENCH_API_KEY" not in signup.outputs:
                raise SystemExit("the poll after approval did not deliver")
            signup.ack()

    return cycle


IMPLS = ("foil", "foil-signup", "foil-server")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--emulator-lib", required=True)
    parser.add_argument("--cycles", type=int, default=100, help="cycles per round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    import foil

    official = benchlib.import_foil_server(gate=True)
    emulator = Emulator(args.emulator_lib)
    clients = {impl: (foil if impl != "foil-server" else official).Foil(
        secret_key="sk_unused_by_gate", base_url=emulator.base_url) for impl in IMPLS}
    cycles = {
        "foil": make_cycle(foil, clients["foil"], emulator),
        "foil-signup": make_signup_cycle(clients["foil-signup"], emulator),
        "foil-server": make_cycle(official, clients["foil-server"], emulator),
    }
    rates: dict[str, list[float]] = {impl: [] for impl in IMPLS}
    client_rates: dict[str, list[float]] = {impl: [] for impl in IMPLS}
    for i in range(args.rounds):  # implementations alternate round by round, order rotating
        order = IMPLS[i % len(IMPLS):] + IMPLS[: i % len(IMPLS)]
        for impl in order:
            cycles[impl]()  # warm-up
            emulator.approve_seconds = 0.0
            t0 = benchlib.now()
            for _ in range(args.cycles):
                cycles[impl]()
            wall = benchlib.now() - t0
            rates[impl].append(args.cycles / wall)
            client_rates[impl].append(args.cycles / (wall - emulator.approve_seconds))
    for client in clients.values():
        client.close()
    emulator.stop()
    ratio = [f / o for f, o in zip(rates["foil"], rates["foil-server"])]
    client_ratio = [f / o for f, o in zip(client_rates["foil"], client_rates["foil-server"])]
    benchlib.emit(
        {
            "benchmark": "signup",
            "versions": {"foil": benchlib.sdk_version(foil), "foil-server": benchlib.sdk_version(official)},
            "cycles": args.cycles,
            "rounds": args.rounds,
            "cycles_per_s": {impl: benchlib.median(r) for impl, r in rates.items()},
            "ratio_foil_vs_foil_server": benchlib.median(ratio),
            "client_cycles_per_s": {impl: benchlib.median(r) for impl, r in client_rates.items()},
            "client_ratio_foil_vs_foil_server": benchlib.median(client_ratio),
            "rates": rates,
        }
    )


if __name__ == "__main__":
    main()
