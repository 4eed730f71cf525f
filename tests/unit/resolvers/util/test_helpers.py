"""`$util.str`, `$util.math`, `$util.list`, `$util.map`, `$util.http`, `$util.xml` and
`$util.log`, checked against their pages in the AppSync developer guide ("String helpers in
$util.str", "Math helpers in $util.math", "List helpers in $util.list", "Map helpers in
$util.map", "HTTP helpers in $util.http", "XML helpers in $util.xml")."""

from __future__ import annotations

import json
import logging

import pytest

from resolvers.context import ResolverContext
from resolvers.errors import ResolverError
from resolvers.util.namespace import Util

DOC_ONE_POST = """<?xml version="1.0" encoding="UTF-8"?>
<posts>
<post>
  <id>1</id>
  <title>Getting started with GraphQL</title>
</post>
</posts>"""

DOC_TWO_POSTS = """<?xml version="1.0" encoding="UTF-8"?>
<posts>
<post>
  <id>1</id>
  <title>Getting started with GraphQL</title>
</post>
<post>
  <id>2</id>
  <title>Getting started with AWS AppSync</title>
</post>
</posts>"""


def test_str_helpers(util: Util) -> None:
    assert util.str.toUpper("hello") == "HELLO"
    assert util.str.toLower("HeLLo") == "hello"
    assert util.str.toReplace("hello world", "hello", "mellow") == "mellow world"
    assert util.str.normalize("e\u0301", "nfc") == "\u00e9"
    assert util.str.normalize("\u00e9", "nfd") == "e\u0301"
    assert util.str.normalize("\ufb01", "nfkc") == "fi"


def test_str_normalize_rejects_unknown_forms(util: Util) -> None:
    with pytest.raises(ResolverError):
        util.str.normalize("x", "nfx")


def test_math_helpers(util: Util) -> None:
    assert util.math.roundNum(2.5) == 3
    assert util.math.roundNum(-2.5) == -2
    assert util.math.roundNum(1.4) == 1
    assert util.math.minVal(3.5, 2) == 2.0
    assert util.math.maxVal(3.5, 2) == 3.5
    assert 0 <= util.math.randomDouble() < 1
    assert all(10 <= util.math.randomWithinRange(10, 20) < 20 for _ in range(200))


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


def test_map_copy_helpers(util: Util) -> None:
    source = {"a": 1, "b": 2, "c": 3}
    assert util.map.copyAndRetainAllKeys(source, ["a", "c", "z"]) == {"a": 1, "c": 3}
    assert util.map.copyAndRemoveAllKeys(source, ["a"]) == {"b": 2, "c": 3}
    assert source == {"a": 1, "b": 2, "c": 3}


def test_copy_headers_drops_restricted_headers(util: Util) -> None:
    headers = {
        "host": "x",
        "connection": "keep-alive",
        "content-length": "12",
        "authorization": "token",
        "x-custom": "1",
    }
    assert util.http.copyHeaders(headers) == {"authorization": "token", "x-custom": "1"}


def test_response_headers_are_recorded_and_restricted_ones_reported(
    util: Util, ctx: ResolverContext
) -> None:
    util.http.addResponseHeader("itemsCount", 7)
    util.http.addResponseHeaders({"headerString": "stringValue", "headerObject": {"field1": 7}})
    util.http.addResponseHeader("x-amz-thing", "no")
    util.http.addResponseHeader("Content-Type", "text/plain")
    util.http.addResponseHeader("empty", None)
    assert ctx.extensions["responseHeaders"] == {
        "itemsCount": "7",
        "headerString": "stringValue",
        "headerObject": '{"field1":7}',
    }
    assert [e["errorType"] for e in ctx.appended_errors] == ["ResponseHeaderError"] * 3


def test_xml_to_map_documented_examples(util: Util) -> None:
    assert util.xml.toMap(DOC_ONE_POST) == {
        "posts": {"post": {"id": 1, "title": "Getting started with GraphQL"}}
    }
    assert util.xml.toMap(DOC_TWO_POSTS) == {
        "posts": {
            "post": [
                {"id": 1, "title": "Getting started with GraphQL"},
                {"id": 2, "title": "Getting started with AWS AppSync"},
            ]
        }
    }


def test_xml_to_json_string_and_string_encoding(util: Util) -> None:
    text = util.xml.toJsonString(DOC_ONE_POST)
    assert json.loads(text) == util.xml.toMap(DOC_ONE_POST)
    assert json.loads(util.xml.toJsonString(DOC_ONE_POST, True)) == text


def test_xml_attributes_and_bad_documents(util: Util) -> None:
    assert util.xml.toMap('<a id="3"><b>true</b></a>') == {"a": {"id": 3, "b": True}}
    with pytest.raises(ResolverError, match="Unable to parse the XML document"):
        util.xml.toMap("<a><b></a>")


def test_log_fills_placeholders(util: Util, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="resolvers.util.log"):
        util.log.info("user {} asked for {}", "alice", {"id": 1})
        util.log.error({"boom": True})
    assert [r.getMessage() for r in caplog.records] == [
        'user alice asked for {"id":1}',
        '{"boom":true}',
    ]
    assert [r.levelno for r in caplog.records] == [logging.INFO, logging.ERROR]


RDS_DOC_RESULT = {
    "sqlStatementResults": [
        {
            "numberOfRecordsUpdated": 0,
            "records": [
                [
                    {"stringValue": "Mark Twain"},
                    {"stringValue": "Adventures of Huckleberry Finn"},
                    {"stringValue": "978-1948132817"},
                ],
                [
                    {"stringValue": "Jack London"},
                    {"stringValue": "The Call of the Wild"},
                    {"stringValue": "978-1948132275"},
                ],
            ],
            "columnMetadata": [
                {"label": "author", "name": "author", "typeName": "VARCHAR"},
                {"label": "title", "name": "title", "typeName": "VARCHAR"},
                {"label": "ISBN-13", "name": "ISBN-13", "typeName": "VARCHAR"},
            ],
        }
    ]
}


def test_rds_records_documented_example(util: Util) -> None:
    # "Amazon RDS helpers in $util.rds": `select * from Books limit 2`.
    expected = [
        {
            "author": "Mark Twain",
            "title": "Adventures of Huckleberry Finn",
            "ISBN-13": "978-1948132817",
        },
        {
            "author": "Jack London",
            "title": "The Call of the Wild",
            "ISBN-13": "978-1948132275",
        },
    ]
    assert util.rds.toJsonObject(json.dumps(RDS_DOC_RESULT)) == [expected]
    assert json.loads(util.rds.toJsonString(RDS_DOC_RESULT)) == [expected]


def test_rds_typed_fields_and_mutations(util: Util) -> None:
    result = {
        "sqlStatementResults": [
            {"numberOfRecordsUpdated": 1},
            {
                "records": [[{"longValue": 7}, {"isNull": True}, {"booleanValue": True}]],
                "columnMetadata": [{"name": "n"}, {"name": "gone"}, {"name": "ok"}],
            },
        ]
    }
    assert util.rds.toJsonObject(result) == [[], [{"n": 7, "gone": None, "ok": True}]]
