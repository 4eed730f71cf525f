"""A template's queues and buckets keep what was acknowledged through a SIGKILL.

`appsync-local serve --data-dir DIR` runs as a real process on a template with SQS queues (one
with a dead-letter queue, a FIFO one, one subscribed to an SNS topic, one feeding a Lambda
function through an event source mapping) and an S3 bucket. boto3 on the AWS endpoint sends,
deletes, publishes, puts, copies and deletes; the process is killed with SIGKILL right after the
answers, with no chance to write anything more; a new process on the same folder holds every
acknowledged change (a record the kill cut short at the journal's end is dropped, the whole ones
kept): SQS keeps a message until it is deleted or moved to the dead-letter queue
("Amazon SQS message lifecycle", "Using dead-letter queues", SQS Developer Guide), with the
`MessageId` SendMessage answered; S3 keeps an object until it is deleted.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import APIS
from tests.integration.server_process import serve_kept

pytestmark = pytest.mark.timeout(180)

TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: jobs
      RedrivePolicy: {deadLetterTargetArn: !GetAtt DeadJobs.Arn, maxReceiveCount: 1}
  DeadJobs:
    Type: AWS::SQS::Queue
    Properties: {QueueName: dead-jobs}
  Ordered:
    Type: AWS::SQS::Queue
    Properties: {QueueName: ordered.fifo, FifoQueue: true}
  Inbox:
    Type: AWS::SQS::Queue
    Properties: {QueueName: inbox}
  News:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: news
      Subscription: [{Protocol: sqs, Endpoint: !GetAtt Inbox.Arn}]
  Uploads:
    Type: AWS::S3::Bucket
    Properties: {BucketName: kept-uploads}
  Tasks:
    Type: AWS::SQS::Queue
    Properties: {QueueName: tasks}
  Done:
    Type: AWS::SQS::Queue
    Properties: {QueueName: done}
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: worker
      Runtime: python3.12
      Handler: app.worker
      Code: sender
      Environment: {Variables: {DONE_URL: !Ref Done}}
  Api:
    Type: AWS::AppSync::GraphQLApi
    Properties: {Name: kept-queues, AuthenticationType: API_KEY}
  Schema:
    Type: AWS::AppSync::GraphQLSchema
    Properties:
      ApiId: !GetAtt Api.ApiId
      Definition: "type Query { hello: String }"
"""
MAPPING = """
  TasksToWorker:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      EventSourceArn: !GetAtt Tasks.Arn
      FunctionName: !Ref Worker
"""
QUEUES = "http://127.0.0.1:{port}/123456789012/"
TOPIC = "arn:aws:sns:us-east-1:123456789012:news"
LARGE = bytes(range(256)) * 1024  # 256 KiB: an object file of its own


def _template(folder: Path, *, mapping: bool) -> Path:
    if not (folder / "sender").exists():
        shutil.copytree(APIS / "service_resources" / "sender", folder / "sender")
    template = folder / "template.yaml"
    template.write_text(TEMPLATE + (MAPPING if mapping else ""))
    return template


def _all(sqs: Any, url: str) -> list[dict[str, Any]]:
    """Every message the queue holds (received, not deleted)."""
    messages: list[dict[str, Any]] = []
    while answer := sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"], MessageAttributeNames=["All"]
    ).get("Messages"):
        messages += answer
    return messages


def _counts(sqs: Any, url: str) -> tuple[int, int]:
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    got = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return int(got[names[0]]), int(got[names[1]])


@pytest.mark.parametrize("flags", [(), ("--fsync",)], ids=["default", "fsync"])
def test_acknowledged_messages_and_objects_survive_a_sigkill(
    tmp_path: Path, flags: tuple[str, ...]
) -> None:
    template, data = _template(tmp_path, mapping=False), tmp_path / "state"
    with serve_kept(template, data, tmp_path / "first", *flags) as server:
        queues = QUEUES.format(port=server.port)
        sqs, s3 = server.client("sqs"), server.client("s3")
        colour = {"colour": {"DataType": "String", "StringValue": "blue"}}
        sent = sqs.send_message_batch(
            QueueUrl=queues + "inbox",
            Entries=[
                {"Id": "1", "MessageBody": "kept", "MessageAttributes": colour},
                {"Id": "2", "MessageBody": "deleted"},
            ],
        )["Successful"]
        ordered = sqs.send_message(
            QueueUrl=queues + "ordered.fifo",
            MessageBody="in order",
            MessageGroupId="g-1",
            MessageDeduplicationId="d-1",
        )
        [deleted] = [m for m in _all(sqs, queues + "inbox") if m["Body"] == "deleted"]
        sqs.delete_message(QueueUrl=queues + "inbox", ReceiptHandle=deleted["ReceiptHandle"])
        sns = server.client("sns")
        sns.publish(TopicArn=TOPIC, Message="to every subscriber")
        poison = sqs.send_message(QueueUrl=queues + "jobs", MessageBody="poison")
        sqs.receive_message(QueueUrl=queues + "jobs", VisibilityTimeout=0)
        # Past maxReceiveCount (1): this receive moves it to the dead-letter queue.
        assert "Messages" not in sqs.receive_message(QueueUrl=queues + "jobs")
        s3.put_object(Bucket="kept-uploads", Key="a.txt", Body=b"small", ContentType="text/plain")
        s3.put_object(Bucket="kept-uploads", Key="large.bin", Body=LARGE)
        s3.copy_object(Bucket="kept-uploads", Key="copy.txt", CopySource="kept-uploads/a.txt")
        s3.put_object(Bucket="kept-uploads", Key="gone.txt", Body=b"deleted")
        s3.delete_object(Bucket="kept-uploads", Key="gone.txt")
        upload = s3.create_multipart_upload(Bucket="kept-uploads", Key="parts.bin")["UploadId"]
        part = s3.upload_part(
            Bucket="kept-uploads", Key="parts.bin", UploadId=upload, PartNumber=1, Body=b"p"
        )
        s3.complete_multipart_upload(
            Bucket="kept-uploads",
            Key="parts.bin",
            UploadId=upload,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
        )
        etags = {
            key: s3.head_object(Bucket="kept-uploads", Key=key)["ETag"]
            for key in ("a.txt", "large.bin", "copy.txt", "parts.bin")
        }
        server.killed()
    # A write the kill cut short: half a record at the journal's end.
    with (data / "resources.journal").open("ab") as journal:
        journal.write(b'0badc0de {"queue":"arn:aws:sqs:us-east-1:123456789012:inbox","put":{"id')
    with serve_kept(template, data, tmp_path / "second") as server:
        assert "a record cut short at its end was dropped" in server.log()
        queues = QUEUES.format(port=server.port)
        sqs, s3 = server.client("sqs"), server.client("s3")
        inbox = _all(sqs, queues + "inbox")
        [kept] = [m for m in inbox if m["Body"] == "kept"]
        assert kept["MessageId"] == sent[0]["MessageId"]
        assert kept["MessageAttributes"] == colour
        [fanned] = [json.loads(m["Body"]) for m in inbox if m is not kept]
        assert (fanned["TopicArn"], fanned["Message"]) == (TOPIC, "to every subscriber")
        [back] = _all(sqs, queues + "ordered.fifo")
        assert back["MessageId"] == ordered["MessageId"]
        assert back["Attributes"]["MessageGroupId"] == "g-1"
        assert back["Attributes"]["MessageDeduplicationId"] == "d-1"
        assert _counts(sqs, queues + "jobs") == (0, 0)
        [dead] = _all(sqs, queues + "dead-jobs")
        assert (dead["MessageId"], dead["Body"]) == (poison["MessageId"], "poison")
        listed = s3.list_objects_v2(Bucket="kept-uploads")["Contents"]
        assert {item["Key"]: item["ETag"] for item in listed} == etags
        small = s3.get_object(Bucket="kept-uploads", Key="a.txt")
        assert (small["Body"].read(), small["ContentType"]) == (b"small", "text/plain")
        assert s3.get_object(Bucket="kept-uploads", Key="large.bin")["Body"].read() == LARGE
        assert s3.get_object(Bucket="kept-uploads", Key="parts.bin")["Body"].read() == b"p"


def test_a_queue_mapping_s_deletes_survive_a_sigkill(tmp_path: Path) -> None:
    data = tmp_path / "state"
    with serve_kept(_template(tmp_path, mapping=True), data, tmp_path / "first") as server:
        queues = QUEUES.format(port=server.port)
        sqs = server.client("sqs")
        sqs.send_message(QueueUrl=queues + "tasks", MessageBody="hello")
        # The worker sends HELLO to done; the mapping deletes the batch once it has.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (
            _counts(sqs, queues + "tasks") != (0, 0) or _counts(sqs, queues + "done")[0] != 1
        ):
            time.sleep(0.2)
        assert _counts(sqs, queues + "tasks") == (0, 0)
        server.killed()
    # Started without the mapping: whatever tasks holds stays there to be seen.
    with serve_kept(_template(tmp_path, mapping=False), data, tmp_path / "second") as server:
        queues = QUEUES.format(port=server.port)
        sqs = server.client("sqs")
        assert _all(sqs, queues + "tasks") == []
        assert [m["Body"] for m in _all(sqs, queues + "done")] == ["HELLO"]
