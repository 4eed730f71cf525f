"""Argument filters, enhanced filters and the selection-set rule.

Cases follow AppSync's documents: "Using subscription arguments" (all given arguments must
equal top-level result fields), "Defining enhanced subscriptions filters" (its Ticket example:
filter groups OR'ed, filters AND'ed) and the Extensions reference's `filterJsonObject`.
"""

from __future__ import annotations

from typing import Any

import pytest
from graphql import parse

from appsync.errors import FilterError
from appsync.realtime.filters import (
    ArgumentFilter,
    compile_filter,
    published_payloads,
)

# The Extensions reference's example: userId eq 1, OR group in [Admin, Developer].
EXTENSIONS_EXAMPLE = {
    "filterGroup": [
        {"filters": [{"fieldName": "userId", "operator": "eq", "value": 1}]},
        {"filters": [{"fieldName": "group", "operator": "in", "value": ["Admin", "Developer"]}]},
    ]
}

# The enhanced-filtering guide's Ticket filter: high severity AND (priority in high/medium),
# OR category security AND group in admin/operators.
TICKETS = {
    "filterGroup": [
        {
            "filters": [
                {"fieldName": "severity", "operator": "ge", "value": 7},
                {"fieldName": "priority", "operator": "in", "value": ["high", "medium"]},
            ]
        },
        {
            "filters": [
                {"fieldName": "category", "operator": "eq", "value": "security"},
                {"fieldName": "group", "operator": "in", "value": ["admin", "operators"]},
            ]
        },
    ]
}


def test_filter_groups_are_ored() -> None:
    subscription_filter = compile_filter(EXTENSIONS_EXAMPLE)
    assert subscription_filter.matches({"userId": 1, "group": "Guest"})
    assert subscription_filter.matches({"userId": 2, "group": "Developer"})
    assert not subscription_filter.matches({"userId": 2, "group": "Guest"})


def test_filters_in_one_group_are_anded() -> None:
    subscription_filter = compile_filter(TICKETS)
    assert subscription_filter.matches({"severity": 8, "priority": "high"})
    assert not subscription_filter.matches({"severity": 8, "priority": "low"})
    assert not subscription_filter.matches({"severity": 6, "priority": "high"})
    assert subscription_filter.matches({"severity": 1, "category": "security", "group": "admin"})


def test_a_filter_given_as_json_text_is_accepted() -> None:
    subscription_filter = compile_filter(
        '{"filterGroup":[{"filters":[{"fieldName":"a","operator":"eq","value":"x"}]}]}'
    )
    assert subscription_filter.matches({"a": "x"})


def one(operator: str, value: Any) -> Any:
    return compile_filter(
        {"filterGroup": [{"filters": [{"fieldName": "f", "operator": operator, "value": value}]}]}
    )


@pytest.mark.parametrize(
    ("operator", "value", "field", "expected"),
    [
        ("eq", "a", "a", True),
        ("eq", "a", "b", False),
        ("eq", 1, 1, True),
        ("eq", True, True, True),
        ("ne", "a", "b", True),
        ("ne", "a", "a", False),
        ("le", 5, 5, True),
        ("le", 5, 6, False),
        ("lt", 5, 5, False),
        ("lt", 5, 4.5, True),
        ("ge", 5, 5, True),
        ("ge", 5, 4, False),
        ("gt", 5, 6, True),
        ("gt", 5, 5, False),
        ("gt", "b", "c", True),
        ("gt", 5, "6", False),
        ("contains", "ell", "hello", True),
        ("contains", "xyz", "hello", False),
        ("contains", "b", ["a", "b"], True),
        ("contains", "c", ["a", "b"], False),
        ("notContains", "ell", "hello", False),
        ("notContains", "c", ["a", "b"], True),
        ("beginsWith", "he", "hello", True),
        ("beginsWith", "lo", "hello", False),
        ("in", ["a", "b"], "a", True),
        ("in", ["a", "b"], "c", False),
        ("notIn", ["a", "b"], "c", True),
        ("notIn", ["a", "b"], "a", False),
        ("between", [1, 10], 1, True),
        ("between", [1, 10], 10, True),
        ("between", [1, 10], 11, False),
        ("attributeExists", True, "x", True),
        ("attributeExists", False, "x", False),
        ("containsAny", ["a", "z"], ["a", "b"], True),
        ("containsAny", ["y", "z"], ["a", "b"], False),
    ],
)
def test_operator(operator: str, value: Any, field: Any, expected: bool) -> None:
    assert one(operator, value).matches({"f": field}) is expected


@pytest.mark.parametrize(
    ("operator", "value", "expected"),
    [
        ("eq", "a", False),
        ("ne", "a", False),
        ("gt", 1, False),
        ("in", ["a"], False),
        ("notIn", ["a"], False),
        ("contains", "a", False),
        ("attributeExists", True, False),
        ("attributeExists", False, True),
    ],
)
def test_absent_field(operator: str, value: Any, expected: bool) -> None:
    assert one(operator, value).matches({"other": 1}) is expected


def test_booleans_are_not_numbers_in_comparisons() -> None:
    assert not one("ge", 0).matches({"f": True})


def test_dotted_field_names_reach_nested_fields() -> None:
    subscription_filter = compile_filter(
        {
            "filterGroup": [
                {"filters": [{"fieldName": "loc.addr.country", "operator": "eq", "value": "NZ"}]}
            ]
        }
    )
    assert subscription_filter.matches({"loc": {"addr": {"country": "NZ"}}})
    assert not subscription_filter.matches({"loc": {"addr": None}})


@pytest.mark.parametrize(
    "bad",
    [
        None,
        [],
        "not json",
        {"filters": []},
        {"filterGroup": [{}]},
        {"filterGroup": [{"filters": []}]},
        {"filterGroup": [{"filters": ["x"]}]},
        {"filterGroup": [{"filters": [{"fieldName": "a", "operator": "like", "value": 1}]}]},
        {"filterGroup": [{"filters": [{"fieldName": "", "operator": "eq", "value": 1}]}]},
        {"filterGroup": [{"filters": [{"fieldName": "a", "operator": "in", "value": 1}]}]},
        {"filterGroup": [{"filters": [{"fieldName": "a", "operator": "between", "value": [1]}]}]},
        {"filterGroup": [{"filters": [{"fieldName": "a", "operator": "beginsWith", "value": 1}]}]},
        {"filterGroup": [{"filters": [{"fieldName": "a", "operator": "attributeExists"}]}]},
    ],
)
def test_malformed_filters_are_refused(bad: Any) -> None:
    with pytest.raises(FilterError):
        compile_filter(bad)


def test_every_given_argument_must_equal_the_top_level_result_field() -> None:
    # "Using subscription arguments": todo(userId, groupId) against TodoEvent's fields.
    both = ArgumentFilter.from_arguments({"userId": "user1", "groupId": "group1"})
    assert both.matches({"userId": "user1", "groupId": "group1", "todo": {}})
    assert not both.matches({"userId": "user1", "groupId": "group2"})
    only_user = ArgumentFilter.from_arguments({"userId": "user1", "groupId": None})
    assert only_user.matches({"userId": "user1", "groupId": "group2"})


def test_an_argument_the_mutation_did_not_select_never_matches() -> None:
    # The result is cut to the mutation's selection set, so an unselected field is absent.
    assert not ArgumentFilter.from_arguments({"userId": "u"}).matches({"groupId": "g"})


def test_an_id_argument_matches_a_numeric_result_field() -> None:
    assert ArgumentFilter.from_arguments({"id": "7"}).matches({"id": 7})


def test_no_arguments_match_everything() -> None:
    assert ArgumentFilter.from_arguments({}).matches({})


def test_published_payloads_undo_aliases_and_keep_only_the_selection() -> None:
    document = parse(
        """
        mutation Add {
          first: addTodo(name: "a") { todoId: id name ...Extra }
          addNote { text }
        }
        fragment Extra on Todo { owner { login: name } }
        """
    )
    data = {
        "first": {"todoId": "1", "name": "a", "owner": {"login": "ann"}},
        "addNote": None,
    }
    assert published_payloads(document, None, data) == [
        ("addTodo", {"id": "1", "name": "a", "owner": {"name": "ann"}})
    ]


def test_published_payloads_pick_the_named_operation_and_lists() -> None:
    document = parse(
        "query Q { a } mutation M { addMany { items { id } } } mutation N { other { x } }"
    )
    data = {"addMany": {"items": [{"id": 1}, {"id": 2}]}}
    assert published_payloads(document, "M", data) == [
        ("addMany", {"items": [{"id": 1}, {"id": 2}]})
    ]
    assert published_payloads(document, "Q", {"a": {}}) == []
    assert published_payloads(document, None, data) == []
    assert published_payloads(document, "M", None) == []


def test_published_payloads_walk_a_fragment_spread_twice_once() -> None:
    """A mutation of 60 fragments each spreading the next twice (2^60 walks, spread by
    spread): the payload keeps the fields they select."""
    depth = 60
    fragments = "\n".join(
        f"fragment F{n} on Todo {{ ... on Todo {{ ...F{n + 1} }} ...F{n + 1} }}"
        for n in range(depth)
    )
    document = parse(
        f'mutation {{ addTodo(name: "a") {{ ...F0 }} }}\n{fragments}\n'
        f"fragment F{depth} on Todo {{ id name }}"
    )
    data = {"addTodo": {"id": "1", "name": "a"}}
    assert published_payloads(document, None, data) == [("addTodo", {"id": "1", "name": "a"})]
