"""Seconds given to the Python API as the core's milliseconds (timeouts and waits)."""

from __future__ import annotations

import math

from . import native as _native

__all__ = ["seconds_to_ms"]


def seconds_to_ms(value: float, name: str, *, or_none: bool = False) -> int:
    """Seconds as the core's milliseconds; the range and its error are the core's
    (foil_seconds_to_ms). Only the Python type is checked here."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        expected = "a number of seconds or None" if or_none else "a number of seconds"
        raise TypeError(f"{name} must be {expected}, not {type(value).__name__}")
    try:
        seconds = float(value)
    except OverflowError:  # an int beyond a double: out of range either way
        seconds = math.inf if value > 0 else -math.inf
    return int(_native.seconds_to_ms(name, seconds))
