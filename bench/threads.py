"""Thread scaling: 1, 2, 4 and 8 Python threads sharing one client, each fetching
sessions pages (limit 200, reading every item's id). Reports pages/s per thread count and
the speed-up over one thread.

    python bench/threads.py --impl foil|foil-server --base-url URL --secret-key KEY

A fixed total of pages is split across the threads, so every level does the same work.
"""
from __future__ import annotations

import argparse
import threading

import benchlib


def make_client(impl: str, base_url: str, secret_key: str):
    if impl == "foil":
        import foil as sdk
    else:
        sdk = benchlib.import_foil_server()
    return sdk, sdk.Foil(secret_key=secret_key, base_url=base_url)


def run_level(client, threads: int, pages: int, limit: int) -> float:
    per_thread = pages // threads
    failures = []
    start = threading.Barrier(threads + 1)

    def worker() -> None:
        try:
            start.wait()
            for _ in range(per_thread):
                page = client.sessions.list(limit=limit)
                if sum(1 for s in page.items if s.id) != limit:
                    raise RuntimeError("short page")
        except Exception as error:  # noqa: BLE001 - reported below, fails the run
            failures.append(error)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    start.wait()
    t0 = benchlib.now()
    for t in pool:
        t.join()
    elapsed = benchlib.now() - t0
    if failures:
        raise SystemExit(f"{threads} threads: {failures[0]!r}")
    return per_thread * threads / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--impl", choices=("foil", "foil-server"), required=True)
    parser.add_argument("--pages", type=int, default=96, help="pages per round (divisible by 8)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--limit", type=int, default=200)
    parser.add_argument("--levels", default="1,2,4,8")
    benchlib.connection_args(parser)
    args = parser.parse_args()

    sdk, client = make_client(args.impl, args.base_url, args.secret_key)
    levels = [int(n) for n in args.levels.split(",")]
    run_level(client, max(levels), max(levels), args.limit)  # warm-up: one connection per thread
    rates = {n: [] for n in levels}
    for _ in range(args.rounds):  # levels interleaved round by round
        for n in levels:
            rates[n].append(run_level(client, n, args.pages, args.limit))
    medians = {n: benchlib.median(r) for n, r in rates.items()}
    benchlib.emit(
        {
            "benchmark": "threads",
            "impl": args.impl,
            "version": benchlib.sdk_version(sdk),
            "pages": args.pages,
            "rounds": args.rounds,
            "pages_per_s": {str(n): v for n, v in medians.items()},
            "speedup": {str(n): v / medians[levels[0]] for n, v in medians.items()},
        }
    )


if __name__ == "__main__":
    main()
