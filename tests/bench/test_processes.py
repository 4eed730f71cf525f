"""The benches' free port: bindable now, and outside the kernel's ephemeral range, which the
outgoing connections of other processes draw from; and a process's CPU time from /proc."""

from __future__ import annotations

import os
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.processes import cpu_seconds, free_port


def test_a_free_port_is_bindable_and_not_ephemeral() -> None:
    low, high = (
        int(part) for part in Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
    )
    for _ in range(20):
        port = free_port()
        assert not low <= port <= high
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))


def test_cpu_seconds_are_what_the_process_used_and_gone_with_it() -> None:
    mine = resource.getrusage(resource.RUSAGE_SELF)
    # At clock-tick resolution, this process's own user + system time as the kernel counts it.
    assert cpu_seconds(os.getpid()) >= mine.ru_utime + mine.ru_stime - 0.05
    # The child spins past what is waited for: /proc counts whole clock ticks, so a child that
    # stopped at exactly 0.3 s could read 0.29 there for ever.
    spin = "import time\nend = time.process_time() + 0.4\nwhile time.process_time() < end: pass"
    child = subprocess.Popen([sys.executable, "-c", spin + "\ninput()"], stdin=subprocess.PIPE)
    try:
        while cpu_seconds(child.pid) < 0.3:
            assert child.poll() is None
            time.sleep(0.01)
    finally:
        child.communicate(b"\n", timeout=30)
    with pytest.raises(FileNotFoundError):
        cpu_seconds(child.pid)
