"""The files a template's queues and buckets are kept in, in the data directory
(`appsync.aws.resource_journal` decides what goes in them):

* `resources.json`: a snapshot, `{"format": 2, "generation": N, "queues": {arn: [message...]},
  "buckets": {name: [object...]}}` (`resource_data`'s entries);
* `resources.journal`: the changes since that snapshot, one JSON record a line, each line
  `<crc32 of the JSON, 8 hex digits> <JSON>\n`, the first a header naming the snapshot's
  generation it follows;
* `resources.objects/`: the bytes of objects too large to be inline, a file each, named by
  their SHA-256 (written once, shared by every entry with those bytes).

Every change is appended to the journal and handed to the operating system before it is
answered (`append`); with `fsync` the disk has it too. A record cut short by a crash (a torn
write: no newline, or a checksum that does not match) is dropped with a warning, and the
complete records before and after it are kept.

A snapshot and a new journal are each written under a temporary name and renamed into place
(rename is atomic on POSIX): a crash mid-compaction leaves the old pair, or the new snapshot with
the old journal, whose generation is then older than the snapshot's, so it is not read again
(everything in it is in the snapshot). An object file is renamed into place once whole, so a
name is never a torn file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from appsync.data_directory import RESOURCES_JOURNAL, RESOURCES_OBJECTS
from appsync.errors import ResourceJournalError

logger = logging.getLogger(__name__)

FORMAT = 2


class ResourceFiles:
    """The snapshot `file`, its journal and the objects' folder beside it."""

    def __init__(self, file: Path, *, fsync: bool = False) -> None:
        self.snapshot = file
        self.journal = file.parent / RESOURCES_JOURNAL
        self.objects = file.parent / RESOURCES_OBJECTS
        self.fsync = fsync
        self.generation = 0
        # Bytes written since the last compaction: the journal's records and object files.
        self.written = 0
        # The snapshot's size: a journal is compacted once it has grown larger (or 8 MiB).
        self.snapshot_bytes = 0
        # The journal's descriptor, open for appending, and its size.
        self._out: int | None = None
        self._size = 0

    # --- reading (at start) -------------------------------------------------------------

    def read(self) -> tuple[Any, list[dict[str, Any]]]:
        """The snapshot (None when there is none) and the journal's complete records that
        follow it. A snapshot that cannot be read is moved aside (`.damaged`, logged) and the
        journal's records are all there is."""
        damaged = False
        try:
            text = self.snapshot.read_bytes()
            self.snapshot_bytes = len(text)
            kept = json.loads(text)
        except FileNotFoundError:
            kept = None
        except (OSError, ValueError) as error:
            damaged, kept = True, None
            aside = self.snapshot.with_name(self.snapshot.name + ".damaged")
            logger.warning(
                "%s could not be read (%s): the queues and buckets start with the journal's "
                "changes alone; the file is kept as %s",
                self.snapshot,
                error,
                aside,
            )
            with contextlib.suppress(OSError):
                os.replace(self.snapshot, aside)
        generation = kept.get("generation", 0) if isinstance(kept, dict) else 0
        self.generation = generation if isinstance(generation, int) else 0
        return kept, self._records(any_generation=damaged)

    def _records(self, *, any_generation: bool) -> list[dict[str, Any]]:
        try:
            lines = self.journal.read_bytes().split(b"\n")
        except FileNotFoundError:
            return []
        except OSError as error:
            logger.warning("%s could not be read: %s", self.journal, error)
            return []
        # The text after the last newline is a record the crash cut short, or nothing.
        *complete, tail = lines
        if tail:
            logger.warning("%s: a record cut short at its end was dropped", self.journal)
        records = []
        for number, line in enumerate(complete, 1):
            record = _record(line)
            if record is None:
                logger.warning("%s: line %d is damaged and was dropped", self.journal, number)
            else:
                records.append(record)
        if not records or "generation" not in records[0]:
            if records:
                logger.warning("%s has no header: not read", self.journal)
            return []
        generation = records[0]["generation"]
        if any_generation and isinstance(generation, int):
            self.generation = generation
        elif generation != self.generation:
            # Written before the snapshot now in place: everything in it is there already.
            logger.info("%s precedes %s: not read", self.journal, self.snapshot)
            return []
        return records[1:]

    def read_object(self, name: str) -> bytes:
        """The bytes of the object file `name`; raises OSError."""
        value = (self.objects / name).read_bytes()
        if hashlib.sha256(value).hexdigest() != name:
            raise OSError(f"{self.objects / name} does not hold the bytes it is named after")
        return value

    # --- writing ----------------------------------------------------------------------------

    def append(self, records: Iterable[dict[str, Any]]) -> None:
        """`records` at the journal's end, handed to the operating system (with `fsync`, to the
        disk) before this returns; raises ResourceJournalError, with the journal as it was."""
        data = b"".join(_line(record) for record in records)
        if not data:
            return
        try:
            if self._out is None:
                self._out = os.open(self.journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                self._size = os.fstat(self._out).st_size
            view = memoryview(data)
            while view:
                view = view[os.write(self._out, view) :]
            if self.fsync:
                os.fsync(self._out)
        except OSError as error:
            # A part written would run into the next record: the journal is cut back.
            if self._out is not None:
                with contextlib.suppress(OSError):
                    os.ftruncate(self._out, self._size)
            self.close()
            raise ResourceJournalError(f"cannot write {self.journal}: {error}") from error
        self._size += len(data)
        self.written += len(data)

    def store_object(self, value: bytes) -> str:
        """An object's bytes in a file of their own (kept if one holds them already); returns
        its name. Raises ResourceJournalError."""
        name = hashlib.sha256(value).hexdigest()
        target = self.objects / name
        if target.exists():
            return name
        try:
            self.objects.mkdir(exist_ok=True)
            self._replace(target, value)
        except OSError as error:
            raise ResourceJournalError(f"cannot write {target}: {error}") from error
        self.written += len(value)
        return name

    def compact(self, kept: dict[str, Any], objects: set[str]) -> None:
        """`kept` (queues and buckets, as `read` returns a snapshot's) the new snapshot, the
        journal emptied, the object files no entry names (but `objects`) deleted; raises
        ResourceJournalError (the old snapshot and journal are then still in place)."""
        generation = self.generation + 1
        snapshot = json.dumps({"format": FORMAT, "generation": generation, **kept}).encode()
        try:
            self._replace(self.snapshot, snapshot)
            self.close()
            self._replace(self.journal, _line({"format": FORMAT, "generation": generation}))
        except OSError as error:
            raise ResourceJournalError(f"cannot write {self.snapshot}: {error}") from error
        self.generation = generation
        self.written = 0
        self.snapshot_bytes = len(snapshot)
        self._collect(objects)

    def _collect(self, objects: set[str]) -> None:
        try:
            names = os.listdir(self.objects)
        except FileNotFoundError:
            return
        for name in names:
            if name not in objects:
                try:
                    (self.objects / name).unlink()
                except OSError as error:
                    logger.warning("%s could not be deleted: %s", self.objects / name, error)

    def _replace(self, target: Path, data: bytes) -> None:
        """`data` in `target`, written under another name and renamed into place."""
        partial = target.with_name(target.name + ".tmp")
        with partial.open("wb") as out:
            out.write(data)
            out.flush()
            if self.fsync:
                os.fsync(out.fileno())
        os.replace(partial, target)
        if self.fsync:
            # The rename itself is on the disk once the folder is.
            folder = os.open(target.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)

    def close(self) -> None:
        if self._out is not None:
            os.close(self._out)
            self._out = None


def _line(record: dict[str, Any]) -> bytes:
    # A value JSON has no type for (none is expected of moto's messages and objects) is kept as
    # its text rather than left to fail every later write.
    text = json.dumps(record, separators=(",", ":"), default=str).encode()
    return b"%08x %s\n" % (zlib.crc32(text), text)


def _record(line: bytes) -> dict[str, Any] | None:
    """A line's record, or None when the line is damaged."""
    checksum, _, text = line.partition(b" ")
    try:
        if int(checksum, 16) != zlib.crc32(text):
            return None
        record = json.loads(text)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None
