"""The Task state: local Lambda functions, `lambda:invoke`, service integrations, and the events
AWS writes for them.

A Lambda function ARN as Resource writes LambdaFunctionScheduled / Started / Succeeded | Failed |
TimedOut; an `arn:aws:states:::` integration writes TaskScheduled / Started / Succeeded | Failed |
TimedOut with `resourceType` and `resource` (dg "Step Functions history events").
TimeoutSeconds (default 99999999) races the work on the execution's clock and fails the attempt
with States.Timeout.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from stepfunctions.errors import StatesError
from stepfunctions.language.model import TaskState
from stepfunctions.language.paths import json_text
from stepfunctions.language.task_resource import ResourceKind, TaskResource
from stepfunctions.records.tokens import Outcome
from stepfunctions.runtime.callbacks import PendingTask
from stepfunctions.runtime.clock import race_deadline
from stepfunctions.runtime.data_flow import (
    dynamic_value,
    effective_input,
    evaluate_payload,
    evaluate_template,
    state_result,
)
from stepfunctions.runtime.environment import Frame
from stepfunctions.runtime.error_handling import run_attempts
from stepfunctions.runtime.errors import DeadlineReachedError, HeartbeatMissedError
from stepfunctions.runtime.service_integration import Pattern, TaskCall
from stepfunctions.runtime.state_run import StateRun

DEFAULT_TIMEOUT_SECONDS = 99_999_999
_NOT_TRUNCATED = {"truncated": False}


async def run_task(state: TaskState, raw_input: Any, frame: Frame) -> tuple[Any, str | None]:
    run = StateRun(state, frame, raw_input)

    async def attempt() -> tuple[Any, Mapping[str, Any] | None]:
        return await _attempt(run, state)

    return await run_attempts(
        run, attempt, state.retriers, state.catchers, state.next, failed_event=None
    )


async def _attempt(run: StateRun, state: TaskState) -> tuple[Any, Mapping[str, Any] | None]:
    resource = state.resource
    if resource.pattern == ".waitForTaskToken" or resource.kind is ResourceKind.ACTIVITY:
        # `$$.Task.Token` exists from here on, so Parameters / Arguments can pass it along.
        run.task_token = run.frame.env.callbacks.new_token()
    try:
        if run.jsonata:
            states = run.states()
            task_input = (
                evaluate_template(run, state.arguments, states, "Arguments")
                if state.arguments is not None
                else run.raw_input
            )
            timeout = _seconds(run, state.timeout_seconds, None, states)
            heartbeat = _optional_seconds(run, state.heartbeat_seconds, None, states)
            run.frame.inspect("afterArguments", task_input)
        else:
            data = effective_input(run)
            task_input = (
                evaluate_payload(run, state.parameters, data)
                if state.parameters is not None
                else data
            )
            timeout = _seconds(run, state.timeout_seconds, data, None)
            heartbeat = _optional_seconds(run, state.heartbeat_seconds, data, None)
            run.frame.inspect("afterParameters", task_input)
    except StatesError as error:
        final = run.prefixed(error)
        run.evaluation_failed(final)
        raise final from error
    result = await _invoke(run, resource, task_input, timeout, heartbeat)
    run.frame.inspect("result", result)
    return state_result(run, state, result)


def _optional_seconds(
    run: StateRun, value: Any, data: Any, states: dict[str, Any] | None
) -> int | None:
    return None if value is None else _seconds(run, value, data, states)


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


async def _invoke(
    run: StateRun, resource: TaskResource, task_input: Any, seconds: int, heartbeat: int | None
) -> Any:
    frame = run.frame
    env = frame.env
    text = json_text(task_input)
    limits: dict[str, Any] = {}
    if seconds != DEFAULT_TIMEOUT_SECONDS:
        limits["timeoutInSeconds"] = seconds
    if heartbeat is not None:
        limits["heartbeatInSeconds"] = heartbeat
    identity: dict[str, Any] = {}
    if resource.kind is ResourceKind.LAMBDA_FUNCTION:
        frame.event(
            "LambdaFunctionScheduled",
            {"resource": resource.arn, "input": text, "inputDetails": _NOT_TRUNCATED, **limits},
        )
        frame.event("LambdaFunctionStarted")
        prefix = "LambdaFunction"
    elif resource.kind is ResourceKind.ACTIVITY:
        frame.event(
            "ActivityScheduled",
            {"resource": resource.arn, "input": text, "inputDetails": _NOT_TRUNCATED, **limits},
        )
        prefix = "Activity"
    else:
        frame.event(
            "TaskScheduled",
            {
                "resourceType": resource.resource_type,
                "resource": resource.resource,
                "region": env.tasks.region,
                "parameters": text,
                **limits,
            },
        )
        identity = {"resourceType": resource.resource_type, "resource": resource.resource}
        frame.event("TaskStarted", dict(identity))
        prefix = "Task"
    deadline = env.clock.now() + timedelta(seconds=seconds)
    token = run.task_token
    # What a late SendTask* call with this token hears once the task is over.
    token_end = "TaskDoesNotExist"

    def submitted(output: Any) -> None:
        # `.sync`: the job has started; AWS records its start response before waiting on it.
        frame.event(
            "TaskSubmitted",
            {**identity, "output": json_text(output), "outputDetails": _NOT_TRUNCATED},
        )

    try:
        if token is not None and not _mocked(run):
            result = await _wait_for_token(
                run, resource, task_input, text, token, seconds, heartbeat, identity
            )
        else:
            result = await race_deadline(
                env.clock, deadline, lambda: _call(run, resource, task_input, submitted)
            )
    except DeadlineReachedError:
        token_end = "TaskTimedOut"
        frame.event(f"{prefix}TimedOut", {**identity, "error": "States.Timeout"})
        raise StatesError("States.Timeout", "", prefixed=True) from None
    except HeartbeatMissedError:
        token_end = "TaskTimedOut"
        frame.event(f"{prefix}TimedOut", {**identity, "error": "States.HeartbeatTimeout"})
        raise StatesError("States.HeartbeatTimeout", "", prefixed=True) from None
    except StatesError as error:
        details = {**identity, "error": error.error, "cause": error.cause}
        frame.event(f"{prefix}Failed", details)
        raise
    finally:
        if token is not None:
            env.callbacks.close(token, token_end)
    frame.event(
        f"{prefix}Succeeded",
        {**identity, "output": json_text(result), "outputDetails": _NOT_TRUNCATED},
    )
    return result


def _mocked(run: StateRun) -> bool:
    mock = run.frame.env.mock
    return mock is not None and (mock.has_result or mock.error is not None)


async def _wait_for_token(
    run: StateRun,
    resource: TaskResource,
    task_input: Any,
    text: str,
    token: str,
    seconds: int,
    heartbeat: int | None,
    identity: dict[str, Any],
) -> Any:
    """Wait for SendTaskSuccess / SendTaskFailure on `token` (activity or .waitForTaskToken).

    An activity is queued for GetActivityTask (ActivityStarted names the worker); a
    `.waitForTaskToken` integration is called first and its answer recorded as TaskSubmitted.
    """
    frame = run.frame
    env = frame.env
    if resource.kind is ResourceKind.ACTIVITY:

        def started(worker: str) -> None:
            frame.event("ActivityStarted", {"workerName": worker})

        pending = env.callbacks.open(token, text, activity_arn=resource.arn, on_started=started)
        # TimeoutSeconds and HeartbeatSeconds count from ActivityStarted (dg, Task state).
        await pending.started.wait()
        deadline = env.clock.now() + timedelta(seconds=seconds)
    else:
        deadline = env.clock.now() + timedelta(seconds=seconds)
        pending = env.callbacks.open(token, text)
        answer = await race_deadline(
            env.clock, deadline, lambda: _call(run, resource, task_input, _not_sync)
        )
        frame.event(
            "TaskSubmitted",
            {**identity, "output": json_text(answer), "outputDetails": _NOT_TRUNCATED},
        )
    while True:
        beat_deadline = (
            pending.last_heartbeat + timedelta(seconds=heartbeat) if heartbeat else deadline
        )
        try:
            outcome = await race_deadline(
                env.clock, min(deadline, beat_deadline), lambda: _outcome_or_beat(pending)
            )
        except DeadlineReachedError:
            if env.clock.now() >= deadline:
                raise
            if pending.last_heartbeat + timedelta(seconds=heartbeat or 0) <= env.clock.now():
                raise HeartbeatMissedError from None
            continue
        if outcome is None:
            continue  # a heartbeat: wait again from it
        if outcome.output is None:
            raise StatesError(outcome.error or "", outcome.cause or "", prefixed=True)
        return json.loads(outcome.output)


async def _outcome_or_beat(pending: PendingTask) -> Outcome | None:
    """The task's outcome, or None as soon as a heartbeat arrives."""
    await pending.signal.wait()
    pending.signal.clear()
    return pending.outcome


def _not_sync(output: Any) -> None:
    """A `.waitForTaskToken` call never reports a `.sync` submission."""


async def _call(
    run: StateRun, resource: TaskResource, task_input: Any, submitted: Callable[[Any], None]
) -> Any:
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
    if resource.kind is ResourceKind.LAMBDA_INVOKE:
        return await tasks.invoke(task_input, now, env.clock)
    integration = tasks.integration(resource)
    if integration is None:
        # AWS differs: AWS refuses such a definition at CreateStateMachine with this text
        # (SCHEMA_VALIDATION_FAILED); a definition that reached the engine fails the state.
        raise StatesError(
            "States.Runtime",
            f"The resource provided {resource.arn} is not recognized. The value is not a valid "
            "resource ARN, or the resource is not available in this region.",
        )
    call = TaskCall(
        service=resource.service,
        action=resource.action,
        pattern=Pattern(resource.pattern),
        sdk=resource.sdk,
        parameters=task_input,
        clock=env.clock,
        region=tasks.region,
        account_id=tasks.account_id,
        execution_arn=env.execution.execution_arn,
        submitted=submitted,
    )
    try:
        return await integration.call(call)
    except StatesError as error:
        raise run.prefixed(error) from error
