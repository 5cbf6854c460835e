"""AsyncFoil on uvloop (its add_reader / add_writer / call_later are libuv's)."""

from __future__ import annotations

import asyncio
import time

import pytest

import foil
from foil.testing import Emulator

uvloop = pytest.importorskip("uvloop")


def run(coro):  # type: ignore[no-untyped-def]
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coro)


def test_calls_walk_cancel_and_faults_on_uvloop(emulator: Emulator) -> None:
    ids = [emulator.session_id(i) for i in range(100)]

    async def main() -> None:
        assert type(asyncio.get_running_loop()).__module__.startswith("uvloop")
        async with emulator.async_client() as client:
            walked = [s.id async for s in client.sessions.iter(limit=50)]
            assert walked[:100] == ids and len(walked) == 600
            with emulator.faults():
                emulator.inject_fault("delay", path="/v1/sessions/", count=101, delay_ms=300)
                victim = asyncio.ensure_future(client.sessions.get(ids[0]))
                started = time.monotonic()
                results = asyncio.gather(*(client.sessions.get(i) for i in ids))
                await asyncio.sleep(0.05)
                victim.cancel()
                assert [r.id for r in await results] == ids
                assert time.monotonic() - started < 1.3
                assert victim.cancelled()
            with emulator.faults():
                emulator.inject_fault("status", path="/v1/sessions/", status=503)
                with pytest.raises(foil.FoilServerError):
                    await client.sessions.get(ids[0])
            signup = await client.gate.signup("foil")
            emulator.approve(signup.id)
            assert (await signup.wait(timeout=10, interval=0.05))["FOIL_SECRET_KEY"]
            await signup.ack()

    run(main())
