"""foil.AsyncFoil: coroutines on the running event loop over libfoil's event-loop transport,
with Foil's namespaces, results and errors (pytest-asyncio)."""

from __future__ import annotations

import asyncio
import inspect
import time
from typing import Any

import pytest

import foil
from foil.testing import Emulator

async def test_same_namespaces_every_method_a_coroutine(emulator: Emulator) -> None:
    sync, client = emulator.client(), emulator.async_client()
    names = [n for n in dir(sync.sessions) if not n.startswith("_")]
    assert names == [n for n in dir(client.sessions) if not n.startswith("_")]
    for ns in ("sessions", "fingerprints", "organizations", "organizations.api_keys", "webhooks", "gate",
               "gate.registry", "gate.services", "gate.sessions", "gate.login_sessions", "gate.agent_tokens"):
        sync_ns, async_ns = sync, client
        for part in ns.split("."):
            sync_ns, async_ns = getattr(sync_ns, part), getattr(async_ns, part)
        for name in (n for n in dir(sync_ns) if not n.startswith("_")):
            method = getattr(async_ns, name)
            if inspect.isroutine(method):
                walk = name.startswith("iter")
                assert inspect.iscoroutinefunction(method) != walk, f"{ns}.{name}"
    await client.aclose()


async def test_results_equal_the_sync_clients(emulator: Emulator) -> None:
    sid = emulator.session_id(3)
    with emulator.client() as sync:
        async with emulator.async_client() as client:
            page, sync_page = await client.sessions.list(limit=5), sync.sessions.list(limit=5)
            assert type(page) is type(sync_page) and [s.id for s in page.items] == [s.id for s in sync_page.items]
            assert page.has_more and page.next_cursor == sync_page.next_cursor
            detail = await client.sessions.get(sid)
            assert type(detail) is foil.SessionDetail and detail.to_dict() == sync.sessions.get(sid).to_dict()
            registry = await client.gate.registry.list()
            assert [e.id for e in registry] == [e.id for e in sync.gate.registry.list()]


async def test_async_iteration_walks_every_page(emulator: Emulator) -> None:
    async with emulator.async_client() as client:
        ids = [s.id async for s in client.sessions.iter(limit=37)]
    with emulator.client() as sync:
        assert ids == [s.id for s in sync.sessions.iter(limit=200)]
    assert len(ids) == 600 and len(set(ids)) == 600


async def test_walk_without_prefetch_and_stopped_early(emulator: Emulator) -> None:
    async with emulator.async_client(prefetch=False) as client:
        ids = [s.id async for s in client.sessions.iter(limit=200)]
        assert len(ids) == 600
    async with emulator.async_client() as client:
        walk = client.sessions.iter(limit=10)
        first = [s.id async for s, _ in zip_async(walk, range(15))]
        await walk.aclose()  # type: ignore[attr-defined]  # cancels the page requested ahead
        assert first == ids[:15]
        assert (await client.sessions.get(ids[0])).id == ids[0]


async def test_the_next_page_is_on_the_wire_while_a_page_is_read(emulator: Emulator) -> None:
    """Each page is delayed 250 ms by the emulator and read for 250 ms without yielding to
    the event loop (as a CPU-bound reader does): the request for the next page must already
    be sent when a page arrives, so 5 pages take ~1.5 s, not the ~2.5 s of one after the
    other (prefetch=False)."""
    async def walk(client: foil.AsyncFoil) -> float:
        await client.sessions.get(emulator.session_id(0))  # warm: a kept-alive connection
        with emulator.faults():
            emulator.inject_fault("delay", path="/v1/sessions", count=6, delay_ms=250)
            started = time.monotonic()
            count = 0
            async for _ in client.sessions.iter(limit=120):
                if count % 120 == 0:
                    time.sleep(0.25)  # the loop is not run meanwhile
                count += 1
            elapsed = time.monotonic() - started
        assert count == 600
        return elapsed

    async with emulator.async_client() as client:
        ahead = await walk(client)
    async with emulator.async_client(prefetch=False) as client:
        in_turn = await walk(client)
    assert 1.5 <= ahead < 2.0 <= in_turn, (ahead, in_turn)


async def zip_async(walk, count):  # type: ignore[no-untyped-def]
    it = iter(count)
    async for item in walk:
        try:
            n = next(it)
        except StopIteration:
            return
        yield item, n


async def test_arguments_are_checked_before_anything_is_sent(emulator: Emulator) -> None:
    async with emulator.async_client() as client:
        with pytest.raises(TypeError):
            await client.sessions.list(limit="5")  # type: ignore[arg-type]
        with pytest.raises(foil.FoilValidationError) as sync_error:
            emulator.client().sessions.list(limit=500)
        with pytest.raises(foil.FoilValidationError) as error:
            await client.sessions.list(limit=500)
        assert str(error.value) == str(sync_error.value)
        with pytest.raises(TypeError):
            client.sessions.iter(limit="5")  # type: ignore[arg-type]


async def test_200_concurrent_delayed_calls_overlap(emulator: Emulator) -> None:
    """The emulator delays each of 200 requests by 300 ms without holding a worker: on one
    thread, all 200 finish in well under a second beyond the delay."""
    ids = [emulator.session_id(i) for i in range(200)]
    async with emulator.async_client() as client:
        await client.sessions.get(ids[0])  # warm: the transport exists
        with emulator.faults():
            emulator.inject_fault("delay", path="/v1/sessions/", count=200, delay_ms=300)
            started = time.monotonic()
            results = await asyncio.gather(*(client.sessions.get(i) for i in ids))
            elapsed = time.monotonic() - started
    assert [r.id for r in results] == ids
    assert 0.3 <= elapsed < 1.3, elapsed


async def test_a_cancelled_call_does_not_disturb_the_others(emulator: Emulator) -> None:
    ids = [emulator.session_id(i) for i in range(20)]
    async with emulator.async_client() as client:
        with emulator.faults():
            emulator.inject_fault("delay", path="/v1/sessions/", count=21, delay_ms=300)
            victim = asyncio.ensure_future(client.sessions.get(ids[0]))
            others = [asyncio.ensure_future(client.sessions.get(i)) for i in ids[1:]]
            await asyncio.sleep(0.1)
            started = time.monotonic()
            victim.cancel()
            with pytest.raises(asyncio.CancelledError):
                await victim
            assert time.monotonic() - started < 0.1  # at once, not when the answer comes
            assert [r.id for r in await asyncio.gather(*others)] == ids[1:]
        assert (await client.sessions.get(ids[0])).id == ids[0]  # still usable


async def test_client_cancel_ends_every_call_in_flight(emulator: Emulator) -> None:
    async with emulator.async_client() as client:
        with emulator.faults():
            emulator.inject_fault("delay", path="/v1/sessions/", count=5, delay_ms=2000)
            calls = [asyncio.ensure_future(client.sessions.get(emulator.session_id(i))) for i in range(5)]
            await asyncio.sleep(0.1)
            started = time.monotonic()
            client.cancel()
            results = await asyncio.gather(*calls, return_exceptions=True)
            assert all(isinstance(r, foil.FoilCancelledError) for r in results), results
            assert time.monotonic() - started < 1.0
        assert (await client.sessions.get(emulator.session_id(0))).id == emulator.session_id(0)


async def test_timeout_cancels_the_transfer(emulator: Emulator) -> None:
    async with emulator.async_client() as client:
        with emulator.faults():
            emulator.inject_fault("delay", path="/v1/sessions/", delay_ms=2000)
            started = time.monotonic()
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(client.sessions.get(emulator.session_id(0)), 0.2)
            assert time.monotonic() - started < 1.0
        assert (await client.sessions.get(emulator.session_id(0))).id == emulator.session_id(0)


FAULTS = [("status", {"status": 503}), ("status", {"status": 429}), ("status", {"status": 404}),
          ("status", {"status": 401}), ("reset", {}), ("truncate", {}), ("corrupt", {}),
          ("content_type", {}), ("oversized", {})]


def outcome(call: Any) -> tuple[object, ...]:
    """A call's result id, or its error's class and fields (the request id differs)."""
    try:
        return ("ok", call().id)
    except foil.FoilError as error:
        return (type(error), getattr(error, "status", None), getattr(error, "code", None),
                str(error).split(" (request")[0])


async def aoutcome(call: Any) -> tuple[object, ...]:
    try:
        return ("ok", (await call()).id)
    except foil.FoilError as error:
        return (type(error), getattr(error, "status", None), getattr(error, "code", None),
                str(error).split(" (request")[0])


@pytest.mark.parametrize(("kind", "options"), FAULTS)
async def test_every_fault_gives_the_sync_clients_error(emulator: Emulator, kind: str, options: dict) -> None:  # type: ignore[type-arg]
    sid = emulator.session_id(1)
    with emulator.client() as sync, emulator.faults():
        emulator.inject_fault(kind, path="/v1/sessions/", **options)
        expected = outcome(lambda: sync.sessions.get(sid))
    async with emulator.async_client() as client:
        with emulator.faults():
            emulator.inject_fault(kind, path="/v1/sessions/", **options)
            got = await aoutcome(lambda: client.sessions.get(sid))
    assert got == expected
    if kind != "oversized":  # 64 MiB is within the default cap
        assert expected[0] != "ok"


async def test_timeout_option_is_a_timeout_error(emulator: Emulator) -> None:
    async with emulator.async_client(timeout=0.2) as client:
        with emulator.faults():
            emulator.inject_fault("delay", path="/v1/sessions/", delay_ms=1500)
            with pytest.raises(foil.FoilTimeoutError):
                await client.sessions.get(emulator.session_id(0))


async def test_retries_run_on_the_loop(emulator: Emulator) -> None:
    async with emulator.async_client(max_retries=2) as client:
        with emulator.faults():
            emulator.inject_fault("status", path="/v1/sessions/", status=503, count=2)
            assert (await client.sessions.get(emulator.session_id(0))).id == emulator.session_id(0)


async def test_async_with_closes(emulator: Emulator) -> None:
    async with emulator.async_client() as client:
        assert not client.closed
    assert client.closed and "closed" in repr(client)
    with pytest.raises(foil.FoilStateError):
        await client.sessions.list(limit=1)


async def test_close_ends_calls_in_flight(emulator: Emulator) -> None:
    client = emulator.async_client()
    with emulator.faults():
        emulator.inject_fault("delay", path="/v1/sessions/", delay_ms=1000)
        call = asyncio.ensure_future(client.sessions.get(emulator.session_id(0)))
        await asyncio.sleep(0.05)
        await client.aclose()
        with pytest.raises(foil.FoilStateError):
            await call


async def test_a_walk_stays_on_its_event_loop(emulator: Emulator) -> None:
    client = emulator.async_client()
    walk = client.sessions.iter(limit=5)
    assert (await walk.__anext__()).id == emulator.session_id(0)

    def elsewhere() -> None:
        async def more() -> None:
            with pytest.raises(foil.FoilStateError):  # at the next page, at the latest
                for _ in range(5):
                    await walk.__anext__()
            assert (await client.sessions.get(emulator.session_id(0))).id  # its own transport
        asyncio.run(more())

    await asyncio.get_running_loop().run_in_executor(None, elsewhere)
    await client.aclose()


def test_calls_need_a_running_loop(emulator: Emulator) -> None:
    client = emulator.async_client()
    with pytest.raises(foil.FoilStateError):
        client._transport()
    client.close()
