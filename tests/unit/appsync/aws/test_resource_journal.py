"""Every change to a kept queue or bucket is in the data directory before it is answered: a
server that is killed (here: its journal dropped without a stop, the files as they were written,
its queues and buckets removed from moto's backends) starts again with every acknowledged
message and object, their ids and timestamps too; the files stay bounded (compaction), and a
change the disk refuses is written with the next one.

The calls are moto's backends' own, inside `journaled()` as every code path of the server makes
them (the AWS endpoint, queue mappings, on-failure destinations). The behaviour kept is SQS's and
S3's: a sent message stays until deleted, purged (PurgeQueue) or moved to the dead-letter queue
after `maxReceiveCount` receives ("Using dead-letter queues in Amazon SQS", SQS Developer Guide);
an object stays until deleted (DeleteObject, DeleteObjects), its ETag a multipart upload's
`<md5>-<parts>` ("Checking object integrity", S3 User Guide)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto.s3.models import s3_backends
from moto.sns.models import sns_backends
from moto.sqs.models import sqs_backends

from appsync.aws import resource_journal
from appsync.aws.resource_data import INLINE_BYTES
from appsync.aws.resource_files import ResourceFiles
from appsync.aws.resource_journal import ResourceJournal, journal_changes, journaled
from appsync.aws.service_resources import CreatedResources
from appsync.errors import ResourceJournalError
from definition.problems import Problem
from definition.service_resources import (
    BucketSpec,
    QueueSpec,
    ServiceResources,
    SubscriptionSpec,
    TopicSpec,
)

ACCOUNT, REGION = "123456789012", "eu-west-2"
DEAD = QueueSpec("journal-dead", REGION, ACCOUNT)
REDRIVE = json.dumps({"deadLetterTargetArn": DEAD.arn, "maxReceiveCount": 1})
JOBS = QueueSpec("journal-jobs", REGION, ACCOUNT, {"RedrivePolicy": REDRIVE})
ORDERED = QueueSpec("journal-ordered.fifo", REGION, ACCOUNT, {"FifoQueue": "true"})
INBOX = QueueSpec("journal-inbox", REGION, ACCOUNT)
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:journal-news"
UPLOADS = BucketSpec("journal-uploads", REGION)
RESOURCES = ServiceResources(
    queues=(DEAD, JOBS, ORDERED, INBOX),
    topics=(TopicSpec(TOPIC),),
    subscriptions=(SubscriptionSpec(TOPIC, "sqs", INBOX.arn),),
    buckets=(UPLOADS,),
)


def _locate(key_path: str, message: str) -> Problem:
    return Problem("template.yaml", key_path, message)


class Server:
    """What a server's start and end do to the queues and buckets, in this process."""

    def __init__(self, folder: Path) -> None:
        self.files = ResourceFiles(folder / "resources.json")
        self.created = CreatedResources()
        self.journal: ResourceJournal | None = None

    def start(self) -> Server:
        self.created.create(RESOURCES, _locate)
        self.journal = ResourceJournal(self.files, RESOURCES)
        self.journal.start()
        # As `service_resources.resources_created` does: a reload's create tells the journal.
        self.created.journal = self.journal
        journal_changes(self.journal)
        return self

    def killed(self) -> None:
        """SIGKILL: nothing more is written; the process's memory (moto's queues) is gone."""
        journal_changes(None)
        self.files.close()
        self.created.remove()

    def stopped(self) -> None:
        journal_changes(None)
        assert self.journal is not None
        self.journal.stop()
        self.created.remove()


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    _forget()
    yield tmp_path
    journal_changes(None)
    _forget()


def _forget() -> None:
    """No queue or bucket of these tests in moto's backends (which outlive a test)."""
    for name in [*(spec.queue_name for spec in RESOURCES.queues), "journal-added"]:
        _sqs().queues.pop(name, None)
    s3_backends.bucket_accounts.pop(UPLOADS.bucket_name, None)
    _s3().buckets.pop(UPLOADS.bucket_name, None)


def _sqs() -> Any:
    return sqs_backends[ACCOUNT][REGION]


def _s3() -> Any:
    return s3_backends[ACCOUNT]["global"]


def _messages(spec: QueueSpec) -> list[Any]:
    return list(_sqs().get_queue(spec.queue_name)._messages)


def _restarted(server: Server, folder: Path) -> Server:
    server.killed()
    return Server(folder).start()


def test_sent_messages_come_back_after_a_kill_with_their_ids(folder: Path) -> None:
    server = Server(folder).start()
    colour = {
        "colour": {"DataType": "String", "StringValue": "blue"},
        "raw": {"DataType": "Binary", "BinaryValue": b"\x00\xff"},
    }
    with journaled():
        sent = _sqs().send_message(INBOX.queue_name, "first", message_attributes=colour)
        _sqs().send_message(INBOX.queue_name, "later", delay_seconds=900)
        ordered = _sqs().send_message(ORDERED.queue_name, "in order", None, None, "d-1", "g-1")
    before = [(m.id, m.sent_timestamp, m.delayed_until) for m in _messages(INBOX)]
    server = _restarted(server, folder)
    inbox = _messages(INBOX)
    assert [(m.id, m.sent_timestamp, m.delayed_until) for m in inbox] == before
    assert (inbox[0].id, inbox[0].body, inbox[0].message_attributes) == (sent.id, "first", colour)
    # The same MD5 of attributes a receive answers with.
    assert inbox[0].attribute_md5 == sent.attribute_md5
    # Delayed still: not received before its DelaySeconds are over.
    assert [m.body for m in _sqs().receive_message(INBOX.queue_name, 10, 0, 30)] == ["first"]
    [back] = _messages(ORDERED)
    assert (back.id, back.group_id, back.deduplication_id, back.sequence_number) == (
        ordered.id,
        "g-1",
        "d-1",
        ordered.sequence_number,
    )
    server.stopped()


def test_deletes_and_a_purge_stay_done_after_a_kill(folder: Path) -> None:
    server = Server(folder).start()
    with journaled():
        for body in ("a", "b", "c", "d"):
            _sqs().send_message(INBOX.queue_name, body)
        _sqs().send_message(ORDERED.queue_name, "purged", None, None, "p", "g")
    with journaled():
        received = _sqs().receive_message(INBOX.queue_name, 3, 0, 30)
    assert [m.body for m in received] == ["a", "b", "c"]
    with journaled():
        _sqs().delete_message(INBOX.queue_name, received[0].receipt_handle)
        entries = [{"Id": "1", "ReceiptHandle": received[2].receipt_handle}]
        _sqs().delete_message_batch(INBOX.queue_name, entries)
        _sqs().purge_queue(ORDERED.queue_name)
    server = _restarted(server, folder)
    # "b" was received, not deleted: it is there (visible at once, see resource_data).
    assert [m.body for m in _messages(INBOX)] == ["b", "d"]
    assert _messages(ORDERED) == []
    server.stopped()


def test_a_move_to_the_dead_letter_queue_stays_made_after_a_kill(folder: Path) -> None:
    server = Server(folder).start()
    with journaled():
        sent = _sqs().send_message(JOBS.queue_name, "poison")
    with journaled():
        assert len(_sqs().receive_message(JOBS.queue_name, 1, 0, 0)) == 1
    with journaled():
        # Received maxReceiveCount (1) times: this receive moves it.
        assert _sqs().receive_message(JOBS.queue_name, 1, 0, 0) == []
    server = _restarted(server, folder)
    assert _messages(JOBS) == []
    assert [(m.id, m.body) for m in _messages(DEAD)] == [(sent.id, "poison")]
    server.stopped()


def test_a_publish_fanned_out_to_a_queue_survives_a_kill(folder: Path) -> None:
    server = Server(folder).start()
    with journaled():
        sns_backends[ACCOUNT][REGION].publish("to every subscriber", arn=TOPIC)
    server = _restarted(server, folder)
    [delivered] = _messages(INBOX)
    envelope = json.loads(delivered.body)
    assert (envelope["Type"], envelope["Message"], envelope["TopicArn"]) == (
        "Notification",
        "to every subscriber",
        TOPIC,
    )
    server.stopped()


def test_objects_put_copied_deleted_and_completed_survive_a_kill(folder: Path) -> None:
    server = Server(folder).start()
    s3, bucket = _s3(), UPLOADS.bucket_name
    large = bytes(range(256)) * (INLINE_BYTES // 128)
    with journaled():
        small = s3.put_object(bucket, "notes/a.txt", b"\x00bytes")
        small.set_metadata({"Content-Type": "text/plain", "x-amz-meta-owner": "ada"})
        s3.put_object(bucket, "big.bin", large)
        s3.put_object(bucket, "gone.txt", b"deleted later")
        s3.put_object(bucket, "also-gone.txt", b"deleted in a batch")
    with journaled():
        s3.copy_object(s3.get_object(bucket, "notes/a.txt"), bucket, "copy.txt")
        s3.delete_object(bucket, "gone.txt")
        s3.delete_objects(bucket, [{"Key": "also-gone.txt"}])
        upload = s3.create_multipart_upload(
            bucket, "parts.bin", {}, "STANDARD", {}, None, None, None
        )
        first = s3.upload_part(bucket, upload.id, 1, b"p" * 5 * 1024 * 1024)
        second = s3.upload_part(bucket, upload.id, 2, b"q")
        s3.complete_multipart_upload(bucket, upload.id, [(1, first.etag), (2, second.etag)])
    etags = {name: key.etag for name, key in s3.buckets[bucket].keys.items()}
    modified = s3.get_object(bucket, "notes/a.txt").last_modified
    # The large object's bytes are a file of their own, not a record.
    assert [path.name for path in server.files.objects.iterdir()] != []
    server = _restarted(server, folder)
    kept = s3.buckets[bucket].keys
    assert sorted(kept) == ["big.bin", "copy.txt", "notes/a.txt", "parts.bin"]
    assert {name: key.etag for name, key in kept.items()} == etags
    assert etags["parts.bin"].endswith('-2"')
    back = s3.get_object(bucket, "notes/a.txt")
    assert (back.value, back.last_modified) == (b"\x00bytes", modified)
    assert (back.metadata["content-type"], back.metadata["x-amz-meta-owner"]) == (
        "text/plain",
        "ada",
    )
    assert s3.get_object(bucket, "big.bin").value == large
    assert s3.get_object(bucket, "parts.bin").value == b"p" * 5 * 1024 * 1024 + b"q"
    server.stopped()


def test_a_torn_record_at_the_end_is_dropped_and_the_rest_kept(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = Server(folder).start()
    with journaled():
        _sqs().send_message(INBOX.queue_name, "whole")
    with journaled():
        _sqs().send_message(INBOX.queue_name, "torn")
    journal = server.files.journal
    text = journal.read_bytes()
    # The crash came halfway through the last record's write.
    journal.write_bytes(text[: len(text) - 20])
    server = _restarted(server, folder)
    assert [m.body for m in _messages(INBOX)] == ["whole"]
    assert "cut short" in caplog.text
    server.stopped()


def test_the_files_stay_bounded_under_many_writes(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(resource_journal, "COMPACT_BYTES", 16 * 1024)
    server = Server(folder).start()
    for number in range(400):
        with journaled():
            _sqs().send_message(INBOX.queue_name, f"message {number}")
        with journaled():
            [received] = _sqs().receive_message(INBOX.queue_name, 1, 0, 30)
            _sqs().delete_message(INBOX.queue_name, received.receipt_handle)
    # Compacted on the way (1,200 records of about 100 bytes each were written).
    assert server.files.journal.stat().st_size < 17 * 1024
    for number in range(12):
        with journaled():
            _s3().put_object(UPLOADS.bucket_name, "big.bin", bytes([number]) * 2 * INLINE_BYTES)
    # Each put wrote a file larger than the limit: the old ones are gone at each compaction.
    assert len(list(server.files.objects.iterdir())) == 1
    server = _restarted(server, folder)
    assert _messages(INBOX) == []
    assert _s3().get_object(UPLOADS.bucket_name, "big.bin").value == bytes([11]) * 2 * INLINE_BYTES
    server.stopped()
    assert len(list(server.files.objects.iterdir())) == 1


def test_a_change_the_disk_refuses_is_an_error_and_written_with_the_next(folder: Path) -> None:
    server = Server(folder).start()
    files = server.files
    files.close()
    kept, files.journal = files.journal, Path("/dev/full")
    with pytest.raises(ResourceJournalError, match="/dev/full"), journaled():
        _sqs().send_message(INBOX.queue_name, "refused at first")
    files.close()
    files.journal = kept
    with journaled():
        _sqs().send_message(INBOX.queue_name, "then written")
    server = _restarted(server, folder)
    assert [m.body for m in _messages(INBOX)] == ["refused at first", "then written"]
    server.stopped()


def test_a_queue_a_reload_adds_is_kept_with_what_it_held(folder: Path) -> None:
    server = Server(folder).start()
    added = QueueSpec("journal-added", REGION, ACCOUNT)
    _sqs().create_queue(added.queue_name)
    _sqs().send_message(added.queue_name, "before the reload")
    reloaded = ServiceResources(queues=(*RESOURCES.queues, added), buckets=RESOURCES.buckets)
    server.created.create(reloaded, _locate)
    server.killed()
    _sqs().queues.pop(added.queue_name)
    server.created.remove()
    again = CreatedResources()
    again.create(reloaded, _locate)
    journal = ResourceJournal(ResourceFiles(folder / "resources.json"), reloaded)
    journal.start()
    assert [m.body for m in _messages(added)] == ["before the reload"]
    journal.stop()
    again.remove()
