"""What a service integration is: one Task `Resource` family and the patterns AWS supports for it.

A Task on `arn:aws:states:::<service>:<action>[.sync|.sync:2|.waitForTaskToken]` (or the AWS SDK
form `arn:aws:states:::aws-sdk:<service>:<action>`) is served by the `ServiceIntegration`
registered for its service on the `TaskRegistry` (the integrations themselves live in
`stepfunctions/integrations/`). The Task state calls it once per attempt with a
`TaskCall`:

* request-response: the integration's answer is the task result;
* `.waitForTaskToken`: the answer is recorded as TaskSubmitted and the task then waits for
  SendTaskSuccess / SendTaskFailure on `$$.Task.Token` (the Task state does the waiting);
* `.sync` / `.sync:2`: the integration starts the job, reports the start response through
  `TaskCall.submitted` (the TaskSubmitted event), waits for the job and answers its outcome.

Which patterns each service supports comes from the developer guide's table "Optimized
integrations in Step Functions" (dg `integrate-optimized`): DynamoDB request-response only; SQS
and SNS request-response and `.waitForTaskToken`; Step Functions `startExecution` all three;
AWS SDK integrations request-response and `.waitForTaskToken`; HTTP Tasks request-response.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from stepfunctions.runtime.clock import Clock


class Pattern(StrEnum):
    """The three service integration patterns, as the Resource suffix spells them."""

    REQUEST_RESPONSE = ""
    SYNC = ".sync"
    SYNC2 = ".sync:2"
    WAIT_FOR_TASK_TOKEN = ".waitForTaskToken"


@dataclass(frozen=True, slots=True)
class TaskCall:
    """One attempt of a Task state on a service integration."""

    service: str  # "dynamodb", "sqs", "states", "http" ... (the aws-sdk service name for sdk)
    action: str  # "putItem", "sendMessage", "startExecution" ...
    pattern: Pattern
    sdk: bool  # the `arn:aws:states:::aws-sdk:` form
    parameters: Any  # the effective Parameters / Arguments
    clock: Clock
    region: str
    account_id: str
    execution_arn: str
    # `.sync`: records TaskSubmitted with the start response before the job is awaited.
    submitted: Callable[[Any], None]


class ServiceIntegration(Protocol):
    """Serves the Task resources of one service."""

    def supports(self, action: str, pattern: Pattern, sdk: bool) -> bool:
        """Whether AWS recognises `action` with `pattern` for this service."""
        ...

    async def call(self, request: TaskCall) -> Any:
        """The task result (or TaskSubmitted output); raise `StatesError` to fail the task."""
        ...
