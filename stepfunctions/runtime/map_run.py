"""A Distributed Map's run: child executions, the Map Run record, batches, failure thresholds.

Each item (or batch) runs as a child execution of a Map Run; the parent history shows
MapRunStarted {mapRunArn} and MapRunSucceeded | Failed. Failures within ToleratedFailureCount /
ToleratedFailurePercentage are tolerated; beyond them the state fails with
States.ExceedToleratedFailureThreshold.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from stepfunctions.errors import StatesError
from stepfunctions.language.model import MapState, StateMachineDefinition
from stepfunctions.language.paths import json_text
from stepfunctions.records.execution import Execution, ExecutionStatus, MapRun, MapRunStatus
from stepfunctions.runtime.data_flow import evaluate_payload, evaluate_template
from stepfunctions.runtime.map_fields import exceeded, integer_field, item_input, percentage_field
from stepfunctions.runtime.state_run import StateRun, partial_results

# Distributed: up to 10,000 parallel child executions (dg quotas).
DISTRIBUTED_CONCURRENCY_CAP = 10_000


async def run_distributed(
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
    tolerated_count = integer_field(run, state.tolerated_failure_count, data, states, 0)
    tolerated_percentage = percentage_field(run, state.tolerated_failure_percentage, data, states)
    inputs = [item_input(run, state, data, index, item) for index, item in enumerate(items)]
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
    if failed and exceeded(state, failed, total, tolerated_count, tolerated_percentage):
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
    max_items = integer_field(run, batcher.max_items_per_batch, data, states, 0)
    max_bytes = integer_field(run, batcher.max_input_bytes_per_batch, data, states, 0)
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
