"""How long a hot reload takes for each bundled example (issue 17).

    .venv/bin/python -m bench.reload [--rounds 10]

Each example (examples/*/appsync.yaml) is built as `serve` builds it, then reloaded `--rounds`
times with nothing changed (`ApiReloader.reload`, in this process, no socket): the definition
read again, the API built beside the running one in a worker thread, its tables and state
machines declared, the swap, and the collection of the replaced API. It prints the median and
the slowest reload per example, and how long `load_api` alone takes for the same definition
(the part of a reload that is building the new API).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path

from appsync.app import build_app, load_api
from appsync.reload import ApiReloader
from definition.appsync_yaml.api import read_appsync_yaml

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


async def _example(config: Path, rounds: int) -> tuple[list[float], list[float]]:
    app = build_app(read_appsync_yaml(config))
    reloader = ApiReloader(app, lambda: read_appsync_yaml(config))
    reloads = []
    for _ in range(rounds):
        outcome = await reloader.reload()
        if not outcome.applied:
            raise RuntimeError(f"{config}: {outcome.problems}")
        reloads.append(outcome.seconds)
    builds = []
    for _ in range(rounds):
        started = time.perf_counter()
        load_api(read_appsync_yaml(config))
        builds.append(time.perf_counter() - started)
    return reloads, builds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    arguments = parser.parse_args()
    print(f"{'example':>10} {'reload ms':>10} {'slowest':>8} {'load_api ms':>12}")
    for config in sorted(EXAMPLES.glob("*/appsync.yaml")):
        reloads, builds = asyncio.run(_example(config, arguments.rounds))
        print(
            f"{config.parent.name:>10} {statistics.median(reloads) * 1000:10.0f} "
            f"{max(reloads) * 1000:8.0f} {statistics.median(builds) * 1000:12.0f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
