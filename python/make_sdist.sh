#!/usr/bin/env bash
# Builds a self-contained sdist of the Python package: installing it needs a C toolchain and the
# system libraries, but no SWIG and no checkout around it.
#
#   python/make_sdist.sh [OUTDIR]        (default OUTDIR: python/dist)
#
# It works on a staging copy of python/ in a temp dir, so the working tree is never touched:
#   1. copy python/ and, into its _vendor/, only what the CMake build needs from core/, emulator/
#      and swig/;
#   2. generate the wrapper from those copies with the pinned SWIG (CMake target
#      foil_python_wrapper) and put it in generated/;
#   3. build the sdist (scikit-build-core; sdist.include takes the gitignored generated/ and _vendor/).
# Tools (build, scikit-build-core, the pinned swig from PyPI) live in a venv that is reused:
# $FOIL_SDIST_TOOLS (default /tmp/foil-sdist-tools).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
outdir=$(mkdir -p "${1:-$root/python/dist}" && cd "${1:-$root/python/dist}" && pwd)
tools=${FOIL_SDIST_TOOLS:-/tmp/foil-sdist-tools}

# The SWIG pin has one home: tool.scikit-build.build.requires in pyproject.toml.
swig_pin=$(python3 -c 'import sys, tomllib
reqs = tomllib.load(open(sys.argv[1], "rb"))["tool"]["scikit-build"]["build"]["requires"]
print(next(r for r in reqs if r.startswith("swig==")))' "$root/python/pyproject.toml")

if [ ! -x "$tools/bin/swig" ] || ! "$tools/bin/python" -m pip show -q build scikit-build-core >/dev/null 2>&1 ||
    [ "$("$tools/bin/python" -m pip show swig 2>/dev/null | sed -n 's/^Version: //p')" != "${swig_pin#swig==}" ]; then
    echo "make_sdist: tools venv $tools ($swig_pin, build, scikit-build-core)"
    python3 -m venv "$tools"
    "$tools/bin/python" -m pip install -q "$swig_pin" build "scikit-build-core>=0.11"
fi

work=$(mktemp -d /tmp/foil-sdist.XXXXXX)
trap 'rm -rf "$work"' EXIT
stage="$work/python"
mkdir -p "$stage/_vendor/core" "$stage/_vendor/emulator" "$stage/_vendor/swig" "$stage/generated"

# python/ as `pip install ./python` sees it, less build output and any leftovers of earlier runs.
tar -C "$root/python" --exclude=./build --exclude=./dist --exclude=./generated --exclude=./_vendor \
    --exclude=__pycache__ --exclude='*.egg-info' --exclude=.mypy_cache -cf - . | tar -C "$stage" -xf -
# The C sources: CMake files, templates, headers and sources; no tests.
(cd "$root/core" && cp -R CMakeLists.txt ./*.in include src "$stage/_vendor/core/")
(cd "$root/emulator" && cp -R CMakeLists.txt main.c include src "$stage/_vendor/emulator/")
cp "$root/swig/"*.i "$stage/_vendor/swig/"

echo "make_sdist: generating the wrapper with $swig_pin"
cmake -S "$stage" -B "$work/wrapper-build" -G Ninja -DSWIG_EXECUTABLE="$tools/bin/swig" \
    -DPython_EXECUTABLE="$tools/bin/python" >"$work/configure.log" 2>&1 ||
    { cat "$work/configure.log" >&2; exit 1; }
cmake --build "$work/wrapper-build" --target foil_python_wrapper >"$work/wrapper.log" 2>&1 ||
    { cat "$work/wrapper.log" >&2; exit 1; }
cp "$work/wrapper-build/generated/"*_wrap.c "$work/wrapper-build/generated/"*native.py "$stage/generated/"

echo "make_sdist: building the sdist"
"$tools/bin/python" -m build --sdist --no-isolation --outdir "$work/dist" "$stage" >"$work/sdist.log" 2>&1 ||
    { cat "$work/sdist.log" >&2; exit 1; }
sdist=$(ls "$work/dist/"*.tar.gz)

# An sdist without the wrapper or the vendored core would silently need SWIG or a checkout.
listing=$(tar -tzf "$sdist")
for required in generated/native_wrap.c generated/native.py generated/testing_native_wrap.c generated/testing_native.py _vendor/core/CMakeLists.txt _vendor/core/foil.pc.in \
    _vendor/emulator/CMakeLists.txt _vendor/swig/python.i CMakeLists.txt pyproject.toml PKG-INFO; do
    grep -q "^[^/]*/$required\$" <<<"$listing" || { echo "make_sdist: $required missing from $sdist" >&2; exit 1; }
done
cp "$sdist" "$outdir/"
echo "$outdir/$(basename "$sdist")"
