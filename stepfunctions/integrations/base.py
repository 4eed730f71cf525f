"""What a service integration is: one Task `Resource` family and the patterns AWS supports for it.

A Task on `arn:aws:states:::<service>:<action>[.sync|.sync:2|.waitForTaskToken]` (or the AWS SDK
form `arn:aws:states:::aws-sdk:<service>:<action>`) is served by the `ServiceIntegration`
registered for its service on the `TaskRegistry`. The Task state calls it once per attempt with a
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

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from enum import StrEnum
from typing import Any, Protocol

from stepfunctions.errors import StatesError, StepFunctionsError
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


class IntegrationCallError(StepFunctionsError):
    """A service refused a call: its error code, message and HTTP status, before naming."""

    def __init__(
        self,
        code: str,
        message: str,
        status: int,
        request_id: str,
        shape: str | None = None,
        host_id: str | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.request_id = request_id
        # The service model's exception for the error, when the client recognised one.
        self.shape = shape
        # S3's extended request id (x-amz-id-2), which AWS adds to an SDK integration's cause.
        self.host_id = host_id


def required_text(call: TaskCall, field: str) -> str:
    """A required string parameter, or the States.Runtime failure AWS reports without it."""
    parameters = call.parameters
    value = parameters.get(field) if isinstance(parameters, Mapping) else None
    if not isinstance(value, str):
        raise StatesError(
            "States.Runtime",
            f"The field '{field}' is required for the resource "
            f"'arn:aws:states:::{call.service}:{call.action}'",
        )
    return value


def parameters_of(call: TaskCall) -> dict[str, Any]:
    """The parameters as a fresh dict (integrations change their copy, never the state's)."""
    parameters = call.parameters
    if parameters is None:
        return {}
    if not isinstance(parameters, Mapping):
        raise StatesError(
            "States.Runtime",
            f"The parameters of the resource 'arn:aws:states:::{call.service}:{call.action}' "
            f"must be a JSON object, not {json.dumps(parameters)}",
        )
    copied: dict[str, Any] = json.loads(json.dumps(parameters))
    return copied


def sdk_metadata(
    headers: Mapping[str, str], status: int, request_id: str
) -> dict[str, dict[str, Any]]:
    """`SdkHttpMetadata` and `SdkResponseMetadata`, which every optimized integration's answer
    carries (the Java SDK's response metadata; AWS-recorded histories in localstack's
    `test_dynamodb_task_service` and `test_callback` snapshots)."""
    return {
        "SdkHttpMetadata": {
            "AllHttpHeaders": {name: [value] for name, value in headers.items()},
            "HttpHeaders": dict(headers),
            "HttpStatusCode": status,
        },
        "SdkResponseMetadata": {"RequestId": request_id},
    }


def json_headers(now: datetime, body: Mapping[str, Any], request_id: str) -> dict[str, str]:
    """The response headers of an AWS JSON 1.0 service answer (Step Functions' own API)."""
    return {
        "Content-Length": str(len(json.dumps(body, separators=(",", ":")))),
        "Content-Type": "application/x-amz-json-1.0",
        "Date": format_datetime(now, usegmt=True),
        "connection": "keep-alive",
        "x-amzn-RequestId": request_id,
    }


def new_request_id() -> str:
    return str(uuid.uuid4())


def epoch_millis(value: Any) -> Any:
    """A wire timestamp (epoch seconds) as the Java SDK's Jackson writes dates: epoch millis."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return round(value * 1000)
    if isinstance(value, datetime):
        return round(value.timestamp() * 1000)
    return value
