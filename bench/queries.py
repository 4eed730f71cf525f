"""Memory and latency across distinct queries: bounded, not growing with every new text.

    .venv/bin/python -m bench.queries [--queries 10000] [--blocks 10] [--connections 4]

The server runs in its own process under uvicorn, as `appsync-local serve` runs it, with the
bundled blog example. This process sends `--queries` distinct documents (each a new text, so
each is parsed and validated once, in the server's worker thread, and offered to its document
cache), in blocks, from a few keep-alive connections. After each block it reads the server's
resident memory from /proc once the server has collected garbage and handed freed heap back to
the OS (SIGUSR1 in the server process: `gc.collect()`, glibc's `malloc_trim(0)`), so the figure
is what stays allocated; and the block's latency percentiles. Figures are printed against the
start (the server after a warm-up of one repeated query): memory levels off once the document
cache holds its budget (32 MiB of counted documents), and p99 stays where the first block's is.
Issue 12 measured RSS growing from 461 to 2,477 MB under distinct queries, never released.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import ctypes.util
import gc
import os
import re
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

import httpx

from bench.processes import free_port, wait_until_listening

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "examples" / "blog" / "appsync.yaml"
API_KEY = "da2-localblogexamplekey00000"
COLLECTED = b"collected\n"


def _query(n: int) -> str:
    """A distinct document the size of a generated client query (about 400 bytes)."""
    return (
        f"query Q{n}($m: String!) {{\n"
        f"  first{n}: echo(message: $m)\n"
        f'  second: echo(message: "{n}")\n'
        '  post: getPost(id: "p1") { id title tags publishedAt author { id name } '
        "comments { id author content createdAt } }\n"
        "}"
    )


async def _block(url: str, numbers: range, connections: int) -> tuple[list[float], float]:
    """Latencies of the block's queries, and its wall time."""
    latencies: list[float] = []
    pending = iter(numbers)
    started = time.perf_counter()

    async def worker(client: httpx.AsyncClient) -> None:
        for n in pending:
            sent = time.perf_counter()
            response = await client.post(url, json={"query": _query(n), "variables": {"m": str(n)}})
            latencies.append(time.perf_counter() - sent)
            if response.status_code != 200 or "errors" in response.json():
                raise RuntimeError(f"query {n}: {response.status_code} {response.text[:200]}")

    headers = {"x-api-key": API_KEY}
    async with (
        httpx.AsyncClient(headers=headers, timeout=60) as client,
        asyncio.TaskGroup() as group,
    ):
        for _ in range(connections):
            group.create_task(worker(client))
    return latencies, time.perf_counter() - started


def _rss(server: subprocess.Popen[bytes]) -> int:
    """The server's resident bytes once it has collected and trimmed (it answers SIGUSR1)."""
    assert server.stdout is not None
    os.kill(server.pid, signal.SIGUSR1)
    if server.stdout.readline() != COLLECTED:
        raise RuntimeError("the server did not collect")
    status = Path(f"/proc/{server.pid}/status").read_text(encoding="ascii")
    match = re.search(r"^VmRSS:\s+(\d+) kB$", status, re.MULTILINE)
    if match is None:
        raise RuntimeError("no VmRSS")
    return int(match.group(1)) * 1024


async def _run(
    url: str, server: subprocess.Popen[bytes], queries: int, blocks: int, connections: int
) -> None:
    async with httpx.AsyncClient(headers={"x-api-key": API_KEY}) as client:
        for _ in range(200):  # warm-up: one repeated query
            await client.post(url, json={"query": _query(-1), "variables": {"m": "-"}})
    start_rss = _rss(server)
    size = queries // blocks
    first_p99: float | None = None
    print(f"{queries:,} distinct queries in blocks of {size:,}, {connections} connections")
    columns = ("RSS MiB", 8), ("x start", 7), ("q/s", 6), ("p50 ms", 7), ("p99 ms", 7), ("x p99", 6)
    print(f"{'queries':>9}" + "".join(f"  {name:>{width}}" for name, width in columns))
    print(f"{'start':>9}  {start_rss / 2**20:8.1f}  {1.0:7.2f}")
    for block in range(blocks):
        latencies, elapsed = await _block(url, range(block * size, (block + 1) * size), connections)
        rss = _rss(server)
        cuts = statistics.quantiles(latencies, n=100)
        p50, p99 = cuts[49] * 1000, cuts[98] * 1000
        first_p99 = first_p99 or p99
        print(
            f"{(block + 1) * size:>9,}  {rss / 2**20:8.1f}  {rss / start_rss:7.2f}  "
            f"{len(latencies) / elapsed:6.0f}  {p50:7.2f}  {p99:7.2f}  {p99 / first_p99:6.2f}"
        )


def _collect(signum: int, frame: FrameType | None) -> None:
    gc.collect()
    libc = ctypes.util.find_library("c")
    if libc is not None:
        ctypes.CDLL(libc).malloc_trim(0)
    sys.stdout.buffer.write(COLLECTED)
    sys.stdout.flush()


def serve(port: int) -> None:
    """The server process: the blog example as `serve` runs it, answering SIGUSR1."""
    import uvicorn

    from appsync.app import build_app
    from appsync.realtime.endpoint import UVICORN_OPTIONS
    from definition.appsync_yaml.api import read_appsync_yaml

    signal.signal(signal.SIGUSR1, _collect)
    app = build_app(read_appsync_yaml(CONFIG))
    uvicorn.run(
        app, host="127.0.0.1", port=port, log_level="warning", access_log=False, **UVICORN_OPTIONS
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--queries", type=int, default=10_000, help="distinct (default 10,000)")
    parser.add_argument("--blocks", type=int, default=10, help="readings (default 10)")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.serve:
        serve(arguments.serve)
        return 0
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.queries", "--serve", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
    )
    try:
        wait_until_listening(port, server)
        asyncio.run(
            _run(
                f"http://127.0.0.1:{port}/graphql",
                server,
                arguments.queries,
                arguments.blocks,
                arguments.connections,
            )
        )
    finally:
        server.terminate()
        server.wait(timeout=15)
    return 0


if __name__ == "__main__":
    sys.exit(main())
