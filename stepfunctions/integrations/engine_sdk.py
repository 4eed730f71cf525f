"""`arn:aws:states:::aws-sdk:sfn:<action>`: the Step Functions API of this same engine.

A workflow that calls Step Functions through the AWS SDK integration (StartExecution,
DescribeExecution, SendTaskSuccess ...) reaches the embedded engine, not a separate service.
Parameters are the API's members in PascalCase and the answer its response in PascalCase, as for
every SDK integration; a refusal is `Sfn.<Code>Exception` (the AWS SDK for Java v2 client name),
with the cause `<message> (Service: Sfn, Status Code: <status>, Request ID: <id>)`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

from stepfunctions.errors import StatesError
from stepfunctions.integrations.aws import json_ready
from stepfunctions.integrations.base import new_request_id, parameters_of
from stepfunctions.runtime.service_integration import Pattern, TaskCall

_PATTERNS = frozenset({Pattern.REQUEST_RESPONSE, Pattern.WAIT_FOR_TASK_TOKEN})
_DATE = re.compile(r"(Date|Timestamp)$")


class StepFunctionsApi(Protocol):
    """The AWS JSON 1.0 API of the engine (`StepFunctionsService.handle`)."""

    async def handle(self, operation: str, body: bytes) -> tuple[int, dict[str, Any]]: ...


class EngineSdkIntegration:
    """AWS SDK integrations for the `sfn` service, answered by this engine."""

    def __init__(self, api: StepFunctionsApi, operations: frozenset[str]) -> None:
        self._api = api
        # The API's operation names (`StartExecution` ...), to recognise `startExecution`.
        self._operations = {name.lower(): name for name in operations}

    def supports(self, action: str, pattern: Pattern, sdk: bool) -> bool:
        return (
            sdk
            and pattern in _PATTERNS
            and action[:1].islower()
            and action.lower() in self._operations
        )

    async def call(self, request: TaskCall) -> Any:
        operation = self._operations[request.action.lower()]
        body = _camel(parameters_of(request))
        status, answer = await self._api.handle(operation, json.dumps(body).encode())
        if status != 200:
            code = str(answer.get("__type", "")).rsplit("#", 1)[-1]
            exception = code if code.endswith("Exception") else f"{code}Exception"
            cause = (
                f"{answer.get('message', '')} (Service: Sfn, Status Code: {status}, "
                f"Request ID: {new_request_id()})"
            )
            raise StatesError(f"Sfn.{exception}", cause, prefixed=True)
        return _pascal(answer)


def _camel(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key[:1].lower() + key[1:]: _camel(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_camel(item) for item in value]
    return value


def _pascal(value: Any) -> Any:
    if isinstance(value, Mapping):
        answer: dict[str, Any] = {}
        for key, item in value.items():
            name = key[:1].upper() + key[1:]
            if _DATE.search(name) and isinstance(item, int | float):
                # The API's epoch seconds, as the SDK v2 writes an Instant.
                item = json_ready(datetime.fromtimestamp(item, UTC), iso_dates=True)
            answer[name] = _pascal(item)
        return answer
    if isinstance(value, list):
        return [_pascal(item) for item in value]
    return value
