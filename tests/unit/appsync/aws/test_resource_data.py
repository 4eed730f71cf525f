"""What a template's queues and buckets hold is kept in the data directory between runs: the
messages of each queue (their ids, bodies, attributes, timestamps, a FIFO message's group and
deduplication ids) and the latest version of each object (its bytes, content type, user
metadata, ETag) are there again when the server starts; a file written before the journal
(its queues by name, messages without ids) is read too. The journal's records add up in order
(`KeptContents`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from moto.s3.models import s3_backends
from moto.sqs.models import sqs_backends

from appsync.aws.resource_data import KeptContents
from appsync.aws.service_resources import CreatedResources, resources_created
from definition.problems import Problem
from definition.service_resources import BucketSpec, QueueSpec, ServiceResources

ACCOUNT, REGION = "123456789012", "eu-west-2"
RESOURCES = ServiceResources(
    queues=(
        QueueSpec("kept-jobs", REGION, ACCOUNT),
        QueueSpec("kept-ordered.fifo", REGION, ACCOUNT, {"FifoQueue": "true"}),
    ),
    buckets=(BucketSpec("kept-uploads", REGION),),
)


def _locate(key_path: str, message: str) -> Problem:
    return Problem("template.yaml", key_path, message)


def _sqs() -> Any:
    return sqs_backends[ACCOUNT][REGION]


def _s3() -> Any:
    return s3_backends[ACCOUNT]["global"]


def test_messages_and_objects_are_there_again_after_a_restart(tmp_path: Path) -> None:
    kept = tmp_path / "resources.json"
    colour = {"colour": {"DataType": "String", "StringValue": "blue"}}
    with resources_created(CreatedResources(), RESOURCES, _locate, kept):
        _sqs().send_message("kept-jobs", "first", message_attributes=colour)
        _sqs().send_message("kept-jobs", "second")
        _sqs().send_message("kept-ordered.fifo", "in order", deduplication_id="d", group_id="g")
        stored = _s3().put_object("kept-uploads", "notes/a.txt", b"\x00bytes")
        stored.set_metadata({"content-type": "text/plain", "x-amz-meta-owner": "ada"})
    # Gone with the server that made them (moto's backends outlive it in this process).
    assert "kept-jobs" not in _sqs().queues
    assert "kept-uploads" not in _s3().buckets
    with resources_created(CreatedResources(), RESOURCES, _locate, kept):
        jobs = _sqs().get_queue("kept-jobs").messages
        assert [(m.body, m.message_attributes) for m in jobs] == [("first", colour), ("second", {})]
        [ordered] = _sqs().get_queue("kept-ordered.fifo").messages
        assert (ordered.body, ordered.group_id, ordered.deduplication_id) == ("in order", "g", "d")
        back = _s3().get_object("kept-uploads", "notes/a.txt")
        assert back.value == b"\x00bytes"
        assert back.metadata["content-type"] == "text/plain"
        assert back.metadata["x-amz-meta-owner"] == "ada"


def test_an_unreadable_file_starts_them_empty(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    kept = tmp_path / "resources.json"
    kept.write_text("{not json")
    with resources_created(CreatedResources(), RESOURCES, _locate, kept):
        assert _sqs().get_queue("kept-jobs").messages == []
    assert "could not be read" in caplog.text
    # Moved aside, not lost; a new snapshot written in its place.
    assert (tmp_path / "resources.json.damaged").read_text() == "{not json"
    assert kept.read_text().startswith('{"format": 2')


@pytest.mark.parametrize(
    ("text", "bodies"),
    [
        ('["not", "an object"]', []),
        ('{"queues": {"kept-jobs": [{"body": "kept"}, {"no body": 1}, 7]}}', ["kept"]),
        ('{"queues": [], "buckets": {"kept-uploads": [{"key": "a", "value": "%%%"}]}}', []),
    ],
)
def test_a_file_of_another_shape_puts_back_what_it_can(
    tmp_path: Path, text: str, bodies: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    # A file edited by hand, or by another version: no traceback, the server starts.
    kept = tmp_path / "resources.json"
    kept.write_text(text)
    with resources_created(CreatedResources(), RESOURCES, _locate, kept):
        assert [m.body for m in _sqs().get_queue("kept-jobs").messages] == bodies
        assert _s3().buckets["kept-uploads"].keys.get("a") is None
    assert "could not be put back" in caplog.text


def test_what_a_reload_added_is_kept_too(tmp_path: Path) -> None:
    kept = tmp_path / "resources.json"
    added = QueueSpec("kept-added", REGION, ACCOUNT)
    reloaded = ServiceResources(queues=(*RESOURCES.queues, added), buckets=RESOURCES.buckets)
    created = CreatedResources()
    with resources_created(created, RESOURCES, _locate, kept):
        # A reload creates what its definition adds (appsync.reload).
        created.create(reloaded, _locate)
        _sqs().send_message("kept-added", "after the reload")
    with resources_created(CreatedResources(), reloaded, _locate, kept):
        assert [m.body for m in _sqs().get_queue("kept-added").messages] == ["after the reload"]


def test_a_journal_s_records_add_up_in_order() -> None:
    contents = KeptContents()
    queue = RESOURCES.queues[0].arn
    records: list[dict[str, Any]] = [
        {"queue": queue, "put": {"id": "1", "body": "a"}},
        {"queue": queue, "put": {"id": "2", "body": "b"}},
        {"queue": queue, "put": {"id": "1", "body": "a again"}},
        {"queue": queue, "delete": ["2", "never there"]},
        {"bucket": "kept-uploads", "put": {"key": "k", "value": ""}},
        {"bucket": "kept-uploads", "put": {"key": "gone", "value": ""}},
        {"bucket": "kept-uploads", "delete": "gone"},
    ]
    for record in records:
        contents.apply(record)
    assert list(contents.queues[queue].values()) == [{"id": "1", "body": "a again"}]
    assert list(contents.buckets["kept-uploads"]) == ["k"]
    contents.apply({"queue": queue, "clear": True})
    assert contents.queues[queue] == {}
    with pytest.raises(KeyError):
        contents.apply({"queue": queue, "put": {"no id": 1}})


def test_a_file_written_before_the_journal_is_read_with_new_ids(tmp_path: Path) -> None:
    kept = tmp_path / "resources.json"
    kept.write_text(json.dumps({"queues": {"kept-jobs": [{"body": "from before"}]}}))
    with resources_created(CreatedResources(), RESOURCES, _locate, kept):
        [message] = _sqs().get_queue("kept-jobs").messages
        assert (message.body, len(message.id)) == ("from before", 36)
