"""Interpreter TestState: single-state runs with inspection data and mocked results or errors.

Expected values come from AWS recordings in the shared corpus (named per test) or from the AWS
documentation (States Language spec, developer guide).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from stepfunctions.language.parse import parse_definition
from stepfunctions.runtime.clock import FakeClock
from stepfunctions.runtime.interpreter import Interpreter
from stepfunctions.runtime.mock import TestStateMock
from stepfunctions.runtime.task_registry import TaskRegistry
from tests.unit.stepfunctions.runtime.runs import (
    FUNCTION,
    START,
)


async def run_test_state(machine: dict[str, Any], state: str, data: Any, **options: Any) -> Any:
    """TestState of `state` in `machine` on a fresh interpreter."""
    interpreter = Interpreter(FakeClock(START), TaskRegistry())
    definition = parse_definition(json.dumps(machine))
    return await interpreter.test_state(definition, state, data, **options)


@pytest.mark.anyio
async def test_test_state_reports_inspection_data_for_a_pass_state() -> None:
    machine = {
        "StartAt": "A",
        "States": {
            "A": {
                "Type": "Pass",
                "InputPath": "$.in",
                "Parameters": {"v.$": "$.v"},
                "ResultPath": "$.r",
                "Next": "B",
            },
            "B": {"Type": "Succeed"},
        },
    }
    result = await run_test_state(machine, "A", {"in": {"v": 1}}, inspection_level="DEBUG")
    assert (result.status, result.next_state, result.output) == (
        "SUCCEEDED",
        "B",
        {"in": {"v": 1}, "r": {"v": 1}},
    )
    assert result.inspection_data["afterInputPath"] == '{"v":1}'
    assert result.inspection_data["afterParameters"] == '{"v":1}'
    assert result.inspection_data["afterResultPath"] == '{"in":{"v":1},"r":{"v":1}}'


@pytest.mark.anyio
async def test_test_state_reports_a_retriable_then_a_caught_error() -> None:
    machine = {
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "f"},
                "Retry": [{"ErrorEquals": ["Boom"], "MaxAttempts": 2}],
                "Catch": [{"ErrorEquals": ["Boom"], "Next": "H"}],
                "End": True,
            },
            "H": {"Type": "Pass", "End": True},
        },
    }
    retriable = await run_test_state(
        machine, "T", {}, mock=TestStateMock(error="Boom", cause="c", retrier_retry_count=1)
    )
    assert (retriable.status, retriable.error, retriable.cause) == ("RETRIABLE", "Boom", "c")
    caught = await run_test_state(
        machine, "T", {}, mock=TestStateMock(error="Boom", cause="c", retrier_retry_count=2)
    )
    assert (caught.status, caught.next_state) == ("CAUGHT_ERROR", "H")
    assert caught.output == {"Error": "Boom", "Cause": "c"}


async def single(definition: dict[str, Any], data: Any, **options: Any) -> Any:
    handlers = {name: {"Type": "Succeed"} for name in ("HandleMockError", "HandleThreshold")}
    machine = {"StartAt": "S", "States": {"S": definition, **handlers}}
    return await run_test_state(machine, "S", data, **options)


@pytest.mark.anyio
async def test_test_state_pass_inspection_matches_aws() -> None:
    # test_state_cases: test_base_inspection_level_debug[BASE_PASS_STATE]
    result = await single(
        {"Type": "Pass", "End": True}, {"Value": "HelloWorld"}, inspection_level="DEBUG"
    )
    value = '{"Value":"HelloWorld"}'
    assert result.status == "SUCCEEDED"
    assert result.inspection_data == {
        "input": value,
        "afterInputPath": value,
        "afterParameters": value,
        "afterResultSelector": value,
        "afterResultPath": value,
    }


RETRY_TASK = {
    "QueryLanguage": "JSONata",
    "Type": "Task",
    "Resource": "arn:aws:states:::lambda:invoke",
    "Arguments": {"FunctionName": "foo", "Payload": "bar"},
    "Retry": [
        {
            "ErrorEquals": ["MockException"],
            "IntervalSeconds": 1,
            "MaxAttempts": 5,
            "BackoffRate": 2.0,
        }
    ],
    "End": True,
}


@pytest.mark.anyio
async def test_test_state_retrier_retry_count_matches_aws() -> None:
    # test_state_cases: test_state_configuration_retrier_retry_count[DEBUG]#0 and #1
    error, cause = "MockException", "Mock the cause of the error."
    retriable = await single(
        RETRY_TASK,
        {},
        mock=TestStateMock(error=error, cause=cause, retrier_retry_count=4),
        inspection_level="DEBUG",
    )
    assert retriable.status == "RETRIABLE"
    assert retriable.inspection_data["errorDetails"] == {
        "retryBackoffIntervalSeconds": 16,
        "retryIndex": 0,
    }
    failed = await single(
        RETRY_TASK,
        {},
        mock=TestStateMock(error=error, cause=cause, retrier_retry_count=5),
        inspection_level="DEBUG",
    )
    assert (failed.status, failed.error) == ("FAILED", "MockException")
    assert failed.inspection_data["errorDetails"] == {"retryIndex": 0}
    assert failed.inspection_data["afterArguments"] == '{"FunctionName":"foo","Payload":"bar"}'


@pytest.mark.anyio
async def test_test_state_map_mock_counts_failed_iterations_against_the_threshold() -> None:
    # test_state_cases: test_map_state_failure_count[TRACE-BASE_MAP_STATE_CATCH]#1
    definition = {
        "Type": "Map",
        "QueryLanguage": "JSONata",
        "Items": "{% $states.input.Values %}",
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "T",
            "States": {"T": {"Type": "Task", "Resource": FUNCTION, "End": True}},
        },
        "Catch": [
            {"ErrorEquals": ["MockException"], "Next": "HandleMockError"},
            {"ErrorEquals": ["States.ExceedToleratedFailureThreshold"], "Next": "HandleThreshold"},
        ],
        "ToleratedFailureCount": 1,
        "End": True,
    }
    result = await single(
        definition,
        {"Values": ["first", "second", "third"]},
        mock=TestStateMock(result=[0, 0, 1], has_result=True, map_iteration_failure_count=2),
        inspection_level="TRACE",
    )
    assert (result.status, result.next_state) == ("CAUGHT_ERROR", "HandleThreshold")
    assert result.error == "States.ExceedToleratedFailureThreshold"
    assert result.cause == "The specified tolerated failure threshold was exceeded"
    assert result.inspection_data["errorDetails"] == {"catchIndex": 1}
    assert result.inspection_data["maxConcurrency"] == 0
    assert result.inspection_data["toleratedFailureCount"] == 1


@pytest.mark.anyio
async def test_test_state_parallel_mock_replaces_the_branches() -> None:
    # test_state_cases: test_io_parallel_state_mock_success[INFO]
    definition = {
        "Type": "Parallel",
        "InputPath": "$.parallelInput",
        "ResultPath": "$.parallelResult",
        "OutputPath": "$",
        "Branches": [
            {"StartAt": "B1", "States": {"B1": {"Type": "Pass", "End": True}}},
            {"StartAt": "B2", "States": {"B2": {"Type": "Pass", "End": True}}},
        ],
        "End": True,
    }
    mocked = [{"branch1": "result"}, {"branch2": "result"}]
    result = await single(
        definition,
        {"parallelInput": {"data": "input_value"}},
        mock=TestStateMock(result=mocked, has_result=True),
    )
    assert result.output == {"parallelInput": {"data": "input_value"}, "parallelResult": mocked}


@pytest.mark.anyio
async def test_test_state_map_item_reader_data_stands_in_for_s3() -> None:
    # API reference, TestState stateConfiguration.mapItemReaderData: the items an ItemReader
    # would have read.
    definition = {
        "Type": "Map",
        "ItemReader": {
            "Resource": "arn:aws:states:::s3:getObject",
            "ReaderConfig": {"InputType": "JSON"},
            "Parameters": {"Bucket": "b", "Key": "k"},
        },
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "P",
            "States": {"P": {"Type": "Pass", "End": True}},
        },
        "End": True,
    }
    result = await single(definition, {}, mock=TestStateMock(map_item_reader_data=[1, 2, 3]))
    assert (result.status, result.output) == ("SUCCEEDED", [1, 2, 3])
