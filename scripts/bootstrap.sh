#!/usr/bin/env bash
# Install what a fresh Debian 12 machine lacks to build libfoil (--test: and test it;
# --bench: and run bench/run.sh; --dist: and build the packages with scripts/dist.sh).
# Idempotent: does nothing when everything is present.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-}

mapfile -t packages < <(grep -v '^#' "$root/scripts/apt-packages.txt" | sed '/^$/d')
case $mode in
--test) extra=apt-packages-test.txt ;;
--bench) extra=apt-packages-bench.txt ;;
--dist) extra=apt-packages-dist.txt ;;
*) extra= ;;
esac
if [ -n "$extra" ]; then
    mapfile -t -O "${#packages[@]}" packages < <(grep -v '^#' "$root/scripts/$extra" | sed '/^$/d')
fi
missing=()
for p in "${packages[@]}"; do
    grep -q "install ok installed" <<<"$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "bootstrap: installing ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$mode" = --test ]; then
    venv="$root/.venv"
    if [ ! -x "$venv/bin/python" ]; then
        echo "bootstrap: creating $venv"
        /usr/bin/python3 -m venv "$venv"
    fi
    "$venv/bin/python" -m pip install -q --upgrade pip >/dev/null
    "$venv/bin/python" -m pip install -q -r "$root/scripts/requirements-test.txt"
    # foil-server 0.3.x dropped its Gate API; the emulator's official-SDK Gate flow runs 0.2.5,
    # kept beside the venv so both versions are importable in separate processes.
    gate_sdk="$venv/foil-server-0.2.5"
    [ -d "$gate_sdk/foil_server" ] ||
        "$venv/bin/python" -m pip install -q --no-deps --target "$gate_sdk" foil-server==0.2.5
fi
