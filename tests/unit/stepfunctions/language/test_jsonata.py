"""JSONata as Step Functions runs it (AWS dg `transforming-data`), against recorded behaviour.

Case ids name `../shared/corpus/sfn/cases.jsonl` entries.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stepfunctions.errors import InvalidDefinitionError, StatesError
from stepfunctions.language.errors import JsonataDefinitionError
from stepfunctions.language.jsonata import (
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


def cause_tail(text: str) -> str:
    prefix = f"The JSONata expression '{text}' specified for the field 'Output' threw an error "
    cause = failure(text).cause
    assert cause.startswith(prefix + "during evaluation. ")
    return cause[len(prefix + "during evaluation. ") :]


@pytest.mark.parametrize(
    ("text", "tail"),
    [
        # AWS's wording is jsonata-js's (floci-io/floci#2668 quotes AWS for T0412).
        ("$sum(['a'])", 'T0412: Argument 1 of function "sum" must be an array of "numbers"'),
        (
            "$uppercase(1)",
            'T0410: Argument 1 of function "uppercase" does not match function signature',
        ),
        ('"a" + 1', 'T2001: The left side of the "+" operator must evaluate to a number'),
        (
            "1 < 'a'",
            'T2009: The values 1 and "a" either side of operator "<" must be of the same data type',
        ),
        ("$nothing(1)", "T1006: Attempted to invoke a non-function"),
        ("$number('x')", 'D3030: Unable to cast value to a number: "x"'),
    ],
)
def test_evaluation_errors_read_as_jsonata_js_words_them(text: str, tail: str) -> None:
    error = failure(text)
    assert error.error == "States.QueryEvaluationError"
    assert cause_tail(text) == tail


def test_values_past_aws_memory_bound_fail() -> None:
    # floci-io/floci#2737, measured on AWS: [1..873782] is accepted, one element more is not;
    # the message carries no JSONata code, so it follows a colon.
    assert run("[1..873782] ~> $count()") == 873782
    error = failure("[1..873783] ~> $count()")
    assert error.cause.endswith(
        "threw an error during evaluation: Expression evaluation memory limit exceeded"
    )
    assert failure("$sum([1..900000])").error == "States.QueryEvaluationError"
    # A huge $range or range operator fails at once, before anything is built.
    assert cause_tail_bare("$range(0, 1000000000000, 1)") == MEMORY
    assert cause_tail_bare("[0..1000000000000] ~> $count()") == MEMORY


MEMORY = "Expression evaluation memory limit exceeded"


def cause_tail_bare(text: str) -> str:
    prefix = f"The JSONata expression '{text}' specified for the field 'Output' threw an error "
    cause = failure(text).cause
    assert cause.startswith(prefix + "during evaluation: ")
    return cause[len(prefix + "during evaluation: ") :]


def test_evaluation_deeper_than_a_hundred_levels_fails() -> None:
    # floci-io/floci#2737, measured on AWS: depth 100 evaluates, depth 101 is refused.
    assert run("+".join(["1"] * 100)) == 100
    assert cause_tail("+".join(["1"] * 101)).startswith("D1011: Stack overflow.")


def test_eval_is_not_available() -> None:
    # AWS dg transforming-data: $eval is not supported; use $parse.
    assert failure('$eval("1 + 1")').error == "States.QueryEvaluationError"


def test_integral_numbers_lose_their_fraction() -> None:
    # floci-io/floci#2737: AWS writes 1.0 as 1 and 1e2 as 100 after JSONata.
    assert run("$states.input.x", {"x": 2.0}) == 2
    assert run("$parse('[1.0, 1e2, 1.5]')") == [1, 100, 1.5]


def test_regular_expressions() -> None:
    # corpus evaluate_jsonata/...::test_base_jsonata_regular_expressions[BASE|BASE_FALSE]
    assert run('$contains("hello$world", /^hello\\$/)') is True
    assert run('$contains("hello$world", /^hello\\ /)') is False


def test_string_comparison_with_escaped_quote() -> None:
    # corpus scenarios/...::test_escape_sequence_parsing[ESCAPE_SEQUENCES_JSONATA_COMPARISON_OUTPUT]
    assert run("$states.input = '\"'", '"') is True


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a[1,2)", 'Expected "]", got ","'),
        ('"unterminated', "String literal must be terminated by a matching quote"),
        ("1 +", "Unexpected end of expression"),
        ('{"a":}', 'The symbol "}" cannot be used as a unary operator'),
        ("$x :=", "Unexpected end of expression"),
        ('$match("a", /abc', "No terminating / in regular expression"),
    ],
)
def test_syntax_errors_are_refused_as_aws_words_them(text: str, message: str) -> None:
    # Each pair was run through validate-state-machine-definition on AWS (floci-io/floci#2745).
    with pytest.raises(InvalidDefinitionError) as caught:
        compile_jsonata(text)
    assert caught.value.message == f"INVALID_JSONATA_EXPRESSION: {message}"


@pytest.mark.parametrize(
    ("text", "name"),
    [("phone", "phone"), ('{"a": phone}', "phone"), ("$f(x)", "x"), ("($x := 1; y)", "y")],
)
def test_top_level_references_are_refused(text: str, name: str) -> None:
    # floci-io/floci#2670, measured on AWS: "UNSUPPORTED_JSONATA_EXPRESSION: Reference to
    # 'phone' at the top level is not supported."
    with pytest.raises(InvalidDefinitionError) as caught:
        compile_jsonata(text)
    assert caught.value.message == (
        f"UNSUPPORTED_JSONATA_EXPRESSION: Reference to '{name}' at the top level is not supported."
    )


def test_a_refused_expression_in_a_template_knows_its_location() -> None:
    # AWS appends " at /States/E/Output/v" (floci-io/floci#2670); the template knows "/Output/v".
    with pytest.raises(JsonataDefinitionError) as caught:
        compile_jsonata_template({"v": "{% phone %}", "w": ["{% 1 + %}"]}, "Output")
    assert caught.value.location == "/Output/v"
    with pytest.raises(JsonataDefinitionError) as caught:
        compile_jsonata_template({"w": ["x", "{% 1 + %}"]}, "Arguments")
    assert caught.value.location == "/Arguments/w/1"
    assert caught.value.message == "INVALID_JSONATA_EXPRESSION: Unexpected end of expression"


@pytest.mark.parametrize(
    "text",
    [
        "$states.input.phone[0]",
        "$states.input.items[price > 10].name",
        "$states.input.(a + b)",
        "$map($states.input, function($v){ $v.x + y })",
        "$states.input.items^(price)",
    ],
)
def test_names_below_the_top_level_are_accepted(text: str) -> None:
    assert compile_jsonata(text).text == text


@given(st.text(alphabet="$states.input()[]{}'\"+-*/&=<>?:;abc 01,~|^#@%", max_size=30))
def test_any_text_compiles_or_is_refused_and_evaluates_or_fails_as_a_state(text: str) -> None:
    refusal = ""
    try:
        expression = compile_jsonata(text)
    except InvalidDefinitionError as exc:
        refusal = exc.message
    if refusal:
        assert refusal.startswith(("INVALID_JSONATA_EXPRESSION: ", "UNSUPPORTED_JSONATA"))
        return
    error = ""
    try:
        expression.evaluate(states({"a": [1, 2]}), {}, "Output")
    except StatesError as exc:
        error = exc.error
    assert error in ("", "States.QueryEvaluationError")
