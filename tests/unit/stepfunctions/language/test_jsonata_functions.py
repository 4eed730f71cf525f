"""The functions Step Functions adds to JSONata ($partition, $range, $hash, $random, $uuid,
$parse) and its $now / $millis, against AWS-recorded outputs and the errors AWS answers.

Case ids name `../shared/corpus/sfn/cases.jsonl` entries; error texts were measured with TestState
(floci-io/floci#2737).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest

from stepfunctions.language.jsonata import (
    compile_jsonata,
    compile_jsonata_template,
)
from tests.unit.stepfunctions.language.test_jsonata import cause_tail, failure, run, states


@pytest.mark.parametrize(
    ("items", "size", "expected"),
    [([0], 1, [[0]]), ([0, 1], 5, [[0, 1]]), ([0, 1, 2], 2, [[0, 1], [2]])],
)
def test_partition(items: list[int], size: int, expected: Any) -> None:
    # corpus intrinsic_functions/test_array_jsonata::...::test_array_partition#0, #9, #11
    data = {"FunctionInput": {"fst": items, "snd": size}}
    text = "$partition($states.input.FunctionInput.fst, $states.input.FunctionInput.snd)"
    assert run(text, data) == expected


@pytest.mark.parametrize(
    ("start", "end", "step", "expected"),
    [(0, 9, 3, [0, 3, 6, 9]), (0, 10, 3, [0, 3, 6, 9]), (1, 9, 9, 1), (1, 9, 2, [1, 3, 5, 7, 9])],
)
def test_range_collapses_a_singleton(start: int, end: int, step: int, expected: Any) -> None:
    # corpus intrinsic_functions/test_array_jsonata::...::test_array_range#0-#3
    assert run(f"$range({start}, {end}, {step})") == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("-0", 0),
        ("1.1", 1.1),
        ('"HelloWorld"', "HelloWorld"),
        ('{"Arg1": 1, "Arg2": []}', {"Arg1": 1, "Arg2": []}),
    ],
)
def test_parse(text: str, value: Any) -> None:
    # corpus intrinsic_functions/test_json_manipulation_jsonata::...::test_parse#0, #2, #4, #6
    assert run("$parse($states.input.s)", {"s": text}) == value


def test_now_and_millis_read_the_engine_clock_when_given() -> None:
    expression = compile_jsonata("$now()")
    assert expression.evaluate(states({}), {}, "Output", now_millis=0) == "1970-01-01T00:00:00.000Z"
    template = compile_jsonata_template({"t": "{% $millis() %}"}, "Output")
    assert template.evaluate(states({}), {}, now_millis=1234) == {"t": 1234}


def test_hash_uuid_and_seeded_random() -> None:
    # AWS dg transforming-data: $hash(value, algorithm), $uuid(), $random(seed); AWS draws from
    # java.util.Random, so $random(42) is 0.7275636800328681 (floci-io/floci#2737).
    assert run("$hash('input data', 'SHA-512')") == hashlib.sha512(b"input data").hexdigest()
    assert re.fullmatch(r"[0-9a-f-]{36}", run("$uuid()"))
    assert run("$random(42)") == 0.7275636800328681
    assert 0 <= run("$random()") < 1


@pytest.mark.parametrize(
    ("text", "tail"),
    [
        (
            "$partition(1, 2)",
            'T0412: Argument 1 of function "partition" must be an array of undefined',
        ),
        ("$partition([1], -1)", "D3137: Second argument must be zero or greater"),
        (
            "$partition([1], 1, 2)",
            'T0410: Argument 3 of function "partition" does not match function signature',
        ),
        (
            "$range('a', 1, 1)",
            'T0410: Argument 1 of function "range" does not match function signature',
        ),
        (
            "$hash(1, 'MD5')",
            'T0410: Argument 1 of function "hash" does not match function signature',
        ),
        (
            "$hash('a', 'SHA-3')",
            "D3137: Hash algorithm 'SHA-3' must be one of SHA-1, SHA-384, SHA-256, SHA-512, MD5",
        ),
        ("$uuid(1)", 'T0410: Argument 1 of function "uuid" does not match function signature'),
        ("$parse('')", "D3137: Invalid JSON"),
        ('$parse(\'{"a": 1, "a": 2}\')', "D3137: Invalid JSON"),
        ("$parse('1 2')", "D3137: Invalid JSON"),
        ("$parse(1)", 'T0410: Argument 1 of function "parse" does not match function signature'),
    ],
)
def test_aws_function_errors(text: str, tail: str) -> None:
    # What AWS answers for these calls, as measured with TestState in floci-io/floci#2737.
    assert cause_tail(text) == tail


@pytest.mark.parametrize(
    "text",
    ["$partition([], 2)", "$partition([1], 0)", "$range(1, 5)", "$range(5, 1, 1)", "$hash('a')"],
)
def test_degenerate_aws_function_calls_return_nothing(text: str) -> None:
    # floci-io/floci#2737: AWS evaluates these to nothing, so the field fails as undefined.
    assert failure(text).cause.endswith("returned nothing (undefined).")


def test_aws_functions_round_towards_zero_and_default_the_chunk() -> None:
    assert run("$range(1, 3, 1.9)") == [1, 2, 3]
    assert run("$random(42.9)") == 0.7275636800328681
    assert run("$partition([1, 2, 3])") == [[1, 2, 3]]
