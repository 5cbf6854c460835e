#!/usr/bin/env bash
# nginx row of bench/run.sh (see "language rows" in bench/run.py): requests per second through
# nginx (its Lua module, one worker, wrk) to a location making one Foil call, the rock over
# cosockets against the same location with the libcurl transport forced, the API delaying each
# request 50 ms (bench/nginx_rps.lua; its own emulator, in-process, for the delay fault). The
# LuaJIT rock is the one rows.d/lua.sh built (build-bench/lua-luajit), built here if missing.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
tree="$repo/build-bench/lua-luajit"
if [ ! -d "$tree" ]; then
    mkdir -p "$repo/build-bench"
    (cd "$repo" && luarocks --lua-version 5.1 --tree "$tree" make bindings/lua/libfoil-0.2.0-1.rockspec \
        LUA_INCDIR=/usr/include/luajit-2.1 >"$repo/build-bench/lua-luajit-make.log" 2>&1) ||
        { tail -n 40 "$repo/build-bench/lua-luajit-make.log" >&2; exit 1; }
fi
sizes=(--seconds 5 --rounds 2)
[ "${FOIL_BENCH_QUICK:-0}" = 1 ] && sizes=(--seconds 1 --rounds 1)
(eval "$(luarocks --lua-version 5.1 --tree "$tree" path)" &&
    luajit "$repo/bench/nginx_rps.lua" --rows --delay-ms 50 --connections 50 "${sizes[@]}")
