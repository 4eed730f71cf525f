"""What a template's queues and buckets hold, as the data directory keeps it
(`appsync.aws.resource_journal`): each queue's messages and each bucket's objects as JSON
entries, the contents a snapshot and a journal's records add up to (`KeptContents`), and those
entries put back into moto's backends at start.

A message keeps its `MessageId`, body, message attributes, system attributes (`AWSTraceHeader`),
`SentTimestamp`, `SenderId`, the end of its `DelaySeconds`, and a FIFO message's group id,
deduplication id and sequence number. An object keeps its latest version's bytes (inline up to
`INLINE_BYTES`, in a file of its own beyond, `resource_files`), its metadata (content type, user
metadata), ETag and last-modified time.

AWS differs: SQS keeps what a receive did to a message (its `ApproximateReceiveCount`, first
receive time, and the visibility timeout that hides it while in flight); those change at every
receive and are not written, so a message put back is visible at once and counts its receives
from 0 again (a poison message gets `maxReceiveCount` more tries after a restart). S3 keeps every
version of an object in a versioned bucket, its tags, ACL and unfinished multipart uploads; only
the latest version's bytes and metadata are kept here.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import logging
import uuid
from typing import Any

from definition.service_resources import ServiceResources

logger = logging.getLogger(__name__)

# Objects up to this size are written in the journal's records and the snapshot; larger ones in
# files of their own, so that a record and a compaction stay small whatever the bucket holds.
INLINE_BYTES = 64 * 1024

# A queue's messages by MessageId, in the queue's order; a bucket's objects by key.
QueueContents = dict[str, dict[str, Any]]
BucketContents = dict[str, dict[str, Any]]


class KeptContents:
    """The queues' (by ARN) and buckets' (by name) entries: a snapshot's, with a journal's
    records applied in order (`apply`)."""

    def __init__(self) -> None:
        self.queues: dict[str, QueueContents] = {}
        self.buckets: dict[str, BucketContents] = {}

    @classmethod
    def from_snapshot(cls, kept: Any, resources: ServiceResources) -> KeptContents:
        """A snapshot's contents; a file written before the journal (its queues by name, their
        messages without ids) is read too: its messages get new ids."""
        contents = cls()
        if not isinstance(kept, dict):
            logger.warning("kept queues and buckets could not be put back: no object")
            return contents
        queues, buckets = kept.get("queues"), kept.get("buckets")
        by_name = "format" not in kept
        for spec in resources.queues:
            messages = contents.queues.setdefault(spec.arn, {})
            for entry in _entries(queues, spec.queue_name if by_name else spec.arn):
                identifier = entry.get("id")
                if not isinstance(identifier, str):
                    identifier = entry["id"] = str(uuid.uuid4())
                messages[identifier] = entry
        for bucket in resources.buckets:
            objects = contents.buckets.setdefault(bucket.bucket_name, {})
            for entry in _entries(buckets, bucket.bucket_name):
                if isinstance(entry.get("key"), str):
                    objects[entry["key"]] = entry
                else:
                    logger.warning("a kept object of %s has no key", bucket.bucket_name)
        return contents

    def apply(self, record: dict[str, Any]) -> None:
        """One journal record (`resource_journal` writes them): a message or object put or
        deleted, a queue emptied. Raises KeyError or TypeError for a record of another shape."""
        if "queue" in record:
            messages = self.queues.setdefault(record["queue"], {})
            if "put" in record:
                messages[record["put"]["id"]] = record["put"]
            elif record.get("clear"):
                messages.clear()
            else:
                for identifier in record["delete"]:
                    messages.pop(identifier, None)
        else:
            objects = self.buckets.setdefault(record["bucket"], {})
            if "put" in record:
                objects[record["put"]["key"]] = record["put"]
            else:
                objects.pop(record["delete"], None)


def _entries(kept: Any, name: str) -> list[dict[str, Any]]:
    """The kept entries of the queue or bucket `name` that are objects; what is not is logged
    and skipped."""
    found = kept.get(name) if isinstance(kept, dict) else None
    if found is None:
        return []
    entries = (
        [entry for entry in found if isinstance(entry, dict)] if isinstance(found, list) else []
    )
    if not isinstance(found, list) or len(entries) < len(found):
        logger.warning("kept entries of %s could not be put back: not objects", name)
    return entries


# --- messages -------------------------------------------------------------------------------


def message_entry(message: Any) -> dict[str, Any]:
    """moto's `Message` as an entry (see the module's docstring for what is kept)."""
    entry: dict[str, Any] = {
        "id": message.id,
        "body": message.body,
        "sent": message.sent_timestamp,
        "senderId": message.sender_id,
    }
    if message.message_attributes:
        entry["attributes"] = _plain(message.message_attributes)
    if message.system_attributes:
        entry["systemAttributes"] = _plain(message.system_attributes)
    if message.delayed_until:
        entry["delayedUntil"] = message.delayed_until
    for name, value in (
        ("groupId", message.group_id),
        ("deduplicationId", message.deduplication_id),
        ("sequenceNumber", message.sequence_number),
    ):
        if value is not None:
            entry[name] = value
    return entry


def put_back_message(queue: Any, entry: dict[str, Any]) -> None:
    """The entry's message at the end of moto's `queue` (under the backends' lock), as it was
    sent; raises KeyError, TypeError or ValueError for an entry of another shape."""
    from moto.core.utils import unix_time_millis
    from moto.sqs.models import Message

    body = entry["body"]
    if not isinstance(body, str):
        raise TypeError(f"a body that is no text: {body!r}")
    message = Message(str(entry["id"]), body, _bytes_back(entry.get("systemAttributes")) or {})
    message.message_attributes = _bytes_back(entry.get("attributes")) or {}
    # A file written before the journal kept no timestamp: sent now, as it was then.
    message.sent_timestamp = int(entry.get("sent") or unix_time_millis())  # type: ignore[assignment]
    message.sender_id = str(entry.get("senderId") or message.sender_id)
    message.delayed_until = float(entry.get("delayedUntil") or 0.0)
    message.group_id = entry.get("groupId")
    message.deduplication_id = entry.get("deduplicationId")
    message.sequence_number = entry.get("sequenceNumber")
    queue._messages.append(message)


def _plain(value: Any) -> Any:
    """Message attributes as JSON: a binary value as `{"$bytes": base64}`."""
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode("ascii")}
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _bytes_back(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$bytes"}:
            return base64.b64decode(value["$bytes"], validate=True)
        return {key: _bytes_back(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_bytes_back(item) for item in value]
    return value


# --- objects --------------------------------------------------------------------------------


def object_entry(name: str, key: Any, value: bytes, blob: str | None) -> dict[str, Any]:
    """moto's `FakeKey` as an entry: its bytes `value` inline, or the name of the file
    `blob` holding them."""
    entry: dict[str, Any] = {
        "key": name,
        "metadata": dict(key.metadata),
        "etag": key.etag.strip('"'),
        "lastModified": key.last_modified.isoformat(),
    }
    if blob is None:
        entry["value"] = base64.b64encode(value).decode("ascii")
    else:
        entry["blob"] = blob
    return entry


def inline_value(entry: dict[str, Any]) -> bytes | None:
    """An entry's bytes when they are inline (None: in the file its `blob` names); raises
    ValueError when they are not base64."""
    if "blob" in entry and "value" not in entry:
        return None
    try:
        return base64.b64decode(entry["value"], validate=True)
    except binascii.Error as error:
        raise ValueError(f"the bytes of {entry.get('key')!r} are not base64") from error


def put_back_object(s3: Any, bucket_name: str, entry: dict[str, Any], value: bytes) -> Any:
    """The entry's object in moto's bucket (under the backends' lock, without a notification),
    as it was written; returns moto's `FakeKey`. Raises moto's ServiceException, KeyError,
    TypeError or ValueError."""
    made = s3.put_object(
        bucket_name,
        entry["key"],
        value,
        etag=entry.get("etag"),
        disable_notification=True,
    )
    made.set_metadata(dict(entry.get("metadata") or {}))
    if isinstance(entry.get("lastModified"), str):
        made.last_modified = datetime.datetime.fromisoformat(entry["lastModified"])
    return made
