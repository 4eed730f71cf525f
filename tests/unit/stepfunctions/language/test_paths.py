"""Paths, Reference Paths and ResultPath (ASL spec §Paths; AWS dg `input-output-resultpath`).

Expected values come from AWS's documentation or from the AWS-recorded corpus
(`../shared/corpus/sfn/cases.jsonl`), named by case id in each test.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stepfunctions.errors import InvalidDefinitionError, StatesError
from stepfunctions.language.paths import (
    QueryLanguage,
    Scope,
    apply_result_path,
    compile_path,
    compile_reference_path,
    java_double_text,
    json_text,
)

CONTEXT = {
    "Execution": {"Id": "arn:aws:states:us-east-1:111111111111:execution:sm:run", "Name": "run"},
    "StateMachine": {"Name": "sm"},
}


def scope(data: Any, variables: dict[str, Any] | None = None) -> Scope:
    return Scope(data, CONTEXT, variables or {})


def test_query_language_values_are_the_definition_spelling() -> None:
    assert QueryLanguage("JSONPath") is QueryLanguage.JSONPATH
    assert QueryLanguage("JSONata") is QueryLanguage.JSONATA


def test_dot_and_bracket_steps_select_one_node() -> None:
    data = {"a": {"b c": [10, {"d": "found"}]}}
    assert compile_path("$.a['b c'][1].d").evaluate(scope(data), "InputPath") == "found"
    assert compile_path("$").evaluate(scope(data), "InputPath") == data


def test_negative_index_counts_from_the_end() -> None:
    assert compile_path("$.items[-1]").evaluate(scope({"items": [1, 2, 3]}), "x.$") == 3


def test_context_path_reads_the_context_object() -> None:
    path = compile_path("$$.Execution.Name")
    assert path.evaluate(scope({"Execution": "not this"}), "name.$") == "run"


def test_variable_path_reads_the_variable() -> None:
    # corpus assign/...::test_reference_assign[BASE_REFERENCE_IN_INPUTPATH]: InputPath "$theAnswer"
    path = compile_path("$theAnswer")
    assert path.evaluate(scope({}, {"theAnswer": 42}), "InputPath") == 42
    assert compile_path("$x.y[0]").evaluate(scope({}, {"x": {"y": ["v"]}}), "v.$") == "v"


def test_bracket_key_keeps_backslashes_and_double_quotes() -> None:
    # corpus scenarios/...::test_escape_sequence_parsing[ESCAPE_SEQUENCES_JSONPATH]
    data = {'Test\\""Name"': 'Value"\\'}
    assert compile_path('$[\'Test\\""Name"\']').evaluate(scope(data), "value.$") == 'Value"\\'


@pytest.mark.parametrize(
    "text",
    [
        "$[*]",
        "$.items[*]",
        "$.items[1:]",
        "$.items[:1]",
        "$.item.items[1:5]",
        "$.items[*].itemValue",
        "$.item.items[1:5].itemValue",
    ],
)
def test_wildcard_or_slice_over_missing_input_is_an_empty_list(text: str) -> None:
    # corpus base/test_base::TestSnfBase::test_json_path_array_wildcard_or_slice_with_no_input
    assert compile_path(text).evaluate(scope({}), "item.$") == []


def test_path_functions_are_plain_property_names() -> None:
    # AWS supports no Jayway path functions: aws-step-functions-developer-guide PR #5 quotes
    # "Invalid path '$.list.length()' : Property ['length()'] not found in path $['list']".
    path = compile_path("$.list.length()")
    assert path.evaluate(scope({"list": {"length()": 2}}), "InputPath") == 2
    with pytest.raises(StatesError) as caught:
        path.evaluate(scope({"list": [1, 2]}), "InputPath")
    assert caught.value.cause.startswith("Invalid path '$.list.length()' : ")


def test_missing_intermediate_step_names_the_path_up_to_it() -> None:
    # Jayway's sentence for a missing property before the last step.
    with pytest.raises(StatesError) as caught:
        compile_path("$.x.y.z").evaluate(scope({"a": 1}), "OutputPath")
    assert caught.value.cause == "Invalid path '$.x.y.z' : Missing property in path $['x']"


def test_filter_expression_selects_matching_items() -> None:
    # AWS dg `amazon-states-language-paths`: filters such as [?(@.x == 0)] are allowed in Paths.
    data = {"a": [{"x": 0, "n": 1}, {"x": 1, "n": 2}, {"x": 0, "n": 3}]}
    path = compile_path("$.a[?(@.x == 0)].n")
    assert path.evaluate(scope(data), "v.$") == [1, 3]


def test_missing_payload_field_names_the_key_and_prints_the_input() -> None:
    # corpus scenarios/...::test_invalid_jsonpath[INVALID_JSONPATH_IN_PARAMETERS...]
    with pytest.raises(StatesError) as caught:
        compile_path("$.no_such_jsonpath").evaluate(scope({"int-literal": 0}), "value.$")
    assert caught.value.error == "States.Runtime"
    assert caught.value.cause == (
        "The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be "
        "found in the input '{\"int-literal\":0}'"
    )


def test_missing_error_path_uses_the_long_sentence() -> None:
    # corpus scenarios/...::test_invalid_jsonpath[INVALID_JSONPATH_IN_ERRORPATH]
    with pytest.raises(StatesError) as caught:
        compile_path("$.ErrorX").evaluate(scope({"Error": "error-value"}), "ErrorPath")
    assert caught.value.cause == (
        "The JSONPath '$.ErrorX' specified for the field 'ErrorPath' could not be found in the "
        'input \'{"Error":"error-value"}\''
    )


def test_missing_input_path_uses_jaywayss_sentence() -> None:
    # corpus scenarios/...::test_invalid_jsonpath[ST.INVALID_JSONPATH_IN_INPUTPATH]
    with pytest.raises(StatesError) as caught:
        compile_path("$.NoSuchInputPath").evaluate(scope({"int-literal": 0}), "InputPath")
    assert caught.value.error == "States.Runtime"
    assert caught.value.cause == (
        "Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']"
    )


def test_index_on_an_object_finds_nothing() -> None:
    found, value = compile_path("$.a[0]").read(scope({"a": {"0": 1}}))
    assert (found, value) == (False, None)


def test_undefined_variable_finds_nothing() -> None:
    with pytest.raises(StatesError) as caught:
        compile_path("$missing").evaluate(scope({}), "v.$")
    assert caught.value.error == "States.Runtime"


def test_reference_path_rejects_wildcards_at_compile_time() -> None:
    with pytest.raises(InvalidDefinitionError):
        compile_reference_path("$.a[*]")
    with pytest.raises(InvalidDefinitionError):
        compile_reference_path("$..a")


def test_invalid_paths_name_the_field_as_create_state_machine_does() -> None:
    # aws/amazon-states-language-service#26: "The value for the field 'JobName.$' must be a
    # valid JSONPath".
    with pytest.raises(InvalidDefinitionError) as caught:
        compile_path("a.b", "InputPath")
    assert caught.value.message == "The value for the field 'InputPath' must be a valid JSONPath"
    with pytest.raises(InvalidDefinitionError) as caught:
        compile_path("$.a[?(", "OutputPath")
    assert caught.value.message == "The value for the field 'OutputPath' must be a valid JSONPath"


def test_result_path_dollar_replaces_the_input() -> None:
    # AWS dg input-output-resultpath: "ResultPath": "$" replaces the input with the result.
    state_input = {"comment": "This is a test", "details": "Default example"}
    result = "Hello, Step Functions!"
    assert apply_result_path(compile_reference_path("$"), state_input, result, discard=False) == (
        result
    )
    assert apply_result_path(None, state_input, result, discard=False) == result


def test_result_path_null_keeps_the_input() -> None:
    # AWS dg input-output-resultpath: "ResultPath": null passes the original input.
    state_input = {"comment": "This is a test"}
    assert apply_result_path(None, state_input, "ignored", discard=True) is state_input


def test_result_path_merges_into_the_input_without_mutating_it() -> None:
    # AWS dg input-output-resultpath: "ResultPath": "$.taskresult" adds the result beside the
    # input's fields.
    state_input = {"comment": "This is a test", "details": "Default example", "who": "AWS"}
    output = apply_result_path(
        compile_reference_path("$.taskresult"), state_input, "Hello, AWS!", discard=False
    )
    assert output == {
        "comment": "This is a test",
        "details": "Default example",
        "who": "AWS",
        "taskresult": "Hello, AWS!",
    }
    assert "taskresult" not in state_input


def test_result_path_creates_missing_objects() -> None:
    path = compile_reference_path("$.a.b.c")
    assert apply_result_path(path, {"x": 1}, 5, discard=False) == {"x": 1, "a": {"b": {"c": 5}}}


def test_result_path_into_a_non_object_is_a_match_failure() -> None:
    # AWS's wording as reported in aws/aws-cdk#29473: the whole state input is printed.
    path = compile_reference_path("$.a.b")
    with pytest.raises(StatesError) as caught:
        apply_result_path(path, {"a": "text"}, 1, discard=False)
    assert caught.value.error == "States.ResultPathMatchFailure"
    assert caught.value.cause == 'Unable to apply ReferencePath $.a.b to input "{"a":"text"}"'
    with pytest.raises(StatesError):
        apply_result_path(compile_reference_path("$.a"), [1, 2], 1, discard=False)
    with pytest.raises(StatesError):
        apply_result_path(compile_reference_path("$$.a"), {}, 1, discard=False)


def test_result_path_overwrites_an_array_element() -> None:
    path = compile_reference_path("$.a[1]")
    assert apply_result_path(path, {"a": [0, 0]}, 9, discard=False) == {"a": [0, 9]}


def test_json_text_is_compact_like_aws_causes() -> None:
    # corpus test_json_to_string#7: {"Arg1":1,"Arg2":[]}
    assert json_text({"Arg1": 1, "Arg2": []}) == '{"Arg1":1,"Arg2":[]}'
    assert json_text([1, 2, "HelloWorld"]) == '[1,2,"HelloWorld"]'
    assert json_text({"s": "é\n"}) == '{"s":"é\\n"}'


@pytest.mark.parametrize(
    ("value", "text"),
    [(1.1, "1.1"), (1.0, "1.0"), (0.001, "0.001"), (1.5e-4, "1.5E-4"), (1e7, "1.0E7")],
)
def test_doubles_print_as_java_does(value: float, text: str) -> None:
    # Java's Double.toString: decimal in [1e-3, 1e7), computerised scientific notation outside.
    assert java_double_text(value) == text


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)
names = st.text(
    alphabet=st.characters(whitelist_categories=("Ll", "Lu", "Nd"), max_codepoint=127),
    min_size=1,
    max_size=6,
)


@given(st.dictionaries(names, json_values, max_size=3), st.lists(names, min_size=1, max_size=4))
def test_a_reference_path_reads_back_what_result_path_wrote(
    state_input: dict[str, Any], keys: list[str]
) -> None:
    text = "$" + "".join(f".{key}" for key in keys)
    path = compile_reference_path(text)
    result = {"written": keys}
    try:
        output = apply_result_path(path, state_input, result, discard=False)
    except StatesError as exc:
        error = exc.error
    else:
        assert path.evaluate(scope(output), "InputPath") == result
        return
    # Only a step through an existing non-object value may refuse the write.
    assert error == "States.ResultPathMatchFailure"


path_texts = st.sampled_from(
    ["$", "$.a", "$.a.b", "$.a[0]", "$.a[-1]", "$['a']['b']", "$.a[*]", "$..b", "$.a[1:]", "$v.a"]
)


@given(json_values, path_texts)
def test_paths_never_crash_on_arbitrary_json(data: Any, text: str) -> None:
    path = compile_path(text)
    error = None
    try:
        path.evaluate(scope(data, {"v": data}), "InputPath")
    except StatesError as exc:
        error = exc.error
    assert error in (None, "States.Runtime")


@given(json_values)
def test_json_text_is_json_that_reads_back(value: Any) -> None:
    # Java's number notation ("1.0E7") is still JSON, so a cause's input parses back exactly.
    assert json.loads(json_text(value)) == value


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_java_double_text_round_trips(value: float) -> None:
    assert float(java_double_text(value)) == value
