"""The raw SWIG layer over libfoil's C ABI (private: use the ``foil`` package)."""

from typing import Any

def __getattr__(name: str) -> Any: ...
