"""Realtime subscribe and fan-out: N subscribers of one mutation, on our server, on the Amplify
AppSync simulator and on a bare Starlette websocket broadcast.

    .venv/bin/python -m bench.fanout [--sizes 1000,10000] [--rounds 3] [--passes 2]
                                     [--idle max|N|0] [--peers realtime,simulator,bare]

(run as a module from the repository root, as every bench is).

Each peer is a server process of its own, fresh for every measurement: ours is the server
`appsync-local serve` runs (`build_app`, under uvicorn with `serve`'s `UVICORN_OPTIONS`) for an
API with API key auth and a PYTHON mutation on a NONE data source whose result is published;
the simulator (`bench/simulator/peer.py`: `@aws-amplify/amplify-appsync-simulator`, what
`amplify mock api` runs, installed from the npm registry on first use; skipped with a note where
Node.js is missing) serves the same schema with a VTL resolver on a NONE data source; the bare
side is a plain Starlette app whose websocket route holds every socket and whose broadcast route
sends one fixed text frame to each, in a loop. This process opens N websockets to the peer
(realtime ones: the handshake with the `header` query parameter, `connection_init`, one `start`,
waiting for `start_ack`; bare ones just connect), then per round sends one mutation (or one
broadcast request) and times until all N sockets have their frame. The same client code reads
every peer, so the ratios compare the servers; it is `bench/websocket_client.py`, light enough
that reading 10,000 sockets does not take longer than the servers take to write them.

Per peer and N it prints:
- subscribe: the server process's CPU time (user + system, /proc/PID/stat) while the N sockets
  opened and subscribed, per subscriber, and subscribers per second of wall time;
- delivery: the median over rounds of the time until every socket has the frame, and of the
  server process's CPU time over the same span (`CPU ms`: the trigger's request and the
  writes; /proc's clock ticks, 10 ms here, so a figure below 100 ms is coarse);
- memory: the server's RSS growth while the N sockets opened, per socket (after one socket
  opened and closed, which loads what a server's first connection loads).
Passes interleave the peers (their order rotates), and every figure is printed as the range
over passes, with each ratio taken within one pass. Then `--idle` opens subscribed sockets up
to the open-files limit (`max`, the default: the limit less what the processes' other files
need) and prints memory per idle socket there, saying where it stopped and why.

Targets (issue 19): server CPU per subscribe at most 0.5x the simulator's; delivery to all N
within 0.5x the simulator's time and 2x the bare broadcast's; memory per idle subscribed socket
at most 0.75x the simulator's.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import math
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from bench.processes import cpu_seconds, free_port
from bench.simulator.peer import SimulatorApi, SimulatorResolver
from bench.websocket_client import Round, connect
from bench.websocket_client import WebSocket as ClientSocket

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
# The same API for the simulator: the schema, the key, and a VTL resolver returning the
# arguments (`bench/simulator/peer.py`).
SIMULATOR_API = SimulatorApi(
    "fanout",
    SDL,
    API_KEY,
    (
        SimulatorResolver(
            "Mutation",
            "addItem",
            '{"version": "2018-05-29", "payload": $util.toJson($ctx.args)}',
        ),
    ),
)
SUBSCRIPTION = json.dumps({"query": "subscription { onAddItem { id name } }", "variables": {}})
MUTATION = 'mutation Add($id: ID!) { addItem(id: $id, name: "n") { id name } }'
CONNECT_CONCURRENCY = 200
REALTIME, SIMULATOR, BARE = "realtime", "simulator", "bare"
PEERS = (REALTIME, SIMULATOR, BARE)
# Files the bench and each server hold besides the sockets measured (libraries, pipes, the
# listening socket, the HTTP client's, Node's own).
FILES_KEPT = 200
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


def _header(host: str) -> str:
    """The handshake's `header` query parameter (standard base64), which every AppSync client
    library has sent and the simulator reads (it does not read the `header-` subprotocol)."""
    return base64.b64encode(json.dumps({"host": host, "x-api-key": API_KEY}).encode()).decode()


async def _open_realtime(url: str, host: str) -> ClientSocket:
    socket = await connect(f"{url}?header={_header(host)}&payload=e30=")
    socket.send_text('{"type":"connection_init"}')
    await _expect(socket, "connection_ack")
    start = {
        "id": "sub",
        "type": "start",
        "payload": {
            "data": SUBSCRIPTION,
            "extensions": {"authorization": {"host": host, "x-api-key": API_KEY}},
        },
    }
    socket.send_text(json.dumps(start))
    await _expect(socket, "start_ack")
    return socket


async def _open_bare(url: str) -> ClientSocket:
    return await connect(url)


async def _expect(socket: ClientSocket, kind: str) -> None:
    while True:
        frame = await socket.next_frame()
        if frame["type"] == kind:
            return
        if frame["type"] != "ka":
            raise RuntimeError(f"expected {kind}, got {frame}")


async def _open_many(count: int, opener: Any) -> tuple[list[ClientSocket], str | None]:
    """Up to `count` sockets, `CONNECT_CONCURRENCY` at a time; and why it stopped short."""
    sockets: list[ClientSocket] = []
    while len(sockets) < count:
        batch = min(CONNECT_CONCURRENCY, count - len(sockets))
        opened = await asyncio.gather(*(opener() for _ in range(batch)), return_exceptions=True)
        failures = [item for item in opened if isinstance(item, BaseException)]
        sockets.extend(item for item in opened if not isinstance(item, BaseException))
        if failures:
            return sockets, f"{type(failures[0]).__name__}: {failures[0]}"
    return sockets, None


async def _deliver_time(
    sockets: list[ClientSocket], http: httpx.AsyncClient, url: str, body: Any
) -> float:
    """Seconds from sending the trigger until every socket has its data frame."""
    delivery = Round(len(sockets))
    for socket in sockets:
        socket.round = delivery
    started = time.perf_counter()
    response = await http.post(url, json=body, headers={"x-api-key": API_KEY})
    response.raise_for_status()
    await asyncio.wait_for(delivery.done, 120)
    elapsed = time.perf_counter() - started
    for socket in sockets:
        socket.round = None
    return elapsed


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A running peer: its process, where its sockets open, where its trigger goes."""

    pid: int
    host: str
    socket_url: str
    trigger_url: str
    realtime: bool


@asynccontextmanager
async def _python_peer(options: dict[str, Any], realtime: bool) -> AsyncIterator[Endpoint]:
    port = free_port()
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
        for _ in range(600):
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                break
            except OSError:
                await asyncio.sleep(0.05)
        host = f"127.0.0.1:{port}"
        if realtime:
            yield Endpoint(
                process.pid,
                host,
                f"ws://{host}/graphql/realtime",
                f"http://{host}/graphql",
                realtime=True,
            )
        else:
            yield Endpoint(
                process.pid, host, f"ws://{host}/bare", f"http://{host}/bare/broadcast", False
            )
    finally:
        process.terminate()
        await process.wait()


@asynccontextmanager
async def _simulator_peer() -> AsyncIterator[Endpoint]:
    from bench.simulator.peer import amplify_simulator

    with amplify_simulator(SIMULATOR_API) as simulator:
        host = simulator.graphql_url.split("/")[2]
        yield Endpoint(simulator.pid, host, simulator.realtime_url, simulator.graphql_url, True)


@dataclass(frozen=True, slots=True)
class Figures:
    """One peer at one N: server CPU seconds per subscriber, subscribers per second, median
    delivery seconds and the server's median CPU seconds per delivery, server KiB per open
    socket; `opened` sockets, and why no more."""

    cpu_per_subscribe: float
    subscribes_per_second: float
    delivery: float
    delivery_cpu: float
    kib_per_socket: float
    opened: int
    stopped: str | None = None


async def _measure(peer: str, size: int, rounds: int, options: dict[str, Any]) -> Figures:
    """Open `size` sockets to a fresh `peer`, then time `rounds` deliveries to all of them."""
    if peer == SIMULATOR:
        context = _simulator_peer()
    else:
        context = _python_peer(options, realtime=peer == REALTIME)
    async with (
        context as endpoint,
        # No keep-alive: opening 10,000 sockets outlasts uvicorn's 5 s keep-alive timeout.
        httpx.AsyncClient(timeout=120, limits=httpx.Limits(max_keepalive_connections=0)) as http,
    ):
        if endpoint.realtime:
            opener = partial(_open_realtime, endpoint.socket_url, endpoint.host)
        else:
            opener = partial(_open_bare, endpoint.socket_url)
        # One socket first, closed: each server's first connection loads what connections need
        # (ours imports its websocket protocol then, about 730 KiB), as the first delivery below
        # warms what a delivery runs; the figures are per socket, not that one-off cost.
        warm = await opener()
        warm.close()
        await asyncio.sleep(0.2)
        before_kib, before_cpu = _rss_kib(endpoint.pid), cpu_seconds(endpoint.pid)
        started = time.perf_counter()
        sockets, stopped = await _open_many(size, opener)
        wall = time.perf_counter() - started
        cpu = cpu_seconds(endpoint.pid) - before_cpu
        await asyncio.sleep(0.5)
        opened = max(len(sockets), 1)
        kib = (_rss_kib(endpoint.pid) - before_kib) / opened
        times: list[float] = []
        cpu_times: list[float] = []
        # One delivery first, untimed: each server's first mutation warms what it runs.
        for index in range(-1, rounds) if sockets and rounds else ():
            # One document with variables, as clients send mutations.
            body = {"query": MUTATION, "variables": {"id": str(index)}} if endpoint.realtime else {}
            cpu_before = cpu_seconds(endpoint.pid)
            elapsed = await _deliver_time(sockets, http, endpoint.trigger_url, body)
            if index >= 0:
                times.append(elapsed)
                cpu_times.append(cpu_seconds(endpoint.pid) - cpu_before)
        for socket in sockets:
            socket.close()
    return Figures(
        cpu / opened,
        len(sockets) / wall,
        statistics.median(times) if times else math.nan,
        statistics.median(cpu_times) if cpu_times else math.nan,
        kib,
        len(sockets),
        stopped,
    )


def _span(values: list[float], scale: float = 1.0, digits: int = 1) -> str:
    """A range over passes: `low-high`, or one value."""
    low, high = min(values) * scale, max(values) * scale
    if f"{low:.{digits}f}" == f"{high:.{digits}f}":
        return f"{low:.{digits}f}"
    return f"{low:.{digits}f}-{high:.{digits}f}"


def _peers(requested: list[str]) -> list[str]:
    from bench.simulator.peer import unavailable

    if SIMULATOR in requested and (reason := unavailable()) is not None:
        print(f"simulator: skipped, {reason}")
        return [peer for peer in requested if peer != SIMULATOR]
    return requested


def _print_ratios(
    label: str, runs: dict[str, list[Figures]], field: str, peers: tuple[str, ...]
) -> None:
    """Ours over each of `peers`, per pass (the same pass's figures), as a range."""
    for other in peers:
        if other in runs and REALTIME in runs:
            ratios = [
                getattr(ours, field) / getattr(theirs, field)
                for ours, theirs in zip(runs[REALTIME], runs[other], strict=True)
                if getattr(theirs, field) > 0
            ]
            if ratios:
                print(f"  {label} ours / {other}: {_span(ratios, digits=2)}x")


async def run(
    sizes: list[int],
    rounds: int,
    passes: int,
    idle: str,
    requested: list[str],
    options: dict[str, Any],
) -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    peers = _peers(requested)
    print("uvicorn:", ", ".join(f"{name}={value}" for name, value in sorted(options.items())))
    print(
        f"{len(os.sched_getaffinity(0))} CPUs; {passes} passes, peers interleaved;"
        " ranges over passes"
    )
    print(
        f"{'N':>7} {'peer':<10} {'CPU us/subscribe':>17} {'subscribes/s':>13}"
        f" {'delivery ms':>14} {'CPU ms':>10} {'KiB/socket':>11}"
    )
    for size in sizes:
        runs: dict[str, list[Figures]] = {peer: [] for peer in peers}
        for index in range(passes):
            order = peers[index % len(peers) :] + peers[: index % len(peers)]
            for peer in order:
                runs[peer].append(await _measure(peer, size, rounds, options))
        for peer in peers:
            figures = runs[peer]
            print(
                f"{size:>7} {peer:<10}"
                f" {_span([f.cpu_per_subscribe for f in figures], 1e6, 0):>17}"
                f" {_span([f.subscribes_per_second for f in figures], digits=0):>13}"
                f" {_span([f.delivery for f in figures], 1000):>14}"
                f" {_span([f.delivery_cpu for f in figures], 1000, 0):>10}"
                f" {_span([f.kib_per_socket for f in figures]):>11}",
                flush=True,
            )
        _print_ratios("CPU per subscribe", runs, "cpu_per_subscribe", (SIMULATOR,))
        _print_ratios("delivery", runs, "delivery", (SIMULATOR, BARE))
        _print_ratios("server CPU per delivery", runs, "delivery_cpu", (SIMULATOR, BARE))
        _print_ratios("KiB per socket", runs, "kib_per_socket", (SIMULATOR, BARE))
    if idle != "0":
        await _idle(idle, hard, peers, options)


async def _idle(idle: str, limit: int, peers: list[str], options: dict[str, Any]) -> None:
    """Memory per idle subscribed socket with as many open as the open-files limit allows."""
    target = limit - FILES_KEPT if idle == "max" else int(idle)
    why = (
        f"the open-files limit ({limit}, ulimit -n, this process's and the server's) less"
        f" {FILES_KEPT} for the processes' other files"
        if idle == "max"
        else "--idle"
    )
    print(f"idle sockets: up to {target} per peer ({why}); one round, memory only")
    runs: dict[str, list[Figures]] = {}
    for peer in peers:
        figures = await _measure(peer, target, 0, options)
        runs[peer] = [figures]
        stopped = f", stopped: {figures.stopped}" if figures.stopped else ""
        print(
            f"{figures.opened:>7} {peer:<10} {figures.kib_per_socket:>6.1f} KiB/socket"
            f" {figures.cpu_per_subscribe * 1e6:>6.0f} us CPU/subscribe{stopped}",
            flush=True,
        )
    _print_ratios("KiB per idle socket", runs, "kib_per_socket", (SIMULATOR, BARE))


def main() -> None:
    from appsync.realtime.endpoint import UVICORN_OPTIONS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--rounds", type=int, default=3, help="deliveries per measurement")
    parser.add_argument("--passes", type=int, default=2, help="measurements per peer and size")
    parser.add_argument(
        "--idle",
        default="max",
        help="idle subscribed sockets for the memory figure: max (the open-files limit), a"
        " number, or 0 for none",
    )
    parser.add_argument("--peers", default=",".join(PEERS), help="of " + ",".join(PEERS))
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
    parser.add_argument(
        "--http",
        choices=[
            "h11",
            "httptools",
            "appsync.realtime.http_protocol:HttpToolsProtocol",
            "appsync.realtime.http_protocol:HttpProtocol",
        ],
        help="uvicorn's HTTP protocol (default: what `serve` uses)",
    )
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
    peers = [peer for peer in args.peers.split(",") if peer]
    unknown = set(peers) - set(PEERS)
    if unknown:
        parser.error(f"unknown peers: {', '.join(sorted(unknown))}")
    asyncio.run(run(sizes, args.rounds, args.passes, args.idle, peers, options))


if __name__ == "__main__":
    main()
