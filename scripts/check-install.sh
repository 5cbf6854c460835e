#!/usr/bin/env bash
# Install libfoil into a temporary prefix, then build the README's C example with
# pkg-config and with find_package(Foil), and run both against the emulator.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
work=$(mktemp -d)
trap 'kill "${emu_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
libdir=$(ls -d "$work"/prefix/lib*/ | head -1)
export PKG_CONFIG_PATH="$libdir/pkgconfig"
echo "pkg-config --cflags --libs foil: $(pkg-config --cflags --libs foil)"
cc -std=c11 -Wall -Wextra -Werror "$root/examples/quickstart.c" $(pkg-config --cflags --libs foil) \
    -Wl,-rpath,"$libdir" -o "$work/quickstart-pc"
cmake -S "$root/examples/cmake-consumer" -B "$work/consumer" -G Ninja \
    -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_RPATH="$libdir" >/dev/null
cmake --build "$work/consumer" >/dev/null
# Every public header stands alone, as C11 and as C++ (for C++ callers and FFI generators).
for h in "$work"/prefix/include/foil/*.h; do
    name=$(basename "$h")
    printf '#include <foil/%s>\nint main(void) { return 0; }\n' "$name" > "$work/h.c"
    cc -std=c11 -Wall -Wextra -Werror -pedantic -I"$work/prefix/include" -c "$work/h.c" -o /dev/null
    cp "$work/h.c" "$work/h.cpp"
    c++ -std=c++11 -Wall -Wextra -Werror -I"$work/prefix/include" -c "$work/h.cpp" -o /dev/null
done
# The umbrella header is installed too: #include <foil.h> with pkg-config's flags; the header,
# the library and foil.pc agree on the version.
printf '#include <foil.h>\n#include <stdio.h>\n#include <string.h>\nint main(void) {\n  puts(foil_version_string());\n  return strcmp(foil_version_string(), FOIL_VERSION) != 0;\n}\n' \
    > "$work/umbrella.c"
cc -std=c11 -Wall -Wextra -Werror "$work/umbrella.c" $(pkg-config --cflags --libs foil) \
    -Wl,-rpath,"$libdir" -o "$work/umbrella"
lib_version=$("$work/umbrella") || { echo "<foil.h>: header and library versions differ"; exit 1; }
[ "$lib_version" = "$(pkg-config --modversion foil)" ] ||
    { echo "foil.pc says $(pkg-config --modversion foil), the library $lib_version"; exit 1; }
echo "umbrella: #include <foil.h> builds; header, library and foil.pc are version $lib_version"
echo "headers: $(ls "$work"/prefix/include/foil/*.h | wc -l) public headers compile standalone as C11 and C++11"
grep -q 'SONAME.*libfoil.so.0' <<<"$(readelf -d "$libdir/libfoil.so")" || { echo "soname is not libfoil.so.0"; exit 1; }

"$build/emulator/foil-emulator" --json --seed-sessions 20 >"$work/emu.json" 2>"$work/emu.log" &
emu_pid=$!
for _ in $(seq 50); do [ -s "$work/emu.json" ] && break; sleep 0.1; done
export FOIL_BASE_URL=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["base_url"])' "$work/emu.json")
export FOIL_SECRET_KEY=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["secret_key"])' "$work/emu.json")
for exe in "$work/quickstart-pc" "$work/consumer/quickstart"; do
    out=$("$exe")
    lines=$(printf '%s\n' "$out" | grep -c '^sid_')
    [ "$lines" -eq 5 ] || { echo "$exe printed $lines sessions, expected 5:"; echo "$out"; exit 1; }
done
echo "install check: pkg-config and find_package(Foil) builds both listed 5 sessions from the emulator"
