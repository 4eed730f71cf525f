"""`AWS::SQS::Queue`, `AWS::SNS::Topic` and `AWS::SNS::Subscription` read into the model, for
the embedded SQS and SNS to create at start (`definition.service_resources`).

Each property is checked as CloudFormation's resource page ("AWS::SQS::Queue",
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sqs-queue.html;
"AWS::SNS::Topic", aws-resource-sns-topic.html; "AWS::SNS::Subscription",
aws-resource-sns-subscription.html) and the CreateQueue attributes it becomes (Amazon SQS API
Reference, CreateQueue) say: `DelaySeconds` 0 to 900, `MaximumMessageSize` 1,024 to
1,048,576, `MessageRetentionPeriod` 60 to 1,209,600, `ReceiveMessageWaitTimeSeconds` 0 to 20,
`VisibilityTimeout` 0 to 43,200; `ContentBasedDeduplication` only with `FifoQueue`, whose name
ends in `.fifo`; a `RedrivePolicy` (an object, or its JSON text) names its dead-letter queue
by `deadLetterTargetArn`, a queue of the template of the same type, and `maxReceiveCount` 1
to 1,000. A queue's name is `QueueName` or CloudFormation's generated one
(`definition.cloudformation.names`).

A topic's `Subscription` list and each `AWS::SNS::Subscription` become Subscribe calls. The
`sqs` protocol delivers to the embedded SQS, `lambda` to a declared function
(`appsync.aws.sns_lambda`); every other protocol (`http`, `email`, ...) is accepted with a
notice and not subscribed locally. `AWS::SQS::QueuePolicy` and
`AWS::SNS::TopicPolicy` grant access, which is not checked locally: a notice says so.
Encryption, tags, logging and data protection are accepted with a notice.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

from definition.appsync_yaml.reader import join
from definition.cloudformation.properties import (
    PropertyReader,
    boolean,
    checked_properties,
    integer,
)
from definition.cloudformation.stack import Stack
from definition.problems import Notice
from definition.service_resources import QueueSpec, SubscriptionSpec, TopicSpec

QUEUE = "AWS::SQS::Queue"
TOPIC = "AWS::SNS::Topic"
SUBSCRIPTION = "AWS::SNS::Subscription"
POLICIES = ("AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy")

# CreateQueue's integer attributes and their bounds (Amazon SQS API Reference, CreateQueue).
_QUEUE_INTEGERS = {
    "DelaySeconds": (0, 900),
    "MaximumMessageSize": (1024, 1_048_576),
    "MessageRetentionPeriod": (60, 1_209_600),
    "ReceiveMessageWaitTimeSeconds": (0, 20),
    "VisibilityTimeout": (0, 43_200),
}
_QUEUE_KEYS = (
    *_QUEUE_INTEGERS,
    *["QueueName", "FifoQueue", "ContentBasedDeduplication", "DeduplicationScope"],
    *["FifoThroughputLimit", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId"],
    *["KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled", "Tags"],
)
_QUEUE_NO_LOCAL_EFFECT = {
    "KmsMasterKeyId": "messages are not encrypted locally",
    "KmsDataKeyReusePeriodSeconds": "messages are not encrypted locally",
    "SqsManagedSseEnabled": "messages are not encrypted locally",
    "Tags": "tags are not listed",
}
# SQS's queue names: letters, digits, hyphens and underscores, at most 80 with `.fifo`.
_QUEUE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
_TOPIC_NAME = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_TOPIC_KEYS = (
    *["TopicName", "DisplayName", "FifoTopic", "ContentBasedDeduplication", "Subscription"],
    *["KmsMasterKeyId", "Tags", "ArchivePolicy", "DataProtectionPolicy", "DeliveryStatusLogging"],
    *["FifoThroughputScope", "SignatureVersion", "TracingConfig"],
)
_TOPIC_NO_LOCAL_EFFECT = {
    "KmsMasterKeyId": "messages are not encrypted locally",
    "Tags": "tags are not listed",
    "ArchivePolicy": "messages are not archived",
    "DataProtectionPolicy": "messages are not inspected",
    "DeliveryStatusLogging": "no CloudWatch logs",
    "TracingConfig": "no X-Ray traces",
}
_SUBSCRIPTION_KEYS = (
    *["TopicArn", "Protocol", "Endpoint", "RawMessageDelivery", "FilterPolicy"],
    *["FilterPolicyScope", "RedrivePolicy", "DeliveryPolicy", "Region", "ReplayPolicy"],
    "SubscriptionRoleArn",
)
_SUBSCRIPTION_NO_LOCAL_EFFECT = {
    "DeliveryPolicy": "deliveries are not retried",
    "RedrivePolicy": "undeliverable messages are dropped",
    "ReplayPolicy": "messages are not replayed",
    "SubscriptionRoleArn": "IAM is not enforced",
}
# What Subscribe's attributes are named, of the subscription's properties (JSON ones as text).
_SUBSCRIPTION_ATTRIBUTES = ("RawMessageDelivery", "FilterPolicy", "FilterPolicyScope")
_PROTOCOLS = (
    *["http", "https", "email", "email-json", "sms", "sqs", "application", "lambda"],
    "firehose",
)
_LOCAL_PROTOCOLS = ("sqs", "lambda")
_ENDPOINTS = {
    "sqs": (re.compile(r"^arn:[\w-]+:sqs:[\w-]+:\d{12}:[^:/]+$"), "a queue's ARN"),
    "lambda": (
        re.compile(r"^arn:[\w-]+:lambda:[\w-]+:\d{12}:function:[^:/]+(:[^:/]+)?$"),
        "a function's ARN",
    ),
}


def read_queues(stack: Stack) -> tuple[QueueSpec, ...]:
    queues = [
        spec for resource in stack.of_type(QUEUE) if (spec := _queue(stack, resource.logical_id))
    ]
    by_arn = {queue.arn: queue for queue in queues}
    for queue in queues:
        _check_dead_letter_queue(stack, queue, by_arn)
    return tuple(queues)


def _queue(stack: Stack, logical_id: str) -> QueueSpec | None:
    found = checked_properties(stack, logical_id, _QUEUE_KEYS, _QUEUE_NO_LOCAL_EFFECT)
    if found is None:
        return None
    reader, properties = found
    path = "Properties"
    attributes: dict[str, str] = {}
    for key, (low, high) in _QUEUE_INTEGERS.items():
        value = integer(reader, properties, key, path)
        if value is None:
            continue
        if not low <= value <= high:
            reader.problem(join(path, key), f"expected an integer from {low} to {high}")
            continue
        attributes[key] = str(value)
    fifo = boolean(reader, properties, "FifoQueue", path)
    name = str(stack.names.get_att(logical_id, "QueueName", ""))
    if not _QUEUE_NAME.match(name.removesuffix(".fifo")) or len(name) > 80:
        reader.problem(
            join(path, "QueueName"),
            "expected at most 80 letters, digits, hyphens and underscores (and .fifo)",
        )
    elif fifo != name.endswith(".fifo"):
        reader.problem(
            join(path, "QueueName"),
            "a FIFO queue's name ends in .fifo, and only a FIFO queue's"
            if fifo
            else "a name ending in .fifo is a FIFO queue's: set FifoQueue: true",
        )
    if fifo:
        attributes["FifoQueue"] = "true"
    if boolean(reader, properties, "ContentBasedDeduplication", path):
        if not fifo:
            reader.problem(join(path, "ContentBasedDeduplication"), "applies to FIFO queues only")
        attributes["ContentBasedDeduplication"] = "true"
    for key in ("DeduplicationScope", "FifoThroughputLimit"):
        text = reader.string(properties, key, path, required=False)
        if text is not None:
            attributes[key] = text
    for key in ("RedrivePolicy", "RedriveAllowPolicy"):
        policy = _json_object(reader, properties.get(key), join(path, key))
        if policy is not None:
            attributes[key] = json.dumps(policy)
    return QueueSpec(
        name, stack.region, stack.settings.account_id, attributes, f"{logical_id}.{path}"
    )


def _check_dead_letter_queue(stack: Stack, queue: QueueSpec, by_arn: dict[str, QueueSpec]) -> None:
    text = queue.attributes.get("RedrivePolicy")
    if text is None:
        return
    logical_id = queue.key_path.split(".", 1)[0]
    reader = PropertyReader(stack, logical_id)
    where = "Properties.RedrivePolicy"
    policy = json.loads(text)
    target = policy.get("deadLetterTargetArn")
    count = policy.get("maxReceiveCount")
    if isinstance(count, str) and count.isdigit():
        count = int(count)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 1000:
        reader.problem(join(where, "maxReceiveCount"), "required; expected 1 to 1000")
    dead_letter = by_arn.get(target) if isinstance(target, str) else None
    if dead_letter is None:
        reader.problem(
            join(where, "deadLetterTargetArn"),
            f"expected the ARN of a queue of the template (!GetAtt Queue.Arn), got {target!r}",
        )
    elif dead_letter.queue_name.endswith(".fifo") != queue.queue_name.endswith(".fifo"):
        reader.problem(
            join(where, "deadLetterTargetArn"),
            "the dead-letter queue of a FIFO queue is a FIFO queue, and of a standard queue a "
            "standard one",
        )


def _json_object(reader: PropertyReader, value: Any, where: str) -> dict[str, Any] | None:
    """A JSON-typed property: an object, or its JSON text."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            reader.problem(where, "expected an object or its JSON text")
            return None
    if not isinstance(value, dict):
        reader.problem(where, "expected an object or its JSON text")
        return None
    return value


def read_topics(stack: Stack) -> tuple[tuple[TopicSpec, ...], tuple[SubscriptionSpec, ...]]:
    """The stack's topics, and the subscriptions their `Subscription` lists and the stack's
    `AWS::SNS::Subscription`s make."""
    topics, subscriptions = [], []
    for resource in stack.of_type(TOPIC):
        logical_id = resource.logical_id
        found = checked_properties(stack, logical_id, _TOPIC_KEYS, _TOPIC_NO_LOCAL_EFFECT)
        if found is None:
            continue
        reader, properties = found
        path = "Properties"
        arn = str(stack.names.ref(logical_id, ""))
        name = arn.rsplit(":", 1)[1]
        fifo = boolean(reader, properties, "FifoTopic", path)
        attributes: dict[str, str] = {}
        if not _TOPIC_NAME.match(name.removesuffix(".fifo")) or len(name) > 256:
            reader.problem(
                join(path, "TopicName"),
                "expected at most 256 letters, digits, hyphens and underscores (and .fifo)",
            )
        elif fifo != name.endswith(".fifo"):
            reader.problem(join(path, "TopicName"), "a FIFO topic's name ends in .fifo")
        if fifo:
            attributes["FifoTopic"] = "true"
        if boolean(reader, properties, "ContentBasedDeduplication", path):
            if not fifo:
                reader.problem(
                    join(path, "ContentBasedDeduplication"), "applies to FIFO topics only"
                )
            attributes["ContentBasedDeduplication"] = "true"
        for key in ("DisplayName", "SignatureVersion", "FifoThroughputScope"):
            text = reader.string(properties, key, path, required=False)
            if text is not None:
                attributes[key] = text
        topics.append(TopicSpec(arn, attributes, f"{logical_id}.{path}"))
        for where, item in reader.items(properties, "Subscription", path):
            block = reader.mapping(item, where, ("Endpoint", "Protocol"))
            if block is not None:
                subscription = _subscription(reader, arn, block, where, {})
                subscriptions += [subscription] if subscription else []
    for resource in stack.of_type(SUBSCRIPTION):
        subscription = _subscription_resource(stack, resource.logical_id)
        subscriptions += [subscription] if subscription else []
    for resource in stack.of_type(*POLICIES):
        stack.notices.append(
            Notice(
                stack.file,
                resource.logical_id,
                f"{resource.type} accepted; no local effect (requests are not authorized by "
                "resource policies locally)",
            )
        )
    return tuple(topics), tuple(subscriptions)


def _subscription_resource(stack: Stack, logical_id: str) -> SubscriptionSpec | None:
    found = checked_properties(stack, logical_id, _SUBSCRIPTION_KEYS, _SUBSCRIPTION_NO_LOCAL_EFFECT)
    if found is None:
        return None
    reader, properties = found
    path = "Properties"
    topic = reader.string(properties, "TopicArn", path, required=True)
    attributes: dict[str, str] = {}
    for key in _SUBSCRIPTION_ATTRIBUTES:
        value = properties.get(key)
        if value is None:
            continue
        if key == "FilterPolicy":
            policy = _json_object(reader, value, join(path, key))
            if policy is not None:
                attributes[key] = json.dumps(policy)
        elif key == "RawMessageDelivery":
            attributes[key] = "true" if boolean(reader, properties, key, path) else "false"
        else:
            attributes[key] = str(value)
    if topic is None:
        return None
    subscription = _subscription(reader, topic, properties, path, attributes)
    if subscription is None:
        return None
    return replace(subscription, subscription_arn=str(stack.names.ref(logical_id, "")))


def _subscription(
    reader: PropertyReader,
    topic_arn: str,
    block: dict[str, Any],
    path: str,
    attributes: dict[str, str],
) -> SubscriptionSpec | None:
    protocol = reader.string(block, "Protocol", path, required=True)
    endpoint = reader.string(block, "Endpoint", path, required=True)
    if protocol is None or endpoint is None:
        return None
    if protocol not in _PROTOCOLS:
        reader.problem(join(path, "Protocol"), f"expected one of {', '.join(_PROTOCOLS)}")
        return None
    if protocol not in _LOCAL_PROTOCOLS:
        # AWS differs: SNS delivers to these endpoints; locally only to SQS queues.
        reader.notice(
            join(path, "Protocol"),
            "accepted; no local effect yet (the embedded SNS delivers to sqs and lambda "
            f"endpoints only, not {protocol}): not subscribed",
        )
        return None
    pattern, what = _ENDPOINTS[protocol]
    if not pattern.match(endpoint):
        reader.problem(join(path, "Endpoint"), f"expected {what}, got {endpoint!r}")
        return None
    return SubscriptionSpec(
        topic_arn, protocol, endpoint, attributes, f"{reader.logical_id}.{path}"
    )
