"""The JSON text values cross the QuickJS boundary as: the same values as the standard
library's JSON, whatever orjson takes or refuses."""

from __future__ import annotations

import json

from resolvers.runtimes.js.interchange import dumps, loads


def test_values_cross_unchanged() -> None:
    value = {"id": "p1", "n": 12, "x": 1.5, "ok": True, "none": None, "list": [1, "é", {"a": []}]}
    assert loads(dumps(value)) == value
    assert json.loads(dumps(value)) == value


def test_what_orjson_refuses_is_written_as_util_to_json_writes_it() -> None:
    # An integer past 64 bits (Python's own), sets (Java shims), bytes.
    assert loads(dumps({"big": 2**70})) == {"big": 2**70}
    assert json.loads(dumps({"set": {"a"}, "raw": b"xy"})) == {"set": ["a"], "raw": "xy"}
    assert json.loads(dumps({1: "one"})) == {"1": "one"}


def test_a_lone_surrogate_javascript_escapes_is_read() -> None:
    # JSON.stringify writes a lone surrogate as an escape (ES2019); orjson refuses to read it.
    assert loads('["\\ud800"]') == ["\ud800"]
