"""HTTP throughput of the GraphQL endpoint against a fixed-response Starlette route.

    .venv/bin/python -m bench.http [--seconds 10] [--rounds 5] [--connections 16]

Three servers run in their own processes under uvicorn, as `appsync-local serve` runs them: the
bundled blog example plus a `/fixed` route that returns a constant JSON body; a DynamoDB API
written to a temporary folder (VTL templates from AppSync's DynamoDB resolver reference over the
embedded DynamoDB, and the same getItem query on a NONE data source whose template returns the
same item); and an API with the same resolvers in APPSYNC_JS and in PYTHON on NONE data sources
(a one-field echo, and a pipeline of three functions that each read `ctx.prev.result` and count
in `ctx.stash`, with before and after steps). This process is the load generator: 16 keep-alive
connections on loopback, each sending one request at a time with a small raw-socket HTTP/1.1
client (cheaper than any HTTP library, so the client is not what is measured). The phases run
interleaved in rounds, each bounded in time and request count; only one server is loaded at a
time. Server CPU per request comes from the loaded server process's user+system time (/proc).

Targets: the one-field query reaches at least 0.4x the fixed route's requests/s with a p99 at
most 3x the route's (issue 2); the DynamoDB getItem query reaches at least 0.8x the NONE getItem
query's requests/s (issue 4); the JS one-field query at least 0.7x the PYTHON one's, and the JS
three-function pipeline at least 0.5x the PYTHON pipeline's (issue 14). The memory of an idle
JS context is printed after the table (`bench/js_runtime.py` measures it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.js_runtime import idle_context_kib
from bench.processes import cpu_seconds, free_port, wait_until_listening

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "examples" / "blog" / "appsync.yaml"
API_KEY = "da2-localblogexamplekey00000"
FIXED_BODY = b'{"data":{"echo":"hi"}}'
MAX_REQUESTS = 200_000


BLOG = "blog"
# The same API with every logger off, to show what `serve`'s default logging costs (issue 19).
QUIET = "blog-quiet"
DYNAMODB = "dynamodb"
# The DynamoDB API: one table, seeded with the item both getItem queries return.
DYNAMODB_API = """
name: bench-dynamodb
schema: schema.graphql
authenticationType: API_KEY
apiKeys: [{id: %(key)s}]
dataSources:
  - {name: Items, type: AMAZON_DYNAMODB, dynamodbConfig: {tableName: BenchItem}}
  - {name: Local, type: NONE}
resolvers:
  - {typeName: Query, fieldName: getItem, dataSourceName: Items,
     requestMappingTemplate: getitem.req.vtl, responseMappingTemplate: result.res.vtl}
  - {typeName: Query, fieldName: getItemNone, dataSourceName: Local,
     requestMappingTemplate: none.req.vtl, responseMappingTemplate: result.res.vtl}
  - {typeName: Mutation, fieldName: putItem, dataSourceName: Items,
     requestMappingTemplate: putitem.req.vtl, responseMappingTemplate: result.res.vtl}
server:
  dynamodb:
    endpoint: false
    tables:
      - TableName: BenchItem
        KeySchema: [{AttributeName: id, KeyType: HASH}]
        AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
        BillingMode: PAY_PER_REQUEST
        seed: items.json
"""
DYNAMODB_FILES = {
    "schema.graphql": """
type Item { id: ID! title: String! views: Int }
type Query { getItem(id: ID!): Item getItemNone(id: ID!): Item }
type Mutation { putItem(id: ID!, title: String!): Item }
""",
    # AppSync's GetItem and PutItem reference templates.
    "getitem.req.vtl": """{
    "version" : "2017-02-28",
    "operation" : "GetItem",
    "key" : { "id" : $util.dynamodb.toDynamoDBJson($ctx.args.id) }
}""",
    "putitem.req.vtl": """{
    "version" : "2018-05-29",
    "operation" : "PutItem",
    "key" : { "id" : $util.dynamodb.toDynamoDBJson($ctx.args.id) },
    "attributeValues" : $util.dynamodb.toMapValuesJson({"title": $ctx.args.title, "views": 0})
}""",
    "none.req.vtl": """{
    "version" : "2018-05-29",
    "payload" : { "id" : $util.toJson($ctx.args.id), "title" : "Hello", "views" : 12 }
}""",
    "result.res.vtl": "$util.toJson($ctx.result)",
    "items.json": '[{"id": "b1", "title": "Hello", "views": 12}]',
}


JS = "js"
# The same resolvers in APPSYNC_JS and in PYTHON, on NONE data sources.
JS_API = """
name: bench-js
schema: schema.graphql
authenticationType: API_KEY
apiKeys: [{id: %(key)s}]
dataSources: [{name: Local, type: NONE}]
functions:
  - {name: stepJs1, dataSourceName: Local, runtime: APPSYNC_JS, code: step.js}
  - {name: stepJs2, dataSourceName: Local, runtime: APPSYNC_JS, code: step.js}
  - {name: stepJs3, dataSourceName: Local, runtime: APPSYNC_JS, code: step.js}
  - {name: stepPy1, dataSourceName: Local, runtime: PYTHON, code: step.py}
  - {name: stepPy2, dataSourceName: Local, runtime: PYTHON, code: step.py}
  - {name: stepPy3, dataSourceName: Local, runtime: PYTHON, code: step.py}
resolvers:
  - {typeName: Query, fieldName: echoJs, dataSourceName: Local,
     runtime: {name: APPSYNC_JS, runtimeVersion: 1.0.0}, code: echo.js}
  - {typeName: Query, fieldName: echoPython, dataSourceName: Local, runtime: PYTHON, code: echo.py}
  - {typeName: Query, fieldName: pipelineJs, kind: PIPELINE, code: around.js,
     runtime: {name: APPSYNC_JS, runtimeVersion: 1.0.0},
     pipelineConfig: {functions: [stepJs1, stepJs2, stepJs3]}}
  - {typeName: Query, fieldName: pipelinePython, kind: PIPELINE, runtime: PYTHON, code: around.py,
     pipelineConfig: {functions: [stepPy1, stepPy2, stepPy3]}}
"""
JS_FILES = {
    "schema.graphql": """
type Query {
  echoJs(message: String!): String
  echoPython(message: String!): String
  pipelineJs(message: String!): String
  pipelinePython(message: String!): String
}
""",
    "echo.js": """
export function request(ctx) {
  return { payload: ctx.args.message };
}
export function response(ctx) {
  return ctx.result;
}
""",
    "echo.py": """
def request(ctx):
    return {"payload": ctx.args["message"]}

def response(ctx):
    return ctx.result
""",
    "step.js": """
export function request(ctx) {
  ctx.stash.steps = (ctx.stash.steps ?? 0) + 1;
  return { payload: `${ctx.prev.result}.` };
}
export function response(ctx) {
  return ctx.result;
}
""",
    "step.py": """
def request(ctx):
    ctx.stash["steps"] = ctx.stash.get("steps", 0) + 1
    return {"payload": f"{ctx.prev.result}."}

def response(ctx):
    return ctx.result
""",
    "around.js": """
export function request(ctx) {
  return ctx.args.message;
}
export function response(ctx) {
  return `${ctx.prev.result} (${ctx.stash.steps} steps)`;
}
""",
    "around.py": """
def request(ctx):
    return ctx.args["message"]

def response(ctx):
    return f"{ctx.prev.result} ({ctx.stash['steps']} steps)"
""",
}


@dataclass(frozen=True, slots=True)
class Phase:
    name: str
    path: str
    body: bytes
    server: str = BLOG


@dataclass(frozen=True, slots=True)
class Result:
    name: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    cpu_ms_per_request: float | None

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def _graphql(query: str) -> bytes:
    return json.dumps({"query": query}).encode()


PHASES = (
    Phase("fixed Starlette route", "/fixed", b"{}"),
    Phase("query, one field (PYTHON + NONE)", "/graphql", _graphql('{ echo(message: "hi") }')),
    Phase(
        "the same, logging off",
        "/graphql",
        _graphql('{ echo(message: "hi") }'),
        QUIET,
    ),
    Phase(
        "mutation (PYTHON + AWS_LAMBDA)",
        "/graphql",
        _graphql('mutation { addComment(postId: "p1", author: "bench", content: "x") { id } }'),
    ),
    Phase(
        "getItem query (VTL + NONE)",
        "/graphql",
        _graphql('{ getItemNone(id: "b1") { id title views } }'),
        DYNAMODB,
    ),
    Phase(
        "getItem query (VTL + DynamoDB)",
        "/graphql",
        _graphql('{ getItem(id: "b1") { id title views } }'),
        DYNAMODB,
    ),
    Phase(
        "putItem mutation (VTL + DynamoDB)",
        "/graphql",
        _graphql('mutation { putItem(id: "b2", title: "Hi") { id title views } }'),
        DYNAMODB,
    ),
    Phase("one field (PYTHON + NONE)", "/graphql", _graphql('{ echoPython(message: "hi") }'), JS),
    Phase("one field (JS + NONE)", "/graphql", _graphql('{ echoJs(message: "hi") }'), JS),
    Phase(
        "pipeline of 3 (PYTHON + NONE)",
        "/graphql",
        _graphql('{ pipelinePython(message: "hi") }'),
        JS,
    ),
    Phase("pipeline of 3 (JS + NONE)", "/graphql", _graphql('{ pipelineJs(message: "hi") }'), JS),
)


def _request(host: str, port: int, phase: Phase) -> bytes:
    head = (
        f"POST {phase.path} HTTP/1.1\r\nhost: {host}:{port}\r\n"
        f"content-type: application/json\r\nx-api-key: {API_KEY}\r\n"
        f"content-length: {len(phase.body)}\r\n\r\n"
    )
    return head.encode() + phase.body


async def _connection(
    host: str, port: int, request: bytes, deadline: float, latencies: list[float]
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < deadline and len(latencies) < MAX_REQUESTS:
            started = time.perf_counter()
            writer.write(request)
            await read_answer(reader)
            latencies.append(time.perf_counter() - started)
    finally:
        writer.close()
        await writer.wait_closed()


async def read_answer(reader: asyncio.StreamReader) -> bytes:
    """The body of the next answer on a keep-alive connection, which must be a 200."""
    head = await reader.readuntil(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(f"unexpected answer: {head[:60]!r}")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    return await reader.readexactly(length)


def cpu_so_far(pid: int) -> float | None:
    """A server's CPU time (`processes.cpu_seconds`), None once it has exited."""
    try:
        return cpu_seconds(pid)
    except OSError:
        return None


@dataclass(frozen=True, slots=True)
class Target:
    """One server process under test."""

    port: int
    pid: int


async def _run(
    host: str, servers: dict[str, Target], seconds: float, rounds: int, connections: int
) -> list[Result]:
    """Every phase in turn, `rounds` times: a change in the machine's background load then
    falls on all phases alike instead of on whichever ran at the time."""
    requests = {phase.name: _request(host, servers[phase.server].port, phase) for phase in PHASES}
    for phase in PHASES:  # warm-up: imports, caches, the parsed document
        warm_up = min(0.5, seconds / rounds)
        await load(host, servers[phase.server].port, requests[phase.name], warm_up, connections)
    latencies: dict[str, list[float]] = {phase.name: [] for phase in PHASES}
    elapsed = dict.fromkeys(requests, 0.0)
    cpu: dict[str, float | None] = dict.fromkeys(requests, 0.0)
    for _ in range(rounds):
        for phase in PHASES:
            target = servers[phase.server]
            cpu_before = cpu_so_far(target.pid)
            started = time.perf_counter()
            latencies[phase.name] += await load(
                host, target.port, requests[phase.name], seconds / rounds, connections
            )
            elapsed[phase.name] += time.perf_counter() - started
            cpu_after = cpu_so_far(target.pid)
            spent = cpu[phase.name]
            if spent is None or cpu_before is None or cpu_after is None:
                cpu[phase.name] = None
            else:
                cpu[phase.name] = spent + cpu_after - cpu_before
    results = []
    for phase in PHASES:
        measured = latencies[phase.name]
        quantiles = statistics.quantiles(measured, n=100)
        spent = cpu[phase.name]
        results.append(
            Result(
                phase.name,
                len(measured),
                elapsed[phase.name],
                quantiles[49] * 1000,
                quantiles[98] * 1000,
                None if spent is None else spent * 1000 / len(measured),
            )
        )
    return results


async def load(
    host: str, port: int, request: bytes, seconds: float, connections: int
) -> list[float]:
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    async with asyncio.TaskGroup() as group:
        for _ in range(connections):
            group.create_task(_connection(host, port, request, deadline, latencies))
    return latencies


def serve(
    port: int,
    config: Path,
    data_dir: Path | None = None,
    fsync: bool = False,
    quiet: bool = False,
) -> None:
    """The server process: the API at `config` plus the fixed-response `/fixed` route; its
    embedded data in memory, or kept in `data_dir` (`fsync`: as `serve --fsync` keeps it).
    Logging as `appsync-local serve` sets it by default (`info`, no access log), or with every
    logger off (`quiet`)."""
    import logging

    import uvicorn
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from appsync.app import build_app
    from appsync.data_directory import DataDirectory
    from appsync.logs import logging_config
    from appsync.realtime.endpoint import UVICORN_OPTIONS
    from definition.appsync_yaml.api import read_appsync_yaml

    async def fixed(request: Request) -> Response:
        await request.body()
        return Response(FIXED_BODY, media_type="application/json")

    data = DataDirectory(data_dir, fsync=fsync) if data_dir is not None else None
    app = build_app(read_appsync_yaml(config), data=data)
    app.router.routes.insert(0, Route("/fixed", fixed, methods=["POST"]))
    if quiet:
        logging.disable(logging.CRITICAL)
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        log_level="critical" if quiet else "info",
        log_config=None if quiet else logging_config("info"),
        access_log=False,
        **UVICORN_OPTIONS,
    )


def _start(
    config: Path, data_dir: Path | None = None, *, fsync: bool = False, quiet: bool = False
) -> tuple[Target, subprocess.Popen[bytes]]:
    port = free_port()
    command = [sys.executable, "-m", "bench.http", "--serve", str(port), "--config", str(config)]
    command += ["--quiet"] if quiet else []
    if data_dir is not None:
        command += ["--data-dir", str(data_dir)] + (["--fsync"] if fsync else [])
    server = subprocess.Popen(command, cwd=ROOT)
    return Target(port, server.pid), server


def _write_dynamodb_api(folder: Path) -> Path:
    return _write_api(folder / DYNAMODB, DYNAMODB_API, DYNAMODB_FILES)


def _write_api(folder: Path, api: str, files: dict[str, str]) -> Path:
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    config = folder / "appsync.yaml"
    config.write_text(api % {"key": API_KEY}, encoding="utf-8")
    return config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per phase (default 10)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--config", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--fsync", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--quiet", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.serve:
        serve(
            arguments.serve, arguments.config, arguments.data_dir, arguments.fsync, arguments.quiet
        )
        return 0
    processes: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory() as folder:
        try:
            servers: dict[str, Target] = {}
            for name, config in (
                (BLOG, CONFIG),
                (QUIET, CONFIG),
                (DYNAMODB, _write_dynamodb_api(Path(folder))),
                (JS, _write_api(Path(folder) / JS, JS_API, JS_FILES)),
            ):
                servers[name], process = _start(config, quiet=name == QUIET)
                processes.append(process)
            for target, process in zip(servers.values(), processes, strict=True):
                wait_until_listening(target.port, process)
            results = asyncio.run(
                _run(
                    "127.0.0.1",
                    servers,
                    arguments.seconds,
                    arguments.rounds,
                    arguments.connections,
                )
            )
        finally:
            for process in processes:
                process.terminate()
                process.wait(10)
    _print(results, arguments.connections)
    return 0


def _print(results: list[Result], connections: int) -> None:
    fixed = results[0]
    print(f"{connections} connections, loopback, {os.cpu_count()} CPUs")
    columns = ("req/s", "p50 ms", "p99 ms", "CPU ms/req", "x rps", "x p99")
    widths = (8, 8, 8, 11, 6, 6)
    print(
        f"{'':36} "
        + " ".join(f"{name:>{width}}" for name, width in zip(columns, widths, strict=True))
    )
    for result in results:
        cpu = f"{result.cpu_ms_per_request:.3f}" if result.cpu_ms_per_request is not None else "n/a"
        print(
            f"{result.name:36} {result.rps:8.0f} {result.p50_ms:8.2f} {result.p99_ms:8.2f} "
            f"{cpu:>11} {result.rps / fixed.rps:6.2f} {result.p99_ms / fixed.p99_ms:6.2f}"
        )
    by_name = {result.name: result for result in results}
    query = by_name["query, one field (PYTHON + NONE)"]
    verdict = query.rps / fixed.rps >= 0.4 and query.p99_ms / fixed.p99_ms <= 3
    print(f"target (query >= 0.4x req/s, p99 <= 3x): {'met' if verdict else 'NOT met'}")
    quiet = by_name["the same, logging off"]
    if query.cpu_ms_per_request is not None and quiet.cpu_ms_per_request is not None:
        assert fixed.cpu_ms_per_request is not None
        us = query.cpu_ms_per_request * 1000
        print(
            f"one-field query CPU per request: {us:.0f} us with serve's default logging, "
            f"{quiet.cpu_ms_per_request * 1000:.0f} us with logging off "
            f"({query.cpu_ms_per_request / quiet.cpu_ms_per_request:.2f}x); fixed Starlette "
            f"route: {fixed.cpu_ms_per_request * 1000:.0f} us; "
            f"target (<= 120 us): {'met' if us <= 120 else 'NOT met'}"
        )
    none = by_name["getItem query (VTL + NONE)"]
    dynamodb = by_name["getItem query (VTL + DynamoDB)"]
    ratio = dynamodb.rps / none.rps
    print(
        f"DynamoDB getItem / NONE getItem: {ratio:.2f}x req/s, "
        f"{dynamodb.p99_ms / none.p99_ms:.2f}x p99; "
        f"target (>= 0.8x req/s): {'met' if ratio >= 0.8 else 'NOT met'}"
    )
    for kind, target in (("one field", 0.7), ("pipeline of 3", 0.5)):
        python = by_name[f"{kind} (PYTHON + NONE)"]
        javascript = by_name[f"{kind} (JS + NONE)"]
        ratio = javascript.rps / python.rps
        print(
            f"JS / PYTHON, {kind}: {ratio:.2f}x req/s, "
            f"{javascript.p99_ms / python.p99_ms:.2f}x p99; "
            f"target (>= {target}x req/s): {'met' if ratio >= target else 'NOT met'}"
        )
    print(f"idle JS context with one resolver: {idle_context_kib():.0f} KiB")


if __name__ == "__main__":
    sys.exit(main())
