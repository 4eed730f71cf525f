"""The Map state, inline and distributed.

Inline (corpus `test_map_state_*`): MapStateEntered, MapStateStarted {length}, per item
MapIterationStarted / the item's events / MapIterationSucceeded | Failed {name, index},
MapStateSucceeded, MapStateExited. An iteration failure cancels the rest and fails the state with
the iteration's error.

Distributed runs are in `map_run.py`; the values both read are in `map_fields.py`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from stepfunctions.errors import StatesError
from stepfunctions.language.jsonata import json_type_name
from stepfunctions.language.model import (
    ItemReader,
    MapState,
    ProcessorMode,
)
from stepfunctions.language.paths import json_text
from stepfunctions.runtime.data_flow import (
    effective_input,
    evaluate_expression,
    evaluate_payload,
    evaluate_template,
    state_result,
)
from stepfunctions.runtime.environment import Frame
from stepfunctions.runtime.error_handling import run_attempts, run_branches
from stepfunctions.runtime.errors import UncaughtError
from stepfunctions.runtime.item_reader import read_items
from stepfunctions.runtime.map_fields import exceeded, integer_field, item_input, percentage_field
from stepfunctions.runtime.map_run import run_distributed
from stepfunctions.runtime.state_run import StateRun, partial_results

# AWS runs at most 40 inline iterations at a time (dg `state-map-inline`).
INLINE_CONCURRENCY_CAP = 40


async def run_map(state: MapState, raw_input: Any, frame: Frame) -> tuple[Any, str | None]:
    run = StateRun(state, frame, raw_input)

    async def attempt() -> tuple[Any, Mapping[str, Any] | None]:
        return await _attempt(run, state)

    return await run_attempts(
        run, attempt, state.retriers, state.catchers, state.next, failed_event="MapStateFailed"
    )


async def _attempt(run: StateRun, state: MapState) -> tuple[Any, Mapping[str, Any] | None]:
    frame = run.frame
    mock = frame.env.mock if frame.env.single_state else None
    mocked = mock is not None and (mock.has_result or mock.error is not None)
    try:
        data = run.raw_input if run.jsonata else effective_input(run)
        states = run.states() if run.jsonata else None
        # With an ItemReader the items come from S3 (TestState: the mock or mapItemReaderData).
        if state.item_reader is None:
            items = _items(run, state, data, states)
        elif mocked:
            items = []
        elif mock is not None and isinstance(mock.map_item_reader_data, list):
            # TestState's stateConfiguration.mapItemReaderData stands in for the S3 object.
            items = mock.map_item_reader_data
        else:
            items = await _read_items(run, state.item_reader, data, states)
        max_concurrency = integer_field(run, state.max_concurrency, data, states, 0)
        frame.inspect_raw("maxConcurrency", max_concurrency)
    except StatesError as error:
        final = run.prefixed(error)
        run.evaluation_failed(final)
        raise final from error
    frame.event("MapStateStarted", {"length": len(items)})
    if mock is not None and mocked:
        results = _mocked_result(run, state, data, states)
    elif state.mode is ProcessorMode.DISTRIBUTED:
        results = await run_distributed(run, state, data, states, items, max_concurrency)
    else:
        results = await _inline(run, state, data, items, max_concurrency)
    frame.previous_event_id = frame.env.history.last_id
    frame.event("MapStateSucceeded")
    return state_result(run, state, results)


def _items(run: StateRun, state: MapState, data: Any, states: dict[str, Any] | None) -> list[Any]:
    if state.items is not None and states is not None:
        value = evaluate_expression(run, state.items, states, "Items")
        if not isinstance(value, list):
            raise StatesError(
                "States.QueryEvaluationError",
                f"The JSONata expression '{state.items.text}' specified for the field 'Items' "
                f"returned an unexpected result type. Expected 'array', but was "
                f"'{json_type_name(value)}' for value: {json_text(value)}",
                location="Items",
            )
        return value
    if state.items_template is not None and states is not None:
        value = evaluate_template(run, state.items_template, states, "Items")
    elif state.items_path is not None:
        value = state.items_path.evaluate(run.scope(data), "ItemsPath")
        if not isinstance(value, list):
            # AWS names the path with one `$` even for a context path (TestState recordings,
            # test_state_map_context_object: ItemsPath "$$.Execution.Input").
            shown = state.items_path.text
            shown = shown[1:] if shown.startswith("$$") else shown
            raise StatesError(
                "States.Runtime", f'Reference path "{shown}" must point to array.', prefixed=True
            )
        run.frame.inspect("afterItemsPath", value)
    else:
        value = data
    if not isinstance(value, list):
        raise StatesError(
            "States.QueryEvaluationError",
            f"Map state input must be an array but was: {json_text(value)}",
        )
    return value


async def _read_items(
    run: StateRun, reader: ItemReader, data: Any, states: dict[str, Any] | None
) -> list[Any]:
    if reader.arguments is not None and states is not None:
        parameters = evaluate_template(run, reader.arguments, states, "Arguments")
    elif reader.parameters is not None:
        parameters = evaluate_payload(run, reader.parameters, data)
    else:
        parameters = {}
    store = run.frame.env.tasks.object_store
    items = await read_items(store, reader.resource, parameters, reader.config)
    limit = integer_field(run, reader.max_items, data, states, 0)
    return items[:limit] if limit else items


def _mocked_result(run: StateRun, state: MapState, data: Any, states: dict[str, Any] | None) -> Any:
    """TestState with a mock: the mock is the Map's result; no iteration runs.

    `mapIterationFailureCount` iterations count as failed against the tolerated thresholds.
    """
    mock = run.frame.env.mock
    assert mock is not None
    if mock.error is not None:
        raise StatesError(mock.error, mock.cause or "", prefixed=True)
    count = integer_field(run, state.tolerated_failure_count, data, states, 0)
    percentage = percentage_field(run, state.tolerated_failure_percentage, data, states)
    if state.tolerated_failure_count is not None:
        run.frame.inspect_raw("toleratedFailureCount", count)
    if state.tolerated_failure_percentage is not None:
        run.frame.inspect_raw("toleratedFailurePercentage", percentage)
    failed = mock.map_iteration_failure_count
    total = len(mock.result) if isinstance(mock.result, list) else 0
    # TestState recordings (test_map_state_failure_count[BASE_MAP_STATE]): without a threshold
    # in the definition, mapIterationFailureCount does not fail the state.
    thresholds = (state.tolerated_failure_count, state.tolerated_failure_percentage)
    if failed and thresholds != (None, None) and exceeded(state, failed, total, count, percentage):
        raise StatesError(
            "States.ExceedToleratedFailureThreshold",
            "The specified tolerated failure threshold was exceeded",
            prefixed=True,
        )
    return mock.result


async def _inline(
    run: StateRun, state: MapState, data: Any, items: list[Any], max_concurrency: int
) -> list[Any]:
    frame = run.frame
    run_program = frame.env.run_program
    results: list[Any] = [None] * len(items)
    resumed, record = partial_results(run)
    for index, value in resumed.items():
        results[index] = value
    pending = [index for index in range(len(items)) if index not in resumed]
    workers = min(max_concurrency or INLINE_CONCURRENCY_CAP, INLINE_CONCURRENCY_CAP, len(pending))
    next_index = iter(pending)
    started_id = frame.previous_event_id

    async def iteration(index: int) -> None:
        child = frame.child()
        child.previous_event_id = started_id
        details = {"name": state.name, "index": index}
        child.event("MapIterationStarted", details)
        try:
            try:
                iteration_input = item_input(run, state, data, index, items[index])
            except StatesError as error:
                raise run.failure(error) from error
            results[index] = await run_program(state.item_processor, iteration_input, child, None)
        except UncaughtError:
            child.previous_event_id = frame.env.history.last_id
            child.event("MapIterationFailed", details)
            raise
        except asyncio.CancelledError:
            child.previous_event_id = frame.env.history.last_id
            child.event("MapIterationAborted", details)
            raise
        child.previous_event_id = frame.env.history.last_id
        child.event("MapIterationSucceeded", details)
        if record is not None:
            record[index] = results[index]

    async def worker() -> None:
        for index in next_index:
            await iteration(index)

    await run_branches(frame, (worker() for _ in range(workers)))
    return results
