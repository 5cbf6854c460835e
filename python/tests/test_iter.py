"""iter() walks through the core iterator (foil_iter_next_page): the same items with the next
page requested early (the default) or not, the same checks and errors as list(), and the same
cancel and Ctrl-C behaviour."""

from __future__ import annotations

import _thread
import gc
import threading
import time
from typing import Any, Iterator

import pytest

import foil
from foil.testing import Emulator


def _list_walk(client: foil.Foil, **kwargs: Any) -> list[str]:
    """Every id by following the cursor with list(), as iter() did before."""
    ids: list[str] = []
    cursor: str | None = None
    while True:
        page = client.sessions.list(cursor=cursor, **kwargs)
        ids += [s.id for s in page.items]
        if not page.has_more or not page.next_cursor:
            return ids
        cursor = page.next_cursor


@pytest.fixture()
def plain(emulator: Emulator) -> Iterator[foil.Foil]:
    with emulator.client(prefetch=False) as c:
        yield c


def test_prefetch_on_and_off_give_the_same_items(client: foil.Foil, plain: foil.Foil) -> None:
    for kwargs in ({"limit": 7}, {"limit": 200}, {}, {"limit": 13, "verdict": "human"},
                   {"limit": 5, "search": "sid_"}):
        expected = _list_walk(plain, **kwargs)
        assert [s.id for s in client.sessions.iter(**kwargs)] == expected, kwargs
        assert [s.id for s in plain.sessions.iter(**kwargs)] == expected, kwargs
    assert len([s.id for s in client.sessions.iter(limit=7)]) == 600
    fps = [f.id for f in client.fingerprints.iter(limit=17)]
    assert len(fps) == 130
    assert [f.id for f in plain.fingerprints.iter(limit=17)] == fps


def test_every_iter_method_walks_across_pages(client: foil.Foil, plain: foil.Foil, emulator: Emulator) -> None:
    org = emulator.organization_id
    for c in (client, plain):
        assert len(list(c.organizations.api_keys.iter(org, limit=1))) >= 1
        assert isinstance(list(c.webhooks.iter_endpoints(org, limit=1)), list)
        assert isinstance(list(c.webhooks.iter_events(org, limit=1)), list)
    first = list(client.sessions.iter(limit=3, verdict="bot"))
    assert first and all(s.latest_decision.verdict == "bot" for s in first)


def test_items_are_lazy_views_that_keep_their_page(client: foil.Foil) -> None:
    gen = client.sessions.iter(limit=4)
    items = [next(gen) for _ in range(6)]  # two pages
    gen.close()
    del gen
    gc.collect()
    assert [s.id for s in items] == _list_walk(client, limit=200)[:6]
    assert all(s.to_dict()["id"] == s.id for s in items)


def test_prefetch_must_be_a_bool(emulator: Emulator) -> None:
    for bad in (1, 0, "yes", None, 1.0, []):
        with pytest.raises(TypeError, match="prefetch"):
            emulator.client(prefetch=bad)
    with emulator.client(prefetch=True) as c:
        assert len(list(c.sessions.iter(limit=100))) == 600


def test_argument_checks_are_unchanged(client: foil.Foil) -> None:
    # Checked when iter() is called, as before.
    with pytest.raises(TypeError):
        client.sessions.iter(limit="10")  # type: ignore[arg-type]
    with pytest.raises(foil.FoilInvalidArgumentError):
        client.sessions.iter(limit=0)
    with pytest.raises(TypeError):
        client.sessions.iter(cursor="abc")  # type: ignore[call-arg]
    # Checked by the core at the first next(), as list() checks them.
    gen = client.sessions.iter(limit=500)
    with pytest.raises(foil.FoilInvalidArgumentError) as info:
        next(gen)
    with pytest.raises(foil.FoilInvalidArgumentError) as info_list:
        client.sessions.list(limit=500)
    assert info.value.code == info_list.value.code
    with pytest.raises(TypeError):
        next(client.sessions.iter(verdict=5))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        next(client.sessions.iter(search="a\x00b"))


def test_failures_raise_the_same_typed_errors_as_list(emulator: Emulator, plain: foil.Foil) -> None:
    for c in (emulator.client(), plain):
        with emulator.faults():
            emulator.inject_fault("status", path="/v1/sessions", status=404)
            with pytest.raises(foil.FoilNotFoundError) as info_list:
                c.sessions.list(limit=5)
            emulator.inject_fault("status", path="/v1/sessions", status=404)
            with pytest.raises(foil.FoilNotFoundError) as info_iter:
                list(c.sessions.iter(limit=5))
            assert info_iter.value.status == info_list.value.status == 404
            emulator.inject_fault("reset", path="/v1/sessions")
            with pytest.raises(foil.FoilConnectionError):
                list(c.sessions.iter(limit=5))
    # A failure mid-walk (deterministic without the page requested ahead).
    with emulator.faults():
        gen = plain.sessions.iter(limit=5)
        assert len([next(gen) for _ in range(5)]) == 5
        emulator.inject_fault("status", path="/v1/sessions", status=503)
        with pytest.raises(foil.FoilServerError) as info:
            next(gen)
        assert info.value.status == 503


def test_a_client_closed_mid_walk_stops_it(emulator: Emulator) -> None:
    c = emulator.client()
    gen = c.sessions.iter(limit=5)
    assert len([next(gen) for _ in range(5)]) == 5
    c.close()
    with pytest.raises(foil.FoilStateError):
        next(gen)


def test_cancel_from_another_thread_stops_a_walk(emulator: Emulator) -> None:
    for prefetch in (True, False):
        with emulator.client(prefetch=prefetch) as c, emulator.faults():
            # count: a page an earlier test's abandoned walk asked for ahead may still take one.
            emulator.inject_fault("delay", path="/v1/sessions", delay_ms=3000, count=10)
            timer = threading.Timer(0.2, c.cancel)
            timer.start()
            start = time.monotonic()
            try:
                with pytest.raises(foil.FoilCancelledError):
                    list(c.sessions.iter(limit=5))
            finally:
                timer.cancel()
                timer.join()
            assert time.monotonic() - start < 2.0
            emulator.clear_faults()
            assert len(list(c.sessions.iter(limit=100))) == 600  # the client goes on


def test_the_gil_is_released_while_a_page_is_fetched(emulator: Emulator) -> None:
    ticks = 0
    stop = threading.Event()

    def count() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.01)

    with emulator.client() as c, emulator.faults():
        emulator.inject_fault("delay", path="/v1/sessions", delay_ms=500)
        t = threading.Thread(target=count)
        t.start()
        try:
            assert len(list(c.sessions.iter(limit=200))) == 600
        finally:
            stop.set()
            t.join()
    assert ticks >= 20


def test_ctrl_c_interrupts_a_walk_and_the_client_goes_on(emulator: Emulator) -> None:
    with emulator.client() as c, emulator.faults():
        emulator.inject_fault("delay", path="/v1/sessions", delay_ms=600)
        threading.Timer(0.2, _thread.interrupt_main).start()
        start = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            for _ in c.sessions.iter(limit=5):
                time.sleep(0.05)
        assert time.monotonic() - start < 3.0
        emulator.clear_faults()
        assert len(list(c.sessions.iter(limit=100))) == 600
