"""Choice rules (ASL spec §Choice Rules, AWS dg `state-choice`), against recorded outcomes.

Ids name `../shared/corpus/sfn/cases.jsonl` entries of module `choice_operators/*`; each of
those runs `{"Variable": "$.Variable", <operator>: <operand>}` on the input shown.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stepfunctions.errors import InvalidDefinitionError, StatesError
from stepfunctions.language.choice import (
    compile_choice_rule,
    parse_timestamp,
    string_matches_pattern,
)
from stepfunctions.language.paths import QueryLanguage, Scope

JSONPATH = QueryLanguage.JSONPATH


def matches(rule: dict[str, Any], data: Any, variables: dict[str, Any] | None = None) -> bool:
    compiled = compile_choice_rule(rule, JSONPATH, "Choices[0]")
    return compiled.matches(Scope(data, {}, variables or {}))


def operator_case(name: str, operand: Any, variable: Any, value: Any = None) -> bool:
    rule = {"Variable": "$.Variable", name: operand, "Next": "ConditionTrue"}
    return matches(rule, {"Variable": variable, "Value": value})


@pytest.mark.parametrize(
    ("operand", "variable", "expected"),
    [
        (True, None, False),  # test_boolean_equals#0
        (True, 1, False),  # test_boolean_equals#6
        (False, 0, False),  # test_boolean_equals#3
        (True, "HelloWorld", False),  # test_boolean_equals#14
        (True, True, True),  # test_boolean_equals#32
        (True, False, False),  # test_boolean_equals#33
        (False, False, True),  # test_boolean_equals#35
    ],
)
def test_boolean_equals(operand: bool, variable: Any, expected: bool) -> None:
    assert operator_case("BooleanEquals", operand, variable) is expected


@pytest.mark.parametrize(
    ("operand", "variable", "expected"),
    [
        (0, None, False),  # test_numeric_equals#0
        (0.0, 0, True),  # test_numeric_equals#5
        (0, 0.0, True),  # test_numeric_equals#8
        (1, 0.0, False),  # test_numeric_equals#10
        (1.0, 1, True),  # test_numeric_equals#15
        (1, 1.1, False),  # test_numeric_equals#18
        (0, "", False),  # test_numeric_equals#20
    ],
)
def test_numeric_equals_compares_values_not_types(
    operand: Any, variable: Any, expected: bool
) -> None:
    assert operator_case("NumericEquals", operand, variable) is expected


def test_numeric_equals_is_false_for_a_boolean() -> None:
    # A boolean is not a number in JSON: a type mismatch is false (reference §1.1 notes).
    assert operator_case("NumericEquals", 1, True) is False


@pytest.mark.parametrize(
    ("name", "variable", "value", "expected"),
    [
        ("NumericLessThanPath", 0, 1, True),
        ("NumericLessThanPath", 1, 1, False),
        ("NumericGreaterThanEqualsPath", 1, 1, True),
        ("StringEqualsPath", "HelloWorld", "HelloWorld", True),
        ("StringLessThanPath", "A", "AB", True),
        ("TimestampEqualsPath", "2012-10-09T19:00:55Z", "2012-10-09T19:00:55Z", True),
        ("TimestampEqualsPath", "2012-10-09T19:00:55Z", "2012-10-09T19:00:56Z", False),
        ("BooleanEqualsPath", True, True, True),
    ],
)
def test_path_operators_read_the_operand_from_the_input(
    name: str, variable: Any, value: Any, expected: bool
) -> None:
    # corpus TestNumerics::test_numeric_less_than_path, TestStrings::test_string_equals_path,
    # TestTimestamps::test_timestamp_equals_path#0-#1, TestBooleanEquals::...path
    assert operator_case(name, "$.Value", variable, value) is expected


@pytest.mark.parametrize(
    ("name", "operand", "variable", "expected"),
    [
        ("StringEquals", "HelloWorld", "HelloWorld", True),
        ("StringEquals", "HelloWorld", 1, False),
        ("StringLessThan", "AB", "A", True),
        ("StringGreaterThan", "", "A", True),
        ("StringLessThanEquals", "A", "A", True),
        ("StringGreaterThanEquals", "AB", "A", False),
    ],
)
def test_string_comparisons_are_lexicographic(
    name: str, operand: str, variable: Any, expected: bool
) -> None:
    assert operator_case(name, operand, variable) is expected


@pytest.mark.parametrize(
    ("name", "operand", "variable", "expected"),
    [
        ("TimestampEquals", "2012-10-09T19:00:55Z", "2012-10-09T19:00:55Z", True),  # #14
        ("TimestampEquals", "2012-10-09T19:00:55Z", "2023-02-24 12:15:56.832957", False),  # #7
        ("TimestampEquals", "2012-10-09T19:00:55Z", 0, False),  # #1
        ("TimestampGreaterThan", "2012-10-09T19:00:55Z", "2012-10-09T19:00:56Z", True),
        ("TimestampLessThan", "2012-10-09T19:00:56Z", "2012-10-09T19:00:55Z", True),
        ("TimestampLessThanEquals", "2012-10-09T19:00:55Z", "2012-10-09T19:00:56Z", False),
    ],
)
def test_timestamp_comparisons(name: str, operand: str, variable: Any, expected: bool) -> None:
    # corpus TestTimestamps::test_timestamp_equals#1, #7, #14, test_timestamp_greater_than#2,
    # test_timestamp_less_than#1, test_timestamp_less_than_equals#2
    assert operator_case(name, operand, variable) is expected


def test_timestamps_keep_nanoseconds() -> None:
    # corpus test_wait_timestamp_path[NANOSECONDS] shows AWS reads nine fractional digits.
    later, earlier = "2016-03-05T21:29:29.243167253Z", "2016-03-05T21:29:29.243167252Z"
    assert operator_case("TimestampLessThan", later, earlier) is True
    assert operator_case("TimestampEquals", later, earlier) is False
    assert operator_case("TimestampEquals", "2016-03-05T21:29:29.5Z", "2016-03-05T21:29:29.500Z")


def test_strings_order_by_utf16_code_unit_as_java_does() -> None:
    # Java's String.compareTo: U+1F600 is the surrogate pair D83D DE00, below U+FFFF.
    assert operator_case("StringLessThan", "\uffff", "\U0001f600") is True
    assert operator_case("StringGreaterThan", "\uffff", "\U0001f600") is False


def test_timestamps_compare_as_instants_across_offsets() -> None:
    # RFC 3339: the same instant written with different offsets is equal.
    assert operator_case("TimestampEquals", "2012-10-09T19:00:55Z", "2012-10-09T20:00:55+01:00")


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("2016-03-14T01:59:00Z", True),
        ("2016-03-05T21:29:29.243167252Z", True),
        ("2012-10-09T19:00:55+01:00", True),
        ("2016-12-05 21:29:29Z", False),
        ("2016-12-05T21:29:29", False),
        ("2016-13-05T21:29:29Z", False),
        ("2016-12-05T25:29:29Z", False),
        ("05-12-2016T21:29:29Z", False),
    ],
)
def test_timestamp_format(text: str, valid: bool) -> None:
    # corpus scenarios/...::test_wait_timestamp_path[SECONDS|NANOSECONDS|NO_T|NO_Z|INVALID_*]
    assert (parse_timestamp(text) is not None) is valid


@pytest.mark.parametrize(
    ("name", "operand", "variable", "expected"),
    [
        ("IsString", True, "", True),  # test_is_string#10
        ("IsString", False, 0, True),  # test_is_string#3
        ("IsString", True, [], False),  # test_is_string#24
        ("IsNull", True, None, True),
        ("IsNull", True, 0, False),
        ("IsNumeric", True, 1.1, True),
        ("IsNumeric", True, True, False),
        ("IsBoolean", True, False, True),
        ("IsBoolean", True, "true", False),
        ("IsPresent", True, None, True),
        ("IsTimestamp", True, "2012-10-09T19:00:55Z", True),
        ("IsTimestamp", True, "2012-10-09T19:00:55", False),
    ],
)
def test_type_tests(name: str, operand: bool, variable: Any, expected: bool) -> None:
    assert operator_case(name, operand, variable) is expected


def test_is_present_on_a_missing_field() -> None:
    # corpus assign/...::test_assign_in_choice_state: {"IsPresent": false} on a missing field.
    rule = {"Variable": "$.input_value", "IsPresent": False, "Next": "FinalState"}
    assert matches(rule, {}) is True
    assert matches(rule, {"input_value": 1}) is False


def test_other_type_tests_on_a_missing_field_are_false() -> None:
    assert matches({"Variable": "$.missing", "IsNull": True, "Next": "x"}, {}) is False
    assert matches({"Variable": "$.missing", "IsNull": False, "Next": "x"}, {}) is False


def test_a_comparison_on_a_missing_field_is_a_runtime_error() -> None:
    with pytest.raises(StatesError) as caught:
        matches({"Variable": "$.missing", "StringEquals": "x", "Next": "x"}, {})
    assert caught.value.error == "States.Runtime"
    assert caught.value.cause == "Invalid path '$.missing' : No results for path: $['missing']"


def test_variables_and_path_operands_from_variables() -> None:
    # corpus assign/...::test_reference_assign[BASE_REFERENCE_IN_CHOICE]
    rule = {"Variable": "$guess", "StringEqualsPath": "$answer", "Next": "CorrectAnswer"}
    assert matches(rule, {}, {"guess": "the_answer", "answer": "the_answer"}) is True
    assert matches(rule, {}, {"guess": "the_guess", "answer": "the_answer"}) is False


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("log-*.txt", "log-2024.txt", True),
        ("log-*.txt", "log-.txt", True),
        ("log-*.txt", "log-2024.csv", False),
        ("*", "", True),
        ("a\\*b", "a*b", True),
        ("a\\*b", "axb", False),
        ("a\\\\b", "a\\b", True),
        ("a.b", "axb", False),
    ],
)
def test_string_matches_wildcards(pattern: str, text: str, expected: bool) -> None:
    # ASL spec §Choice Rules: `*` matches zero or more characters; `\*` and `\\` are escapes.
    assert operator_case("StringMatches", pattern, text) is expected


def test_and_or_not() -> None:
    # AWS dg state-choice example: Not / And composition.
    rule = {
        "And": [
            {"Variable": "$.value", "NumericGreaterThanEquals": 20},
            {"Variable": "$.value", "NumericLessThan": 30},
        ],
        "Next": "ValueInTwenties",
    }
    assert matches(rule, {"value": 22}) is True
    assert matches(rule, {"value": 30}) is False
    not_rule = {"Not": {"Variable": "$.type", "StringEquals": "Private"}, "Next": "Public"}
    assert matches(not_rule, {"type": "Private"}) is False
    or_rule = {
        "Or": [{"Variable": "$.a", "BooleanEquals": True}, {"Variable": "$.b", "IsNull": True}],
        "Next": "x",
    }
    assert matches(or_rule, {"a": False, "b": None}) is True
    assert matches(or_rule, {"a": False, "b": 1}) is False


def test_jsonata_condition() -> None:
    # corpus scenarios/...::test_choice_aws_docs_scenario[CHOICE_STATE_AWS_SCENARIO_JSONATA]
    rule = {
        "Condition": "{% $states.input.value >= 20 and $states.input.value < 30 %}",
        "Next": "x",
    }
    compiled = compile_choice_rule(rule, QueryLanguage.JSONATA, "Choices[0]")
    assert compiled.matches(Scope({"type": "Private", "value": 22}, {}, {})) is True
    assert compiled.matches(Scope({"type": "Private", "value": 30}, {}, {})) is False


def test_jsonata_condition_reads_the_scope_clock() -> None:
    rule = {"Condition": "{% $millis() = 86400000 %}", "Next": "x"}
    compiled = compile_choice_rule(rule, QueryLanguage.JSONATA, "Choices[0]")
    assert compiled.matches(Scope({}, {}, {}, now_millis=86_400_000)) is True
    assert compiled.matches(Scope({}, {}, {}, now_millis=0)) is False


def test_jsonata_condition_must_be_boolean() -> None:
    rule = {"Condition": "{% $states.input.value %}", "Next": "x"}
    compiled = compile_choice_rule(rule, QueryLanguage.JSONATA, "Choices[1]")
    with pytest.raises(StatesError) as caught:
        compiled.matches(Scope({"value": 1}, {}, {}))
    assert caught.value.error == "States.QueryEvaluationError"
    assert "'Choices[1]/Condition'" in caught.value.cause


@pytest.mark.parametrize(
    "rule",
    [
        {"Variable": "$.a", "Next": "x"},
        {"Variable": "$.a", "StringEquals": 1, "Next": "x"},
        {"Variable": "$.a", "NumericEquals": "1", "Next": "x"},
        {"Variable": "$.a", "TimestampEquals": "yesterday", "Next": "x"},
        {"Variable": "$.a", "IsNull": "yes", "Next": "x"},
        {"Variable": "$.a", "NumericEquals": 1, "StringEquals": "1", "Next": "x"},
        {"Variable": "$.a[*]", "IsNull": True, "Next": "x"},
        {"And": [], "Next": "x"},
        {"StringEquals": "x", "Next": "x"},
        {"Variable": "$.a", "Frobnicates": 1, "Next": "x"},
    ],
)
def test_malformed_rules_are_rejected_at_compile_time(rule: dict[str, Any]) -> None:
    with pytest.raises(InvalidDefinitionError):
        compile_choice_rule(rule, JSONPATH, "Choices[0]")


def test_jsonata_rule_needs_a_condition() -> None:
    with pytest.raises(InvalidDefinitionError):
        compile_choice_rule({"Next": "x"}, QueryLanguage.JSONATA, "Choices[0]")


numbers = st.integers(min_value=-(10**6), max_value=10**6) | st.floats(
    min_value=-1e6, max_value=1e6, allow_nan=False
)
json_scalars = st.none() | st.booleans() | numbers | st.text(max_size=4)
leaf_rules = st.sampled_from(
    [
        {"Variable": "$.n", "NumericGreaterThan": 0},
        {"Variable": "$.n", "NumericEquals": 1},
        {"Variable": "$.s", "StringEquals": "a"},
        {"Variable": "$.s", "IsString": True},
        {"Variable": "$.n", "IsNumeric": True},
    ]
)


@given(leaf_rules, numbers | st.booleans(), st.text(max_size=3))
def test_not_is_the_negation(rule: dict[str, Any], number: Any, text: str) -> None:
    data = {"n": number, "s": text}
    assert matches({"Not": rule}, data) is (not matches(rule, data))


@given(st.lists(leaf_rules, min_size=1, max_size=4), numbers, st.text(max_size=3))
def test_and_or_follow_their_truth_tables(rules: list[Any], number: Any, text: str) -> None:
    data = {"n": number, "s": text}
    values = [matches(rule, data) for rule in rules]
    assert matches({"And": rules}, data) is all(values)
    assert matches({"Or": rules}, data) is any(values)


@given(numbers, numbers)
def test_numeric_comparisons_agree_with_python(left: Any, right: Any) -> None:
    data = {"l": left, "r": right}
    for name, expected in [
        ("NumericEqualsPath", left == right),
        ("NumericLessThanPath", left < right),
        ("NumericGreaterThanPath", left > right),
        ("NumericLessThanEqualsPath", left <= right),
        ("NumericGreaterThanEqualsPath", left >= right),
    ]:
        assert matches({"Variable": "$.l", name: "$.r"}, data) is expected


@given(json_scalars)
def test_exactly_one_type_test_holds_for_a_scalar(value: Any) -> None:
    tests = ["IsNull", "IsBoolean", "IsNumeric", "IsString"]
    results = [operator_case(name, True, value) for name in tests]
    assert results.count(True) == 1


@given(st.text(alphabet="ab.+?()[]$^", max_size=6), st.text(alphabet="ab", max_size=3))
def test_string_matches_without_wildcards_is_equality(literal: str, prefix: str) -> None:
    pattern = string_matches_pattern(literal)
    assert pattern.fullmatch(literal) is not None
    assert pattern.fullmatch(literal + "a") is None
    assert string_matches_pattern("*" + literal).fullmatch(prefix + literal) is not None
