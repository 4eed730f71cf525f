"""Which names a JSONata expression reads from the top-level context, which AWS refuses.

Step Functions evaluates JSONata with no context document, so CreateStateMachine refuses a bare
top-level reference ("UNSUPPORTED_JSONATA_EXPRESSION: Reference to 'phone' at the top level is
not supported.", measured against AWS in floci-io/floci#2670). A name is top level when it is
the first step of a path or a bare name in an operator, a call argument, a constructor or a
block; later steps, filters, sort terms and lambda bodies run against other contexts.
"""

from __future__ import annotations

import jsonata
import pytest

from stepfunctions.language.jsonata_references import top_level_references


def _references(expression: str) -> list[str]:
    return top_level_references(jsonata.Jsonata(expression).ast)


@pytest.mark.parametrize(
    ("expression", "names"),
    [
        ("phone", ["phone"]),
        ("order.items.price", ["order"]),
        ("x + x * y", ["x", "y"]),
        ("$count(items)", ["items"]),
        ('{"a": phone, "b": [p, q]}', ["phone", "p", "q"]),
        ("($x := 1; y)", ["y"]),
        ("a ? b : c", ["a", "b", "c"]),
    ],
)
def test_bare_names_evaluated_against_the_root_are_reported_once_in_order(
    expression: str, names: list[str]
) -> None:
    assert _references(expression) == names


@pytest.mark.parametrize(
    "expression",
    [
        "$states.input.phone",
        "$uppercase($states.input.name)",
        "($x := 1; $x + 1)",
        "$map($states.input, function($v) { $v.name })",
        "function($v) { w }",
    ],
)
def test_states_variables_and_lambda_bodies_are_not_top_level(expression: str) -> None:
    assert _references(expression) == []


@pytest.mark.parametrize(
    ("expression", "names"),
    [
        ("a[b > 1]", ["a"]),
        ("a^(c)", ["a"]),
        ("a.(b + c)", ["a"]),
        ("a{k: v}", ["a"]),
        ("$states.input[kind = 'x']", []),
    ],
)
def test_filters_sort_terms_and_later_steps_run_against_the_steps_items(
    expression: str, names: list[str]
) -> None:
    assert _references(expression) == names
