"""Every object the package hands out may be used from several threads at once: its calls
take turns or are refused with a typed error, never a crash, and closing it under another
thread's call frees it only once that call returns."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

import pytest

import foil
from foil import native
from foil.testing import Emulator

THREADS = 4


def _together(work: Callable[[int], Any], threads: int = THREADS) -> list[Any]:
    """work(i) on `threads` threads released at once; their results (or raised errors)."""
    start = threading.Barrier(threads)

    def run(i: int) -> Any:
        start.wait()
        return work(i)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return [f.result() for f in [pool.submit(run, i) for i in range(threads)]]


def test_signup_shared_by_threads(client: foil.Foil, emulator: Emulator) -> None:
    signup = client.gate.signup("foil")
    approved = threading.Event()

    def work(i: int) -> dict[str, str]:
        for _ in range(100):  # pending: each call polls the emulator with the GIL released
            assert signup.poll() in ("pending", "approved")
            assert signup.status in ("pending", "approved")
            data = signup.poll_data
            assert data is None or data["status"] in ("pending", "approved")
            assert signup.docs_url is None or signup.docs_url.startswith("http")
            assert signup.export()
        if i == 0:
            emulator.approve(signup.id)
            approved.set()
        approved.wait(10)
        return signup.wait(timeout=10, interval=0.005, on_status=lambda status, left: signup.outputs)

    outputs = _together(work)
    assert outputs[0]["FOIL_SECRET_KEY"] and all(o == outputs[0] for o in outputs)
    acks = _together(lambda i: _outcome(signup.ack))
    assert acks.count(None) >= 1  # one ack lands; a later one is a typed answer or lands too
    assert all(a is None or isinstance(a, foil.FoilError) for a in acks)
    assert signup.status == "acknowledged"


def _outcome(call: Callable[[], Any]) -> BaseException | None:
    try:
        call()
        return None
    except foil.FoilError as e:
        return e


def test_close_while_another_thread_waits(client: foil.Foil) -> None:
    signup = client.gate.signup("foil")
    outcome: list[BaseException | None] = []

    def wait() -> None:
        outcome.append(_outcome(lambda: signup.wait(timeout=10, interval=0.01)))

    waiter = threading.Thread(target=wait)
    started = time.monotonic()
    waiter.start()
    time.sleep(0.2)
    signup.close()  # drops the handle; the waiting thread's call keeps it alive until it returns
    waiter.join(5)
    assert not waiter.is_alive() and time.monotonic() - started < 3
    assert isinstance(outcome[0], foil.FoilCancelledError)
    with pytest.raises(foil.FoilStateError):
        signup.poll()
    signup.close()


def test_exit_while_other_threads_poll(client: foil.Foil) -> None:
    """`with` ends (closing the signup) while other threads are in the middle of polls."""
    for _ in range(10):
        with client.gate.signup("foil") as signup:
            errors: list[BaseException | None] = []

            def poll_until_closed() -> None:
                while True:
                    e = _outcome(signup.poll)
                    if e is not None:
                        errors.append(e)
                        return

            threads = [threading.Thread(target=poll_until_closed) for _ in range(THREADS)]
            for t in threads:
                t.start()
            time.sleep(0.05)
        for t in threads:
            t.join(5)
        assert all(isinstance(e, foil.FoilStateError) for e in errors) and len(errors) == THREADS


def test_iterator_shared_by_threads(client: foil.Foil) -> None:
    """One walk advanced by several threads: a generator refuses a second caller while the
    first is inside it (ValueError); each item comes out exactly once."""
    walk = client.sessions.iter(limit=7)

    def work(_: int) -> list[str]:
        ids = []
        while True:
            try:
                item = next(walk)
            except StopIteration:
                return ids
            except ValueError as e:  # "generator already executing": try again
                assert "already executing" in str(e)
                time.sleep(0)
                continue
            ids.append(item.id)

    seen = [sid for ids in _together(work) for sid in ids]
    assert len(seen) == 600 and len(set(seen)) == 600


def test_native_iterator_shared_by_threads(client: foil.Foil) -> None:
    """The core iterator itself (foil.native) lets threads take pages in turns."""
    it = native.sessions_iter(client._handle(), 7, None, None)

    def work(_: int) -> int:
        count = 0
        while True:
            page = native.iter_next_page(it)
            if page is None:
                return count
            count += len(native.py_page_views(page)[0])

    assert sum(_together(work)) == 600


def test_key_pair_shared_by_threads() -> None:
    pair = foil.create_delivery_key_pair()
    key = pair.private_key
    envelope = foil.encrypt_gate_delivery_payload(
        pair.delivery, {"version": 1, "outputs": {"API_KEY": "sk_value"}, "ack_token": "ack_x"})
    exported = key.export_pkcs8()

    def work(_: int) -> None:
        for _ in range(200):
            assert key.export_pkcs8() == exported and key.key_id and key.public_key
            assert foil.decrypt_gate_delivery_envelope(key, envelope).outputs == {"API_KEY": "sk_value"}

    _together(work)
    del pair, key  # the last reference may go on any thread: freed once, after every call


def test_results_pages_and_documents_shared_by_threads(client: foil.Foil, emulator: Emulator) -> None:
    """Plain data: read from every thread while the last reference to each goes away."""
    page = client.sessions.list(limit=20)
    one = client.sessions.get(emulator.session_id(0))
    token = foil.verify_foil_token(emulator.mint_sealed_token(emulator.session_id(0)),
                                   emulator.secret_key)
    copies: list[list[Any]] = [[page, one, token] for _ in range(THREADS)]
    del page, one, token

    def work(i: int) -> None:
        mine = copies[i]
        for _ in range(500):
            assert len(mine[0].items) == 20 and mine[0].items[3].id
            assert mine[1].id and mine[1].to_dict()["id"] == mine[1].id
            assert mine[2].to_dict()
        copies[i] = []  # the last thread to finish frees them, on its own thread

    _together(work)


def test_no_native_function_hands_out_a_borrowed_error() -> None:
    """A handle's last failure, as a native object, would dangle once the handle is freed
    or another thread's failing call replaces it: bindings raise from the call instead."""
    for name in ("gate_session_error", "gate_session_transient_error", "iter_error"):
        assert not hasattr(native, name), name


def test_signups_and_clients_refuse_copy_and_pickle(emulator: Emulator) -> None:
    """A copy of a signup would share its private key and outputs and keep them past close();
    a copy of a client would call through the original's namespaces. Both refuse, naming what
    to do instead, rather than failing on an internal lock or SWIG pointer."""
    import copy
    import pickle

    with emulator.client() as client:
        signup = client.gate.signup("foil")
        emulator.approve(signup.id)
        signup.wait(timeout=10)
        clients: list[object] = [client, emulator.async_client()]
        for obj in [signup, *clients]:
            for attempt in (copy.copy, copy.deepcopy, pickle.dumps):
                with pytest.raises(TypeError, match="cannot be copied or pickled; (use export|make a new)"):
                    attempt(obj)
        signup.close()
