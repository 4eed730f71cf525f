"""`$util.list`, checked against "List helpers in $util.list" (AppSync developer guide)."""

from __future__ import annotations

import pytest

from resolvers.errors import ResolverError
from resolvers.util.namespace import Util


def test_list_copy_helpers(util: Util) -> None:
    values = ["a", "b", "c", "a"]
    assert util.list.copyAndRetainAll(values, ["a", "c"]) == ["a", "c", "a"]
    assert util.list.copyAndRemoveAll(values, ["a"]) == ["b", "c"]
    assert values == ["a", "b", "c", "a"]


def test_sort_list_documented_example(util: Util) -> None:
    people = [
        {"description": "youngest", "age": 5},
        {"description": "middle", "age": 45},
        {"description": "oldest", "age": 85},
    ]
    assert util.list.sortList(people, False, "description") == [
        {"description": "middle", "age": 45},
        {"description": "oldest", "age": 85},
        {"description": "youngest", "age": 5},
    ]
    assert [p["age"] for p in util.list.sortList(people, True, "age")] == [85, 45, 5]


def test_sort_list_of_scalars_and_mixed_classes(util: Util) -> None:
    assert util.list.sortList([3, 1.5, 2], False, "any") == [1.5, 2, 3]
    assert util.list.sortList(["b", "a"], True, "any") == ["b", "a"]
    assert util.list.sortList(["b", 1], False, "any") == ["b", 1]


def test_sort_list_over_the_limit_is_an_error(util: Util) -> None:
    with pytest.raises(ResolverError, match="1000"):
        util.list.sortList(list(range(1001)), False, "x")
