"""`$util.list`: "List helpers in $util.list" (AppSync developer guide)."""

from __future__ import annotations

from typing import Any

from resolvers.errors import ResolverError
from resolvers.util.core import MAPPING_TEMPLATE, Helper, is_number

# "Only lists containing a maximum of 1000 objects are supported."
SORT_LIST_LIMIT = 1000


def _same_class(values: list[Any]) -> bool:
    kinds = {("number" if is_number(v) else type(v).__name__) for v in values}
    return len(kinds) <= 1


class ListHelpers(Helper):
    """The `list` member of `$util`."""

    __slots__ = ()

    def copyAndRetainAll(self, values: list[Any], keep: list[Any]) -> list[Any]:
        return [value for value in values if value in keep]

    def copyAndRemoveAll(self, values: list[Any], drop: list[Any]) -> list[Any]:
        return [value for value in values if value not in drop]

    def sortList(self, values: list[Any], descending: bool, property_name: str) -> list[Any]:
        """Sorted by the named property for maps, by value otherwise; a list of mixed classes
        comes back unsorted."""
        if len(values) > SORT_LIST_LIMIT:
            raise ResolverError(
                f"sortList supports lists of at most {SORT_LIST_LIMIT} objects", MAPPING_TEMPLATE
            )
        if not values or not _same_class(values):
            return list(values)
        if isinstance(values[0], dict):
            keys = [item.get(property_name) for item in values]
            if any(k is None for k in keys) or not _same_class(keys):
                return list(values)
            return sorted(values, key=lambda item: item[property_name], reverse=descending)
        try:
            return sorted(values, reverse=descending)
        except TypeError:
            return list(values)
