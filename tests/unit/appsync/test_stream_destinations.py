"""On-failure records reach an SQS queue or an SNS topic of the embedded (moto) backends, the
ones the AWS endpoint serves; a destination that does not exist is a warning, not a crash
(Lambda's "Retain discarded records for a DynamoDB event source": SQS and SNS destinations)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from moto.sns.models import sns_backends
from moto.sqs.models import sqs_backends

from appsync.stream_destinations import EmbeddedDestinations
from resolvers.datasources.dynamodb_wire import DEFAULT_ACCOUNT_ID

pytestmark = pytest.mark.anyio

REGION = "ap-south-2"
QUEUE_ARN = f"arn:aws:sqs:{REGION}:{DEFAULT_ACCOUNT_ID}:failed-records"
BODY = json.dumps({"requestContext": {"condition": "RetryAttemptsExhausted"}})


@pytest.fixture
def queue() -> Iterator[None]:
    sqs = sqs_backends[DEFAULT_ACCOUNT_ID][REGION]
    sqs.create_queue("failed-records")
    yield
    sqs.delete_queue("failed-records")


async def test_an_sqs_destination_gets_the_record_as_a_message(queue: None) -> None:
    await EmbeddedDestinations().send(QUEUE_ARN, BODY)
    messages = sqs_backends[DEFAULT_ACCOUNT_ID][REGION].get_queue("failed-records").messages
    assert [message.body for message in messages] == [BODY]


async def test_an_sns_destination_gets_the_record_published() -> None:
    sns = sns_backends[DEFAULT_ACCOUNT_ID][REGION]
    topic = sns.create_topic("failed-records")
    try:
        await EmbeddedDestinations().send(topic.arn, BODY)
        assert [sent[1] for sent in topic.sent_notifications] == [BODY]
    finally:
        sns.delete_topic(topic.arn)


async def test_a_missing_destination_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    await EmbeddedDestinations().send(f"{QUEUE_ARN}-gone", BODY)
    await EmbeddedDestinations().send(f"arn:aws:sns:{REGION}:{DEFAULT_ACCOUNT_ID}:gone", BODY)
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 2
    assert warnings[0].startswith(f"the on-failure record for {QUEUE_ARN}-gone was not delivered")
    assert "was not delivered" in warnings[1]
