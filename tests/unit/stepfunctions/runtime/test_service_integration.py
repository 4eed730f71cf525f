"""The service integration seam: what a Task state hands the integration registered for its
service, once per attempt, and how `.sync` reports the start of a job.

The patterns are the Resource suffixes of dg "Discover service integration patterns in Step
Functions" (request-response, `.sync`, `.sync:2`, `.waitForTaskToken`); `.sync` answers are
preceded by a TaskSubmitted event with the start response (dg "Step Functions history events").
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from stepfunctions.errors import StatesError
from stepfunctions.integrations.aws import AwsClients, IntegrationEndpoints
from stepfunctions.integrations.optimized import OptimizedIntegration
from stepfunctions.integrations.sdk import AwsSdkIntegration
from stepfunctions.language.task_resource import classify_resource
from stepfunctions.records.execution import Execution
from stepfunctions.runtime.clock import FakeClock
from stepfunctions.runtime.interpreter import Interpreter
from stepfunctions.runtime.service_integration import Pattern, ServiceIntegration, TaskCall
from stepfunctions.runtime.task_registry import TaskRegistry
from tests.unit.stepfunctions.runtime.runs import ACCOUNT, START, make_execution, types


class RecordingIntegration:
    """A `ServiceIntegration` for a made-up `jobs` service: it records every call, fails the
    first `failures` of them, and for `.sync` reports the start before answering."""

    def __init__(self, failures: int = 0) -> None:
        self.calls: list[TaskCall] = []
        self.failures = failures

    def supports(self, action: str, pattern: Pattern, sdk: bool) -> bool:
        return not sdk and action == "runJob" and pattern is not Pattern.WAIT_FOR_TASK_TOKEN

    async def call(self, request: TaskCall) -> Any:
        self.calls.append(request)
        if len(self.calls) <= self.failures:
            raise StatesError("Jobs.Busy", "try again")
        if request.pattern is Pattern.SYNC:
            request.submitted({"JobId": "j-1"})
        return {"JobId": "j-1", "State": "DONE", "At": request.clock.now().isoformat()}


def _machine(resource: str, **task: Any) -> dict[str, Any]:
    return {
        "StartAt": "Job",
        "States": {
            "Job": {
                "Type": "Task",
                "Resource": resource,
                "Parameters": {"Name.$": "$.name", "Size": 3},
                **task,
                "End": True,
            }
        },
    }


async def _run(integration: RecordingIntegration, machine: dict[str, Any]) -> Execution:
    clock = FakeClock(START)
    tasks = TaskRegistry("us-east-1", ACCOUNT)
    tasks.register_integration("jobs", integration)
    execution = make_execution(machine, {"name": "nightly"}, clock)
    await asyncio.wait_for(Interpreter(clock, tasks).run(execution), timeout=10)
    return execution


@pytest.mark.parametrize(
    ("suffix", "pattern"),
    [
        ("", Pattern.REQUEST_RESPONSE),
        (".sync", Pattern.SYNC),
        (".sync:2", Pattern.SYNC2),
        (".waitForTaskToken", Pattern.WAIT_FOR_TASK_TOKEN),
    ],
)
def test_a_pattern_is_the_resource_suffix(suffix: str, pattern: Pattern) -> None:
    resource = classify_resource(f"arn:aws:states:::jobs:runJob{suffix}")
    assert Pattern(resource.pattern) is pattern
    assert resource.action == "runJob"


def test_the_integrations_of_the_engine_are_service_integrations() -> None:
    # Typed as the protocol, so mypy checks each against it; each names its own actions.
    clients = AwsClients(IntegrationEndpoints())
    integrations: list[ServiceIntegration] = [
        OptimizedIntegration("sqs", clients),
        AwsSdkIntegration("sqs", clients),
        RecordingIntegration(),
    ]
    supported = [i.supports("sendMessage", Pattern.REQUEST_RESPONSE, False) for i in integrations]
    assert supported == [True, False, False]


@pytest.mark.anyio
async def test_each_attempt_is_one_call_with_the_effective_parameters() -> None:
    integration = RecordingIntegration(failures=1)
    machine = _machine(
        "arn:aws:states:::jobs:runJob",
        Retry=[{"ErrorEquals": ["Jobs.Busy"], "IntervalSeconds": 5}],
    )
    execution = await _run(integration, machine)
    assert execution.status == "SUCCEEDED"
    first, second = integration.calls
    assert (first.service, first.action, first.pattern, first.sdk) == (
        "jobs",
        "runJob",
        Pattern.REQUEST_RESPONSE,
        False,
    )
    assert first.parameters == {"Name": "nightly", "Size": 3}
    assert (first.region, first.account_id, first.execution_arn) == (
        "us-east-1",
        ACCOUNT,
        execution.execution_arn,
    )
    # The retry runs 5 s later on the execution's clock.
    assert json.loads(execution.output or "")["At"] == "2024-05-01T12:00:05+00:00"
    assert second.parameters == first.parameters


@pytest.mark.anyio
async def test_a_sync_job_reports_its_start_as_task_submitted() -> None:
    integration = RecordingIntegration()
    execution = await _run(integration, _machine("arn:aws:states:::jobs:runJob.sync"))
    assert integration.calls[0].pattern is Pattern.SYNC
    assert "TaskSubmitted" in types(execution)
    submitted = next(e for e in execution.history if e.type == "TaskSubmitted")
    assert submitted.details is not None
    assert json.loads(submitted.details["taskSubmittedEventDetails"]["output"]) == {"JobId": "j-1"}


@pytest.mark.anyio
async def test_a_pattern_the_integration_does_not_support_is_refused() -> None:
    integration = RecordingIntegration()
    execution = await _run(integration, _machine("arn:aws:states:::jobs:runJob.waitForTaskToken"))
    assert integration.calls == []
    assert execution.error == "States.Runtime"
    assert execution.cause is not None
    assert execution.cause.endswith(
        "The resource provided arn:aws:states:::jobs:runJob.waitForTaskToken is not recognized. "
        "The value is not a valid resource ARN, or the resource is not available in this region."
    )
