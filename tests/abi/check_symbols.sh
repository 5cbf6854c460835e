#!/bin/sh
# The shared library exports exactly the checked-in list of symbols, all foil_*.
# Usage: check_symbols.sh LIBFOIL_SO SYMBOL_LIST
set -eu
lib=$1 list=$2
actual=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBR]$/ {print $3}' | sort)
if echo "$actual" | grep -v '^foil_' >/dev/null; then
    echo "exported symbols without the foil_ prefix:"; echo "$actual" | grep -v '^foil_'; exit 1
fi
if ! echo "$actual" | diff -u "$list" - ; then
    echo "exported symbols differ from $list (+ exported but not listed, - listed but missing)."
    echo "If the API change is intended, regenerate with: scripts/update-symbols.sh"
    exit 1
fi
echo "$(echo "$actual" | wc -l) exported symbols match $list"
