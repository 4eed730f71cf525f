"""Lambda event filtering's rules on DynamoDB stream records, each example from the AWS Lambda
Developer Guide ("Control which events Lambda sends to your function", invocation-eventfiltering
.html, its filter rule syntax table; "Using event filtering with a DynamoDB event source",
with-ddb-filtering.html), and the patterns CreateEventSourceMapping refuses."""

from __future__ import annotations

import json
from typing import Any

import pytest

from definition.event_filters import EventFilterError, matches_any, parse_pattern

# with-ddb-filtering.html's record.
RECORD: dict[str, Any] = {
    "eventID": "1",
    "eventName": "INSERT",
    "eventVersion": "1.0",
    "dynamodb": {
        "ApproximateCreationDateTime": 1678831218,
        "Keys": {"CustomerName": {"S": "AnyCompany Industries"}},
        "NewImage": {
            "AccountManager": {"S": "Pat Candella"},
            "PaymentTerms": {"S": "60 days"},
            "CustomerName": {"S": "AnyCompany Industries"},
            "Active": {"BOOL": True},
            "Tags": {"SS": ["blue", "green"]},
        },
        "SequenceNumber": "111",
        "SizeBytes": 26,
        "StreamViewType": "NEW_IMAGE",
    },
}


def _image(rules: dict[str, Any]) -> str:
    return json.dumps({"dynamodb": {"NewImage": rules}})


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        # Keys, attributes, booleans: the guide's DynamoDB examples.
        ('{"dynamodb": {"Keys": {"CustomerName": {"S": ["AnyCompany Industries"]}}}}', True),
        (_image({"AccountManager": {"S": ["Pat Candella"]}}), True),
        (_image({"AccountManager": {"S": ["Someone Else"]}}), False),
        (_image({"Active": {"BOOL": [True]}}), True),
        (_image({"Active": {"BOOL": ["true"]}}), False),
        # Equals (ignore case), begins with, ends with, and their ignore-case forms.
        (_image({"AccountManager": {"S": [{"equals-ignore-case": "pat CANDELLA"}]}}), True),
        (_image({"PaymentTerms": {"S": [{"prefix": "60"}]}}), True),
        (_image({"PaymentTerms": {"S": [{"prefix": "30"}]}}), False),
        (_image({"PaymentTerms": {"S": [{"suffix": "days"}]}}), True),
        (_image({"PaymentTerms": {"S": [{"suffix": {"equals-ignore-case": "DAYS"}}]}}), True),
        (_image({"PaymentTerms": {"S": [{"prefix": {"equals-ignore-case": "60 D"}}]}}), True),
        # Or: any rule of the array; anything-but: none of them.
        (_image({"PaymentTerms": {"S": ["30 days", "60 days"]}}), True),
        (_image({"PaymentTerms": {"S": [{"anything-but": ["30 days", "90 days"]}]}}), True),
        (_image({"PaymentTerms": {"S": [{"anything-but": "60 days"}]}}), False),
        (_image({"PaymentTerms": {"S": [{"anything-but": {"prefix": "6"}}]}}), False),
        # Exists on leaves; a missing attribute for `exists: false`.
        (_image({"AccountManager": {"S": [{"exists": True}]}}), True),
        (_image({"Region": {"S": [{"exists": False}]}}), True),
        (_image({"Region": {"S": [{"exists": True}]}}), False),
        # A record's array matches when one element does.
        (_image({"Tags": {"SS": ["green"]}}), True),
        # Numeric on JSON numbers: DynamoDB's N values are strings and never match.
        ('{"dynamodb": {"SizeBytes": [{"numeric": [">", 0, "<=", 26]}]}}', True),
        ('{"dynamodb": {"SizeBytes": [{"numeric": ["=", 26.0]}]}}', True),
        ('{"dynamodb": {"SizeBytes": [{"numeric": ["<", 26]}]}}', False),
        ('{"dynamodb": {"SequenceNumber": [{"numeric": [">", 0]}]}}', False),
        # Metadata and keys ANDed; $or across fields.
        ('{"eventName": ["INSERT"], "dynamodb": {"StreamViewType": ["NEW_IMAGE"]}}', True),
        ('{"eventName": ["REMOVE"], "dynamodb": {"StreamViewType": ["NEW_IMAGE"]}}', False),
        ('{"$or": [{"eventName": ["REMOVE"]}, {"dynamodb": {"SizeBytes": [26]}}]}', True),
        ('{"$or": [{"eventName": ["REMOVE"]}, {"dynamodb": {"SizeBytes": [27]}}]}', False),
        # Exists holds on leaves only: an object counts as absent.
        ('{"dynamodb": {"Keys": [{"exists": false}]}}', True),
        ('{"dynamodb": {"Keys": [{"exists": true}]}}', False),
        ('{"dynamodb": {"Missing": {"S": [{"prefix": "a"}]}}}', False),
        # Null and empty.
        ('{"dynamodb": {"OldImage": [null]}}', False),
        ('{"eventSource": [""]}', False),
    ],
)
def test_a_pattern_matches_as_the_guide_says(pattern: str, expected: bool) -> None:
    assert parse_pattern(pattern).matches(RECORD) is expected


def test_null_and_empty_match_those_values_only() -> None:
    record = {"a": None, "b": ""}
    assert parse_pattern('{"a": [null], "b": [""]}').matches(record)
    assert not parse_pattern('{"a": [""]}').matches(record)


def test_filters_are_ored_and_none_passes_every_record() -> None:
    inserts = parse_pattern('{"eventName": ["INSERT"]}')
    removes = parse_pattern('{"eventName": ["REMOVE"]}')
    assert matches_any((), RECORD)
    assert matches_any((removes, inserts), RECORD)
    assert not matches_any((removes,), RECORD)


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("{not json", "the pattern is not JSON"),
        ('["INSERT"]', "the pattern must be a JSON object"),
        ('{"eventName": "INSERT"}', "eventName: must be an object or an array"),
        ('{"eventName": []}', "eventName: empty arrays are not allowed"),
        ('{"eventName": [{"wildcard": "IN*"}]}', "eventName: unrecognized match type wildcard"),
        ('{"a": [{"numeric": [">", "5"]}]}', "a: numeric takes operators"),
        ('{"a": [{"numeric": [">", 5, "<", 1]}]}', "a: a numeric range is a lower"),
        ('{"a": [{"exists": "yes"}]}', "a: exists takes true or false"),
        ('{"a": [{"prefix": 5}]}', "a: prefix takes a string"),
        ('{"$or": [{"a": ["x"]}]}', "$or: expected an array of at least two patterns"),
        ('{"a": [{"anything-but": {"wildcard": "x"}}]}', "a: anything-but takes prefix"),
        ('{"a": [{"anything-but": []}]}', "a: anything-but takes a value or an array"),
        ('{"a": [{"anything-but": null}]}', "a: anything-but takes a value or an array"),
        ('{"a": [{"numeric": [">"]}]}', "a: numeric takes \\[operator, number\\]"),
        ('{"a": [{"prefix": "x", "suffix": "y"}]}', "a: a rule is a value or an object with one"),
        ('{"$or": [{"a": ["x"]}, "b"]}', "$or: each alternative must be an object"),
    ],
)
def test_a_pattern_lambda_refuses_is_an_error(pattern: str, message: str) -> None:
    with pytest.raises(EventFilterError, match=message.replace("$", r"\$")):
        parse_pattern(pattern)
