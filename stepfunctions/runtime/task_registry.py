"""Local Python functions standing in for AWS Lambda functions in Task states.

Two resource forms reach a registered function, as in AWS:
* a Lambda function ARN (`arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`): the
  state's effective input is the event and the function's return value is the task result;
* the optimised integration `arn:aws:states:::lambda:invoke`: `FunctionName` and `Payload` come
  from Parameters/Arguments and the result is Lambda's Invoke response
  (`ExecutedVersion`, `Payload`, `SdkHttpMetadata`, `SdkResponseMetadata`, `StatusCode`).

A handler's exception becomes the error Lambda reports for an unhandled error: the error name is
the exception's type and the cause is Lambda's `{"errorMessage","errorType","requestId",
"stackTrace"}` JSON text, which is what Step Functions shows for a failed Lambda task.

A function no handler is registered for goes to the `LambdaInvoker` registered with
`register_lambda_invoker` (the server's local Lambda runtime, `lambda_invoker`), when there is one.

Every other `arn:aws:states:::` resource is served by the `ServiceIntegration` registered for its
service (`stepfunctions/integrations/`); a resource no integration recognises fails the task.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import logging
import os
import traceback
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from typing import Any

from stepfunctions.errors import StatesError
from stepfunctions.language.task_resource import (
    LAMBDA_INVOKE,
    ResourceKind,
    TaskResource,
    classify_resource,
)
from stepfunctions.runtime.clock import Clock
from stepfunctions.runtime.errors import LambdaServiceError
from stepfunctions.runtime.item_reader import ObjectStore
from stepfunctions.runtime.lambda_invoker import (
    LambdaAnswer,
    LambdaInvoker,
    answer_value,
    function_failure,
    payload_value,
    service_failure,
)
from stepfunctions.runtime.service_integration import Pattern, ServiceIntegration

logger = logging.getLogger(__name__)

LambdaHandler = Callable[[Any, Any], Any]
"""handler(event, context) like a real Lambda; sync handlers run in a thread, async ones inline."""


@dataclass(frozen=True, slots=True)
class LambdaContext:
    """The `context` argument a handler receives, with the Python runtime's attribute names."""

    function_name: str
    function_version: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    aws_request_id: str
    log_group_name: str
    log_stream_name: str

    def get_remaining_time_in_millis(self) -> int:
        return 900_000


@dataclass(frozen=True, slots=True)
class _Function:
    arn: str
    name: str
    handler: LambdaHandler


class TaskRegistry:
    """Registered local functions, keyed by Lambda function ARN."""

    def __init__(self, region: str = "us-east-1", account_id: str = "123456789012") -> None:
        self.region = region
        self.account_id = account_id
        self._by_arn: dict[str, _Function] = {}
        self._by_name: dict[str, _Function] = {}
        self.object_store: ObjectStore | None = None
        self._integrations: dict[tuple[bool, str], ServiceIntegration] = {}
        self._sdk_services: Callable[[str], ServiceIntegration] | None = None
        self._invoker: LambdaInvoker | None = None

    def register_integration(
        self, service: str, integration: ServiceIntegration, *, sdk: bool = False
    ) -> None:
        """Serve `arn:aws:states:::[aws-sdk:]<service>:...` Task resources with `integration`."""
        self._integrations[(sdk, service)] = integration

    def register_sdk_services(self, factory: Callable[[str], ServiceIntegration]) -> None:
        """Serve `arn:aws:states:::aws-sdk:<service>:...` for any service without its own."""
        self._sdk_services = factory

    def integration(self, resource: TaskResource) -> ServiceIntegration | None:
        """The integration that recognises `resource` (action and pattern), or None."""
        key = (resource.sdk, resource.service)
        integration = self._integrations.get(key)
        if integration is None and resource.sdk and self._sdk_services is not None:
            integration = self._sdk_services(resource.service)
            self._integrations[key] = integration
        if integration is None:
            return None
        try:
            pattern = Pattern(resource.pattern)
        except ValueError:
            return None
        return integration if integration.supports(resource.action, pattern, resource.sdk) else None

    def recognises(self, arn: str) -> bool:
        """Whether a Task Resource names something this engine can run (for definition checks)."""
        resource = classify_resource(arn)
        if resource.kind is not ResourceKind.SERVICE:
            return True
        return self.integration(resource) is not None

    def register_object_store(self, store: ObjectStore) -> None:
        """Where Distributed Map ItemReaders read S3 objects and listings from."""
        self.object_store = store

    def register_lambda(self, function_arn: str, handler: LambdaHandler) -> None:
        """Run `handler` whenever a Task invokes `function_arn` (any qualifier of it)."""
        base = _unqualified(function_arn)
        name = base.rsplit(":", 1)[-1]
        function = _Function(base, name, handler)
        self._by_arn[base] = function
        self._by_name[name] = function

    def register_lambda_invoker(self, invoker: LambdaInvoker) -> None:
        """Invoke the functions no handler is registered for through `invoker`."""
        self._invoker = invoker

    def function_arn(self, function_name: str) -> str:
        """The full ARN AWS reports for a FunctionName given as a name, partial or full ARN."""
        if function_name.startswith("arn:"):
            return function_name
        parts = function_name.split(":")
        if len(parts) >= 3 and parts[1] == "function":
            return f"arn:aws:lambda:{self.region}:{':'.join(parts)}"
        return f"arn:aws:lambda:{self.region}:{self.account_id}:function:{function_name}"

    async def invoke_function(
        self, function_arn: str, event: Any, now: datetime, clock: Clock | None = None
    ) -> Any:
        """Run the function for a Lambda-ARN Resource; returns its result (the task result).

        A sync handler runs in a thread inside `clock.busy()`, so virtual time waits for it.
        """
        if self._invoker is not None and self._find(function_arn) is None:
            event_bytes = json.dumps(event).encode()
            return answer_value(await self._invoke(function_arn, event_bytes, None, clock))
        function = self._lookup(function_arn)
        payload, _ = await self._call(function, function_arn, event, clock)
        return payload

    async def invoke(
        self, parameters: Any, now: datetime, clock: Clock | None = None
    ) -> dict[str, Any]:
        """`lambda:invoke`: run FunctionName with Payload; returns Lambda Invoke's response."""
        if not isinstance(parameters, dict) or not isinstance(parameters.get("FunctionName"), str):
            raise StatesError(
                "States.Runtime",
                f"The field 'FunctionName' is required for the resource '{LAMBDA_INVOKE}'",
                prefixed=False,
            )
        function_name: str = parameters["FunctionName"]
        arn = self.function_arn(function_name)
        if isinstance(parameters.get("Qualifier"), str) and _qualifier(arn) is None:
            arn = f"{arn}:{parameters['Qualifier']}"
        invocation_type = parameters.get("InvocationType", "RequestResponse")
        if self._invoker is not None and self._find(arn) is None:
            payload = parameters.get("Payload")
            # No Payload: Lambda's empty request, which the function receives as {}.
            event_bytes = b"" if "Payload" not in parameters else json.dumps(payload).encode()
            answer = await self._invoke(arn, event_bytes, invocation_type, clock)
            return _answer_response(now, answer)
        function = self._lookup(arn)
        if invocation_type == "Event":
            # An asynchronous invoke answers 202 with an empty payload; the function's own
            # failure is not the task's (Lambda API reference, Invoke).
            try:
                _, request_id = await self._call(function, arn, parameters.get("Payload"), clock)
            except StatesError as error:
                logger.info("asynchronous invoke of %s failed: %s", arn, error)
                request_id = str(uuid.uuid4())
            return _invoke_response(now, request_id, "", 202, None)
        payload, request_id = await self._call(function, arn, parameters.get("Payload"), clock)
        qualifier = _qualifier(arn)
        version = qualifier if qualifier and qualifier.isdigit() else "$LATEST"
        return _invoke_response(now, request_id, payload, 200, version)

    async def _invoke(
        self, arn: str, payload: bytes, invocation_type: str | None, clock: Clock | None
    ) -> LambdaAnswer:
        assert self._invoker is not None  # the callers check
        # The function runs in another process: virtual time waits for it as for a thread.
        with clock.busy() if clock is not None else contextlib.nullcontext():
            try:
                return await self._invoker.invoke(
                    arn, payload, invocation_type or "RequestResponse"
                )
            except LambdaServiceError as error:
                raise service_failure(error) from error

    def _find(self, arn: str) -> _Function | None:
        base = _unqualified(arn)
        function = self._by_arn.get(base)
        if function is None and base.count(":") >= 6:
            # Registered under another account/region: match by name, as a local stand-in.
            function = self._by_name.get(base.rsplit(":", 1)[-1])
        return function

    def _lookup(self, arn: str) -> _Function:
        function = self._find(arn)
        if function is None:
            request_id = str(uuid.uuid4())
            raise StatesError(
                "Lambda.ResourceNotFoundException",
                f"Function not found: {arn} (Service: AWSLambda; Status Code: 404; Error Code: "
                f"ResourceNotFoundException; Request ID: {request_id}; Proxy: null)",
                prefixed=True,
            )
        return function

    async def _call(
        self, function: _Function, arn: str, event: Any, clock: Clock | None
    ) -> tuple[Any, str]:
        request_id = str(uuid.uuid4())
        context = LambdaContext(
            function_name=function.name,
            function_version=_qualifier(arn) or "$LATEST",
            invoked_function_arn=arn,
            memory_limit_in_mb=128,
            aws_request_id=request_id,
            log_group_name=f"/aws/lambda/{function.name}",
            log_stream_name=f"local/[$LATEST]{request_id.replace('-', '')}",
        )
        # Lambda receives the event as JSON, so the handler gets its own copy.
        event_copy = json.loads(json.dumps(event))
        try:
            result = await _run_handler(function.handler, event_copy, context, clock)
        except (KeyboardInterrupt, asyncio.CancelledError):
            raise
        except SystemExit as exc:
            # sys.exit() in a handler ends the Lambda runtime, not this server.
            code = exc.code if isinstance(exc.code, int) else 1
            exit_cause: dict[str, Any] = {
                "errorMessage": (
                    f"RequestId: {request_id} Error: Runtime exited with error: exit status {code}"
                ),
                "errorType": "Runtime.ExitError",
            }
            raise StatesError("Runtime.ExitError", json.dumps(exit_cause), prefixed=True) from exc
        except Exception as exc:  # a handler's failure is data for the execution
            raise _handler_error(exc, request_id) from exc
        try:
            return json.loads(json.dumps(result)), request_id
        except (TypeError, ValueError) as exc:
            cause: dict[str, Any] = {
                "errorMessage": f"Unable to marshal response: {exc}",
                "errorType": "Runtime.MarshalError",
                "requestId": request_id,
                "stackTrace": [],
            }
            raise StatesError("Runtime.MarshalError", json.dumps(cause), prefixed=True) from exc


def _invoke_response(
    now: datetime, request_id: str, payload: Any, status: int, version: str | None
) -> dict[str, Any]:
    """Lambda Invoke's response as the lambda:invoke integration returns it."""
    headers = {
        "Connection": "keep-alive",
        "Content-Length": str(len(json.dumps(payload, separators=(",", ":")))),
        "Content-Type": "application/json",
        "Date": format_datetime(now, usegmt=True),
        "x-amzn-Remapped-Content-Length": "0",
        "x-amzn-RequestId": request_id,
        "X-Amzn-Trace-Id": f"Root=1-{uuid.uuid4().hex[:8]}-{uuid.uuid4().hex[:24]};Sampled=0",
    }
    response: dict[str, Any] = {}
    if version is not None:
        headers["X-Amz-Executed-Version"] = version
        response["ExecutedVersion"] = version
    response.update(
        {
            "Payload": payload,
            "SdkHttpMetadata": {
                "AllHttpHeaders": {k: [v] for k, v in headers.items()},
                "HttpHeaders": headers,
                "HttpStatusCode": status,
            },
            "SdkResponseMetadata": {"RequestId": request_id},
            "StatusCode": status,
        }
    )
    return response


def _answer_response(now: datetime, answer: LambdaAnswer) -> dict[str, Any]:
    """lambda:invoke's response to what the Invoke API answered; a function error fails the
    task (an `Event` invocation answers 202 before the function runs, so it never does)."""
    if answer.function_error is not None:
        raise function_failure(answer.payload)
    if answer.status_code != 200:
        return _invoke_response(now, answer.request_id, "", answer.status_code, None)
    payload = payload_value(answer.payload)
    return _invoke_response(now, answer.request_id, payload, 200, answer.executed_version)


async def _run_handler(
    handler: LambdaHandler, event: Any, context: LambdaContext, clock: Clock | None
) -> Any:
    if inspect.iscoroutinefunction(handler):
        coroutine: Awaitable[Any] = handler(event, context)
        return await coroutine
    with clock.busy() if clock is not None else contextlib.nullcontext():
        result = await asyncio.to_thread(handler, event, context)
    if inspect.isawaitable(result):
        return await result
    return result


def _handler_error(exc: BaseException, request_id: str) -> StatesError:
    """Lambda's unhandled-error shape (Python runtime), as Step Functions reports it."""
    error_type = type(exc).__name__
    # Lambda shows the function's own frames only, not the runtime's (here: asyncio's and ours).
    frames = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if frame.filename != __file__
        and f"{os.sep}asyncio{os.sep}" not in frame.filename
        and f"{os.sep}concurrent{os.sep}" not in frame.filename
    ]
    stack = traceback.format_list(frames)
    cause = {
        "errorMessage": str(exc),
        "errorType": error_type,
        "requestId": request_id,
        "stackTrace": stack,
    }
    return StatesError(error_type, json.dumps(cause), prefixed=True)


def _unqualified(arn: str) -> str:
    parts = arn.split(":")
    # arn:aws:lambda:region:account:function:name[:qualifier]
    return ":".join(parts[:7]) if len(parts) > 7 else arn


def _qualifier(arn: str) -> str | None:
    parts = arn.split(":")
    return parts[7] if len(parts) > 7 else None
