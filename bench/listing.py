"""Walk N sessions (pages of --limit) with one implementation; report items/s and memory.

    python bench/listing.py --impl foil|foil-server|httpx --base-url URL --secret-key KEY

Every implementation reads each item's id, as a consumer would. RSS is sampled at ten
points of the walk to show it stays flat; peak RSS is this process's ru_maxrss.
"""
from __future__ import annotations

import argparse

import benchlib


def walk_foil(base_url: str, secret_key: str, limit: int):
    import foil

    client = foil.Foil(secret_key=secret_key, base_url=base_url)
    return foil, (s.id for s in client.sessions.iter(limit=limit))


def walk_foil_server(base_url: str, secret_key: str, limit: int):
    foil_server = benchlib.import_foil_server()
    client = foil_server.Foil(secret_key=secret_key, base_url=base_url)
    return foil_server, (s.id for s in client.sessions.iter(limit=limit))


def walk_httpx(base_url: str, secret_key: str, limit: int):
    """The hand-written baseline: one keep-alive httpx.Client, json.loads, cursor loop."""
    import json

    import httpx

    def ids():
        headers = {"Authorization": f"Bearer {secret_key}", "Accept": "application/json"}
        with httpx.Client(base_url=base_url, headers=headers) as http:
            params = {"limit": limit}
            while True:
                response = http.get("/v1/sessions", params=params)
                response.raise_for_status()
                body = json.loads(response.content)
                for item in body["data"]:
                    yield item["id"]
                pagination = body["pagination"]
                if not pagination["has_more"] or not pagination.get("next_cursor"):
                    return
                params = {"limit": limit, "cursor": pagination["next_cursor"]}

    return httpx, ids()


WALKERS = {"foil": walk_foil, "foil-server": walk_foil_server, "httpx": walk_httpx}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--impl", choices=benchlib.IMPLEMENTATIONS, required=True)
    parser.add_argument("--total", type=int, default=100_000)
    parser.add_argument("--limit", type=int, default=200)
    benchlib.connection_args(parser)
    args = parser.parse_args()

    module, ids = WALKERS[args.impl](args.base_url, args.secret_key, args.limit)
    sample_every = max(args.total // 10, 1)
    rss_samples = []
    rss_before = benchlib.current_rss_kib()
    count = 0
    t0 = benchlib.now()
    for session_id in ids:
        if not session_id:
            raise SystemExit("an item without an id")
        count += 1
        if count % sample_every == 0:
            rss_samples.append(benchlib.current_rss_kib())
        if count == args.total:
            break
    elapsed = benchlib.now() - t0
    if count != args.total:
        raise SystemExit(f"the walk ended after {count} items; the emulator needs --seed-sessions >= {args.total}")
    benchlib.emit(
        {
            "benchmark": "listing",
            "impl": args.impl,
            "version": benchlib.sdk_version(module),
            "items": count,
            "limit": args.limit,
            "seconds": elapsed,
            "items_per_s": count / elapsed,
            "rss_before_kib": rss_before,
            "rss_samples_kib": rss_samples,
            "rss_growth_kib": rss_samples[-1] - rss_samples[0],
            "peak_rss_kib": benchlib.peak_rss_kib(),
        }
    )


if __name__ == "__main__":
    main()
