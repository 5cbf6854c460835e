#!/usr/bin/env bash
# The C ABI from Go (cgo), Rust and Node (koffi): build libfoil if needed, start an emulator
# per language, run each example (examples/ffi/*) as a test that asserts its results, and
# print `N passed, N failed`. Exits non-zero when a check failed.
#
#   bash scripts/test-ffi.sh [go] [rust] [node]     (default: all three)
#
# Environment:
#   FOIL_FFI_LINK=pkg-config (default) link against a `cmake --install` prefix found with
#                 pkg-config; FOIL_FFI_LINK=build-tree links build/core/libfoil.so.0 directly.
#   FOIL_FFI_BUILD=DIR    the CMake build directory (default: build)
#   FOIL_FFI_INSTALL=0    never install missing toolchains (default: install from Debian / npm
#                         when running as root with apt-get)
#   FOIL_FFI_REQUIRE=1    a missing toolchain is a failure, not a skip (for CI)
#   FOIL_SPEC_DIR         the foil-spec checkout (default: ../shared/foil-spec next to the repo)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${FOIL_FFI_BUILD:-$root/build}
link=${FOIL_FFI_LINK:-pkg-config}
export FOIL_SPEC_DIR=${FOIL_SPEC_DIR:-$root/../shared/foil-spec}
export PATH="$PATH:/usr/local/go/bin:$HOME/.cargo/bin"
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CARGO_NET_OFFLINE=true
langs=("$@")
[ ${#langs[@]} -gt 0 ] || langs=(go rust node)

work=$(mktemp -d)
emu_pid=
stop_emulator() {
    if [ -n "$emu_pid" ]; then
        kill "$emu_pid" 2>/dev/null && wait "$emu_pid" 2>/dev/null
        emu_pid=
    fi
}
trap 'stop_emulator; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

passed=0 failed=0 skipped=0
skip_notes=()
step() { printf '\n==== %s\n' "$*"; }
skip() { # language, reason[, number of checks]
    if [ "${FOIL_FFI_REQUIRE:-0}" = 1 ]; then
        echo "FAIL $1: $2 (FOIL_FFI_REQUIRE=1)"
        failed=$((failed + ${3:-4}))
    else
        echo "SKIP $1: $2"
        skipped=$((skipped + ${3:-4}))
        skip_notes+=("$1: $2")
    fi
}
can_install() {
    [ "${FOIL_FFI_INSTALL:-1}" = 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null
}
apt_install() {
    can_install || return 1
    echo "installing Debian packages: $*"
    if [ -z "${apt_updated:-}" ]; then
        apt-get update -qq >/dev/null 2>&1 || true
        apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
# version_ge A B: dotted version A >= B
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1)" = "$2" ]; }

step "libfoil and the emulator"
# The build-tree link needs the library and the emulator; an install needs everything the
# build installs (a no-op when the build is up to date, as after scripts/test.sh).
targets=(--target foil foil-emulator)
[ "$link" = pkg-config ] && targets=()
if [ ! -e "$build/CMakeCache.txt" ]; then
    command -v cmake >/dev/null || bash scripts/bootstrap.sh
    generator=()
    command -v ninja >/dev/null && generator=(-G Ninja)
    cmake -S . -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DFOIL_BUILD_TESTS=OFF \
        >/dev/null || exit 1
fi
cmake --build "$build" -j 2 "${targets[@]}" >"$work/build.log" 2>&1 || {
    tail -40 "$work/build.log"
    exit 1
}
emulator="$build/emulator/foil-emulator"
if [ "$link" = pkg-config ]; then
    cmake --install "$build" --prefix "$work/prefix" >/dev/null || exit 1
    libdir=$(ls -d "$work"/prefix/lib*/ | head -1)
    libdir=${libdir%/}
    export PKG_CONFIG_PATH="$libdir/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
    cflags=$(pkg-config --cflags foil) && ldflags=$(pkg-config --libs-only-L foil) || exit 1
    libdir=$(pkg-config --variable=libdir foil)
    echo "linking with pkg-config: $(pkg-config --cflags --libs foil)"
else
    libdir="$build/core"
    cflags="-I$root/core/include"
    ldflags="-L$libdir"
    echo "linking the build tree: $libdir"
fi
ldflags="$ldflags -Wl,-rpath,$libdir"
[ -d "$FOIL_SPEC_DIR/fixtures" ] ||
    echo "note: no foil-spec at $FOIL_SPEC_DIR: the sealed-token checks will report skip"

# Every example's Gate check uses the service `acme`: two outputs (one with non-ASCII UTF-8)
# and PATH, which the env-var policy refuses.
acme='acme={"ACME_API_KEY":"ak_test_123","ACME_NOTE":"naïve café ✓","PATH":"/tmp/evil"}'
start_emulator() {
    : >"$work/emu.json"
    "$emulator" --json --seed-sessions 250 --service "$acme" >"$work/emu.json" 2>"$work/emu.log" &
    emu_pid=$!
    for _ in $(seq 100); do
        grep -q base_url "$work/emu.json" 2>/dev/null && break
        sleep 0.05
    done
    FOIL_BASE_URL=$(sed -n 's/.*"base_url": *"\([^"]*\)".*/\1/p' "$work/emu.json")
    FOIL_SECRET_KEY=$(sed -n 's/.*"secret_key": *"\([^"]*\)".*/\1/p' "$work/emu.json")
    [ -n "$FOIL_BASE_URL" ] && [ -n "$FOIL_SECRET_KEY" ] || {
        echo "the emulator did not start:"
        cat "$work/emu.log"
        return 1
    }
    export FOIL_BASE_URL FOIL_SECRET_KEY
}

# run_checks LANG N CMD...: run one example against a fresh emulator; count its check
# lines (N expected).
run_checks() {
    local lang=$1 want=$2
    shift 2
    if ! start_emulator; then
        failed=$((failed + want))
        return
    fi
    timeout 300 "$@" >"$work/$lang.out" 2>&1 # a hung example fails instead of blocking CI
    local rc=$?
    stop_emulator
    cat "$work/$lang.out"
    local ok bad sk
    ok=$(grep -c '^ok - ' "$work/$lang.out")
    bad=$(grep -c '^not ok - ' "$work/$lang.out")
    sk=$(grep -c '^skip - ' "$work/$lang.out")
    if [ $((ok + bad + sk)) -lt "$want" ]; then # crashed before reporting every check
        echo "FAIL $lang: exit status $rc after $((ok + bad + sk)) of $want checks"
        bad=$((want - ok - sk))
    elif [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
        echo "FAIL $lang: exit status $rc"
        bad=1
    fi
    passed=$((passed + ok))
    failed=$((failed + bad))
    skipped=$((skipped + sk))
    [ "$sk" -eq 0 ] || skip_notes+=("$lang: $sk check(s) skipped (see above)")
}

test_go() {
    step "Go (cgo, standard library only)"
    if ! command -v go >/dev/null; then
        apt_install golang-go || true
    fi
    command -v go >/dev/null || {
        skip go "no Go toolchain (apt-get install golang-go)" 5
        return
    }
    command -v gcc >/dev/null || command -v cc >/dev/null || {
        skip go "no C compiler for cgo" 5
        return
    }
    local v
    v=$(go env GOVERSION | sed 's/^go//')
    version_ge "$v" 1.19 || {
        skip go "Go $v is older than 1.19" 5
        return
    }
    echo "go $v"
    (cd examples/ffi/go && CGO_ENABLED=1 CGO_CFLAGS="$cflags" CGO_LDFLAGS="$ldflags" \
        go build -o "$work/ffi-go" .) || {
        echo "FAIL go: build"
        failed=$((failed + 5))
        return
    }
    run_checks go 5 "$work/ffi-go"
}

test_rust() {
    step "Rust (extern \"C\" declarations and a safe wrapper, no crates)"
    if ! command -v cargo >/dev/null; then
        apt_install cargo || true
    fi
    command -v cargo >/dev/null && command -v rustc >/dev/null || {
        skip rust "no Rust toolchain (apt-get install cargo)"
        return
    }
    local v
    v=$(rustc --version | awk '{print $2}')
    version_ge "$v" 1.63 || {
        skip rust "rustc $v is older than 1.63"
        return
    }
    echo "rustc $v"
    (cd examples/ffi/rust && FOIL_LIB_DIR="$libdir" CARGO_TARGET_DIR="$work/rust-target" \
        cargo build --offline --locked --quiet) || {
        echo "FAIL rust: build"
        failed=$((failed + 4))
        return
    }
    run_checks rust 4 "$work/rust-target/debug/foil-ffi-example"
    # Drop frees every handle: the same run under valgrind must show no leak and no
    # invalid access.
    if ! command -v valgrind >/dev/null; then
        echo "SKIP rust under valgrind: no valgrind (apt-get install valgrind)"
        skipped=$((skipped + 1))
        skip_notes+=("rust under valgrind: no valgrind")
    elif start_emulator; then
        timeout 600 valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
            --errors-for-leak-kinds=definite,indirect --error-exitcode=9 \
            "$work/rust-target/debug/foil-ffi-example" >"$work/rust-vg.out" 2>&1
        local rc=$?
        stop_emulator
        if [ "$rc" -eq 0 ] && [ "$(grep -c '^ok - ' "$work/rust-vg.out")" -eq 4 ]; then
            echo "ok - rust under valgrind: every handle freed, no invalid access"
            passed=$((passed + 1))
        else
            tail -60 "$work/rust-vg.out"
            echo "not ok - rust under valgrind (exit status $rc)"
            failed=$((failed + 1))
        fi
    else
        failed=$((failed + 1))
    fi
}

test_node() {
    step "Node (koffi)"
    if ! command -v node >/dev/null; then
        apt_install nodejs || true
    fi
    if command -v node >/dev/null && ! command -v npm >/dev/null; then
        apt_install npm || true
    fi
    command -v node >/dev/null && command -v npm >/dev/null || {
        skip node "no Node.js / npm (apt-get install nodejs npm)" 6
        return
    }
    local v
    v=$(node --version | sed 's/^v//')
    version_ge "$v" 18 || {
        skip node "Node $v is older than 18" 6
        return
    }
    echo "node $v"
    # fdwatch (examples/ffi/node/fdwatch) is a small Node-API addon over a libuv poll
    # handle, built by node-gyp (bundled with npm) against Node's headers: Debian's nodejs
    # has them in libnode-dev.
    if [ ! -e "$(dirname "$(dirname "$(command -v node)")")/include/node/node_api.h" ]; then
        apt_install libnode-dev python3 make g++ || true
    fi
    if [ ! -d examples/ffi/node/node_modules/koffi ] ||
        [ ! -e examples/ffi/node/fdwatch/build/Release/fdwatch.node ]; then
        (cd examples/ffi/node && npm ci --no-audit --no-fund --loglevel=error) || {
            skip node "npm ci could not install koffi or build fdwatch (offline? no Node headers?)" 6
            return
        }
    fi
    FOIL_LIB="$libdir/libfoil.so.0" run_checks node 6 node examples/ffi/node/main.js
}

for lang in "${langs[@]}"; do
    case $lang in
    go | rust | node) "test_$lang" ;;
    *)
        echo "unknown language '$lang' (go, rust, node)"
        exit 2
        ;;
    esac
done

echo
for n in "${skip_notes[@]}"; do echo "skipped: $n"; done
[ "$skipped" -eq 0 ] || echo "$skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
