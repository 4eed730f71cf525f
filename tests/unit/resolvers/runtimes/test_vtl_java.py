"""Java value semantics the VTL runtime gives Python values.

Expected texts are Java's: `Double.toString` (java.lang.Double javadoc: scientific notation
below 10^-3 and from 10^7), `String.split` (trailing empty strings removed, a leading
zero-width match gives no empty first element), `AbstractMap.toString`.
"""

from __future__ import annotations

import pytest

from resolvers.errors import JavaMethodError
from resolvers.runtimes.vtl_java import (
    ForeachScope,
    MapEntry,
    arithmetic,
    java_double,
    java_equals,
    to_java_string,
)
from resolvers.runtimes.vtl_java_methods import call_java_method, get_java_property


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.0, "1.0"),
        (100.0, "100.0"),
        (0.001, "0.001"),
        (1234567.0, "1234567.0"),
        (1e7, "1.0E7"),
        (12345678.9, "1.23456789E7"),
        (0.0001234, "1.234E-4"),
        (-2.5e-5, "-2.5E-5"),
        (0.0, "0.0"),
        (float("inf"), "Infinity"),
        (float("nan"), "NaN"),
    ],
)
def test_double_to_string(value: float, text: str) -> None:
    assert java_double(value) == text


def test_collections_print_recursively() -> None:
    assert (
        to_java_string({"a": [1, None, {"b": True}], "c": 2.0}) == "{a=[1, null, {b=true}], c=2.0}"
    )
    assert to_java_string(MapEntry("k", [1])) == "k=[1]"


@pytest.mark.parametrize(
    ("text", "regex", "parts"),
    [
        ("a,b,,c,,", ",", ["a", "b", "", "c"]),
        ("abc", "", ["a", "b", "c"]),
        ("a1b22c", "\\d+", ["a", "b", "c"]),
        ("", ",", [""]),
        (",a", ",", ["", "a"]),
    ],
)
def test_string_split(text: str, regex: str, parts: list[str]) -> None:
    assert call_java_method(text, "split", [regex]) == parts


def test_string_split_with_a_limit_keeps_trailing_empties() -> None:
    assert call_java_method("a,b,,", "split", [",", -1]) == ["a", "b", "", ""]
    assert call_java_method("a,b,c", "split", [",", 2]) == ["a", "b,c"]


def test_replace_all_uses_java_group_references() -> None:
    assert call_java_method("John Smith", "replaceAll", ["(\\w+) (\\w+)", "$2, $1"]) == (
        "Smith, John"
    )


def test_substring_out_of_range_is_an_error() -> None:
    with pytest.raises(JavaMethodError):
        call_java_method("abc", "substring", [2, 5])


def test_integer_division_truncates_towards_zero() -> None:
    assert arithmetic("/", -7, 2) == -3
    assert arithmetic("%", -7, 2) == -1
    assert arithmetic("/", 7, 0) is None
    assert arithmetic("/", 7.0, 2) == 3.5


def test_equality_across_types() -> None:
    assert java_equals(1, 1.0)
    assert java_equals(5, "5")
    assert java_equals(True, "true")
    assert not java_equals(None, "null")
    assert java_equals(None, None)


def test_foreach_scope_properties_and_methods() -> None:
    scope = ForeachScope(index=1, size=3)
    assert get_java_property(scope, "count") == 2
    assert get_java_property(scope, "hasNext") is True
    assert call_java_method(scope, "hasNext", []) is True
    assert get_java_property(scope, "last") is False


def test_unknown_method_names_the_java_class() -> None:
    with pytest.raises(JavaMethodError, match=r"java.util.ArrayList' does not contain method"):
        call_java_method([1], "push", [2])
