#!/usr/bin/env bash
# Generate the Lua SWIG wrapper bindings/lua/src/foil_wrap.c (not committed): swig/foil.i
# wrapped by SWIG >= 4.1 (`swig -lua`); it calls the hand-written runtime
# bindings/lua/src/foil_lua.c. bindings/lua/Makefile runs this when `luarocks make` builds from
# a checkout; the source rock made by scripts/dist.sh carries the result.
#
#   bindings/lua/generate.sh          write bindings/lua/src/foil_wrap.c
#   bindings/lua/generate.sh --check  wrap into a scratch file: exit 1 when SWIG fails or warns
#                                     (scripts/test-lua.sh)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mode=${1:-write}
cd "$root"

swig_wrapper() {  # $1: output file
  local swig
  swig=$(command -v swig4.0 || command -v swig || true)
  if [ -z "$swig" ]; then
    echo "generate.sh: SWIG is needed to build the Lua module from a checkout" \
         "(Debian: apt-get install swig), or install the source rock from scripts/dist.sh" >&2
    exit 2
  fi
  "$swig" -Werror -lua -nomoduleglobal -module foil_native -DFOIL_WITH_EMULATOR \
    -Icore/include -Iemulator/include -Iswig -Ibindings/lua/src -o "$1.tmp" swig/foil.i
  # No machine-specific paths in what a source rock ships.
  sed "s|$root/||g" "$1.tmp" >"$1" && rm -f "$1.tmp"
}

case "$mode" in
  --check)
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    swig_wrapper "$tmp/foil_wrap.c"
    echo "generate.sh: swig/foil.i wraps for Lua without a warning"
    ;;
  write) swig_wrapper bindings/lua/src/foil_wrap.c ;;
  *)
    echo "usage: $0 [--check]" >&2
    exit 2
    ;;
esac
