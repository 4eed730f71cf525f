"""Input and output processing: InputPath, Parameters, ResultPath and OutputPath; Assign and the
variables later states see.

Expected values come from AWS recordings in the shared corpus (named per test) or from the AWS
documentation (States Language spec, developer guide).
"""

from __future__ import annotations

import pytest

from stepfunctions.records.execution import ExecutionStatus
from tests.unit.stepfunctions.runtime.runs import (
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
