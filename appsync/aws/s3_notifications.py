"""A bucket's event notifications: each object the embedded S3 creates or removes
(`object_changes`) is sent, as S3 sends it, to the functions, queues and topics of the bucket's
notification configuration whose event types and key filter match it.

The configuration is moto's bucket's (`FakeBucket.notification_configuration`): what the
template declares (`AWS::S3::Bucket.NotificationConfiguration`, CDK's
`Custom::S3BucketNotifications`, a SAM function's `S3` event, set at start by
`service_resources`) and what PutBucketNotificationConfiguration sets through the AWS endpoint
later. A configuration matches an event when it names the event type or its wildcard
(`s3:ObjectCreated:*`) and the object key starts with the filter's prefix and ends with its
suffix ("Amazon S3 Event Notifications", notification-how-to-filtering.html).

The message is S3's event ("Event message structure", version 2.1,
https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html):
`{"Records": [...]}`, one record, `eventName` without the `s3:` prefix, the key URL-encoded
as a form value (a space as `+`), the created object's `size` and `eTag`, a versioned bucket's
`versionId`, and a `sequencer` that grows with every event (a hexadecimal string, compared by
length then text). A function gets it as an asynchronous (`Event`) invocation, as S3 invokes
Lambda ("Process Amazon S3 event notifications with Lambda", with-s3.html); a queue as a
message body; a topic as a published message (its own subscriptions then deliver it, a
`lambda` one through `sns_lambda`).

moto (5.2.5, `moto/s3/notifications.py`) sends notifications of its own, and only its call
points are kept (`object_changes`): its delivery invokes its own Lambda backend, which holds
none of the declared functions, and swallows the failure; its message has no `sequencer`,
`userIdentity`, `requestParameters`, `responseElements`, owner or `versionId`, and encodes a
key's `/` as `%2F`; a CompleteMultipartUpload is sent twice (a Put first), every PutObject
adds an `s3:ObjectTagging:Put` (its tags set after the put), a delete marker is sent nothing;
and it delivers in the request's own thread, with the backends' lock held.

Delivery never holds up the request that changed the object: moto's thread only builds the
message and hands it to the server's loop, where one task delivers in order. At most
`PENDING_LIMIT` messages wait; past that one is dropped with a warning. A function's failure
is logged by the local Lambda runtime (`functions.invoker`); a destination that does not exist
is logged here.

AWS differs: only `s3:ObjectCreated:*` and `s3:ObjectRemoved:*` events are sent (moto sends
tagging and ACL events on puts that S3 does not); Lambda retries a failed asynchronous
invocation twice ("How Lambda handles errors and retries with asynchronous invocation",
invocation-async-error-handling.html), the local runtime runs it once; `userIdentity` is the
account's, `requestParameters.sourceIPAddress` the loopback address, and the request ids are
made up.
"""

from __future__ import annotations

import asyncio
import datetime
import itertools
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import quote_plus

from appsync.aws.destinations import send_to
from appsync.aws.lambda_ import LocalFunctions
from appsync.aws.object_changes import listen, stop_listening
from appsync.aws.sns_lambda import function_name
from appsync.errors import ResourceJournalError
from auth.clock import Clock, SystemClock
from functions.errors import FunctionsError
from functions.model import InvocationType
from resolvers.datasources.dynamodb_wire import DEFAULT_ACCOUNT_ID

logger = logging.getLogger(__name__)

# Messages waiting for delivery, at most (S3's own backlog has no documented bound).
PENDING_LIMIT = 10_000

_SENT = ("s3:ObjectCreated:", "s3:ObjectRemoved:")
_PUT = "s3:ObjectCreated:Put"
# (destination kind, its ARN, the message).
_Delivery = tuple[str, str, str]


class BucketNotifications:
    """Sends the buckets' event notifications while `delivering`."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiting: asyncio.Queue[_Delivery] | None = None
        self._clock: Clock = SystemClock()
        self._sequence = itertools.count(1)

    @asynccontextmanager
    async def delivering(
        self, functions: LocalFunctions | None, clock: Clock | None = None
    ) -> AsyncIterator[None]:
        """While inside, object changes are sent; `clock` gives the events' `eventTime`."""
        self._clock = clock if clock is not None else SystemClock()
        self._loop = asyncio.get_running_loop()
        self._waiting = asyncio.Queue(PENDING_LIMIT)
        listen(self.changed)
        async with asyncio.TaskGroup() as group:
            task = group.create_task(self._deliver(functions, self._waiting))
            try:
                yield
            finally:
                stop_listening(self.changed)
                self._loop = None
                task.cancel()

    def changed(self, event_name: str, bucket: Any, key: Any) -> None:
        """An `object_changes` listener (moto's thread, the backends' lock held)."""
        configuration = bucket.notification_configuration
        if configuration is None or not event_name.startswith(_SENT):
            return
        if event_name == _PUT and getattr(key, "multipart", None) is not None:
            # moto's CompleteMultipartUpload puts the object (a Put event) before its own event.
            return
        loop, waiting = self._loop, self._waiting
        if loop is None or waiting is None:
            return
        # One event, whichever destinations take it: one time and one sequencer.
        now, sequence = self._clock.time(), next(self._sequence)
        for kind, configurations in (
            ("lambda", configuration.cloud_function),
            ("queue", configuration.queue),
            ("topic", configuration.topic),
        ):
            for each in configurations:
                if matches(each.events, each.filters, event_name, key.name):
                    event = s3_event(event_name, bucket, key, each.id, now, sequence)
                    delivery = (kind, each.arn, json.dumps(event))
                    loop.call_soon_threadsafe(_enqueue, waiting, delivery)

    async def _deliver(
        self, functions: LocalFunctions | None, waiting: asyncio.Queue[_Delivery]
    ) -> None:
        while True:
            kind, arn, message = await waiting.get()
            if kind == "lambda":
                await _invoke(functions, arn, message)
            else:
                await asyncio.to_thread(_send, arn, message)


def _enqueue(waiting: asyncio.Queue[_Delivery], delivery: _Delivery) -> None:
    try:
        waiting.put_nowait(delivery)
    except asyncio.QueueFull:
        logger.warning(
            "S3 event notification to %s dropped: %d are waiting already",
            delivery[1],
            PENDING_LIMIT,
        )


async def _invoke(functions: LocalFunctions | None, arn: str, message: str) -> None:
    name = function_name(arn)
    if functions is None or not functions.declares(name):
        logger.warning("S3 could not notify %s: the function is not declared", arn)
        return
    try:
        await functions.invoke(name, message.encode(), InvocationType.EVENT)
    except FunctionsError as error:
        logger.warning("S3 could not notify %s: %s", arn, error)


def _send(arn: str, message: str) -> None:
    """The message sent to the queue or published to the topic (in a worker thread)."""
    from moto.core.exceptions import ServiceException

    try:
        send_to(arn, message)
    except (ServiceException, ResourceJournalError) as error:
        logger.warning("S3 could not notify %s: %s", arn, error)


def matches(events: list[str], filters: dict[str, Any], event_name: str, key_name: str) -> bool:
    """Whether a configuration of `events` (S3's event types, wildcards too) and `filters`
    (moto's: `{"S3Key": {"FilterRule": [{"Name", "Value"}]}}`) takes the event."""
    wildcard = event_name.rsplit(":", 1)[0] + ":*"
    if event_name not in events and wildcard not in events:
        return False
    rules = (filters or {}).get("S3Key", {}).get("FilterRule", [])
    for rule in rules if isinstance(rules, list) else [rules]:
        name, value = str(rule.get("Name", "")).lower(), str(rule.get("Value", ""))
        if name == "prefix" and not key_name.startswith(value):
            return False
        if name == "suffix" and not key_name.endswith(value):
            return False
    return True


def s3_event(
    event_name: str, bucket: Any, key: Any, configuration_id: str, now: float, sequence: int
) -> dict[str, Any]:
    """S3's event message for one change (see the module's docstring); `key` is moto's
    FakeKey (or FakeDeleteMarker), `now` the event's time in epoch seconds."""
    created = event_name.startswith("s3:ObjectCreated:")
    stamp = datetime.datetime.fromtimestamp(now, datetime.UTC)
    found: dict[str, Any] = {"key": quote_plus(key.name, safe="/")}
    if created:
        found["size"] = key.size
        found["eTag"] = key.etag.strip('"')
    if bucket.is_versioned and key.version_id not in (None, "null"):
        found["versionId"] = str(key.version_id)
    found["sequencer"] = f"{sequence:018X}"
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": bucket.region_name,
                "eventTime": stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "eventName": event_name.removeprefix("s3:"),
                "userIdentity": {"principalId": f"AWS:{DEFAULT_ACCOUNT_ID}"},
                "requestParameters": {"sourceIPAddress": "127.0.0.1"},
                "responseElements": {
                    "x-amz-request-id": f"{sequence:016X}",
                    "x-amz-id-2": f"appsync-local/{sequence}",
                },
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": configuration_id,
                    "bucket": {
                        "name": bucket.name,
                        "ownerIdentity": {"principalId": DEFAULT_ACCOUNT_ID},
                        "arn": f"arn:aws:s3:::{bucket.name}",
                    },
                    "object": found,
                },
            }
        ]
    }
