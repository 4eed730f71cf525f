"""Map state values shared by inline and distributed runs: the numbers a Map reads from its
definition (MaxConcurrency, ToleratedFailure*), the failure threshold, and an item's input.
"""

from __future__ import annotations

from typing import Any

from stepfunctions.errors import StatesError
from stepfunctions.language.model import Dynamic, MapState
from stepfunctions.language.paths import Scope, json_text
from stepfunctions.runtime.context_object import context_object
from stepfunctions.runtime.data_flow import dynamic_value, evaluate_template
from stepfunctions.runtime.state_run import StateRun


def exceeded(state: MapState, failed: int, total: int, count: int, percentage: float) -> bool:
    """Whether `failed` failures pass the tolerated thresholds.

    Each threshold counts only when it is given; with neither, no failure is tolerated.
    """
    if state.tolerated_failure_count is None and state.tolerated_failure_percentage is None:
        return failed > 0
    if state.tolerated_failure_count is not None and failed > count:
        return True
    return (
        state.tolerated_failure_percentage is not None
        and total > 0
        and failed * 100.0 / total > percentage
    )


def integer_field(
    run: StateRun,
    value: Dynamic | None,
    data: Any,
    states: dict[str, Any] | None,
    default: int,
) -> int:
    """MaxConcurrency / ToleratedFailureCount, with AWS's texts for a bad `...Path` value."""
    if value is None:
        return default
    if value.jsonata is not None and states is not None:
        # JSONata: the expression must give an integer (QueryEvaluationError otherwise).
        try:
            number = value.jsonata.evaluate_as(
                states, run.frame.variables.view, value.field, "integer"
            )
        except StatesError as error:
            error.location = error.location or value.field
            raise
        number = int(number)
    else:
        number = dynamic_value(run, value, data, states)
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    if isinstance(number, str) and value.path is not None:
        # A path may select a numeric string (corpus `test_reference_in_map_state`: a variable
        # assigned "1" as MaxConcurrencyPath); AWS parses it.
        number = _parse_int(number)
    if not isinstance(number, int) or isinstance(number, bool):
        shown = number if isinstance(number, str) else json_text(number)
        where = value.path.text if value.path is not None else value.field
        raise StatesError(
            "States.Runtime",
            f'The {value.field} field refers to value "{shown}" which is not a valid integer: '
            f"{where}",
        )
    if number < 0:
        name = value.field.removesuffix("Path")
        raise StatesError("States.Runtime", f"{name} cannot be negative.")
    return number


def percentage_field(
    run: StateRun, value: Dynamic | None, data: Any, states: dict[str, Any] | None
) -> float:
    if value is None:
        return 0.0
    number = dynamic_value(run, value, data, states)
    if isinstance(number, str) and value.path is not None:
        number = _parse_float(number)
    if not isinstance(number, int | float) or isinstance(number, bool):
        shown = number if isinstance(number, str) else json_text(number)
        where = value.path.text if value.path is not None else value.field
        raise StatesError(
            "States.Runtime",
            f'The {value.field} field refers to value "{shown}" which is not a valid float: '
            f"{where}",
        )
    if not 0 <= number <= 100:
        name = value.field.removesuffix("Path")
        raise StatesError("States.Runtime", f"{name} must be between 0 and 100.")
    return float(number)


def _parse_int(text: str) -> int | str:
    try:
        return int(text.strip())
    except ValueError:
        return text


def _parse_float(text: str) -> float | str:
    try:
        return float(text.strip())
    except ValueError:
        return text


def item_input(run: StateRun, state: MapState, data: Any, index: int, item: Any) -> Any:
    """The iteration's input: the item, or ItemSelector / legacy Parameters over it."""
    if state.item_selector is None and state.item_selector_jsonata is None:
        return item
    map_item = {"Index": index, "Value": item}
    env = run.frame.env
    context = context_object(
        env.execution_context,
        env.machine_context,
        state.name,
        run.entered_time,
        run.retry_count,
        map_item,
    )
    if state.item_selector_jsonata is not None:
        states = {"input": run.raw_input, "context": context}
        return evaluate_template(run, state.item_selector_jsonata, states, "ItemSelector")
    assert state.item_selector is not None
    return state.item_selector.evaluate(Scope(data, context, run.frame.variables.view))
