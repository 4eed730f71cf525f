"""The benches' free port: bindable now, and outside the kernel's ephemeral range, which the
outgoing connections of other processes draw from."""

from __future__ import annotations

import socket
from pathlib import Path

from bench.processes import free_port


def test_a_free_port_is_bindable_and_not_ephemeral() -> None:
    low, high = (
        int(part) for part in Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
    )
    for _ in range(20):
        port = free_port()
        assert not low <= port <= high
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))
