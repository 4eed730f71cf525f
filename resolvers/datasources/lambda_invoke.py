"""A Lambda function reached through Lambda's Invoke API, and what AppSync makes of its answers.

The `FunctionInvoker` protocol is the seam: the composition root fills it with the server's
local Lambda runtime (`functions/`) for a declared function, or with a Lambda endpoint the
definition names (`lambda_boto`, `sam local start-lambda` say), so `resolvers` imports neither.

* The event goes as JSON, `RequestResponse` (or `Event` for a request's `invocationType:
  Event`, answered at once with a null result); the payload comes back parsed as the result.
* A function error (`X-Amz-Function-Error`) is `Lambda:Unhandled` with the error object's
  `errorMessage` as the message, whatever the function's own `errorType`: a function that set
  `errorType: "catalog.1234"` still reached its clients as `Lambda:Unhandled`
  (aws-appsync-community#209); the function's `errorType` is `ctx.error.unhandledErrorType`
  (aws-appsync-community#386: `Sandbox.Timedout` for a function that timed out, whose message is
  Lambda's `RequestId: <id> Error: Task timed out after N.NN seconds`).
* Lambda's API refusing the call (no such function, throttled, a runtime that cannot run here)
  is `Lambda:<exception name>` with Lambda's message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol

from resolvers.errors import DataSourceError, LambdaApiError

LAMBDA_UNHANDLED = "Lambda:Unhandled"


@dataclass(frozen=True, slots=True)
class InvokeAnswer:
    """What Lambda's Invoke API answered: the payload's bytes and `FunctionError` (None: the
    function succeeded)."""

    payload: bytes
    function_error: str | None = None


class FunctionInvoker(Protocol):
    """Lambda's Invoke API, as the AWS_LAMBDA data source calls it."""

    async def invoke(
        self, function_name: str, payload: bytes, *, asynchronous: bool = False
    ) -> InvokeAnswer:
        """Invoke `function_name` (a name or ARN) with `payload` (JSON), as `Event` when
        `asynchronous`; raises LambdaApiError where Lambda's API refuses the call."""
        ...


class InvokedFunction:
    """A `LambdaFunction` (`resolvers.datasources.lambda_`) behind a `FunctionInvoker`."""

    __slots__ = ("_function_name", "_invoker")

    def __init__(self, invoker: FunctionInvoker, function_name: str) -> None:
        self._invoker = invoker
        self._function_name = function_name

    @property
    def function_name(self) -> str:
        return self._function_name

    @property
    def invoker(self) -> FunctionInvoker:
        return self._invoker

    async def call(self, event: Any, *, asynchronous: bool = False) -> Any:
        payload = json.dumps(event, separators=(",", ":")).encode()
        try:
            answer = await self._invoker.invoke(
                self._function_name, payload, asynchronous=asynchronous
            )
        except LambdaApiError as error:
            raise DataSourceError(error.message, error.error_type) from error
        if asynchronous:
            return None
        if answer.function_error is not None:
            raise function_error(answer.payload)
        return _value(answer.payload)


def function_error(payload: bytes) -> DataSourceError:
    """AppSync's error for a function error whose error object is `payload`."""
    text = payload.decode("utf-8", errors="replace")
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        return DataSourceError(text, LAMBDA_UNHANDLED)
    message = parsed.get("errorMessage")
    kind = parsed.get("errorType")
    return DataSourceError(
        message if isinstance(message, str) else "",
        LAMBDA_UNHANDLED,
        unhandled_error_type=kind if isinstance(kind, str) else None,
    )


def _value(payload: bytes) -> Any:
    if not payload:
        return None
    try:
        return json.loads(payload)
    except ValueError:
        # AWS differs (unconfirmed): what AppSync makes of a payload that is not JSON (a custom
        # runtime's) is not documented; here it is the text.
        return payload.decode("utf-8", errors="replace")
