"""What the benchmarks that run a server in a process of its own share: a free loopback port,
waiting until the server listens on it, and the CPU time a process has used."""

from __future__ import annotations

import os
import random
import socket
import subprocess
import time
from pathlib import Path

# Below Linux's default ephemeral range (32768-60999): a port the kernel hands out for
# `bind(0)` is one it also hands to outgoing connections, so between this check and the
# server's own bind a client of another process (the test suite's other half) could take it.
_PORTS = (20000, 32000)


def free_port() -> int:
    """A loopback port no socket holds now, outside the range outgoing connections use."""
    low, high = _PORTS
    for _ in range(200):
        port = random.randrange(low, high)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free loopback port between {low} and {high}")


def wait_until_listening(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server process exited")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start within 30 s")


def cpu_seconds(pid: int) -> float:
    """The process's user + system CPU time so far, all its threads: /proc/PID/stat's utime
    and stime, the 12th and 13th fields after the command's closing parenthesis (proc(5)), in
    clock ticks. OSError once the process is gone."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
