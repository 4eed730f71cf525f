"""A template's SNS subscriptions with the `lambda` protocol: each message published to the topic
(through the AWS endpoint, by a function, a Step Functions Task or a stream mapping's failure
record) reaches the declared function, as SNS invokes Lambda.

As "Invoking Lambda functions with Amazon SNS notifications" (AWS Lambda Developer Guide,
with-sns.html) has it: SNS invokes the function asynchronously (an `Event` invocation) with
`{"Records": [{"EventVersion": "1.0", "EventSubscriptionArn", "EventSource": "aws:sns",
"Sns": {...}}]}`, one message a record, `Sns` holding `Type` Notification, `MessageId`,
`TopicArn`, `Subject` (null without one), `Message`, `Timestamp`, `SignatureVersion`,
`Signature`, `SigningCertUrl`, `UnsubscribeUrl` and `MessageAttributes` (`{Type, Value}`). The
subscription's `FilterPolicy` applies first, as for every protocol.

The subscription lives in moto's SNS (ListSubscriptions shows it); moto would hand its
messages to its own Lambda backend, which holds none of the declared functions, so each such
subscription's delivery is this one's instead. moto publishes in a worker thread holding the
embedded backends' lock: the message is handed to the server's loop, where a task of
`delivering`'s group invokes the function.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from appsync.aws.lambda_ import LocalFunctions
from functions.errors import FunctionsError
from functions.model import InvocationType

logger = logging.getLogger(__name__)


class LambdaSubscriptions:
    """Delivers the messages of `lambda` subscriptions to the declared functions while
    `delivering`."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiting: asyncio.Queue[tuple[str, bytes]] | None = None

    def install(self, subscription: Any) -> None:
        """Make moto's `subscription` (protocol `lambda`) deliver through this."""
        subscription.publish = functools.partial(self._publish, subscription)

    @asynccontextmanager
    async def delivering(self, functions: LocalFunctions | None) -> AsyncIterator[None]:
        self._loop = asyncio.get_running_loop()
        self._waiting = asyncio.Queue()
        async with asyncio.TaskGroup() as group:
            task = group.create_task(self._deliver(functions, self._waiting))
            try:
                yield
            finally:
                self._loop = None
                task.cancel()

    async def _deliver(
        self, functions: LocalFunctions | None, waiting: asyncio.Queue[tuple[str, bytes]]
    ) -> None:
        while True:
            name, payload = await waiting.get()
            if functions is None or not functions.declares(name):
                # AWS differs: SNS counts a failed delivery in CloudWatch; locally it is logged.
                logger.warning("SNS could not deliver to %s: the function is not declared", name)
                continue
            try:
                await functions.invoke(name, payload, InvocationType.EVENT)
            except FunctionsError as error:
                logger.warning("SNS could not deliver to %s: %s", name, error)

    def _publish(
        self,
        subscription: Any,
        message: str,
        message_id: str,
        subject: str | None = None,
        message_attributes: dict[str, Any] | None = None,
        group_id: str | None = None,
        deduplication_id: str | None = None,
        message_structure: str | None = None,
    ) -> None:
        """moto's `Subscription.publish` for a `lambda` subscription (in moto's thread)."""
        matcher = subscription._filter_policy_matcher
        if matcher is not None and not matcher.matches(message_attributes, message):
            return
        if message_structure == "json":
            message = subscription._parse_message_structure(message, "lambda")
        event = sns_event(subscription, message, message_id, subject, message_attributes)
        name = function_name(subscription.endpoint)
        loop, waiting = self._loop, self._waiting
        if loop is None or waiting is None:
            logger.warning("SNS could not deliver to %s: the server is stopping", name)
            return
        payload = json.dumps(event).encode()
        loop.call_soon_threadsafe(waiting.put_nowait, (name, payload))


def function_name(endpoint: str) -> str:
    """A subscription endpoint's function (`arn:aws:lambda:<region>:<account>:function:<name>`,
    a qualifier left out: only $LATEST runs locally)."""
    parts = endpoint.split(":")
    return parts[parts.index("function") + 1] if "function" in parts else endpoint


def sns_event(
    subscription: Any,
    message: str,
    message_id: str,
    subject: str | None,
    message_attributes: dict[str, Any] | None,
) -> dict[str, Any]:
    """Lambda's SNS event for one message (with-sns.html's example)."""
    # moto's envelope: its signature and signing certificate (served by the embedded SNS).
    posted = subscription.get_post_data(message, message_id, subject, message_attributes)
    region = subscription.topic.arn.split(":")[3]
    return {
        "Records": [
            {
                "EventVersion": "1.0",
                "EventSubscriptionArn": subscription.arn,
                "EventSource": "aws:sns",
                "Sns": {
                    "Type": "Notification",
                    "MessageId": message_id,
                    "TopicArn": subscription.topic.arn,
                    "Subject": subject or None,
                    "Message": message,
                    "Timestamp": posted["Timestamp"],
                    "SignatureVersion": posted["SignatureVersion"],
                    "Signature": posted["Signature"],
                    "SigningCertUrl": posted["SigningCertURL"],
                    "UnsubscribeUrl": f"https://sns.{region}.amazonaws.com/?Action=Unsubscribe"
                    f"&SubscriptionArn={subscription.arn}",
                    "MessageAttributes": message_attributes or {},
                },
            }
        ]
    }
