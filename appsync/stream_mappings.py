"""Event source mappings from tables' DynamoDB streams to declared Lambda functions: what a
template's `AWS::Lambda::EventSourceMapping` (or a SAM function's `DynamoDB` event, a Serverless
function's `stream` event) does.

As Lambda's poller does for a DynamoDB stream (AWS Lambda Developer Guide, "Using AWS Lambda
with Amazon DynamoDB" and the pages it links): each enabled mapping reads its table's stream
from its `StartingPosition` (LATEST: the records written after the server started;
TRIM_HORIZON: every record the stream keeps), a few times a second, keeps the records its
`FilterCriteria` lets through (`definition.event_filters`; the others are dropped, not
delivered), and invokes the function synchronously with `{"Records": [...]}`, at most
`BatchSize` records in stream order, waiting up to `MaximumBatchingWindowInSeconds` to fill a
batch. Each record is the stream's (`eventID`, `eventName` INSERT/MODIFY/REMOVE, `dynamodb` with
`Keys`, `NewImage` / `OldImage` as the table's `StreamViewType` says, `SequenceNumber`,
`SizeBytes`, `ApproximateCreationDateTime` in epoch seconds) with Lambda's `eventSource`
`aws:dynamodb`, `eventVersion` 1.1, `awsRegion` and `eventSourceARN`.

A batch the function fails (an error, a throttle, no answer) is retried in order, after a
growing pause, until it succeeds or `MaximumRetryAttempts` retries have failed (-1: no limit).
With `FunctionResponseTypes: [ReportBatchItemFailures]` a partial batch response retries from
the first failed record (`appsync.stream_failures`). With `BisectBatchOnFunctionError` a failed
batch is split in two and each half delivered in turn, the split not counting as a retry
("Splitting a batch does not count towards the retry quota", services-dynamodb-errors.html).
Records older than `MaximumRecordAgeInSeconds` (by the injected clock) are discarded before an
invocation. Discarded records go on to the next ones, with a warning and, given
`DestinationConfig.OnFailure`, an invocation record sent to that SQS queue or SNS topic.
Nothing later in the stream is delivered before a batch is done. One batch at a time per
mapping.

The server's primary process polls (a `serve --workers` worker does not), from its start to its
stop; a reload that changes the mappings takes effect at the next start.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from appsync.dynamodb_streams import (
    stream_end,
    stream_records,
    stream_shard_id,
    stream_start,
    wire_record,
)
from appsync.stream_failures import (
    RECORD_AGE_EXCEEDED,
    RETRY_ATTEMPTS_EXHAUSTED,
    Attempt,
    invocation_record,
    partial_response,
)
from auth.clock import Clock, SystemClock
from definition.event_filters import matches_any
from definition.model import StartingPosition, StreamMappingSpec
from functions.errors import FunctionsError
from functions.model import InvokeResult

logger = logging.getLogger(__name__)

_Spec = TypeVar("_Spec")

# Lambda polls each shard of a DynamoDB stream four times a second.
POLL_SECONDS = 0.25
# The pauses between retries of a failed batch, the last one repeated.
RETRY_PAUSES = (1.0, 2.0, 4.0, 8.0, 16.0, 30.0)


class MappedFunctions(Protocol):
    """The declared functions a mapping invokes (`appsync.functions_embedded.EmbeddedFunctions`)."""

    def declares(self, function_name: str) -> bool: ...

    async def invoke(self, function_name: str, payload: bytes) -> InvokeResult: ...


class FailureDestinations(Protocol):
    """Where discarded records' invocation records go (`appsync.stream_destinations`)."""

    async def send(self, destination_arn: str, body: str) -> None: ...


class StreamMappings:
    """The API's enabled mappings, each followed by one task while `running`."""

    def __init__(
        self,
        specs: Sequence[StreamMappingSpec],
        functions: MappedFunctions,
        destinations: FailureDestinations,
        *,
        clock: Clock | None = None,
        poll_seconds: float = POLL_SECONDS,
        retry_pauses: Sequence[float] = RETRY_PAUSES,
    ) -> None:
        self._specs = [spec for spec in specs if spec.enabled]
        self._poll = poll_seconds
        self._parts = _Parts(functions, destinations, clock or SystemClock(), tuple(retry_pauses))

    def running(self) -> AbstractAsyncContextManager[None]:
        return following(self._specs, self._follow)

    async def _follow(self, spec: StreamMappingSpec) -> None:
        region = _region(spec.event_source_arn)
        start = (
            stream_start if spec.starting_position is StartingPosition.TRIM_HORIZON else stream_end
        )
        position = await asyncio.to_thread(start, region, spec.table_name)
        while True:
            await asyncio.sleep(self._poll)
            batch, position = await self._batch(spec, region, position)
            if spec.maximum_batching_window_seconds and 0 < len(batch) < spec.batch_size:
                await asyncio.sleep(spec.maximum_batching_window_seconds)
                more, position = await self._batch(spec, region, position, len(batch))
                batch += more
            if batch:
                await _Delivery(self._parts, spec, region).deliver(batch)

    async def _batch(
        self, spec: StreamMappingSpec, region: str, position: int, held: int = 0
    ) -> tuple[list[dict[str, Any]], int]:
        """Up to BatchSize - `held` records its filters let through from `position` on, and the
        position after the last record read (filtered out ones included)."""
        batch: list[dict[str, Any]] = []
        while len(batch) < spec.batch_size - held:
            records = await asyncio.to_thread(
                stream_records, region, spec.table_name, position, spec.batch_size - held
            )
            for record in records:
                position = int(record["dynamodb"]["SequenceNumber"]) + 1
                wired = _lambda_record(record, spec, region)
                if matches_any(spec.filters, wired):
                    batch.append(wired)
                if len(batch) == spec.batch_size - held:
                    break
            if len(records) < spec.batch_size - held:
                break
        return batch, position


@dataclass(frozen=True, slots=True)
class _Parts:
    """What every delivery of the mappings uses."""

    functions: MappedFunctions
    destinations: FailureDestinations
    clock: Clock
    retry_pauses: tuple[float, ...]


class _Delivery:
    """One batch read from the stream, delivered until every record is done or discarded."""

    def __init__(self, parts: _Parts, spec: StreamMappingSpec, region: str) -> None:
        self._parts = parts
        self._spec = spec
        self._region = region
        self._last: Attempt | None = None

    async def deliver(
        self, batch: list[dict[str, Any]], failures: int = 0, invocations: int = 0
    ) -> None:
        """Invoke until the batch succeeds or what is left of it is discarded; `failures`:
        the retries already spent on these records, `invocations`: the calls that held them."""
        spec = self._spec
        while batch:
            batch = await self._fresh(batch, invocations)
            if not batch:
                return
            attempt = await self._invoke(batch)
            invocations += 1
            self._last = attempt
            if (
                attempt.failure is None
                and attempt.result is not None
                and spec.report_batch_item_failures
            ):
                attempt = partial_response(attempt.result, batch)
            if attempt.failure is None:
                return
            if attempt.failed_from is not None:
                # AWS differs: Lambda re-reads from its checkpoint, so its retry may hold newer
                # records too; locally it holds the rest of this batch.
                batch = batch[attempt.failed_from :]
            elif spec.bisect_batch_on_function_error and len(batch) > 1:
                half = len(batch) // 2
                logger.warning(
                    "%s: the batch from %s failed (%s): split in two",
                    spec.function_name,
                    spec.event_source_arn,
                    attempt.failure,
                )
                await self.deliver(batch[:half], failures, invocations)
                await self.deliver(batch[half:], failures, invocations)
                return
            if 0 <= spec.maximum_retry_attempts <= failures:
                await self._discard(batch, RETRY_ATTEMPTS_EXHAUSTED, invocations, attempt.failure)
                return
            pause = self._parts.retry_pauses[min(failures, len(self._parts.retry_pauses) - 1)]
            logger.warning(
                "%s: the batch from %s failed (%s): retried in %.0f s",
                spec.function_name,
                spec.event_source_arn,
                attempt.failure,
                pause,
            )
            failures += 1
            await asyncio.sleep(pause)

    async def _invoke(self, batch: list[dict[str, Any]]) -> Attempt:
        function_name = self._spec.function_name
        functions = self._parts.functions
        if not functions.declares(function_name):
            return Attempt(f"the function {function_name} is not declared")
        payload = json.dumps({"Records": batch}).encode()
        try:
            result = await functions.invoke(function_name, payload)
        except FunctionsError as error:
            return Attempt(str(error))
        if result.function_error is not None:
            detail = result.error()
            return Attempt(
                f"{detail.get('errorType')}: {detail.get('errorMessage')}", result=result
            )
        return Attempt(None, result=result)

    async def _fresh(self, batch: list[dict[str, Any]], invocations: int) -> list[dict[str, Any]]:
        """The batch without the records older than MaximumRecordAgeInSeconds, which are
        discarded (in stream order, the old ones come first)."""
        limit = self._spec.maximum_record_age_seconds
        if limit < 0:
            return batch
        # AWS differs: under `--clock manual` the age is the server's clock against the
        # record's creation on the wall clock (moto stamps records with it).
        oldest = self._parts.clock.time() - limit
        old = [r for r in batch if r["dynamodb"]["ApproximateCreationDateTime"] < oldest]
        if old:
            await self._discard(old, RECORD_AGE_EXCEEDED, invocations, f"older than {limit} s")
        return batch[len(old) :]

    async def _discard(
        self, batch: list[dict[str, Any]], condition: str, invocations: int, why: str
    ) -> None:
        spec = self._spec
        logger.warning(
            "%s: %d record(s) from %s discarded (%s, %s)%s",
            spec.function_name,
            len(batch),
            spec.event_source_arn,
            condition,
            why,
            f": sent to {spec.on_failure_destination}" if spec.on_failure_destination else "",
        )
        if spec.on_failure_destination is None:
            return
        shard = await asyncio.to_thread(stream_shard_id, self._region, spec.table_name)
        record = invocation_record(
            batch,
            condition=condition,
            function_arn=_function_arn(spec, self._region),
            invocations=invocations,
            last=self._last,
            shard_id=shard,
            now=datetime.fromtimestamp(self._parts.clock.time(), UTC),
        )
        await self._parts.destinations.send(spec.on_failure_destination, json.dumps(record))


@asynccontextmanager
async def following(
    specs: Sequence[_Spec], follow: Callable[[_Spec], Coroutine[Any, Any, None]]
) -> AsyncIterator[None]:
    """One task following each of `specs` while inside (none without specs)."""
    if not specs:
        yield
        return
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(follow(spec)) for spec in specs]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()


def _region(arn: str) -> str:
    return arn.split(":")[3]


def _function_arn(spec: StreamMappingSpec, region: str) -> str:
    account = spec.event_source_arn.split(":")[4]
    return f"arn:aws:lambda:{region}:{account}:function:{spec.function_name}"


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
