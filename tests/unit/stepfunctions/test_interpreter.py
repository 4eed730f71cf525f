"""Executions end to end on the interpreter: data flow, history, errors, time, stop, redrive.

Expected values come from AWS recordings in the shared corpus (named per test) or from the AWS
documentation (States Language spec, developer guide).
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from stepfunctions.clock import FakeClock
from stepfunctions.errors import TaskTokenError
from stepfunctions.execution import Execution, ExecutionStatus, TestStateMock
from stepfunctions.interpreter import Interpreter
from stepfunctions.parse import parse_definition
from stepfunctions.tasks import LambdaHandler, TaskRegistry

START = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
ACCOUNT = "123456789012"
FUNCTION = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:work"


def make_execution(definition: dict[str, Any], data: Any, clock: FakeClock) -> Execution:
    return Execution(
        execution_arn=f"arn:aws:states:us-east-1:{ACCOUNT}:execution:sm:run",
        name="run",
        state_machine_arn=f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:sm",
        state_machine_name="sm",
        definition=parse_definition(json.dumps(definition)),
        role_arn=f"arn:aws:iam::{ACCOUNT}:role/r",
        input=json.dumps(data),
        type="STANDARD",
        start_date=clock.now(),
    )


async def run(
    definition: dict[str, Any],
    data: Any = None,
    handler: LambdaHandler | None = None,
    clock: FakeClock | None = None,
) -> Execution:
    clock = clock or FakeClock(START)
    tasks = TaskRegistry()
    if handler is not None:
        tasks.register_lambda(FUNCTION, handler)
    execution = make_execution(definition, {} if data is None else data, clock)
    await asyncio.wait_for(Interpreter(clock, tasks, seed=1).run(execution), timeout=10)
    return execution


def types(execution: Execution) -> list[str]:
    return [event.type for event in execution.history]


def output(execution: Execution) -> Any:
    assert execution.output is not None
    return json.loads(execution.output)


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
async def test_fail_state_fails_the_execution_with_its_error_and_cause() -> None:
    # corpus base/test_base::test_state_fail
    execution = await run(
        {
            "StartAt": "F",
            "States": {
                "F": {
                    "Type": "Fail",
                    "Error": "SomeFailure",
                    "Cause": "This state machines raises a 'SomeFailure' failure.",
                }
            },
        }
    )
    assert execution.status is ExecutionStatus.FAILED
    assert execution.error == "SomeFailure"
    assert execution.cause == "This state machines raises a 'SomeFailure' failure."
    assert types(execution) == ["ExecutionStarted", "FailStateEntered", "ExecutionFailed"]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("seconds", "cause"),
    [
        (-1, "The SecondsPath parameter references a negative value: $.input.waitSeconds == -1"),
        (
            1.5,
            "The SecondsPath parameter cannot be parsed as a long value: "
            "$.input.waitSeconds == 1.5",
        ),
    ],
)
async def test_wait_seconds_path_errors_carry_the_state_prefix(seconds: float, cause: str) -> None:
    # corpus base/test_wait::test_base_wait_seconds_path[-1] and [1.5]
    execution = await run(
        {
            "StartAt": "WaitState",
            "States": {
                "WaitState": {"Type": "Wait", "SecondsPath": "$.input.waitSeconds", "End": True}
            },
        },
        {"input": {"waitSeconds": seconds}},
    )
    assert execution.error == "States.Runtime"
    assert execution.cause == (
        "An error occurred while executing the state 'WaitState' (entered at the event id #2). "
        + cause
    )
    assert types(execution) == ["ExecutionStarted", "WaitStateEntered", "ExecutionFailed"]


@pytest.mark.anyio
async def test_a_wait_of_a_year_finishes_at_once_on_the_fake_clock() -> None:
    clock = FakeClock(START)
    execution = await run(
        {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 31_536_000, "End": True}}},
        clock=clock,
    )
    assert execution.status is ExecutionStatus.SUCCEEDED
    assert clock.now() == START + timedelta(days=365)


@pytest.mark.anyio
async def test_a_timestamp_too_far_ahead_fails_at_once() -> None:
    # corpus base/test_wait::test_timestamp_too_far_in_future_boundary[24856]
    far = (START + timedelta(days=24856)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    execution = await run(
        {
            "StartAt": "State_1",
            "States": {"State_1": {"Type": "Wait", "TimestampPath": "$.start_at", "End": True}},
        },
        {"start_at": far},
    )
    assert execution.error == "States.Runtime"
    assert execution.cause is not None
    assert execution.cause.endswith("Wait state delay is too long.")


@pytest.mark.anyio
async def test_execution_timeout_stops_a_long_wait() -> None:
    # corpus timeouts/test_timeouts::test_global_timeout: TIMED_OUT, no error or cause.
    clock = FakeClock(START)
    execution = await run(
        {
            "TimeoutSeconds": 5,
            "StartAt": "State_1",
            "States": {
                "State_1": {"Type": "Wait", "Seconds": 60, "Next": "State_2"},
                "State_2": {"Type": "Pass", "End": True},
            },
        },
        clock=clock,
    )
    assert execution.status is ExecutionStatus.TIMED_OUT
    assert (execution.error, execution.cause) == (None, None)
    assert types(execution) == ["ExecutionStarted", "WaitStateEntered", "ExecutionTimedOut"]
    assert execution.stop_date == START + timedelta(seconds=5)
    # AWS recording (floci-io/floci#2733): the event carries States.Timeout, previousEventId 0.
    timed_out = execution.history[-1].to_wire()
    assert timed_out["previousEventId"] == 0
    assert timed_out["executionTimedOutEventDetails"] == {"error": "States.Timeout"}


@pytest.mark.anyio
async def test_task_timeout_fires_before_a_longer_wait_inside_the_task() -> None:
    clock = FakeClock(START)

    async def slow(event: Any, context: Any) -> Any:
        await clock.sleep_until(clock.now() + timedelta(seconds=100))
        return "late"

    execution = await run(
        {
            "StartAt": "T",
            "States": {
                "T": {
                    "Type": "Task",
                    "Resource": FUNCTION,
                    "TimeoutSeconds": 10,
                    "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "Caught"}],
                    "End": True,
                },
                "Caught": {"Type": "Pass", "End": True},
            },
        },
        handler=slow,
        clock=clock,
    )
    assert output(execution) == {"Error": "States.Timeout", "Cause": ""}
    assert clock.now() == START + timedelta(seconds=10)
    assert types(execution)[:5] == [
        "ExecutionStarted",
        "TaskStateEntered",
        "LambdaFunctionScheduled",
        "LambdaFunctionStarted",
        "LambdaFunctionTimedOut",
    ]


@pytest.mark.anyio
async def test_a_retry_schedule_of_hours_finishes_at_once_and_backs_off() -> None:
    clock = FakeClock(START)
    attempts: list[datetime] = []

    def flaky(event: Any, context: Any) -> Any:
        attempts.append(clock.now())
        raise RuntimeError("down")

    execution = await run(
        {
            "StartAt": "T",
            "States": {
                "T": {
                    "Type": "Task",
                    "Resource": FUNCTION,
                    "Retry": [
                        {"ErrorEquals": ["RuntimeError"], "IntervalSeconds": 3600, "MaxAttempts": 3}
                    ],
                    "End": True,
                }
            },
        },
        handler=flaky,
        clock=clock,
    )
    # IntervalSeconds * BackoffRate^n with the default BackoffRate 2.0: 1h, 2h, 4h.
    offsets = [attempt - START for attempt in attempts]
    assert offsets == [timedelta(hours=h) for h in (0, 1, 3, 7)]
    assert execution.status is ExecutionStatus.FAILED
    assert execution.error == "RuntimeError"
    assert json.loads(execution.cause or "")["errorMessage"] == "down"
    assert types(execution).count("LambdaFunctionFailed") == 4


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
async def test_catch_puts_the_error_output_at_its_result_path() -> None:
    def fail(event: Any, context: Any) -> Any:
        raise KeyError("missing")

    execution = await run(
        {
            "StartAt": "T",
            "States": {
                "T": {
                    "Type": "Task",
                    "Resource": FUNCTION,
                    "Catch": [
                        {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "P"}
                    ],
                    "End": True,
                },
                "P": {"Type": "Pass", "End": True},
            },
        },
        {"keep": 1},
        handler=fail,
    )
    result = output(execution)
    assert result["keep"] == 1
    assert result["error"]["Error"] == "KeyError"
    assert json.loads(result["error"]["Cause"])["errorType"] == "KeyError"


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


@pytest.mark.anyio
async def test_an_output_over_256_kib_fails_with_data_limit_exceeded() -> None:
    # corpus error_handling/test_states_errors::test_start_large_input
    execution = await run(
        {"StartAt": "State_1", "States": {"State_1": {"Type": "Pass", "End": True}}},
        {"big": "x" * 262_144},
    )
    assert execution.error == "States.DataLimitExceeded"
    assert execution.cause == (
        "The state/task 'State_1' returned a result with a size exceeding the maximum number "
        "of bytes service limit."
    )
    assert types(execution) == ["ExecutionStarted", "PassStateEntered", "ExecutionFailed"]


@pytest.mark.anyio
async def test_stop_aborts_a_running_execution() -> None:
    clock = FakeClock(START)
    interpreter = Interpreter(clock, TaskRegistry())
    execution = make_execution(
        {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": True}}}, {}, clock
    )
    async with asyncio.TaskGroup() as group:
        group.create_task(interpreter.run(execution))
        for _ in range(5):
            await asyncio.sleep(0)
        running = execution.status
        interpreter.stop(execution, "Stopped", "by test")
    assert running is ExecutionStatus.RUNNING
    assert execution.status.value == "ABORTED"
    assert (execution.error, execution.cause) == ("Stopped", "by test")
    assert types(execution) == ["ExecutionStarted", "WaitStateEntered", "ExecutionAborted"]


@pytest.mark.anyio
async def test_redrive_resumes_at_the_failed_state() -> None:
    clock = FakeClock(START)
    calls: list[Any] = []

    def once_broken(event: Any, context: Any) -> Any:
        calls.append(event)
        if len(calls) == 1:
            raise RuntimeError("first time")
        return "fixed"

    tasks = TaskRegistry()
    tasks.register_lambda(FUNCTION, once_broken)
    interpreter = Interpreter(clock, tasks)
    execution = make_execution(
        {
            "StartAt": "Before",
            "States": {
                "Before": {"Type": "Pass", "Result": {"step": 1}, "Next": "T"},
                "T": {"Type": "Task", "Resource": FUNCTION, "End": True},
            },
        },
        {},
        clock,
    )
    await interpreter.run(execution)
    first_status = execution.status
    await interpreter.redrive(execution)
    assert first_status is ExecutionStatus.FAILED
    assert execution.status.value == "SUCCEEDED"
    assert execution.output == '"fixed"'
    assert execution.redrive_count == 1
    assert calls == [{"step": 1}, {"step": 1}]
    assert types(execution).count("PassStateEntered") == 1
    assert "ExecutionRedriven" in types(execution)


@pytest.mark.anyio
async def test_test_state_reports_inspection_data_for_a_pass_state() -> None:
    interpreter = Interpreter(FakeClock(START), TaskRegistry())
    definition = parse_definition(
        json.dumps(
            {
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
        )
    )
    result = await interpreter.test_state(
        definition, "A", {"in": {"v": 1}}, inspection_level="DEBUG"
    )
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
    interpreter = Interpreter(FakeClock(START), TaskRegistry())
    definition = parse_definition(
        json.dumps(
            {
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
        )
    )
    retriable = await interpreter.test_state(
        definition, "T", {}, mock=TestStateMock(error="Boom", cause="c", retrier_retry_count=1)
    )
    assert (retriable.status, retriable.error, retriable.cause) == ("RETRIABLE", "Boom", "c")
    caught = await interpreter.test_state(
        definition, "T", {}, mock=TestStateMock(error="Boom", cause="c", retrier_retry_count=2)
    )
    assert (caught.status, caught.next_state) == ("CAUGHT_ERROR", "H")
    assert caught.output == {"Error": "Boom", "Cause": "c"}


async def single(definition: dict[str, Any], data: Any, **options: Any) -> Any:
    interpreter = Interpreter(FakeClock(START), TaskRegistry())
    handlers = {name: {"Type": "Succeed"} for name in ("HandleMockError", "HandleThreshold")}
    machine = {"StartAt": "S", "States": {"S": definition, **handlers}}
    return await interpreter.test_state(parse_definition(json.dumps(machine)), "S", data, **options)


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
async def test_an_endless_loop_fails_at_the_25000th_event() -> None:
    # Recorded against AWS (floci-io/floci#2734): event 25,000 is ExecutionFailed with
    # States.Runtime, and event 24,999 is the loop's last ChoiceStateExited.
    execution = await run(
        {
            "StartAt": "Loop",
            "States": {
                "Loop": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.spin", "BooleanEquals": True, "Next": "Loop"}],
                    "Default": "Done",
                },
                "Done": {"Type": "Succeed"},
            },
        },
        {"spin": True},
    )
    assert execution.status is ExecutionStatus.FAILED
    last, before = execution.history[-1].to_wire(), execution.history[-2].to_wire()
    assert (last["id"], last["previousEventId"], last["type"]) == (25000, 24999, "ExecutionFailed")
    assert last["executionFailedEventDetails"] == {
        "error": "States.Runtime",
        "cause": "The execution reached the maximum number of history events (25000).",
    }
    assert (before["id"], before["type"]) == (24999, "ChoiceStateExited")


def branch_task(tag: str) -> dict[str, Any]:
    return {
        "StartAt": f"T{tag}",
        "States": {
            f"T{tag}": {
                "Type": "Task",
                "Resource": FUNCTION,
                "Parameters": {"tag": tag},
                "End": True,
            }
        },
    }


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["Parallel", "Map"])
async def test_redrive_reruns_only_the_failed_branches_or_iterations(kind: str) -> None:
    # API reference, RedriveExecution: "For workflows that include an Inline Map or Parallel
    # state, RedriveExecution ... redrives only the iterations and branches that failed".
    clock = FakeClock(START)
    calls: list[str] = []

    def work(event: Any, context: Any) -> Any:
        tag = str(event["tag"])
        calls.append(tag)
        if tag == "B" and calls.count("B") == 1:
            raise RuntimeError("B fails once")
        return tag.lower()

    tasks = TaskRegistry()
    tasks.register_lambda(FUNCTION, work)
    if kind == "Parallel":
        # B waits a (virtual) second first, so A has finished before B fails.
        delayed_b = branch_task("B")
        delayed_b["States"]["Pause"] = {"Type": "Wait", "Seconds": 1, "Next": "TB"}
        delayed_b["StartAt"] = "Pause"
        state: dict[str, Any] = {
            "Type": "Parallel",
            "Branches": [branch_task("A"), delayed_b],
            "End": True,
        }
    else:
        state = {
            "Type": "Map",
            "MaxConcurrency": 1,
            "ItemSelector": {"tag.$": "$$.Map.Item.Value"},
            "ItemProcessor": {
                "StartAt": "T",
                "States": {"T": {"Type": "Task", "Resource": FUNCTION, "End": True}},
            },
            "End": True,
        }
    interpreter = Interpreter(clock, tasks)
    execution = make_execution({"StartAt": "S", "States": {"S": state}}, ["A", "B", "C"], clock)
    await interpreter.run(execution)
    first = execution.status
    await interpreter.redrive(execution)
    assert first is ExecutionStatus.FAILED
    assert execution.status.value == "SUCCEEDED"
    if kind == "Parallel":
        assert calls == ["A", "B", "B"]
        assert output(execution) == ["a", "b"]
    else:
        assert calls == ["A", "B", "B", "C"]
        assert output(execution) == ["a", "b", "c"]


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


ACTIVITY = f"arn:aws:states:us-east-1:{ACCOUNT}:activity:work"


def activity_machine(**task_fields: Any) -> dict[str, Any]:
    return {
        "StartAt": "T",
        "States": {"T": {"Type": "Task", "Resource": ACTIVITY, "End": True, **task_fields}},
    }


@pytest.mark.anyio
async def test_an_activity_worker_takes_the_task_and_reports_success() -> None:
    clock = FakeClock(START)
    interpreter = Interpreter(clock, TaskRegistry())
    execution = make_execution(activity_machine(), {"job": 7}, clock)

    async def worker() -> None:
        task = await interpreter.get_activity_task(ACTIVITY, "worker-1")
        assert task is not None
        token, task_input = task
        assert json.loads(task_input) == {"job": 7}
        interpreter.send_task_success(token, '{"done": true}')

    async with asyncio.TaskGroup() as group:
        group.create_task(interpreter.run(execution))
        group.create_task(worker())
    assert output(execution) == {"done": True}
    # dg "Step Functions history events": the activity's events around the Task state.
    assert types(execution) == [
        "ExecutionStarted",
        "TaskStateEntered",
        "ActivityScheduled",
        "ActivityStarted",
        "ActivitySucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]
    assert execution.history[3].to_wire()["activityStartedEventDetails"] == {
        "workerName": "worker-1"
    }


@pytest.mark.anyio
async def test_a_missed_heartbeat_times_the_activity_out() -> None:
    clock = FakeClock(START)
    interpreter = Interpreter(clock, TaskRegistry())
    execution = make_execution(activity_machine(HeartbeatSeconds=10), {}, clock)

    async def silent_worker() -> None:
        assert await interpreter.get_activity_task(ACTIVITY, "w") is not None

    async with asyncio.TaskGroup() as group:
        group.create_task(interpreter.run(execution))
        group.create_task(silent_worker())
    assert execution.error == "States.HeartbeatTimeout"
    assert types(execution)[-2:] == ["ActivityTimedOut", "ExecutionFailed"]
    assert clock.now() == START + timedelta(seconds=10)


@pytest.mark.anyio
async def test_wait_for_task_token_passes_the_token_and_waits_for_the_callback() -> None:
    clock = FakeClock(START)
    tokens: list[str] = []
    handed_over = asyncio.Event()

    async def remember(event: Any, context: Any) -> Any:
        tokens.append(event["token"])
        handed_over.set()
        return "queued"

    tasks = TaskRegistry()
    tasks.register_lambda(FUNCTION, remember)
    interpreter = Interpreter(clock, tasks)
    definition = {
        "StartAt": "T",
        "States": {
            "T": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                "Parameters": {"FunctionName": FUNCTION, "Payload": {"token.$": "$$.Task.Token"}},
                "Catch": [{"ErrorEquals": ["Rejected"], "Next": "Caught"}],
                "End": True,
            },
            "Caught": {"Type": "Pass", "End": True},
        },
    }
    execution = make_execution(definition, {}, clock)

    async def approver() -> None:
        await handed_over.wait()
        interpreter.send_task_failure(tokens[0], "Rejected", "no")

    async with asyncio.TaskGroup() as group:
        group.create_task(interpreter.run(execution))
        group.create_task(approver())
    assert output(execution) == {"Error": "Rejected", "Cause": "no"}
    assert types(execution)[:7] == [
        "ExecutionStarted",
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "TaskSubmitted",
        "TaskFailed",
        "TaskStateExited",
    ]


@pytest.mark.anyio
async def test_task_token_calls_fail_as_the_api_does() -> None:
    interpreter = Interpreter(FakeClock(START), TaskRegistry())
    with pytest.raises(TaskTokenError) as invalid:
        interpreter.send_task_success("not-a-token", "{}")
    assert invalid.value.code == "InvalidToken"
    with pytest.raises(TaskTokenError) as unknown:
        interpreter.send_task_heartbeat(interpreter.callbacks.new_token())
    assert unknown.value.code == "TaskDoesNotExist"


@pytest.mark.anyio
async def test_get_activity_task_answers_nothing_after_the_long_poll() -> None:
    # API reference, GetActivityTask: with no task within 60 seconds, an empty answer.
    clock = FakeClock(START)
    interpreter = Interpreter(clock, TaskRegistry())
    assert await interpreter.get_activity_task(ACTIVITY, "w") is None
    assert clock.now() == START + timedelta(seconds=60)
