"""Step Functions engine throughput beside moto's engine, on the same definitions in the same run.

    .venv/bin/python -m bench.stepfunctions [--quick]     (or ./scripts/bench stepfunctions)

Measures state transitions per second (a 100-state Pass chain, a Map over 10,000 items, a
Parallel of 10 branches), executions started per second, and memory after 100,000 finished
executions; then the chain and the starts again with Standard executions written through to a
SQLite file (`SqliteStore`). Our engine is driven through `StepFunctionsService.handle` (the
API without HTTP); moto through boto3 under
`mock_aws(config={"stepfunctions": {"execute_state_machine": True}})`, also in-process. A
transition is a state entered (a `*StateEntered` event), counted from the definition.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import os
import resource
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stepfunctions.runtime.clock import SystemClock
from stepfunctions.runtime.task_registry import TaskRegistry
from stepfunctions.service.api import StepFunctionsService
from stepfunctions.store.protocol import Store
from stepfunctions.store.sqlite import SqliteStore

ROLE = "arn:aws:iam::123456789012:role/bench"


def pass_chain(length: int) -> dict[str, Any]:
    states: dict[str, Any] = {
        f"S{i}": {"Type": "Pass", "Next": f"S{i + 1}"} for i in range(length - 1)
    }
    states[f"S{length - 1}"] = {"Type": "Pass", "End": True}
    return {"StartAt": "S0", "States": states}


def map_over(items: int) -> tuple[dict[str, Any], str]:
    """A Distributed Map: each item is a child execution with its own history. (An inline Map
    of 10,000 items would pass AWS's 25,000-event history quota and fail, here as on AWS.)"""
    definition = {
        "StartAt": "Map",
        "States": {
            "Map": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "Item",
                    "States": {"Item": {"Type": "Pass", "End": True}},
                },
                "End": True,
            }
        },
    }
    return definition, json.dumps({"items": list(range(items))})


def parallel_of(branches: int) -> dict[str, Any]:
    branch = {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": True}}}
    return {
        "StartAt": "P",
        "States": {"P": {"Type": "Parallel", "Branches": [branch] * branches, "End": True}},
    }


@dataclass(frozen=True, slots=True)
class Workload:
    """`transitions` is the number of states one run enters (its `*StateEntered` events, the
    children's included), known from the definition so the timed loop reads no history."""

    name: str
    definition: dict[str, Any]
    input: str
    runs: int
    transitions: int


@dataclass(frozen=True, slots=True)
class Rate:
    transitions: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.transitions / self.seconds if self.seconds else 0.0


class Ours:
    """Our engine through the service API, in one event loop."""

    def __init__(self, retention: int = 10_000, store: Store | None = None) -> None:
        self.service = StepFunctionsService(
            SystemClock(), TaskRegistry(), retention=retention, store=store
        )
        self._count = 0

    async def call(self, operation: str, **body: Any) -> dict[str, Any]:
        status, response = await self.service.handle(operation, json.dumps(body).encode())
        if status != 200:
            raise RuntimeError(f"{operation}: {response}")
        return response

    async def machine(self, definition: dict[str, Any]) -> str:
        self._count += 1
        created = await self.call(
            "CreateStateMachine",
            name=f"bench-{self._count}",
            definition=json.dumps(definition),
            roleArn=ROLE,
        )
        return str(created["stateMachineArn"])

    async def finish(self, arn: str) -> dict[str, Any]:
        while True:
            described = await self.call("DescribeExecution", executionArn=arn)
            if described["status"] != "RUNNING":
                return described
            await asyncio.sleep(0.0005)

    async def transitions(self, work: Workload) -> Rate:
        machine = await self.machine(work.definition)
        started = time.perf_counter()
        for _ in range(work.runs):
            arn = (await self.call("StartExecution", stateMachineArn=machine, input=work.input))[
                "executionArn"
            ]
            if (await self.finish(arn))["status"] != "SUCCEEDED":
                raise RuntimeError(f"{work.name} did not succeed")
        return Rate(work.transitions * work.runs, time.perf_counter() - started)

    async def starts(self, count: int) -> float:
        machine = await self.machine(pass_chain(1))
        started = time.perf_counter()
        for _ in range(count):
            await self.call("StartExecution", stateMachineArn=machine)
        return count / (time.perf_counter() - started)

    async def finished_memory(self, count: int) -> tuple[int, list[tuple[int, float]]]:
        """Executions still held after `count` finished ones, and the resident memory (MiB) after
        each fifth of them: flat once the retention bound is reached."""
        machine = await self.machine(pass_chain(1))
        batch, samples = 1000, []
        for done in range(batch, count + 1, batch):
            arns = [
                (await self.call("StartExecution", stateMachineArn=machine))["executionArn"]
                for _ in range(batch)
            ]
            for arn in arns:
                await self.finish(arn)
            if done % (count // 5) == 0:
                gc.collect()
                samples.append((done, _resident_mib()))
        held = len(list(self.service.store.executions(machine)))
        return held, samples


def _resident_mib() -> float:
    """This process's resident memory now (Linux /proc), else its peak."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


class Moto:
    """moto's Step Functions engine through boto3, in-process."""

    def __init__(self) -> None:
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
        import boto3
        from moto import mock_aws

        self._mock = mock_aws(config={"stepfunctions": {"execute_state_machine": True}})
        self._mock.start()
        self.client = boto3.client("stepfunctions", region_name="us-east-1")
        self._count = 0

    def close(self) -> None:
        self._mock.stop()

    def machine(self, definition: dict[str, Any]) -> str:
        self._count += 1
        created = self.client.create_state_machine(
            name=f"bench-{self._count}", definition=json.dumps(definition), roleArn=ROLE
        )
        return created["stateMachineArn"]

    def transitions(self, work: Workload) -> Rate:
        machine = self.machine(work.definition)
        started = time.perf_counter()
        for run in range(work.runs):
            # moto needs a name: without one it names every execution "None".
            arn = self.client.start_execution(
                stateMachineArn=machine, name=f"run-{run}", input=work.input
            )["executionArn"]
            while (status := self.client.describe_execution(executionArn=arn)["status"]) == (
                "RUNNING"
            ):
                time.sleep(0.0005)
            if status != "SUCCEEDED":
                raise RuntimeError(f"moto: {work.name} ended {status}")
        return Rate(work.transitions * work.runs, time.perf_counter() - started)

    def starts(self, count: int) -> float:
        machine = self.machine(pass_chain(1))
        started = time.perf_counter()
        for run in range(count):
            self.client.start_execution(stateMachineArn=machine, name=f"start-{run}")
        return count / (time.perf_counter() - started)


def _row(name: str, ours: float, moto: float, unit: str) -> str:
    ratio = f"{ours / moto:8.1f}x" if moto else "     n/a"
    return f"{name:34s} {ours:12.0f} {moto:12.0f} {ratio}  {unit}"


async def _ours(workloads: list[Workload], starts: int, finished: int) -> dict[str, Any]:
    ours = Ours()
    results: dict[str, Any] = {}
    async with ours.service.running():
        for work in workloads:
            results[work.name] = (await ours.transitions(work)).per_second
        results["starts"] = await ours.starts(starts)
    memory = Ours()
    async with memory.service.running():
        results["memory"] = await memory.finished_memory(finished)
    # Standard executions written through to a SQLite file (history events as they happen).
    with tempfile.TemporaryDirectory() as folder:
        store = SqliteStore(str(Path(folder) / "bench.db"))
        durable = Ours(store=store)
        async with durable.service.running():
            results["durable chain"] = (await durable.transitions(workloads[0])).per_second
            results["durable starts"] = await durable.starts(starts)
        store.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer runs, for a smoke test")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    scale = 10 if args.quick else 1
    map_definition, map_input = map_over(10_000 // scale)
    items = 10_000 // scale
    workloads = [
        Workload("100-state Pass chain", pass_chain(100), "{}", 20 // scale or 1, 100),
        Workload(f"Map over {items:,} items", map_definition, map_input, 1, 1 + items),
        Workload("Parallel of 10 branches", parallel_of(10), "{}", 50 // scale or 1, 11),
    ]
    starts, finished = 2000 // scale, 100_000 // scale

    mine = asyncio.run(_ours(workloads, starts, finished))
    peer = Moto()
    theirs: dict[str, float] = {}
    try:
        for work in workloads:
            theirs[work.name] = peer.transitions(work).per_second
        theirs["starts"] = peer.starts(min(starts, 300))
    finally:
        peer.close()

    print(f"{'workload':34s} {'ours':>12s} {'moto':>12s} {'ratio':>9s}")
    for work in workloads:
        print(_row(work.name, mine[work.name], theirs[work.name], "state transitions/s"))
    print(_row("executions started", mine["starts"], theirs["starts"], "starts/s"))
    chain = workloads[0].name
    print(_row(f"{chain} (SQLite)", mine["durable chain"], theirs[chain], "state transitions/s"))
    print(_row("executions started (SQLite)", mine["durable starts"], theirs["starts"], "starts/s"))
    held, samples = mine["memory"]
    curve = ", ".join(f"{done:,}: {mib:.0f} MiB" for done, mib in samples)
    print(f"finished executions -> resident memory: {curve}; {held:,} retained (bound 10,000)")


if __name__ == "__main__":
    main()
