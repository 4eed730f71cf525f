"""`appsync-local serve` in a process of its own, for tests that watch it from outside: its
resident memory from /proc, its log as a user's terminal shows it, and other clients' latency
while it works on a hostile request, without this process's threads in the way.

Run as a module (`python -m tests.integration.server_process serve ...`) it is
`appsync-local` with one addition for the tests: on SIGUSR1 it collects garbage, hands freed
heap back to the OS (glibc's `malloc_trim`) and prints `collected`, so a reading of its RSS
afterwards counts what is still allocated, not what the allocator keeps for later.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from tests.conftest import REPO_ROOT

COLLECTED = "collected"
_ANNOUNCED = re.compile(r"GraphQL:  (http://127\.0\.0\.1:(\d+)/graphql)")


@dataclass(frozen=True, slots=True)
class ServerProcess:
    url: str
    port: int
    pid: int
    log_path: Path

    @property
    def realtime_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql/realtime"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def worker_pids(self) -> list[int]:
        """The worker pids the banner of `serve --workers` lists."""
        line = next(line for line in self.log().splitlines() if " processes answer " in line)
        return [int(pid) for pid in line.split("(pids ")[1].rstrip(")").split(", ")]

    def rss_after_collecting(self, timeout: float = 10.0) -> int:
        """Resident bytes once the server has collected garbage and trimmed its heap."""
        before = self.log().count(COLLECTED)
        os.kill(self.pid, signal.SIGUSR1)
        deadline = time.monotonic() + timeout
        while self.log().count(COLLECTED) <= before:
            if time.monotonic() > deadline:
                raise AssertionError("the server did not collect in time")
            time.sleep(0.02)
        return rss(self.pid)

    def killed(self) -> None:
        """Ended with SIGKILL, as a crash ends it: nothing more is written."""
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)

    def client(self, service: str) -> Any:
        """A boto3 client of `service` on the server's AWS endpoint (the default keys)."""
        import boto3

        return boto3.client(
            service,  # type: ignore[call-overload]
            region_name="us-east-1",
            endpoint_url=f"http://127.0.0.1:{self.port}",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )


def rss(pid: int) -> int:
    """Resident set size in bytes, from /proc/<pid>/status."""
    status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    match = re.search(r"^VmRSS:\s+(\d+) kB$", status, re.MULTILINE)
    if match is None:
        raise AssertionError(f"no VmRSS for process {pid}")
    return int(match.group(1)) * 1024


@contextmanager
def serve_process(
    config: Path,
    folder: Path,
    extra: Sequence[str] = ("--log-level", "info"),
    start_seconds: float = 30.0,
) -> Iterator[ServerProcess]:
    """`serve --config config --port 0` in a child process, logging to `folder/server.log`;
    stopped with SIGTERM on leaving. Memory only (`--ephemeral`) unless `extra` names a
    `--data-dir`. `start_seconds`: how long it may take to announce itself."""
    log_path = folder / "server.log"
    command = [sys.executable, "-m", "tests.integration.server_process", "serve"]
    command += ["--config", str(config), "--port", "0", *extra]
    if "--data-dir" not in extra:
        command.append("--ephemeral")
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        url, port = _announced(process, log_path, start_seconds)
        yield ServerProcess(url, port, process.pid, log_path)
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> int:
    """SIGTERM, as Ctrl+C in a terminal or a process manager stops it; killed if it has not
    ended 15 s later. Its exit status (negative: the signal that ended it)."""
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()


@contextmanager
def serve_kept(config: Path, data: Path, folder: Path, *flags: str) -> Iterator[ServerProcess]:
    """`serve_process` keeping its data in `data` (`--data-dir`), logging in `folder` (made)."""
    folder.mkdir(parents=True, exist_ok=True)
    with serve_process(config, folder, ("--data-dir", str(data), *flags)) as server:
        yield server


def _announced(process: subprocess.Popen[bytes], log_path: Path, seconds: float) -> tuple[str, int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        text = log_path.read_text(encoding="utf-8", errors="replace")
        match = _ANNOUNCED.search(text)
        if match is not None and "Press Ctrl+C" in text:
            return match.group(1), int(match.group(2))
        if process.poll() is not None:
            raise AssertionError(f"the server exited:\n{text}")
        time.sleep(0.05)
    raise AssertionError(f"the server did not start within {seconds:.0f} s")


def _collect(signum: int, frame: FrameType | None) -> None:
    gc.collect()
    libc = ctypes.util.find_library("c")
    if libc is not None:
        ctypes.CDLL(libc).malloc_trim(0)
    print(COLLECTED, flush=True)


if __name__ == "__main__":
    from appsync.__main__ import main

    signal.signal(signal.SIGUSR1, _collect)
    sys.exit(main(sys.argv[1:]))
