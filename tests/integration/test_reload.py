"""Hot reload through the real server: edits are served at once, broken edits are not.

The server runs in process (uvicorn on a loopback port, `conftest.running`) with an
`ApiReloader` watching the API's folder in tmp_path; clients are real (gql's AppSync websocket
transport, httpx). Each test edits a file as an editor would and waits for the reload's outcome,
which the reloader exposes as an awaitable (`next_outcome`), bounded by a timeout: nothing waits
for time to pass. Issue 17: "edit a resolver file while a client holds a subscription; the next
query sees the change and the subscription still receives. A broken edit keeps the old API
serving."
"""

from __future__ import annotations

import asyncio
import gc
import subprocess
import sys
import threading
import weakref
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from gql import Client, GraphQLRequest, gql
from gql.transport.appsync_auth import AppSyncApiKeyAuthentication
from gql.transport.appsync_websockets import AppSyncWebsocketsTransport
from gql.transport.exceptions import TransportQueryError

from appsync.app import AppSyncApp, build_app
from appsync.reload import ApiReloader, ReloadOutcome
from definition.appsync_yaml.api import read_appsync_yaml
from tests.integration.conftest import announcement, running, stopped_cleanly

KEY = "da2-reloadtestkey000000000000"
SCHEMA = """
type Message { text: String! }
type Query { greeting: String slow: String worker: String }
type Mutation { send(text: String!): Message }
type Subscription { onSend: Message @aws_subscribe(mutations: ["send"]) }
"""
DEFINITION = f"""
name: reload
schema: schema.graphql
authenticationType: API_KEY
apiKeys: [{{id: {KEY}}}]
dataSources:
  - {{name: Local, type: NONE}}
  - {{name: Slow, type: AWS_LAMBDA, lambdaConfig: {{handler: "slow_handler:handle"}}}}
  - {{name: Worker, type: AWS_LAMBDA, lambdaConfig: {{lambdaFunctionArn: worker}}}}
resolvers:
  - {{typeName: Query, fieldName: greeting, dataSourceName: Local, runtime: PYTHON,
     code: greeting.py}}
  - {{typeName: Query, fieldName: slow, dataSourceName: Slow}}
  - {{typeName: Query, fieldName: worker, dataSourceName: Worker}}
  - {{typeName: Mutation, fieldName: send, dataSourceName: Local, runtime: PYTHON,
     code: send.py}}
server:
  lambda:
    functions:
      - {{FunctionName: worker, Runtime: python3.12, Handler: app.handler, CodeUri: worker}}
"""
# A declared Lambda function, run by the local Lambda runtime's worker processes.
WORKER = "def handler(event, context):\n    return {answer!r}\n"
SEND = """
def request(ctx):
    return {"payload": {"text": ctx.arguments["text"]}}

def response(ctx):
    return ctx.result
"""
# A local Lambda function: blocks until the test lets it answer (see `Gate`).
SLOW_HANDLER = """
import sys

VERSION = "{version}"

def handle(event, context):
    gate = sys.modules["tests.integration.test_reload"].GATE
    gate.entered.set()
    gate.release.wait(30)
    return VERSION
"""
# How long a reload may take on a loaded machine (a bound, never waited for when all is well).
RELOAD_TIMEOUT = 30.0


def _greeting(value: str) -> str:
    return (
        "def request(ctx):\n    return {'payload': None}\n\n"
        f"def response(ctx):\n    return {value!r}\n"
    )


@dataclass
class Gate:
    """Where the slow handler waits (it runs in a worker thread of the server)."""

    entered: threading.Event
    release: threading.Event


GATE = Gate(threading.Event(), threading.Event())


@dataclass
class Reloading:
    app: AppSyncApp
    reloader: ApiReloader
    url: str
    folder: Path

    async def outcome_after(self, count: int) -> ReloadOutcome:
        """The outcome of the next reload after `count`, from the server's own loop."""
        assert self.reloader.loop is not None
        waiting = asyncio.run_coroutine_threadsafe(
            self.reloader.next_outcome(count), self.reloader.loop
        )
        return await asyncio.wait_for(asyncio.wrap_future(waiting), RELOAD_TIMEOUT)

    async def edited(self, name: str, text: str) -> ReloadOutcome:
        """Write `text` to `name` (as an editor saves it) and wait for the reload it causes."""
        count = self.reloader.count
        (self.folder / name).write_text(text)
        return await self.outcome_after(count)

    async def query(self, query: str) -> dict[str, Any]:
        async with httpx.AsyncClient(headers={"x-api-key": KEY}, timeout=30) as http:
            answer = await http.post(self.url, json={"query": query})
        body: dict[str, Any] = answer.json()
        return body


def _write_api(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "schema.graphql").write_text(SCHEMA)
    (folder / "greeting.py").write_text(_greeting("v1"))
    (folder / "send.py").write_text(SEND)
    (folder / "slow_handler.py").write_text(SLOW_HANDLER.format(version="slow v1"))
    (folder / "worker").mkdir(exist_ok=True)
    (folder / "worker" / "app.py").write_text(WORKER.format(answer="worker v1"))
    config = folder / "appsync.yaml"
    config.write_text(DEFINITION)
    return config


@asynccontextmanager
async def reloading(folder: Path) -> AsyncIterator[Reloading]:
    config = _write_api(folder)
    # Each test's API has its own `slow_handler`: not the module an earlier test imported.
    sys.modules.pop("slow_handler", None)
    app = build_app(read_appsync_yaml(config))
    reloader = ApiReloader(app, lambda: read_appsync_yaml(config))
    with running(app, "appsync-local-reload-test") as (host, port):
        yield Reloading(app, reloader, f"http://{host}:{port}/graphql", folder)


@asynccontextmanager
async def subscribed(server: Reloading) -> AsyncIterator[asyncio.Queue[dict[str, Any]]]:
    """A gql session holding `onSend`; what it receives lands in the queue (an error too)."""
    host = server.url.removeprefix("http://").removesuffix("/graphql")
    auth = AppSyncApiKeyAuthentication(host=host, api_key=KEY)
    transport = AppSyncWebsocketsTransport(url=server.url.replace("http", "ws"), auth=auth)
    received: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    subscription = GraphQLRequest(gql("subscription { onSend { text } }"))
    async with Client(transport=transport) as session:

        async def listen() -> None:
            try:
                async for result in session.subscribe(subscription):
                    received.put_nowait(result)
            except TransportQueryError as error:
                received.put_nowait({"errors": error.errors})

        listener = asyncio.ensure_future(listen())
        await _subscribers(server, 1)
        try:
            yield received
        finally:
            listener.cancel()


async def _subscribers(server: Reloading, count: int) -> None:
    """gql does not wait for `start_ack`; the broker says when the subscription listens."""
    broker = server.app.state.api.realtime.broker
    for _ in range(1000):
        if broker.subscriber_count("mutation:send") >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("no subscriber on mutation:send")


async def _sent(server: Reloading, text: str) -> None:
    answer = await server.query(f'mutation {{ send(text: "{text}") {{ text }} }}')
    assert answer == {"data": {"send": {"text": text}}}


@pytest.mark.anyio
async def test_an_edited_resolver_serves_the_next_query_and_subscriptions_keep_receiving(
    tmp_path: Path,
) -> None:
    async with reloading(tmp_path / "api") as server, subscribed(server) as received:
        assert await server.query("{ greeting }") == {"data": {"greeting": "v1"}}
        outcome = await server.edited("greeting.py", _greeting("v2"))
        assert outcome.applied, outcome.problems
        assert outcome.changed == ((tmp_path / "api" / "greeting.py").resolve(),)
        assert await server.query("{ greeting }") == {"data": {"greeting": "v2"}}
        # The socket stayed open: the subscription made before the reload still receives.
        await _sent(server, "after the reload")
        got = await asyncio.wait_for(received.get(), 10)
        assert got == {"onSend": {"text": "after the reload"}}


@pytest.mark.anyio
async def test_a_broken_edit_is_reported_and_the_last_good_api_keeps_serving(
    tmp_path: Path,
) -> None:
    async with reloading(tmp_path / "api") as server, subscribed(server) as received:
        broken = await server.edited("greeting.py", "def request(ctx):\n    return {\n")
        [problem] = broken.problems
        greeting = (tmp_path / "api" / "greeting.py").resolve()
        # As `validate` prints it: the file, line and column of the error.
        assert str(problem).startswith(f"{tmp_path / 'api' / 'appsync.yaml'}: resolvers[0].code: ")
        assert f"{greeting}:2:12: " in problem.message
        assert await server.query("{ greeting }") == {"data": {"greeting": "v1"}}
        # Every problem of the files as they are now, the SDL's with its line and column.
        sdl = await server.edited("schema.graphql", SCHEMA + "type Broken {\n")
        [schema_problem, code_problem] = sdl.problems
        assert str(schema_problem) == (
            f"{tmp_path / 'api' / 'schema.graphql'}:7:1: Syntax Error: Expected Name, found <EOF>."
        )
        assert code_problem == problem
        await _sent(server, "still served")
        assert await asyncio.wait_for(received.get(), 10) == {"onSend": {"text": "still served"}}
        # Fixed again: the next reload serves every change since the last good one.
        (server.folder / "schema.graphql").write_text(SCHEMA)
        fixed = await server.edited("greeting.py", _greeting("v3"))
        assert fixed.applied, fixed.problems
        assert await server.query("{ greeting }") == {"data": {"greeting": "v3"}}


@pytest.mark.anyio
async def test_a_subscription_whose_field_is_gone_ends_with_an_error(tmp_path: Path) -> None:
    async with reloading(tmp_path / "api") as server, subscribed(server) as received:
        without = SCHEMA.replace(
            'type Subscription { onSend: Message @aws_subscribe(mutations: ["send"]) }',
            'type Subscription { onOther: Message @aws_subscribe(mutations: ["send"]) }',
        )
        outcome = await server.edited("schema.graphql", without)
        assert outcome.applied, outcome.problems
        got = await asyncio.wait_for(received.get(), 10)
        # gql raises the `error` frame's payload; its errors are what a `start` of the same
        # document would get now (graphql-java's wording, as AppSync words it).
        assert got == {
            "errors": [
                {
                    "errors": [
                        {
                            "message": "Validation error of type FieldUndefined: Field 'onSend' "
                            "in type 'Subscription' is undefined @ 'onSend'"
                        }
                    ]
                }
            ]
        }
        assert server.app.state.api.realtime.broker.subscriber_count("mutation:send") == 0


@pytest.mark.anyio
async def test_a_request_in_flight_finishes_on_the_api_it_began_on(tmp_path: Path) -> None:
    """Local function code is imported again (`slow_handler` is a module), and the request
    that was running when the reload happened answers with the code it started with."""
    GATE.entered.clear()
    GATE.release.clear()
    async with reloading(tmp_path / "api") as server:
        slow = asyncio.ensure_future(server.query("{ slow }"))
        assert await asyncio.to_thread(GATE.entered.wait, 30)
        outcome = await server.edited("slow_handler.py", SLOW_HANDLER.format(version="slow v2"))
        assert outcome.applied, outcome.problems
        GATE.release.set()
        assert await slow == {"data": {"slow": "slow v1"}}
        assert await server.query("{ slow }") == {"data": {"slow": "slow v2"}}


@pytest.mark.anyio
async def test_a_declared_functions_edited_code_runs_on_fresh_workers(tmp_path: Path) -> None:
    """A function of `server.lambda` runs in worker processes, which keep the code they
    loaded: an edit in its code directory starts it on new ones."""
    async with reloading(tmp_path / "api") as server:
        assert await server.query("{ worker }") == {"data": {"worker": "worker v1"}}
        outcome = await server.edited("worker/app.py", WORKER.format(answer="worker v2"))
        assert outcome.applied, outcome.problems
        assert await server.query("{ worker }") == {"data": {"worker": "worker v2"}}
        # The other functions' workers and the rest of the API are as they were.
        assert await server.query("{ greeting }") == {"data": {"greeting": "v1"}}


@pytest.mark.anyio
async def test_the_replaced_api_is_freed(tmp_path: Path) -> None:
    """Reloads do not accumulate old APIs: once a reload is done, nothing holds the one it
    replaced (the collector's frozen generation included)."""
    async with reloading(tmp_path / "api") as server:
        assert await server.query("{ greeting }") == {"data": {"greeting": "v1"}}
        replaced = weakref.ref(server.app.state.api.executor)
        outcome = await server.edited("greeting.py", _greeting("v2"))
        assert outcome.applied, outcome.problems
        gc.collect()
        assert replaced() is None


def test_serve_reloads_by_default_and_not_with_no_reload(tmp_path: Path) -> None:
    """The CLI: a broken edit is listed as `validate` lists problems; a good one says it
    reloaded; `--no-reload` watches nothing."""
    config = _write_api(tmp_path / "api")
    command = [sys.executable, "-m", "appsync", "serve", "--config", str(config)]
    command += ["--port", "0", "--ephemeral", "--log-level", "warning"]
    with stopped_cleanly([*command, "--no-reload"]) as process:
        assert "Reload: on" not in announcement(process)
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as process:
        try:
            assert process.stdout is not None
            text = "\n".join(_lines_until(process.stdout, "Press Ctrl+C"))
            assert "  Reload: on;" in text
            url = text.split("GraphQL:  ", 1)[1].split("\n", 1)[0]
            greeting = tmp_path / "api" / "greeting.py"
            greeting.write_text("def request(ctx):\n    return {\n")
            lines = _lines_until(process.stdout, "appsync-local: still serving")
            assert "appsync-local: 1 problem(s):" in lines
            assert any(f"{greeting.resolve()}:2:12: " in line for line in lines), lines
            greeting.write_text(_greeting("v2"))
            [reloaded] = _lines_until(process.stdout, "appsync-local: reloaded")[-1:]
            assert reloaded.endswith("(greeting.py changed)")
            answer = httpx.post(url, json={"query": "{ greeting }"}, headers={"x-api-key": KEY})
            assert answer.json() == {"data": {"greeting": "v2"}}
        finally:
            process.terminate()
            process.wait(15)


def _lines_until(stream: Iterator[str], marker: str) -> list[str]:
    """Lines read until one starts with `marker` (from the process's pipe; the test's timeout
    bounds the wait)."""
    lines: list[str] = []
    for line in stream:
        lines.append(line.rstrip("\n"))
        if line.startswith(marker):
            return lines
    raise AssertionError(f"the stream ended before {marker!r}: {lines}")
