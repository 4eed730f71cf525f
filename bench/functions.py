"""Warm invocation overhead of the local Lambda runtime's workers, beside a direct call.

    .venv/bin/python -m bench.functions [--calls 2000] [--rounds 5]

(every benchmark runs as a module from the repository root: `./scripts/bench functions`.)

The same small handler (it returns `{"id": event["id"], "ok": true}`) runs four ways in one
process, interleaved in rounds: called directly in process (the handler alone); called in
process behind a JSON round trip of event and result (what today's in-process Lambda data source
does); through `FunctionInvoker.invoke` on a warm Python worker; and on a warm Node.js worker
(skipped, and said so, where `node` is not on the PATH). Each way makes `--calls` sequential
invocations after a warm-up; the figure is the median time per call over the rounds, and the
ratios are against the direct call and against the in-process call with JSON. A last line runs
the Python worker with 4 workers and 4 invocations in flight, for throughput. The server log is
off (with `functions.logs` at INFO, each invocation also formats and logs its START, END and
REPORT lines).

A second table runs a GraphQL query through the server (the ASGI application in this process,
its lifespan started, no socket) whose one field is a direct Lambda resolver on each kind of
AWS_LAMBDA data source: the local Python `handler` run in the server's process, and declared
functions on a warm Python and a warm Node.js worker. It is the per-request cost a client sees,
beside the same query on a NONE data source.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from appsync.app import build_app
from definition.appsync_yaml.api import read_appsync_yaml
from functions.invoker import FunctionInvoker
from functions.model import FunctionSpec

PYTHON_HANDLER = """
def handler(event, context):
    return {"id": event["id"], "ok": True}
"""
NODE_HANDLER = "exports.handler = async (event) => ({ id: event.id, ok: true });\n"
EVENT = {"id": "order-7", "arguments": {"id": "order-7"}, "source": None}


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    return {"id": event["id"], "ok": True}


async def per_call(calls: int, call: Callable[[], Awaitable[object]]) -> float:
    """Seconds per call over `calls` sequential calls, after a warm-up."""
    for _ in range(20):
        await call()
    started = time.perf_counter()
    for _ in range(calls):
        await call()
    return (time.perf_counter() - started) / calls


async def direct() -> object:
    return handler(EVENT, None)


async def direct_through_json() -> object:
    return json.loads(json.dumps(handler(json.loads(json.dumps(EVENT)), None)))


async def main(calls: int, rounds: int) -> None:
    payload = json.dumps(EVENT).encode()
    with tempfile.TemporaryDirectory() as tmp:
        code = Path(tmp)
        (code / "app.py").write_text(PYTHON_HANDLER)
        (code / "index.js").write_text(NODE_HANDLER)
        async with FunctionInvoker() as invoker:
            invoker.load(FunctionSpec("py", "python3.11", "app.handler", code))
            invoker.load(FunctionSpec("py4", "python3.11", "app.handler", code))
            node = shutil.which("node") is not None
            if node:
                invoker.load(FunctionSpec("js", "nodejs20.x", "index.handler", code))

            def through(name: str) -> Callable[[], Awaitable[object]]:
                return lambda: invoker.invoke(name, payload)

            ways: dict[str, Callable[[], Awaitable[object]]] = {
                "direct call in process": direct,
                "in process, JSON both ways": direct_through_json,
                "Python worker (warm)": through("py"),
            }
            if node:
                ways["Node.js worker (warm)"] = through("js")
            figures: dict[str, list[float]] = {name: [] for name in ways}
            parallel: list[float] = []
            for _ in range(rounds):
                for name, call in ways.items():
                    figures[name].append(await per_call(calls, call))
                parallel.append(await in_flight(invoker, payload, calls))
    base = statistics.median(figures["direct call in process"])
    through_json = statistics.median(figures["in process, JSON both ways"])
    print(f"{'way':32} {'per call':>12} {'x direct':>9} {'x JSON':>7}")
    figures["Python, 4 workers, 4 in flight"] = parallel
    for name, values in figures.items():
        median = statistics.median(values)
        print(
            f"{name:32} {median * 1e6:9.1f} us {median / base:8.0f}x {median / through_json:6.1f}x"
        )
    if not node:
        print("Node.js worker: skipped, node is not on the PATH")
    print("(the last line is time per call with 4 in flight: throughput, not latency)")


async def in_flight(invoker: FunctionInvoker, payload: bytes, calls: int) -> float:
    """Seconds per call with four invocations in flight on the four-worker function."""

    async def lane(count: int) -> None:
        for _ in range(count):
            await invoker.invoke("py4", payload)

    async with asyncio.TaskGroup() as warm:
        for _ in range(4):
            warm.create_task(lane(5))
    started = time.perf_counter()
    async with asyncio.TaskGroup() as group:
        for _ in range(4):
            group.create_task(lane(calls // 4))
    return (time.perf_counter() - started) / (calls // 4 * 4)


SCHEMA = "type Query { none: AWSJSON inProcess: AWSJSON python: AWSJSON node: AWSJSON }\n"
NONE_CODE = """
def request(ctx):
    return {"payload": {"id": "order-7", "ok": True}}

def response(ctx):
    return ctx.result
"""
KEY = "da2-benchfunctionskey0000000"
# The same small handler, reading AppSync's direct Lambda event.
FIELD_HANDLER = """
def handler(event, context):
    return {"id": event["info"]["fieldName"], "ok": True}
"""
FIELD_NODE_HANDLER = (
    "exports.handler = async (event) => ({ id: event.info.fieldName, ok: true });\n"
)


def server_definition(folder: Path, node: bool) -> Path:
    """An API whose fields are direct Lambda resolvers on each kind of data source."""
    (folder / "schema.graphql").write_text(SCHEMA)
    (folder / "none.py").write_text(NONE_CODE)
    (folder / "bench_in_process.py").write_text(FIELD_HANDLER)
    (folder / "app.py").write_text(FIELD_HANDLER)
    (folder / "index.js").write_text(FIELD_NODE_HANDLER)
    functions = [
        "      - {FunctionName: py, Runtime: python3.12, Handler: app.handler, CodeUri: .}",
    ]
    if node:
        functions.append(
            "      - {FunctionName: js, Runtime: nodejs20.x, Handler: index.handler, CodeUri: .}"
        )
    text = f"""
schema: schema.graphql
authenticationType: API_KEY
apiKeys: [{{id: {KEY}}}]
dataSources:
  - {{name: None, type: NONE}}
  - {{name: InProcess, type: AWS_LAMBDA, lambdaConfig: {{handler: "bench_in_process:handler"}}}}
  - {{name: Python, type: AWS_LAMBDA, lambdaConfig: {{lambdaFunctionArn: py}}}}
  - {{name: Node, type: AWS_LAMBDA, lambdaConfig: {{lambdaFunctionArn: js}}}}
resolvers:
  - {{typeName: Query, fieldName: none, dataSourceName: None, runtime: PYTHON, code: none.py}}
  - {{typeName: Query, fieldName: inProcess, dataSourceName: InProcess}}
  - {{typeName: Query, fieldName: python, dataSourceName: Python}}
  - {{typeName: Query, fieldName: node, dataSourceName: Node}}
server:
  lambda:
    functions:
{chr(10).join(functions)}
"""
    path = folder / "appsync.yaml"
    path.write_text(text)
    return path


async def through_server(code: Path, calls: int, rounds: int, node: bool) -> None:
    """Seconds per GraphQL request for one field on each kind of data source."""
    app = build_app(read_appsync_yaml(server_definition(code, node)))
    fields = {
        "NONE data source (no Lambda)": "none",
        "local Python handler, in process": "inProcess",
        "declared Python function": "python",
    }
    if node:
        fields["declared Node.js function"] = "node"
    figures: dict[str, list[float]] = {name: [] for name in fields}
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client,
    ):

        def query(field: str) -> Callable[[], Awaitable[httpx.Response]]:
            body = {"query": f"{{ {field} }}"}
            headers = {"x-api-key": KEY}
            return lambda: client.post("/graphql", json=body, headers=headers)

        for field in fields.values():
            answer = (await query(field)()).json()
            assert "errors" not in answer, answer
        for _ in range(rounds):
            for name, field in fields.items():
                figures[name].append(await per_call(calls, query(field)))
    base = statistics.median(figures["NONE data source (no Lambda)"])
    print(f"{'one field, through the server':36} {'per request':>12} {'x NONE':>7}")
    for name, values in figures.items():
        median = statistics.median(values)
        print(f"{name:36} {median * 1e6:9.1f} us {median / base:6.1f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=500, help="per way, through the server")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.calls, arguments.rounds))
    with tempfile.TemporaryDirectory() as folder:
        print()
        with_node = shutil.which("node") is not None
        asyncio.run(through_server(Path(folder), arguments.requests, arguments.rounds, with_node))
