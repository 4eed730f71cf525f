"""JSON text from and to clients: parsing with a nesting bound, writing that never fails.

Reading. Python's decoder recurses once per nesting level and raises RecursionError about a
thousand levels down, and much of what then handles a parsed value (variable coercion, AppSync's
Java-style printing of values, templates, serializers) recurses per level too, against the same
limit. So every JSON text a client sends (a request body, a realtime frame, a `start`'s
`payload.data`, an AWSJSON value) is refused past `MAX_JSON_DEPTH` levels, before it is decoded,
with the error the caller words as AppSync's for malformed JSON. The check is a count of
brackets, then, only when there are more brackets than the bound, one pass over the brackets
outside strings (`nesting_exceeds`).
AWS differs: AppSync's JSON parser is Java's; Jackson's default nesting bound
(StreamReadConstraints, jackson-core 2.15) is 1000 levels. Here the bound is lower, so that
what follows parsing stays far from Python's recursion limit.

Writing. A Python string may hold a lone UTF-16 surrogate (`"\\ud800"` in a client's JSON
decodes to one), which UTF-8 cannot encode. Java's JSON writer escapes it instead (jackson-core
`UTF8JsonGenerator._outputMultiByteChar`: `\\uD800`, upper-case hex), so a response or frame
carrying client data is always written. Everything else is written as `json.dumps` would,
compact and with non-ASCII characters as UTF-8.
"""

from __future__ import annotations

import json
import re
from _json import make_encoder
from array import array
from itertools import accumulate
from json.encoder import encode_basestring
from json.scanner import make_scanner
from typing import Any

from schema.errors import JsonTextError

# Arrays and objects inside one another, counting the outermost.
MAX_JSON_DEPTH = 128

# A JSON string, escapes included (brackets inside one do not nest anything).
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
# Brackets to +1 / -1 (as signed bytes), everything else dropped.
_BRACKETS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

# The scanner `json.loads` runs (its default decoder's), and the whitespace JSON allows around
# a value (RFC 8259: space, tab, line feed, carriage return).
# (The decoder is the scanner's context: typeshed types the context as a scanner.)
_SCAN_ONCE = make_scanner(json.JSONDecoder())  # type: ignore[arg-type]
_WHITESPACE = " \t\n\r"

# One encoder for every call: `json.dumps` with options builds a new one each time.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
# Its C encoder, built once rather than per call, without the check for circular references
# (a dict of the ids of the containers open): a value it cannot write goes to `_ENCODER`, which
# says why in its words. Writing a one-field answer took a third as long (issue 19).
_C_ENCODER = make_encoder(
    None, _ENCODER.default, encode_basestring, None, ":", ",", False, False, True
)


def loads(text: str | bytes, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """`json.loads`, refusing text nested deeper than `max_depth`. Bytes are decoded as
    `json.loads` decodes them (UTF-8, -16 or -32, lone surrogates passed through).
    Raises JsonTextError for text that is not JSON or is nested too deep."""
    if isinstance(text, bytes):
        # An object whose second byte is not NUL is UTF-8 to `json.detect_encoding` (no BOM
        # opens with `{`, UTF-16 and -32 put NUL beside an ASCII character): what clients send.
        opens_utf8 = text[:1] == b"{" and text[1:2] != b"\x00"
        try:
            text = text.decode(
                "utf-8" if opens_utf8 else json.detect_encoding(text), "surrogatepass"
            )
        except UnicodeDecodeError:
            raise JsonTextError("not UTF-8, UTF-16 or UTF-32 text") from None
    if nesting_exceeds(text, max_depth):
        raise JsonTextError(f"nested deeper than {max_depth} levels")
    # `json.loads`'s own scanner, without the two regular-expression matches around it (half
    # the time of decoding a request body, issue 19): JSON's whitespace stripped instead.
    stripped = text.strip(_WHITESPACE)
    try:
        value, end = _SCAN_ONCE(stripped, 0)
        if end == len(stripped):
            return value
    except (StopIteration, ValueError, RecursionError):
        pass
    try:  # not one JSON value: json.loads says why, in its words
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        raise JsonTextError(str(error)) from None


def nesting_exceeds(text: str, max_depth: int) -> bool:
    """Whether arrays and objects in `text` nest deeper than `max_depth` (brackets inside
    strings do not count). One pass, in C but for the running sum: strings removed, brackets
    kept as +1 and -1, the highest running sum taken. Free unless the text has more brackets
    than the bound (a 5 MiB body of empty objects: about 0.15 s, half what decoding it takes)."""
    if text.count("[") + text.count("{") <= max_depth:
        return False
    brackets = _STRING.sub("", text).encode(errors="surrogatepass")
    steps = array("b", brackets.translate(_BRACKETS, _NOT_BRACKETS))
    return max(accumulate(steps), default=0) > max_depth


def _encoded(value: Any) -> str:
    """`_ENCODER.encode(value)`."""
    try:
        return "".join(_C_ENCODER(value, 0))
    except (ValueError, TypeError, RecursionError):  # e.g. a cycle: the encoder's own error
        return _ENCODER.encode(value)


def dumps(value: Any) -> str:
    """Compact JSON whose UTF-8 encoding cannot fail: a lone surrogate is escaped as Java's
    writer escapes it."""
    text = _encoded(value)
    if text.isascii() or _LONE_SURROGATE.search(text) is None:
        return text
    return _LONE_SURROGATE.sub(_escape, text)


def dump_bytes(value: Any) -> bytes:
    """`dumps(value)` as UTF-8: the body of a response or a frame."""
    text = _encoded(value)
    try:
        return text.encode()
    except UnicodeEncodeError:
        return _LONE_SURROGATE.sub(_escape, text).encode()


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04X}"
