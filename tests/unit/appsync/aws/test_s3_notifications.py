"""S3's event notifications as "Event message structure" (version 2.1,
https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html)
gives the message, and as "Configuring event notifications using object key name filtering"
(notification-how-to-filtering.html) says which configurations take an event: its type or
the type's wildcard, the key's prefix and suffix. Delivered to moto's SQS in this process."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest
from moto.s3.models import NotificationConfiguration, s3_backends
from moto.sqs.models import sqs_backends

from appsync.aws.s3_notifications import (
    PENDING_LIMIT,
    BucketNotifications,
    _enqueue,
    matches,
    s3_event,
)
from auth.clock import ManualClock
from resolvers.datasources.dynamodb_wire import BACKEND_LOCK, DEFAULT_ACCOUNT_ID

pytestmark = pytest.mark.anyio

# 2026-01-02T03:04:05.678Z
NOW = 1767323045.678


def test_an_event_type_or_its_wildcard_and_the_key_filter_match() -> None:
    images = {"S3Key": {"FilterRule": [{"Name": "prefix", "Value": "in/"}]}}
    jpegs = {"S3Key": {"FilterRule": [{"Name": "Suffix", "Value": ".jpg"}]}}
    assert matches(["s3:ObjectCreated:*"], {}, "s3:ObjectCreated:Copy", "a")
    assert matches(["s3:ObjectCreated:Put"], {}, "s3:ObjectCreated:Put", "a")
    assert not matches(["s3:ObjectCreated:Put"], {}, "s3:ObjectCreated:Post", "a")
    assert not matches(["s3:ObjectRemoved:*"], {}, "s3:ObjectCreated:Put", "a")
    assert matches(["s3:ObjectCreated:*"], images, "s3:ObjectCreated:Put", "in/a.png")
    assert not matches(["s3:ObjectCreated:*"], images, "s3:ObjectCreated:Put", "out/in/a")
    assert matches(["s3:ObjectCreated:*"], jpegs, "s3:ObjectCreated:Put", "a.jpg")
    assert not matches(["s3:ObjectCreated:*"], jpegs, "s3:ObjectCreated:Put", "a.jpeg")


class _Bucket:
    name = "photos"
    region_name = "us-east-1"
    is_versioned = False


class _Key:
    name = "in/my photo+1.jpg"
    size = 12
    etag = '"0123abcd"'
    version_id = "null"


def test_the_created_object_s_record() -> None:
    [record] = s3_event("s3:ObjectCreated:Put", _Bucket(), _Key(), "thumbs", NOW, 7)["Records"]
    assert record["eventVersion"] == "2.1"
    assert record["eventSource"] == "aws:s3"
    assert record["eventTime"] == "2026-01-02T03:04:05.678Z"
    assert record["eventName"] == "ObjectCreated:Put"
    assert record["s3"]["configurationId"] == "thumbs"
    assert record["s3"]["bucket"]["arn"] == "arn:aws:s3:::photos"
    # A form value's encoding: the space a `+`, the `+` itself %2B, the slashes kept.
    assert record["s3"]["object"] == {
        "key": "in/my+photo%2B1.jpg",
        "size": 12,
        "eTag": "0123abcd",
        "sequencer": "000000000000000007",
    }


def test_a_removed_object_s_record_has_no_size_and_a_versioned_one_its_version() -> None:
    class Versioned(_Bucket):
        is_versioned = True

    class Marker:
        name = "in/a.jpg"
        version_id = "v2"

    [record] = s3_event(
        "s3:ObjectRemoved:DeleteMarkerCreated", Versioned(), Marker(), "c", NOW, 10
    )["Records"]
    assert record["eventName"] == "ObjectRemoved:DeleteMarkerCreated"
    assert record["s3"]["object"] == {
        "key": "in/a.jpg",
        "versionId": "v2",
        "sequencer": "00000000000000000A",
    }


async def test_matching_events_reach_the_queue_and_a_missing_function_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    s3 = s3_backends[DEFAULT_ACCOUNT_ID]["global"]
    sqs = sqs_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    with BACKEND_LOCK:
        sqs.create_queue("unit-s3-events")
        s3.create_bucket("unit-notified", "us-east-1")
        s3.get_bucket("unit-notified").notification_configuration = NotificationConfiguration(
            queue=[
                {
                    "Queue": "arn:aws:sqs:us-east-1:123456789012:unit-s3-events",
                    "Event": ["s3:ObjectCreated:*"],
                    "Filter": {"S3Key": {"FilterRule": [{"Name": "suffix", "Value": ".txt"}]}},
                    "Id": "texts",
                }
            ],
            cloud_function=[
                {
                    "CloudFunction": "arn:aws:lambda:us-east-1:123456789012:function:nowhere",
                    "Event": ["s3:ObjectRemoved:*"],
                }
            ],
        )
    notifications = BucketNotifications()
    try:
        with caplog.at_level(logging.WARNING, logger="appsync.aws.s3_notifications"):
            async with notifications.delivering(None, ManualClock(NOW)):
                with BACKEND_LOCK:
                    s3.put_object("unit-notified", "skipped.png", b"1")
                    s3.put_object("unit-notified", "kept.txt", b"22")
                    s3.delete_object("unit-notified", "kept.txt")
                bodies = await _bodies(sqs, 1)
                for _ in range(500):
                    if caplog.records:
                        break
                    await asyncio.sleep(0.01)
    finally:
        with BACKEND_LOCK:
            sqs.queues.pop("unit-s3-events", None)
            s3.buckets.pop("unit-notified", None)
            s3_backends.bucket_accounts.pop("unit-notified", None)
    [record] = bodies[0]["Records"]
    assert record["s3"]["configurationId"] == "texts"
    assert record["s3"]["object"]["key"] == "kept.txt"
    assert record["eventTime"] == "2026-01-02T03:04:05.678Z"
    assert [r.getMessage() for r in caplog.records] == [
        "S3 could not notify arn:aws:lambda:us-east-1:123456789012:function:nowhere: the "
        "function is not declared"
    ]


async def _bodies(sqs: Any, wanted: int) -> list[dict[str, Any]]:
    for _ in range(500):
        with BACKEND_LOCK:
            queue = sqs.get_queue("unit-s3-events")
            bodies = [json.loads(message.body) for message in queue._messages]
        if len(bodies) >= wanted:
            return bodies
        await asyncio.sleep(0.01)
    raise AssertionError("no message came")


async def test_past_the_limit_a_notification_is_dropped_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    waiting: asyncio.Queue[tuple[str, str, str]] = asyncio.Queue(PENDING_LIMIT)
    for index in range(PENDING_LIMIT + 1):
        _enqueue(waiting, ("queue", f"arn:aws:sqs:us-east-1:123456789012:q{index}", "{}"))
    assert waiting.qsize() == PENDING_LIMIT
    assert [r.getMessage() for r in caplog.records] == [
        f"S3 event notification to arn:aws:sqs:us-east-1:123456789012:q{PENDING_LIMIT} "
        f"dropped: {PENDING_LIMIT} are waiting already"
    ]
