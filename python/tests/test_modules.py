"""How the package's native code is split and built: one abi3 module for the client, the
emulator in a module of its own that only foil.testing loads."""

from __future__ import annotations

import importlib
import socket
import subprocess
import sys
from typing import Any

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
    for name in ("foil._native", "foil._testing_native"):
        path = importlib.import_module(name).__file__
        assert path is not None and path.endswith(".abi3.so"), path


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


def test_a_ca_failure_names_ca_bundle(tmp_path: Any) -> None:
    # The wheel's libcurl comes from elsewhere: when trust cannot be set up, the error says
    # how to supply it. The listener never accepts: curl fails loading the CA file right
    # after the TCP handshake, before anything is sent.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        https = f"https://127.0.0.1:{listener.getsockname()[1]}"
        missing = str(tmp_path / "no-such-ca.pem")
        with foil.Foil(secret_key="sk_test_x", base_url=https, ca_bundle=missing, timeout=10) as client:
            try:
                client.sessions.list(limit=1)
            except foil.FoilConnectionError as e:
                assert "ca_bundle" in str(e) and missing in str(e), str(e)
            else:
                raise AssertionError("a request went out without its CA bundle")
