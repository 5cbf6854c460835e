#!/usr/bin/env bash
# Lua rows of bench/run.sh (see "language rows" in bench/run.py): builds the libfoil rock with
# `luarocks make` for Lua 5.4 and for LuaJIT into build-bench/lua-*, runs bench/lua_walk.lua
# against the emulator of the run and prints its rows as JSON lines (per interpreter: plain
# tables, the `fields` projection, and socket.http for information).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$repo/build-bench"
sizes=(--total 100000 --rounds 3)
[ "${FOIL_BENCH_QUICK:-0}" = 1 ] && sizes=(--total 4000 --rounds 1)
for interp in lua5.4 luajit; do
    case $interp in
    lua5.4) luaver=5.4 extra=() ;;
    luajit) luaver=5.1 extra=(LUA_INCDIR=/usr/include/luajit-2.1) ;;
    esac
    command -v "$interp" >/dev/null || { echo "lua rows: $interp is not installed" >&2; exit 1; }
    tree="$repo/build-bench/lua-$interp"
    log="$repo/build-bench/lua-$interp-make.log"
    if [ "${FOIL_BENCH_SKIP_INSTALL:-0}" != 1 ] || [ ! -d "$tree" ]; then
        rm -rf "$tree"
        (cd "$repo" && luarocks --lua-version "$luaver" --tree "$tree" make \
            bindings/lua/libfoil-0.2.0-1.rockspec "${extra[@]}" >"$log" 2>&1) ||
            { tail -n 40 "$log" >&2; exit 1; }
    fi
    (eval "$(luarocks --lua-version "$luaver" --tree "$tree" path)" &&
        "$interp" "$repo/bench/lua_walk.lua" --rows --base-url "$FOIL_BENCH_BASE_URL" \
            --secret-key "$FOIL_BENCH_SECRET_KEY" "${sizes[@]}")
done
