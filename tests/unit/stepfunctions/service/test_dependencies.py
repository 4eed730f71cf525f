"""What every operation reads: the service's clock, tasks, store and interpreter, its ARNs, and
`spawn` for work that outlives a request (an execution started by StartExecution)."""

from __future__ import annotations

import asyncio
import dataclasses
import inspect

import pytest

from stepfunctions.runtime.clock import FakeClock
from stepfunctions.runtime.task_registry import TaskRegistry
from stepfunctions.service.api import StepFunctionsService
from stepfunctions.service.errors import ApiError


def _service() -> StepFunctionsService:
    return StepFunctionsService(
        FakeClock(), TaskRegistry(), region="eu-west-1", account_id="111122223333"
    )


def test_the_dependencies_are_the_services_own() -> None:
    service = _service()
    deps = service.dependencies
    assert (deps.clock, deps.tasks, deps.store, deps.interpreter) == (
        service.clock,
        service.tasks,
        service.store,
        service.interpreter,
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        deps.region = "us-east-1"  # type: ignore[misc]


def test_arns_name_the_services_region_and_account() -> None:
    deps = _service().dependencies
    assert deps.arn("activity:queue") == "arn:aws:states:eu-west-1:111122223333:activity:queue"


@pytest.mark.anyio
async def test_spawned_work_runs_while_the_service_runs() -> None:
    service = _service()
    done = asyncio.Event()

    async def work() -> None:
        done.set()

    async with service.running():
        service.dependencies.spawn(work())
        await asyncio.wait_for(done.wait(), timeout=5)


@pytest.mark.anyio
async def test_spawning_before_the_service_runs_is_service_unavailable() -> None:
    ran = False

    async def work() -> None:
        nonlocal ran
        ran = True

    coroutine = work()
    with pytest.raises(ApiError) as caught:
        _service().dependencies.spawn(coroutine)
    assert (caught.value.code, caught.value.status) == ("ServiceUnavailable", 503)
    # The coroutine is closed, never run (and never left un-awaited).
    assert inspect.getcoroutinestate(coroutine) == inspect.CORO_CLOSED
    assert not ran
