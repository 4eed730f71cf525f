"""Payload templates: Parameters, ResultSelector, ItemSelector, Assign (AWS dg
`input-output-inputpath-params`), against AWS-recorded cases named by id.
"""

from __future__ import annotations

from typing import Any

import pytest

from stepfunctions.errors import InvalidDefinitionError, StatesError
from stepfunctions.language.paths import Scope, json_text
from stepfunctions.language.payload import compile_dynamic_value, compile_payload_template

CONTEXT = {
    "Execution": {"Id": "arn:aws:states:us-east-1:111111111111:execution:sm:run", "Input": {}},
    "Map": {"Item": {"Index": 0, "Value": "Charizard"}},
}


def evaluate(template: Any, data: Any, variables: dict[str, Any] | None = None) -> Any:
    scope = Scope(data, CONTEXT, variables or {})
    return compile_payload_template(template, "Parameters").evaluate(scope)


def test_dollar_keys_select_and_lose_their_suffix() -> None:
    # AWS dg input-output-inputpath-params: "flagged.$": "$.flagged" selects from the input.
    data = {"flagged": 7, "vals": [0, 10, 20, 30, 40, 50]}
    template = {
        "comment": "Selecting what I care about.",
        "MyDetails": {"size.$": "$.vals[1]", "exists.$": "$.flagged", "another": "literal"},
    }
    assert evaluate(template, data) == {
        "comment": "Selecting what I care about.",
        "MyDetails": {"size": 10, "exists": 7, "another": "literal"},
    }


def test_context_variable_and_intrinsic_values() -> None:
    # corpus assign/...::test_reference_in_map_state[MAP_STATE_REFERENCE_IN_INTRINSIC_FUNCTION]
    template = {
        "AnnouncePokemon.$": "States.Format($AnswerTemplate, $$.Map.Item.Value)",
        "Question.$": "$Question",
        "Index.$": "$$.Map.Item.Index",
    }
    variables = {"AnswerTemplate": "It's {}!", "Question": "Who's that Pokemon?"}
    assert evaluate(template, {}, variables) == {
        "AnnouncePokemon": "It's Charizard!",
        "Question": "Who's that Pokemon?",
        "Index": 0,
    }


def test_strings_without_the_suffix_are_literal() -> None:
    # corpus assign/...::test_reference_assign[BASE_REFERENCE_IN_PARAMETERS]: "result": "$result"
    # stays the literal string, and Comment inside Parameters is plain data.
    template = {"result": "$result", "Comment": "kept", "f": "States.UUID()"}
    assert evaluate(template, {}, {"result": "foobar"}) == template


def test_arrays_recurse() -> None:
    template = {"list": [{"a.$": "$.a"}, 1, ["x", {"b.$": "$.b"}]]}
    assert evaluate(template, {"a": 1, "b": 2}) == {"list": [{"a": 1}, 1, ["x", {"b": 2}]]}


def test_results_are_fresh_objects() -> None:
    template = compile_payload_template({"a.$": "$.a", "c": {"d": 1}}, "Parameters")
    first = template.evaluate(Scope({"a": [1]}, CONTEXT, {}))
    second = template.evaluate(Scope({"a": [1]}, CONTEXT, {}))
    assert first == second
    assert first is not second


def test_missing_path_names_the_key_with_its_suffix() -> None:
    # corpus scenarios/...::test_invalid_jsonpath[INVALID_JSONPATH_IN_PARAMETERS...]
    with pytest.raises(StatesError) as caught:
        evaluate({"value.$": "$.no_such_jsonpath"}, {"int-literal": 0})
    assert caught.value.error == "States.Runtime"
    assert caught.value.cause == (
        "The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be "
        "found in the input '{\"int-literal\":0}'"
    )


def test_an_index_past_the_end_reads_null_in_a_plain_path() -> None:
    # Measured on AWS (floci-io/floci AslExecutorIntrinsicMissingArgumentTest): a plain
    # "idx.$": "$.items[5]" resolves to null and the execution succeeds.
    assert evaluate({"idx.$": "$.items[5]"}, {"items": [1, 2]}) == {"idx": None}
    with pytest.raises(StatesError):
        evaluate({"idx.$": "$.items[5].x"}, {"items": [1, 2]})


def test_missing_context_path_prints_the_context_object() -> None:
    # corpus scenarios/...::test_invalid_jsonpath[...$$.Execution.Input.no_such_jsonpath] records
    # the sentence (its JSON normalised away); a plain `$$.` reference reports the context
    # object it searched (floci-io/floci AslExecutorIntrinsicMissingArgumentTest).
    with pytest.raises(StatesError) as caught:
        evaluate({"value.$": "$$.Execution.Input.no_such_jsonpath"}, {"int-literal": 0})
    assert caught.value.cause == (
        "The JSONPath '$$.Execution.Input.no_such_jsonpath' specified for the field 'value.$' "
        f"could not be found in the input '{json_text(CONTEXT)}'"
    )


@pytest.mark.parametrize("value", ["no dollar", 1, None, {"a": 1}, "States.Nope()"])
def test_dollar_key_needs_a_path_or_an_intrinsic(value: Any) -> None:
    with pytest.raises(InvalidDefinitionError) as caught:
        compile_payload_template({"x.$": value}, "Parameters")
    assert "'x.$'" in caught.value.message


def test_error_and_cause_paths_accept_intrinsics() -> None:
    # corpus base/test_base::TestSnfBase::test_state_fail_intrinsic
    data = {"Error": "error string", "Cause": "cause string"}
    scope = Scope(data, CONTEXT, {})
    error = compile_dynamic_value("States.Format('{}', $.Error)", "ErrorPath")
    cause = compile_dynamic_value(
        "States.Format('This is a custom error message for {}, caused by {}.', $.Error, $.Cause)",
        "CausePath",
    )
    assert error.evaluate(scope, "ErrorPath") == "error string"
    assert cause.evaluate(scope, "CausePath") == (
        "This is a custom error message for error string, caused by cause string."
    )


def test_assign_template_from_the_state_result() -> None:
    # corpus assign/...::test_assign_from_value[BASE_ASSIGN_FROM_RESULT]: theAnswer.$ = $.answer
    template = compile_payload_template({"theAnswer.$": "$.answer"}, "Assign")
    assert template.evaluate(Scope({"answer": 42}, CONTEXT, {})) == {"theAnswer": 42}
