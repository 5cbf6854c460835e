#!/usr/bin/env bash
# Run every test: build, C suites (ctest), exported-symbol check, ASan+UBSan build,
# valgrind, install + pkg-config check, and the Python suites. Exits non-zero on any failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jobs=$(nproc)
export FOIL_SPEC_DIR=${FOIL_SPEC_DIR:-$root/../shared/foil-spec}
[ -f "$FOIL_SPEC_DIR/openapi.json" ] || echo "note: no foil-spec at $FOIL_SPEC_DIR; contract tests will be skipped"

step() { printf '\n==== %s\n' "$*"; }

step "bootstrap"
bash scripts/bootstrap.sh --test

step "build (RelWithDebInfo)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFOIL_BUILD_TESTS=ON >/dev/null
cmake --build build -j "$jobs"

step "C tests (ctest)"
ctest --test-dir build --output-on-failure -j "$jobs"

step "C tests under AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFOIL_SANITIZE=ON -DFOIL_BUILD_SHARED=OFF >/dev/null
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure -j "$jobs"

step "C unit tests under valgrind"
bash scripts/valgrind-tests.sh build

step "install, pkg-config and the README's C example"
bash scripts/check-install.sh build

if [ -d python ]; then
    step "Python package (pip install ./python) and its tests"
    bash scripts/test-python.sh
fi
echo
echo "all test stages passed"
