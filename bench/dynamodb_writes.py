"""Memory and latency across many DynamoDB writes: both must stay flat (issue 12, item 5); and
what keeping them in a data directory costs (issue 17).

    .venv/bin/python -m bench.dynamodb_writes [--writes 100000] [--every 10000] [--keys 1000]
        [--direct-keys 100] [--connections 16] [--part both|server|direct|persistence]
        [--tracemalloc]

Two parts, each printing one row per `--every` writes:

1. **Server**: `appsync-local`'s app under uvicorn in its own process (bench/http.py's DynamoDB
   API), driven by the `putItem` mutation (AppSync's PutItem reference template) over 16
   keep-alive loopback connections. Each row gives that process's RSS (from /proc) and the p50
   and p99 of the writes in that slice.
2. **Direct**: the embedded operations (`MotoDynamoDB`) in this process, cycling PutItem,
   UpdateItem, DeleteItem, BatchWriteItem and TransactWriteItems. Each row gives this process's
   RSS and the p99 per operation; with `--tracemalloc`, also the bytes still allocated since
   the start (tracemalloc makes every call several times slower).

`--part persistence` measures the write-through to the data directory (SQLite in WAL mode)
against memory only (`--ephemeral`), in the same run, interleaved in rounds: the direct
operations with no store, with the `TableStore` as `serve` keeps it (synchronous=NORMAL) and as
`serve --fsync` keeps it (synchronous=FULL, an fsync per write), as the median time per
operation; then the putItem mutations through three servers, one for each (writes/s, p50, p99).
It prints each figure and its ratio to memory only; the data directories live in a temporary
folder on the same disk as the repository.

The writes go to `--keys` (server) or `--direct-keys` (direct) distinct keys in turn, so the
table holds the same number of items throughout: whatever grows is kept by something other than
the table's data. The direct table is smaller because moto's TransactWriteItems deep-copies the
whole table for its rollback, so its cost grows with the table (README, "Embedded DynamoDB").
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.http import (
    DYNAMODB,
    Phase,
    _graphql,
    _request,
    _start,
    _write_dynamodb_api,
    read_answer,
)
from bench.processes import wait_until_listening
from resolvers.datasources.dynamodb_moto import MotoDynamoDB, journal_writes
from resolvers.datasources.dynamodb_store import TableStore

TABLE = "BenchWrites"
REGION = "us-west-2"


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc")


def _p(values: list[float], percentile: int) -> float:
    return statistics.quantiles(values, n=100)[percentile - 1] * 1000


class _Writes:
    """The next write number, shared by the connections of one slice."""

    def __init__(self, first: int, last: int) -> None:
        self.next = first
        self.last = last

    def take(self) -> int | None:
        if self.next >= self.last:
            return None
        number = self.next
        self.next += 1
        return number


async def _connection(
    port: int, writes: _Writes, keys: int, latencies: list[float], requests: dict[int, bytes]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while (number := writes.take()) is not None:
            started = time.perf_counter()
            writer.write(requests[number % keys])
            body = await read_answer(reader)
            if b'"errors"' in body:
                raise RuntimeError(f"the mutation failed: {body[:200]!r}")
            latencies.append(time.perf_counter() - started)
    finally:
        writer.close()
        await writer.wait_closed()


def _put_request(port: int, key: int) -> bytes:
    mutation = f'mutation {{ putItem(id: "w{key}", title: "write {key}") {{ id title }} }}'
    return _request("127.0.0.1", port, Phase("putItem", "/graphql", _graphql(mutation), DYNAMODB))


async def _server_part(
    port: int, pid: int, writes: int, every: int, keys: int, connections: int
) -> None:
    requests = {key: _put_request(port, key) for key in range(keys)}
    print(f"server: putItem mutations, {connections} connections, {keys} keys")
    print(f"{'writes':>8} {'RSS MiB':>8} {'p50 ms':>8} {'p99 ms':>8} {'writes/s':>9}")
    print(f"{0:8} {_rss_mib(pid):8.1f}")
    for first in range(0, writes, every):
        latencies: list[float] = []
        slice_writes = _Writes(first, min(first + every, writes))
        started = time.perf_counter()
        async with asyncio.TaskGroup() as group:
            for _ in range(connections):
                group.create_task(_connection(port, slice_writes, keys, latencies, requests))
        seconds = time.perf_counter() - started
        print(
            f"{slice_writes.last:8} {_rss_mib(pid):8.1f} {_p(latencies, 50):8.2f} "
            f"{_p(latencies, 99):8.2f} {len(latencies) / seconds:9.0f}"
        )


def _direct_operations(keys: int) -> list[Callable[[MotoDynamoDB, int], dict[str, Any]]]:
    def item(number: int) -> dict[str, Any]:
        return {"id": {"S": f"w{number % keys}"}, "title": {"S": f"write {number}"}}

    def put(operations: MotoDynamoDB, number: int) -> dict[str, Any]:
        return operations.call_now("PutItem", {"TableName": TABLE, "Item": item(number)})

    def update(operations: MotoDynamoDB, number: int) -> dict[str, Any]:
        return operations.call_now(
            "UpdateItem",
            {
                "TableName": TABLE,
                "Key": {"id": item(number)["id"]},
                "UpdateExpression": "SET title = :t",
                "ExpressionAttributeValues": {":t": {"S": f"update {number}"}},
            },
        )

    def delete(operations: MotoDynamoDB, number: int) -> dict[str, Any]:
        return operations.call_now(
            "DeleteItem", {"TableName": TABLE, "Key": {"id": item(number)["id"]}}
        )

    def batch(operations: MotoDynamoDB, number: int) -> dict[str, Any]:
        request = [{"PutRequest": {"Item": item(number)}}]
        return operations.call_now("BatchWriteItem", {"RequestItems": {TABLE: request}})

    def transact(operations: MotoDynamoDB, number: int) -> dict[str, Any]:
        put = {"Put": {"TableName": TABLE, "Item": item(number)}}
        return operations.call_now("TransactWriteItems", {"TransactItems": [put]})

    return [put, update, delete, batch, transact]


def _direct_table() -> MotoDynamoDB:
    operations = MotoDynamoDB(REGION)
    operations.call_now(
        "CreateTable",
        {
            "TableName": TABLE,
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
    )
    return operations


def _direct_part(writes: int, every: int, keys: int, trace: bool) -> None:
    operations = _direct_table()
    calls = _direct_operations(keys)
    names = [call.__name__ for call in calls]
    for number in range(keys):  # the table at its full size before measuring
        calls[0](operations, number)
    gc.collect()
    if trace:
        tracemalloc.start()
    baseline = tracemalloc.get_traced_memory()[0]
    print(f"direct: MotoDynamoDB in process, {keys} keys, operations in turn: {', '.join(names)}")
    header = " ".join(f"{name + ' p99':>12}" for name in names)
    kept_header = f" {'kept KiB':>9}" if trace else ""
    print(f"{'writes':>8} {'RSS MiB':>8}{kept_header} {header}")
    pid = os.getpid()
    print(f"{0:8} {_rss_mib(pid):8.1f}" + (f" {0:9.0f}" if trace else ""))
    for first in range(0, writes, every):
        latencies: dict[str, list[float]] = {name: [] for name in names}
        for number in range(first, min(first + every, writes)):
            call = calls[number % len(calls)]
            started = time.perf_counter()
            call(operations, number)
            latencies[call.__name__].append(time.perf_counter() - started)
        gc.collect()
        kept = f" {(tracemalloc.get_traced_memory()[0] - baseline) / 1024:9.0f}" if trace else ""
        row = " ".join(f"{_p(latencies[name], 99):12.3f}" for name in names)
        print(f"{min(first + every, writes):8} {_rss_mib(pid):8.1f}{kept} {row}")
    tracemalloc.stop()


# Rounds of the persistence comparison: memory and kept alternate, so drift hits both alike.
_ROUNDS = 3


# The three ways of keeping data compared: memory only, `serve`'s default, `serve --fsync`.
_MODES = ("memory", "kept", "fsync")


def _persistence_part(writes: int, keys: int, direct_keys: int, connections: int) -> None:
    """Kept in a data directory against memory only, direct and through the server."""
    with tempfile.TemporaryDirectory(dir=Path(__file__).resolve().parent.parent) as folder:
        _direct_persistence(writes, direct_keys, Path(folder))
        print()
        _server_persistence(writes, keys, connections, Path(folder))


def _direct_persistence(writes: int, keys: int, folder: Path) -> None:
    operations = _direct_table()
    calls = _direct_operations(keys)
    names = [call.__name__ for call in calls]
    stores = {
        "memory": None,
        "kept": TableStore(folder / "kept.sqlite"),
        "fsync": TableStore(folder / "fsync.sqlite", fsync=True),
    }
    for store in stores.values():  # the table at its full size, in memory and in each file
        journal_writes(store)
        for number in range(keys):
            calls[0](operations, number)
    times: dict[tuple[str, str], list[float]] = {(n, m): [] for n in names for m in _MODES}
    count = max(len(calls), writes // (len(_MODES) * _ROUNDS))
    for _ in range(_ROUNDS):
        for mode, store in stores.items():
            journal_writes(store)
            for number in range(count):
                call = calls[number % len(calls)]
                started = time.perf_counter()
                call(operations, number)
                times[(call.__name__, mode)].append(time.perf_counter() - started)
    journal_writes(None)
    for store in stores.values():
        if store is not None:
            store.close()
    print(f"direct: MotoDynamoDB in process, {keys} keys, median per operation (us)")
    print(f"{'operation':>12} {'memory':>8} {'kept':>8} {'fsync':>8} {'x kept':>7} {'x fsync':>8}")
    for name in names:
        memory, kept, fsync = (statistics.median(times[(name, m)]) * 1e6 for m in _MODES)
        print(
            f"{name:>12} {memory:8.1f} {kept:8.1f} {fsync:8.1f} "
            f"{kept / memory:7.2f} {fsync / memory:8.2f}"
        )


def _server_persistence(writes: int, keys: int, connections: int, folder: Path) -> None:
    config = _write_dynamodb_api(folder)
    targets = {}
    processes = []
    try:
        for mode in _MODES:
            data = None if mode == "memory" else folder / mode
            target, process = _start(config, data, fsync=mode == "fsync")
            targets[mode] = target
            processes.append(process)
        for target, process in zip(targets.values(), processes, strict=True):
            wait_until_listening(target.port, process)
        results = asyncio.run(_server_rounds(targets, writes, keys, connections))
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)
    print(f"server: putItem mutations, {connections} connections, {keys} keys")
    print(f"{'':>8} {'writes/s':>9} {'p50 ms':>8} {'p99 ms':>8}")
    for mode in _MODES:
        rate, latencies = results[mode]
        print(f"{mode:>8} {rate:9.0f} {_p(latencies, 50):8.2f} {_p(latencies, 99):8.2f}")
    memory_rate, memory_latencies = results["memory"]
    for mode in _MODES[1:]:
        rate, latencies = results[mode]
        print(
            f"{'x ' + mode:>8} {rate / memory_rate:9.2f} "
            f"{_p(latencies, 50) / _p(memory_latencies, 50):8.2f} "
            f"{_p(latencies, 99) / _p(memory_latencies, 99):8.2f}"
        )


async def _server_rounds(
    targets: dict[str, Any], writes: int, keys: int, connections: int
) -> dict[str, tuple[float, list[float]]]:
    requests = {
        mode: {k: _put_request(t.port, k) for k in range(keys)} for mode, t in targets.items()
    }
    elapsed = dict.fromkeys(targets, 0.0)
    latencies: dict[str, list[float]] = {mode: [] for mode in targets}
    count = writes // (len(targets) * _ROUNDS)
    for _ in range(_ROUNDS):
        for mode, target in targets.items():
            started = time.perf_counter()
            slice_writes = _Writes(0, count)
            async with asyncio.TaskGroup() as group:
                for _ in range(connections):
                    group.create_task(
                        _connection(
                            target.port, slice_writes, keys, latencies[mode], requests[mode]
                        )
                    )
            elapsed[mode] += time.perf_counter() - started
    return {mode: (len(latencies[mode]) / elapsed[mode], latencies[mode]) for mode in targets}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--writes", type=int, default=100_000)
    parser.add_argument("--every", type=int, default=10_000, help="writes per printed row")
    parser.add_argument("--keys", type=int, default=1_000, help="distinct keys (server part)")
    parser.add_argument("--direct-keys", type=int, default=100, help="distinct keys (direct)")
    parser.add_argument("--tracemalloc", action="store_true", help="also count kept bytes")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--part", choices=("both", "server", "direct", "persistence"), default="both"
    )
    arguments = parser.parse_args()
    if arguments.part == "persistence":
        _persistence_part(
            arguments.writes, arguments.keys, arguments.direct_keys, arguments.connections
        )
        return 0
    if arguments.part != "direct":
        with tempfile.TemporaryDirectory() as folder:
            target, process = _start(_write_dynamodb_api(Path(folder)))
            try:
                wait_until_listening(target.port, process)
                asyncio.run(
                    _server_part(
                        target.port,
                        target.pid,
                        arguments.writes,
                        arguments.every,
                        arguments.keys,
                        arguments.connections,
                    )
                )
            finally:
                process.terminate()
                process.wait(10)
        print()
    if arguments.part != "server":
        _direct_part(
            arguments.writes, arguments.every, arguments.direct_keys, arguments.tracemalloc
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
