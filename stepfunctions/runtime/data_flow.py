"""The data flow of one state run: the States Language's input and output processing.

JSONPath applies its filters in order: InputPath -> Parameters -> (work) -> ResultSelector ->
ResultPath -> OutputPath; JSONata evaluates Arguments -> (work) -> Assign and Output over
`$states`. TestState's inspection data records each stage.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stepfunctions.errors import StatesError
from stepfunctions.language.model import (
    Assign,
    Dynamic,
    JsonataExpr,
    JsonataTemplate,
    PathExpr,
    PayloadExpr,
    RecoverableState,
)
from stepfunctions.language.paths import apply_result_path
from stepfunctions.runtime.state_run import StateRun

# --- JSONPath data flow -----------------------------------------------------------------------


def effective_input(run: StateRun) -> Any:
    """InputPath: `$` by default, `null` gives `{}`."""
    state = run.state
    if state.input_path_null:
        run.frame.inspect("afterInputPath", {})
        return {}
    if state.input_path is None:
        value = run.raw_input
    else:
        value = state.input_path.evaluate(run.scope(run.raw_input), "InputPath")
    run.frame.inspect("afterInputPath", value)
    return value


def evaluate_payload(run: StateRun, payload: PayloadExpr, data: Any) -> Any:
    return payload.evaluate(run.scope(data))


def output_of(
    run: StateRun, result: Any, result_path: PathExpr | None, result_path_null: bool
) -> Any:
    """ResultPath over the raw input, then OutputPath."""
    combined = apply_result_path(result_path, run.raw_input, result, discard=result_path_null)
    run.frame.inspect("afterResultPath", combined)
    return filter_output(run, combined)


def state_result(
    run: StateRun, state: RecoverableState, result: Any
) -> tuple[Any, dict[str, Any] | None]:
    """A result through ResultSelector, ResultPath and OutputPath (JSONata: Output), and the
    values Assign produces from it; an evaluation failure is recorded with AWS's prefix."""
    try:
        if run.jsonata:
            # Assign is evaluated before Output: when both fail, Assign's error is the one reported.
            states = run.states(result=result)
            assigned = evaluate_assign(run, state.assign, None, states)
            return jsonata_output(run, states, result), assigned
        assigned = evaluate_assign(run, state.assign, result, None)
        if state.result_selector is not None:
            result = evaluate_payload(run, state.result_selector, result)
        run.frame.inspect("afterResultSelector", result)
        return output_of(run, result, state.result_path, state.result_path_null), assigned
    except StatesError as error:
        final = run.prefixed(error)
        run.evaluation_failed(final)
        raise final from error


def filter_output(run: StateRun, value: Any) -> Any:
    state = run.state
    if state.output_path_null:
        return {}
    if state.output_path is None:
        return value
    return state.output_path.evaluate(run.scope(value), "OutputPath")


# --- JSONata ----------------------------------------------------------------------------------


def with_location(error: StatesError, location: str) -> StatesError:
    if error.location is None:
        error.location = location
    return error


def evaluate_template(
    run: StateRun, template: JsonataTemplate, states: Mapping[str, Any], location: str
) -> Any:
    try:
        return template.evaluate(states, run.frame.variables.view)
    except StatesError as error:
        raise with_location(error, location) from None


def evaluate_expression(
    run: StateRun, expression: JsonataExpr, states: Mapping[str, Any], location: str
) -> Any:
    try:
        return expression.evaluate(states, run.frame.variables.view, location)
    except StatesError as error:
        raise with_location(error, location) from None


def evaluate_assign(
    run: StateRun, assign: Assign | None, data: Any, states: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    """The values an Assign field produces (applied when the state exits)."""
    if assign is None:
        return None
    if assign.jsonata is not None:
        if states is None:
            states = run.states()
        value = evaluate_template(run, assign.jsonata, states, "Assign")
    elif assign.payload is not None:
        value = assign.payload.evaluate(run.scope(data))
    else:
        return None
    return dict(value) if isinstance(value, Mapping) else None


def jsonata_output(run: StateRun, states: Mapping[str, Any], default: Any) -> Any:
    """A JSONata state's Output, or `default` when it has none."""
    if run.state.output is None:
        return default
    return evaluate_template(run, run.state.output, states, "Output")


def dynamic_value(
    run: StateRun, value: Dynamic, data: Any, states: Mapping[str, Any] | None
) -> Any:
    """The value of a literal / `...Path` / JSONata field."""
    if value.path is not None:
        return value.path.evaluate(run.scope(data), value.field)
    if value.jsonata is not None:
        return evaluate_expression(
            run, value.jsonata, states if states is not None else run.states(), value.field
        )
    return value.literal
