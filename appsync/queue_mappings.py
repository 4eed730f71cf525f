"""Event source mappings from SQS queues to declared Lambda functions: what a template's
`AWS::Lambda::EventSourceMapping` from a queue (or a SAM function's `SQS` event, a Serverless
function's `sqs` event) does, on the embedded SQS (moto's backend in this process).

As Lambda's poller does for a queue (AWS Lambda Developer Guide, "Using Lambda with Amazon
SQS" and "Handling errors for an SQS event source in Lambda"): each enabled mapping receives up
to `BatchSize` messages a few times a second (waiting up to `MaximumBatchingWindowInSeconds` to
fill a batch), which makes them invisible for the queue's `VisibilityTimeout`, and invokes the
function synchronously with `{"Records": [...]}`, each record the message as Lambda shows it
(`messageId`, `receiptHandle`, `body`, `attributes` with `ApproximateReceiveCount`,
`SentTimestamp`, `SenderId`, `ApproximateFirstReceiveTimestamp` and a FIFO queue's
`MessageGroupId`, `MessageDeduplicationId`, `SequenceNumber`; `messageAttributes` with
`stringValue` / `binaryValue`, `stringListValues`, `binaryListValues`, `dataType`;
`md5OfBody`, `eventSource` `aws:sqs`, `eventSourceARN`, `awsRegion`). Messages its
`FilterCriteria` does not match (a JSON body matched field by field) are deleted without an
invocation ("Control which events Lambda sends to your function": for Amazon SQS, Lambda
deletes the messages that do not match).

A batch the function answers is deleted. A batch it fails (an error, a throttle) is left in
the queue: it is received again once its visibility timeout has passed, and after the queue's
`maxReceiveCount` receives SQS moves it to the dead-letter queue of its `RedrivePolicy`. With
`FunctionResponseTypes: [ReportBatchItemFailures]` the function's `{"batchItemFailures":
[{"itemIdentifier": "<messageId>"}]}` leaves only those messages (an empty or null list is a
complete success; an empty, null or unknown identifier fails the whole batch).

The server's primary process polls, from its start to its stop (a reload that changes the
mappings takes effect at the next start), one batch at a time per mapping.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from appsync.aws.resource_journal import journaled
from appsync.errors import ResourceJournalError
from appsync.stream_mappings import MappedFunctions, following
from definition.event_filters import matches_any
from definition.service_resources import QueueMappingSpec
from functions.errors import FunctionsError

logger = logging.getLogger(__name__)

# How often a mapping looks for messages (Lambda long-polls; locally a short poll is cheaper).
POLL_SECONDS = 0.25
# ReceiveMessage's largest batch: a larger BatchSize is gathered over several calls.
_RECEIVE_LIMIT = 10


class QueueMappings:
    """The API's enabled queue mappings, each followed by one task while `running`."""

    def __init__(
        self,
        specs: Sequence[QueueMappingSpec],
        functions: MappedFunctions,
        *,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self._specs = [spec for spec in specs if spec.enabled]
        self._functions = functions
        self._poll = poll_seconds

    def running(self) -> AbstractAsyncContextManager[None]:
        return following(self._specs, self._follow)

    async def _follow(self, spec: QueueMappingSpec) -> None:
        while True:
            await asyncio.sleep(self._poll)
            batch = await asyncio.to_thread(receive, spec, spec.batch_size)
            window = spec.maximum_batching_window_seconds
            if window and 0 < len(batch) < spec.batch_size:
                await asyncio.sleep(window)
                batch += await asyncio.to_thread(receive, spec, spec.batch_size - len(batch))
            if batch:
                await self.deliver(spec, batch)

    async def deliver(self, spec: QueueMappingSpec, batch: list[dict[str, Any]]) -> None:
        """Invoke the function with the records its filters let through; delete what is done
        (see the module's docstring)."""
        matched = [record for record in batch if matches_any(spec.filters, _filtered_as(record))]
        filtered = [record for record in batch if record not in matched]
        done = filtered + await self._invoke(spec, matched) if matched else filtered
        if done:
            handles = [record["receiptHandle"] for record in done]
            await asyncio.to_thread(delete, spec, handles)

    async def _invoke(
        self, spec: QueueMappingSpec, batch: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """The records of `batch` that are done once the function has had them."""
        name = spec.function_name
        failure: str | None = None
        if not self._functions.declares(name):
            failure = f"the function {name} is not declared"
        else:
            payload = json.dumps({"Records": batch}).encode()
            try:
                result = await self._functions.invoke(name, payload)
            except FunctionsError as error:
                failure = str(error)
            else:
                if result.function_error is not None:
                    detail = result.error()
                    failure = f"{detail.get('errorType')}: {detail.get('errorMessage')}"
                elif spec.report_batch_item_failures:
                    return _not_failed(result.payload, batch, spec)
        if failure is not None:
            # Left in the queue: received again after its visibility timeout.
            logger.warning(
                "%s: a batch of %d message(s) from %s failed (%s): they return to the queue",
                name,
                len(batch),
                spec.queue_arn,
                failure,
            )
            return []
        return batch


def _not_failed(
    payload: bytes, batch: list[dict[str, Any]], spec: QueueMappingSpec
) -> list[dict[str, Any]]:
    """The records a partial batch response does not name (none when it is malformed)."""
    try:
        answer = json.loads(payload) if payload.strip() else None
    except ValueError:
        answer = None
    failures = answer.get("batchItemFailures") if isinstance(answer, dict) else None
    if failures is None or failures == []:
        return batch
    ids = [record["messageId"] for record in batch]
    failed: set[str] = set()
    for item in failures if isinstance(failures, list) else [None]:
        identifier = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not isinstance(identifier, str) or identifier not in ids:
            logger.warning(
                "%s: an invalid batch item failure %s: the batch from %s returns to the queue",
                spec.function_name,
                json.dumps(item),
                spec.queue_arn,
            )
            return []
        failed.add(identifier)
    return [record for record in batch if record["messageId"] not in failed]


def _filtered_as(record: dict[str, Any]) -> dict[str, Any]:
    """What a filter sees of a record: its `body` as the JSON object it holds, if it holds one
    ("Filtering Amazon SQS messages": a pattern's `body` key matches a JSON body's fields,
    a plain text body only as the whole text)."""
    try:
        body = json.loads(record["body"])
    except ValueError:
        return record
    return {**record, "body": body} if isinstance(body, dict) else record


def receive(spec: QueueMappingSpec, count: int) -> list[dict[str, Any]]:
    """Up to `count` messages of the mapping's queue, received (invisible for the queue's
    visibility timeout), as Lambda's records ([] while the queue does not exist)."""
    from moto.sqs.exceptions import QueueDoesNotExist
    from moto.sqs.models import sqs_backends

    records: list[dict[str, Any]] = []
    try:
        with journaled():
            backend = sqs_backends[spec.account_id][spec.region]
            try:
                queue = backend.get_queue(spec.queue_name)
            except QueueDoesNotExist:
                return []
            visibility = int(queue.attributes["VisibilityTimeout"])
            while len(records) < count:
                wanted = min(_RECEIVE_LIMIT, count - len(records))
                messages = backend.receive_message(spec.queue_name, wanted, 0, visibility, ["All"])
                records += [_record(message, spec) for message in messages]
                if len(messages) < wanted:
                    break
    except ResourceJournalError as error:
        # The moves to a dead-letter queue: written with the next change that is.
        logger.error("%s: %s", spec.queue_arn, error)
    return records


def delete(spec: QueueMappingSpec, receipt_handles: Sequence[str]) -> None:
    from moto.sqs.models import sqs_backends

    try:
        with journaled():
            backend = sqs_backends[spec.account_id][spec.region]
            for handle in receipt_handles:
                if spec.queue_name in backend.queues:
                    backend.delete_message(spec.queue_name, handle)
    except ResourceJournalError as error:
        # Deleted in memory; written with the next change that is.
        logger.error("%s: %s", spec.queue_arn, error)


def _record(message: Any, spec: QueueMappingSpec) -> dict[str, Any]:
    """A message as Lambda's SQS event holds it."""
    attributes = {
        "ApproximateReceiveCount": str(message.approximate_receive_count),
        "SentTimestamp": str(message.sent_timestamp),
        "SenderId": str(message.sender_id),
        "ApproximateFirstReceiveTimestamp": str(message.approximate_first_receive_timestamp),
    }
    for key, value in (
        ("MessageGroupId", message.group_id),
        ("MessageDeduplicationId", message.deduplication_id),
        ("SequenceNumber", message.sequence_number),
    ):
        if value is not None:
            attributes[key] = str(value)
    record: dict[str, Any] = {
        "messageId": message.id,
        "receiptHandle": message.receipt_handle,
        "body": message.body,
        "attributes": attributes,
        "messageAttributes": {
            name: _message_attribute(value) for name, value in message.message_attributes.items()
        },
        "md5OfBody": message.body_md5,
        "eventSource": "aws:sqs",
        "eventSourceARN": spec.queue_arn,
        "awsRegion": spec.region,
    }
    if message.message_attributes:
        record["md5OfMessageAttributes"] = message.attribute_md5
    return record


def _message_attribute(value: dict[str, Any]) -> dict[str, Any]:
    """SendMessage's `{DataType, StringValue | BinaryValue}` as Lambda's record writes it."""
    shown: dict[str, Any] = {"stringListValues": [], "binaryListValues": []}
    if "StringValue" in value:
        shown["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        binary = value["BinaryValue"]
        shown["binaryValue"] = (
            base64.b64encode(binary).decode() if isinstance(binary, bytes) else str(binary)
        )
    shown["dataType"] = value.get("DataType")
    return shown
