"""All cores: NONE-resolver queries against `serve --workers 2` and `serve` (one process).

    .venv/bin/python -m bench.workers [--seconds 10] [--rounds 5] [--connections 32] [--workers 2]

Both servers run as `appsync-local serve --no-reload --ephemeral` with the same definition: a
one-field query on a NONE data source (VTL), and the Redis broker of a redis-server started
here (`--workers` needs one; the single process gets it too, so the two differ only in the
number of processes). The load generator is `wrk` (Debian's package: C, one thread, so it
takes a fraction of one core instead of the server's share) when it is on the PATH, else the
raw-socket asyncio client of `bench/http.py`, which needs much more CPU per request and so
understates what the workers reach on a 2-core machine. Loads are interleaved in rounds, one
server loaded at a time. Printed per round and as ranges: requests/s, the servers' CPU per
request (every process of the server: the primary and its workers, from /proc), and the load
generator's own CPU.

Target (issue 19): with 2 workers, at least 1.6x the single process's requests/s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.http import read_answer
from bench.processes import cpu_seconds, free_port, wait_until_listening

ROOT = Path(__file__).resolve().parent.parent
API_KEY = "da2-benchworkerskey000000000"
QUERY = '{ echo(message: "hi") }'
API = """
name: bench-workers
schema: schema.graphql
authenticationType: API_KEY
apiKeys: [{id: %(key)s}]
dataSources: [{name: Local, type: NONE}]
resolvers:
  - {typeName: Query, fieldName: echo, dataSourceName: Local,
     requestMappingTemplate: echo.req.vtl, responseMappingTemplate: echo.res.vtl}
server:
  realtime: {redisUrl: "%(redis)s"}
"""
FILES = {
    "schema.graphql": "type Query { echo(message: String!): String }\n",
    "echo.req.vtl": '{"version": "2018-05-29", "payload": $util.toJson($ctx.args.message)}',
    "echo.res.vtl": "$util.toJson($ctx.result)",
}
WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = %s
wrk.headers["content-type"] = "application/json"
wrk.headers["x-api-key"] = "%s"
"""
_REQUESTS_PER_SECOND = re.compile(r"Requests/sec:\s+([\d.]+)")
_COMPLETED = re.compile(r"(\d+) requests in")
_NOT_OK = re.compile(r"Non-2xx or 3xx responses: (\d+)")


@dataclass(frozen=True, slots=True)
class Server:
    """One `serve` under test: its port and its primary process."""

    name: str
    port: int
    process: subprocess.Popen[bytes]

    def cpu_seconds(self) -> float:
        """User + system time of the primary and every process it started (the workers)."""
        return sum(_cpu_so_far(pid) for pid in _family(self.process.pid))


@dataclass(frozen=True, slots=True)
class Load:
    requests: int
    seconds: float
    server_cpu: float
    generator_cpu: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def _family(pid: int) -> list[int]:
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text(encoding="ascii")
    except OSError:
        return pids
    for child in children.split():
        pids.extend(_family(int(child)))
    return pids


def _cpu_so_far(pid: int) -> float:
    """A process's CPU time, 0 once it has exited (a worker stopping while it is summed)."""
    try:
        return cpu_seconds(pid)
    except OSError:
        return 0.0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _wrk(server: Server, seconds: float, connections: int, script: Path) -> tuple[int, float]:
    url = f"http://127.0.0.1:{server.port}/graphql"
    duration = f"{max(1, round(seconds))}s"
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}", "-s", str(script), url]
    started = time.perf_counter()
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    elapsed = time.perf_counter() - started
    not_ok = _NOT_OK.search(output)
    if not_ok is not None:
        raise RuntimeError(f"{not_ok.group(1)} answers were not 200:\n{output}")
    completed = _COMPLETED.search(output)
    rate = _REQUESTS_PER_SECOND.search(output)
    if completed is None or rate is None:
        raise RuntimeError(f"wrk's output has no figures:\n{output}")
    requests, per_second = int(completed.group(1)), float(rate.group(1))
    # wrk's own rate is over its run, without its start and stop.
    return requests, requests / per_second if per_second > 0 else elapsed


async def _asyncio_load(server: Server, seconds: float, connections: int) -> tuple[int, float]:
    body = json.dumps({"query": QUERY}).encode()
    request = (
        f"POST /graphql HTTP/1.1\r\nhost: 127.0.0.1:{server.port}\r\n"
        f"content-type: application/json\r\nx-api-key: {API_KEY}\r\n"
        f"content-length: {len(body)}\r\n\r\n"
    ).encode() + body
    counts = [0] * connections
    started = time.perf_counter()
    deadline = started + seconds

    async def connection(index: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        try:
            while time.perf_counter() < deadline:
                writer.write(request)
                await read_answer(reader)
                counts[index] += 1
        finally:
            writer.close()
            await writer.wait_closed()

    async with asyncio.TaskGroup() as group:
        for index in range(connections):
            group.create_task(connection(index))
    return sum(counts), time.perf_counter() - started


def _measure(server: Server, seconds: float, connections: int, script: Path | None) -> Load:
    """One load of `server`: what it answered, its CPU, the generator's CPU."""
    server_before, generator_before = server.cpu_seconds(), _children_cpu()
    if script is not None:
        requests, elapsed = _wrk(server, seconds, connections, script)
        generator = _children_cpu() - generator_before
    else:
        own_before = time.process_time()
        requests, elapsed = asyncio.run(_asyncio_load(server, seconds, connections))
        generator = time.process_time() - own_before
    return Load(requests, elapsed, server.cpu_seconds() - server_before, generator)


def _start(name: str, config: Path, workers: int, folder: Path) -> Server:
    port = free_port()
    command = [sys.executable, "-m", "appsync", "serve", "--config", str(config)]
    command += ["--port", str(port), "--no-reload", "--ephemeral", "--log-level", "warning"]
    command += ["--workers", str(workers)]
    log = (folder / f"{name}.log").open("w", encoding="utf-8")
    process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while "Press Ctrl+C" not in (folder / f"{name}.log").read_text(encoding="utf-8"):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError((folder / f"{name}.log").read_text(encoding="utf-8"))
        time.sleep(0.1)
    return Server(name, port, process)


def _redis(port: int) -> subprocess.Popen[bytes]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not on the PATH (the project's setup installs it)")
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    command += ["--appendonly", "no"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    wait_until_listening(port, process)
    return process


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per load (default 10)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--client", choices=["auto", "wrk", "asyncio"], default="auto", help="load generator"
    )
    arguments = parser.parse_args(argv)
    use_wrk = arguments.client == "wrk" or (
        arguments.client == "auto" and shutil.which("wrk") is not None
    )
    redis_port = free_port()
    processes: list[subprocess.Popen[bytes]] = [_redis(redis_port)]
    loads: dict[str, list[Load]] = {}
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for file, text in FILES.items():
            (folder / file).write_text(text, encoding="utf-8")
        config = folder / "appsync.yaml"
        redis = f"redis://127.0.0.1:{redis_port}/0"
        config.write_text(API % {"key": API_KEY, "redis": redis}, encoding="utf-8")
        script = None
        if use_wrk:
            script = folder / "post.lua"
            body = json.dumps(json.dumps({"query": QUERY}))
            script.write_text(WRK_SCRIPT % (body, API_KEY), encoding="utf-8")
        try:
            servers = []
            for label, count in (
                ("1 process", 1),
                (f"{arguments.workers} workers", arguments.workers),
            ):
                servers.append(_start(label.replace(" ", "-"), config, count, folder))
                processes.append(servers[-1].process)
                loads[servers[-1].name] = []
            for server in servers:  # warm-up: imports, caches, the parsed document
                _measure(server, min(1.0, arguments.seconds), arguments.connections, script)
            for _ in range(arguments.rounds):
                for server in servers:
                    load = _measure(server, arguments.seconds, arguments.connections, script)
                    loads[server.name].append(load)
        finally:
            for process in reversed(processes):
                process.terminate()
                process.wait(30)
    _print(loads, arguments, "wrk (1 thread)" if use_wrk else "asyncio raw-socket client")
    return 0


def _print(loads: dict[str, list[Load]], arguments: argparse.Namespace, client: str) -> None:
    single, multi = loads.values()
    names = list(loads)
    print(
        f"NONE-resolver one-field query, {arguments.connections} keep-alive connections, "
        f"{os.cpu_count()} CPUs (load average {os.getloadavg()[0]:.1f} at the end), "
        f"load generator: {client}"
    )
    print("cores: the server's CPU seconds per second of load (all its processes)")
    header = f"{'round':>5}"
    for name in names:
        header += f" {name + ' req/s':>18} {'CPU us/req':>10} {'cores':>5} {'gen CPU %':>9}"
    print(header + f" {'ratio':>6}")
    ratios = []
    for index, (one, many) in enumerate(zip(single, multi, strict=True), start=1):
        ratios.append(many.rps / one.rps)
        row = f"{index:>5}"
        for load in (one, many):
            per_request = load.server_cpu / load.requests * 1e6
            generator = load.generator_cpu / load.seconds * 100
            cores = load.server_cpu / load.seconds
            row += f" {load.rps:18.0f} {per_request:10.0f} {cores:5.2f} {generator:9.0f}"
        print(row + f" {ratios[-1]:6.2f}")
    low, high = min(ratios), max(ratios)
    median = statistics.median(ratios)
    verdict = "met" if median >= 1.6 else "NOT met"
    print(
        f"{names[1]} / {names[0]}: {median:.2f}x req/s (median; range {low:.2f}-{high:.2f}x); "
        f"target (>= 1.6x): {verdict}"
    )


if __name__ == "__main__":
    sys.exit(main())
