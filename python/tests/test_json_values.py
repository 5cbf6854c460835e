"""JSON values from the API (issue 18): a member named twice is a protocol error (defect 7);
integers are exact at any size, like json.loads (defect 11); results nested as deep as the
core reads (1000) convert or raise RecursionError as json.loads does, never crash (defect 5)."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

import foil
from test_hostile import Hostile, hostile  # noqa: F401  (the canned-server fixture)


def _get(hostile: Hostile, data: bytes) -> Any:  # noqa: F811
    hostile.answer(200, None, raw=b'{"data":{"object":"session","id":"sid_1",' + data + b"}}")
    return hostile.client().sessions.get("sid_1")


@pytest.mark.parametrize("data", [b'"id":"b"', b'"x":{"k":1,"k":2}', b'"\\u0069d":"b"'])
def test_member_named_twice_is_a_protocol_error(hostile: Hostile, data: bytes) -> None:  # noqa: F811
    with pytest.raises(foil.FoilProtocolError, match="same name"):
        _get(hostile, data)


def test_integers_are_exact_like_json_loads(hostile: Hostile) -> None:  # noqa: F811
    text = (b'"n":9007199254740993,"m":123000000000000000,"neg":-9223372036854775809,'
            b'"huge":123456789012345678901234567890,"f":1.0,"e":1e2,"x":1.23e17,"small":7')
    s = _get(hostile, text)
    want = json.loads(b"{" + text + b"}")
    for key, value in want.items():
        for got in (s[key], s.get(key), s.to_dict()[key]):
            assert got == value and type(got) is type(value), (key, got)
    assert s["n"] == 9007199254740993
    assert type(s["e"]) is float and type(s["small"]) is int


def test_results_nested_1000_deep(hostile: Hostile) -> None:  # noqa: F811
    # {"data":{..."deep":[[...]]}}: 2 + 998 levels, the core's limit
    s = _get(hostile, b'"deep":' + b"[" * 998 + b'"x"' + b"]" * 998)
    limit = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(max(limit, 5000))
        d = s.to_dict()["deep"]
        for _ in range(998):
            d = d[0]
        assert d == "x"
        sys.setrecursionlimit(200)
        with pytest.raises(RecursionError):  # as json.loads does
            s.to_dict()
    finally:
        sys.setrecursionlimit(limit)
    with pytest.raises(foil.FoilProtocolError):
        _get(hostile, b'"deep":' + b"[" * 999 + b"]" * 999)


def test_webhook_event_integers_are_exact() -> None:
    # The event parser kept only cJSON's doubles: 9007199254740993 came back ...992.
    data = {"n": 9007199254740993, "neg": -9223372036854775809,
            "huge": 123456789012345678901234567890, "f": 2.0, "z": -0.0, "small": 7}
    body = json.dumps({"id": "wevt_0123456789abcdef0123456789abcdef", "object": "webhook_event",
                       "type": "session.created", "created": "2026-01-02T00:00:00.000Z",
                       "data": data})
    event = foil.parse_webhook_event(body)
    got = event.to_dict()["data"]
    assert got == data and json.dumps(got) == json.dumps(data), got
    assert all(type(got[k]) is type(v) for k, v in data.items()), got
