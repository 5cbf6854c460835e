"""The raw SWIG layer over libfoil's C ABI with the embedded emulator (private: use ``foil.testing``)."""

from typing import Any

def __getattr__(name: str) -> Any: ...
