"""First answer: from a server process's start to its first successful answer, beside its peer.

    .venv/bin/python -m bench.startup [--rounds 5]     (or ./scripts/bench startup)

(run as a module from the repository root, as every bench is).

Two pairs, each process started afresh in every round, the four interleaved round by round (the
order turns each round, so no side always follows the same one):

- `appsync-local serve --config examples/blog/appsync.yaml` (what `./scripts/run` serves),
  with `serve`'s defaults: the reload watcher on, the data kept in a data directory (here a
  temporary `--data-dir`, the same for every round, so each timed start is a restart on
  existing data, as most of a user's starts are), against the Amplify AppSync simulator
  (`bench/simulator/`) serving the same schema and API key. The first answer is a 200 with
  data to `query { echo(message: "hi") }` with the API key, the example's NONE resolver.
- `appsync-local stepfunctions` (memory store, its default) against `moto_server` (the
  Step Functions API among moto's others): the first answer is a ListStateMachines from a
  botocore client (signed with moto's and our default test keys), retried until it succeeds.

The clock starts just before the process is spawned and stops when the answer arrives, polling
every 5 ms. The server's CPU time until then (user and system, from /proc) is printed beside it:
on a shared machine it varies less than the wall clock. Peak memory is the process's peak
resident set (`VmHWM`) once it has answered. An untimed start of each side first fills the page
cache and writes Python's bytecode (not with `--rounds 1`, a smoke run). Without Node.js, or
when its `npm ci` fails, the simulator is skipped (with a note), and so are the ratios that
need it.

Targets (issue 19): `serve` at most 0.5x the simulator's time; `stepfunctions` at most
moto_server's time and memory.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from botocore.session import Session

from bench.processes import cpu_seconds, free_port
from bench.simulator import peer

ROOT = Path(__file__).resolve().parent.parent
BLOG = ROOT / "examples" / "blog" / "appsync.yaml"
BIN = Path(sys.executable).parent
ECHO = {"query": 'query { echo(message: "hi") }'}
POLL = 0.005
TIMEOUT = 60.0
# As an installed package runs: with its modules' bytecode cached (the untimed first start
# writes it, even where the environment says not to).
PYTHON_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


@dataclass(frozen=True, slots=True)
class Start:
    seconds: float
    # The server process's own CPU time (user and system) until then: steadier than the wall
    # clock on a machine other work shares.
    cpu_seconds: float
    peak_rss_mib: float


@dataclass(frozen=True, slots=True)
class Side:
    """How to start one server on a port, and whether it has answered yet."""

    name: str
    argv: Callable[[int], list[str]]
    answered: Callable[[int], bool]
    env: dict[str, str]


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def time_start(side: Side) -> Start:
    """Start `side` on a free port, time its first answer, stop it."""
    port = free_port()
    argv = side.argv(port)
    started = time.perf_counter()
    process = subprocess.Popen(
        argv, env=side.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        while not side.answered(port):
            if process.poll() is not None:
                error = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"{side.name} exited with {process.returncode}:\n{error}")
            if time.perf_counter() - started > TIMEOUT:
                raise RuntimeError(f"{side.name} did not answer within {TIMEOUT:.0f} s")
            time.sleep(POLL)
        seconds = time.perf_counter() - started
        return Start(seconds, cpu_seconds(process.pid), _peak_rss_mib(process.pid))
    finally:
        peer.stop(process)


def _graphql_answers(api_key: str) -> Callable[[int], bool]:
    client = httpx.Client(timeout=5.0)

    def answered(port: int) -> bool:
        try:
            response = client.post(
                f"http://127.0.0.1:{port}/graphql", json=ECHO, headers={"x-api-key": api_key}
            )
        except httpx.TransportError:
            return False
        return response.status_code == 200 and response.json().get("data") is not None

    return answered


def _list_state_machines_answers() -> Callable[[int], bool]:
    session = Session()
    # No retries and short timeouts: the poll loop is the retry.
    config = Config(retries={"max_attempts": 0}, connect_timeout=1, read_timeout=5)
    clients: dict[int, object] = {}

    def answered(port: int) -> bool:
        client = clients.get(port)
        if client is None:
            client = session.create_client(
                "stepfunctions",
                region_name="us-east-1",
                endpoint_url=f"http://127.0.0.1:{port}",
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
                config=config,
            )
            clients[port] = client
        try:
            client.list_state_machines()  # type: ignore[attr-defined]
        except (BotoCoreError, ClientError):
            return False
        return True

    return answered


def sides(data_dir: Path, simulator_folder: Path | None) -> list[Side]:
    ours = str(BIN / "appsync-local")
    data = ["--data-dir", str(data_dir)]
    found = [
        Side(
            "appsync-local serve",
            lambda port: [ours, "serve", "--config", str(BLOG), "--port", str(port), *data],
            _graphql_answers(peer.BLOG.api_key),
            PYTHON_ENV,
        ),
        Side(
            "appsync-local stepfunctions",
            lambda port: [ours, "stepfunctions", "--port", str(port)],
            _list_state_machines_answers(),
            PYTHON_ENV,
        ),
        Side(
            "moto_server",
            lambda port: [str(BIN / "moto_server"), "-p", str(port)],
            _list_state_machines_answers(),
            PYTHON_ENV,
        ),
    ]
    if simulator_folder is not None:
        _, env = peer.command(peer.BLOG, simulator_folder, 0)
        found.insert(
            1,
            Side(
                "Amplify AppSync simulator",
                lambda port: peer.command(peer.BLOG, simulator_folder, port)[0],
                _graphql_answers(peer.BLOG.api_key),
                env,
            ),
        )
    return found


def _summary(starts: list[Start]) -> str:
    seconds = [start.seconds for start in starts]
    cpu = [start.cpu_seconds for start in starts]
    rss = [start.peak_rss_mib for start in starts]
    return (
        f"{statistics.median(seconds):6.3f} s ({min(seconds):.3f} to {max(seconds):.3f})"
        f"  {statistics.median(cpu):5.2f} s ({min(cpu):.2f} to {max(cpu):.2f})"
        f"  {statistics.median(rss):6.1f} MiB ({min(rss):.1f} to {max(rss):.1f})"
    )


def _ratio(
    results: dict[str, list[Start]], ours: str, theirs: str, target: float, memory: bool
) -> None:
    if ours not in results or theirs not in results:
        return
    pairs = list(zip(results[ours], results[theirs], strict=True))
    times = [a.seconds / b.seconds for a, b in pairs]
    cpu = [a.cpu_seconds / b.cpu_seconds for a, b in pairs]
    line = (
        f"{ours} / {theirs}: time {statistics.median(times):.2f}x"
        f" (rounds {min(times):.2f}x to {max(times):.2f}x; target <= {target}x),"
        f" CPU {statistics.median(cpu):.2f}x ({min(cpu):.2f}x to {max(cpu):.2f}x)"
    )
    if memory:
        rss = [a.peak_rss_mib / b.peak_rss_mib for a, b in pairs]
        line += (
            f", peak memory {statistics.median(rss):.2f}x"
            f" ({min(rss):.2f}x to {max(rss):.2f}x; target <= 1x)"
        )
    print(line)


def run(rounds: int) -> None:
    reason = peer.prepared()
    if reason is not None:
        print(f"Amplify AppSync simulator: skipped, {reason}")
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as folder:
        data_dir = Path(folder) / "data"
        simulator_folder = None
        if reason is None:
            simulator_folder = Path(folder) / "simulator"
            simulator_folder.mkdir()
        found = sides(data_dir, simulator_folder)
        # A one-round run is a smoke run: no untimed start first.
        for side in found if rounds > 1 else ():
            time_start(side)
        results: dict[str, list[Start]] = {side.name: [] for side in found}
        for round_ in range(rounds):
            turn = round_ % len(found)
            for side in found[turn:] + found[:turn]:
                results[side.name].append(time_start(side))
    print(
        f"{rounds} rounds, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f};"
        " medians (ranges) of: time to the first answer, the server's CPU time until then,"
        " its peak RSS"
    )
    for name, starts in results.items():
        print(f"  {name:30} {_summary(starts)}")
    _ratio(results, "appsync-local serve", "Amplify AppSync simulator", 0.5, memory=False)
    _ratio(results, "appsync-local stepfunctions", "moto_server", 1.0, memory=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    run(arguments.rounds)


if __name__ == "__main__":
    main()
