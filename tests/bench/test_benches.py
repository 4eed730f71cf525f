"""Every bench under bench/ runs, at a tiny size, as a user runs it (`python -m bench.NAME`), so
that a change of a signature it calls cannot break it silently. Nothing is timed here: the
benches print figures, and only their exit status and a line of their report are checked.

The benches are found, not listed: a module of bench/ missing from TINY (and not a helper)
fails the test that names it, so the next bench gets its tiny options here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from tests.conftest import REPO_ROOT

BENCH = REPO_ROOT / "bench"
# Modules of bench/ that are not benches: what the benches share.
HELPERS = frozenset({"__init__", "processes", "websocket_client"})


@dataclass(frozen=True, slots=True)
class Tiny:
    """How to run one bench small: its arguments, and a text its report prints."""

    arguments: tuple[str, ...]
    prints: str
    # A peer that needs Node.js (the Amplify simulator, ...): skipped with a note without it.
    needs_node: bool = False
    # Its deadline: a tiny run that takes longer has grown, or hangs (a loaded 2-core machine
    # takes several times what a quiet one does).
    seconds: float = 180.0


TINY = {
    "aws_endpoint": Tiny(("--quick",), "ours/moto"),
    "cache_and_logs": Tiny(("--seconds", "0.4", "--rounds", "1", "--connections", "2"), "req/s"),
    "console": Tiny(("--seconds", "0.2", "--rounds", "1", "--connections", "2"), "req/s"),
    "dynamodb": Tiny(("--seconds", "0.2", "--rounds", "1"), "/s"),
    "dynamodb_writes": Tiny(
        (
            "--writes",
            "200",
            "--every",
            "100",
            "--keys",
            "10",
            "--direct-keys",
            "10",
            "--connections",
            "2",
        ),
        "writes",
    ),
    "fanout": Tiny(("--sizes", "10", "--rounds", "1", "--passes", "1", "--idle", "20"), "10"),
    "functions": Tiny(("--calls", "20", "--rounds", "1", "--requests", "10"), "per call"),
    "http": Tiny(("--seconds", "0.3", "--rounds", "1", "--connections", "2"), "CPU per request"),
    "js_engines": Tiny(("--runs", "1", "--calls", "50"), "quickjs"),
    "js_runtime": Tiny(("--seconds", "0.2", "--rounds", "1"), "KiB"),
    # Each of its test modules starts a server (in process, then in a subprocess).
    "pytest_fixture": Tiny(
        ("--modules", "1", "--resets", "2", "--items", "5", "--executions", "2"),
        "resets",
        seconds=300.0,
    ),
    "queue_writes": Tiny(("--changes", "5", "--depth", "5", "--rounds", "1"), "per operation"),
    "queries": Tiny(("--queries", "50", "--blocks", "2", "--connections", "2"), "queries"),
    "reload": Tiny(("--rounds", "1"), "ms"),
    "startup": Tiny(("--rounds", "1"), "rounds"),
    "stepfunctions": Tiny(("--quick",), "moto"),
    "workers": Tiny(("--seconds", "1", "--rounds", "1", "--connections", "4"), "target"),
}
# Benches run at the same time (most of a tiny run is servers starting).
AT_ONCE = 2


def _benches() -> list[str]:
    return sorted(path.stem for path in BENCH.glob("*.py") if path.stem not in HELPERS)


def test_every_bench_has_its_tiny_options() -> None:
    missing = [name for name in _benches() if name not in TINY]
    assert missing == [], (
        f"bench/{missing[0]}.py has no entry in TINY (tests/bench/test_benches.py): give it "
        "options that make it run in a few seconds"
    )
    gone = [name for name in TINY if name not in _benches()]
    assert gone == [], f"TINY names benches that no longer exist: {gone}"


@pytest.fixture(scope="module")
def runs() -> Iterator[dict[str, Future[subprocess.CompletedProcess[str]]]]:
    """Every bench with tiny options, started at once and run a few at a time (most of a tiny
    run is servers starting and waiting on one another), each test reading its own."""
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}

    def run(name: str, tiny: Tiny) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", f"bench.{name}", *tiny.arguments],
            cwd=REPO_ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=tiny.seconds,
            check=False,
        )

    node = shutil.which("node") is not None
    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        yield {
            name: pool.submit(run, name, tiny)
            for name, tiny in TINY.items()
            if name in _benches() and (node or not tiny.needs_node)
        }


@pytest.mark.timeout(sum(tiny.seconds for tiny in TINY.values()) / AT_ONCE + 60)
@pytest.mark.parametrize("name", _benches())
def test_the_bench_runs_at_a_tiny_size(
    name: str, runs: dict[str, Future[subprocess.CompletedProcess[str]]]
) -> None:
    tiny = TINY.get(name)
    if tiny is None:
        pytest.fail(f"bench/{name}.py has no tiny options in TINY")
    if name not in runs:
        pytest.skip(f"bench/{name}.py measures a Node.js peer and node is not on the PATH")
    done = runs[name].result()
    report = done.stdout + done.stderr
    assert done.returncode == 0, report[-3000:]
    assert tiny.prints in done.stdout, report[-3000:]
