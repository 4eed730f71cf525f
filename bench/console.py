"""What the web console costs a GraphQL request: nothing while no console is open (issue 18).

    .venv/bin/python -m bench.console [--seconds 10] [--rounds 10] [--connections 16]

Three servers of the bundled blog example run in processes of their own under uvicorn, each
built by `appsync.app.build_app` as `appsync-local serve` builds it:

- `console mounted, closed`: as served, the console's routes mounted, nobody has opened it;
- `console left out`: the same app with the console's routes removed from its router after the
  build (`app.state.console.routes`), the baseline;
- `console open`: as served, after a `GET /console/config.json` (what a console page loads
  first), so the resolver log is armed: every request is logged at level ALL, verbose, for the
  console's stream (`appsync.console.resolver_log`).

This process loads one server at a time with the one-field query of bench/http.py
(`{ echo(message: "hi") }`, PYTHON on a NONE data source) from 16 keep-alive loopback
connections (bench/http.py's client), the phases interleaved in rounds, and prints each phase's
requests/s and server CPU per request (the server process's user+system time, /proc) with their
ratios to the baseline: the median of the rounds' ratios, each against the same round's
baseline, and their range, so that a change in the machine's load moves whole rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.http import API_KEY, CONFIG, cpu_so_far, load
from bench.processes import free_port, wait_until_listening

ROOT = Path(__file__).resolve().parent.parent
QUERY = b'{"query": "{ echo(message: \\"hi\\") }"}'
MOUNTED = "console mounted, closed"
LEFT_OUT = "console left out"
OPEN = "console open (log armed)"
# How each server is built: (name, --build value).
SERVERS = ((LEFT_OUT, "left-out"), (MOUNTED, "mounted"), (OPEN, "open"))


@dataclass(frozen=True, slots=True)
class Measured:
    """A phase's totals, and its requests/s and CPU per request against the baseline's, per
    round."""

    rps: float
    cpu_ms: float
    rps_ratios: tuple[float, ...]
    cpu_ratios: tuple[float, ...]


def serve(port: int, build: str) -> None:
    """The server process: the blog example as `serve` builds it, less the console's routes
    when `build` is "left-out"."""
    import uvicorn

    from appsync.app import build_app
    from definition.appsync_yaml.api import read_appsync_yaml

    app = build_app(read_appsync_yaml(CONFIG))
    if build == "left-out":
        console = set(map(id, app.state.console.routes))
        app.router.routes = [route for route in app.router.routes if id(route) not in console]
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def _request(port: int) -> bytes:
    head = (
        f"POST /graphql HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\n"
        f"content-type: application/json\r\nx-api-key: {API_KEY}\r\n"
        f"content-length: {len(QUERY)}\r\n\r\n"
    )
    return head.encode() + QUERY


async def _open_console(port: int) -> None:
    """What a console page does first: load `config.json` (which arms the resolver log)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(
            f"GET /console/config.json HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\n\r\n".encode()
        )
        head = await reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(f"the console did not open: {head[:60]!r}")
    finally:
        writer.close()
        await writer.wait_closed()


async def _run(
    targets: dict[str, tuple[int, int]], seconds: float, rounds: int, connections: int
) -> dict[str, Measured]:
    """`targets`: each phase's (port, server pid)."""
    await _open_console(targets[OPEN][0])
    requests = {name: _request(port) for name, (port, _) in targets.items()}
    for name, (port, _) in targets.items():  # warm-up: imports, the parsed document
        await load("127.0.0.1", port, requests[name], min(0.5, seconds), connections)
    counts = dict.fromkeys(targets, 0)
    elapsed = dict.fromkeys(targets, 0.0)
    cpu = dict.fromkeys(targets, 0.0)
    rps: dict[str, list[float]] = {name: [] for name in targets}
    cpu_ms: dict[str, list[float]] = {name: [] for name in targets}
    for _ in range(rounds):
        for name, (port, pid) in targets.items():
            cpu_before = cpu_so_far(pid)
            started = time.perf_counter()
            measured = await load("127.0.0.1", port, requests[name], seconds / rounds, connections)
            spent = time.perf_counter() - started
            used = (cpu_so_far(pid) or 0.0) - (cpu_before or 0.0)
            counts[name] += len(measured)
            elapsed[name] += spent
            cpu[name] += used
            rps[name].append(len(measured) / spent)
            cpu_ms[name].append(used * 1000 / max(len(measured), 1))
    base_rps, base_cpu = rps[LEFT_OUT], cpu_ms[LEFT_OUT]
    return {
        name: Measured(
            counts[name] / elapsed[name],
            cpu[name] * 1000 / max(counts[name], 1),
            tuple(value / first for value, first in zip(rps[name], base_rps, strict=True)),
            tuple(
                value / first if first else float("nan")
                for value, first in zip(cpu_ms[name], base_cpu, strict=True)
            ),
        )
        for name in targets
    }


def _span(values: tuple[float, ...]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per phase (default 10)")
    parser.add_argument("--rounds", type=int, default=10, help="interleaved rounds (default 10)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--build", help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.serve:
        serve(arguments.serve, arguments.build)
        return 0
    processes: list[subprocess.Popen[bytes]] = []
    try:
        targets: dict[str, tuple[int, int]] = {}
        for name, build in SERVERS:
            port = free_port()
            command = [sys.executable, "-m", "bench.console", "--serve", str(port)]
            processes.append(subprocess.Popen([*command, "--build", build], cwd=ROOT))
            wait_until_listening(port, processes[-1])
            targets[name] = (port, processes[-1].pid)
        results = asyncio.run(
            _run(targets, arguments.seconds, arguments.rounds, arguments.connections)
        )
    finally:
        for process in processes:
            process.terminate()
            process.wait()
    print(f"{arguments.connections} connections, loopback, {arguments.rounds} interleaved rounds")
    print("one-field query; x: the median round's ratio to `console left out` (range)")
    print(f"{'':28}{'req/s':>8}{'CPU ms/req':>12}{'x req/s':>20}{'x CPU/req':>20}")
    for name, measured in results.items():
        print(
            f"{name:28}{measured.rps:8.0f}{measured.cpu_ms:12.3f}"
            f"{_span(measured.rps_ratios):>20}{_span(measured.cpu_ratios):>20}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
