"""Definitions become the typed model, with expressions compiled at parse time."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from stepfunctions.errors import InvalidDefinitionError
from stepfunctions.language.model import (
    ChoiceState,
    FailState,
    MapState,
    ParallelState,
    PassState,
    ProcessorMode,
    QueryLanguage,
    TaskState,
    WaitState,
)
from stepfunctions.language.parse import parse_definition, parse_state_definition
from stepfunctions.language.retry import JitterStrategy
from stepfunctions.language.task_resource import ResourceKind


def parse(document: dict[str, Any]) -> Any:
    return parse_definition(json.dumps(document))


def test_every_state_type_is_parsed_into_its_class() -> None:
    definition = parse(
        {
            "Comment": "all states",
            "TimeoutSeconds": 30,
            "StartAt": "P",
            "States": {
                "P": {"Type": "Pass", "Result": {"a": 1}, "ResultPath": "$.r", "Next": "T"},
                "T": {
                    "Type": "Task",
                    "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",
                    "TimeoutSecondsPath": "$.timeout",
                    "Next": "C",
                },
                "C": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.x", "NumericEquals": 1, "Next": "W"}],
                    "Default": "F",
                },
                "W": {"Type": "Wait", "Timestamp": "2016-03-14T01:59:00Z", "Next": "Par"},
                "Par": {
                    "Type": "Parallel",
                    "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}],
                    "Next": "M",
                },
                "M": {
                    "Type": "Map",
                    "ItemsPath": "$.items",
                    "ItemProcessor": {
                        "StartAt": "I",
                        "States": {"I": {"Type": "Pass", "End": True}},
                    },
                    "End": True,
                },
                "F": {"Type": "Fail", "ErrorPath": "$.error", "Cause": "why"},
            },
        }
    )
    states = definition.program.states
    assert definition.timeout_seconds == 30
    assert definition.comment == "all states"
    assert isinstance(states["P"], PassState)
    assert states["P"].has_result
    task = states["T"]
    assert isinstance(task, TaskState)
    assert task.resource.kind is ResourceKind.LAMBDA_FUNCTION
    assert task.timeout_seconds is not None
    assert task.timeout_seconds.field == "TimeoutSecondsPath"
    assert isinstance(states["C"], ChoiceState)
    assert states["C"].default == "F"
    wait = states["W"]
    assert isinstance(wait, WaitState)
    assert wait.timestamp_literal == datetime(2016, 3, 14, 1, 59, tzinfo=UTC)
    assert isinstance(states["Par"], ParallelState)
    assert len(states["Par"].branches) == 1
    assert isinstance(states["M"], MapState)
    assert states["M"].mode is ProcessorMode.INLINE
    fail = states["F"]
    assert isinstance(fail, FailState)
    assert fail.error_value is not None
    assert fail.cause is not None
    assert fail.cause.literal == "why"


def test_query_language_is_inherited_and_can_be_set_per_state() -> None:
    definition = parse(
        {
            "QueryLanguage": "JSONata",
            "StartAt": "A",
            "States": {
                "A": {"Type": "Pass", "Output": "{% $states.input %}", "Next": "B"},
                "B": {"Type": "Pass", "QueryLanguage": "JSONata", "End": True},
            },
        }
    )
    assert definition.query_language is QueryLanguage.JSONATA
    assert definition.program.states["A"].query_language is QueryLanguage.JSONATA
    assert definition.program.states["A"].output is not None
    jsonpath = parse({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}})
    assert jsonpath.program.states["A"].query_language is QueryLanguage.JSONPATH


def test_null_paths_are_kept_apart_from_absent_ones() -> None:
    state = parse(
        {
            "StartAt": "A",
            "States": {"A": {"Type": "Pass", "InputPath": None, "ResultPath": None, "End": True}},
        }
    ).program.states["A"]
    assert isinstance(state, PassState)
    assert state.input_path_null
    assert state.input_path is None
    assert state.result_path_null
    assert not state.output_path_null
    assert state.output_path is None


def test_retry_defaults_and_fields() -> None:
    task = parse(
        {
            "StartAt": "T",
            "States": {
                "T": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "Retry": [
                        {"ErrorEquals": ["A"]},
                        {
                            "ErrorEquals": ["States.ALL"],
                            "IntervalSeconds": 5,
                            "MaxAttempts": 0,
                            "BackoffRate": 1.5,
                            "MaxDelaySeconds": 20,
                            "JitterStrategy": "FULL",
                        },
                    ],
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "T", "ResultPath": "$.e"}],
                    "End": True,
                }
            },
        }
    ).program.states["T"]
    assert isinstance(task, TaskState)
    first, second = task.retriers
    assert (first.interval_seconds, first.max_attempts, first.backoff_rate) == (1, 3, 2.0)
    assert second.max_attempts == 0
    assert second.max_delay_seconds == 20.0
    assert second.jitter_strategy is JitterStrategy.FULL
    assert task.catchers[0].next == "T"
    assert task.catchers[0].result_path is not None


def test_legacy_map_fields_are_accepted() -> None:
    state = parse(
        {
            "StartAt": "M",
            "States": {
                "M": {
                    "Type": "Map",
                    "Parameters": {"v.$": "$$.Map.Item.Value"},
                    "Iterator": {
                        "StartAt": "I",
                        "States": {"I": {"Type": "Pass", "End": True}},
                        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                    },
                    "Label": "L",
                    "ToleratedFailurePercentage": 10,
                    "End": True,
                }
            },
        }
    ).program.states["M"]
    assert isinstance(state, MapState)
    assert state.item_selector is not None
    assert state.mode is ProcessorMode.DISTRIBUTED
    assert state.execution_type == "EXPRESS"
    assert state.label == "L"
    assert state.tolerated_failure_percentage is not None


@pytest.mark.parametrize(
    "document",
    [
        "not json",
        "[]",
        json.dumps({"States": {"A": {"Type": "Pass", "End": True}}}),
        json.dumps({"StartAt": "B", "States": {"A": {"Type": "Pass", "End": True}}}),
        json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}),
        json.dumps({"StartAt": "A", "States": {"A": {"Type": "Nope"}}}),
        json.dumps({"StartAt": "A", "States": {"A": {"Type": "Task", "End": True}}}),
    ],
)
def test_definitions_that_cannot_be_built_are_rejected(document: str) -> None:
    with pytest.raises(InvalidDefinitionError):
        parse_definition(document)


def test_a_single_state_may_name_a_next_state_that_is_not_there() -> None:
    # TestState without stateName runs one state and reports its Next as nextState.
    definition = parse_state_definition({"Type": "Pass", "Next": "Elsewhere"})
    state = definition.program.states[definition.program.start_at]
    assert state.next == "Elsewhere"
