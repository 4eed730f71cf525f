"""AWS::SQS::Queue, AWS::SNS::Topic and AWS::SNS::Subscription read as their pages of the
CloudFormation User Guide describe them (aws-resource-sqs-queue.html: the properties and
CreateQueue's bounds, `.fifo` names, RedrivePolicy's deadLetterTargetArn and maxReceiveCount;
aws-resource-sns-topic.html and aws-resource-sns-subscription.html), with their Ref and
Fn::GetAtt values ("Return values": a queue's Ref is its URL, a topic's its ARN)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from definition.cloudformation.parameters import StackSettings
from definition.service_resources import QueueSpec, SubscriptionSpec, TopicSpec
from tests.unit.definition.cloudformation.cloudformation_support import (
    notices,
    problems,
    read,
    stack_of,
)

QUEUES = """
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: jobs
      VisibilityTimeout: 60
      MessageRetentionPeriod: "3600"
      DelaySeconds: 5
      RedrivePolicy: {deadLetterTargetArn: !GetAtt Dead.Arn, maxReceiveCount: 3}
  Dead:
    Type: AWS::SQS::Queue
  Ordered:
    Type: AWS::SQS::Queue
    Properties: {FifoQueue: true, ContentBasedDeduplication: true}
  Holder:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: !Join
        - " "
        - [!Ref Jobs, !GetAtt Jobs.QueueName, !GetAtt Jobs.QueueUrl, !GetAtt Ordered.QueueName]
"""


def test_queues_with_their_attributes_and_names(tmp_path: Path) -> None:
    definition = read(tmp_path, QUEUES, endpoint_url="http://127.0.0.1:4000")
    jobs, dead, ordered = definition.server.resources.queues
    assert jobs == QueueSpec(
        "jobs",
        "eu-west-1",
        "123456789012",
        {
            "DelaySeconds": "5",
            "MessageRetentionPeriod": "3600",
            "VisibilityTimeout": "60",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dead.arn, "maxReceiveCount": 3}),
        },
        "Jobs.Properties",
    )
    # CloudFormation's generated name; a FIFO queue's ends in .fifo, as SQS requires.
    assert dead.queue_name.startswith("posts-Dead-")
    assert len(dead.queue_name) == 23
    assert dead.arn == f"arn:aws:sqs:eu-west-1:123456789012:{dead.queue_name}"
    assert ordered.queue_name.startswith("posts-Ordered-")
    assert ordered.queue_name.endswith(".fifo")
    assert ordered.attributes == {"FifoQueue": "true", "ContentBasedDeduplication": "true"}


def test_a_queue_s_ref_is_its_url_on_the_server_s_endpoint(tmp_path: Path) -> None:
    """`serve` tells the reader its own address; without it, `serve`'s default one."""
    settings = StackSettings("posts", "eu-west-1", endpoint_url="http://127.0.0.1:4000")
    for stack, origin in (
        (stack_of(tmp_path, "Resources:" + QUEUES, settings), "http://127.0.0.1:4000"),
        (stack_of(tmp_path, "Resources:" + QUEUES), "http://127.0.0.1:20002"),
    ):
        value = (stack.properties("Holder") or {})["Value"]
        url, name, url_again, fifo = value.split(" ")
        assert url == url_again == f"{origin}/123456789012/jobs"
        assert name == "jobs"
        assert fifo.startswith("posts-Ordered-")
        assert fifo.endswith(".fifo")


def test_bad_queue_properties_are_problems(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """
  Slow:
    Type: AWS::SQS::Queue
    Properties: {QueueName: slow, VisibilityTimeout: 50000, DelaySeconds: soon}
  Named:
    Type: AWS::SQS::Queue
    Properties: {QueueName: named.fifo, ContentBasedDeduplication: true}
  Lost:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: lost
      RedrivePolicy: {deadLetterTargetArn: "arn:aws:sqs:eu-west-1:123456789012:nowhere"}
  Shape:
    Type: AWS::SQS::Queue
    Properties: {QueueName: shape, Colour: blue}
""",
    )
    assert found == [
        "Slow.Properties.DelaySeconds: expected an integer, got 'soon'",
        "Slow.Properties.VisibilityTimeout: expected an integer from 0 to 43200",
        "Named.Properties.QueueName: a name ending in .fifo is a FIFO queue's: set FifoQueue: true",
        "Named.Properties.ContentBasedDeduplication: applies to FIFO queues only",
        "Shape.Properties.Colour: unknown property; expected one of "
        "DelaySeconds, MaximumMessageSize, MessageRetentionPeriod, ReceiveMessageWaitTimeSeconds, "
        "VisibilityTimeout, QueueName, FifoQueue, ContentBasedDeduplication, DeduplicationScope, "
        "FifoThroughputLimit, RedrivePolicy, RedriveAllowPolicy, KmsMasterKeyId, "
        "KmsDataKeyReusePeriodSeconds, SqsManagedSseEnabled, Tags",
        "Lost.Properties.RedrivePolicy.maxReceiveCount: required; expected 1 to 1000",
        "Lost.Properties.RedrivePolicy.deadLetterTargetArn: expected the ARN of a queue of the "
        "template (!GetAtt Queue.Arn), got 'arn:aws:sqs:eu-west-1:123456789012:nowhere'",
    ]


def test_topics_and_their_sqs_subscriptions(tmp_path: Path) -> None:
    definition = read(
        tmp_path,
        """
  Inbox:
    Type: AWS::SQS::Queue
    Properties: {QueueName: inbox}
  News:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: news
      DisplayName: News
      Subscription:
        - {Protocol: sqs, Endpoint: !GetAtt Inbox.Arn}
        - {Protocol: email, Endpoint: someone@example.com}
  Filtered:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn: !Ref News
      Protocol: sqs
      Endpoint: !GetAtt Inbox.Arn
      RawMessageDelivery: true
      FilterPolicy: {kind: [urgent]}
  Policy:
    Type: AWS::SQS::QueuePolicy
    Properties: {Queues: [!Ref Inbox], PolicyDocument: {}}
""",
    )
    resources = definition.server.resources
    topic_arn = "arn:aws:sns:eu-west-1:123456789012:news"
    inbox = "arn:aws:sqs:eu-west-1:123456789012:inbox"
    assert resources.topics == (TopicSpec(topic_arn, {"DisplayName": "News"}, "News.Properties"),)
    assert resources.subscriptions == (
        SubscriptionSpec(topic_arn, "sqs", inbox, {}, "News.Properties.Subscription[0]"),
        SubscriptionSpec(
            topic_arn,
            "sqs",
            inbox,
            {"RawMessageDelivery": "true", "FilterPolicy": '{"kind": ["urgent"]}'},
            "Filtered.Properties",
            resources.subscriptions[1].subscription_arn,
        ),
    )
    # SNS's shape: the topic's ARN and a UUID, the same on every start.
    assert re.fullmatch(
        rf"{topic_arn}:[0-9a-f]{{8}}(-[0-9a-f]{{4}}){{3}}-[0-9a-f]{{12}}",
        resources.subscriptions[1].subscription_arn or "",
    )
    assert notices(definition) == [
        "News.Properties.Subscription[1].Protocol: accepted; no local effect yet (the embedded "
        "SNS delivers to sqs and lambda endpoints only, not email): not subscribed",
        "Policy: AWS::SQS::QueuePolicy accepted; no local effect (requests are not authorized "
        "by resource policies locally)",
    ]


def test_a_fifo_topic_s_generated_name_and_attributes(tmp_path: Path) -> None:
    definition = read(
        tmp_path,
        """
  Orders:
    Type: AWS::SNS::Topic
    Properties: {FifoTopic: "true", ContentBasedDeduplication: true}
""",
    )
    [topic] = definition.server.resources.topics
    assert topic.topic_name.startswith("posts-Orders-")
    assert topic.topic_name.endswith(".fifo")
    assert topic.attributes == {"FifoTopic": "true", "ContentBasedDeduplication": "true"}


def test_a_bad_subscription_is_a_problem(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """
  News:
    Type: AWS::SNS::Topic
    Properties: {TopicName: news}
  Pigeon:
    Type: AWS::SNS::Subscription
    Properties: {TopicArn: !Ref News, Protocol: pigeon, Endpoint: roof}
  Queue:
    Type: AWS::SNS::Subscription
    Properties: {TopicArn: !Ref News, Protocol: sqs, Endpoint: not-an-arn}
  Function:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn: !Ref News
      Protocol: lambda
      Endpoint: arn:aws:sqs:eu-west-1:123456789012:q
""",
    )
    assert found == [
        "Pigeon.Properties.Protocol: expected one of http, https, email, email-json, sms, sqs, "
        "application, lambda, firehose",
        "Queue.Properties.Endpoint: expected a queue's ARN, got 'not-an-arn'",
        "Function.Properties.Endpoint: expected a function's ARN, got "
        "'arn:aws:sqs:eu-west-1:123456789012:q'",
    ]


def test_an_unknown_attribute_of_a_queue_is_a_problem(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """
  Jobs:
    Type: AWS::SQS::Queue
  News:
    Type: AWS::SNS::Topic
    Properties: {DisplayName: !GetAtt Jobs.Url}
""",
    )
    assert found == [
        "News.Properties.DisplayName.Fn::GetAtt: an AWS::SQS::Queue has no attribute 'Url' "
        "(it has: Arn, QueueName, QueueUrl)"
    ]
