"""JSONata as Step Functions runs it (AWS dg `transforming-data`), against recorded behaviour.

Case ids name `../shared/corpus/sfn/cases.jsonl` entries.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest

from stepfunctions.errors import InvalidDefinitionError, StatesError
from stepfunctions.jsonata import (
    compile_jsonata,
    compile_jsonata_template,
    is_jsonata,
    json_type_name,
    jsonata_body,
)

CONTEXT = {"Execution": {"Id": "arn:aws:states:us-east-1:111111111111:execution:sm:run"}}


def states(data: Any) -> dict[str, Any]:
    return {"input": data, "context": CONTEXT}


def run(text: str, data: Any = None, variables: dict[str, Any] | None = None) -> Any:
    return compile_jsonata(text).evaluate(states(data), variables or {}, "Output")


def failure(text: str, data: Any = None, field: str = "Output") -> StatesError:
    with pytest.raises(StatesError) as caught:
        compile_jsonata(text).evaluate(states(data), {}, field)
    return caught.value


def test_expression_markers() -> None:
    assert is_jsonata("{% $states.input %}")
    assert not is_jsonata("$states.input")
    assert not is_jsonata(1)
    assert jsonata_body("{% $x %}") == "$x"


def test_states_binding_exposes_input_and_context() -> None:
    # corpus evaluate_jsonata/...::TestBaseEvaluateJsonata::test_merge_with_dynamic_args
    data = {"part1": {"hello": "world"}, "part2": {"foo": "bar"}}
    assert run("$merge([$states.input.part1, $states.input.part2])", data) == {
        "hello": "world",
        "foo": "bar",
    }
    assert run("$states.context.Execution.Id") == CONTEXT["Execution"]["Id"]


def test_variables_are_visible_including_null() -> None:
    # corpus assign/...::test_base_cases[BASE_VAR]: `{% $varname %}` reads an assigned variable
    assert run("$varname", variables={"varname": "input_value_literal"}) == "input_value_literal"
    assert run("$v", variables={"v": None}) is None
    assert run("$states.input", None) is None


def test_nulls_inside_the_input_survive() -> None:
    # JSONata drops undefined values, never JSON nulls: {"a": [1, null], "n": null} round-trips.
    data = {"a": [1, None], "n": None}
    assert run("$states.input", data) == data
    assert run("[$states.input.n, 1]", data) == [None, 1]
    assert run("{'kept': $states.input.n, 'dropped': $nothing}", data) == {"kept": None}


def test_undefined_result_names_the_field() -> None:
    # corpus assign/...::test_undefined_reference[BASE_UNDEFINED_OUTPUT]
    error = failure("$doesNotExist")
    assert error.error == "States.QueryEvaluationError"
    assert error.cause == (
        "The JSONata expression '$doesNotExist' specified for the field 'Output' returned "
        "nothing (undefined)."
    )


def test_template_field_path_names_the_nested_key() -> None:
    # corpus assign/...::test_undefined_reference[BASE_UNDEFINED_OUTPUT_FIELD]: "Output/result"
    template = compile_jsonata_template({"result": "{% $doesNotExist %}"}, "Output")
    with pytest.raises(StatesError) as caught:
        template.evaluate(states({}), {})
    assert caught.value.cause == (
        "The JSONata expression '$doesNotExist' specified for the field 'Output/result' "
        "returned nothing (undefined)."
    )


def test_template_keeps_literals_and_recurses() -> None:
    # AWS dg transforming-data: only "{% %}" strings are evaluated; other values are literal.
    template = compile_jsonata_template(
        {"a": "{% $states.input.x + 1 %}", "b": ["{% 'two' %}", 3, "$.x"], "c": {"d": True}},
        "Output",
    )
    assert template.evaluate(states({"x": 1}), {}) == {
        "a": 2,
        "b": ["two", 3, "$.x"],
        "c": {"d": True},
    }
    assert compile_jsonata_template("plain", "Output").evaluate(states({}), {}) == "plain"


def test_function_result_is_unsupported() -> None:
    # corpus scenarios/...::test_map_state_items_eval_jsonata_fail[function]
    error = failure("$fn := function($x){$x}", field="Items")
    assert error.cause == (
        "The JSONata expression '$fn := function($x){$x}' specified for the field 'Items' "
        "returned an unsupported result type."
    )


@pytest.mark.parametrize(
    ("text", "kind", "printed"),
    [
        ("1", "number", "1"),
        ("'string'", "string", '"string"'),
        ("true", "boolean", "true"),
        ("{'foo': 'bar'}", "object", '{"foo":"bar"}'),
        ("null", "null", "null"),
    ],
)
def test_unexpected_result_type_prints_the_value(text: str, kind: str, printed: str) -> None:
    # corpus scenarios/...::test_map_state_items_eval_jsonata_fail[number|string|...]
    expression = compile_jsonata(text)
    with pytest.raises(StatesError) as caught:
        expression.evaluate_as(states({}), {}, "Items", "array")
    assert caught.value.error == "States.QueryEvaluationError"
    assert caught.value.cause == (
        f"The JSONata expression '{text}' specified for the field 'Items' returned an "
        f"unexpected result type. Expected 'array', but was '{kind}' for value: {printed}"
    )


def test_expected_type_accepts_matching_values() -> None:
    # corpus scenarios/...::test_map_state_items_eval_jsonata[mixed]
    assert compile_jsonata("[1, 'two', 3]").evaluate_as(states({}), {}, "Items", "array") == [
        1,
        "two",
        3,
    ]
    assert json_type_name([]) == "array"


def test_singleton_array_literal_stays_an_array() -> None:
    # corpus scenarios/...::test_map_state_items_eval_jsonata[singleton]: {% [0] %} -> [0]
    assert run("[0]") == [0]
    assert run("$states.input.items", {"items": [0]}) == [0]


def test_evaluation_error_carries_jsonata_code() -> None:
    error = failure('"a" + 1')
    assert error.error == "States.QueryEvaluationError"
    assert error.cause.startswith(
        "The JSONata expression '\"a\" + 1' specified for the field 'Output' threw an error "
        "during evaluation. T2001: "
    )


def test_eval_is_not_available() -> None:
    # AWS dg transforming-data: $eval is not supported; use $parse.
    assert failure('$eval("1 + 1")').error == "States.QueryEvaluationError"


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


def test_hash_uuid_and_seeded_random() -> None:
    # AWS dg transforming-data: $hash(value, algorithm), $uuid(), $random(seed).
    assert run("$hash('input data', 'SHA-512')") == hashlib.sha512(b"input data").hexdigest()
    assert re.fullmatch(r"[0-9a-f-]{36}", run("$uuid()"))
    first = run("$random(7)")
    assert 0 <= first < 1
    assert run("$random(7)") == first


def test_regular_expressions() -> None:
    # corpus evaluate_jsonata/...::test_base_jsonata_regular_expressions[BASE|BASE_FALSE]
    assert run('$contains("hello$world", /^hello\\$/)') is True
    assert run('$contains("hello$world", /^hello\\ /)') is False


def test_string_comparison_with_escaped_quote() -> None:
    # corpus scenarios/...::test_escape_sequence_parsing[ESCAPE_SEQUENCES_JSONATA_COMPARISON_OUTPUT]
    assert run("$states.input = '\"'", '"') is True


def test_syntax_error_is_an_invalid_definition() -> None:
    with pytest.raises(InvalidDefinitionError):
        compile_jsonata("1 +")
