"""Pass, Wait, Choice, Succeed and Fail: the states that do no work outside the engine."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from stepfunctions.errors import StatesError
from stepfunctions.language.model import (
    ChoiceState,
    Dynamic,
    FailState,
    JsonataTemplate,
    PassState,
    SucceedState,
    WaitState,
)
from stepfunctions.language.paths import json_text
from stepfunctions.language.timestamps import parse_timestamp
from stepfunctions.runtime.data_flow import (
    dynamic_value,
    effective_input,
    evaluate_assign,
    evaluate_payload,
    evaluate_template,
    filter_output,
    jsonata_output,
    output_of,
)
from stepfunctions.runtime.environment import Frame
from stepfunctions.runtime.errors import UncaughtError
from stepfunctions.runtime.state_run import StateRun

Outcome = tuple[Any, str | None]

# AWS rejects a wait that ends 2^31 seconds or more from now (corpus
# `test_timestamp_too_far_in_future_boundary[24856]`: 24856 days is just past 2^31 s).
_MAX_WAIT_SECONDS = 2**31 - 1


async def run_pass(state: PassState, raw_input: Any, frame: Frame) -> Outcome:
    run = StateRun(state, frame, raw_input)
    try:
        if run.jsonata:
            states = run.states()
            assigned = evaluate_assign(run, state.assign, None, states)
            output = jsonata_output(run, states, raw_input)
        else:
            if state.has_result:
                # TestState shows a Pass state's Result as its result, with no input stages.
                result = state.result
                frame.inspect("result", result)
            else:
                data = effective_input(run)
                if state.parameters is not None:
                    result = evaluate_payload(run, state.parameters, data)
                else:
                    result = data
                frame.inspect("afterParameters", result)
            frame.inspect("afterResultSelector", result)
            assigned = evaluate_assign(run, state.assign, result, None)
            output = output_of(run, result, state.result_path, state.result_path_null)
        run.exit(output, assigned)
    except StatesError as error:
        raise run.failure(error) from error
    return output, state.next


async def run_succeed(state: SucceedState, raw_input: Any, frame: Frame) -> Outcome:
    run = StateRun(state, frame, raw_input)
    try:
        if run.jsonata:
            output = jsonata_output(run, run.states(), raw_input)
        else:
            output = filter_output(run, effective_input(run))
        run.exit(output, None)
    except StatesError as error:
        raise run.failure(error) from error
    return output, None


async def run_fail(state: FailState, raw_input: Any, frame: Frame) -> Outcome:
    run = StateRun(state, frame, raw_input)
    try:
        if not run.jsonata:
            effective_input(run)
        states = run.states() if run.jsonata else None
        error = _fail_field(run, state.error, state.error_value, raw_input, states, "ErrorPath")
        cause = _fail_field(run, state.cause, state.cause_value, raw_input, states, "CausePath")
    except StatesError as failure:
        raise run.failure(failure) from failure
    raise UncaughtError(error, cause, state.name, raw_input)


def _fail_field(
    run: StateRun,
    value: Dynamic | None,
    intrinsic: Any,
    raw_input: Any,
    states: dict[str, Any] | None,
    field: str,
) -> str | None:
    if intrinsic is not None:
        result = intrinsic.evaluate(run.scope(raw_input), field)
    elif value is not None:
        result = dynamic_value(run, value, raw_input, states)
    else:
        return None
    if result is None:
        return None
    return result if isinstance(result, str) else json_text(result)


async def run_choice(state: ChoiceState, raw_input: Any, frame: Frame) -> Outcome:
    run = StateRun(state, frame, raw_input)
    try:
        if run.jsonata:
            states = run.states()
            scope = run.scope(raw_input)
            for branch in state.choices:
                if branch.rule.matches(scope):
                    assigned = evaluate_assign(run, branch.assign, None, states)
                    output = (
                        raw_input
                        if branch.output is None
                        else _branch_output(run, branch.output, states)
                    )
                    next_state = branch.next
                    break
            else:
                next_state = _default(run, state)
                assigned = evaluate_assign(run, state.assign, None, states)
                output = jsonata_output(run, states, raw_input)
        else:
            data = effective_input(run)
            scope = run.scope(data)
            for branch in state.choices:
                if branch.rule.matches(scope):
                    assigned = evaluate_assign(run, branch.assign, data, None)
                    next_state = branch.next
                    break
            else:
                next_state = _default(run, state)
                assigned = evaluate_assign(run, state.assign, data, None)
            output = filter_output(run, data)
        run.exit(output, assigned)
    except StatesError as error:
        raise run.failure(error) from error
    return output, next_state


def _branch_output(run: StateRun, template: JsonataTemplate, states: dict[str, Any]) -> Any:
    return evaluate_template(run, template, states, "Output")


def _default(run: StateRun, state: ChoiceState) -> str:
    if state.default is None:
        # AWS differs: the exact cause text of an unmatched Choice is not recorded in the corpus.
        raise StatesError(
            "States.NoChoiceMatched",
            f"No Matches! in state '{state.name}'",
            prefixed=True,
        )
    return state.default


async def run_wait(state: WaitState, raw_input: Any, frame: Frame) -> Outcome:
    run = StateRun(state, frame, raw_input)
    clock = frame.env.clock
    try:
        if run.jsonata:
            states = run.states()
            deadline = _jsonata_deadline(run, state, states)
            assigned = evaluate_assign(run, state.assign, None, states)
            output = jsonata_output(run, states, raw_input)
        else:
            data = effective_input(run)
            deadline = _jsonpath_deadline(run, state, data)
            assigned = evaluate_assign(run, state.assign, data, None)
            output = filter_output(run, data)
        if deadline is not None:
            if (deadline - clock.now()).total_seconds() > _MAX_WAIT_SECONDS:
                raise StatesError("States.Runtime", "Wait state delay is too long.")
            await clock.sleep_until(deadline)
        run.exit(output, assigned)
    except StatesError as error:
        raise run.failure(error) from error
    return output, state.next


def _jsonpath_deadline(run: StateRun, state: WaitState, data: Any) -> datetime | None:
    now = run.frame.env.clock.now()
    if state.timestamp_literal is not None:
        return state.timestamp_literal
    if state.seconds is not None:
        seconds = dynamic_value(run, state.seconds, data, None)
        if state.seconds.path is not None:
            description = f"{state.seconds.path.text} == {json_text(seconds)}"
            if not isinstance(seconds, int) or isinstance(seconds, bool):
                raise StatesError(
                    "States.Runtime",
                    f"The SecondsPath parameter cannot be parsed as a long value: {description}",
                )
            if seconds < 0:
                raise StatesError(
                    "States.Runtime",
                    f"The SecondsPath parameter references a negative value: {description}",
                )
        return now + timedelta(seconds=int(seconds))
    if state.timestamp is not None and state.timestamp.path is not None:
        value = dynamic_value(run, state.timestamp, data, None)
        moment = parse_timestamp(value)
        if moment is None:
            shown = value if isinstance(value, str) else json_text(value)
            raise StatesError(
                "States.Runtime",
                "The TimestampPath parameter does not reference a valid ISO-8601 extended "
                f"offset date-time format string: {state.timestamp.path.text} == {shown}",
            )
        return moment
    return None


def _jsonata_deadline(run: StateRun, state: WaitState, states: dict[str, Any]) -> datetime | None:
    now = run.frame.env.clock.now()
    if state.timestamp_literal is not None:
        return state.timestamp_literal
    if state.seconds is not None:
        seconds = dynamic_value(run, state.seconds, None, states)
        if isinstance(seconds, float) and seconds.is_integer():
            seconds = int(seconds)
        if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds < 0:
            raise StatesError(
                "States.QueryEvaluationError",
                f"The Seconds field value '{json_text(seconds)}' is not a valid non-negative "
                "integer.",
                location="Seconds",
            )
        return now + timedelta(seconds=seconds)
    if state.timestamp is not None:
        value = dynamic_value(run, state.timestamp, None, states)
        moment = parse_timestamp(value)
        if moment is None:
            shown = value if isinstance(value, str) else json_text(value)
            raise StatesError(
                "States.QueryEvaluationError",
                "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time "
                f"format string: {shown}",
                location="Timestamp",
            )
        return moment
    return None
