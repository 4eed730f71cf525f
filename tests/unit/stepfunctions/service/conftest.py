"""The `service` fixture every service test module uses: a running engine on a fake clock."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from stepfunctions.runtime.clock import FakeClock
from stepfunctions.runtime.task_registry import TaskRegistry
from stepfunctions.service.api import StepFunctionsService


@pytest.fixture
async def service() -> AsyncIterator[StepFunctionsService]:
    engine = StepFunctionsService(FakeClock(), TaskRegistry())
    async with engine.running():
        yield engine
