#!/usr/bin/env bash
# One command for every benchmark: bench/run.sh [--quick] [--skip-install] [--skip-build] [--json FILE]
# Creates .venv-bench on first use, then hands over to bench/run.py (see bench/README.md).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Install what the benchmarks need before the first one starts (a missing tool would
# otherwise end the run minutes in and lose the table).
bash "$repo/scripts/bootstrap.sh" --bench
venv="$repo/.venv-bench"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
exec "$venv/bin/python" "$repo/bench/run.py" "$@"
