#!/usr/bin/env bash
# Python package: install ./python into the repo venv, run its pytest suite against the
# installed wheel (not the source tree), then mypy --strict on the examples.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.venv"
py="$venv/bin/python"
[ -x "$py" ] || { echo "test-python: $venv missing; run scripts/bootstrap.sh --test" >&2; exit 1; }
export FOIL_SPEC_DIR=${FOIL_SPEC_DIR:-$root/../shared/foil-spec}

echo "test-python: pip install ./python"
"$py" -m pip install -q "$root/python"

echo "test-python: pytest python/tests"
# Run from the tests directory so `import foil` resolves to the installed package.
(cd "$root/python/tests" && "$py" -m pytest -q -p no:cacheprovider .)

echo "test-python: mypy --strict python/examples"
(cd "$root/python/examples" && "$py" -m mypy --strict --no-incremental .)
