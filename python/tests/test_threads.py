"""One client shared by 8 threads; the GIL is released during requests."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import foil
from foil.testing import Emulator


def test_eight_threads_share_one_client(client: foil.Foil) -> None:
    expected = [s.id for s in client.sessions.iter(limit=200)]

    def work(i: int) -> list[str]:
        ids = [s.id for s in client.sessions.iter(limit=50 + i)]
        detail = client.sessions.get(ids[i])
        assert detail.id == ids[i]
        try:
            client.sessions.get(f"sid_missing{i}")
        except foil.FoilNotFoundError as e:
            assert e.status == 404
        return ids

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(8)))
    assert all(r == expected for r in results)


def test_requests_run_in_parallel() -> None:
    with Emulator(threads=16) as emulator, emulator.client() as client:
        emulator.inject_fault("delay", path="/v1/sessions", delay_ms=300, count=8)
        start = time.monotonic()
        threads = [threading.Thread(target=client.sessions.list, kwargs={"limit": 1}) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        # Serialised by a held GIL this would take 8 x 0.3 s.
        assert time.monotonic() - start < 1.6


def test_close_while_other_threads_finish(emulator: Emulator) -> None:
    c = emulator.client()
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(20):
                c.sessions.list(limit=5)
        except foil.FoilStateError:
            pass
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    c.close()
    for t in threads:
        t.join()
    assert not errors
