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
status=0
"$venv/bin/python" "$repo/bench/run.py" "$@" || status=$?

# ------------------------------------------------------------------------------------------
# Lua (bindings/lua, issue 13): bench/lua_walk.lua walks 100,000 sessions with the libfoil rock
# and with a hand-written LuaSocket + lua-cjson keep-alive loop, against one foil-emulator
# process (run.py's build), on Lua 5.4 and LuaJIT. Its own rows, after run.py's table.
lua_block() {
    local quick=0 skip_build=0 arg
    for arg in "$@"; do
        case $arg in --quick) quick=1 ;; --skip-build) skip_build=1 ;; esac
    done
    local total=100000 rounds=3
    [ $quick = 1 ] && total=2000 rounds=1
    local tmp emu_pid="" base key
    tmp=$(mktemp -d /tmp/foil-lua-bench.XXXXXX)
    local emu_exe="$repo/build-bench/emulator/foil-emulator"
    if [ -x "$emu_exe" ]; then
        "$emu_exe" --json --seed-sessions "$total" >"$tmp/emu.json" 2>"$tmp/emu.log" &
        emu_pid=$!
        for _ in $(seq 1 200); do [ -s "$tmp/emu.json" ] && break; sleep 0.05; done
        base=$(sed -n 's/.*"base_url": *"\([^"]*\)".*/\1/p' "$tmp/emu.json")
        key=$(sed -n 's/.*"secret_key": *"\([^"]*\)".*/\1/p' "$tmp/emu.json")
    fi
    local rc=0 interp luaver extra tree
    echo
    echo "Lua walk: benchmark | libfoil rock | LuaSocket + lua-cjson | ratio | target | met?"
    for interp in lua5.4 luajit; do
        case $interp in
        lua5.4) luaver=5.4 extra=() ;;
        luajit) luaver=5.1 extra=(LUA_INCDIR=/usr/include/luajit-2.1) ;;
        esac
        command -v "$interp" >/dev/null || { echo "lua-bench: $interp not installed, skipped"; continue; }
        tree="$repo/build-bench/lua-$interp"
        if [ $skip_build = 0 ] || [ ! -d "$tree" ]; then
            if ! (cd "$repo" && luarocks --lua-version "$luaver" --tree "$tree" make \
                bindings/lua/libfoil-0.2.0-1.rockspec "${extra[@]}" >"$tmp/make-$interp.log" 2>&1); then
                tail -n 20 "$tmp/make-$interp.log" >&2
                echo "lua-bench: the rock did not build for $interp" >&2
                rc=1
                continue
            fi
        fi
        local conn=()
        [ -n "${base:-}" ] && conn=(--base-url "$base" --secret-key "$key")
        (eval "$(luarocks --lua-version "$luaver" --tree "$tree" path)" &&
            "$interp" "$repo/bench/lua_walk.lua" --total "$total" --rounds "$rounds" "${conn[@]}") || rc=1
    done
    [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null && wait "$emu_pid" 2>/dev/null
    rm -rf "$tmp"
    return $rc
}
lua_block "$@" || status=1
# ------------------------------------------------------------------------------------------

exit $status
