"""`$util.map`: "Map helpers in $util.map" (AppSync developer guide)."""

from __future__ import annotations

from typing import Any

from resolvers.util.core import Helper


class MapHelpers(Helper):
    """The `map` member of `$util`."""

    __slots__ = ()

    def copyAndRetainAllKeys(self, mapping: dict[str, Any], keys: list[Any]) -> dict[str, Any]:
        return {k: v for k, v in mapping.items() if k in keys}

    def copyAndRemoveAllKeys(self, mapping: dict[str, Any], keys: list[Any]) -> dict[str, Any]:
        return {k: v for k, v in mapping.items() if k not in keys}
