"""The Task state: local Lambda functions, `lambda:invoke`, and the events AWS writes for them.

A Lambda function ARN as Resource writes LambdaFunctionScheduled / Started / Succeeded | Failed |
TimedOut; an `arn:aws:states:::` integration writes TaskScheduled / Started / Succeeded | Failed |
TimedOut with `resourceType` and `resource` (dg "Step Functions history events").
TimeoutSeconds (default 99999999) races the work on the execution's clock and fails the attempt
with States.Timeout.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from stepfunctions.engine import (
    DeadlineReached,
    Frame,
    StateRun,
    dynamic_value,
    effective_input,
    evaluate_assign,
    evaluate_payload,
    evaluate_template,
    jsonata_output,
    output_of,
    race_deadline,
)
from stepfunctions.errors import StatesError
from stepfunctions.execution_state import execute
from stepfunctions.model import TaskState
from stepfunctions.paths import json_text
from stepfunctions.tasks import ResourceKind, TaskResource

DEFAULT_TIMEOUT_SECONDS = 99_999_999


async def run_task(state: TaskState, raw_input: Any, frame: Frame) -> tuple[Any, str | None]:
    run = StateRun(state, frame, raw_input)

    async def attempt() -> tuple[Any, Mapping[str, Any] | None]:
        return await _attempt(run, state)

    return await execute(
        run, attempt, state.retriers, state.catchers, state.next, failed_event=None
    )


async def _attempt(run: StateRun, state: TaskState) -> tuple[Any, Mapping[str, Any] | None]:
    try:
        if run.jsonata:
            states = run.states()
            task_input = (
                evaluate_template(run, state.arguments, states, "Arguments")
                if state.arguments is not None
                else run.raw_input
            )
            timeout = _seconds(run, state.timeout_seconds, None, states)
            run.frame.inspect("afterArguments", task_input)
        else:
            data = effective_input(run)
            task_input = (
                evaluate_payload(run, state.parameters, data)
                if state.parameters is not None
                else data
            )
            timeout = _seconds(run, state.timeout_seconds, data, None)
            run.frame.inspect("afterParameters", task_input)
    except StatesError as error:
        final = run.prefixed(error)
        run.evaluation_failed(final)
        raise final from error
    result = await _invoke(run, state.resource, task_input, timeout)
    run.frame.inspect("result", result)
    try:
        if run.jsonata:
            states = run.states(result=result)
            assigned = evaluate_assign(run, state.assign, None, states)
            output = jsonata_output(run, states, result)
        else:
            assigned = evaluate_assign(run, state.assign, result, None)
            selected = (
                evaluate_payload(run, state.result_selector, result)
                if state.result_selector is not None
                else result
            )
            run.frame.inspect("afterResultSelector", selected)
            output = output_of(run, selected, state.result_path, state.result_path_null)
    except StatesError as error:
        final = run.prefixed(error)
        run.evaluation_failed(final)
        raise final from error
    return output, assigned


def _seconds(run: StateRun, value: Any, data: Any, states: dict[str, Any] | None) -> int:
    if value is None:
        return DEFAULT_TIMEOUT_SECONDS
    seconds = dynamic_value(run, value, data, states)
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds <= 0:
        raise StatesError(
            "States.Runtime",
            f"The {value.field} field refers to value {json_text(seconds)} which is not a valid "
            "positive integer.",
        )
    return int(seconds)


async def _invoke(run: StateRun, resource: TaskResource, task_input: Any, seconds: int) -> Any:
    frame = run.frame
    env = frame.env
    text = json_text(task_input)
    if resource.kind is ResourceKind.LAMBDA_FUNCTION:
        scheduled: dict[str, Any] = {
            "resource": resource.arn,
            "input": text,
            "inputDetails": {"truncated": False},
        }
        if seconds != DEFAULT_TIMEOUT_SECONDS:
            scheduled["timeoutInSeconds"] = seconds
        frame.event("LambdaFunctionScheduled", scheduled)
        frame.event("LambdaFunctionStarted")
        prefix = "LambdaFunction"
        identity: dict[str, Any] = {}
    else:
        scheduled = {
            "resourceType": resource.resource_type,
            "resource": resource.resource,
            "region": env.tasks.region,
            "parameters": text,
        }
        if seconds != DEFAULT_TIMEOUT_SECONDS:
            scheduled["timeoutInSeconds"] = seconds
        frame.event("TaskScheduled", scheduled)
        identity = {"resourceType": resource.resource_type, "resource": resource.resource}
        frame.event("TaskStarted", dict(identity))
        prefix = "Task"
    deadline = env.clock.now() + timedelta(seconds=seconds)
    try:
        result = await race_deadline(env.clock, deadline, lambda: _call(run, resource, task_input))
    except DeadlineReached:
        frame.event(f"{prefix}TimedOut", {**identity, "error": "States.Timeout"})
        raise StatesError("States.Timeout", "", prefixed=True) from None
    except StatesError as error:
        details = {**identity, "error": error.error, "cause": error.cause}
        frame.event(f"{prefix}Failed", details)
        raise
    frame.event(
        f"{prefix}Succeeded",
        {**identity, "output": json_text(result), "outputDetails": {"truncated": False}},
    )
    return result


async def _call(run: StateRun, resource: TaskResource, task_input: Any) -> Any:
    env = run.frame.env
    if env.mock is not None:
        if env.mock.error is not None or env.mock.cause is not None:
            raise StatesError(env.mock.error or "", env.mock.cause or "", prefixed=True)
        if env.mock.has_result:
            return env.mock.result
    tasks = env.tasks
    now = env.clock.now()
    if resource.kind is ResourceKind.LAMBDA_FUNCTION:
        return await tasks.invoke_function(resource.arn, task_input, now, env.clock)
    if resource.kind is ResourceKind.LAMBDA_INVOKE and resource.pattern == "":
        return await tasks.invoke(task_input, now, env.clock)
    # AWS differs: only Lambda runs locally for now; other integrations and activities fail.
    raise StatesError(
        "States.Runtime",
        f"The resource '{resource.arn}' is not supported by this local engine.",
        prefixed=True,
    )
