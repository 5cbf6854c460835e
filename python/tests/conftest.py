"""Shared fixtures: the embedded emulator, clients, and the official spec fixtures."""

from __future__ import annotations

import json
import os
import pathlib
from typing import Any, Iterator

import pytest

import foil
from foil.testing import Emulator

_DEFAULT_SPEC = pathlib.Path(__file__).resolve().parents[2].parent / "shared" / "foil-spec"


def spec_dir() -> pathlib.Path:
    return pathlib.Path(os.environ.get("FOIL_SPEC_DIR") or _DEFAULT_SPEC)


def load_fixture(relative: str) -> Any:
    path = spec_dir() / "fixtures" / relative
    if not path.is_file():
        pytest.skip(f"foil-spec fixture {relative} not found under {spec_dir()} (set FOIL_SPEC_DIR)")
    return json.loads(path.read_text())


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    with Emulator(session_count=600, fingerprint_count=130) as emu:
        yield emu


@pytest.fixture()
def client(emulator: Emulator) -> Iterator[foil.Foil]:
    with emulator.client() as c:
        yield c
