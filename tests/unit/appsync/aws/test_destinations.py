"""A message reaches an SQS queue (SendMessage) or an SNS topic (Publish) of the embedded
(moto) backends by the destination's ARN; a destination that does not exist is moto's
ServiceException for the caller to report."""

from __future__ import annotations

import pytest
from moto.core.exceptions import ServiceException
from moto.sns.models import sns_backends
from moto.sqs.models import sqs_backends

from appsync.aws.destinations import send_to
from resolvers.datasources.dynamodb_wire import BACKEND_LOCK, DEFAULT_ACCOUNT_ID

REGION = "eu-north-1"


def test_a_queue_gets_the_body_and_a_topic_publishes_it() -> None:
    sqs = sqs_backends[DEFAULT_ACCOUNT_ID][REGION]
    sns = sns_backends[DEFAULT_ACCOUNT_ID][REGION]
    with BACKEND_LOCK:
        sqs.create_queue("unit-destination")
        topic = sns.create_topic("unit-destination")
    try:
        send_to(f"arn:aws:sqs:{REGION}:{DEFAULT_ACCOUNT_ID}:unit-destination", "one")
        send_to(topic.arn, "two")
        messages = sqs.get_queue("unit-destination").messages
        assert [message.body for message in messages] == ["one"]
        assert [sent[1] for sent in topic.sent_notifications] == ["two"]
    finally:
        with BACKEND_LOCK:
            sqs.queues.pop("unit-destination", None)
            sns.delete_topic(topic.arn)


def test_a_destination_that_does_not_exist_is_refused() -> None:
    with pytest.raises(ServiceException):
        send_to(f"arn:aws:sqs:{REGION}:{DEFAULT_ACCOUNT_ID}:unit-nowhere", "x")
    with pytest.raises(ServiceException):
        send_to(f"arn:aws:sns:{REGION}:{DEFAULT_ACCOUNT_ID}:unit-nowhere", "x")
