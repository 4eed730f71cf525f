"""The pytest plugin's costs: a module-scoped fixture's start-up per test module, and a reset.

    .venv/bin/python -m bench.pytest_fixture [--modules 4] [--resets 30]
    (or ./scripts/bench pytest_fixture)

Start-up: a throwaway project of `--modules` test modules, each with a module-scoped server of
the to-do example (`examples/todo`, one seeded table) on a manual clock and one query, run by
pytest in a process of its own, once per mode (in-process, subprocess). pytest's own setup
durations (`--durations=0`) give each module's fixture start-up; the first module of the
in-process run also pays for importing the server (a subprocess server pays for it in each
module). Reset: `api.reset()` on a served to-do API after writing `--items` items, and on the
orders example with `--executions` running executions (each waiting for an activity worker),
timed at the client (a control API round trip) and as the server counts it, median of
`--resets`; then how many resets fit in one fresh server's start.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TODO = ROOT / "examples" / "todo" / "appsync.yaml"
ORDERS = ROOT / "examples" / "orders" / "appsync.yaml"
ORDERS_MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:orders"
_SETUP = re.compile(r"^([\d.]+)s setup\s+(\S+?)::test_query", re.MULTILINE)

MODULE = """
import pytest


@pytest.fixture(scope="module")
def api(appsync_local_module):
    return appsync_local_module({definition!r}, clock="manual", mode={mode!r})


def test_query(api):
    assert api.query("{{ listTodos {{ items {{ id }} }} }}")["data"] is not None
"""


def startup(modules: int, mode: str) -> list[float]:
    """Each module's fixture start-up, in seconds, in run order."""
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        for index in range(modules):
            text = MODULE.format(definition=str(TODO), mode=mode)
            (project / f"test_module_{index}.py").write_text(text, encoding="utf-8")
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        command += ["--durations=0", "--durations-min=0", "-o", "addopts=", str(project)]
        run = subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)
        if run.returncode != 0:
            raise RuntimeError(f"the {mode} run failed:\n{run.stdout}\n{run.stderr}")
        found = {name: float(seconds) for seconds, name in _SETUP.findall(run.stdout)}
        return [found[f"test_module_{index}.py"] for index in range(modules)]


def timed(call: Callable[[], Any], rounds: int) -> tuple[float, float, list[Any]]:
    """Median seconds at the client, and the median of what the server said it took."""
    elapsed, answers = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        answers.append(call())
        elapsed.append(time.perf_counter() - started)
    server = statistics.median(answer["milliseconds"] / 1000 for answer in answers)
    return statistics.median(elapsed), server, answers


def resets(rounds: int, items: int, executions: int) -> dict[str, tuple[float, float]]:
    # Imported here: the start-up runs above must not pay for it in this process.
    from appsync.data_directory import DataDirectory
    from appsync.testing.api import LocalApi
    from appsync.testing.servers import ServeMode, ServeOptions, load_definition, serve

    figures: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as folder:

        def served(path: Path, name: str) -> LocalApi:
            data = DataDirectory(Path(folder) / name)
            definition = load_definition(path)
            options = ServeOptions(ServeMode.IN_PROCESS, None, data)
            return LocalApi(definition, serve(definition, options), data)

        todo = served(TODO, "todo")
        try:
            client, server, _ = timed(todo.reset, rounds)
            figures["to-do, nothing written"] = (client, server)

            def written() -> Any:
                for index in range(items):
                    todo.dynamodb.put_item(
                        TableName="Todo", Item={"id": {"S": f"b{index}"}, "name": {"S": "x"}}
                    )
                return todo.reset()

            # The writes are timed too; the server's own figure is the reset alone.
            _, server, _ = timed(written, max(3, rounds // 10))
            figures[f"to-do, {items} items written"] = (server, server)
        finally:
            todo.close()
        orders = served(ORDERS, "orders")
        try:

            def running() -> Any:
                for index in range(executions):
                    orders.stepfunctions.start_execution(
                        stateMachineArn=ORDERS_MACHINE, name=f"o{index}", input="{}"
                    )
                return orders.reset()

            _, server, _ = timed(running, max(3, rounds // 10))
            figures[f"orders, {executions} running executions"] = (server, server)
        finally:
            orders.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--modules", type=int, default=4)
    parser.add_argument("--resets", type=int, default=30)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--executions", type=int, default=20)
    arguments = parser.parse_args()
    print(f"fixture start-up per test module (to-do example, {arguments.modules} modules):")
    later: dict[str, float] = {}
    for mode in ("in-process", "subprocess"):
        seconds = startup(arguments.modules, mode)
        later[mode] = statistics.median(seconds[1:]) if len(seconds) > 1 else seconds[0]
        shown = ", ".join(f"{value * 1000:.0f}" for value in seconds)
        after = f"median after the first {later[mode] * 1000:.0f}"
        print(f"  {mode:<11} ms per module: {shown}  ({after})")
    print(f"reset (median of {arguments.resets}; client round trip / server's own):")
    figures = resets(arguments.resets, arguments.items, arguments.executions)
    for name, (client, server) in figures.items():
        print(f"  {name:<34} {client * 1000:7.1f} ms / {server * 1000:6.1f} ms")
    quickest = figures["to-do, nothing written"][0]
    for mode, start in later.items():
        print(f"  one {mode} start-up = {start / quickest:.0f} resets")


if __name__ == "__main__":
    main()
