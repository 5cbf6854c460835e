#!/usr/bin/env bash
# Build the installable artifacts into dist/, write dist/SHA256SUMS and print the paths.
# Installs its own build tools first (scripts/bootstrap.sh --dist). Everything is built from
# this checkout at the one project version (project() in CMakeLists.txt).
#
#   scripts/dist.sh          every kind
#   scripts/dist.sh deb ...  only these kinds (deb, lua, gem, wheel)
#
#   deb  dist/libfoil0_<v>-1_<arch>.deb      the shared library
#        dist/libfoil-dev_<v>-1_<arch>.deb   headers, foil.pc, the CMake package
#        dist/foil_<v>-1_<arch>.deb          the command line (and `foil emulator`)
#        (apt-get install ./dist/*.deb)
#   lua  dist/libfoil-<v>-1.src.rock                  the rock's sources with the SWIG wrapper:
#                                                     builds without SWIG (luarocks install)
#        dist/lua5.4/libfoil-<v>-1.linux-x86_64.rock  built for Lua 5.4 ...
#        dist/luajit/libfoil-<v>-1.linux-x86_64.rock  ... and LuaJIT (the 5.1 ABI; built on
#                                                     OpenResty's luajit2, nginx's): no compiler
#        (luarocks [--lua-version 5.1] install --deps-mode none <rock>)
#   gem  dist/libfoil-<v>.gem                the source gem (ruby/make_gem.sh): compiles on install
#        dist/libfoil-<v>-x86_64-linux.gem   precompiled for this Ruby (ruby/make_platform_gem.sh):
#                                            no compiler, only the runtime libraries (ruby/README.md)
#        (gem install --local <gem>)
#   wheel dist/libfoil-<v>-cp310-abi3-manylinux_2_<g>_<arch>.whl  one wheel for every CPython
#                                            >= 3.10 (the limited API), with libcurl, libsodium
#                                            and the rest outside the manylinux allow-list
#                                            vendored by auditwheel, tagged for this glibc 2.<g>
#        (pip install <wheel>)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
kinds=("$@")
[ ${#kinds[@]} -gt 0 ] || kinds=(deb lua gem wheel)
version=$(sed -n 's/^project(libfoil VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
jobs=$(nproc)
dist="$root/dist"
builds="$root/build-dist"

bash scripts/bootstrap.sh --dist
mkdir -p "$dist"

build_deb() {
    # The Debian layout: prefix /usr, so GNUInstallDirs picks the multiarch libdir.
    cmake -S . -B "$builds/deb" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
        -DFOIL_BUILD_TESTS=OFF -DFOIL_BUILD_BENCH=OFF >/dev/null
    cmake --build "$builds/deb" -j "$jobs" >/dev/null
    rm -f "$builds"/deb/*.deb
    (cd "$builds/deb" && cpack -G DEB >/dev/null 2>"$builds/deb/cpack.log") ||
        { cat "$builds/deb/cpack.log" >&2; exit 1; }
    cp "$builds"/deb/*.deb "$dist/"
}

build_lua() {
    local rock=libfoil-$version-1 stage="$builds/lua/src" interp luaver extra tree
    rm -rf "$builds/lua" && mkdir -p "$stage"
    # The source rock: the rockspec at the top, the files its Makefile builds from, and the
    # generated wrapper; no swig/, so bindings/lua/Makefile uses the wrapper as it is.
    bash bindings/lua/generate.sh
    git ls-files -z --cached --others --exclude-standard bindings/lua/Makefile bindings/lua/foil.lua bindings/lua/foil bindings/lua/src \
        bindings/lua/README.md core/include core/src emulator/include emulator/src |
        xargs -0 cp --parents -t "$stage"
    cp bindings/lua/src/foil_wrap.c "$stage/bindings/lua/src/"
    cp "bindings/lua/$rock.rockspec" "$stage/"
    (cd "$stage" && zip -qr -X "$dist/$rock.src.rock" .)
    # The binary rocks: the source rock built into a scratch tree per interpreter, then packed.
    for interp in lua5.4 luajit; do
        case $interp in
        lua5.4) luaver=5.4 extra=() ;;
        luajit) luaver=5.1 extra=(LUA_INCDIR=/usr/include/luajit-2.1) ;;
        esac
        tree="$builds/lua/tree-$interp"
        # Binary rocks carry the core: never the builder's libfoil (bindings/lua/Makefile).
        env -u FOIL_USE_SYSTEM_LIBRARIES luarocks --lua-version "$luaver" --tree "$tree" install --deps-mode none \
            "$dist/$rock.src.rock" "${extra[@]}" >"$builds/lua/$interp.log" 2>&1 ||
            { tail -n 30 "$builds/lua/$interp.log" >&2; exit 1; }
        mkdir -p "$dist/$interp"
        (cd "$dist/$interp" && luarocks --lua-version "$luaver" --tree "$tree" pack libfoil "$version-1" \
            >>"$builds/lua/$interp.log" 2>&1) || { tail -n 30 "$builds/lua/$interp.log" >&2; exit 1; }
    done
}

build_gem() {
    local source_gem
    source_gem=$(bash ruby/make_gem.sh "$dist" | tail -n 1)
    # The released gem carries the core whatever the builder has installed (extconf.rb reads it).
    env -u FOIL_USE_SYSTEM_LIBRARIES bash ruby/make_platform_gem.sh "$source_gem" "$dist" >/dev/null
}

build_wheel() {
    local tools="$builds/wheel-tools" raw="$builds/wheel" glibc
    # The PyPI tools (scripts/requirements-dist.txt) in a venv of their own, reused.
    if ! cmp -s scripts/requirements-dist.txt "$tools/requirements-dist.txt"; then
        rm -rf "$tools"
        python3 -m venv "$tools"
        "$tools/bin/python" -m pip install -q --upgrade pip >/dev/null
        "$tools/bin/python" -m pip install -q -r scripts/requirements-dist.txt
        cp scripts/requirements-dist.txt "$tools/"
    fi
    rm -rf "$raw" && mkdir -p "$raw"
    "$tools/bin/python" -m build --wheel --outdir "$raw" python >"$raw/build.log" 2>&1 ||
        { tail -n 40 "$raw/build.log" >&2; exit 1; }
    # Tagged for the glibc it was built on (auditwheel adds any older manylinux tag the
    # symbol versions prove compatible); --strip: the vendored libraries without symbols.
    glibc=$(getconf GNU_LIBC_VERSION | sed -n 's/^glibc 2\.\([0-9]*\)$/\1/p')
    PATH="$tools/bin:$PATH" auditwheel repair --plat "manylinux_2_${glibc}_$(uname -m)" --strip \
        -w "$dist" "$raw"/libfoil-*.whl >"$raw/repair.log" 2>&1 || { tail -n 40 "$raw/repair.log" >&2; exit 1; }
}

for kind in "${kinds[@]}"; do
    case $kind in
    deb) rm -f "$dist"/*.deb; build_deb ;;
    lua) rm -rf "$dist"/*.src.rock "$dist/lua5.4" "$dist/luajit"; build_lua ;;
    gem) rm -f "$dist"/*.gem; build_gem ;;
    wheel) rm -f "$dist"/*.whl; build_wheel ;;
    *) echo "dist.sh: unknown kind '$kind' (deb, lua, gem, wheel)" >&2; exit 2 ;;
    esac
done

(cd "$dist" && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | LC_ALL=C sort |
    xargs -r sha256sum >SHA256SUMS)
find "$dist" -type f | LC_ALL=C sort
