"""`$util.xml`, checked against "XML helpers in $util.xml" (AppSync developer guide)."""

from __future__ import annotations

import json

import pytest

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
