"""foil.AsyncFoil used the way a careless or hostile program would: event loops closed under a
pending call, clients shared by loops, tasks cancelled at every await."""

from __future__ import annotations

import asyncio

import pytest

import foil
from foil.testing import Emulator


def test_a_loop_closed_under_a_pending_call_leaves_the_client_usable(emulator: Emulator) -> None:
    client = emulator.async_client()
    sid = emulator.session_id(0)
    loop = asyncio.new_event_loop()
    loop.set_exception_handler(lambda _loop, _context: None)  # "Task was destroyed but it is pending"
    with emulator.faults():
        emulator.inject_fault("delay", path="/v1/sessions/", delay_ms=2000)
        loop.create_task(client.sessions.get(sid))
        loop.run_until_complete(asyncio.sleep(0.1))
        loop.close()  # the call is in flight on the loop's transport

    async def again() -> str:
        return (await client.sessions.get(sid)).id

    assert asyncio.run(again()) == sid  # the next loop frees the closed loop's transport
    loop2 = asyncio.new_event_loop()
    loop2.run_until_complete(client.sessions.get(sid))
    loop2.close()
    client.close()  # no transport of a closed loop in the way
    assert client.closed
