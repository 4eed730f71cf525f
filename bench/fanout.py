"""Realtime fan-out: one mutation to N subscribers, beside a bare Starlette websocket broadcast.

    .venv/bin/python -m bench.fanout [--sizes 100,1000,10000] [--rounds 3]

(run as a module from the repository root, as every bench is).

Each side is served by its own process under uvicorn with `serve`'s options
(`UVICORN_OPTIONS`). The realtime side is the server `appsync-local serve` runs (`build_app`:
`AppSyncApp`, which answers `/graphql` and the realtime websockets before Starlette's router)
for an API with API key auth and a PYTHON mutation on a NONE data source whose result the
Executor publishes. The bare side is a plain Starlette app: a websocket route (`/bare`) whose
broadcast sends one fixed text frame to every socket it holds, in a loop. This process opens N
websockets to each side: realtime sockets send `connection_init` and one `start`; bare sockets
just connect. Then, per round, it sends one mutation (or one broadcast request) and measures the
time until all N sockets have their frame. The same client code reads both sides, so the ratio
compares the servers. Each side gets a fresh server process; memory per idle connection is that
server's RSS growth while the N sockets were opened (and subscribed), divided by N.

Targets (issue 5): delivery to all N within 2x the bare broadcast's time; 10,000 subscribers
held by one process; at most 20 KiB of server memory per idle subscribed connection.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import websockets
from websockets.asyncio.client import ClientConnection
from websockets.typing import Subprotocol

ROOT = Path(__file__).resolve().parent.parent

API_KEY = "da2-fanoutbenchkey00000000000"
# The API the realtime side serves, written to a temporary folder and built by `build_app`,
# as `appsync-local serve --config` builds it.
API = """
name: fanout
schema: schema.graphql
authenticationType: API_KEY
apiKeys: [{id: %(key)s}]
dataSources: [{name: Local, type: NONE}]
resolvers:
  - {typeName: Mutation, fieldName: addItem, dataSourceName: Local, runtime: PYTHON,
     code: add_item.py}
server:
  realtime: {inboxCapacity: 16}
"""
SDL = """
type Item { id: ID! name: String! }
type Query { item(id: ID!): Item }
type Mutation { addItem(id: ID!, name: String!): Item }
type Subscription { onAddItem: Item @aws_subscribe(mutations: ["addItem"]) }
"""
CODE = """
def request(ctx):
    return {"payload": ctx.args}

def response(ctx):
    return ctx.result
"""
SUBSCRIPTION = json.dumps({"query": "subscription { onAddItem { id name } }", "variables": {}})
MUTATION = 'mutation Add($id: ID!) { addItem(id: $id, name: "n") { id name } }'
CONNECT_CONCURRENCY = 200
BARE_FRAME = json.dumps(
    {"type": "data", "id": "x" * 36, "payload": {"data": {"onAddItem": {"id": "1", "name": "n"}}}}
)


def build_realtime_app(folder: Path) -> Any:
    """The realtime side: the server `appsync-local serve` runs (`build_app`), for an API whose
    mutation publishes to the subscribers."""
    from appsync.app import build_app
    from definition.appsync_yaml.api import read_appsync_yaml

    (folder / "appsync.yaml").write_text(API % {"key": API_KEY})
    (folder / "schema.graphql").write_text(SDL)
    (folder / "add_item.py").write_text(CODE)
    return build_app(read_appsync_yaml(folder / "appsync.yaml"))


def build_bare_app() -> Any:
    """The bare side: a plain Starlette app whose websocket route holds every socket, and a
    broadcast route that sends them one fixed text frame, in a loop."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route, WebSocketRoute
    from starlette.websockets import WebSocket, WebSocketDisconnect

    bare: set[WebSocket] = set()

    async def bare_socket(websocket: WebSocket) -> None:
        await websocket.accept(subprotocol="graphql-ws")
        bare.add(websocket)
        try:
            while True:
                await websocket.receive_text()
        except WebSocketDisconnect:
            pass
        finally:
            bare.discard(websocket)

    async def broadcast(request: Request) -> JSONResponse:
        for websocket in list(bare):
            await websocket.send_text(BARE_FRAME)
        return JSONResponse({"sent": len(bare)})

    return Starlette(
        routes=[
            Route("/bare/broadcast", broadcast, methods=["POST"]),
            WebSocketRoute("/bare", bare_socket),
        ]
    )


def serve(port: int, options: dict[str, Any], realtime: bool) -> None:
    import uvicorn

    with tempfile.TemporaryDirectory() as folder:
        app = build_realtime_app(Path(folder)) if realtime else build_bare_app()
        uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", backlog=4096, **options)


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


async def _open_realtime(url: str, host: str) -> ClientConnection:
    header = json.dumps({"host": host, "x-api-key": API_KEY}).encode()
    entry = "header-" + base64.urlsafe_b64encode(header).decode().rstrip("=")
    socket = await websockets.connect(
        url,
        subprotocols=[Subprotocol("graphql-ws"), Subprotocol(entry)],
        ping_interval=None,
        max_queue=None,
    )
    await socket.send('{"type":"connection_init"}')
    await _expect(socket, "connection_ack")
    start = {
        "id": "sub",
        "type": "start",
        "payload": {
            "data": SUBSCRIPTION,
            "extensions": {"authorization": {"host": host, "x-api-key": API_KEY}},
        },
    }
    await socket.send(json.dumps(start))
    await _expect(socket, "start_ack")
    return socket


async def _open_bare(url: str) -> ClientConnection:
    return await websockets.connect(
        url, subprotocols=[Subprotocol("graphql-ws")], ping_interval=None, max_queue=None
    )


async def _expect(socket: ClientConnection, kind: str) -> None:
    while True:
        frame = json.loads(await socket.recv())
        if frame["type"] == kind:
            return
        if frame["type"] != "ka":
            raise RuntimeError(f"expected {kind}, got {frame}")


async def _open_many(count: int, opener: Any) -> list[ClientConnection]:
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def one() -> ClientConnection:
        async with gate:
            socket: ClientConnection = await opener()
            return socket

    return list(await asyncio.gather(*(one() for _ in range(count))))


async def _deliver_time(
    sockets: list[ClientConnection], http: httpx.AsyncClient, path: str, body: Any
) -> float:
    """Seconds from sending the trigger until every socket has its data frame."""

    async def wait(socket: ClientConnection) -> None:
        await asyncio.wait_for(_expect(socket, "data"), 120)

    waiters = [asyncio.ensure_future(wait(socket)) for socket in sockets]
    await asyncio.sleep(0)
    started = time.perf_counter()
    response = await http.post(path, json=body, headers={"x-api-key": API_KEY})
    response.raise_for_status()
    await asyncio.gather(*waiters)
    return time.perf_counter() - started


@asynccontextmanager
async def _server(options: dict[str, Any], realtime: bool) -> AsyncIterator[tuple[int, int]]:
    import socket as sockets

    with sockets.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.fanout",
        "--serve",
        str(port),
        "--uvicorn-options",
        json.dumps(options),
        *(["--realtime-side"] if realtime else []),
        cwd=ROOT,
    )
    try:
        for _ in range(400):
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                break
            except OSError:
                await asyncio.sleep(0.05)
        yield port, process.pid
    finally:
        process.terminate()
        await process.wait()


async def _measure(
    size: int, rounds: int, options: dict[str, Any], realtime: bool
) -> tuple[float, float]:
    """Median seconds to deliver one frame to `size` sockets, and server KiB per open socket,
    on a fresh server process, so the memory figure starts from the same baseline."""
    async with (
        _server(options, realtime) as (port, pid),
        # No keep-alive: opening 10,000 sockets outlasts uvicorn's 5 s keep-alive timeout.
        httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}",
            timeout=120,
            limits=httpx.Limits(max_keepalive_connections=0),
        ) as http,
    ):
        host = f"127.0.0.1:{port}"
        before = _rss_kib(pid)
        if realtime:
            opener = partial(_open_realtime, f"ws://{host}/graphql/realtime", host)
        else:
            opener = partial(_open_bare, f"ws://{host}/bare")
        sockets = await _open_many(size, opener)
        await asyncio.sleep(0.5)
        per_socket = (_rss_kib(pid) - before) / size
        times: list[float] = []
        for index in range(rounds):
            if realtime:
                # One document with variables, as clients send mutations.
                body = {"query": MUTATION, "variables": {"id": str(index)}}
                times.append(await _deliver_time(sockets, http, "/graphql", body))
            else:
                times.append(await _deliver_time(sockets, http, "/bare/broadcast", {}))
        for socket in sockets:
            await socket.close()
    return statistics.median(times), per_socket


async def run(sizes: list[int], rounds: int, options: dict[str, Any]) -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    print("uvicorn:", ", ".join(f"{name}={value}" for name, value in sorted(options.items())))
    print(
        f"{'N':>7} {'realtime p50':>13} {'bare p50':>10} {'ratio':>6}"
        f" {'KiB/subscribed conn':>20} {'KiB/bare conn':>14}"
    )
    for size in sizes:
        ours, per_subscribed = await _measure(size, rounds, options, realtime=True)
        theirs, per_bare = await _measure(size, rounds, options, realtime=False)
        print(
            f"{size:>7} {ours * 1000:>10.1f} ms {theirs * 1000:>7.1f} ms {ours / theirs:>6.2f}"
            f" {per_subscribed:>20.1f} {per_bare:>14.1f}",
            flush=True,
        )


def main() -> None:
    from appsync.realtime.endpoint import UVICORN_OPTIONS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--ws",
        choices=[
            "websockets",
            "websockets-sansio",
            "wsproto",
            "appsync.realtime.wsproto_protocol:WSProtocol",
        ],
        help="uvicorn's websocket implementation (default: what `serve` uses)",
    )
    parser.add_argument("--http", choices=["h11", "httptools"], help="uvicorn's HTTP parser")
    parser.add_argument("--loop", choices=["asyncio", "uvloop"], help="uvicorn's event loop")
    parser.add_argument(
        "--deflate",
        action="store_true",
        help="permessage-deflate on (uvicorn's default; `serve` turns it off: its zlib state"
        " is most of a socket's memory)",
    )
    parser.add_argument("--ws-max-queue", type=int, help="uvicorn's ws_max_queue")
    parser.add_argument("--ws-max-size", type=int, help="uvicorn's ws_max_size")
    parser.add_argument(
        "--ws-ping-interval",
        type=float,
        help="uvicorn's server pings in seconds, 0 for none (`serve` sends none: AppSync's"
        " `ka` frames keep the socket alive)",
    )
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--uvicorn-options", help=argparse.SUPPRESS)
    parser.add_argument("--realtime-side", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, json.loads(args.uvicorn_options), args.realtime_side)
        return
    options = dict(UVICORN_OPTIONS)
    for name, value in (
        ("ws", args.ws),
        ("http", args.http),
        ("loop", args.loop),
        ("ws_max_queue", args.ws_max_queue),
        ("ws_max_size", args.ws_max_size),
    ):
        if value is not None:
            options[name] = value
    if args.deflate:
        options["ws_per_message_deflate"] = True
    if args.ws_ping_interval is not None:
        options["ws_ping_interval"] = args.ws_ping_interval or None
    sizes = [int(size) for size in args.sizes.split(",")]
    asyncio.run(run(sizes, args.rounds, options))


if __name__ == "__main__":
    main()
