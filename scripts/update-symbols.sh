#!/bin/sh
# Regenerate core/foil.sym, the checked-in list of exported symbols, from a build.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
lib=${1:-$root/build/core/libfoil.so}
nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBR]$/ {print $3}' | sort > "$root/core/foil.sym"
echo "wrote $(wc -l < "$root/core/foil.sym") symbols to core/foil.sym"
