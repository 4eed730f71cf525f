"""JSON text from and to clients: nesting bounded before decoding, lone surrogates written as
Java's JSON writer writes them (jackson-core UTF8JsonGenerator: `\\uD800`)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schema.errors import JsonTextError
from schema.json_text import MAX_JSON_DEPTH, dump_bytes, dumps, loads, nesting_exceeds

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_json_within_the_bound_is_decoded() -> None:
    assert loads(_nested(MAX_JSON_DEPTH)) == json.loads(_nested(MAX_JSON_DEPTH))
    assert loads(b'{"query": "{ a }"}') == {"query": "{ a }"}


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 100_000])
def test_json_past_the_bound_is_refused_before_decoding(depth: int) -> None:
    with pytest.raises(JsonTextError):
        loads(_nested(depth))
    with pytest.raises(JsonTextError):
        loads('{"a": ' * depth + "1" + "}" * depth)


def test_brackets_inside_strings_do_not_count() -> None:
    text = json.dumps({"query": "{ a { b { c } } }" * 100, "x": '[[[\\"]]]' * 100})
    assert not nesting_exceeds(text, 3)
    assert loads(text)["query"].startswith("{ a")


def test_many_shallow_brackets_are_not_deep() -> None:
    text = json.dumps([[1], [2]] * 10_000)
    assert not nesting_exceeds(text, 3)
    assert nesting_exceeds(text, 1)


@pytest.mark.parametrize("text", ["", "{", "nope", '{"a": }', b"\xff\xfe\x00"])
def test_text_that_is_not_json_is_refused(text: str | bytes) -> None:
    with pytest.raises(JsonTextError):
        loads(text)


def test_bytes_in_utf16_are_read_as_json_loads_reads_them() -> None:
    assert loads('{"a": "é"}'.encode("utf-16")) == {"a": "é"}


def test_a_lone_surrogate_is_escaped_in_upper_case_hex() -> None:
    assert dumps({"a": "x\ud800y"}) == '{"a":"x\\uD800y"}'
    assert dump_bytes({"a": "\udfff"}) == b'{"a":"\\uDFFF"}'
    assert json.loads(dumps(["\ud800"])) == ["\ud800"]


def test_other_text_is_written_as_json_dumps_writes_it() -> None:
    value = {"a": "é ✓ 😀", "b": [1, 2.5, None, True], "c": 'quote " and \\ backslash'}
    assert dumps(value) == json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    assert dump_bytes(value) == dumps(value).encode()


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
_SPACE = st.text(alphabet=" \t\n\r\f\v\u00a0", max_size=3)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    value=_JSON_VALUES,
    before=_SPACE,
    after=_SPACE,
    extra=st.sampled_from(["", "x", "1", "{}", "]", "\ufeff"]),
    encoding=st.sampled_from([None, "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32"]),
)
def test_text_is_decoded_as_json_loads_decodes_it(
    value: Any, before: str, after: str, extra: str, encoding: str | None
) -> None:
    """Whitespace around a value, other characters after it, a BOM, each encoding
    `json.loads` reads: the same value, or refused where `json.loads` refuses."""
    characters = before + json.dumps(value) + after + extra
    text = characters if encoding is None else characters.encode(encoding, "surrogatepass")
    try:
        expected: Any = json.loads(text)
    except ValueError as error:
        expected = error
    if not isinstance(expected, ValueError):
        assert json.dumps(loads(text)) == json.dumps(expected)
        return
    with pytest.raises(JsonTextError) as refused:
        loads(text)
    if not isinstance(expected, UnicodeDecodeError):  # else worded as the encodings read
        assert str(refused.value) == str(expected)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=_JSON_VALUES)
def test_values_are_written_as_json_dumps_writes_them(value: Any) -> None:
    expected = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    if not _LONE_SURROGATE.search(expected):
        assert dumps(value) == expected
        assert dump_bytes(value) == expected.encode()


def test_what_cannot_be_written_is_refused_in_json_dumps_words() -> None:
    cycle: list[Any] = []
    cycle.append(cycle)
    with pytest.raises(ValueError, match=r"^Circular reference detected$"):
        dumps({"data": cycle})
    with pytest.raises(TypeError, match=r"^Object of type set is not JSON serializable$"):
        dump_bytes({"data": {1}})
    assert dumps({"after": "both"}) == '{"after":"both"}'
