"""`$util` core helpers: JSON, null and type checks, regular expressions and encodings, checked
against "Utility helpers in $util" (AppSync developer guide,
https://docs.aws.amazon.com/appsync/latest/devguide/utility-helpers-in-util.html)."""

from __future__ import annotations

from typing import Any

import pytest

from resolvers.errors import ResolverError
from resolvers.util.namespace import Util


def test_to_json_is_compact_and_keeps_unicode(util: Util) -> None:
    value = {"name": "Zoë", "tags": ["a", "b"], "n": 1, "ok": True, "none": None}
    assert util.toJson(value) == '{"name":"Zoë","tags":["a","b"],"n":1,"ok":true,"none":null}'
    assert util.toJson("text") == '"text"'
    assert util.toJson(None) == "null"


def test_parse_json_round_trips(util: Util) -> None:
    assert util.parseJson('{"a":[1,2.5,"x"],"b":null}') == {"a": [1, 2.5, "x"], "b": None}


def test_parse_json_of_bad_text_is_a_mapping_template_error(util: Util) -> None:
    with pytest.raises(ResolverError) as raised:
        util.parseJson("{nope")
    assert raised.value.error_type == "MappingTemplate"
    assert raised.value.message.startswith("Unable to parse the JSON document")


@pytest.mark.parametrize(
    ("value", "null", "empty", "blank"),
    [
        (None, True, True, True),
        ("", False, True, True),
        ("  \t", False, False, True),
        ("x", False, False, False),
        (0, False, False, False),
    ],
)
def test_null_checks(util: Util, value: Any, null: bool, empty: bool, blank: bool) -> None:
    assert util.isNull(value) is null
    assert util.isNullOrEmpty(value) is empty
    assert util.isNullOrBlank(value) is blank


@pytest.mark.parametrize(
    ("value", "type_name"),
    [
        (None, "Null"),
        (1, "Number"),
        (1.5, "Number"),
        ("s", "String"),
        ({}, "Map"),
        ([], "List"),
        (True, "Boolean"),
        (object(), "Object"),
    ],
)
def test_type_of(util: Util, value: Any, type_name: str) -> None:
    assert util.typeOf(value) == type_name


def test_type_checks_treat_booleans_as_booleans(util: Util) -> None:
    assert util.isBoolean(False)
    assert not util.isNumber(False)
    assert util.isNumber(3)
    assert util.isNumber(2.5)
    assert util.isString("a")
    assert not util.isString(1)
    assert util.isList([1])
    assert not util.isList({})
    assert util.isMap({"a": 1})
    assert not util.isMap([])


def test_matches_is_a_whole_string_match(util: Util) -> None:
    assert util.matches("a+b", "aaab")
    assert not util.matches("a+", "aaab")
    assert util.matches("^[0-9]{3}-[0-9]{4}$", "555-1234")


def test_url_encoding_is_form_encoding(util: Util) -> None:
    assert util.urlEncode("a b&c=d/é~*") == "a+b%26c%3Dd%2F%C3%A9%7E*"
    assert util.urlDecode("a+b%26c%3Dd%2F%C3%A9%7E*") == "a b&c=d/é~*"


def test_base64_round_trip(util: Util) -> None:
    assert util.base64Encode("Hello, World!") == "SGVsbG8sIFdvcmxkIQ=="
    assert util.base64Decode("SGVsbG8sIFdvcmxkIQ==") == "Hello, World!"


def test_escape_javascript_follows_commons_lang(util: Util) -> None:
    assert util.escapeJavaScript('He didn\'t say, "Stop!"') == 'He didn\\\'t say, \\"Stop!\\"'
    assert util.escapeJavaScript("a/b\\c\n\t") == "a\\/b\\\\c\\n\\t"
    assert util.escapeJavaScript("é\u0001") == "\\u00E9\\u0001"


def test_matches_understands_java_posix_classes(util: Util) -> None:
    # java.util.regex.Pattern: \p{Alpha}, \p{Digit}, \P{...} negation, inside and outside sets.
    assert util.matches(r"\p{Alpha}+\p{Digit}{2}", "abc12")
    assert not util.matches(r"\p{Alpha}+", "abc1")
    assert util.matches(r"[\p{Upper}_]+", "AB_C")
    assert util.matches(r"\P{Digit}+", "abc")
