"""Creating and dropping clients, iterators and signups many times keeps memory flat."""

from __future__ import annotations

import gc
import os
from typing import Callable

import foil
from foil import native
from foil.testing import Emulator


def _rss_kib() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)


def _flat(step: Callable[[int], None], n: int, slack_kib: int = 6 * 1024) -> None:
    for i in range(n // 10):  # warm-up: allocator pools, caches
        step(i)
    gc.collect()
    before = _rss_kib()
    for i in range(n):
        step(i)
    gc.collect()
    grown = _rss_kib() - before
    assert grown < slack_kib, f"RSS grew by {grown} KiB over {n} iterations"


def test_clients(emulator: Emulator) -> None:
    def step(_: int) -> None:
        with foil.Foil(secret_key="sk_test_x", base_url=emulator.base_url, timeout=5, proxy=None):
            pass
    _flat(step, 100_000)


def test_iterators_and_handles(client: foil.Foil) -> None:
    handle = client._handle()

    def step(_: int) -> None:
        it = native.sessions_iter(handle, 10, None, None)
        del it
        gen = client.sessions.iter(limit=10)
        del gen
    _flat(step, 100_000)


def test_signups_resume_and_errors(client: foil.Foil) -> None:
    saved = client.gate.signup("foil").export()

    def step(_: int) -> None:
        with foil.GateSignup.resume(client, saved) as signup:
            signup.consent_url
        try:
            foil.import_delivery_private_key_pkcs8("not a key")
        except ValueError:
            pass
    _flat(step, 100_000)


def test_network_paths(client: foil.Foil) -> None:
    def step(i: int) -> None:
        page = client.sessions.list(limit=20)
        page.items[i % 20].latest_decision.verdict
        with client.gate.signup("foil"):
            pass
        try:
            client.sessions.get("sid_missing")
        except foil.FoilNotFoundError:
            pass
    _flat(step, 3_000)
