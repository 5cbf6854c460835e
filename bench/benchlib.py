"""Shared helpers for the Python benchmarks: timing, medians, memory, JSON output and
loading the implementations under test.

Each benchmark script runs in its own process (started by run.py) and prints one JSON
object on stdout, so peak RSS belongs to one implementation only.
"""
from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent

# foil-server 0.3.x (the current release) dropped Gate and the delivery crypto; 0.2.5 is the
# last official release that has them. run.py installs it into this directory (no deps, so
# it shares the venv's httpx and cryptography) and the Gate benchmarks put it first on
# sys.path.
FOIL_SERVER_GATE_DIR = Path(os.environ.get("FOIL_BENCH_GATE_SDK_DIR", REPO_DIR / ".venv-bench" / "foil-server-gate"))

IMPLEMENTATIONS = ("foil", "foil-server", "httpx")


def spec_dir() -> Path:
    """The official spec checkout (fixtures are read in place)."""
    return Path(os.environ.get("FOIL_SPEC_DIR", REPO_DIR.parent / "shared" / "foil-spec"))


def load_fixture(relative: str) -> Any:
    return json.loads((spec_dir() / "fixtures" / relative).read_text())


def import_foil_server(*, gate: bool = False):
    """The official SDK: the venv's 0.3.x, or 0.2.5 for Gate (see FOIL_SERVER_GATE_DIR)."""
    if gate:
        if not (FOIL_SERVER_GATE_DIR / "foil_server").is_dir():
            raise SystemExit(f"foil-server 0.2.5 is not installed in {FOIL_SERVER_GATE_DIR}")
        sys.path.insert(0, str(FOIL_SERVER_GATE_DIR))
    import foil_server

    return foil_server


def sdk_version(module) -> str:
    from importlib import metadata

    name = module.__name__
    if name == "foil_server":
        path = Path(module.__file__).resolve().parent.parent
        for dist in path.glob("foil_server-*.dist-info"):
            return dist.name[len("foil_server-") : -len(".dist-info")]
        return metadata.version("foil-server")
    if name == "foil":
        return getattr(module, "__version__", None) or metadata.version("libfoil")
    return getattr(module, "__version__", "?")


def now() -> float:
    return time.perf_counter()


def median(values: list[float]) -> float:
    return statistics.median(values)


def current_rss_kib() -> int:
    """Resident set size right now, from /proc (ru_maxrss only gives the peak)."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024


def peak_rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def rounds_rate(fn: Callable[[], None], count: int, rounds: int) -> list[float]:
    """Calls per second of fn, measured `rounds` times over `count` calls (after one warm-up call)."""
    fn()
    rates = []
    for _ in range(rounds):
        t0 = now()
        for _ in range(count):
            fn()
        rates.append(count / (now() - t0))
    return rates


def emit(result: dict[str, Any]) -> None:
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")


def connection_args(parser) -> None:
    parser.add_argument("--base-url", default=os.environ.get("FOIL_BASE_URL"), required=not os.environ.get("FOIL_BASE_URL"))
    parser.add_argument("--secret-key", default=os.environ.get("FOIL_SECRET_KEY"), required=not os.environ.get("FOIL_SECRET_KEY"))
