"""AsyncFoil's Gate signup: the core's steps without I/O on the event loop, approval
through the emulator as the blocking signup's tests do."""

from __future__ import annotations

import asyncio
import time

import pytest

import foil
from foil.testing import Emulator


async def approve_later(emulator: Emulator, session_id: str, delay: float) -> None:
    await asyncio.sleep(delay)
    emulator.approve(session_id)


async def test_signup_approve_wait_ack(emulator: Emulator) -> None:
    async with emulator.async_client() as client:
        signup = await client.gate.signup("foil", account_name="demo", metadata={"plan": "pro"})
        assert isinstance(signup, foil.AsyncGateSignup)
        async with signup:
            assert signup.status == "pending" and signup.id.startswith("gate_") and signup.consent_url
            assert signup.account_name == "demo" and signup.service_id == "foil" and signup.outputs == {}
            approver = asyncio.ensure_future(approve_later(emulator, signup.id, 0.2))
            seen: list[tuple[str, float]] = []
            outputs = await signup.wait(timeout=10, interval=0.05, on_progress=lambda s, left: seen.append((s, left)))
            await approver
            assert seen and seen[0][0] == "pending" and 0 < seen[0][1] <= 10
            assert outputs == signup.outputs and "FOIL_SECRET_KEY" in outputs and "FOIL_GATE_AGENT_TOKEN" in outputs
            assert signup.status == "approved"
            await signup.ack()
            assert signup.status == "acknowledged"
        with pytest.raises(foil.FoilStateError):
            signup.status


async def test_same_outcome_as_the_sync_signup(emulator: Emulator) -> None:
    with emulator.client() as sync:
        blocking = sync.gate.signup("foil", account_name="same")
        emulator.approve(blocking.id)
        expected = blocking.wait(timeout=10, interval=0.05)
    async with emulator.async_client() as client:
        signup = await client.gate.signup("foil", account_name="same")
        emulator.approve(signup.id)
        outputs = await signup.wait(timeout=10, interval=0.05)
    assert sorted(outputs) == sorted(expected) and signup.refused == blocking.refused


async def test_rejected_timeout_and_gone(emulator: Emulator) -> None:
    async with emulator.async_client() as client:
        denied = await client.gate.signup("foil")
        emulator.deny(denied.id)
        with pytest.raises(foil.FoilRejectedError):
            await denied.wait(timeout=10, interval=0.05)
        pending = await client.gate.signup("foil")
        started = time.monotonic()
        with pytest.raises(foil.FoilTimeoutError):
            await pending.wait(timeout=0.3, interval=0.05)
        assert time.monotonic() - started < 2
        done = await client.gate.signup("foil")
        saved = done.export()
        emulator.approve(done.id)
        await done.wait(timeout=10, interval=0.05)
        await done.ack()
        with pytest.raises(foil.FoilGoneError):
            await foil.AsyncGateSignup.resume(client, saved).wait(timeout=5, interval=0.05)


async def test_other_calls_run_while_a_signup_waits(emulator: Emulator) -> None:
    async with emulator.async_client() as client:
        signup = await client.gate.signup("foil")
        waiting = asyncio.ensure_future(signup.wait(timeout=10, interval=0.05))
        ids = [s.id for s in (await client.sessions.list(limit=20)).items]
        assert len(ids) == 20 and not waiting.done()
        emulator.approve(signup.id)
        assert (await waiting)["FOIL_SECRET_KEY"]


async def test_cancelling_the_wait_leaves_the_signup_usable(emulator: Emulator) -> None:
    async with emulator.async_client() as client:
        signup = await client.gate.signup("foil")
        waiting = asyncio.ensure_future(signup.wait(timeout=10, interval=0.05))
        await asyncio.sleep(0.15)
        started = time.monotonic()
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        assert time.monotonic() - started < 0.2
        signup.cancel()
        with pytest.raises(foil.FoilCancelledError):
            await signup.wait(timeout=10, interval=0.05)
        emulator.approve(signup.id)
        assert (await signup.wait(timeout=10, interval=0.05))["FOIL_SECRET_KEY"]


async def test_poll_once_answers_as_the_sync_poll(emulator: Emulator) -> None:
    async with emulator.async_client() as client:
        async with await client.gate.signup("foil") as signup:
            assert await signup.poll() == "pending" and signup.poll_data is not None
            emulator.deny(signup.id)
            assert await signup.poll() == "rejected"  # a status, as the blocking poll gives
            with pytest.raises(foil.FoilRejectedError):
                await signup.wait(timeout=2)
        async with await client.gate.signup("foil") as signup:
            emulator.approve(signup.id)
            assert await signup.poll() == "approved" and "FOIL_SECRET_KEY" in signup.outputs
