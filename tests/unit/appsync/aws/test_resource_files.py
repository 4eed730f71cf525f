"""The files of the kept queues and buckets: a journal's damaged lines are dropped and the whole
ones kept; a crash anywhere in a compaction leaves files that read back to what was written;
an object file is named by its bytes and read back only when it holds them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from appsync.aws.resource_files import ResourceFiles

PUT = {"queue": "arn:aws:sqs:eu-west-2:123456789012:q", "put": {"id": "1", "body": "a"}}
DELETE = {"queue": "arn:aws:sqs:eu-west-2:123456789012:q", "delete": ["1"]}


def _files(tmp_path: Path) -> ResourceFiles:
    files = ResourceFiles(tmp_path / "resources.json")
    files.read()
    files.compact({"queues": {}, "buckets": {}}, set())
    return files


def test_appended_records_are_read_back_in_order(tmp_path: Path) -> None:
    files = _files(tmp_path)
    files.append([PUT])
    files.append([DELETE, PUT])
    files.close()
    kept, records = ResourceFiles(tmp_path / "resources.json").read()
    assert (kept["format"], kept["generation"]) == (2, 1)
    assert records == [PUT, DELETE, PUT]


def test_a_damaged_line_is_dropped_and_the_lines_after_it_kept(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    files = _files(tmp_path)
    files.append([PUT, DELETE, PUT])
    files.close()
    lines = files.journal.read_bytes().split(b"\n")
    # A flipped byte in the second record: its checksum no longer matches.
    lines[2] = lines[2].replace(b'"1"', b'"7"')
    files.journal.write_bytes(b"\n".join(lines))
    assert ResourceFiles(files.snapshot).read()[1] == [PUT, PUT]
    assert "line 3 is damaged" in caplog.text


def test_a_journal_older_than_the_snapshot_is_not_read_again(tmp_path: Path) -> None:
    files = _files(tmp_path)
    files.append([PUT])
    old_journal = files.journal.read_bytes()
    files.compact({"queues": {PUT["queue"]: [PUT["put"]]}, "buckets": {}}, set())
    # A crash between the two renames: the new snapshot beside the old journal.
    files.journal.write_bytes(old_journal)
    kept, records = ResourceFiles(files.snapshot).read()
    assert (kept["generation"], records) == (2, [])
    assert kept["queues"][PUT["queue"]] == [PUT["put"]]


def test_a_crash_before_the_snapshot_s_rename_leaves_the_old_pair(tmp_path: Path) -> None:
    files = _files(tmp_path)
    files.append([PUT])
    files.close()
    # The new snapshot was being written under its temporary name.
    (tmp_path / "resources.json.tmp").write_text('{"format": 2, "gener')
    assert ResourceFiles(files.snapshot).read()[1] == [PUT]


def test_a_damaged_snapshot_is_moved_aside_and_the_journal_read(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    files = _files(tmp_path)
    files.append([PUT])
    files.close()
    files.snapshot.write_text("{damaged")
    kept, records = ResourceFiles(files.snapshot).read()
    assert (kept, records) == (None, [PUT])
    assert (tmp_path / "resources.json.damaged").read_text() == "{damaged"
    assert "could not be read" in caplog.text


def test_an_object_file_is_named_by_its_bytes_and_collected_when_unnamed(tmp_path: Path) -> None:
    files = _files(tmp_path)
    kept = files.store_object(b"kept bytes")
    gone = files.store_object(b"replaced bytes")
    assert kept == hashlib.sha256(b"kept bytes").hexdigest()
    assert files.store_object(b"kept bytes") == kept
    assert files.read_object(kept) == b"kept bytes"
    (files.objects / gone).write_bytes(b"not what its name says")
    with pytest.raises(OSError, match="does not hold the bytes"):
        files.read_object(gone)
    files.compact({"queues": {}, "buckets": {"b": [{"key": "k", "blob": kept}]}}, {kept})
    assert [path.name for path in files.objects.iterdir()] == [kept]


def test_with_fsync_the_same_files_are_written(tmp_path: Path) -> None:
    files = ResourceFiles(tmp_path / "resources.json", fsync=True)
    files.read()
    files.compact({"queues": {}, "buckets": {}}, set())
    files.append([PUT])
    files.store_object(b"on the disk")
    files.close()
    assert ResourceFiles(files.snapshot).read()[1] == [PUT]
    assert json.loads(files.snapshot.read_text())["generation"] == 1
