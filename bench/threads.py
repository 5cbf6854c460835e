"""Thread scaling: 1, 2, 4 and 8 Python threads sharing one SDK, foil or foil-server.

    python bench/threads.py --impl foil|foil-server --workload pages --base-url URL --secret-key KEY
    python bench/threads.py --impl foil|foil-server --workload tokens

pages:  one shared client, each thread fetching 200-item sessions pages from the emulator
        and reading every item's id (network + parsing; the emulator shares the 2 cores).
tokens: sealed-token v2 verification (the official vector), no network: pure client CPU,
        so it shows directly whether the work runs outside the GIL.
A fixed total of operations is split across the threads, so every level does the same work;
levels alternate round by round. Reports ops/s per thread count (medians) and the speed-up
over one (the median of per-round ratios).
"""
from __future__ import annotations

import argparse
import threading

import benchlib


def load_sdk(impl: str):
    if impl == "foil":
        import foil

        return foil
    return benchlib.import_foil_server()


def pages_op(sdk, args):
    client = sdk.Foil(secret_key=args.secret_key, base_url=args.base_url)

    def op() -> None:
        page = client.sessions.list(limit=args.limit)
        if sum(1 for s in page.items if s.id) != args.limit:
            raise RuntimeError("short page")

    return op


def tokens_op(sdk, args):
    vector = benchlib.load_fixture("sealed-token/vector.v2.json")
    token, secret = vector["token"], vector["secretKeys"][0]
    session_id = vector["payload"]["session_id"]

    def op() -> None:
        if sdk.verify_foil_token(token, secret).session_id != session_id:
            raise RuntimeError("token verified to the wrong session")

    return op


WORKLOADS = {"pages": (pages_op, 96), "tokens": (tokens_op, 4000)}


def run_level(op, threads: int, total: int) -> float:
    per_thread = total // threads
    failures = []
    start = threading.Barrier(threads + 1)

    def worker() -> None:
        try:
            start.wait()
            for _ in range(per_thread):
                op()
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
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--impl", choices=("foil", "foil-server"), required=True)
    parser.add_argument("--workload", choices=tuple(WORKLOADS), required=True)
    parser.add_argument("--total", type=int, help="operations per round (divisible by 8)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--limit", type=int, default=200, help="page size (pages workload)")
    parser.add_argument("--levels", default="1,2,4,8")
    parser.add_argument("--base-url")
    parser.add_argument("--secret-key")
    args = parser.parse_args()
    if args.workload == "pages" and not (args.base_url and args.secret_key):
        parser.error("the pages workload needs --base-url and --secret-key")

    sdk = load_sdk(args.impl)
    make_op, default_total = WORKLOADS[args.workload]
    op = make_op(sdk, args)
    total = args.total or default_total
    levels = [int(n) for n in args.levels.split(",")]
    run_level(op, max(levels), max(levels))  # warm-up (and one connection per thread)
    rates: dict[int, list[float]] = {n: [] for n in levels}
    for _ in range(args.rounds):
        for n in levels:
            rates[n].append(run_level(op, n, total))
    medians = {n: benchlib.median(r) for n, r in rates.items()}
    benchlib.emit(
        {
            "benchmark": "threads",
            "workload": args.workload,
            "impl": args.impl,
            "version": benchlib.sdk_version(sdk),
            "total": total,
            "rounds": args.rounds,
            "ops_per_s": {str(n): v for n, v in medians.items()},
            # The median of each round's ratio to that round's one-thread run: a slow spell of
            # the machine moves both sides of a ratio, not one.
            "speedup": {str(n): benchlib.median([r / one for r, one in zip(rates[n], rates[levels[0]])])
                        for n in levels},
        }
    )


if __name__ == "__main__":
    main()
