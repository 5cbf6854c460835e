"""foil.AsyncFoil against hand-written httpx.AsyncClient + json and aiohttp loops doing the same
work on the same emulator, in one process on the default asyncio loop; rounds rotate the order
of the three and the reported rate is each one's median.

    python bench/async_bench.py --base-url URL --secret-key KEY [--total 100000] [--gets 1000]
        [--in-flight 50] [--rounds 5]

(a) walk: every session of --total (pages of 200), each item's id read. AsyncFoil requests
    the next page as soon as a page arrives (as its sync walk does); the baselines follow the
    cursor page by page, which is what a hand-written loop does.
(b) gets: --gets sessions.get calls with --in-flight running at once (workers taking ids from
    one queue), each result's id read; each client keeps --in-flight connections alive.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
from typing import Any, Awaitable, Callable

import benchlib


async def walk_foil(base_url: str, key: str, total: int) -> int:
    import foil

    count = 0
    async with foil.AsyncFoil(secret_key=key, base_url=base_url) as client:
        async for session in client.sessions.iter(limit=200):
            count += bool(session.id)
            if count == total:
                break
    return count


async def walk_httpx(base_url: str, key: str, total: int) -> int:
    import httpx

    count = 0
    headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers) as http:
        params: dict[str, Any] = {"limit": 200}
        while count < total:
            response = await http.get("/v1/sessions", params=params)
            response.raise_for_status()
            body = json.loads(response.content)
            for item in body["data"]:
                count += bool(item["id"])
                if count == total:
                    break
            pagination = body["pagination"]
            if not pagination["has_more"] or not pagination.get("next_cursor"):
                break
            params = {"limit": 200, "cursor": pagination["next_cursor"]}
    return count


async def walk_aiohttp(base_url: str, key: str, total: int) -> int:
    import aiohttp

    count = 0
    headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
    async with aiohttp.ClientSession(base_url, headers=headers) as http:
        params: dict[str, Any] = {"limit": 200}
        while count < total:
            async with http.get("/v1/sessions", params=params) as response:
                response.raise_for_status()
                body = json.loads(await response.read())
            for item in body["data"]:
                count += bool(item["id"])
                if count == total:
                    break
            pagination = body["pagination"]
            if not pagination["has_more"] or not pagination.get("next_cursor"):
                break
            params = {"limit": 200, "cursor": pagination["next_cursor"]}
    return count


async def workers(ids: list[str], in_flight: int, get: Callable[[str], Awaitable[str]]) -> int:
    queue = iter(ids)
    done = 0

    async def worker() -> None:
        nonlocal done
        for session_id in queue:
            if await get(session_id) != session_id:
                raise SystemExit(f"wrong session for {session_id}")
            done += 1

    await asyncio.gather(*(worker() for _ in range(in_flight)))
    return done


async def gets_foil(base_url: str, key: str, ids: list[str], in_flight: int) -> int:
    import foil

    async with foil.AsyncFoil(secret_key=key, base_url=base_url) as client:
        async def get(session_id: str) -> str:
            return (await client.sessions.get(session_id)).id

        return await workers(ids, in_flight, get)


async def gets_httpx(base_url: str, key: str, ids: list[str], in_flight: int) -> int:
    import httpx

    headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
    limits = httpx.Limits(max_connections=in_flight, max_keepalive_connections=in_flight)
    async with httpx.AsyncClient(base_url=base_url, headers=headers, limits=limits) as http:
        async def get(session_id: str) -> str:
            response = await http.get(f"/v1/sessions/{session_id}")
            response.raise_for_status()
            return str(json.loads(response.content)["data"]["id"])

        return await workers(ids, in_flight, get)


async def gets_aiohttp(base_url: str, key: str, ids: list[str], in_flight: int) -> int:
    import aiohttp

    headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
    connector = aiohttp.TCPConnector(limit=in_flight)
    async with aiohttp.ClientSession(base_url, headers=headers, connector=connector) as http:
        async def get(session_id: str) -> str:
            async with http.get(f"/v1/sessions/{session_id}") as response:
                response.raise_for_status()
                return str(json.loads(await response.read())["data"]["id"])

        return await workers(ids, in_flight, get)


WALKS = {"foil": walk_foil, "httpx": walk_httpx, "aiohttp": walk_aiohttp}
GETS = {"foil": gets_foil, "httpx": gets_httpx, "aiohttp": gets_aiohttp}


def session_ids(base_url: str, key: str, count: int) -> list[str]:
    import foil

    with foil.Foil(secret_key=key, base_url=base_url) as client:
        ids = []
        for session in client.sessions.iter(limit=200):
            ids.append(session.id)
            if len(ids) == count:
                return ids
    raise SystemExit(f"the emulator has fewer than {count} sessions")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--total", type=int, default=100_000)
    parser.add_argument("--gets", type=int, default=1000)
    parser.add_argument("--in-flight", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    benchlib.connection_args(parser)
    args = parser.parse_args()
    ids = session_ids(args.base_url, args.secret_key, args.gets)
    impls = list(WALKS)
    rates: dict[str, dict[str, list[float]]] = {"walk": {i: [] for i in impls}, "gets": {i: [] for i in impls}}
    for rnd in range(args.rounds):
        for impl in impls[rnd % 3:] + impls[: rnd % 3]:  # rotate: drift favours no one
            t0 = benchlib.now()
            items = asyncio.run(WALKS[impl](args.base_url, args.secret_key, args.total))
            if items != args.total:
                raise SystemExit(f"{impl}: the walk read {items} of {args.total} items")
            rates["walk"][impl].append(items / (benchlib.now() - t0))
            t0 = benchlib.now()
            done = asyncio.run(GETS[impl](args.base_url, args.secret_key, ids, args.in_flight))
            if done != len(ids):
                raise SystemExit(f"{impl}: {done} of {len(ids)} gets")
            rates["gets"][impl].append(done / (benchlib.now() - t0))
    import aiohttp
    import httpx

    import foil

    medians = {w: {i: statistics.median(r) for i, r in per.items()} for w, per in rates.items()}
    benchlib.emit({
        "benchmark": "async", "total": args.total, "gets": args.gets, "in_flight": args.in_flight,
        "rounds": args.rounds, "versions": {"foil": foil.__version__, "httpx": httpx.__version__,
                                            "aiohttp": aiohttp.__version__},
        "walk_items_per_s": medians["walk"], "gets_per_s": medians["gets"],
        "walk_ratio_vs_httpx": medians["walk"]["foil"] / medians["walk"]["httpx"],
        "gets_ratio_vs_httpx": medians["gets"]["foil"] / medians["gets"]["httpx"],
        # foil's walk lasts a fifth of a second: one stall of the shared machine moves a
        # round's ratio, so the spread of the rounds is reported beside the medians' ratio.
        "walk_round_ratios": [f / h for f, h in zip(rates["walk"]["foil"], rates["walk"]["httpx"])],
        "load_average": os.getloadavg(),
        "runs": rates,
    })


if __name__ == "__main__":
    main()
