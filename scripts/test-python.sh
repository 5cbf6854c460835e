#!/usr/bin/env bash
# Python package: install ./python into the repo venv, run its pytest suite against the
# installed wheel (not the source tree), then mypy --strict on the examples and the package.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.venv"
py="$venv/bin/python"
[ -x "$py" ] || { echo "test-python: $venv missing; run scripts/bootstrap.sh --test" >&2; exit 1; }
export FOIL_SPEC_DIR=${FOIL_SPEC_DIR:-$root/../shared/foil-spec}

echo "test-python: pip install ./python"
"$py" -m pip install -q "$root/python"

echo "test-python: pytest python/tests"
# Run from the tests directory so `import foil` resolves to the installed package.
(cd "$root/python/tests" && "$py" -m pytest -q -p no:cacheprovider .)

echo "test-python: mypy --strict python/examples and the package itself"
(cd "$root/python/examples" && "$py" -m mypy --strict --no-incremental .)
# The package as installed: the sources plus foil/_models.py and foil/_api.py, generated from the
# model and operation tables.
mypy_tmp=$(mktemp -d /tmp/foil-mypy.XXXXXX)
cp -R "$root/python/src/foil" "$mypy_tmp/"
"$py" "$root/python/gen_models.py" "$root/core/include/foil/models.h" "$mypy_tmp/foil/_models.py"
"$py" "$root/python/gen_api.py" "$root/core/src/contract/operations.def" "$root/core/include/foil/models.h" \
    "$mypy_tmp/foil/_api.py"
(cd "$mypy_tmp" && "$py" -m mypy --strict --no-incremental foil)
rm -rf "$mypy_tmp"

echo "test-python: sdist installs without SWIG"
# python/make_sdist.sh ships the generated wrapper and the C sources; a user with only the sdist
# and no swig anywhere must get a working, self-contained extension.
sdist_tmp=$(mktemp -d /tmp/foil-sdist-test.XXXXXX)
trap 'rm -rf "$sdist_tmp"' EXIT
sdist=$(bash "$root/python/make_sdist.sh" "$sdist_tmp/dist" | tail -n 1)
# PATH without swig: every directory that holds a swig* is replaced by a shadow of it without one.
nosw_path=
IFS=: read -r -a path_dirs <<<"$PATH"
for dir in "${path_dirs[@]}"; do
    [ -d "$dir" ] || continue
    if compgen -G "$dir/swig*" >/dev/null; then
        shadow="$sdist_tmp/path/$(printf '%s' "$dir" | tr / _)"
        mkdir -p "$shadow"
        find "$dir" -maxdepth 1 ! -type d ! -name 'swig*' -exec ln -s -t "$shadow" {} +
        dir=$shadow
    fi
    nosw_path=${nosw_path:+$nosw_path:}$dir
done
/usr/bin/python3 -m venv "$sdist_tmp/venv"
user_env=(env PATH="$sdist_tmp/venv/bin:$nosw_path")
if "${user_env[@]}" sh -c 'command -v swig || command -v swig4.0'; then
    echo "test-python: swig is still on the user's PATH" >&2; exit 1
fi
# From a neutral directory: in the repo root, swig/ itself would import as a namespace package.
if (cd "$sdist_tmp" && "${user_env[@]}" python -c 'import swig' 2>/dev/null); then
    echo "test-python: swig is importable in the fresh venv" >&2; exit 1
fi
"${user_env[@]}" python -m pip install -q --upgrade pip >/dev/null
"${user_env[@]}" python -m pip install -v "$sdist" >"$sdist_tmp/install.log" 2>&1 ||
    { tail -n 60 "$sdist_tmp/install.log" >&2; exit 1; }
grep -q "Using the pre-generated SWIG wrapper" "$sdist_tmp/install.log" ||
    { echo "test-python: the sdist build did not use its pre-generated wrapper" >&2; exit 1; }
if grep -Eiq "Collecting swig|Downloading swig|swig-[0-9.]+-" "$sdist_tmp/install.log"; then
    echo "test-python: installing the sdist pulled in swig" >&2; exit 1
fi
(cd "$sdist_tmp" && "${user_env[@]}" python - <<'PY'
import subprocess

import foil
from foil import _native
from foil.testing import Emulator

print("test-python: installed from sdist: foil", foil.__version__)
with Emulator(session_count=5) as emu, emu.client() as client:
    page = client.sessions.list(limit=3)
    assert len(page.items) == 3, page.items
    assert page.items[0].id == emu.session_id(0), (page.items[0].id, emu.session_id(0))
ldd = subprocess.run(["ldd", _native.__file__], check=True, capture_output=True, text=True).stdout
assert "libfoil" not in ldd, ldd
print("test-python: sdist install OK (emulator round trip, no libfoil.so in ldd)")
PY
)
