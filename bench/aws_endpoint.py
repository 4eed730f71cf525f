"""DynamoDB's API on our AWS endpoint beside moto_server, from the same boto3 client code.

    .venv/bin/python -m bench.aws_endpoint [--seconds 1] [--rounds 9] [--quick]
    (or ./scripts/bench aws_endpoint)

Two servers, each a process of its own, started by this bench in the same run: moto_server
(moto's own threaded werkzeug server, `python -m moto.server`) and `appsync-local serve
--ephemeral` with one declared table. Both get the same table and the same 100 items. Then, in
rounds, one boto3 client per server (signed with `testing`/`testing`, which moto accepts as any
key) calls GetItem, PutItem and Query back to back for `--seconds`, the two servers taking
turns (which one goes first alternates); the figure is operations per second, and the median
of the rounds' ratios ours / moto_server, with their range (short rounds, many of them: a busy
machine moves both servers alike within a round). Beside it, each server process's own CPU time
per operation (from /proc), which another process's load disturbs far less. The client process
is the same Python for both, so its own cost (about a millisecond of boto3 per call) is in both
figures; PutItem writes up to 1,000 more items, which moto_server's every later Query pays for
(moto sorts the whole table per Query; the endpoint reads the queried partition).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import httpx
from botocore.config import Config

from bench.processes import cpu_seconds, free_port

TABLE = "BenchItems"
REGION = "us-east-1"
KEY_SCHEMA = [
    {"AttributeName": "pk", "KeyType": "HASH"},
    {"AttributeName": "sk", "KeyType": "RANGE"},
]
ATTRIBUTES = [
    {"AttributeName": "pk", "AttributeType": "S"},
    {"AttributeName": "sk", "AttributeType": "S"},
]
SCHEMA = "type Query { ping: String }\n"


def _wait(url: str, process: subprocess.Popen[bytes], seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with {process.returncode}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise RuntimeError(f"{url}: not answering after {seconds:g} s")


@dataclass(frozen=True, slots=True)
class Running:
    url: str
    pid: int

    def cpu_seconds(self) -> float:
        """The server process's CPU time so far (user + system, from /proc)."""
        return cpu_seconds(self.pid)


@contextmanager
def _process(command: list[str], url: str) -> Iterator[Running]:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(url, process)
        yield Running(url, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def moto_server() -> Iterator[Running]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with _process([sys.executable, "-m", "moto.server", "-p", str(port)], url) as running:
        yield running


@contextmanager
def ours(folder: Path) -> Iterator[Running]:
    (folder / "schema.graphql").write_text(SCHEMA)
    definition = {
        "name": "bench",
        "schema": "schema.graphql",
        "authenticationType": "API_KEY",
        "apiKeys": [{"id": "da2-benchawsendpoint000000000"}],
        "server": {
            "dynamodb": {
                "tables": [
                    {
                        "TableName": TABLE,
                        "KeySchema": KEY_SCHEMA,
                        "AttributeDefinitions": ATTRIBUTES,
                        "BillingMode": "PAY_PER_REQUEST",
                    }
                ]
            }
        },
    }
    config = folder / "appsync.json"
    config.write_text(json.dumps(definition))
    port = free_port()
    command = [sys.executable, "-m", "appsync", "serve", "--config", str(config)]
    command += ["--port", str(port), "--ephemeral", "--log-level", "warning"]
    url = f"http://127.0.0.1:{port}"
    with _process(command, url) as running:
        yield running


def client(url: str) -> Any:
    return boto3.client(
        "dynamodb",
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}),
    )


def _item(index: int) -> dict[str, Any]:
    return {
        "pk": {"S": f"user-{index % 10}"},
        "sk": {"S": f"{index:05d}"},
        "title": {"S": f"Item number {index}"},
        "views": {"N": str(index * 7)},
        "tags": {"SS": ["bench", f"t{index % 3}"]},
    }


def seed(dynamodb: Any, create: bool) -> None:
    if create:
        dynamodb.create_table(
            TableName=TABLE,
            KeySchema=KEY_SCHEMA,
            AttributeDefinitions=ATTRIBUTES,
            BillingMode="PAY_PER_REQUEST",
        )
    for index in range(100):
        dynamodb.put_item(TableName=TABLE, Item=_item(index))


def operations(dynamodb: Any) -> dict[str, Callable[[int], Any]]:
    return {
        "GetItem": lambda n: dynamodb.get_item(
            TableName=TABLE, Key={"pk": {"S": f"user-{n % 10}"}, "sk": {"S": f"{n % 100:05d}"}}
        ),
        "PutItem": lambda n: dynamodb.put_item(TableName=TABLE, Item=_item(1000 + n % 1000)),
        "Query": lambda n: dynamodb.query(
            TableName=TABLE,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": f"user-{n % 10}"}},
            Limit=10,
        ),
    }


def rate(call: Callable[[int], Any], seconds: float, server: Running) -> tuple[float, float]:
    """Calls per second, back to back for `seconds` (after a short warm-up), and the server's
    CPU seconds per call meanwhile."""
    for n in range(20):
        call(n)
    count = 0
    cpu = server.cpu_seconds()
    started = time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        call(count)
        count += 1
    return count / elapsed, (server.cpu_seconds() - cpu) / count


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--quick", action="store_true", help="a tiny run, for the bench's test")
    arguments = parser.parse_args(argv)
    seconds, rounds = (0.2, 1) if arguments.quick else (arguments.seconds, arguments.rounds)
    # Neither server may pick up credentials or an endpoint from this shell.
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)
    with tempfile.TemporaryDirectory() as folder, moto_server() as moto, ours(Path(folder)) as mine:
        peer, local = client(moto.url), client(mine.url)
        seed(peer, create=True)
        seed(local, create=False)
        figures: dict[str, dict[str, list[float]]] = {}
        cpu: dict[str, dict[str, list[float]]] = {}
        servers = [("moto_server", peer, moto), ("ours", local, mine)]
        for name in operations(local):
            for round_number in range(rounds):
                for label, dynamodb, server in servers[:: 1 if round_number % 2 else -1]:
                    measured, seconds_each = rate(operations(dynamodb)[name], seconds, server)
                    figures.setdefault(name, {}).setdefault(label, []).append(measured)
                    cpu.setdefault(name, {}).setdefault(label, []).append(seconds_each)
    print(f"DynamoDB through boto3, {rounds} round(s) of {seconds:g} s per operation and server")
    print(
        f"{'operation':<10} {'moto ops/s':>10} {'ours ops/s':>10} {'ours/moto':>10} "
        f"{'(rounds)':>12}  {'server CPU us/op: moto':>22} {'ours':>6} {'moto/ours':>10}"
    )
    for name, by_server in figures.items():
        theirs = statistics.median(by_server["moto_server"])
        mine_rate = statistics.median(by_server["ours"])
        ratios = [m / t for m, t in zip(by_server["ours"], by_server["moto_server"], strict=True)]
        spread = f"{min(ratios):.2f}-{max(ratios):.2f}"
        their_cpu = statistics.median(cpu[name]["moto_server"]) * 1e6
        our_cpu = statistics.median(cpu[name]["ours"]) * 1e6
        # /proc counts CPU in clock ticks (10 ms): a short round may read none at all.
        cpu_ratio = f"{their_cpu / our_cpu:>9.2f}x" if our_cpu else f"{'n/a':>10}"
        print(
            f"{name:<10} {theirs:>10.0f} {mine_rate:>10.0f} {statistics.median(ratios):>9.2f}x "
            f"{spread:>12}  {their_cpu:>22.0f} {our_cpu:>6.0f} {cpu_ratio}"
        )


if __name__ == "__main__":
    main()
