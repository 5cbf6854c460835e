#!/bin/sh
# The shared library's ABI matches the checked-in baseline (abidiff from Debian's
# abigail-tools). Any difference fails: a compatible change (added functions) means the
# baseline is regenerated on purpose (scripts/update-abi.sh); an incompatible one also
# needs a new soname.
# Usage: check_abi.sh LIBFOIL_SO BASELINE INCLUDE_DIR
set -u
lib=$1 baseline=$2 include=$3
. "$(dirname "$0")/abi-options.sh"
if ! command -v abidiff >/dev/null 2>&1; then
    echo "SKIPPED: abidiff not found; install Debian's abigail-tools (scripts/bootstrap.sh --test does)"
    exit 77
fi
if [ ! -f "$baseline" ]; then
    echo "no ABI baseline at $baseline: create it with scripts/update-abi.sh"
    exit 1
fi
# shellcheck disable=SC2046 # one option per line, no spaces in them
abidiff --fail-no-debug-info $(foil_abi_options "$include" 2) "$baseline" "$lib"
rc=$?
if [ "$rc" -eq 0 ]; then
    echo "ABI of $(basename "$lib") matches $baseline"
    exit 0
fi
if [ $((rc & 8)) -ne 0 ]; then
    echo "INCOMPATIBLE ABI change against $baseline (abidiff exit $rc, report above)."
    echo "Undo it, or change the soname (SOVERSION in core/CMakeLists.txt) and regenerate the"
    echo "baseline with scripts/update-abi.sh."
elif [ $((rc & 4)) -ne 0 ]; then
    echo "The ABI changed (compatibly: abidiff exit $rc, report above) against $baseline."
    echo "If the change is intended, regenerate the baseline: scripts/update-abi.sh"
else
    echo "abidiff failed (exit $rc)."
fi
exit 1
