"""A bucket's event notifications reach their destinations, on the real server with boto3
(apis/s3_notifications/template.yaml: a function for objects created under `uploads/`, a queue
for objects removed, a topic for copies ending in `.jpg`), and so do those set at run time by
PutBucketNotificationConfiguration.

What each message holds is S3's event ("Event message structure", version 2.1,
https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html);
which events a configuration takes, its event types and key filter ("Configuring event
notifications using object key name filtering", notification-how-to-filtering.html).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from appsync.app import build_app
from appsync.hosts import listening_socket, own_url
from definition.formats import ReadOptions, read_definition
from tests.integration.conftest import APIS, running

SESSION = boto3.Session(
    region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
)
TEMPLATE = APIS / "s3_notifications" / "template.yaml"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    listener = listening_socket("127.0.0.1", 0)
    url = own_url("127.0.0.1", int(listener.getsockname()[1]))
    definition = read_definition(TEMPLATE, ReadOptions(endpoint_url=url))
    with running(build_app(definition), "appsync-local-s3-notifications", listener):
        yield url


@pytest.fixture(scope="module")
def bucket(endpoint: str) -> str:
    names = [
        b["Name"]
        for b in SESSION.client("s3", endpoint_url=endpoint).list_buckets()["Buckets"]
        if b["Name"].startswith("template-photos-")
    ]
    assert len(names) == 1
    return names[0]


def _events(endpoint: str, queue: str, wanted: int) -> list[dict[str, Any]]:
    """The first `wanted` messages of the queue (deleted), as JSON, once they came (or 30 s)."""
    sqs = SESSION.client("sqs", endpoint_url=endpoint)
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    bodies: list[dict[str, Any]] = []
    deadline = time.monotonic() + 30
    while len(bodies) < wanted and time.monotonic() < deadline:
        answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        for message in answer.get("Messages", []):
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return bodies


def test_an_object_created_under_the_prefix_invokes_the_function(
    endpoint: str, bucket: str
) -> None:
    s3 = SESSION.client("s3", endpoint_url=endpoint)
    # Outside the filter's prefix first: delivery keeps the order, so had it been sent it
    # would come before the one that is.
    s3.put_object(Bucket=bucket, Key="elsewhere/skipped.txt", Body=b"no")
    put = s3.put_object(Bucket=bucket, Key="uploads/my cat.txt", Body=b"purr")
    [event] = _events(endpoint, "seen", 1)
    [record] = event["Records"]
    assert record["eventVersion"] == "2.1"
    assert record["eventSource"] == "aws:s3"
    assert record["awsRegion"] == "us-east-1"
    assert record["eventName"] == "ObjectCreated:Put"
    assert record["eventTime"].endswith("Z")
    assert record["s3"]["s3SchemaVersion"] == "1.0"
    assert record["s3"]["bucket"]["name"] == bucket
    assert record["s3"]["bucket"]["arn"] == f"arn:aws:s3:::{bucket}"
    found = record["s3"]["object"]
    # The key URL-encoded as a form value: the handler's decodeURIComponent(key.replace(/\+/g,
    # " ")) of AWS's examples gives it back.
    assert found["key"] == "uploads/my+cat.txt"
    assert found["size"] == 4
    assert found["eTag"] == put["ETag"].strip('"')
    assert len(found["sequencer"]) >= 16


def test_a_multipart_upload_is_one_event(endpoint: str, bucket: str) -> None:
    s3 = SESSION.client("s3", endpoint_url=endpoint)
    started = s3.create_multipart_upload(Bucket=bucket, Key="uploads/big.bin")
    part = s3.upload_part(
        Bucket=bucket,
        Key="uploads/big.bin",
        UploadId=started["UploadId"],
        PartNumber=1,
        Body=b"x" * 10,
    )
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="uploads/big.bin",
        UploadId=started["UploadId"],
        MultipartUpload={"Parts": [{"ETag": part["ETag"], "PartNumber": 1}]},
    )
    # A put after it: had the upload been sent twice, its second event would come first.
    s3.put_object(Bucket=bucket, Key="uploads/after.txt", Body=b"1")
    events = _events(endpoint, "seen", 2)
    names = [(e["Records"][0]["eventName"], e["Records"][0]["s3"]["object"]["key"]) for e in events]
    assert names == [
        ("ObjectCreated:CompleteMultipartUpload", "uploads/big.bin"),
        ("ObjectCreated:Put", "uploads/after.txt"),
    ]


def test_removed_objects_reach_the_queue(endpoint: str, bucket: str) -> None:
    s3 = SESSION.client("s3", endpoint_url=endpoint)
    for key in ("a.txt", "b.txt", "c.txt"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"1")
    s3.delete_object(Bucket=bucket, Key="a.txt")
    s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "b.txt"}, {"Key": "c.txt"}]})
    records = [event["Records"][0] for event in _events(endpoint, "removed", 3)]
    assert [(r["eventName"], r["s3"]["object"]["key"]) for r in records] == [
        ("ObjectRemoved:Delete", "a.txt"),
        ("ObjectRemoved:Delete", "b.txt"),
        ("ObjectRemoved:Delete", "c.txt"),
    ]
    # A removed object's record has no size or ETag.
    assert set(records[0]["s3"]["object"]) == {"key", "sequencer"}
    sequencers = [r["s3"]["object"]["sequencer"] for r in records]
    assert sequencers == sorted(sequencers)


def test_a_copy_is_published_to_the_topic(endpoint: str, bucket: str) -> None:
    s3 = SESSION.client("s3", endpoint_url=endpoint)
    s3.put_object(Bucket=bucket, Key="original.png", Body=b"png")
    s3.copy_object(
        Bucket=bucket, Key="copy.png", CopySource={"Bucket": bucket, "Key": "original.png"}
    )
    s3.copy_object(
        Bucket=bucket, Key="copy.jpg", CopySource={"Bucket": bucket, "Key": "original.png"}
    )
    [envelope] = _events(endpoint, "copies-inbox", 1)
    assert envelope["Type"] == "Notification"
    assert envelope["TopicArn"] == "arn:aws:sns:us-east-1:123456789012:copies"
    [record] = json.loads(envelope["Message"])["Records"]
    assert record["eventName"] == "ObjectCreated:Copy"
    assert record["s3"]["object"]["key"] == "copy.jpg"


def test_a_configuration_put_at_run_time_is_followed(endpoint: str) -> None:
    """PutBucketNotificationConfiguration through the endpoint: S3 sends `s3:TestEvent` to
    the queue first ("Amazon S3 Event Notifications": the test message), then the events."""
    s3 = SESSION.client("s3", endpoint_url=endpoint)
    sqs = SESSION.client("sqs", endpoint_url=endpoint)
    sqs.create_queue(QueueName="later")
    s3.create_bucket(Bucket="later-bucket")
    s3.put_bucket_notification_configuration(
        Bucket="later-bucket",
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "Id": "later-logs",
                    "QueueArn": "arn:aws:sqs:us-east-1:123456789012:later",
                    "Events": ["s3:ObjectCreated:Put"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "suffix", "Value": ".log"}]}},
                }
            ]
        },
    )
    s3.put_object(Bucket="later-bucket", Key="a.txt", Body=b"1")
    s3.put_object(Bucket="later-bucket", Key="a.log", Body=b"1")
    test, event = _events(endpoint, "later", 2)
    assert test["Event"] == "s3:TestEvent"
    assert test["Bucket"] == "later-bucket"
    [record] = event["Records"]
    assert record["s3"]["configurationId"] == "later-logs"
    assert record["s3"]["object"]["key"] == "a.log"


def test_a_versioned_bucket_s_deletes(endpoint: str) -> None:
    """A delete without a version id makes a delete marker (`ObjectRemoved:DeleteMarkerCreated`),
    one with a version id removes that version (`ObjectRemoved:Delete`), each with its
    `versionId` ("Supported event types": s3:ObjectRemoved:Delete, DeleteMarkerCreated)."""
    s3 = SESSION.client("s3", endpoint_url=endpoint)
    sqs = SESSION.client("sqs", endpoint_url=endpoint)
    sqs.create_queue(QueueName="versions")
    s3.create_bucket(Bucket="versioned-bucket")
    s3.put_bucket_versioning(
        Bucket="versioned-bucket", VersioningConfiguration={"Status": "Enabled"}
    )
    s3.put_bucket_notification_configuration(
        Bucket="versioned-bucket",
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": "arn:aws:sqs:us-east-1:123456789012:versions",
                    "Events": ["s3:ObjectRemoved:*"],
                }
            ]
        },
    )
    first = s3.put_object(Bucket="versioned-bucket", Key="k", Body=b"1")["VersionId"]
    s3.put_object(Bucket="versioned-bucket", Key="k", Body=b"2")
    s3.delete_object(Bucket="versioned-bucket", Key="k", VersionId=first)
    marker = s3.delete_object(Bucket="versioned-bucket", Key="k")["VersionId"]
    _, removed, marked = _events(endpoint, "versions", 3)
    assert removed["Records"][0]["eventName"] == "ObjectRemoved:Delete"
    assert removed["Records"][0]["s3"]["object"]["versionId"] == first
    assert marked["Records"][0]["eventName"] == "ObjectRemoved:DeleteMarkerCreated"
    assert marked["Records"][0]["s3"]["object"]["versionId"] == marker


def test_one_event_has_one_sequencer_whichever_destinations_take_it(
    endpoint: str, bucket: str
) -> None:
    """A copy to `uploads/*.jpg` is taken by the function's configuration and the topic's:
    both messages are the one event (its time and sequencer), each with its configuration."""
    s3 = SESSION.client("s3", endpoint_url=endpoint)
    s3.put_object(Bucket=bucket, Key="source.png", Body=b"png")
    s3.copy_object(
        Bucket=bucket, Key="uploads/both.jpg", CopySource={"Bucket": bucket, "Key": "source.png"}
    )
    [seen] = _events(endpoint, "seen", 1)
    [envelope] = _events(endpoint, "copies-inbox", 1)
    [by_function] = seen["Records"]
    [by_topic] = json.loads(envelope["Message"])["Records"]
    assert by_function["s3"]["object"] == by_topic["s3"]["object"]
    assert by_function["eventTime"] == by_topic["eventTime"]
    assert by_function["s3"]["configurationId"] != by_topic["s3"]["configurationId"]
