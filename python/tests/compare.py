"""Field-by-field comparison of a foil-server result with a foil result."""

from __future__ import annotations

import dataclasses
from typing import Any


def assert_same(official: Any, ours: Any, path: str = "result") -> None:
    """Every attribute foil-server exposes has the same value and type through foil."""
    if dataclasses.is_dataclass(official) and not isinstance(official, type):
        assert type(ours).__name__ == type(official).__name__, f"{path}: {type(ours)} vs {type(official)}"
        for f in dataclasses.fields(official):
            assert_same(getattr(official, f.name), getattr(ours, f.name), f"{path}.{f.name}")
    elif isinstance(official, list):
        assert isinstance(ours, list), f"{path}: {type(ours)} is not a list"
        assert len(official) == len(ours), f"{path}: {len(ours)} items, foil-server has {len(official)}"
        for i, (a, b) in enumerate(zip(official, ours)):
            assert_same(a, b, f"{path}[{i}]")
    else:
        assert official == ours, f"{path}: {ours!r} != foil-server's {official!r}"
        if official is not None:
            assert type(official) is type(ours), f"{path}: {type(ours)} vs foil-server's {type(official)}"


def assert_same_list(official: Any, ours: Any) -> None:
    """Two ListResults: items field by field, then the pagination fields."""
    assert_same(official.items, ours.items, "items")
    assert (official.limit, official.has_more, official.next_cursor) == (ours.limit, ours.has_more, ours.next_cursor)
