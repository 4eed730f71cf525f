"""`$util.xml`: "XML helpers in $util.xml" (AppSync developer guide).

The conversion follows org.json's `XML.toJSONObject`, which the documented outputs match: an
element holding only text becomes that text (numbers and booleans typed, `"id": 1`), an element
with children becomes a map, repeated children become a list, attributes become keys, and text
beside children goes under "content".
"""

from __future__ import annotations

import re
from typing import Any
from xml.etree import ElementTree

from resolvers.errors import ResolverError
from resolvers.util.core import MAPPING_TEMPLATE, Helper, to_json

_INTEGER = re.compile(r"-?(?:0|[1-9]\d*)")
_DECIMAL = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")


def typed_text(text: str) -> Any:
    """org.json's `stringToValue`: "true"/"false", numbers, else the string."""
    lowered = text.lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    if _INTEGER.fullmatch(text):
        return int(text)
    if _DECIMAL.fullmatch(text):
        return float(text)
    return text


def _add(target: dict[str, Any], key: str, value: Any) -> None:
    if key in target:
        existing = target[key]
        if isinstance(existing, list):
            existing.append(value)
        else:
            target[key] = [existing, value]
    else:
        target[key] = value


def _element(element: ElementTree.Element) -> Any:
    children = list(element)
    text = (element.text or "").strip()
    if not children and not element.attrib:
        return typed_text(text) if text else ""
    result: dict[str, Any] = {k: typed_text(v) for k, v in element.attrib.items()}
    for child in children:
        _add(result, child.tag, _element(child))
        tail = (child.tail or "").strip()
        if tail:
            _add(result, "content", typed_text(tail))
    if text:
        _add(result, "content", typed_text(text))
    return result


def xml_to_map(text: str) -> dict[str, Any]:
    try:
        root = ElementTree.fromstring(text.strip())
    except ElementTree.ParseError as error:
        raise ResolverError(
            f"Unable to parse the XML document: {error}", MAPPING_TEMPLATE
        ) from error
    return {root.tag: _element(root)}


class XmlHelpers(Helper):
    """The `xml` member of `$util`."""

    __slots__ = ()

    def toMap(self, text: str) -> dict[str, Any]:
        return xml_to_map(text)

    def toJsonString(self, text: str, encode: bool = False) -> str:
        """The map as JSON; with `encode` true, that JSON as a JSON string literal."""
        document = to_json(xml_to_map(text))
        return to_json(document) if encode else document
