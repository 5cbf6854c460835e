#!/usr/bin/env bash
# Ruby gem: build it (ruby/make_gem.sh), install it into a fresh GEM_HOME with
# `gem install --local`, run the minitest suite against the installed gem (not the build tree),
# then `rbs validate` on ruby/sig. Prints minitest's summary line; non-zero exit on failure.
#   scripts/test-ruby.sh [--system]   --system: also install with --use-system-libraries against
#                                     a libfoil installed (cmake --install) into a temp prefix
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export FOIL_SPEC_DIR=${FOIL_SPEC_DIR:-$root/../shared/foil-spec}
work=$(mktemp -d /tmp/foil-ruby-test.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "test-ruby: building the gem"
gem_file=$(bash "$root/ruby/make_gem.sh" "$work/pkg" | tail -n 1)
echo "test-ruby: gem install --local $(basename "$gem_file") into a fresh GEM_HOME"
gem_home="$work/gems"
MAKEFLAGS=-j2 gem install --local --no-document --install-dir "$gem_home" "$gem_file" >"$work/install.log" 2>&1 ||
    { tail -n 60 "$work/install.log" >&2; find "$gem_home" -name mkmf.log -exec tail -n 40 {} \; >&2; exit 1; }

# The installed gem only: GEM_PATH keeps Ruby's bundled gems (minitest, rbs) visible (SWIG-NOTES R6).
export GEM_HOME="$gem_home"
export GEM_PATH="$gem_home:$(env -u GEM_HOME -u GEM_PATH gem env gempath)"
cd "$work"
ruby -e 'require "foil"
native = $LOADED_FEATURES.grep(%r{/foil/native\.so\z}).first.to_s
abort "test-ruby: foil/native.so not loaded from GEM_HOME: #{native}" unless native.start_with?(ENV["GEM_HOME"])
libs = `ldd #{native}`
abort "test-ruby: the extension links a shared libfoil:\n#{libs}" if libs.include?("libfoil")
puts "test-ruby: using #{native}"'

echo "test-ruby: minitest ruby/test"
ruby -e 'Dir[File.join(ARGV[0], "test_*.rb")].sort.each { |f| require f }' "$root/ruby/test" 2>&1 | tee "$work/minitest.log"
summary=$(grep -E '^[0-9]+ runs, ' "$work/minitest.log" | tail -n 1)
[ -n "$summary" ] || { echo "test-ruby: no minitest summary" >&2; exit 1; }
echo "$summary" | grep -Eq ' 0 failures, 0 errors' || { echo "test-ruby: FAILED: $summary" >&2; exit 1; }

echo "test-ruby: rbs validate ruby/sig"
ruby -e 'ARGV.replace(["-I", ARGV[0], "validate"]); load Gem.bin_path("rbs", "rbs")' "$root/ruby/sig" \
    >"$work/rbs.log" 2>&1 || { cat "$work/rbs.log" >&2; echo "test-ruby: rbs validate failed" >&2; exit 1; }

if [ "${1:-}" = "--system" ]; then
    echo "test-ruby: --use-system-libraries against an installed libfoil"
    cmake -S "$root" -B "$work/cbuild" -G Ninja -DCMAKE_BUILD_TYPE=Release -DFOIL_BUILD_TESTS=OFF \
        -DFOIL_BUILD_CLI=OFF -DFOIL_BUILD_EMULATOR=OFF -DCMAKE_INSTALL_PREFIX="$work/prefix" >"$work/cmake.log" 2>&1 ||
        { tail -n 40 "$work/cmake.log" >&2; exit 1; }
    cmake --build "$work/cbuild" -j2 >>"$work/cmake.log" 2>&1 && cmake --install "$work/cbuild" >>"$work/cmake.log" 2>&1 ||
        { tail -n 40 "$work/cmake.log" >&2; exit 1; }
    sys_home="$work/gems-system"
    PKG_CONFIG_PATH="$(dirname "$(find "$work/prefix" -name foil.pc | head -n 1)")" MAKEFLAGS=-j2 \
        gem install --local --no-document --install-dir "$sys_home" "$gem_file" -- --use-system-libraries \
        >"$work/install-system.log" 2>&1 || { tail -n 60 "$work/install-system.log" >&2; exit 1; }
    GEM_HOME="$sys_home" GEM_PATH="$sys_home:${GEM_PATH#*:}" ruby -e 'require "foil"; require "foil/testing"
native = $LOADED_FEATURES.grep(%r{/foil/native\.so\z}).first
abort "test-ruby: not linked to the installed libfoil" unless `ldd #{native}`.include?(ARGV[0])
Foil::Testing::Emulator.start(session_count: 5) { |emu| raise "bad page" unless emu.client.sessions.list(limit: 3).items.size == 3 }
puts "test-ruby: --use-system-libraries OK (links #{ARGV[0]}/lib*/libfoil.so)"' "$work/prefix"
fi
echo "test-ruby: $summary"
