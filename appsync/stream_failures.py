"""What a stream mapping makes of a function's answer, and the record it sends on failure.

A partial batch response (`FunctionResponseTypes: [ReportBatchItemFailures]`), as the AWS Lambda
Developer Guide's "Configuring partial batch response with DynamoDB and Lambda"
(services-ddb-batchfailurereporting.html) has it: the function answers `{"batchItemFailures":
[{"itemIdentifier": "<SequenceNumber>"}]}`; Lambda checkpoints before the failed record with the
lowest sequence number and retries from it. An empty or null list, an empty or null answer is a
complete success (so is any answer without `batchItemFailures`); an empty or null
`itemIdentifier`, or an item without that key, a complete failure. An identifier that names no
record of the batch is a complete failure too (Lambda cannot checkpoint at it).

The invocation record an on-failure destination receives when records are discarded, as "Retain
discarded records for a DynamoDB event source" (services-dynamodb-errors.html) shows it:
`requestContext` (`condition` RetryAttemptsExhausted or RecordAgeExceeded, the invocation
count), `responseContext` (the last invocation's status, version and function error),
`version` 1.0, `timestamp` in milliseconds, and `DDBStreamBatchInfo` naming the discarded
records by sequence number (the records themselves are not in it).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from functions.model import InvokeResult

RETRY_ATTEMPTS_EXHAUSTED = "RetryAttemptsExhausted"
RECORD_AGE_EXCEEDED = "RecordAgeExceeded"


@dataclass(frozen=True, slots=True)
class Attempt:
    """One invocation of a batch: `failure` None when it succeeded; `failed_from` the index of
    the first record to retry after a partial batch response (None: retry the whole batch);
    `result` what Invoke answered (None when the function could not be invoked)."""

    failure: str | None
    failed_from: int | None = None
    result: InvokeResult | None = None


def partial_response(result: InvokeResult, batch: Sequence[dict[str, Any]]) -> Attempt:
    """A successful invocation's answer read as a partial batch response."""
    try:
        answer = json.loads(result.payload) if result.payload.strip() else None
    except ValueError:
        answer = None
    failures = answer.get("batchItemFailures") if isinstance(answer, dict) else None
    if failures is None or failures == []:
        return Attempt(None, result=result)
    sequences = [record["dynamodb"]["SequenceNumber"] for record in batch]
    if not isinstance(failures, list):
        return Attempt("batchItemFailures is not a list", result=result)
    failed = []
    for item in failures:
        identifier = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not isinstance(identifier, str) or not identifier:
            return Attempt(f"an invalid batch item failure: {json.dumps(item)}", result=result)
        if identifier not in sequences:
            return Attempt(f"no record of the batch has SequenceNumber {identifier}", result=result)
        failed.append(sequences.index(identifier))
    first = min(failed)
    return Attempt(f"the function reported records from {sequences[first]} failed", first, result)


def invocation_record(
    batch: Sequence[dict[str, Any]],
    *,
    condition: str,
    function_arn: str,
    invocations: int,
    last: Attempt | None,
    shard_id: str,
    now: datetime,
) -> dict[str, Any]:
    """The JSON document sent to an on-failure destination for discarded records."""
    result = None if last is None else last.result
    response: dict[str, Any] = {}
    if result is not None:
        response = {"statusCode": result.status_code, "executedVersion": result.executed_version}
        if result.function_error is not None:
            response["functionError"] = result.function_error
    first, final = batch[0]["dynamodb"], batch[-1]["dynamodb"]
    return {
        "requestContext": {
            "requestId": str(uuid.uuid4()) if result is None else result.request_id,
            "functionArn": function_arn,
            "condition": condition,
            "approximateInvokeCount": invocations,
        },
        "responseContext": response,
        "version": "1.0",
        "timestamp": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{now.microsecond // 1000:03d}Z",
        "DDBStreamBatchInfo": {
            "shardId": shard_id,
            "startSequenceNumber": first["SequenceNumber"],
            "endSequenceNumber": final["SequenceNumber"],
            "approximateArrivalOfFirstRecord": _arrival(first),
            "approximateArrivalOfLastRecord": _arrival(final),
            "batchSize": len(batch),
            "streamArn": batch[0]["eventSourceARN"],
        },
    }


def _arrival(data: dict[str, Any]) -> str:
    """A record's ApproximateCreationDateTime (epoch seconds) as the record shows it: seconds."""
    moment = datetime.fromtimestamp(data["ApproximateCreationDateTime"], UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
