"""A function's workers and concurrency, with real worker processes.

Lambda runs at most ReservedConcurrentExecutions invocations of a function at once and throttles
a synchronous invocation past it with TooManyRequestsException, Reason
`ReservedFunctionConcurrentInvocationLimitExceeded` (Invoke API "Errors"; botocore's
ThrottleReason). Concurrency is measured from what the handlers record (their pid and their
start and end times), never from how long the test took.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from functions.environment import AwsEnvironment
from functions.errors import InvokerClosedError, TooManyRequestsError
from functions.model import FunctionSpec
from functions.pool import ACCOUNT_LIMIT, RESERVED_LIMIT, FunctionPool, PoolLimits
from functions.runtimes import worker_command
from functions.worker import Invocation
from tests.unit.functions.conftest import until, write_code

HANDLERS = """
import os, threading, time

def record(event, context):
    if event.get("crash"):
        os._exit(1)
    if event.get("leave"):
        threading.Timer(0.05, os._exit, (0,)).start()
    if "started" in event:
        open(event["started"], "w").close()
    start = time.time()
    time.sleep(event.get("sleep", 0))
    return {"pid": os.getpid(), "start": start, "end": time.time()}
"""

FLAKY_INIT = """
import os
if os.path.exists("broken"):
    raise RuntimeError("not yet")

def handler(event, context):
    return "ready"
"""


@asynccontextmanager
async def pool_of(
    code: Path, handler: str = "app.record", *, limits: PoolLimits | None = None, **changes: Any
) -> AsyncIterator[tuple[FunctionPool, asyncio.TaskGroup]]:
    spec = FunctionSpec("f", "python3.11", handler, code, timeout=30, **changes)
    runtime = spec.parsed_runtime()
    command = worker_command(spec, runtime, node_sdk=None, search_path=None)
    pool = FunctionPool(spec, runtime, command, AwsEnvironment(), limits or PoolLimits())
    async with asyncio.TaskGroup() as group:
        try:
            yield pool, group
        finally:
            await pool.stop()


def invocation(event: object, number: int = 0) -> Invocation:
    arn = "arn:aws:lambda:us-east-1:123456789012:function:f"
    return Invocation(f"r-{number}", json.dumps(event).encode(), arn)


def records(outcomes: list[Any]) -> list[dict[str, Any]]:
    return [json.loads(outcome.payload) for outcome in outcomes]


def most_at_once(spans: list[dict[str, Any]]) -> int:
    """The largest number of handler runs that overlapped in time."""
    edges = sorted([(s["start"], 1) for s in spans] + [(s["end"], -1) for s in spans])
    running = peak = 0
    for _, step in edges:
        running += step
        peak = max(peak, running)
    return peak


@pytest.mark.anyio
async def test_parallel_invocations_never_run_more_than_the_limit(tmp_path: Path) -> None:
    code = write_code(tmp_path, {"app.py": HANDLERS})
    async with pool_of(code, concurrency_limit=2) as (pool, group):
        outcomes = await asyncio.gather(
            *(pool.invoke(invocation({"sleep": 0.2}, n), group) for n in range(6))
        )
        assert pool.worker_count == 2
    spans = records(outcomes)
    assert not any(outcome.function_error for outcome in outcomes)
    assert len({span["pid"] for span in spans}) == 2
    assert most_at_once(spans) == 2


@pytest.mark.anyio
async def test_a_warm_worker_is_reused(tmp_path: Path) -> None:
    code = write_code(tmp_path, {"app.py": HANDLERS})
    async with pool_of(code) as (pool, group):
        spans = records([await pool.invoke(invocation({}, n), group) for n in range(3)])
    assert len({span["pid"] for span in spans}) == 1


@pytest.mark.anyio
async def test_past_the_reserved_concurrency_lambda_throttles_at_once(tmp_path: Path) -> None:
    code = write_code(tmp_path, {"app.py": HANDLERS})
    async with pool_of(code, reserved_concurrency=1) as (pool, group):
        first, second = await asyncio.gather(
            pool.invoke(invocation({"sleep": 0.1}, 1), group),
            pool.invoke(invocation({}, 2), group),
            return_exceptions=True,
        )
    assert not isinstance(first, BaseException)
    assert isinstance(second, TooManyRequestsError)
    assert (second.code, second.status, second.reason) == (
        "TooManyRequestsException",
        429,
        RESERVED_LIMIT,
    )
    assert second.message == "Rate Exceeded."


@pytest.mark.anyio
async def test_no_reserved_concurrency_means_every_invocation_is_throttled(
    tmp_path: Path,
) -> None:
    code = write_code(tmp_path, {"app.py": HANDLERS})
    async with pool_of(code, reserved_concurrency=0) as (pool, group):
        for may_throttle in (True, False):
            with pytest.raises(TooManyRequestsError):
                await pool.invoke(invocation({}), group, may_throttle=may_throttle)


@pytest.mark.anyio
async def test_past_a_local_limit_invocations_wait_in_a_bounded_line(tmp_path: Path) -> None:
    code = write_code(tmp_path, {"app.py": HANDLERS})
    limits = PoolLimits(concurrency=1, max_waiting=1)
    async with pool_of(code, limits=limits) as (pool, group):
        first, second, third = await asyncio.gather(
            pool.invoke(invocation({"sleep": 0.1}, 1), group),
            pool.invoke(invocation({}, 2), group),
            pool.invoke(invocation({}, 3), group),
            return_exceptions=True,
        )
    assert isinstance(third, TooManyRequestsError)
    assert third.reason == ACCOUNT_LIMIT
    assert not isinstance(first, BaseException)
    assert not isinstance(second, BaseException)
    waited, ran = records([second, first])
    assert waited["start"] >= ran["end"]
    assert waited["pid"] == ran["pid"]


@pytest.mark.anyio
async def test_a_cancelled_waiter_gives_its_turn_back(tmp_path: Path) -> None:
    code = write_code(tmp_path, {"app.py": HANDLERS})
    async with pool_of(code, concurrency_limit=1) as (pool, group):
        running = asyncio.create_task(pool.invoke(invocation({"sleep": 0.2}, 1), group))
        await asyncio.sleep(0)
        waiting = asyncio.create_task(pool.invoke(invocation({}, 2), group))
        await asyncio.sleep(0)
        waiting.cancel()
        await running
        with pytest.raises(asyncio.CancelledError):
            await waiting
        async with asyncio.timeout(10):
            after = await pool.invoke(invocation({}, 3), group)
    assert not after.function_error


@pytest.mark.anyio
async def test_a_crash_fails_one_invocation_and_the_next_gets_a_new_worker(
    tmp_path: Path,
) -> None:
    code = write_code(tmp_path, {"app.py": HANDLERS})
    async with pool_of(code) as (pool, group):
        before = records([await pool.invoke(invocation({}, 1), group)])[0]
        crashed = await pool.invoke(invocation({"crash": True}, 2), group)
        after = records([await pool.invoke(invocation({}, 3), group)])[0]
    assert json.loads(crashed.payload)["errorType"] == "Runtime.ExitError"
    assert before["pid"] != after["pid"]


@pytest.mark.anyio
async def test_a_failed_init_fails_the_invocation_and_is_retried_next_time(
    tmp_path: Path,
) -> None:
    code = write_code(tmp_path, {"app.py": FLAKY_INIT, "broken": ""})
    async with pool_of(code, "app.handler") as (pool, group):
        failed = await pool.invoke(invocation({}, 1), group)
        os.remove(code / "broken")
        fixed = await pool.invoke(invocation({}, 2), group)
    assert failed.function_error
    assert json.loads(failed.payload)["errorMessage"] == "not yet"
    assert (fixed.payload, fixed.function_error) == (b'"ready"', False)


@pytest.mark.anyio
async def test_stopping_ends_the_running_and_fails_the_waiting(tmp_path: Path) -> None:
    code = write_code(tmp_path / "code", {"app.py": HANDLERS})
    started = tmp_path / "started"
    async with pool_of(code, concurrency_limit=1) as (pool, group):
        event = {"sleep": 30, "started": str(started)}
        running = asyncio.create_task(pool.invoke(invocation(event, 1), group))
        await until(started.exists)
        waiting = asyncio.create_task(pool.invoke(invocation({}, 2), group))
        await asyncio.sleep(0)
        await pool.stop()
        with pytest.raises(InvokerClosedError):
            await waiting
        stopped = await running
        assert json.loads(stopped.payload)["errorType"] == "Runtime.ExitError"
        with pytest.raises(InvokerClosedError):
            await pool.invoke(invocation({}, 3), group)


@pytest.mark.anyio
async def test_a_worker_starting_while_the_pool_stops_is_stopped_too(tmp_path: Path) -> None:
    code = write_code(tmp_path, {"app.py": HANDLERS})
    async with pool_of(code) as (pool, group):
        starting = asyncio.create_task(pool.invoke(invocation({}, 1), group))
        await asyncio.sleep(0)
        await pool.stop()
        with pytest.raises(InvokerClosedError):
            await starting
        assert pool.worker_count == 0


@pytest.mark.anyio
async def test_a_worker_that_left_while_idle_is_replaced(tmp_path: Path) -> None:
    code = write_code(tmp_path, {"app.py": HANDLERS})
    async with pool_of(code) as (pool, group):
        before = records([await pool.invoke(invocation({"leave": True}, 1), group)])[0]
        await until(lambda: pool.worker_count == 0)
        after = records([await pool.invoke(invocation({}, 2), group)])[0]
    assert before["pid"] != after["pid"]


@pytest.mark.anyio
async def test_an_init_timeout_names_the_invocation_that_waited(tmp_path: Path) -> None:
    code = write_code(tmp_path, {"app.py": "import time\ntime.sleep(60)\n"})
    async with pool_of(code, limits=PoolLimits(init_timeout=0.3)) as (pool, group):
        outcome = await pool.invoke(invocation({}, 5), group)
    assert json.loads(outcome.payload) == {
        "errorMessage": "RequestId: r-5 Error: Task timed out after 0.30 seconds",
        "errorType": "Sandbox.Timedout",
    }
