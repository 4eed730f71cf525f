"""A queue mapping's poller with a real queue (moto's SQS) and real declared functions (the local
Lambda runtime), as "Using Lambda with Amazon SQS" and "Handling errors for an SQS event source
in Lambda" (AWS Lambda Developer Guide) describe it: the records Lambda delivers (messageId,
receiptHandle, body, attributes, messageAttributes, md5OfBody, eventSource, eventSourceARN,
awsRegion), a batch the function answers deleted, a failed one left to come back after the
visibility timeout and go to the dead-letter queue after maxReceiveCount receives, a partial
batch response (ReportBatchItemFailures) leaving only the messages it names, and messages no
filter matches deleted without an invocation (invocation-eventfiltering.html)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto.sqs.models import sqs_backends

from appsync.functions_embedded import EmbeddedFunctions, running
from appsync.queue_mappings import QueueMappings, receive
from definition.event_filters import parse_pattern
from definition.service_resources import QueueMappingSpec
from tests.fixtures.declared_functions import declared_functions

pytestmark = pytest.mark.anyio

ACCOUNT, REGION = "123456789012", "eu-central-1"
ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:unit-work"
DEAD = f"arn:aws:sqs:{REGION}:{ACCOUNT}:unit-work-dead"
# Each appends its batch's bodies to a file; `handler` fails on a batch holding "bad", `partial`
# reports the messages whose body starts with "bad" as failed, `shape` keeps the whole event.
CODE = """
import json, os

def _bodies(event):
    bodies = [r["body"] for r in event["Records"]]
    with open(os.environ["OUT"], "a") as out:
        out.write(json.dumps(bodies) + "\\n")
    return bodies

def handler(event, context):
    if "bad" in _bodies(event):
        raise ValueError("bad batch")

def partial(event, context):
    _bodies(event)
    return {"batchItemFailures": [
        {"itemIdentifier": r["messageId"]} for r in event["Records"] if r["body"].startswith("bad")
    ]}

def shape(event, context):
    with open(os.environ["OUT"], "a") as out:
        out.write(json.dumps(event) + "\\n")
"""


def _backend() -> Any:
    return sqs_backends[ACCOUNT][REGION]


@pytest.fixture
def queue() -> Iterator[Any]:
    backend = _backend()
    backend.create_queue("unit-work-dead")
    policy = json.dumps({"deadLetterTargetArn": DEAD, "maxReceiveCount": 2})
    made = backend.create_queue("unit-work", VisibilityTimeout="1", RedrivePolicy=policy)
    yield made
    backend.queues.pop("unit-work", None)
    backend.queues.pop("unit-work-dead", None)


def _functions(tmp_path: Path) -> EmbeddedFunctions:
    out = tmp_path / "out.txt"
    environment = f"Environment: {{Variables: {{OUT: {out}}}}}"
    return declared_functions(
        tmp_path,
        CODE,
        [
            f"{{FunctionName: {name}, Runtime: python3.12, Handler: app.{name}, CodeUri: code, "
            f"{environment}}}"
            for name in ("handler", "partial", "shape")
        ],
    )


def _lines(tmp_path: Path) -> list[Any]:
    out = tmp_path / "out.txt"
    if not out.exists():
        return []
    return [json.loads(line) for line in out.read_text().splitlines()]


async def _until(tmp_path: Path, count: int) -> list[Any]:
    for _ in range(600):
        if len(lines := _lines(tmp_path)) >= count:
            return lines
        await asyncio.sleep(0.05)
    raise AssertionError(f"{_lines(tmp_path)} after 30 s")


def _send(*bodies: str, **attributes: Any) -> None:
    for body in bodies:
        _backend().send_message("unit-work", body, message_attributes=attributes or None)


def _left() -> list[str]:
    return sorted(message.body for message in _backend().get_queue("unit-work")._messages)


async def test_the_record_is_the_message_as_lambda_shows_it(tmp_path: Path, queue: Any) -> None:
    functions = _functions(tmp_path)
    _send("hello", colour={"DataType": "String", "StringValue": "blue"})
    spec = QueueMappingSpec("shape", ARN)
    async with running(functions), QueueMappings([spec], functions, poll_seconds=0.01).running():
        [event] = await _until(tmp_path, 1)
    [record] = event["Records"]
    assert set(record) == {
        *["messageId", "receiptHandle", "body", "attributes", "messageAttributes"],
        *["md5OfBody", "md5OfMessageAttributes", "eventSource", "eventSourceARN", "awsRegion"],
    }
    assert (record["body"], record["eventSource"], record["eventSourceARN"]) == (
        "hello",
        "aws:sqs",
        ARN,
    )
    assert record["awsRegion"] == REGION
    assert record["md5OfBody"] == "5d41402abc4b2a76b9719d911017c592"  # MD5 of "hello"
    assert set(record["attributes"]) == {
        *["ApproximateReceiveCount", "SentTimestamp", "SenderId"],
        "ApproximateFirstReceiveTimestamp",
    }
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert record["messageAttributes"] == {
        "colour": {
            "stringValue": "blue",
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": "String",
        }
    }
    # Answered: deleted.
    assert _left() == []


async def test_a_failed_batch_comes_back_then_goes_to_the_dead_letter_queue(
    tmp_path: Path, queue: Any
) -> None:
    functions = _functions(tmp_path)
    _send("bad")
    spec = QueueMappingSpec("handler", ARN)
    async with running(functions), QueueMappings([spec], functions, poll_seconds=0.05).running():
        # Received, failed; visible again after VisibilityTimeout 1 s; failed again.
        assert await _until(tmp_path, 2) == [["bad"], ["bad"]]
        dead = _backend().get_queue("unit-work-dead")
        for _ in range(100):
            if dead.messages:
                break
            await asyncio.sleep(0.05)
    # Its third receive was past maxReceiveCount 2: SQS moved it to the dead-letter queue.
    assert [message.body for message in dead.messages] == ["bad"]
    assert _left() == []


async def test_a_partial_batch_response_leaves_only_the_failed_messages(
    tmp_path: Path, queue: Any
) -> None:
    functions = _functions(tmp_path)
    _send("a", "bad-1", "b")
    spec = QueueMappingSpec("partial", ARN, report_batch_item_failures=True)
    async with running(functions):
        batch = receive(spec, 10)
        await QueueMappings([spec], functions).deliver(spec, batch)
    assert _lines(tmp_path) == [["a", "bad-1", "b"]]
    assert _left() == ["bad-1"]


async def test_partial_responses_are_ignored_unless_turned_on(tmp_path: Path, queue: Any) -> None:
    functions = _functions(tmp_path)
    _send("a", "bad-1")
    spec = QueueMappingSpec("partial", ARN)
    async with running(functions):
        await QueueMappings([spec], functions).deliver(spec, receive(spec, 10))
    assert _left() == []


async def test_messages_no_filter_matches_are_deleted_uninvoked(tmp_path: Path, queue: Any) -> None:
    functions = _functions(tmp_path)
    _send(json.dumps({"kind": "job", "n": 1}), json.dumps({"kind": "noise"}), "plain text")
    spec = QueueMappingSpec("handler", ARN, filters=(parse_pattern('{"body": {"kind": ["job"]}}'),))
    async with running(functions):
        await QueueMappings([spec], functions).deliver(spec, receive(spec, 10))
    assert _lines(tmp_path) == [[json.dumps({"kind": "job", "n": 1})]]
    assert _left() == []


async def test_an_undeclared_function_leaves_the_batch(tmp_path: Path, queue: Any) -> None:
    functions = _functions(tmp_path)
    _send("a")
    spec = QueueMappingSpec("nobody", ARN)
    async with running(functions):
        await QueueMappings([spec], functions).deliver(spec, receive(spec, 10))
    assert _left() == ["a"]


async def test_a_larger_batch_is_gathered_over_several_receives(queue: Any) -> None:
    _send(*(f"m{index}" for index in range(25)))
    spec = QueueMappingSpec("handler", ARN, batch_size=20, maximum_batching_window_seconds=1)
    assert len(receive(spec, 20)) == 20
    # A queue that does not exist (yet) has nothing to receive.
    assert receive(QueueMappingSpec("handler", ARN + "-none"), 10) == []
