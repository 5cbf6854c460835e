#!/usr/bin/env bash
# Builds the precompiled platform gem from the source gem: ruby/make_platform_gem.sh SOURCE_GEM [OUTDIR]
#
# The source gem (ruby/make_gem.sh) is installed into a scratch GEM_HOME, which compiles its
# extension for this Ruby; the built foil/native.so (stripped) and the gem's Ruby files are then
# packed as libfoil-<v>-<platform>.gem (x86_64-linux here): no `extensions`, no C sources, so
# `gem install` compiles nothing. The extension is built for this Ruby's ABI, so the gem requires
# this Ruby's minor version (~> 3.1.0 on Debian 12). libfoil and its emulator are compiled in; the
# C libraries under them are linked from the system (README.md, Install: the Debian runtime packages).
# The last line printed is the path of the .gem.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source_gem=$(readlink -f "${1:?usage: make_platform_gem.sh SOURCE_GEM [OUTDIR]}")
outdir=$(mkdir -p "${2:-$root/ruby/pkg}" && cd "${2:-$root/ruby/pkg}" && pwd)
work=$(mktemp -d /tmp/foil-platform-gem.XXXXXX)
trap 'rm -rf "$work"' EXIT

MAKEFLAGS=-j$(nproc) gem install --local --no-document --ignore-dependencies --install-dir "$work/gems" \
    "$source_gem" >"$work/install.log" 2>&1 ||
    { tail -n 60 "$work/install.log" >&2; find "$work/gems" -name mkmf.log -exec tail -n 40 {} \; >&2; exit 1; }

spec_file=$(ls "$work"/gems/specifications/libfoil-*.gemspec)
gem_dir="$work/gems/gems/$(basename "$spec_file" .gemspec)"
native=$(find "$work/gems/extensions" -path '*/foil/native.so')
[ -n "$native" ] || { echo "make_platform_gem: the source gem built no foil/native.so" >&2; exit 1; }

stage="$work/stage"
mkdir -p "$stage"
(cd "$gem_dir" && cp -R lib sig README.md "$stage/")
rm -f "$stage/lib/foil/native.so"
strip --strip-unneeded -o "$stage/lib/foil/native.so" "$native"

(cd "$stage" && ruby -rrubygems/package -e '
spec = Gem::Specification.load(ARGV[0])
spec.platform = Gem::Platform.local
spec.extensions = []
spec.files = Dir["lib/**/*.rb", "lib/foil/native.so", "sig/**/*.rbs", "README.md"]
# The extension is compiled against this Ruby: another minor version has another ABI.
spec.required_ruby_version = "~> #{RbConfig::CONFIG["MAJOR"]}.#{RbConfig::CONFIG["MINOR"]}.0"
spec.requirements = ["the shared libraries of libcurl, libsodium, libcjson, libmicrohttpd and zlib " \
                     "(Debian 12: libcurl4 libsodium23 libcjson1 libmicrohttpd12 zlib1g)"]
puts Gem::Package.build(spec)' "$spec_file") >"$work/build.log" 2>&1 ||
    { cat "$work/build.log" >&2; exit 1; }
gem_file=$(tail -n 1 "$work/build.log")
mv "$stage/$gem_file" "$outdir/"
echo "$outdir/$gem_file"
