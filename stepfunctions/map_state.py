"""The Map state, inline and distributed.

Inline (corpus `test_map_state_*`): MapStateEntered, MapStateStarted {length}, per item
MapIterationStarted / the item's events / MapIterationSucceeded | Failed {name, index},
MapStateSucceeded, MapStateExited. An iteration failure cancels the rest and fails the state with
the iteration's error.

Distributed: each item (or batch) runs as a child execution of a Map Run; the parent history shows
MapRunStarted {mapRunArn} and MapRunSucceeded | Failed. Failures within ToleratedFailureCount /
ToleratedFailurePercentage are tolerated; beyond them the state fails with
States.ExceedToleratedFailureThreshold.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Mapping
from typing import Any

from stepfunctions.context_object import context_object
from stepfunctions.engine import (
    ExecutionFailure,
    Frame,
    StateRun,
    dynamic_value,
    effective_input,
    evaluate_assign,
    evaluate_expression,
    evaluate_payload,
    evaluate_template,
    jsonata_output,
    output_of,
    partial_results,
)
from stepfunctions.errors import StatesError
from stepfunctions.execution import Execution, ExecutionStatus, MapRun, MapRunStatus
from stepfunctions.execution_state import branch_error, execute
from stepfunctions.item_reader import read_items
from stepfunctions.model import (
    Dynamic,
    ItemReader,
    MapState,
    ProcessorMode,
    StateMachineDefinition,
)
from stepfunctions.paths import Scope, json_text

# AWS runs at most 40 inline iterations at a time (dg `state-map-inline`).
INLINE_CONCURRENCY_CAP = 40
# Distributed: up to 10,000 parallel child executions (dg quotas).
DISTRIBUTED_CONCURRENCY_CAP = 10_000


async def run_map(state: MapState, raw_input: Any, frame: Frame) -> tuple[Any, str | None]:
    run = StateRun(state, frame, raw_input)

    async def attempt() -> tuple[Any, Mapping[str, Any] | None]:
        return await _attempt(run, state)

    return await execute(
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
        max_concurrency = _integer_field(run, state.max_concurrency, data, states, 0)
        frame.inspect_raw("maxConcurrency", max_concurrency)
    except StatesError as error:
        final = run.prefixed(error)
        run.evaluation_failed(final)
        raise final from error
    frame.event("MapStateStarted", {"length": len(items)})
    if mock is not None and mocked:
        results = _mocked_result(run, state, data, states)
    elif state.mode is ProcessorMode.DISTRIBUTED:
        results = await _distributed(run, state, data, states, items, max_concurrency)
    else:
        results = await _inline(run, state, data, items, max_concurrency)
    frame.previous_event_id = frame.env.history.last_id
    frame.event("MapStateSucceeded")
    try:
        if run.jsonata:
            result_states = run.states(result=results)
            assigned = evaluate_assign(run, state.assign, None, result_states)
            output = jsonata_output(run, result_states, results)
        else:
            assigned = evaluate_assign(run, state.assign, results, None)
            selected = (
                evaluate_payload(run, state.result_selector, results)
                if state.result_selector is not None
                else results
            )
            run.frame.inspect("afterResultSelector", selected)
            output = output_of(run, selected, state.result_path, state.result_path_null)
    except StatesError as error:
        final = run.prefixed(error)
        run.evaluation_failed(final)
        raise final from error
    return output, assigned


def _items(run: StateRun, state: MapState, data: Any, states: dict[str, Any] | None) -> list[Any]:
    if state.items is not None and states is not None:
        value = evaluate_expression(run, state.items, states, "Items")
        if not isinstance(value, list):
            raise StatesError(
                "States.QueryEvaluationError",
                f"The JSONata expression '{state.items.text}' specified for the field 'Items' "
                f"returned an unexpected result type. Expected 'array', but was "
                f"'{_json_type(value)}' for value: {json_text(value)}",
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
    limit = _integer_field(run, reader.max_items, data, states, 0)
    return items[:limit] if limit else items


def _mocked_result(run: StateRun, state: MapState, data: Any, states: dict[str, Any] | None) -> Any:
    """TestState with a mock: the mock is the Map's result; no iteration runs.

    `mapIterationFailureCount` iterations count as failed against the tolerated thresholds.
    """
    mock = run.frame.env.mock
    assert mock is not None
    if mock.error is not None:
        raise StatesError(mock.error, mock.cause or "", prefixed=True)
    count = _integer_field(run, state.tolerated_failure_count, data, states, 0)
    percentage = _percentage_field(run, state.tolerated_failure_percentage, data, states)
    if state.tolerated_failure_count is not None:
        run.frame.inspect_raw("toleratedFailureCount", count)
    if state.tolerated_failure_percentage is not None:
        run.frame.inspect_raw("toleratedFailurePercentage", percentage)
    failed = mock.map_iteration_failure_count
    total = len(mock.result) if isinstance(mock.result, list) else 0
    # TestState recordings (test_map_state_failure_count[BASE_MAP_STATE]): without a threshold
    # in the definition, mapIterationFailureCount does not fail the state.
    thresholds = (state.tolerated_failure_count, state.tolerated_failure_percentage)
    if failed and thresholds != (None, None) and _exceeded(state, failed, total, count, percentage):
        raise StatesError(
            "States.ExceedToleratedFailureThreshold",
            "The specified tolerated failure threshold was exceeded",
            prefixed=True,
        )
    return mock.result


def _exceeded(state: MapState, failed: int, total: int, count: int, percentage: float) -> bool:
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


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _integer_field(
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


def _percentage_field(
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


def _item_input(run: StateRun, state: MapState, data: Any, index: int, item: Any) -> Any:
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
                item_input = _item_input(run, state, data, index, items[index])
            except StatesError as error:
                raise run.failure(error) from error
            results[index] = await run_program(state.item_processor, item_input, child, None)
        except ExecutionFailure:
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

    failure: ExecutionFailure | None = None
    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(workers):
                group.create_task(worker())
    except* ExecutionFailure as failures:
        first = failures.exceptions[0]
        assert isinstance(first, ExecutionFailure)
        failure = first
    frame.previous_event_id = frame.env.history.last_id
    if failure is not None:
        raise branch_error(failure)
    return results


async def _distributed(
    run: StateRun,
    state: MapState,
    data: Any,
    states: dict[str, Any] | None,
    items: list[Any],
    max_concurrency: int,
) -> list[Any]:
    frame = run.frame
    env = frame.env
    parent = env.execution
    tolerated_count = _integer_field(run, state.tolerated_failure_count, data, states, 0)
    tolerated_percentage = _percentage_field(run, state.tolerated_failure_percentage, data, states)
    inputs = [_item_input(run, state, data, index, item) for index, item in enumerate(items)]
    if state.item_batcher is not None:
        inputs = _batches(run, state, data, states, inputs)
    arn_parts = parent.execution_arn.split(":")
    region, account = arn_parts[3], arn_parts[4]
    # mapRun:<machine>/<Label, or an id>:<id>; the children run under <machine>/<label>.
    label = state.label or str(uuid.uuid4())
    run_id = str(uuid.uuid4())
    map_run_arn = (
        f"arn:aws:states:{region}:{account}:mapRun:{parent.state_machine_name}/{label}:{run_id}"
    )
    map_run = MapRun(
        map_run_arn=map_run_arn,
        execution_arn=parent.execution_arn,
        status=MapRunStatus.RUNNING,
        start_date=env.clock.now(),
        stop_date=None,
        max_concurrency=max_concurrency,
        tolerated_failure_percentage=tolerated_percentage,
        tolerated_failure_count=tolerated_count,
        label=state.label,
        state_machine_arn=f"{parent.state_machine_arn}/{label}",
    )
    total = len(inputs)
    for counts in (map_run.item_counts, map_run.execution_counts):
        counts["total"] = total
        counts["pending"] = total
    parent.map_runs.append(map_run)
    frame.event("MapRunStarted", {"mapRunArn": map_run_arn})
    definition = StateMachineDefinition(
        program=state.item_processor,
        query_language=state.item_processor.query_language,
        timeout_seconds=None,
        comment=None,
        version=None,
        raw={},
    )
    results: list[Any] = [None] * total
    failed = 0
    resumed, record = partial_results(run)
    for index, value in resumed.items():
        results[index] = value
        _move(map_run, "pending", "succeeded")
    pending = [index for index in range(total) if index not in resumed]
    workers = min(max_concurrency or DISTRIBUTED_CONCURRENCY_CAP, DISTRIBUTED_CONCURRENCY_CAP)
    next_index = iter(pending)

    async def child_run(index: int) -> None:
        nonlocal failed
        name = str(uuid.uuid4())
        child = Execution(
            execution_arn=(
                f"arn:aws:states:{region}:{account}:execution:"
                f"{parent.state_machine_name}/{label}:{name}"
            ),
            name=name,
            state_machine_arn=f"{parent.state_machine_arn}/{label}",
            state_machine_name=f"{parent.state_machine_name}/{label}",
            definition=definition,
            role_arn=parent.role_arn,
            input=json_text(inputs[index]),
            type=state.execution_type,
            start_date=env.clock.now(),
            parent_map_run_arn=map_run_arn,
        )
        parent._child_executions.append(child)
        _move(map_run, "pending", "running")
        await env.interpreter.run(child)
        if child.status is ExecutionStatus.SUCCEEDED:
            _move(map_run, "running", "succeeded")
            results[index] = json.loads(child.output) if child.output else None
            if record is not None:
                record[index] = results[index]
        else:
            bucket = "timedOut" if child.status is ExecutionStatus.TIMED_OUT else "failed"
            if child.status is ExecutionStatus.ABORTED:
                bucket = "aborted"
            _move(map_run, "running", bucket)
            failed += 1
            results[index] = {"Error": child.error, "Cause": child.cause}

    async def worker() -> None:
        for index in next_index:
            await child_run(index)

    async with asyncio.TaskGroup() as group:
        for _ in range(min(workers, len(pending))):
            group.create_task(worker())
    frame.previous_event_id = env.history.last_id
    exceeded = _exceeded(state, failed, total, tolerated_count, tolerated_percentage)
    if failed and exceeded:
        map_run.status = MapRunStatus.FAILED
        map_run.stop_date = env.clock.now()
        error = "States.ExceedToleratedFailureThreshold"
        cause = "The specified tolerated failure threshold was exceeded"
        frame.event("MapRunFailed", {"error": error, "cause": cause})
        raise StatesError(error, cause, prefixed=True)
    map_run.status = MapRunStatus.SUCCEEDED
    map_run.stop_date = env.clock.now()
    frame.event("MapRunSucceeded")
    return results


def _move(map_run: MapRun, source: str, target: str) -> None:
    for counts in (map_run.item_counts, map_run.execution_counts):
        counts[source] -= 1
        counts[target] += 1


def _batches(
    run: StateRun,
    state: MapState,
    data: Any,
    states: dict[str, Any] | None,
    inputs: list[Any],
) -> list[Any]:
    """ItemBatcher: each child gets `{"BatchInput": {...}, "Items": [...]}` (dg "ItemBatcher"),
    batches cut by MaxItemsPerBatch and by MaxInputBytesPerBatch."""
    batcher = state.item_batcher
    assert batcher is not None
    max_items = _integer_field(run, batcher.max_items_per_batch, data, states, 0)
    max_bytes = _integer_field(run, batcher.max_input_bytes_per_batch, data, states, 0)
    extra: dict[str, Any] = {}
    if batcher.batch_input_jsonata is not None and states is not None:
        extra["BatchInput"] = evaluate_template(
            run, batcher.batch_input_jsonata, states, "BatchInput"
        )
    elif batcher.batch_input is not None:
        extra["BatchInput"] = evaluate_payload(run, batcher.batch_input, data)
    batches: list[Any] = []
    current: list[Any] = []
    size = 0
    for item in inputs:
        item_size = len(json_text(item).encode("utf-8")) + 1
        full = (max_items and len(current) >= max_items) or (
            max_bytes and current and size + item_size > max_bytes
        )
        if full:
            batches.append({**extra, "Items": current})
            current, size = [], 0
        current.append(item)
        size += item_size
    if current:
        batches.append({**extra, "Items": current})
    return batches
