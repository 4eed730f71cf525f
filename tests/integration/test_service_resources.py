"""A template's SQS queues, SNS topic and S3 bucket are real in the embedded services: the real
server on loopback, its Lambda functions (Python with boto3, Node.js with the AWS SDK for
JavaScript v3) send to them by the names and URLs their environment takes from the template's
`Ref` and `Fn::GetAtt` (the resources' pages of the CloudFormation User Guide, "Return values":
a queue's Ref is its URL, a topic's its ARN, a bucket's its name), and boto3 finds the data
through the AWS endpoint. A queue's URL is the one the embedded SQS answers GetQueueUrl with on
the server's own address; the SQS client of the JavaScript SDK sends to that URL's host."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from appsync.app import build_app
from appsync.data_directory import DataDirectory
from appsync.hosts import listening_socket, own_url
from appsync.testing.api import LocalApi
from definition.formats import ReadOptions, read_definition
from definition.model import ApiDefinition
from tests.integration.conftest import APIS, running

SESSION = boto3.Session(
    region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
)
TEMPLATE = APIS / "service_resources" / "template.yaml"


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, ApiDefinition]]:
    """The server's address, and the definition read with it (as `serve` reads it)."""
    listener = listening_socket("127.0.0.1", 0)
    url = own_url("127.0.0.1", int(listener.getsockname()[1]))
    definition = read_definition(TEMPLATE, ReadOptions(endpoint_url=url))
    with running(build_app(definition), "appsync-local-resources", listener):
        yield url, definition


@pytest.fixture(scope="module")
def endpoint(served: tuple[str, ApiDefinition]) -> str:
    return served[0]


def _invoke(endpoint: str, function: str, text: str) -> dict[str, Any]:
    answer = SESSION.client("lambda", endpoint_url=endpoint).invoke(
        FunctionName=function, Payload=json.dumps({"text": text}).encode()
    )
    payload: dict[str, Any] = json.loads(answer["Payload"].read())
    assert "FunctionError" not in answer, payload
    return payload


def _received(sqs: Any, url: str, wanted: int = 1) -> list[dict[str, Any]]:
    """What the queue holds once `wanted` messages came (or 30 s passed), by long polls: the
    functions' own calls to the endpoint get through meanwhile."""
    messages: list[dict[str, Any]] = []
    deadline = time.monotonic() + 30
    while len(messages) < wanted and time.monotonic() < deadline:
        answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=2)
        messages += answer.get("Messages", [])
    return messages


def test_a_queue_s_ref_is_the_url_the_endpoint_answers(
    served: tuple[str, ApiDefinition],
) -> None:
    endpoint, definition = served
    [sender] = [f for f in definition.server.lambda_functions if f.function_name == "sender"]
    sqs = SESSION.client("sqs", endpoint_url=endpoint)
    jobs = sender.environment["QUEUE_URL"]
    name = jobs.rsplit("/", 1)[1]
    # CloudFormation's generated name: <stack>-<LogicalId>-<SUFFIX>, the stack the file's stem.
    assert name.startswith("template-Jobs-")
    assert (
        sqs.get_queue_url(QueueName=name)["QueueUrl"] == jobs == f"{endpoint}/123456789012/{name}"
    )
    attributes = sqs.get_queue_attributes(QueueUrl=jobs, AttributeNames=["All"])["Attributes"]
    assert attributes["VisibilityTimeout"] == "30"
    redrive = json.loads(attributes["RedrivePolicy"])
    assert redrive["maxReceiveCount"] == 2
    assert redrive["deadLetterTargetArn"].startswith(
        "arn:aws:sqs:us-east-1:123456789012:template-DeadJobs-"
    )
    ordered = sqs.get_queue_url(QueueName="ordered.fifo")["QueueUrl"]
    assert ordered == sender.environment["ORDERED_URL"]
    fifo = sqs.get_queue_attributes(QueueUrl=ordered, AttributeNames=["All"])["Attributes"]
    assert (fifo["FifoQueue"], fifo["ContentBasedDeduplication"]) == ("true", "true")


def test_a_python_function_reaches_the_queues_topic_and_bucket(endpoint: str) -> None:
    sent = _invoke(endpoint, "sender", "from python")
    sqs = SESSION.client("sqs", endpoint_url=endpoint)
    [jobs] = sqs.list_queues(QueueNamePrefix="template-Jobs-")["QueueUrls"]
    received = _received(sqs, jobs)
    assert [(m["MessageId"], m["Body"]) for m in received] == [(sent["messageId"], "from python")]
    ordered = sqs.get_queue_url(QueueName="ordered.fifo")["QueueUrl"]
    assert [m["Body"] for m in _received(sqs, ordered)] == ["from python"]
    # The topic's subscription delivered the SNS envelope to the inbox queue.
    inbox = sqs.get_queue_url(QueueName="inbox")["QueueUrl"]
    [delivered] = _received(sqs, inbox)
    envelope = json.loads(delivered["Body"])
    assert (envelope["Type"], envelope["Message"]) == ("Notification", "from python")
    assert envelope["TopicArn"].startswith("arn:aws:sns:us-east-1:123456789012:template-News-")
    s3 = SESSION.client("s3", endpoint_url=endpoint)
    [bucket] = [b["Name"] for b in s3.list_buckets()["Buckets"] if "uploads" in b["Name"]]
    assert bucket.startswith("template-uploads-")
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    note = s3.get_object(Bucket=bucket, Key="note.txt")
    assert note["Body"].read() == b"from python"
    assert note["VersionId"] == sent["versionId"]


def test_a_node_function_sends_to_the_queue_by_its_url(endpoint: str) -> None:
    sent = _invoke(endpoint, "node-sender", "from node")
    sqs = SESSION.client("sqs", endpoint_url=endpoint)
    [jobs] = sqs.list_queues(QueueNamePrefix="template-Jobs-")["QueueUrls"]
    received = _received(sqs, jobs)
    assert [(m["MessageId"], m["Body"]) for m in received] == [(sent["messageId"], "from node")]


def test_a_queue_s_messages_reach_the_function_its_mapping_names(endpoint: str) -> None:
    """AWS::Lambda::EventSourceMapping from the template's queue ("Using Lambda with Amazon
    SQS"): each message reaches `worker`, and is deleted once it answered."""
    sqs = SESSION.client("sqs", endpoint_url=endpoint)
    tasks = sqs.get_queue_url(QueueName="tasks")["QueueUrl"]
    for text in ("one", "two"):
        sqs.send_message(QueueUrl=tasks, MessageBody=text)
    done = sqs.get_queue_url(QueueName="done")["QueueUrl"]
    assert sorted(m["Body"] for m in _received(sqs, done, 2)) == ["ONE", "TWO"]
    # Deleted once the function answered (a moment after it sent them on).
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        answer = sqs.get_queue_attributes(QueueUrl=tasks, AttributeNames=["All"])["Attributes"]
        left = (
            answer["ApproximateNumberOfMessages"],
            answer["ApproximateNumberOfMessagesNotVisible"],
        )
        if left == ("0", "0"):
            break
        time.sleep(0.1)
    assert left == ("0", "0")


def test_a_topic_s_messages_reach_the_function_subscribed_to_it(endpoint: str) -> None:
    """AWS::SNS::Subscription with the lambda protocol ("Invoking Lambda functions with Amazon
    SNS notifications"): each message published to the topic reaches `alerter`."""
    sns = SESSION.client("sns", endpoint_url=endpoint)
    sns.publish(
        TopicArn="arn:aws:sns:us-east-1:123456789012:alerts", Message="disk full", Subject="ops"
    )
    sqs = SESSION.client("sqs", endpoint_url=endpoint)
    done = sqs.get_queue_url(QueueName="done")["QueueUrl"]
    bodies = [m["Body"] for m in _received(sqs, done)]
    assert bodies == ["ops: disk full"]


@pytest.mark.parametrize("mode", ["in-process", "subprocess"])
def test_a_server_on_a_free_port_names_that_port_in_its_queue_urls(
    appsync_local: Callable[..., LocalApi], mode: str
) -> None:
    """`serve --port 0` (a subprocess) and the pytest plugin's in-process server read the
    template once their port is known: the Node.js function's SQS client, which sends to its
    QueueUrl's host, reaches this server."""
    api = appsync_local(TEMPLATE, mode=mode)
    answer = api.client("lambda").invoke(
        FunctionName="node-sender", Payload=json.dumps({"text": mode}).encode()
    )
    sent = json.loads(answer["Payload"].read())
    assert "FunctionError" not in answer, sent
    sqs = api.client("sqs")
    [jobs] = sqs.list_queues(QueueNamePrefix="template-Jobs-")["QueueUrls"]
    assert jobs.startswith(f"http://127.0.0.1:{api.port}/123456789012/")
    received = _received(sqs, jobs)
    assert [m["Body"] for m in received if m["MessageId"] == sent["messageId"]] == [mode]


_KEPT = """
Resources:
  Api:
    Type: AWS::AppSync::GraphQLApi
    Properties: {Name: kept, AuthenticationType: API_KEY}
  Schema:
    Type: AWS::AppSync::GraphQLSchema
    Properties: {ApiId: !GetAtt Api.ApiId, Definition: "type Query { a: String }"}
  Letters:
    Type: AWS::SQS::Queue
    Properties: {QueueName: restart-letters}
  Archive:
    Type: AWS::S3::Bucket
    Properties: {BucketName: restart-archive}
"""


def test_a_queue_s_messages_and_a_bucket_s_objects_outlive_a_restart(tmp_path: Path) -> None:
    """Written to the data directory when the server stops, there again when it starts."""
    template = tmp_path / "template.yaml"
    template.write_text(_KEPT)
    data = DataDirectory(tmp_path / "data")
    for run in ("first", "second"):
        listener = listening_socket("127.0.0.1", 0)
        url = own_url("127.0.0.1", int(listener.getsockname()[1]))
        app = build_app(read_definition(template, ReadOptions(endpoint_url=url)), data=data)
        with running(app, f"appsync-local-{run}", listener):
            sqs = SESSION.client("sqs", endpoint_url=url)
            s3 = SESSION.client("s3", endpoint_url=url)
            letters = sqs.get_queue_url(QueueName="restart-letters")["QueueUrl"]
            if run == "first":
                sqs.send_message(QueueUrl=letters, MessageBody="dear reader")
                s3.put_object(Bucket="restart-archive", Key="a/b.txt", Body=b"kept")
                continue
            assert [m["Body"] for m in _received(sqs, letters)] == ["dear reader"]
            stored = s3.get_object(Bucket="restart-archive", Key="a/b.txt")
            assert stored["Body"].read() == b"kept"
