"""A partial batch response read as Lambda reads it, and the invocation record of discarded
records (AWS Lambda Developer Guide: "Configuring partial batch response with DynamoDB and
Lambda", services-ddb-batchfailurereporting.html, its success and failure conditions; "Retain
discarded records for a DynamoDB event source", services-dynamodb-errors.html, its example
invocation record)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from appsync.stream_failures import Attempt, invocation_record, partial_response
from functions.model import InvokeResult

STREAM = "arn:aws:dynamodb:us-east-2:123456789012:table/mytable/stream/2019-11-14T00:04:06.388"
BATCH: list[dict[str, Any]] = [
    {
        "eventSourceARN": STREAM,
        "dynamodb": {"SequenceNumber": str(n), "ApproximateCreationDateTime": 1573690299 + n},
    }
    for n in (100, 101, 102)
]


def _answer(payload: Any) -> Attempt:
    text = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return partial_response(InvokeResult(200, text, "request-1"), BATCH)


@pytest.mark.parametrize(
    "payload",
    [b"", b"not JSON", None, {}, {"batchItemFailures": []}, {"batchItemFailures": None}, "done"],
)
def test_a_complete_success(payload: Any) -> None:
    attempt = _answer(payload)
    assert (attempt.failure, attempt.failed_from) == (None, None)


def test_the_batch_is_retried_from_the_lowest_failed_sequence_number() -> None:
    attempt = _answer({"batchItemFailures": [{"itemIdentifier": "102"}, {"itemIdentifier": "101"}]})
    assert attempt.failed_from == 1
    assert attempt.failure == "the function reported records from 101 failed"


@pytest.mark.parametrize(
    ("failures", "failure"),
    [
        ([{"itemIdentifier": ""}], 'an invalid batch item failure: {"itemIdentifier": ""}'),
        ([{"itemIdentifier": None}], 'an invalid batch item failure: {"itemIdentifier": null}'),
        ([{"itemId": "101"}], 'an invalid batch item failure: {"itemId": "101"}'),
        ([{"itemIdentifier": "999"}], "no record of the batch has SequenceNumber 999"),
        ({"itemIdentifier": "101"}, "batchItemFailures is not a list"),
    ],
)
def test_an_invalid_response_is_a_complete_failure(failures: Any, failure: str) -> None:
    attempt = _answer({"batchItemFailures": failures})
    assert (attempt.failure, attempt.failed_from) == (failure, None)


def test_the_invocation_record_names_the_discarded_records() -> None:
    result = InvokeResult(200, b"{}", "316aa6d0-8154", function_error="Unhandled")
    record = invocation_record(
        BATCH[1:],
        condition="RetryAttemptsExhausted",
        function_arn="arn:aws:lambda:us-east-2:123456789012:function:myfunction",
        invocations=3,
        last=Attempt("boom", result=result),
        shard_id="shardId-00000001573689847184-864758bb",
        now=datetime(2019, 11, 14, 0, 13, 49, 717000, UTC),
    )
    assert record == {
        "requestContext": {
            "requestId": "316aa6d0-8154",
            "functionArn": "arn:aws:lambda:us-east-2:123456789012:function:myfunction",
            "condition": "RetryAttemptsExhausted",
            "approximateInvokeCount": 3,
        },
        "responseContext": {
            "statusCode": 200,
            "executedVersion": "$LATEST",
            "functionError": "Unhandled",
        },
        "version": "1.0",
        "timestamp": "2019-11-14T00:13:49.717Z",
        "DDBStreamBatchInfo": {
            "shardId": "shardId-00000001573689847184-864758bb",
            "startSequenceNumber": "101",
            "endSequenceNumber": "102",
            "approximateArrivalOfFirstRecord": "2019-11-14T00:13:20Z",
            "approximateArrivalOfLastRecord": "2019-11-14T00:13:21Z",
            "batchSize": 2,
            "streamArn": STREAM,
        },
    }


def test_records_discarded_before_any_invocation() -> None:
    record = invocation_record(
        BATCH[:1],
        condition="RecordAgeExceeded",
        function_arn="arn:aws:lambda:us-east-2:123456789012:function:myfunction",
        invocations=0,
        last=None,
        shard_id="shard",
        now=datetime(2019, 11, 14, tzinfo=UTC),
    )
    assert record["requestContext"]["approximateInvokeCount"] == 0
    assert record["requestContext"]["condition"] == "RecordAgeExceeded"
    assert record["responseContext"] == {}
    assert len(record["requestContext"]["requestId"]) == 36
