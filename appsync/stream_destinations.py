"""On-failure destinations of stream mappings in the embedded services: an SQS queue or an SNS
topic of moto's backends in this process, the ones the AWS endpoint serves to boto3 and the AWS
CLI (`appsync.aws.moto_services`).

An SQS destination receives the invocation record as a message's body (SendMessage), an SNS
topic as a published message (Publish), as Lambda sends them ("Retain discarded records for a
DynamoDB event source", services-dynamodb-errors.html). Every call holds the embedded backends'
lock, so it runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging

from appsync.aws.destinations import send_to
from appsync.errors import ResourceJournalError

logger = logging.getLogger(__name__)


class EmbeddedDestinations:
    """`appsync.stream_mappings.FailureDestinations` in moto's SQS and SNS backends."""

    async def send(self, destination_arn: str, body: str) -> None:
        await asyncio.to_thread(_send, destination_arn, body)


def _send(destination_arn: str, body: str) -> None:
    from moto.core.exceptions import ServiceException

    try:
        send_to(destination_arn, body)
    except ServiceException as error:
        # AWS differs: Lambda counts a failed delivery in CloudWatch; locally it is logged.
        logger.warning("the on-failure record for %s was not delivered: %s", destination_arn, error)
    except ResourceJournalError as error:
        # Delivered in memory; written with the next change that is.
        logger.error("the on-failure record for %s: %s", destination_arn, error)
