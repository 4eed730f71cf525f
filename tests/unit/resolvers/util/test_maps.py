"""`$util.map`, checked against "Map helpers in $util.map" (AppSync developer guide)."""

from __future__ import annotations

from resolvers.util.namespace import Util


def test_map_copy_helpers(util: Util) -> None:
    source = {"a": 1, "b": 2, "c": 3}
    assert util.map.copyAndRetainAllKeys(source, ["a", "c", "z"]) == {"a": 1, "c": 3}
    assert util.map.copyAndRemoveAllKeys(source, ["a"]) == {"b": 2, "c": 3}
    assert source == {"a": 1, "b": 2, "c": 3}
