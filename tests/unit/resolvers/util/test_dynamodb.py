"""`$util.dynamodb`, checked against every example in "DynamoDB helpers in $util.dynamodb"
(AppSync developer guide,
https://docs.aws.amazon.com/appsync/latest/devguide/dynamodb-helpers-in-util-dynamodb.html)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from resolvers.errors import ResolverError
from resolvers.util.namespace import Util

DOC_LIST_OUTPUT = {"L": [{"S": "foo"}, {"N": 123}, {"M": {"bar": {"S": "baz"}}}]}
DOC_MAP_INPUT = {"foo": "bar", "baz": 1234, "beep": ["boop"]}
DOC_MAP_VALUES = {"foo": {"S": "bar"}, "baz": {"N": 1234}, "beep": {"L": [{"S": "boop"}]}}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("foo", {"S": "foo"}),
        (12345, {"N": 12345}),
        (True, {"BOOL": True}),
        (["foo", 123, {"bar": "baz"}], DOC_LIST_OUTPUT),
        (DOC_MAP_INPUT, {"M": DOC_MAP_VALUES}),
        (None, {"NULL": None}),
        (4.56, {"N": 4.56}),
    ],
)
def test_to_dynamodb_examples(util: Util, value: Any, expected: Any) -> None:
    assert util.dynamodb.toDynamoDB(value) == expected
    assert json.loads(util.dynamodb.toDynamoDBJson(value)) == expected


def test_typed_helpers(util: Util) -> None:
    d = util.dynamodb
    assert d.toString("foo") == {"S": "foo"}
    assert d.toStringSet(["foo", "bar", "baz"]) == {"SS": ["foo", "bar", "baz"]}
    assert d.toNumber(12345) == {"N": 12345}
    assert d.toNumberSet([1, 23, 4.56]) == {"NS": [1, 23, 4.56]}
    assert d.toBinary("foo") == {"B": "foo"}
    assert d.toBinarySet(["foo", "bar", "baz"]) == {"BS": ["foo", "bar", "baz"]}
    assert d.toBoolean(True) == {"BOOL": True}
    assert d.toNull() == {"NULL": None}
    assert d.toList(["foo", 123, {"bar": "baz"}]) == DOC_LIST_OUTPUT
    assert d.toMap(DOC_MAP_INPUT) == {"M": DOC_MAP_VALUES}
    assert d.toMapValues(DOC_MAP_INPUT) == DOC_MAP_VALUES


def test_json_variants_are_to_json_of_the_object_forms(util: Util) -> None:
    d = util.dynamodb
    pairs = [
        (d.toStringJson("foo"), d.toString("foo")),
        (d.toStringSetJson(["a"]), d.toStringSet(["a"])),
        (d.toNumberJson(1), d.toNumber(1)),
        (d.toNumberSetJson([1]), d.toNumberSet([1])),
        (d.toBinaryJson("Zm9v"), d.toBinary("Zm9v")),
        (d.toBinarySetJson(["Zm9v"]), d.toBinarySet(["Zm9v"])),
        (d.toBooleanJson(False), d.toBoolean(False)),
        (d.toNullJson(), d.toNull()),
        (d.toListJson([1]), d.toList([1])),
        (d.toMapJson({"a": 1}), d.toMap({"a": 1})),
        (d.toMapValuesJson({"a": 1}), d.toMapValues({"a": 1})),
    ]
    for text, value in pairs:
        assert text == util.toJson(value)


def test_to_map_values_is_to_map_get_m(util: Util) -> None:
    assert util.dynamodb.toMapValues(DOC_MAP_INPUT) == util.dynamodb.toMap(DOC_MAP_INPUT)["M"]


def test_s3_objects_round_trip(util: Util) -> None:
    attribute = util.dynamodb.toS3Object("foo", "bar", "baz")
    assert json.loads(attribute["S"]) == {"s3": {"key": "foo", "bucket": "bar", "region": "baz"}}
    versioned = util.dynamodb.toS3Object("foo", "bar", "baz", "beep")
    assert util.dynamodb.fromS3ObjectJson(versioned) == {
        "key": "foo",
        "bucket": "bar",
        "region": "baz",
        "version": "beep",
    }
    assert util.dynamodb.fromS3ObjectJson(versioned["S"])["version"] == "beep"
    assert json.loads(util.dynamodb.toS3ObjectJson("foo", "bar", "baz")) == attribute


def test_from_dynamodb_reads_every_type(util: Util) -> None:
    attribute = {
        "M": {
            "s": {"S": "x"},
            "n": {"N": "1.5"},
            "i": {"N": "7"},
            "b": {"BOOL": False},
            "z": {"NULL": True},
            "l": {"L": [{"S": "a"}]},
            "ss": {"SS": ["a", "b"]},
            "ns": {"NS": ["1", "2"]},
        }
    }
    assert util.dynamodb.fromDynamoDB(attribute) == {
        "s": "x",
        "n": 1.5,
        "i": 7,
        "b": False,
        "z": None,
        "l": ["a"],
        "ss": ["a", "b"],
        "ns": [1, 2],
    }


def test_to_map_values_of_a_non_map_is_an_error(util: Util) -> None:
    with pytest.raises(ResolverError, match="toMapValues expects a Map"):
        util.dynamodb.toMapValues("nope")
