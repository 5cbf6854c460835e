#!/bin/sh
# Regenerate core/abi/libfoil.abi, the checked-in ABI baseline (abidw from Debian's
# abigail-tools), from a build's shared library. Run it after an intended ABI change,
# with a build of the current tree (the default is build/core/libfoil.so):
#   cmake --build build && scripts/update-abi.sh [path/to/libfoil.so]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
lib=${1:-$root/build/core/libfoil.so}
. "$root/tests/abi/abi-options.sh"
command -v abidw >/dev/null 2>&1 || { echo "abidw not found: apt-get install abigail-tools" >&2; exit 1; }
[ -f "$lib" ] || { echo "$lib not found: build the shared library first" >&2; exit 1; }
if ! readelf -S "$lib" | grep -q '\.debug_info'; then
    echo "$lib has no debug info (core/CMakeLists.txt adds -g to the shared library)" >&2
    exit 1
fi
mkdir -p "$root/core/abi"
# shellcheck disable=SC2046 # one option per line, no spaces in them
abidw $(foil_abi_options "$root/core/include" "") --no-corpus-path --no-show-locs \
    --type-id-style hash --out-file "$root/core/abi/libfoil.abi" "$lib"
echo "wrote core/abi/libfoil.abi: $(grep -c '<elf-symbol ' "$root/core/abi/libfoil.abi") symbols" \
    "from $(basename "$(readlink -f "$lib")")"
