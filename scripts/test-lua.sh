#!/usr/bin/env bash
# Lua binding (issue 13): build the rock with `luarocks make` from the repository root (SWIG
# generates the wrapper) into a fresh
# tree for Lua 5.4 and for LuaJIT (the 5.1 ABI, LuaJIT's headers), then run
# bindings/lua/tests against each installed rock. Exits non-zero on any failure. On LuaJIT,
# tests/test_nginx.lua also runs the rock inside a real nginx (its Lua module; skipped with the
# reason when nginx or the module is missing: scripts/bootstrap.sh --test installs them).
#
#   scripts/test-lua.sh            both interpreters
#   scripts/test-lua.sh lua5.4     one of: lua5.4 luajit
#   scripts/test-lua.sh --system   also build the rock with FOIL_USE_SYSTEM_LIBRARIES=1 against a
#                                  libfoil installed (cmake --install) into a temp prefix: it
#                                  compiles no core source, links that libfoil.so, needs no
#                                  symbol libfoil.so does not export, and the suite passes
#   FOIL_LUA_VALGRIND=1 ...        also run the suite (less the RSS leak checks) under valgrind
#                                  on each interpreter: no memory error, no definite leak
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export FOIL_SPEC_DIR=${FOIL_SPEC_DIR:-$root/../shared/foil-spec}
# The default stage builds the vendored core whatever the caller's environment says.
unset FOIL_USE_SYSTEM_LIBRARIES
system=0
interpreters=()
for arg in "$@"; do
    case $arg in
    --system) system=1 ;;
    *) interpreters+=("$arg") ;;
    esac
done
[ ${#interpreters[@]} -gt 0 ] || interpreters=(lua5.4 luajit)

echo "test-lua: SWIG wraps swig/foil.i for Lua (luarocks make generates the wrapper from it)"
bash "$root/bindings/lua/generate.sh" --check

work=$(mktemp -d /tmp/foil-lua-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
# `luarocks make` writes the wrapper and objects (build-lua/) into the tree: build in a copy of
# it (tracked files plus new ones not ignored), so the checkout stays clean, the wrapper is
# generated afresh and no stale object is reused.
mkdir "$work/src"
(cd "$root" && git ls-files -z --cached --others --exclude-standard |
    xargs -0 cp --parents -t "$work/src" 2>/dev/null || true)
for f in bindings/lua/libfoil-0.2.0-1.rockspec bindings/lua/Makefile swig/foil.i core/include/foil/foil.h; do
    [ -f "$work/src/$f" ] || { echo "test-lua: $f missing from the copy" >&2; exit 1; }
done

lua_args() {  # $1: interpreter; sets luaver and extra (luarocks variables)
    case $1 in
    lua5.4) luaver=5.4 extra=() ;;
    # OpenResty's LuaJIT branch (Debian's luajit2), the one nginx's Lua module runs on: same
    # binary name and headers as Debian's luajit, which it replaces.
    luajit) luaver=5.1 extra=(LUA_INCDIR=/usr/include/luajit-2.1) ;;
    *) echo "test-lua: unknown interpreter $1" >&2; exit 2 ;;
    esac
}

status=0
for interp in "${interpreters[@]}"; do
    lua_args "$interp"
    tree="$work/tree-$interp"
    echo "test-lua: luarocks --lua-version $luaver make bindings/lua/libfoil-0.2.0-1.rockspec ($interp)"
    if ! (cd "$work/src" && luarocks --lua-version "$luaver" --tree "$tree" make \
        bindings/lua/libfoil-0.2.0-1.rockspec "${extra[@]}" >"$work/make-$interp.log" 2>&1); then
        tail -n 40 "$work/make-$interp.log" >&2
        echo "test-lua: the rock did not build for $interp" >&2
        status=1
        continue
    fi
    # The module exports its entry point only (bindings/lua/Makefile: HIDDEN).
    exports=$(nm -D --defined-only "$(find "$tree" -name native.so)" | awk '{print $3}' | grep -v '^luaopen_foil_native$' || true)
    if [ -n "$exports" ]; then
        echo "test-lua: native.so ($interp) exports more than luaopen_foil_native: $(echo "$exports" | head -n 5 | tr '\n' ' ')" >&2
        status=1
    fi
    echo "test-lua: bindings/lua/tests on $interp, against the installed rock"
    # From an empty directory: only the tree's foil (and the tests' helpers) can be found.
    mkdir -p "$work/run-$interp"
    if ! (cd "$work/run-$interp" && eval "$(luarocks --lua-version "$luaver" --tree "$tree" path)" &&
        "$interp" "$root/bindings/lua/tests/run.lua"); then
        status=1
    fi
    if [ "${FOIL_LUA_VALGRIND:-0}" = 1 ]; then
        echo "test-lua: bindings/lua/tests under valgrind on $interp"
        files=$(cd "$root/bindings/lua/tests" && ls test_*.lua | sed 's/\.lua$//' | grep -v '^test_leaks$')
        # shellcheck disable=SC2086
        if ! (cd "$work/run-$interp" && eval "$(luarocks --lua-version "$luaver" --tree "$tree" path)" &&
            valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite \
                --show-leak-kinds=definite "$interp" "$root/bindings/lua/tests/run.lua" $files); then
            status=1
        fi
    fi
done

if [ $system = 1 ]; then
    echo "test-lua: --system: libfoil installed (cmake --install) into a temp prefix"
    cmake -S "$root" -B "$work/cbuild" -G Ninja -DCMAKE_BUILD_TYPE=Release -DFOIL_BUILD_TESTS=OFF \
        -DFOIL_BUILD_CLI=OFF -DFOIL_BUILD_EMULATOR=OFF -DCMAKE_INSTALL_PREFIX="$work/prefix" >"$work/cmake.log" 2>&1 &&
        cmake --build "$work/cbuild" -j2 >>"$work/cmake.log" 2>&1 &&
        cmake --install "$work/cbuild" >>"$work/cmake.log" 2>&1 || { tail -n 40 "$work/cmake.log" >&2; exit 1; }
    libfoil=$(find "$work/prefix" -name libfoil.so.0)
    export PKG_CONFIG_PATH
    PKG_CONFIG_PATH=$(dirname "$(find "$work/prefix" -name foil.pc)")
    nm -D --defined-only "$libfoil" | awk '{print $3}' | sort >"$work/exported"
    for interp in "${interpreters[@]}"; do
        lua_args "$interp"
        tree="$work/tree-system-$interp"
        echo "test-lua: FOIL_USE_SYSTEM_LIBRARIES=1 luarocks --lua-version $luaver make ... ($interp)"
        if ! (cd "$work/src" && FOIL_USE_SYSTEM_LIBRARIES=1 luarocks --lua-version "$luaver" --tree "$tree" \
            make bindings/lua/libfoil-0.2.0-1.rockspec "${extra[@]}" >"$work/make-system-$interp.log" 2>&1); then
            tail -n 40 "$work/make-system-$interp.log" >&2
            echo "test-lua: the rock did not build against the installed libfoil for $interp" >&2
            status=1
            continue
        fi
        native=$(find "$tree" -name native.so)
        problems=$(
            grep -q ' core/src/' "$work/make-system-$interp.log" && echo "it compiled the core's sources"
            grep -qF "$libfoil" <<<"$(ldd "$native")" || echo "ldd does not show $libfoil: $(ldd "$native")"
            # Lua loads modules with RTLD_NOW, but say which symbol, should one be hidden.
            nm -D --undefined-only "$native" | awk '$2 ~ /^foil_/ {print $2}' | sort | comm -23 - "$work/exported" |
                sed 's/^/needs a symbol libfoil.so does not export: /'
        )
        if [ -n "$problems" ]; then
            echo "test-lua: system build for $interp: $problems" >&2
            status=1
            continue
        fi
        echo "test-lua: $native links $libfoil; bindings/lua/tests on $interp against it"
        mkdir -p "$work/run-system-$interp"
        if ! (cd "$work/run-system-$interp" && eval "$(luarocks --lua-version "$luaver" --tree "$tree" path)" &&
            "$interp" "$root/bindings/lua/tests/run.lua"); then
            status=1
        fi
    done
fi
exit $status
