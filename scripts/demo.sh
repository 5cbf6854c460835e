#!/usr/bin/env bash
# Build the foil command and run `foil demo`: a whole Gate signup, a .env merge, a sessions
# query and a sealed-token check against the embedded emulator, with no network.
# Extra arguments go to `foil demo` (e.g. --keep).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

bash scripts/bootstrap.sh

# Reuse the test script's build directory as it is configured; a fresh one is configured
# without the test suites, which the demo does not need.
if [ -f build/CMakeCache.txt ]; then
    cmake build >/dev/null
else
    cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DFOIL_BUILD_TESTS=OFF >/dev/null
fi
cmake --build build --target foil_cli -j "$(nproc)" >/dev/null

exec build/cli/foil demo "$@"
