"""Lambda functions that run outside the engine: the `LambdaInvoker` protocol, and what a Task
state makes of its answers.

The composition root fills the protocol (the server's local Lambda runtime, which answers as
Lambda's Invoke API does: https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html), so the
engine imports no Lambda runtime. `TaskRegistry` calls it for a function no Python handler is
registered for, from both resource forms (a Lambda function ARN, `arn:aws:states:::lambda:invoke`):

* a result is the payload, parsed as JSON (text that is not JSON stays a string);
* a function error (`X-Amz-Function-Error`) fails the task with the payload's `errorType` as the
  error name and the payload itself as the cause, as Step Functions reports a failed Lambda task
  (`{"errorMessage": ..., "errorType": ..., "stackTrace"|"trace": [...]}`); a payload without an
  `errorType` is `Lambda.Unknown` ("Unhandled errors in Lambda are reported as Lambda.Unknown",
  Step Functions developer guide, "Handle Lambda service exceptions");
* a Lambda API error (function not found, throttled) fails it with `Lambda.<Code>` and the cause
  the Java SDK writes (`... (Service: AWSLambda; Status Code: 404; Error Code: ...; Request ID:
  ...; Proxy: null)`), the names the same guide matches on (`Lambda.TooManyRequestsException`,
  `Lambda.ServiceException`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol

from stepfunctions.errors import StatesError
from stepfunctions.runtime.errors import LambdaServiceError

LATEST = "$LATEST"
# The error name of a function error whose payload names no errorType.
LAMBDA_UNKNOWN = "Lambda.Unknown"


@dataclass(frozen=True, slots=True)
class LambdaAnswer:
    """What Lambda's Invoke API answered: StatusCode, the payload's bytes, its request id,
    FunctionError (None: the function succeeded) and ExecutedVersion."""

    status_code: int
    payload: bytes
    request_id: str
    function_error: str | None = None
    executed_version: str = LATEST


class LambdaInvoker(Protocol):
    """Lambda's Invoke API for the engine's Task states."""

    async def invoke(
        self, function_name: str, payload: bytes, invocation_type: str = "RequestResponse"
    ) -> LambdaAnswer:
        """Invoke `function_name` (a name, or a full or partial ARN, with its qualifier) with
        `payload` (JSON); `invocation_type` is RequestResponse, Event or DryRun. Raises
        LambdaServiceError where Lambda's API refuses the call."""
        ...


def answer_value(answer: LambdaAnswer) -> Any:
    """The task result of a Lambda function ARN (the function's own result), or the StatesError
    of its function error."""
    if answer.function_error is not None:
        raise function_failure(answer.payload)
    return payload_value(answer.payload)


def payload_value(payload: bytes) -> Any:
    """A payload as Step Functions passes it on: JSON parsed, anything else as text."""
    text = payload.decode("utf-8", errors="replace")
    if not text:
        return ""
    try:
        return json.loads(text)
    except ValueError:
        return text


def function_failure(payload: bytes) -> StatesError:
    """A function error as Step Functions reports it: the payload's errorType, the payload."""
    cause = payload.decode("utf-8", errors="replace")
    try:
        parsed = json.loads(cause)
    except ValueError:
        parsed = None
    error_type = parsed.get("errorType") if isinstance(parsed, dict) else None
    error = error_type if isinstance(error_type, str) and error_type else LAMBDA_UNKNOWN
    return StatesError(error, cause, prefixed=True)


def service_failure(error: LambdaServiceError) -> StatesError:
    """A Lambda API error as the Java SDK (which Step Functions calls Lambda with) words it."""
    cause = (
        f"{error.message} (Service: AWSLambda; Status Code: {error.status}; Error Code: "
        f"{error.code}; Request ID: {error.request_id}; Proxy: null)"
    )
    return StatesError(f"Lambda.{error.code}", cause, prefixed=True)
