"""Event source mappings from tables' DynamoDB streams to declared Lambda functions: what a
template's `AWS::Lambda::EventSourceMapping` (or a SAM function's `DynamoDB` event) does.

As Lambda's poller does for a DynamoDB stream (AWS Lambda Developer Guide, "Using AWS Lambda
with Amazon DynamoDB"): each enabled mapping reads its table's stream from its
`StartingPosition` (LATEST: the records written after the server started; TRIM_HORIZON: every
record the stream keeps), a few times a second, and invokes the function synchronously with
`{"Records": [...]}`, at most `BatchSize` records in stream order, waiting up to
`MaximumBatchingWindowInSeconds` to fill a batch. Each record is the stream's (`eventID`,
`eventName` INSERT/MODIFY/REMOVE, `dynamodb` with `Keys`, `NewImage` / `OldImage` as the
table's `StreamViewType` says, `SequenceNumber`, `SizeBytes`, `ApproximateCreationDateTime` in
epoch seconds) with Lambda's `eventSource` `aws:dynamodb`, `eventVersion` 1.1, `awsRegion` and
`eventSourceARN`. A batch the function fails (an error, a throttle, no answer) is retried whole,
in order, after a growing pause, until it succeeds or `MaximumRetryAttempts` retries have
failed (-1: until it succeeds); then it is dropped with a warning and the mapping goes on.
Nothing later in the stream is delivered before it. One batch at a time per mapping.

The server's primary process polls (a `serve --workers` worker does not), from its start to its
stop; a reload that changes the mappings takes effect at the next start.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, Protocol

from appsync.dynamodb_streams import stream_end, stream_records, stream_start, wire_record
from definition.model import StartingPosition, StreamMappingSpec
from functions.errors import FunctionsError
from functions.model import InvokeResult

logger = logging.getLogger(__name__)

# Lambda polls each shard of a DynamoDB stream four times a second.
POLL_SECONDS = 0.25
# The pauses between retries of a failed batch, the last one repeated.
RETRY_PAUSES = (1.0, 2.0, 4.0, 8.0, 16.0, 30.0)


class MappedFunctions(Protocol):
    """The declared functions a mapping invokes (`appsync.functions_embedded.EmbeddedFunctions`)."""

    def declares(self, function_name: str) -> bool: ...

    async def invoke(self, function_name: str, payload: bytes) -> InvokeResult: ...


class StreamMappings:
    """The API's enabled mappings, each followed by one task while `running`."""

    def __init__(
        self,
        specs: Sequence[StreamMappingSpec],
        functions: MappedFunctions,
        *,
        poll_seconds: float = POLL_SECONDS,
        retry_pauses: Sequence[float] = RETRY_PAUSES,
    ) -> None:
        self._specs = [spec for spec in specs if spec.enabled]
        self._functions = functions
        self._poll = poll_seconds
        self._pauses = tuple(retry_pauses)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        if not self._specs:
            yield
            return
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(self._follow(spec)) for spec in self._specs]
            try:
                yield
            finally:
                for task in tasks:
                    task.cancel()

    async def _follow(self, spec: StreamMappingSpec) -> None:
        region = _region(spec.event_source_arn)
        table = spec.table_name
        start = (
            stream_start if spec.starting_position is StartingPosition.TRIM_HORIZON else stream_end
        )
        position = await asyncio.to_thread(start, region, table)
        while True:
            await asyncio.sleep(self._poll)
            records = await asyncio.to_thread(
                stream_records, region, table, position, spec.batch_size
            )
            if not records:
                continue
            if spec.maximum_batching_window_seconds and len(records) < spec.batch_size:
                await asyncio.sleep(spec.maximum_batching_window_seconds)
                records = await asyncio.to_thread(
                    stream_records, region, table, position, spec.batch_size
                )
            event = {"Records": [_lambda_record(record, spec, region) for record in records]}
            await self._deliver(spec, json.dumps(event).encode())
            position = int(records[-1]["dynamodb"]["SequenceNumber"]) + 1

    async def _deliver(self, spec: StreamMappingSpec, payload: bytes) -> None:
        """Invoke until the function succeeds or the retries are spent."""
        failures = 0
        while True:
            failure = await self._invoke(spec.function_name, payload)
            if failure is None:
                return
            retries = spec.maximum_retry_attempts
            if 0 <= retries <= failures:
                logger.warning(
                    "%s: the batch from %s failed %d time(s) (%s): dropped after "
                    "MaximumRetryAttempts %d",
                    spec.function_name,
                    spec.event_source_arn,
                    failures + 1,
                    failure,
                    retries,
                )
                return
            pause = self._pauses[min(failures, len(self._pauses) - 1)]
            logger.warning(
                "%s: the batch from %s failed (%s): retried in %.0f s",
                spec.function_name,
                spec.event_source_arn,
                failure,
                pause,
            )
            failures += 1
            await asyncio.sleep(pause)

    async def _invoke(self, function_name: str, payload: bytes) -> str | None:
        """None when the function succeeded, else what went wrong."""
        if not self._functions.declares(function_name):
            return f"the function {function_name} is not declared"
        try:
            result = await self._functions.invoke(function_name, payload)
        except FunctionsError as error:
            return str(error)
        if result.function_error is not None:
            detail = result.error()
            return f"{detail.get('errorType')}: {detail.get('errorMessage')}"
        return None


def _region(arn: str) -> str:
    return arn.split(":")[3]


def _lambda_record(record: dict[str, Any], spec: StreamMappingSpec, region: str) -> dict[str, Any]:
    """A stream record as Lambda delivers it."""
    wired = wire_record(record)
    data = dict(wired["dynamodb"])
    created = data.get("ApproximateCreationDateTime")
    if isinstance(created, float):
        data["ApproximateCreationDateTime"] = int(created)
    return {
        "eventID": wired["eventID"],
        "eventName": wired["eventName"],
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": data,
        "eventSourceARN": spec.event_source_arn,
    }
