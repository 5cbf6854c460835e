"""How the package's native code is split and built: one abi3 module for the client, the
emulator in a module of its own that only foil.testing loads."""

from __future__ import annotations

import subprocess
import sys

import foil


def test_import_foil_loads_no_emulator() -> None:
    code = """if True:
        import sys
        import foil
        with foil.Foil(secret_key="sk_test_x", base_url="http://127.0.0.1:9") as client:
            pass
        maps = open("/proc/self/maps").read()
        print("foil._testing_native" in sys.modules, "libmicrohttpd" in maps, "_testing_native" in maps)
        import foil.testing
        maps = open("/proc/self/maps").read()
        print("foil._testing_native" in sys.modules, "libmicrohttpd" in maps, "_testing_native" in maps)
        """
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.split("\n")[:2] == ["False False False", "True True True"], done.stdout


def test_the_modules_use_the_stable_abi() -> None:
    from foil import _native, _testing_native

    for module in (_native, _testing_native):
        assert module.__file__ is not None and module.__file__.endswith(".abi3.so"), module.__file__


def test_the_testing_module_raises_the_package_errors() -> None:
    # Its own module, its own error hook (set by foil.testing): a failed emulator call raises
    # the package's exception, not the RuntimeError of a module without one.
    from foil.testing import Emulator

    with Emulator(session_count=1) as emu:
        try:
            Emulator(port=emu.port)
        except foil.FoilError as e:
            assert type(e).__module__ == "foil", type(e)
        else:
            raise AssertionError("a second emulator started on a busy port")
