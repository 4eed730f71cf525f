"""Typed values both ways, pagination tokens, and DynamoDB errors as AppSync words them."""

from __future__ import annotations

from typing import Any

import pytest

from resolvers.datasources.dynamodb_sync import add_set_actions
from resolvers.datasources.dynamodb_wire import (
    decode_token,
    encode_token,
    marshall,
    typed_value,
    unmarshall,
    wire_json,
)
from resolvers.errors import ResolverError


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        # "Type system (response mapping)", AppSync's DynamoDB reference.
        ({"S": "text"}, "text"),
        ({"N": "42"}, 42),
        ({"N": "-1.25"}, -1.25),
        ({"BOOL": True}, True),
        ({"NULL": True}, None),
        ({"SS": ["a", "b"]}, ["a", "b"]),
        ({"NS": ["1", "0.5"]}, [1, 0.5]),
        ({"B": "aGk="}, "aGk="),
        ({"BS": ["aGk="]}, ["aGk="]),
        ({"L": [{"S": "x"}, {"NULL": True}]}, ["x", None]),
        ({"M": {"a": {"N": "1"}}}, {"a": 1}),
    ],
)
def test_typed_values_become_plain_json(typed: dict[str, Any], plain: Any) -> None:
    assert unmarshall(typed) == plain


@pytest.mark.parametrize(
    ("plain", "typed"),
    [
        ("text", {"S": "text"}),
        (3, {"N": "3"}),
        (False, {"BOOL": False}),
        (None, {"NULL": True}),
        ([1, "a"], {"L": [{"N": "1"}, {"S": "a"}]}),
        ({"k": {"n": 2}}, {"M": {"k": {"M": {"n": {"N": "2"}}}}}),
    ],
)
def test_plain_json_becomes_typed_values(plain: Any, typed: dict[str, Any]) -> None:
    assert marshall(plain) == typed


def test_request_numbers_and_nulls_are_made_wire_ready() -> None:
    value = {"M": {"n": {"N": 12}, "z": {"NULL": None}, "s": {"NS": [1, 2.5]}}}
    assert typed_value(value) == {
        "M": {"n": {"N": "12"}, "z": {"NULL": True}, "s": {"NS": ["1", "2.5"]}}
    }


def test_a_value_that_is_not_typed_is_a_mapping_template_error() -> None:
    with pytest.raises(ResolverError) as raised:
        typed_value("plain")
    assert raised.value.error_type == "MappingTemplate"


@pytest.mark.parametrize(
    "value",
    [{"S": 5}, {"S": None}, {"S": "x", "N": "1"}, {"X": "x"}, {}, ["S", "x"]],
    ids=["number as S", "null as S", "two types", "unknown type", "empty", "list"],
)
def test_a_malformed_typed_value_is_a_mapping_template_error(value: Any) -> None:
    with pytest.raises(ResolverError) as raised:
        typed_value(value)
    assert raised.value.error_type == "MappingTemplate"


def test_a_typed_value_is_a_copy_of_the_request_documents() -> None:
    # The request document stays the template's: DynamoDB's parameters are new dicts.
    value = {"S": "x"}
    typed = typed_value(value)
    assert typed == {"S": "x"}
    assert typed is not value


def test_binary_from_the_sdk_goes_back_to_base64_text() -> None:
    assert wire_json({"Item": {"b": {"B": b"hi"}, "bs": {"BS": [b"hi"]}}}) == {
        "Item": {"b": {"B": "aGk="}, "bs": {"BS": ["aGk="]}}
    }


def test_a_pagination_token_round_trips_and_is_opaque() -> None:
    key = {"id": {"S": "1"}, "sk": {"N": "2"}}
    token = encode_token(key)
    assert token is not None
    assert "id" not in token
    assert decode_token(token)["token"] == key
    assert encode_token(None) is None


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("SET a = :a", "SET v = :v, a = :a"),
        ("ADD n :one", "SET v = :v ADD n :one"),
        ("REMOVE x SET a = :a", "REMOVE x SET v = :v, a = :a"),
        ("set a = :a", "set v = :v, a = :a"),
    ],
)
def test_set_actions_join_the_update_expressions_set_clause(expression: str, expected: str) -> None:
    assert add_set_actions(expression, ["v = :v"]) == expected
