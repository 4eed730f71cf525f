"""What the API cache saves and what the API's log costs, in one run.

    .venv/bin/python -m bench.cache_and_logs [--seconds 10] [--rounds 10] [--connections 16]

Each server runs in a process of its own, as `appsync-local serve` runs it, with the same
DynamoDB API (AppSync's GetItem reference template over the embedded DynamoDB): `getItem`
uncached and `getItemCached` under PER_RESOLVER_CACHING (`cachingConfig` keyed by the id), its
cache in memory, and, when `redis-server` is on the PATH, in a real Redis too. The log servers
add a `logConfig` at each `fieldLogLevel` (without verbose content, and ALL with it too), writing
JSON lines to a file. This process loads one server at a time from 16 keep-alive loopback
connections (bench/http.py's client), phases interleaved in rounds, and prints each phase's
requests/s and p99 as ratios: the cached query against the uncached one, and each log level
against the same query without a `logConfig`. The requests/s ratio is the median of the rounds'
ratios (each against the same round's baseline), with their range, so that a machine whose load
changes while it runs moves whole rounds rather than single phases.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.http import API_KEY, DYNAMODB_FILES, load
from bench.processes import free_port, wait_until_listening

ROOT = Path(__file__).resolve().parent.parent
API = """
name: bench-cache
schema: schema.graphql
authenticationType: API_KEY
apiKeys: [{id: %(key)s}]
apiCache: {ttl: 3600, apiCachingBehavior: PER_RESOLVER_CACHING}
%(extra)s
dataSources:
  - {name: Items, type: AMAZON_DYNAMODB, dynamodbConfig: {tableName: BenchItem}}
resolvers:
  - {typeName: Query, fieldName: getItem, dataSourceName: Items,
     requestMappingTemplate: getitem.req.vtl, responseMappingTemplate: result.res.vtl}
  - {typeName: Query, fieldName: getItemCached, dataSourceName: Items,
     requestMappingTemplate: getitem.req.vtl, responseMappingTemplate: result.res.vtl,
     cachingConfig: {ttl: 3600, cachingKeys: ["$context.arguments.id"]}}
server:
%(server)s
  dynamodb:
    endpoint: false
    tables:
      - TableName: BenchItem
        KeySchema: [{AttributeName: id, KeyType: HASH}]
        AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
        BillingMode: PAY_PER_REQUEST
        seed: items.json
"""
SCHEMA = """
type Item { id: ID! title: String! views: Int }
type Query { getItem(id: ID!): Item getItemCached(id: ID!): Item }
"""
UNCACHED = b'{"query": "{ getItem(id: \\"b1\\") { id title views } }"}'
CACHED = b'{"query": "{ getItemCached(id: \\"b1\\") { id title views } }"}'
# The log servers: (name, logConfig).
LOG_LEVELS = (
    ("NONE", "{fieldLogLevel: NONE, excludeVerboseContent: true}"),
    ("ERROR", "{fieldLogLevel: ERROR, excludeVerboseContent: true}"),
    ("INFO", "{fieldLogLevel: INFO, excludeVerboseContent: true}"),
    ("DEBUG", "{fieldLogLevel: DEBUG, excludeVerboseContent: true}"),
    ("ALL", "{fieldLogLevel: ALL, excludeVerboseContent: true}"),
    ("ALL + verbose", "{fieldLogLevel: ALL, excludeVerboseContent: false}"),
)


@dataclass(frozen=True, slots=True)
class Phase:
    name: str
    server: str
    body: bytes


@dataclass(frozen=True, slots=True)
class Measured:
    """A phase's totals, and its requests/s as a share of the baseline's in each round."""

    rps: float
    p99_ms: float
    round_ratios: tuple[float, ...]

    @property
    def ratio(self) -> float:
        """The median round's ratio: a change in the machine's load between rounds falls on
        one round's pair of phases alike."""
        return statistics.median(self.round_ratios)


def _write_api(folder: Path, extra: str, server: str) -> Path:
    folder.mkdir()
    for name, text in DYNAMODB_FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "schema.graphql").write_text(SCHEMA, encoding="utf-8")
    config = folder / "appsync.yaml"
    config.write_text(API % {"key": API_KEY, "extra": extra, "server": server}, encoding="utf-8")
    return config


def serve(port: int, config: Path, log_file: Path) -> None:
    """The server process: the API at `config`, its log (if any) to `log_file`."""
    import uvicorn

    from appsync.app import build_app
    from appsync.log_sinks import JsonLinesSink
    from definition.appsync_yaml.api import read_appsync_yaml

    sink = JsonLinesSink(log_file.open("a", encoding="utf-8"))
    app = build_app(read_appsync_yaml(config), log_sink=sink)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def _request(port: int, body: bytes) -> bytes:
    head = (
        f"POST /graphql HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\n"
        f"content-type: application/json\r\nx-api-key: {API_KEY}\r\n"
        f"content-length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _run(
    ports: dict[str, int], phases: list[Phase], seconds: float, rounds: int, connections: int
) -> dict[str, Measured]:
    requests = {phase.name: _request(ports[phase.server], phase.body) for phase in phases}
    for phase in phases:  # warm-up: imports, the parsed document, the cache's first entry
        warm_up = min(0.5, seconds / rounds)
        await load("127.0.0.1", ports[phase.server], requests[phase.name], warm_up, connections)
    latencies: dict[str, list[float]] = {phase.name: [] for phase in phases}
    elapsed = dict.fromkeys(requests, 0.0)
    per_round: dict[str, list[float]] = {phase.name: [] for phase in phases}
    for _ in range(rounds):
        for phase in phases:
            started = time.perf_counter()
            measured = await load(
                "127.0.0.1",
                ports[phase.server],
                requests[phase.name],
                seconds / rounds,
                connections,
            )
            spent = time.perf_counter() - started
            latencies[phase.name] += measured
            elapsed[phase.name] += spent
            per_round[phase.name].append(len(measured) / spent)
    base = per_round[phases[0].name]
    return {
        name: Measured(
            len(measured) / elapsed[name],
            statistics.quantiles(measured, n=100)[98] * 1000,
            tuple(rps / first for rps, first in zip(per_round[name], base, strict=True)),
        )
        for name, measured in latencies.items()
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per phase (default 10)")
    parser.add_argument("--rounds", type=int, default=10, help="interleaved rounds (default 10)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--config", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--log-file", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.serve:
        serve(arguments.serve, arguments.config, arguments.log_file)
        return 0
    processes: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        redis_port = free_port() if shutil.which("redis-server") else None
        try:
            if redis_port is not None:
                redis = [str(shutil.which("redis-server")), "--port", str(redis_port)]
                redis += ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
                processes.append(subprocess.Popen(redis, stdout=subprocess.DEVNULL))
                wait_until_listening(redis_port, processes[-1])
            # Each server: (top-level definition lines, lines under `server:`).
            servers = {"memory": ("", "")}
            if redis_port is not None:
                url = f"redis://127.0.0.1:{redis_port}/0"
                servers["redis"] = ("", f"  apiCache: {{redisUrl: '{url}'}}")
            servers.update(
                {f"log {name}": (f"logConfig: {config}", "") for name, config in LOG_LEVELS}
            )
            ports: dict[str, int] = {}
            for index, (name, (extra, server)) in enumerate(servers.items()):
                config = _write_api(folder / f"api{index}", extra, server)
                port = free_port()
                command = [sys.executable, "-m", "bench.cache_and_logs", "--serve", str(port)]
                log_file = str(folder / f"log{index}.jsonl")
                command += ["--config", str(config), "--log-file", log_file]
                processes.append(subprocess.Popen(command, cwd=ROOT))
                wait_until_listening(port, processes[-1])
                ports[name] = port
            phases = [
                Phase("getItem, uncached", "memory", UNCACHED),
                Phase("getItem, cached in memory", "memory", CACHED),
            ]
            if "redis" in ports:
                phases.append(Phase("getItem, cached in Redis", "redis", CACHED))
            phases += [
                Phase(f"getItem, log {name}", f"log {name}", UNCACHED) for name, _ in LOG_LEVELS
            ]
            results = asyncio.run(
                _run(ports, phases, arguments.seconds, arguments.rounds, arguments.connections)
            )
        finally:
            for process in processes:
                process.terminate()
                process.wait()
    base = results["getItem, uncached"]
    print(f"{arguments.connections} connections, loopback, {arguments.rounds} interleaved rounds")
    print("x rps: the median round's requests/s against getItem uncached without a logConfig")
    print(f"{'':34}{'req/s':>8}{'p99 ms':>9}{'x rps':>8}{'rounds':>14}{'x p99':>8}")
    for name, measured in results.items():
        spread = f"{min(measured.round_ratios):.2f}-{max(measured.round_ratios):.2f}"
        print(
            f"{name:34}{measured.rps:8.0f}{measured.p99_ms:9.2f}{measured.ratio:8.2f}"
            f"{spread:>14}{measured.p99_ms / base.p99_ms:8.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
