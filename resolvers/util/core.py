"""The context-free `$util` helpers: JSON, type checks, defaults, encoding, regex matching.

Each function follows "Utility helpers in $util" (AppSync developer guide). Values are the JSON
values templates see: dict, list, str, int, float, bool and None. Java's overloads that take a
String also accept the other JSON types where AppSync's own do (a Map or List is "empty" when it
has no entries).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from functools import lru_cache
from typing import Any
from urllib.parse import unquote_plus

from resolvers.errors import ResolverError

# AppSync reports template evaluation failures with this errorType.
MAPPING_TEMPLATE = "MappingTemplate"


class Helper:
    """Base of the `$util` helper objects: templates call their public methods by name. A
    helper method annotated `-> None` prints nothing in VTL (AppSync's void helpers, such as
    `$util.appendError`, are not printed as the reference's own text the way Velocity prints
    other nulls)."""

    __slots__ = ()


def _json_default(value: Any) -> Any:
    # Sets and tuples appear when a template builds them through Java shims; Jackson writes
    # every Java collection as an array.
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# One encoder for every call: json.dumps with options builds a new one each time.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, default=_json_default)


def to_json(value: Any) -> str:
    """`$util.toJson`: compact JSON, as Jackson writes it (no spaces, non-ASCII kept)."""
    return _ENCODER.encode(value)


def parse_json(text: Any) -> Any:
    """`$util.parseJson`: the object a JSON string stands for."""
    if not isinstance(text, str):
        raise ResolverError(
            f"Unable to parse the JSON document: expected a String, got {type_of(text)}",
            MAPPING_TEMPLATE,
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ResolverError(
            f"Unable to parse the JSON document: '{error.msg}' at line {error.lineno}, "
            f"column {error.colno}",
            MAPPING_TEMPLATE,
        ) from error


def is_number(value: Any) -> bool:
    """`$util.isNumber`: bool is an int in Python but a Boolean in Java."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def type_of(value: Any) -> str:
    """`$util.typeOf`: "Null", "Number", "String", "Map", "List", "Boolean", else "Object"."""
    if value is None:
        return "Null"
    if isinstance(value, bool):
        return "Boolean"
    if is_number(value):
        return "Number"
    if isinstance(value, str):
        return "String"
    if isinstance(value, dict):
        return "Map"
    if isinstance(value, list | tuple):
        return "List"
    return "Object"


def is_null_or_empty(value: Any) -> bool:
    """`$util.isNullOrEmpty`: null, or an empty String (or an empty List or Map)."""
    if value is None:
        return True
    if isinstance(value, str | list | dict | tuple):
        return len(value) == 0
    return False


def is_null_or_blank(value: Any) -> bool:
    """`$util.isNullOrBlank`: null, or a String of whitespace only."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    return is_null_or_empty(value)


def matches(pattern: str, value: Any) -> bool:
    """`$util.matches(pattern, String)`: Java's `String.matches`, a match of the whole string."""
    if value is None:
        return False
    return compile_java_regex(pattern).fullmatch(str(value)) is not None


# java.util.regex.Pattern's POSIX character classes (US-ASCII only).
_POSIX_CLASSES = {
    "Lower": "a-z",
    "Upper": "A-Z",
    "ASCII": "\\x00-\\x7F",
    "Alpha": "a-zA-Z",
    "Digit": "0-9",
    "Alnum": "a-zA-Z0-9",
    "Punct": "!-/:-@\\[-`{-~",
    "Graph": "!-~",
    "Print": " -~",
    "Blank": " \\t",
    "Cntrl": "\\x00-\\x1F\\x7F",
    "XDigit": "0-9a-fA-F",
    "Space": " \\t\\n\\x0B\\f\\r",
}
_JAVA_CLASS = re.compile(r"\\([pP])\{(?:Is)?(\w+)\}")


def _rewrite_java_classes(pattern: str) -> str:
    """`\\p{Alpha}` -> `[a-zA-Z]`, or bare `a-zA-Z` inside a `[...]` set."""
    out: list[str] = []
    i = 0
    in_set = False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            match = _JAVA_CLASS.match(pattern, i)
            members = _POSIX_CLASSES.get(match.group(2)) if match else None
            if match and members is not None:
                negated = match.group(1) == "P"
                if in_set and not negated:
                    out.append(members)
                else:
                    out.append(f"[{'^' if negated else ''}{members}]")
                i = match.end()
                continue
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if char == "[" and not in_set:
            in_set = True
        elif char == "]" and in_set:
            in_set = False
        out.append(char)
        i += 1
    return "".join(out)


@lru_cache(maxsize=512)
def compile_java_regex(pattern: str) -> re.Pattern[str]:
    """Compile a Java regex once; the patterns templates use are literals, so the cache is warm
    after the first request. Java's POSIX classes (`\\p{Alpha}`, `\\P{Digit}` ...) are
    rewritten as the character sets java.util.regex.Pattern defines them as; possessive
    quantifiers and atomic groups are Python's too."""
    try:
        return re.compile(_rewrite_java_classes(pattern))
    except re.error as error:
        raise ResolverError(
            f"Invalid regular expression {pattern!r}: {error}", MAPPING_TEMPLATE
        ) from error


def base64_encode(value: Any) -> str:
    """`$util.base64Encode`: UTF-8 bytes of the input, base64 with padding."""
    data = value if isinstance(value, bytes) else str(value).encode("utf-8")
    return base64.b64encode(data).decode("ascii")


def base64_decode(value: str) -> str:
    """`$util.base64Decode`: the decoded bytes, read as UTF-8 (templates print them as text)."""
    try:
        return base64.b64decode(value, validate=False).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError) as error:
        raise ResolverError(f"Illegal base64 input: {error}", MAPPING_TEMPLATE) from error


# Java's URLEncoder leaves letters, digits and ".-*_" alone and writes a space as "+".
_URL_SAFE = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-*_")


def url_encode(value: str) -> str:
    """`$util.urlEncode`: application/x-www-form-urlencoded, as java.net.URLEncoder writes it."""
    out = []
    for byte in value.encode("utf-8"):
        if byte in _URL_SAFE:
            out.append(chr(byte))
        elif byte == 0x20:
            out.append("+")
        else:
            out.append(f"%{byte:02X}")
    return "".join(out)


def url_decode(value: str) -> str:
    """`$util.urlDecode`: the inverse of `urlEncode` ("+" is a space)."""
    return unquote_plus(value, encoding="utf-8", errors="replace")


_JS_ESCAPES = {
    "\b": "\\b",
    "\n": "\\n",
    "\t": "\\t",
    "\f": "\\f",
    "\r": "\\r",
    "'": "\\'",
    '"': '\\"',
    "\\": "\\\\",
    "/": "\\/",
}


def escape_javascript(value: str) -> str:
    """`$util.escapeJavaScript`: Apache Commons Lang's `StringEscapeUtils.escapeJavaScript`.

    Quotes, backslash and "/" get a backslash; control characters their short escape or
    `\\u00XX`; every character above 0x7f becomes `\\uXXXX` (upper-case hex) of its UTF-16 units.
    """
    out = []
    for char in value:
        escaped = _JS_ESCAPES.get(char)
        if escaped is not None:
            out.append(escaped)
            continue
        code = ord(char)
        if code < 0x20 or code > 0x7F:
            if code > 0xFFFF:
                code -= 0x10000
                out.append(f"\\u{0xD800 + (code >> 10):04X}\\u{0xDC00 + (code & 0x3FF):04X}")
            else:
                out.append(f"\\u{code:04X}")
        else:
            out.append(char)
    return "".join(out)
