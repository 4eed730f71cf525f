"""What the service integrations share: their parameters, AWS's response metadata, request ids
and dates as the Java SDK writes them, and `IntegrationCallError` for a refused call.

What an integration is (`ServiceIntegration`, `TaskCall`, `Pattern`) is stated by the runtime
that calls it, in `runtime/service_integration.py`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import datetime
from email.utils import format_datetime
from typing import Any

from stepfunctions.errors import StatesError
from stepfunctions.runtime.service_integration import TaskCall


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
