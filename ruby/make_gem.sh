#!/usr/bin/env bash
# Builds the libfoil gem: ruby/make_gem.sh [OUTDIR] [--stage DIR]
#
# The gem is self-contained: the SWIG wrapper is generated here (Debian's SWIG 4.1) and shipped,
# and libfoil's C sources (core/include, every file under core/src, its subfolders included) and
# the emulator's are vendored into ext/foil/vendor/. Installing it needs a C compiler and the
# Debian -dev packages only (no SWIG, no installed libfoil); `gem install X.gem --
# --use-system-libraries` links an installed libfoil through pkg-config instead.
# --stage DIR keeps the staged tree in DIR (for development builds) instead of a temp dir.
# The last line printed is the path of the .gem.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
outdir=
stage=
while [ $# -gt 0 ]; do
    case "$1" in
    --stage) stage=$2; shift 2 ;;
    *) outdir=$1; shift ;;
    esac
done
outdir=$(mkdir -p "${outdir:-$root/ruby/pkg}" && cd "${outdir:-$root/ruby/pkg}" && pwd)
if [ -z "$stage" ]; then
    work=$(mktemp -d /tmp/foil-gem.XXXXXX)
    trap 'rm -rf "$work"' EXIT
    stage="$work/libfoil"
fi
rm -rf "$stage"
mkdir -p "$stage"
stage=$(cd "$stage" && pwd)

swig=$(command -v swig4.0 || command -v swig || true)
[ -n "$swig" ] || { echo "make_gem: swig not found (apt-get install swig)" >&2; exit 1; }
swig_version=$("$swig" -version | sed -n 's/^SWIG Version //p')
case "$swig_version" in
4.[1-9]* | [5-9].*) ;;
*) echo "make_gem: SWIG >= 4.1 needed, $swig is $swig_version" >&2; exit 1 ;;
esac

# The gem's own files (tests stay out of the gem).
(cd "$root/ruby" && cp -R libfoil.gemspec README.md lib sig ext "$stage/")
rm -f "$stage"/ext/foil/*.o "$stage"/ext/foil/*.so "$stage"/ext/foil/Makefile "$stage"/ext/foil/mkmf.log
# Vendored C sources: headers and sources only, whatever folders core/src grows.
vendor="$stage/ext/foil/vendor"
for part in core emulator; do
    (cd "$root/$part" && find include src -type f \( -name '*.c' -o -name '*.h' -o -name '*.def' \) -print0 |
        while IFS= read -r -d '' f; do mkdir -p "$vendor/$part/$(dirname "$f")"; cp "$f" "$vendor/$part/$f"; done)
done

# The embedded emulator is part of the gem (Foil::Testing::Emulator); extconf.rb defines the same.
"$swig" -ruby -w801 -module foil::native -DFOIL_WITH_EMULATOR -I"$root/core/include" -I"$root/emulator/include" \
    -I"$root/swig" -I"$root/ruby/ext/foil" -o "$stage/ext/foil/foil_wrap.c" "$root/swig/foil.i"

(cd "$stage" && gem build libfoil.gemspec >"$stage/gem-build.log" 2>&1) || { cat "$stage/gem-build.log" >&2; exit 1; }
rm -f "$stage/gem-build.log"
gem_file=$(ls "$stage"/libfoil-*.gem)
mv "$gem_file" "$outdir/"
echo "$outdir/$(basename "$gem_file")"
