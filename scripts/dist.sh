#!/usr/bin/env bash
# Build the installable artifacts into dist/, write dist/SHA256SUMS and print the paths.
# Installs its own build tools first (scripts/bootstrap.sh --dist). Everything is built from
# this checkout at the one project version (project() in CMakeLists.txt).
#
#   scripts/dist.sh          every kind
#   scripts/dist.sh deb ...  only these kinds (deb)
#
#   deb  dist/libfoil0_<v>-1_<arch>.deb      the shared library
#        dist/libfoil-dev_<v>-1_<arch>.deb   headers, foil.pc, the CMake package
#        dist/foil_<v>-1_<arch>.deb          the command line (and `foil emulator`)
#        (apt-get install ./dist/*.deb)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
kinds=("$@")
[ ${#kinds[@]} -gt 0 ] || kinds=(deb)
jobs=$(nproc)
dist="$root/dist"
builds="$root/build-dist"

bash scripts/bootstrap.sh --dist

build_deb() {
    # The Debian layout: prefix /usr, so GNUInstallDirs picks the multiarch libdir.
    cmake -S . -B "$builds/deb" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
        -DFOIL_BUILD_TESTS=OFF -DFOIL_BUILD_BENCH=OFF >/dev/null
    cmake --build "$builds/deb" -j "$jobs" >/dev/null
    rm -f "$builds"/deb/*.deb
    (cd "$builds/deb" && cpack -G DEB >/dev/null 2>"$builds/deb/cpack.log") ||
        { cat "$builds/deb/cpack.log" >&2; exit 1; }
    mkdir -p "$dist"
    cp "$builds"/deb/*.deb "$dist/"
}

for kind in "${kinds[@]}"; do
    case $kind in
    deb) rm -f "$dist"/*.deb; build_deb ;;
    *) echo "dist.sh: unknown kind '$kind' (deb)" >&2; exit 2 ;;
    esac
done

(cd "$dist" && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | LC_ALL=C sort |
    xargs -r sha256sum >SHA256SUMS)
find "$dist" -type f | LC_ALL=C sort
