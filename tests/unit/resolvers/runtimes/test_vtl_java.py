"""Java value semantics the VTL runtime gives Python values: printing, truthiness, operators.

Expected texts are Java's: `Double.toString` (java.lang.Double javadoc: scientific notation
below 10^-3 and from 10^7), `AbstractMap.toString` / `AbstractCollection.toString`; operators
follow Velocity 1.7's AST nodes (ASTAddNode, ASTEQNode, ASTDivNode).
"""

from __future__ import annotations

import pytest

from resolvers.runtimes.vtl_java import (
    MapEntry,
    arithmetic,
    java_double,
    java_equals,
    to_java_string,
)
from tests.unit.resolvers.runtimes.vtl_templates import LoadTemplates, printed, request


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


def test_plus_concatenates_when_either_side_is_a_string(templates: LoadTemplates) -> None:
    assert printed(templates, '#set($s = "id-" + 5)$s') == "id-5"


def test_equality_compares_numbers_by_value_and_other_types_by_string(
    templates: LoadTemplates,
) -> None:
    body = (
        '{"a": #if($ctx.args.n == 5.0) 1 #else 0 #end, "b": #if($ctx.args.n == "5") 1 #else 0 #end}'
    )
    assert request(templates, body, n=5) == {"a": 1, "b": 1}


def test_maps_and_lists_print_as_java_does(templates: LoadTemplates) -> None:
    body = '#set($m = {"a": 1, "b": [1, "x", null, true, 2.5]})$m $m.keySet()'
    assert printed(templates, body) == "{a=1, b=[1, x, null, true, 2.5]} [a, b]"
