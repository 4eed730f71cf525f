"""Lambda's API on the AWS endpoint: `Invoke` of a declared function is answered by the local
Lambda runtime; everything else of Lambda's API (and Invoke of a function created through the
endpoint itself) by moto.

Invoke (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html) is rest-json:
`POST /2015-03-31/functions/<FunctionName>/invocations[?Qualifier=...]` with the payload as the
body and `X-Amz-Invocation-Type` (RequestResponse, Event, DryRun), `X-Amz-Log-Type` (Tail) and
`X-Amz-Client-Context` headers. The answer's status is StatusCode (200, 202, 204), its body the
payload, with `X-Amz-Function-Error`, `X-Amz-Log-Result` and `X-Amz-Executed-Version`. A
refusal is the exception's name in `x-amzn-ErrorType` and `{"Type": "User", "message": ...}`
(with the throttle's `Reason`), which botocore reads as the error code and message.
"""

from __future__ import annotations

import json
import re
from typing import Protocol
from urllib.parse import parse_qs, unquote

from appsync.aws.endpoint import ServiceRoute
from appsync.aws.requests import AwsRequest, AwsResponse, ServiceCall
from functions.errors import FunctionsError, TooManyRequestsError
from functions.model import InvocationType, InvokeResult, LogType

_INVOKE_PATH = re.compile(r"^/2015-03-31/functions/(?P<name>[^/]+)/invocations/?$")
_INVOCATION_TYPES = {kind.value: kind for kind in InvocationType}


class LocalFunctions(Protocol):
    """The declared functions (`appsync.functions_embedded.EmbeddedFunctions`)."""

    def declares(self, function_name: str) -> bool: ...

    async def invoke(
        self,
        function_name: str,
        payload: bytes,
        invocation_type: InvocationType = InvocationType.REQUEST_RESPONSE,
        *,
        client_context: str | None = None,
        log_type: LogType = LogType.NONE,
    ) -> InvokeResult: ...


class LambdaRoute:
    """`ServiceRoute` for `lambda`."""

    __slots__ = ("_fallback", "_functions")

    def __init__(self, functions: LocalFunctions, fallback: ServiceRoute) -> None:
        self._functions = functions
        self._fallback = fallback

    async def handle(self, request: AwsRequest, call: ServiceCall) -> AwsResponse:
        found = _INVOKE_PATH.match(request.path) if request.method == "POST" else None
        name = unquote(found["name"]) if found is not None else None
        if name is None or not self._functions.declares(name):
            return await self._fallback.handle(request, call)
        qualifier = parse_qs(request.query_string).get("Qualifier")
        if qualifier:
            name = f"{name}:{qualifier[0]}"
        kind_header = request.header("x-amz-invocation-type") or "RequestResponse"
        kind = _INVOCATION_TYPES.get(kind_header)
        if kind is None:
            return _error(
                400,
                "InvalidParameterValueException",
                f"1 validation error detected: Value '{kind_header}' at 'invocationType' failed "
                "to satisfy constraint: Member must satisfy enum value set: [Event, "
                "RequestResponse, DryRun]",
            )
        log_type = LogType.TAIL if request.header("x-amz-log-type") == "Tail" else LogType.NONE
        try:
            result = await self._functions.invoke(
                name,
                request.body,
                kind,
                client_context=request.header("x-amz-client-context"),
                log_type=log_type,
            )
        except FunctionsError as error:
            reason = error.reason if isinstance(error, TooManyRequestsError) else None
            return _error(error.status, error.code, error.message, reason)
        return _answer(result)


def _answer(result: InvokeResult) -> AwsResponse:
    headers = [("content-type", "application/json"), ("x-amzn-requestid", result.request_id)]
    if result.status_code == 200:
        headers.append(("x-amz-executed-version", result.executed_version))
    if result.function_error is not None:
        headers.append(("x-amz-function-error", result.function_error))
    if result.log_result is not None:
        headers.append(("x-amz-log-result", result.log_result))
    return AwsResponse(result.status_code, result.payload, headers)


def _error(status: int, code: str, message: str, reason: str | None = None) -> AwsResponse:
    body: dict[str, str] = {"Type": "User", "message": message}
    if reason is not None:
        body["Reason"] = reason
    return AwsResponse(
        status,
        json.dumps(body, separators=(",", ":")).encode(),
        [("content-type", "application/json"), ("x-amzn-errortype", code)],
    )
