"""What keeping a template's queues and buckets in the data directory costs per change
(`appsync.aws.resource_journal`): each change in moto's backends in this process, inside
`journaled()` as the AWS endpoint makes it, with no journal (`--ephemeral`), with the journal as
`serve` keeps it (each record handed to the operating system) and as `serve --fsync` keeps it
(an fsync per change), interleaved in rounds so that drift hits all three alike.

    .venv/bin/python -m bench.queue_writes [--changes 300] [--depth 100] [--rounds 3]

The operations: SendMessage to a queue holding `--depth` messages; ReceiveMessage then
DeleteMessage of one of them (the journal compares the queue's MessageIds with what it wrote,
as moto's own delete walks the queue); PutObject of 1 KiB (inline in the record) and of 256 KiB
(a file of its own). Each figure is the median per operation of this process's CPU time (what
the server spends) and of the wall time (which includes the fsync's wait), in microseconds,
with each one's ratio to memory only. The data directories live in a temporary folder on the
same disk as the repository.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from moto.s3.models import s3_backends
from moto.sqs.models import sqs_backends

from appsync.aws.resource_files import ResourceFiles
from appsync.aws.resource_journal import ResourceJournal, journal_changes, journaled
from appsync.aws.service_resources import CreatedResources
from definition.problems import Problem
from definition.service_resources import BucketSpec, QueueSpec, ServiceResources

ACCOUNT, REGION = "123456789012", "us-east-1"
QUEUE = QueueSpec("bench-queue-writes", REGION, ACCOUNT)
BUCKET = BucketSpec("bench-queue-writes", REGION)
RESOURCES = ServiceResources(queues=(QUEUE,), buckets=(BUCKET,))
MODES = ("memory", "kept", "fsync")


def _operations() -> dict[str, Callable[[int], None]]:
    sqs = sqs_backends[ACCOUNT][REGION]
    s3 = s3_backends[ACCOUNT]["global"]
    small, large = b"s" * 1024, b"l" * 256 * 1024

    def send(number: int) -> None:
        sqs.send_message(QUEUE.queue_name, f"message {number}")

    def delete(number: int) -> None:
        [received] = sqs.receive_message(QUEUE.queue_name, 1, 0, 30)
        sqs.delete_message(QUEUE.queue_name, str(received.receipt_handle))

    def put_small(number: int) -> None:
        s3.put_object(BUCKET.bucket_name, f"small/{number % 100}", small)

    def put_large(number: int) -> None:
        s3.put_object(BUCKET.bucket_name, f"large/{number % 10}", large + bytes([number % 256]))

    return {"send": send, "delete": delete, "put 1 KiB": put_small, "put 256 KiB": put_large}


def _timed(operation: Callable[[int], None], changes: int) -> tuple[list[float], list[float]]:
    cpu, wall = [], []
    for number in range(changes):
        started, started_cpu = time.perf_counter_ns(), time.process_time_ns()
        with journaled():
            operation(number)
        cpu.append((time.process_time_ns() - started_cpu) / 1000)
        wall.append((time.perf_counter_ns() - started) / 1000)
    return cpu, wall


def _round(
    mode: str, folder: Path, changes: int, depth: int, figures: dict[tuple[str, str], Any]
) -> None:
    created = CreatedResources()
    created.create(RESOURCES, lambda path, text: Problem("bench", path, text))
    journal = None
    if mode != "memory":
        files = ResourceFiles(folder / mode / "resources.json", fsync=mode == "fsync")
        files.snapshot.parent.mkdir(parents=True, exist_ok=True)
        journal = ResourceJournal(files, RESOURCES)
        journal.start()
        journal_changes(journal)
    try:
        operations = _operations()
        with journaled():
            for number in range(depth):
                operations["send"](number)
        for name, operation in operations.items():
            cpu, wall = _timed(operation, changes)
            figures.setdefault((name, mode), ([], []))
            figures[name, mode][0].extend(cpu)
            figures[name, mode][1].extend(wall)
    finally:
        journal_changes(None)
        if journal is not None:
            journal.stop()
        sqs_backends[ACCOUNT][REGION].queues.pop(QUEUE.queue_name, None)
        created.remove()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=300, help="per operation and round")
    parser.add_argument("--depth", type=int, default=100, help="messages the queue holds")
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    figures: dict[tuple[str, str], Any] = {}
    with tempfile.TemporaryDirectory(dir=Path(__file__).resolve().parent.parent) as folder:
        for each in range(arguments.rounds):
            for mode in MODES:
                _round(mode, Path(folder) / str(each), arguments.changes, arguments.depth, figures)
    print(
        f"queue and bucket changes in process, a queue of {arguments.depth} messages, "
        f"median per operation (us)"
    )
    print(
        f"{'operation':>12} {'cpu':>7} {'kept':>7} {'fsync':>7} {'x kept':>7} "
        f"{'wall':>7} {'kept':>7} {'fsync':>8} {'x kept':>7} {'x fsync':>8}"
    )
    for name in _operations():
        cpu = [statistics.median(figures[name, mode][0]) for mode in MODES]
        wall = [statistics.median(figures[name, mode][1]) for mode in MODES]
        print(
            f"{name:>12} {cpu[0]:7.1f} {cpu[1]:7.1f} {cpu[2]:7.1f} {cpu[1] / cpu[0]:7.2f} "
            f"{wall[0]:7.1f} {wall[1]:7.1f} {wall[2]:8.1f} {wall[1] / wall[0]:7.2f} "
            f"{wall[2] / wall[0]:8.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
