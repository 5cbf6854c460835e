#!/usr/bin/env bash
# Build the packages (scripts/dist.sh) and check each one as a user would get it:
#   deb  control fields (version, shlibdeps Depends, libfoil-dev -> libfoil0 (=)), contents,
#        stripped binaries; then the three packages unpacked into a scratch root (dpkg -x):
#        every ELF resolves its libraries, and examples/quickstart.c builds with the packaged
#        foil.pc and lists sessions from the packaged `foil emulator`. On a throwaway machine
#        (CI=true, as root) the packages are also installed with apt-get, checked the same way
#        with the system's pkg-config and find_package(Foil), and purged again.
#   lua  the source rock carries the wrapper and no swig/; each binary rock installs with
#        `luarocks install --deps-mode none` into a fresh tree, its foil.native resolves every
#        library (and links no libfoil.so), and `require "foil"` lists sessions from its emulator.
#        With deb checked too, the source rock also builds with FOIL_USE_SYSTEM_LIBRARIES=1
#        against the libfoil0 and libfoil-dev packages (unpacked) and links their libfoil.so.
#   gem  the source gem carries the wrapper and extconf.rb; the platform gem is for this platform
#        and Ruby, has no extensions and no C sources, and ships foil/native.so. It installs with
#        `gem install --local` into a fresh GEM_HOME with no compiler and no make on PATH, builds
#        nothing, its native.so resolves every library (and links no libfoil.so), `require "foil"`
#        lists sessions from Foil::Testing::Emulator, and ruby/test passes against it.
#   wheel one cp310-abi3 wheel tagged manylinux_2_<this glibc>, under 12 MB; abi3audit finds no
#        stable-ABI violation; `auditwheel show` agrees with the tag; `ldd` of every .so in it
#        resolves to the wheel's own libraries or the manylinux allow-list; installed with pip
#        into a fresh venv (building nothing), `import foil` loads no emulator code and
#        python/tests passes against it.
#
#   scripts/test-dist.sh          every kind
#   scripts/test-dist.sh deb ...  only these kinds
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export FOIL_SPEC_DIR=${FOIL_SPEC_DIR:-$root/../shared/foil-spec}
kinds=("$@")
[ ${#kinds[@]} -gt 0 ] || kinds=(deb lua gem wheel)
version=$(sed -n 's/^project(libfoil VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
work=$(mktemp -d /tmp/foil-dist-test.XXXXXX)
trap 'kill "${emu_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

fail() { echo "test-dist: $*" >&2; exit 1; }

bash scripts/dist.sh "${kinds[@]}" >"$work/dist.out"
(cd dist && sha256sum --quiet -c SHA256SUMS) || fail "dist/SHA256SUMS does not match"

# Start an emulator ("$@": its command) and export FOIL_BASE_URL / FOIL_SECRET_KEY for it.
start_emulator() {
    rm -f "$work/emu.json"
    "$@" --json --seed-sessions 20 >"$work/emu.json" 2>"$work/emu.log" &
    emu_pid=$!
    for _ in $(seq 50); do [ -s "$work/emu.json" ] && break; sleep 0.1; done
    FOIL_BASE_URL=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["base_url"])' "$work/emu.json")
    FOIL_SECRET_KEY=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["secret_key"])' "$work/emu.json")
    export FOIL_BASE_URL FOIL_SECRET_KEY
}
# Its variables go with it: later checks (ruby/test reads FOIL_SECRET_KEY) run in a clean environment.
stop_emulator() { kill "$emu_pid"; wait "$emu_pid" 2>/dev/null || true; emu_pid=; unset FOIL_BASE_URL FOIL_SECRET_KEY; }

# Run a built quickstart: it lists the 5 newest of the emulator's sessions.
expect_five_sessions() {
    local out
    out=$("$@") || fail "$* failed: $out"
    [ "$(printf '%s\n' "$out" | grep -c '^sid_')" -eq 5 ] || fail "$* printed, expected 5 sessions: $out"
}

check_deb_fields() {
    local arch deb field
    arch=$(dpkg --print-architecture)
    for pkg in libfoil0 libfoil-dev foil; do
        deb=dist/${pkg}_${version}-1_${arch}.deb
        [ -f "$deb" ] || fail "$deb not built"
        dpkg-deb --contents "$deb" | awk '{print $6}' >"$work/$pkg.files"
        grep -v '^\./usr/' "$work/$pkg.files" && fail "$deb installs outside /usr"
        field=$(dpkg-deb -f "$deb" Version)
        [ "$field" = "$version-1" ] || fail "$deb has Version $field, the project is $version"
    done
    grep -q 'libcurl4 (>=' <<<"$(dpkg-deb -f "dist/libfoil0_${version}-1_${arch}.deb" Depends)" ||
        fail "libfoil0: Depends lacks the shlibdeps of libfoil.so"
    grep -q 'libmicrohttpd12 (>=' <<<"$(dpkg-deb -f "dist/foil_${version}-1_${arch}.deb" Depends)" ||
        fail "foil: Depends lacks the shlibdeps of the emulator"
    [ "$(dpkg-deb -f "dist/libfoil-dev_${version}-1_${arch}.deb" Depends)" = "libfoil0 (= ${version}-1)" ] ||
        fail "libfoil-dev must depend on exactly libfoil0 (= ${version}-1)"
    dpkg-deb -I "dist/libfoil0_${version}-1_${arch}.deb" shlibs >"$work/shlibs"
    grep -q '^libfoil 0 libfoil0' "$work/shlibs" ||
        fail "libfoil0 has no shlibs file"
    for f in include/foil/foil.h include/foil.h "lib/$(gcc -print-multiarch)/pkgconfig/foil.pc" \
        "lib/$(gcc -print-multiarch)/cmake/Foil/FoilConfig.cmake" "lib/$(gcc -print-multiarch)/libfoil.so"; do
        grep -qx "\./usr/$f" "$work/libfoil-dev.files" ||
            fail "libfoil-dev lacks /usr/$f"
    done
    echo "test-dist: deb control fields and contents: version $version-1, shlibdeps, shlibs, -dev files"
}

check_deb_unpacked() {
    local sys="$work/debroot" libdir elf
    for deb in dist/*.deb; do dpkg-deb -x "$deb" "$sys"; done
    libdir="$sys/usr/lib/$(gcc -print-multiarch)"
    for elf in "$sys/usr/bin/foil" "$libdir/libfoil.so.0"; do
        grep -q ', stripped' <<<"$(file -L "$elf")" || fail "$elf is not stripped"
        LD_LIBRARY_PATH=$libdir ldd "$elf" | grep 'not found' && fail "$elf: a library is missing"
    done
    cc -std=c11 -Wall -Wextra -Werror examples/quickstart.c \
        $(PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --cflags --libs foil) -o "$work/quickstart"
    start_emulator "$sys/usr/bin/foil" emulator
    expect_five_sessions env LD_LIBRARY_PATH="$libdir" "$work/quickstart"
    stop_emulator
    echo "test-dist: debs unpacked: quickstart.c builds with their foil.pc and lists sessions from their foil emulator"
}

check_deb_installed() {
    local pkgs=(libfoil0 libfoil-dev foil)
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ./dist/*.deb >/dev/null
    trap 'kill "${emu_pid:-}" 2>/dev/null || true; apt-get purge -y -qq "${pkgs[@]}" >/dev/null; rm -rf "$work"' EXIT
    cc -std=c11 -Wall -Wextra -Werror examples/quickstart.c $(pkg-config --cflags --libs foil) -o "$work/qs-pc"
    cmake -S examples/cmake-consumer -B "$work/consumer" -G Ninja >/dev/null
    cmake --build "$work/consumer" >/dev/null
    start_emulator foil emulator
    expect_five_sessions "$work/qs-pc"
    expect_five_sessions "$work/consumer/quickstart"
    stop_emulator
    apt-get purge -y -qq "${pkgs[@]}" >/dev/null
    trap 'kill "${emu_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
    echo "test-dist: debs installed with apt-get: pkg-config and find_package(Foil) builds list sessions; purged"
}

check_lua_rocks() {
    local src="dist/libfoil-$version-1.src.rock" interp luaver tree native
    unzip -Z1 "$src" >"$work/src-rock.files"
    grep -qx 'bindings/lua/src/foil_wrap.c' "$work/src-rock.files" || fail "$src lacks the wrapper"
    grep -q '^swig/' "$work/src-rock.files" && fail "$src carries swig/ (its build would need SWIG)"
    for interp in lua5.4 luajit; do
        case $interp in lua5.4) luaver=5.4 ;; luajit) luaver=5.1 ;; esac
        tree="$work/lua-$interp"
        luarocks --lua-version "$luaver" --tree "$tree" install --deps-mode none \
            "dist/$interp/libfoil-$version-1.linux-x86_64.rock" >"$work/lua-$interp.log" 2>&1 ||
            { cat "$work/lua-$interp.log" >&2; fail "the $interp binary rock does not install"; }
        grep -qiE '\bgcc\b|\bcc\b' "$work/lua-$interp.log" && fail "installing the $interp rock compiled something"
        native=$(find "$tree" -name native.so)
        ldd "$native" >"$work/ldd-$interp"
        grep 'not found' "$work/ldd-$interp" && fail "$native: a library is missing"
        grep -q 'libfoil\.so' "$work/ldd-$interp" && fail "$native links a shared libfoil"
        [ -f "$(dirname "$native")/../../../../share/lua/$luaver/foil/ngx.lua" ] ||
            fail "the $interp rock lacks foil/ngx.lua (the nginx cosocket transport)"
        (eval "$(luarocks --lua-version "$luaver" --tree "$tree" path)" && cd "$work" && "$interp" -e '
            local foil = require "foil"
            local emu = foil.testing.emulator{}
            local client = foil.new{ base_url = emu.base_url, secret_key = emu.secret_key }
            local page = assert(client.sessions:list{ limit = 5 })
            assert(#page.items == 5, "expected 5 sessions")
            emu:close()') || fail "the installed $interp rock does not work"
    done
    echo "test-dist: lua: source rock carries the wrapper; binary rocks for Lua 5.4 and LuaJIT install" \
        "without compiling and list sessions from their emulator"
    case " ${kinds[*]} " in *" deb "*) check_lua_source_rock_on_debs ;; esac
}

# The source rock built against the packaged libfoil (bindings/lua/Makefile's pkg-config path).
check_lua_source_rock_on_debs() {
    local sys="$work/lua-debroot" arch interp luaver extra tree libfoil native
    arch=$(dpkg --print-architecture)
    for pkg in libfoil0 libfoil-dev; do dpkg-deb -x "dist/${pkg}_${version}-1_${arch}.deb" "$sys"; done
    libfoil="$sys/usr/lib/$(gcc -print-multiarch)/libfoil.so.0"
    for interp in lua5.4 luajit; do
        case $interp in lua5.4) luaver=5.4 extra=() ;; luajit) luaver=5.1 extra=(LUA_INCDIR=/usr/include/luajit-2.1) ;; esac
        tree="$work/lua-system-$interp"
        FOIL_USE_SYSTEM_LIBRARIES=1 PKG_CONFIG_PATH="$(dirname "$libfoil")/pkgconfig" \
            luarocks --lua-version "$luaver" --tree "$tree" install --deps-mode none \
            "dist/libfoil-$version-1.src.rock" "${extra[@]}" >"$work/lua-system-$interp.log" 2>&1 ||
            { tail -n 30 "$work/lua-system-$interp.log" >&2; fail "the source rock does not build against the debs ($interp)"; }
        grep -q ' core/src/' "$work/lua-system-$interp.log" && fail "the $interp system build compiled the core"
        native=$(find "$tree" -name native.so)
        grep -qF "$libfoil" <<<"$(ldd "$native")" || fail "$native does not link the packaged $libfoil"
        (eval "$(luarocks --lua-version "$luaver" --tree "$tree" path)" && cd "$work" && "$interp" -e '
            local foil = require "foil"
            local emu = foil.testing.emulator{}
            local client = foil.new{ base_url = emu.base_url, secret_key = emu.secret_key }
            assert(#assert(client.sessions:list{ limit = 5 }).items == 5, "expected 5 sessions")
            emu:close()') || fail "the $interp rock built against the debs does not work"
    done
    echo "test-dist: lua: the source rock builds with FOIL_USE_SYSTEM_LIBRARIES=1 against the packaged" \
        "libfoil-dev, links its libfoil.so and lists sessions (Lua 5.4, LuaJIT)"
}

# PATH without a C compiler or make: every directory holding one is replaced by a shadow of it
# without them (the way scripts/test-python.sh hides swig).
path_without_compiler() {
    local dir names shadow path= hidden='^(cc|c\+\+|c89|c99|[gc]make|make|gcc.*|g\+\+.*|cpp.*|clang.*|tcc|.*-linux-gnu-.*)$'
    local -a dirs
    IFS=: read -r -a dirs <<<"$PATH"
    for dir in "${dirs[@]}"; do
        [ -d "$dir" ] || continue
        names=$(find -H "$dir" -maxdepth 1 ! -type d -printf '%f\n')
        if grep -Eq "$hidden" <<<"$names"; then
            shadow="$work/path/$(printf '%s' "$dir" | tr / _)"
            mkdir -p "$shadow"
            grep -Ev "$hidden" <<<"$names" | sed "s|^|$dir/|" | xargs -r -d '\n' ln -s -t "$shadow"
            dir=$shadow
        fi
        path=${path:+$path:}$dir
    done
    printf '%s' "$path"
}

check_gems() {
    local src="dist/libfoil-$version.gem" platform gem gem_home user_path native summary
    platform=$(ruby -e 'print Gem::Platform.local')
    gem="dist/libfoil-$version-$platform.gem"
    [ -f "$src" ] || fail "$src not built"
    [ -f "$gem" ] || fail "$gem not built"
    tar -xOf "$src" data.tar.gz | tar -tz >"$work/src-gem.files"
    for f in ext/foil/extconf.rb ext/foil/foil_wrap.c lib/foil.rb; do
        grep -qx "$f" "$work/src-gem.files" || fail "$src lacks $f"
    done
    tar -xOf "$gem" data.tar.gz | tar -tz >"$work/platform-gem.files"
    grep -qx lib/foil/native.so "$work/platform-gem.files" || fail "$gem lacks lib/foil/native.so"
    grep -E '\.(c|h)$|^ext/' "$work/platform-gem.files" && fail "$gem carries C sources"
    ruby -rrubygems/package -e 'spec = Gem::Package.new(ARGV[0]).spec
        abort "platform #{spec.platform}" unless spec.platform == Gem::Platform.local
        abort "extensions #{spec.extensions}" unless spec.extensions.empty?
        abort "requires #{spec.required_ruby_version}, not this Ruby" unless spec.required_ruby_version.satisfied_by?(Gem.ruby_version)
        abort "admits Ruby 3.99: its ABI differs" if spec.required_ruby_version.satisfied_by?(Gem::Version.new("3.99"))' \
        "$gem" || fail "$gem: wrong gemspec"

    user_path=$(path_without_compiler)
    env PATH="$user_path" sh -c 'command -v cc || command -v gcc || command -v make || command -v "$(ruby -e "print RbConfig::CONFIG[%q(CC)]")"' &&
        fail "a compiler is still on the shadow PATH"
    gem_home="$work/gems"
    env PATH="$user_path" gem install --local --no-document --install-dir "$gem_home" "$gem" >"$work/gem-install.log" 2>&1 ||
        { cat "$work/gem-install.log" >&2; fail "$gem does not install without a compiler"; }
    grep -qi 'native extension' "$work/gem-install.log" && fail "installing $gem built an extension"
    native=$(find "$gem_home" -name native.so)
    ldd "$native" >"$work/ldd-gem"
    grep 'not found' "$work/ldd-gem" && fail "$native: a library is missing"
    grep -q 'libfoil\.so' "$work/ldd-gem" && fail "$native links a shared libfoil"
    # The installed gem only; GEM_PATH keeps Ruby's bundled gems (minitest) visible.
    (export PATH="$user_path" GEM_HOME="$gem_home" GEM_PATH="$gem_home:$(env -u GEM_HOME -u GEM_PATH gem env gempath)"
    cd "$work" && ruby -e 'require "foil"; require "foil/testing"
        native = $LOADED_FEATURES.grep(%r{/foil/native\.so\z}).first.to_s
        abort "foil/native.so loaded from #{native}" unless native.start_with?(ENV["GEM_HOME"])
        Foil::Testing::Emulator.start(session_count: 20) do |emu|
          client = Foil::Client.new(base_url: emu.base_url, secret_key: emu.secret_key)
          abort "expected 5 sessions" unless client.sessions.list(limit: 5).items.size == 5
        end' &&
        ruby -e 'Dir[File.join(ARGV[0], "test_*.rb")].sort.each { |f| require f }' "$root/ruby/test" \
            >"$work/gem-minitest.log" 2>&1) ||
        { tail -n 40 "$work/gem-minitest.log" >&2 2>/dev/null; fail "the installed $gem does not work"; }
    summary=$(grep -E '^[0-9]+ runs, ' "$work/gem-minitest.log" | tail -n 1)
    echo "$summary" | grep -Eq ' 0 failures, 0 errors' || { cat "$work/gem-minitest.log" >&2; fail "ruby/test: $summary"; }
    echo "test-dist: gem: source gem carries the wrapper; $(basename "$gem") installs without a compiler," \
        "lists sessions from its emulator and passes ruby/test ($summary)"
}

check_wheel() {
    local tools="$root/build-dist/wheel-tools" glibc arch wheel size so lib path unpacked="$work/wheel" venv="$work/wheel-venv" summary
    local -a wheels allowed
    glibc=$(getconf GNU_LIBC_VERSION | sed -n 's/^glibc 2\.\([0-9]*\)$/\1/p')
    arch=$(uname -m)
    mapfile -t wheels < <(find dist -maxdepth 1 -name "libfoil-$version-cp310-abi3-*.whl")
    [ ${#wheels[@]} -eq 1 ] || fail "expected one abi3 wheel in dist/, found: ${wheels[*]:-none}"
    wheel=${wheels[0]}
    grep -q "manylinux_2_${glibc}_${arch}\.whl\$" <<<"$wheel" || fail "$wheel is not tagged manylinux_2_${glibc}_${arch}"
    size=$(stat -c %s "$wheel")
    [ "$size" -lt $((12 * 1024 * 1024)) ] || fail "$wheel is $size bytes (the limit is 12 MB)"
    "$tools/bin/abi3audit" --strict "$wheel" >"$work/abi3audit.log" 2>&1 ||
        { cat "$work/abi3audit.log" >&2; fail "abi3audit: $wheel uses more than the stable ABI"; }
    "$tools/bin/auditwheel" show "$wheel" >"$work/auditwheel.log" 2>&1 || { cat "$work/auditwheel.log" >&2; fail "auditwheel show failed"; }
    tr -s ' \n' ' ' <"$work/auditwheel.log" | grep "is consistent with the following platform tag: \"manylinux_2_[0-9]*_${arch}\"" >/dev/null ||
        { cat "$work/auditwheel.log" >&2; fail "auditwheel show: $wheel is not manylinux"; }
    # Every library an extension loads: the wheel's own (libfoil.libs/) or the allow-list.
    mapfile -t allowed < <("$tools/bin/python" -c 'import json, sys
from auditwheel.policy import __file__ as p
from pathlib import Path
policies = json.loads((Path(p).parent / "manylinux-policy.json").read_text())
print("\n".join(next(x for x in policies if x["name"] == sys.argv[1])["lib_whitelist"]))' "manylinux_2_${glibc}")
    mkdir -p "$unpacked" && unzip -q "$wheel" -d "$unpacked"
    [ -n "$(find "$unpacked/foil" -name '_native.abi3.so')" ] || fail "$wheel lacks foil/_native.abi3.so"
    while IFS= read -r so; do
        ldd "$so" >"$work/ldd-wheel" || fail "ldd $so failed"
        grep 'not found' "$work/ldd-wheel" && fail "$so: a library is missing"
        while read -r lib path; do
            case $path in "$unpacked"/*) continue ;; esac
            grep -qxF "$lib" <<<"$(printf '%s\n' "${allowed[@]}")" || fail "$so loads $lib from $path: not in the wheel nor on the allow-list"
        done < <(sed -n 's/^[[:space:]]*\([^ ]*\) => \([^ ]*\) .*/\1 \2/p' "$work/ldd-wheel")
    done < <(find "$unpacked" -name '*.so*' -type f)
    # A user's install: a fresh venv, the wheel and the test extra, nothing built.
    /usr/bin/python3 -m venv "$venv"
    "$venv/bin/python" -m pip install -q --upgrade pip >/dev/null
    "$venv/bin/python" -m pip install "$wheel[test]" >"$work/wheel-install.log" 2>&1 ||
        { tail -n 40 "$work/wheel-install.log" >&2; fail "$wheel does not install"; }
    grep -Eq 'Building wheel for libfoil|setup.py install for libfoil' "$work/wheel-install.log" && fail "installing $wheel built it"
    (cd "$work" && "$venv/bin/python" - "$venv" <<'PY'
import sys
import foil

assert foil.__file__.startswith(sys.argv[1]), foil.__file__
maps = open("/proc/self/maps").read()
assert "foil._testing_native" not in sys.modules and "microhttpd" not in maps, "import foil loaded the emulator"
from foil.testing import Emulator

with Emulator(session_count=20) as emu, emu.client() as client:
    assert len(client.sessions.list(limit=5).items) == 5
PY
    ) || fail "the installed $wheel does not work"
    (cd "$root/python/tests" && "$venv/bin/python" -m pytest -q -p no:cacheprovider . >"$work/wheel-pytest.log" 2>&1) ||
        { tail -n 40 "$work/wheel-pytest.log" >&2; fail "python/tests against the installed $wheel"; }
    summary=$(tail -n 1 "$work/wheel-pytest.log")
    echo "test-dist: wheel: $(basename "$wheel") ($((size / 1024)) KiB): abi3audit, auditwheel show and ldd clean;" \
        "installs without building, import foil loads no emulator, python/tests: $summary"
}

for kind in "${kinds[@]}"; do
    case $kind in
    deb)
        check_deb_fields
        check_deb_unpacked
        if [ "${CI:-}" = true ] && [ "$(id -u)" -eq 0 ]; then check_deb_installed; fi
        ;;
    lua) check_lua_rocks ;;
    gem) check_gems ;;
    wheel) check_wheel ;;
    *) fail "unknown kind '$kind'" ;;
    esac
done
echo "test-dist: all artifacts checked: $(grep -c . dist/SHA256SUMS) files in dist/"
