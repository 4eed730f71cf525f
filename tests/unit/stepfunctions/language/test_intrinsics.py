"""The 18 intrinsic functions (AWS dg `intrinsic-functions`), against AWS-recorded outputs.

Case ids name `../shared/corpus/sfn/cases.jsonl` entries (module `intrinsic_functions/*`).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stepfunctions.errors import InvalidDefinitionError, StatesError
from stepfunctions.language.intrinsics import compile_intrinsic, is_intrinsic
from stepfunctions.language.paths import Scope

# ASL spec Appendix A / AWS dg error-handling: the predefined error for a failed intrinsic.
INTRINSIC_FAILURE = "States.IntrinsicFailure"

CONTEXT = {
    "Execution": {"Input": {"input_field": {"constant_input_field": "constant_value"}}},
    "StateMachine": {"Name": "first-second-third"},
}


def call(text: str, data: Any = None, variables: dict[str, Any] | None = None) -> Any:
    scope = Scope(data, CONTEXT, variables or {})
    return compile_intrinsic(text, "FunctionResult.$").evaluate(scope)


def fails(text: str, data: Any = None) -> StatesError:
    with pytest.raises(StatesError) as caught:
        call(text, data)
    return caught.value


def pair(first: Any, second: Any) -> dict[str, Any]:
    return {"FunctionInput": {"fst": first, "snd": second}}


def test_is_intrinsic_tells_calls_from_paths() -> None:
    assert is_intrinsic("States.Array($.a)")
    assert not is_intrinsic("$.States")


def test_array_builds_from_its_arguments() -> None:
    # corpus test_array::TestArray::test_array_0 and test_array_2#7
    assert call("States.Array()") == []
    value = {"Arg1": 1, "Arg2": []}
    assert call("States.Array($.FunctionInput.fst, $.FunctionInput.snd)", pair(value, value)) == [
        value,
        value,
    ]
    assert call("States.Array('a', 1, 1.5, true, null)") == ["a", 1, 1.5, True, None]


@pytest.mark.parametrize(
    ("items", "size", "expected"),
    [
        ([], 1, []),
        ([0], 5, [[0]]),
        ([0, 1, 2, 3], 1, [[0], [1], [2], [3]]),
        ([0, 1, 2, 3], 3, [[0, 1, 2], [3]]),
    ],
)
def test_array_partition_chunks_in_order(items: list[int], size: int, expected: Any) -> None:
    # corpus test_array::TestArray::test_array_partition#0, #9, #20, #22
    text = "States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"
    assert call(text, pair(items, size)) == expected


@pytest.mark.parametrize(
    ("items", "value", "expected"),
    [
        ([], None, False),
        ([[1, 2, 3], 2], [1, 2, 3], True),
        ([{"1": 2, "2": []}], [], False),
        ([{"1": 2, "2": []}], {"1": 2, "2": []}, True),
        ([True, False], False, True),
    ],
)
def test_array_contains_compares_json_values(items: Any, value: Any, expected: bool) -> None:
    # corpus test_array::TestArray::test_array_contains#0, #4, #5, #6, #8
    text = "States.ArrayContains($.FunctionInput.fst, $.FunctionInput.snd)"
    assert call(text, pair(items, value)) is expected


def test_array_contains_does_not_confuse_true_with_one() -> None:
    assert call("States.ArrayContains(States.Array(1), true)") is False


@pytest.mark.parametrize(
    ("start", "end", "step", "expected"),
    [(0, 9, 3, [0, 3, 6, 9]), (0, 10, 3, [0, 3, 6, 9]), (1, 9, 9, [1]), (1, 9, 2, [1, 3, 5, 7, 9])],
)
def test_array_range_includes_the_end(start: int, end: int, step: int, expected: Any) -> None:
    # corpus test_array::TestArray::test_array_range#0-#3
    assert call(f"States.ArrayRange({start}, {end}, {step})") == expected


def test_array_range_is_limited_to_a_thousand_items() -> None:
    # AWS dg intrinsic-functions: the result array can contain up to 1000 items.
    assert len(call("States.ArrayRange(1, 1000, 1)")) == 1000
    assert fails("States.ArrayRange(1, 1001, 1)").error == INTRINSIC_FAILURE
    assert fails("States.ArrayRange(0, 1000000000000000, 1)").error == INTRINSIC_FAILURE


def test_array_get_item_and_length() -> None:
    # corpus test_array::TestArray::test_array_get_item and test_array_length
    items: list[Any] = [1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert call("States.ArrayGetItem($.fst, $.snd)", {"fst": items, "snd": 5}) == 6
    assert call("States.ArrayLength($)", items) == 9
    assert fails("States.ArrayGetItem($, 9)", items).error == INTRINSIC_FAILURE


def test_array_unique_keeps_first_occurrences() -> None:
    # AWS dg intrinsic-functions, States.ArrayUnique: [1,2,3,3,3,3,3,3,4] -> [1,2,3,4]
    assert call("States.ArrayUnique($)", [1, 2, 3, 3, 3, 3, 3, 3, 4]) == [1, 2, 3, 4]
    # JSON equality: a boolean is not a number; objects and arrays compare by value.
    items: list[Any] = [None, None, True, 1, 1, 1.1, "s", "s", [], [], {"a": 1}, {"a": 1}]
    assert call("States.ArrayUnique($)", items) == [None, True, 1, 1.1, "s", [], {"a": 1}]


def test_base64_round_trip() -> None:
    # corpus test_encode_decode::TestEncodeDecode::test_base_64_encode#1 / decode#1
    assert call("States.Base64Encode($)", "Data to encode") == "RGF0YSB0byBlbmNvZGU="
    assert call("States.Base64Decode($)", "RGF0YSB0byBlbmNvZGU=") == "Data to encode"
    assert call("States.Base64Encode('')") == ""


def test_base64_rejects_more_than_ten_thousand_characters() -> None:
    # AWS dg intrinsic-functions: input up to 10,000 characters.
    assert fails("States.Base64Encode($)", "a" * 10_001).error == INTRINSIC_FAILURE


@pytest.mark.parametrize(
    ("algorithm", "digest"),
    [
        ("MD5", "812f45842bc6d66ee14572ce20db8e86"),
        ("SHA-1", "aaff4a450a104cd177d28d18d74485e8cae074b7"),
        ("SHA-256", "b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3"),
    ],
)
def test_hash_is_hex_of_the_named_algorithm(algorithm: str, digest: str) -> None:
    # corpus test_hash_calculations::TestHashCalculations::test_hash#0-#2
    text = "States.Hash($.FunctionInput.fst, $.FunctionInput.snd)"
    assert call(text, pair("input data", algorithm)) == digest


def test_hash_with_an_unknown_algorithm_or_non_string_data_fails() -> None:
    assert fails("States.Hash('x', 'SHA-3')").error == INTRINSIC_FAILURE
    assert fails("States.Hash('x', 'sha-256')").error == INTRINSIC_FAILURE
    assert fails("States.Hash($, 'MD5')", {"a": 1}).error == INTRINSIC_FAILURE


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("", None),
        (" ", None),
        ("null", None),
        ("-0", 0),
        ("1.1", 1.1),
        ('"HelloWorld"', "HelloWorld"),
    ],
)
def test_string_to_json(text: str, value: Any) -> None:
    # corpus test_json_manipulation::TestJsonManipulation::test_string_to_json#0-#7
    assert call("States.StringToJson($)", text) == value


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "null"),
        (1.1, "1.1"),
        ("HelloWorld", '"HelloWorld"'),
        ({"Arg1": 1, "Arg2": []}, '{"Arg1":1,"Arg2":[]}'),
    ],
)
def test_json_to_string_is_compact(value: Any, text: str) -> None:
    # corpus test_json_manipulation::TestJsonManipulation::test_json_to_string#0, #3, #5, #7
    assert call("States.JsonToString($)", value) == text


def test_json_merge_is_shallow_and_right_wins() -> None:
    # corpus test_json_manipulation::TestJsonManipulation::test_json_merge
    data = pair(
        {"a": {"a1": 1, "a2": 2}, "b": 2, "d": 3}, {"a": {"a3": 1, "a4": 2}, "c": 3, "d": 4}
    )
    assert call("States.JsonMerge($.FunctionInput.fst, $.FunctionInput.snd, false)", data) == {
        "a": {"a3": 1, "a4": 2},
        "b": 2,
        "c": 3,
        "d": 4,
    }


def test_json_merge_with_nested_call_and_context_path() -> None:
    # corpus test_json_manipulation::TestJsonManipulation::test_json_merge_escaped_argument
    text = (
        'States.JsonMerge(States.StringToJson(\'{"constant_in_literal": "false"}\'), '
        "$$.Execution.Input.input_field, false)"
    )
    assert call(text, {}) == {
        "constant_input_field": "constant_value",
        "constant_in_literal": "false",
    }


def test_json_merge_deep_mode_is_refused() -> None:
    # AWS dg intrinsic-functions: only shallow merging; the third argument must be false.
    assert fails("States.JsonMerge($, $, true)", {}).error == INTRINSIC_FAILURE


@pytest.mark.parametrize(
    ("first", "second", "total"),
    [
        (-9, 3, -6),
        (1.49, 1.5, 3),
        (1.5, 1.51, 4),
        (-1.49, -1.5, -2),
        (-1.5, -1.51, -3),
        (-0.5, 0, 0),
        (0.5, 0, 1),
        (-2.5, 0, -2),
    ],
)
def test_math_add_rounds_each_argument_like_java(first: Any, second: Any, total: int) -> None:
    # corpus test_math_operations::TestMathOperations::test_math_add#0-#4, #12, #17, #19
    text = "States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)"
    assert call(text, pair(first, second)) == total


def test_math_random_stays_in_range_and_repeats_with_a_seed() -> None:
    # corpus test_math_operations::TestMathOperations::test_math_random_seeded (0, 999, seed 3)
    first = call("States.MathRandom(0, 999, 3)")
    assert 0 <= first < 999
    assert call("States.MathRandom(0, 999, 3)") == first
    assert -99999 <= call("States.MathRandom(-99999, -9999)") < -9999


@pytest.mark.parametrize(
    ("text", "delimiter", "pieces"),
    [
        (" , ", ",", [" ", " "]),
        (",,,,", ",", []),
        ("This.is+a,test=string", ".+,=", ["This", "is", "a", "test", "string"]),
        ("split on T and \nnew line", "T\n", ["split on ", " and ", "new line"]),
    ],
)
def test_string_split_on_any_delimiter_character(text: str, delimiter: str, pieces: Any) -> None:
    # corpus test_string_operations::TestStringOperations::test_string_split#1, #3, #5, #6
    assert (
        call("States.StringSplit($.FunctionInput.fst, $.FunctionInput.snd)", pair(text, delimiter))
        == pieces
    )


def test_string_split_needs_a_delimiter_and_a_string() -> None:
    assert fails("States.StringSplit('abc', '')").error == INTRINSIC_FAILURE
    assert fails("States.StringSplit($, ',')", 7).error == INTRINSIC_FAILURE


def test_uuid_is_a_version_4_uuid() -> None:
    value = call("States.UUID()")
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", value
    )


@pytest.mark.parametrize(
    ("value", "rendered"),
    [
        ("", ""),
        (None, "null"),
        (1, "1"),
        (1.1, "1.1"),
        ({"Arg1": 1, "Arg2": []}, "{Arg1=1, Arg2=[]}"),
    ],
)
def test_format_renders_values_the_java_way(value: Any, rendered: str) -> None:
    # corpus test_generic::TestGeneric::test_format_1#0, #3, #4, #5 and test_format_2#7
    text = "States.Format('Formatting argument {}.', $.FunctionInput)"
    assert call(text, {"FunctionInput": value}) == f"Formatting argument {rendered}."


def test_format_with_a_template_from_a_variable() -> None:
    # corpus assign/...::test_reference_in_map_state[MAP_STATE_REFERENCE_IN_INTRINSIC_FUNCTION]
    result = call(
        "States.Format($AnswerTemplate, $.v)", {"v": "Pikachu"}, {"AnswerTemplate": "It's {}!"}
    )
    assert result == "It's Pikachu!"


def test_format_escapes_braces_and_quotes() -> None:
    # AWS dg intrinsic-functions: \{ \} \' \\ are escapes inside string literals.
    assert call("States.Format('\\{{}\\} it\\'s', 'x')") == "{x} it's"


def test_format_with_too_few_arguments_fails() -> None:
    assert fails("States.Format('{} and {}', 'one')").error == INTRINSIC_FAILURE


def test_nested_calls_with_context_paths() -> None:
    # corpus test_generic::TestGeneric::test_nested_calls_2
    text = (
        "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), "
        "States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))"
    )
    assert call(text, {}) == "third"


def test_escape_sequence_in_literal() -> None:
    # corpus test_generic::TestGeneric::test_escape_sequence (the JSON "\n" is a newline)
    assert call("States.StringSplit('Hello\nWorld', '\n')") == ["Hello", "World"]


def test_missing_path_argument_names_the_whole_call() -> None:
    # Captured from AWS (floci-io/floci AslExecutorIntrinsicMissingArgumentTest): the cause
    # echoes the outermost call as written and names the argument that missed.
    error = fails("States.Format('{}', States.Format('{}', $.nope))", {"other": 1})
    assert error.error == "States.Runtime"
    assert error.cause == (
        "The function 'States.Format('{}', States.Format('{}', $.nope))' had the following "
        "error: The JsonPath argument for the field '$.nope' could not be found in the input "
        "'{\"other\":1}'"
    )


def test_missing_context_argument_is_shown_against_the_context_object() -> None:
    # Same source: `$$.Nope.Deep` is reported as `$.Nope.Deep`, with the state input.
    error = fails("States.Format('{}', $$.Nope.Deep)", {"other": 1})
    assert error.cause == (
        "The function 'States.Format('{}', $$.Nope.Deep)' had the following error: The JsonPath "
        "argument for the field '$.Nope.Deep' could not be found in the input '{\"other\":1}'"
    )


def test_an_index_past_the_end_is_a_missing_argument() -> None:
    # Same source: as an argument, `$.items[5]` misses (a plain `.$` path reads null instead).
    error = fails("States.Format('{}', $.items[5])", {"items": [1, 2]})
    assert "The JsonPath argument for the field '$.items[5]' could not be found" in error.cause
    assert call("States.Format('{}', $.nul)", {"nul": None}) == "null"
    assert call("States.ArrayLength($.items[*].nope)", {"items": [1, 2]}) == 0


@pytest.mark.parametrize(
    "text",
    [
        "States.Nope()",
        "States.Array(",
        "States.Array('a')x",
        "States.Format('x",
        "States.Array(a b)",
    ],
)
def test_malformed_calls_are_rejected_at_compile_time(text: str) -> None:
    with pytest.raises(InvalidDefinitionError):
        compile_intrinsic(text, "FunctionResult.$")


def test_more_than_ten_nested_calls_are_rejected() -> None:
    # AWS dg intrinsic-functions: up to 10 nested intrinsic functions in a field.
    ten = "States.Array(" * 10 + ")" * 10
    assert call(ten) is not None
    with pytest.raises(InvalidDefinitionError):
        compile_intrinsic("States.Array(" * 11 + ")" * 11)


json_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=5)


@given(st.lists(json_scalars, max_size=30), st.integers(min_value=1, max_value=12))
def test_array_partition_then_flatten_is_the_original(items: list[Any], size: int) -> None:
    chunks = call("States.ArrayPartition($.items, $.size)", {"items": items, "size": size})
    assert [item for chunk in chunks for item in chunk] == items
    assert all(0 < len(chunk) <= size for chunk in chunks)


pieces = st.lists(st.text(alphabet="abcXYZ 1", min_size=1, max_size=6), max_size=8)


@given(pieces, st.sampled_from([",", ";", "|"]))
def test_string_split_inverts_a_join(parts: list[str], delimiter: str) -> None:
    joined = delimiter.join(parts)
    assert call("States.StringSplit($.s, $.d)", {"s": joined, "d": delimiter}) == parts


@given(st.lists(st.text(alphabet="abc xyz", max_size=5), max_size=5))
def test_format_fills_placeholders_in_order(values: list[str]) -> None:
    template = "-".join("{}" for _ in values)
    arguments = "".join(f", $.v[{index}]" for index in range(len(values)))
    assert call(f"States.Format('{template}'{arguments})", {"v": values}) == "-".join(values)
