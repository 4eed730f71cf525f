"""What a template's queues and buckets hold, written to the data directory as it changes, before
the change is answered (`resource_files` holds the file format, `resource_data` the entries).

Every change moto makes to a kept queue's messages or a kept bucket's objects is noticed where
moto makes it (`track_changes` wraps moto's own methods once per process):
* a message added to a queue (`Queue.add_message`): SendMessage(Batch), an SNS topic's `sqs`
  subscription fanning a Publish out, an on-failure record (`appsync.stream_destinations`), a
  message moved to the dead-letter queue by a receive past `maxReceiveCount`;
* messages gone from a queue: DeleteMessage(Batch) (`Queue.delete_message`) and a queue
  mapping's deletes after a Lambda batch (`appsync.queue_mappings`), PurgeQueue, and a receive
  on a queue with a `RedrivePolicy` (the moves to its dead-letter queue);
* an object put or deleted: PutObject, CopyObject, CompleteMultipartUpload, DeleteObject(s),
  as `object_changes` hears of them (the one seam the buckets' notifications share).
Each code path that calls moto does so inside `journaled()` (the backends' lock held), and the
changes it noticed are written as journal records when it leaves, under that lock and before the
answer goes out; a change that cannot be written raises ResourceJournalError, which the AWS
endpoint answers with a 500 (moto has applied it in memory, as a DynamoDB write the disk refuses
is, README "Durability"). A queue whose messages went is compared, by MessageId, with what the
journal knows it holds (moto's own delete walks the queue just as far); a message added is a
record of its own.

A start reads the snapshot and the journal's records, puts their messages and objects back into
the declared queues and buckets (with their ids and timestamps, `resource_data`), and compacts:
a new snapshot of what they now hold, the journal emptied. So does a stop, and a journal that
has grown past `COMPACT_BYTES` (or past the snapshot's size, whichever is larger): the files stay
within about twice what the queues and buckets hold. Nothing here counts on a clean stop.

AWS differs: what a receive changes (receive counts, visibility) is not written, see
`resource_data`.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from appsync.aws.object_changes import listen
from appsync.aws.resource_data import (
    INLINE_BYTES,
    KeptContents,
    inline_value,
    message_entry,
    object_entry,
    put_back_message,
    put_back_object,
)
from appsync.aws.resource_files import ResourceFiles
from appsync.errors import ResourceJournalError
from definition.service_resources import ServiceResources
from resolvers.datasources.dynamodb_wire import BACKEND_LOCK, DEFAULT_ACCOUNT_ID

logger = logging.getLogger(__name__)

# A journal larger than this (and than the snapshot) is compacted.
COMPACT_BYTES = 8 * 1024 * 1024

# (account, region, queue name): how moto's queues are found.
_QueueKey = tuple[str, str, str]

_journal: list[ResourceJournal] = []


def journal_changes(journal: ResourceJournal | None) -> None:
    """Write the kept queues' and buckets' changes to `journal` from now on (None: nowhere).
    moto's backends are one per process, so is this journal."""
    if journal is not None:
        track_changes()
        listen(_object_changed)
    # Under the lock: moto's threads read it there.
    with BACKEND_LOCK:
        _journal[:] = [journal] if journal is not None else []


@contextmanager
def journaled() -> Iterator[None]:
    """Inside, moto's backends are this thread's (their lock held); on the way out, what
    changed in the kept queues and buckets is written (`ResourceJournal.write`)."""
    with BACKEND_LOCK:
        try:
            yield
        finally:
            if _journal:
                _journal[0].write()


class ResourceJournal:
    """The kept queues' and buckets' changes, written to `files` (see the module's docstring)."""

    def __init__(self, files: ResourceFiles, resources: ServiceResources) -> None:
        self._files = files
        self._resources = resources
        self._queues: dict[_QueueKey, str] = {}
        self._buckets: set[str] = set()
        # The MessageIds the files hold, by queue ARN.
        self._known: dict[str, set[str]] = {}
        # Noticed since the last write.
        self._appended: list[tuple[_QueueKey, Any]] = []
        self._changed: set[_QueueKey] = set()
        self._touched: set[tuple[str, str]] = set()
        # The object file holding a large object's bytes, by moto's FakeKey (a new one for
        # every put, so a key's file is its bytes' for good).
        self._stored: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()
        self._declare(resources)

    def _declare(self, resources: ServiceResources) -> list[_QueueKey]:
        added = []
        for spec in resources.queues:
            key = (spec.account_id, spec.region, spec.queue_name)
            if key not in self._queues:
                self._queues[key] = spec.arn
                added.append(key)
        return added

    # --- start and stop ---------------------------------------------------------------------

    def start(self) -> None:
        """The files' messages and objects put back into the declared queues and buckets, then
        compacted; raises ResourceJournalError when the new snapshot cannot be written."""
        kept, records = self._files.read()
        contents = (
            KeptContents.from_snapshot(kept, self._resources)
            if kept is not None
            else KeptContents()
        )
        for record in records:
            try:
                contents.apply(record)
            except (KeyError, TypeError, AttributeError) as error:
                logger.warning("a journal record could not be put back: %r", error)
        with BACKEND_LOCK:
            self._put_back(contents)
            self._buckets.update(b.bucket_name for b in self._resources.buckets)
            self.compact()
        logger.debug("kept queues and buckets restored from %s", self._files.snapshot)

    def _put_back(self, contents: KeptContents) -> None:
        from moto.core.exceptions import ServiceException
        from moto.sqs.models import sqs_backends

        for spec in self._resources.queues:
            queue = sqs_backends[spec.account_id][spec.region].queues.get(spec.queue_name)
            for entry in contents.queues.get(spec.arn, {}).values():
                try:
                    put_back_message(queue, entry)
                except (KeyError, TypeError, ValueError, AttributeError) as error:
                    logger.warning(
                        "a kept message of %s could not be put back: %r", spec.queue_name, error
                    )
        s3 = _s3()
        for bucket in self._resources.buckets:
            for entry in contents.buckets.get(bucket.bucket_name, {}).values():
                try:
                    value = inline_value(entry)
                    blob = entry["blob"] if value is None else None
                    if blob is not None:
                        value = self._files.read_object(blob)
                    assert value is not None
                    made = put_back_object(s3, bucket.bucket_name, entry, value)
                except (ServiceException, KeyError, TypeError, ValueError, OSError) as error:
                    logger.warning(
                        "a kept object of %s could not be put back: %r", bucket.bucket_name, error
                    )
                    continue
                if blob is not None:
                    self._stored[made] = blob

    def keep(self, resources: ServiceResources) -> None:
        """What a reload declares kept too (under the backends' lock): a queue or bucket it
        adds is written whole now."""
        self._resources = resources
        for key in self._declare(resources):
            self._changed.add(key)
        s3 = _s3()
        for spec in resources.buckets:
            if spec.bucket_name not in self._buckets:
                self._buckets.add(spec.bucket_name)
                bucket = s3.buckets.get(spec.bucket_name)
                names = list(bucket.keys) if bucket is not None else []
                self._touched.update((spec.bucket_name, name) for name in names)
        try:
            self.write()
        except ResourceJournalError as error:
            logger.warning("the queues and buckets a reload added are not kept yet: %s", error)

    def stop(self) -> None:
        """A last compaction (everything the queues and buckets hold, written whole)."""
        with BACKEND_LOCK:
            try:
                self.compact()
            except ResourceJournalError as error:
                # The journal still holds every change it was told of.
                logger.warning("the queues and buckets were not compacted: %s", error)
            self._files.close()

    # --- what moto changed ------------------------------------------------------------------

    def appended(self, queue: Any, message: Any) -> None:
        key = (queue.account_id, queue.region, queue.name)
        if key in self._queues:
            self._appended.append((key, message))

    def changed(self, queue: Any) -> None:
        key = (queue.account_id, queue.region, queue.name)
        if key in self._queues:
            self._changed.add(key)

    def touched(self, bucket_name: str, key_name: str) -> None:
        if bucket_name in self._buckets:
            self._touched.add((bucket_name, key_name))

    def write(self) -> None:
        """What changed since the last write, appended to the journal (under the backends'
        lock); raises ResourceJournalError, and the changes are written at the next write."""
        if not (self._appended or self._changed or self._touched):
            return
        records: list[dict[str, Any]] = []
        added: list[tuple[str, str]] = []
        for key, message in self._appended:
            if key not in self._changed:
                arn = self._queues[key]
                records.append({"queue": arn, "put": message_entry(message)})
                added.append((arn, message.id))
        held: dict[str, set[str]] = {}
        for key in self._changed:
            arn = self._queues[key]
            held[arn] = self._queue_records(key, arn, records)
        if self._touched:
            s3 = _s3()
            for bucket_name, key_name in self._touched:
                bucket = s3.buckets.get(bucket_name)
                entry = self._object(key_name, bucket.keys.get(key_name) if bucket else None)
                if entry is None:
                    records.append({"bucket": bucket_name, "delete": key_name})
                else:
                    records.append({"bucket": bucket_name, "put": entry})
        self._files.append(records)
        for arn, identifier in added:
            self._known.setdefault(arn, set()).add(identifier)
        self._known.update(held)
        self._appended.clear()
        self._changed.clear()
        self._touched.clear()
        if self._files.written > max(COMPACT_BYTES, self._files.snapshot_bytes):
            try:
                self.compact()
            except ResourceJournalError as error:
                logger.warning("the queues and buckets were not compacted: %s", error)

    def _queue_records(self, key: _QueueKey, arn: str, records: list[dict[str, Any]]) -> set[str]:
        """The records that make what the journal knows of the queue what moto holds, added to
        `records`; returns the MessageIds it holds."""
        messages = self._messages(key)
        known = self._known.get(arn, set())
        held = {message.id for message in messages}
        if not held and known:
            records.append({"queue": arn, "clear": True})
        elif gone := known - held:
            records.append({"queue": arn, "delete": sorted(gone)})
        records += [
            {"queue": arn, "put": message_entry(message)}
            for message in messages
            if message.id not in known
        ]
        return held

    def _messages(self, key: _QueueKey) -> list[Any]:
        from moto.sqs.models import sqs_backends

        account, region, name = key
        queue = sqs_backends[account][region].queues.get(name)
        return list(queue._messages) if queue is not None else []

    def _object(self, name: str, key: Any) -> dict[str, Any] | None:
        """A FakeKey's entry; None for a delete marker or no key."""
        if key is None or not isinstance(getattr(key, "contentsize", None), int):
            return None
        blob = self._stored.get(key)
        if blob is not None:
            return object_entry(name, key, b"", blob)
        value = key.value
        if len(value) > INLINE_BYTES:
            blob = self._stored[key] = self._files.store_object(value)
        return object_entry(name, key, value, blob)

    def compact(self) -> None:
        """A new snapshot of every kept queue and bucket, the journal emptied (under the
        backends' lock); raises ResourceJournalError."""
        kept: dict[str, dict[str, list[dict[str, Any]]]] = {"queues": {}, "buckets": {}}
        known = {}
        for key, arn in self._queues.items():
            messages = self._messages(key)
            kept["queues"][arn] = [message_entry(message) for message in messages]
            known[arn] = {message.id for message in messages}
        s3 = _s3()
        for bucket_name in self._buckets:
            bucket = s3.buckets.get(bucket_name)
            entries = (
                [self._object(name, key) for name, key in bucket.keys.items()] if bucket else []
            )
            kept["buckets"][bucket_name] = [entry for entry in entries if entry is not None]
        blobs = {
            entry["blob"]
            for entries in kept["buckets"].values()
            for entry in entries
            if "blob" in entry
        }
        self._files.compact(kept, blobs)
        self._known = known
        self._appended.clear()
        self._changed.clear()
        self._touched.clear()


def _object_changed(event_name: str, bucket: Any, key: Any) -> None:
    if _journal:
        _journal[0].touched(bucket.name, key.name)


def track_changes() -> None:
    """moto's methods that change a queue's messages, telling the journal (see the module's
    docstring); once per process."""
    from moto.sqs.models import Queue, SQSBackend

    if getattr(Queue.add_message, "journaled", False):
        return
    add, delete = Queue.add_message, Queue.delete_message
    purge, receive = SQSBackend.purge_queue, SQSBackend.receive_message

    def add_message(self: Any, message: Any) -> None:
        add(self, message)
        # A FIFO queue drops a duplicate within its deduplication interval.
        if _journal and self._messages and self._messages[-1] is message:
            _journal[0].appended(self, message)

    def delete_message(self: Any, receipt_handle: str) -> None:
        try:
            delete(self, receipt_handle)
        finally:
            if _journal:
                _journal[0].changed(self)

    def purge_queue(self: Any, queue_name: str) -> None:
        try:
            purge(self, queue_name)
        finally:
            if _journal and queue_name in self.queues:
                _journal[0].changed(self.queues[queue_name])

    def receive_message(self: Any, queue_name: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return receive(self, queue_name, *args, **kwargs)
        finally:
            # Past maxReceiveCount a receive moves messages to the dead-letter queue.
            queue = self.queues.get(queue_name)
            if _journal and queue is not None and queue.dead_letter_queue is not None:
                _journal[0].changed(queue)

    add_message.journaled = True  # type: ignore[attr-defined]
    Queue.add_message = add_message  # type: ignore[method-assign]
    Queue.delete_message = delete_message  # type: ignore[method-assign]
    SQSBackend.purge_queue = purge_queue  # type: ignore[method-assign]
    SQSBackend.receive_message = receive_message  # type: ignore[method-assign]


def _s3() -> Any:
    from moto.s3.models import s3_backends

    return s3_backends[DEFAULT_ACCOUNT_ID]["global"]
