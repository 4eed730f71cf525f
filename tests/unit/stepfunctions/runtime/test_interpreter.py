"""Executions end to end on the interpreter: core data flow, history, Lambda results,
variables and the context object.

Expected values come from AWS recordings in the shared corpus (named per test) or from the AWS
documentation (States Language spec, developer guide).
"""

from __future__ import annotations

from typing import Any

import pytest

from stepfunctions.records.execution import ExecutionStatus
from tests.unit.stepfunctions.runtime.runs import (
    ACCOUNT,
    FUNCTION,
    output,
    run,
    types,
)


@pytest.mark.anyio
async def test_pass_data_flow_input_parameters_result_output_paths() -> None:
    # Spec "Pass" and "Input and Output Processing": ResultPath merges into the raw input.
    execution = await run(
        {
            "StartAt": "A",
            "States": {
                "A": {
                    "Type": "Pass",
                    "InputPath": "$.in",
                    "Parameters": {"doubled.$": "States.MathAdd($.n, $.n)", "const": 1},
                    "ResultPath": "$.in.result",
                    "OutputPath": "$.in",
                    "End": True,
                }
            },
        },
        {"in": {"n": 4}, "other": True},
    )
    assert execution.status is ExecutionStatus.SUCCEEDED
    assert output(execution) == {"n": 4, "result": {"doubled": 8, "const": 1}}
    # corpus assign/test_assign_base::test_base_cases[BASE_EMPTY]
    assert types(execution) == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]


@pytest.mark.anyio
async def test_history_ids_details_and_compact_json() -> None:
    execution = await run(
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}, {"a": 1}
    )
    events = [event.to_wire() for event in execution.history]
    assert [(e["id"], e["previousEventId"]) for e in events] == [(1, 0), (2, 1), (3, 2), (4, 3)]
    assert events[1]["stateEnteredEventDetails"] == {
        "name": "A",
        "input": '{"a":1}',
        "inputDetails": {"truncated": False},
    }
    assert events[3]["executionSucceededEventDetails"]["output"] == '{"a":1}'
    assert execution.output == '{"a":1}'


@pytest.mark.anyio
async def test_lambda_invoke_result_and_result_selector() -> None:
    def double(event: Any, context: Any) -> Any:
        return {"n": event["n"] * 2}

    execution = await run(
        {
            "StartAt": "T",
            "States": {
                "T": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "Parameters": {"FunctionName": FUNCTION, "Payload": {"n.$": "$.n"}},
                    "ResultSelector": {"value.$": "$.Payload.n", "code.$": "$.StatusCode"},
                    "ResultPath": "$.out",
                    "End": True,
                }
            },
        },
        {"n": 21},
        handler=double,
    )
    assert output(execution) == {"n": 21, "out": {"value": 42, "code": 200}}
    assert types(execution) == [
        "ExecutionStarted",
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "TaskSucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]
    scheduled = execution.history[2].to_wire()["taskScheduledEventDetails"]
    assert (scheduled["resourceType"], scheduled["resource"]) == ("lambda", "invoke")


@pytest.mark.anyio
async def test_assigned_variables_are_seen_by_later_states_only() -> None:
    # dg "Passing data between states with variables": assignments take effect after the state.
    execution = await run(
        {
            "QueryLanguage": "JSONata",
            "StartAt": "A",
            "States": {
                "A": {
                    "Type": "Pass",
                    "Assign": {"x": 1},
                    "Output": {"before": "{% $exists($x) %}"},
                    "Next": "B",
                },
                "B": {
                    "Type": "Pass",
                    "Output": {"x": "{% $x %}", "in": "{% $states.input %}"},
                    "End": True,
                },
            },
        }
    )
    assert output(execution) == {"x": 1, "in": {"before": False}}
    exited = execution.history[2].to_wire()["stateExitedEventDetails"]
    assert exited["assignedVariables"] == {"x": "1"}


@pytest.mark.anyio
async def test_an_undefined_variable_fails_with_an_evaluation_event() -> None:
    # corpus assign/test_assign_reference_variables::test_undefined_reference
    execution = await run(
        {
            "QueryLanguage": "JSONata",
            "StartAt": "State0",
            "States": {"State0": {"Type": "Pass", "Output": "{% $doesNotExist %}", "End": True}},
        }
    )
    assert execution.error == "States.QueryEvaluationError"
    assert execution.cause == (
        "An error occurred while executing the state 'State0' (entered at the event id #2). "
        "The JSONata expression '$doesNotExist' specified for the field 'Output' returned "
        "nothing (undefined)."
    )
    assert types(execution) == [
        "ExecutionStarted",
        "PassStateEntered",
        "EvaluationFailed",
        "ExecutionFailed",
    ]


@pytest.mark.anyio
async def test_the_context_object_has_execution_and_state_fields() -> None:
    # corpus context_object/test_context_object::test_input_path[$$]
    execution = await run(
        {
            "StartAt": "TestState",
            "States": {"TestState": {"Type": "Pass", "InputPath": "$$", "End": True}},
        },
        {"input-value": 0},
    )
    context = output(execution)
    assert context == {
        "Execution": {
            "Id": f"arn:aws:states:us-east-1:{ACCOUNT}:execution:sm:run",
            "Input": {"input-value": 0},
            "StartTime": "2024-05-01T12:00:00.000Z",
            "Name": "run",
            "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/r",
            "RedriveCount": 0,
        },
        "StateMachine": {"Id": f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:sm", "Name": "sm"},
        "State": {"Name": "TestState", "EnteredTime": "2024-05-01T12:00:00.000Z"},
    }
