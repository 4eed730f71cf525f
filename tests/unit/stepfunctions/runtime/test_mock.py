"""TestState's `mock`: a Task's result or error instead of a call to its resource.

API reference, TestState `mock`: `result` is returned in place of calling the resource,
`errorOutput` (`error`, `cause`) makes the state fail as if the resource had; without a mock
the resource is called.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from stepfunctions.language.parse import parse_definition
from stepfunctions.runtime.clock import FakeClock
from stepfunctions.runtime.interpreter import Interpreter
from stepfunctions.runtime.mock import TestStateMock
from stepfunctions.runtime.single_state import StateTestResult
from stepfunctions.runtime.task_registry import TaskRegistry
from tests.unit.stepfunctions.runtime.runs import FUNCTION, START

MACHINE = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": FUNCTION, "End": True}}}


def _function(event: Any, context: Any) -> Any:
    return {"called": True}


async def _test_state(mock: TestStateMock | None) -> StateTestResult:
    tasks = TaskRegistry()
    tasks.register_lambda(FUNCTION, _function)
    interpreter = Interpreter(FakeClock(START), tasks)
    definition = parse_definition(json.dumps(MACHINE))
    return await interpreter.test_state(definition, "T", {"in": 1}, mock=mock)


@pytest.mark.anyio
async def test_without_a_mock_result_the_resource_is_called() -> None:
    for mock in (None, TestStateMock()):
        result = await _test_state(mock)
        assert (result.status, result.output) == ("SUCCEEDED", {"called": True})


@pytest.mark.anyio
async def test_a_mocked_result_stands_in_for_the_call() -> None:
    result = await _test_state(TestStateMock(result={"mocked": [1, 2]}, has_result=True))
    assert (result.status, result.output) == ("SUCCEEDED", {"mocked": [1, 2]})


@pytest.mark.anyio
async def test_a_mocked_null_result_is_a_result() -> None:
    # has_result tells a mocked JSON null from no mocked result at all.
    result = await _test_state(TestStateMock(result=None, has_result=True))
    assert (result.status, result.output) == ("SUCCEEDED", None)


@pytest.mark.anyio
async def test_a_mocked_error_fails_the_state_with_its_cause() -> None:
    result = await _test_state(TestStateMock(error="Payment.Declined", cause="card expired"))
    assert (result.status, result.error, result.cause) == (
        "FAILED",
        "Payment.Declined",
        "card expired",
    )


def test_the_mock_is_not_collected_as_a_test_class() -> None:
    # Its name starts with Test; pytest would otherwise try to collect it wherever it is imported.
    assert TestStateMock.__test__ is False
