"""Shared fixtures: a foil-emulator process (from FOIL_EMULATOR_BIN) and an OpenAPI validator
(from FOIL_SPEC_DIR)."""

import json
import os
import pathlib
import subprocess
import time

import httpx
import pytest

HERE = pathlib.Path(__file__).resolve().parent
DEFAULT_SPEC_DIR = HERE.parent.parent.parent / "shared" / "foil-spec"


class Emulator:
    def __init__(self, proc, info):
        self.proc = proc
        self.base_url = info["base_url"]
        self.secret_key = info["secret_key"]
        self.organization_id = info["organization_id"]

    def client(self, key=None):
        headers = {"Accept": "application/json"}
        if key is not False:
            headers["Authorization"] = f"Bearer {key or self.secret_key}"
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=30)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise


def start_emulator(*args):
    binary = os.environ.get("FOIL_EMULATOR_BIN")
    if not binary:
        pytest.skip("FOIL_EMULATOR_BIN is not set (path to the built foil-emulator)")
    started = time.monotonic()
    proc = subprocess.Popen(
        [binary, "--json", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    line = proc.stdout.readline()
    if not line:
        raise RuntimeError("foil-emulator exited: " + proc.stderr.read())
    emu = Emulator(proc, json.loads(line))
    emu.startup_seconds = time.monotonic() - started
    return emu


@pytest.fixture(scope="module")
def emulator():
    emu = start_emulator("--seed-sessions", "300", "--gate-ttl", "600")
    yield emu
    emu.stop()
    assert emu.proc.returncode == 0, "foil-emulator did not stop cleanly on SIGTERM"


def spec_dir():
    return pathlib.Path(os.environ.get("FOIL_SPEC_DIR", DEFAULT_SPEC_DIR))


@pytest.fixture(scope="session")
def openapi():
    path = spec_dir() / "openapi.json"
    if not path.exists():
        pytest.skip(f"the Foil SDK spec is not at {path} (set FOIL_SPEC_DIR)")
    return json.loads(path.read_text())


@pytest.fixture(scope="module")
def sk(emulator):
    """An HTTP client with the emulator's secret key."""
    with emulator.client() as c:
        yield c


@pytest.fixture(scope="module")
def anon(emulator):
    """An HTTP client without credentials."""
    with emulator.client(key=False) as c:
        yield c
