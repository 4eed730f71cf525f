"""Lambda's API on the AWS endpoint: `Invoke`, `GetFunction` and `GetFunctionConfiguration` of
a declared function are answered by the local Lambda runtime, and `ListFunctions` lists the
declared functions (those refused here too: they describe themselves as declared, and their
Invoke is refused) before those moto holds; everything else of Lambda's API (and a function
created through the endpoint itself) is moto's.

GetFunction (`GET /2015-03-31/functions/<FunctionName>[?Qualifier=]`), GetFunctionConfiguration
(`.../configuration`) and ListFunctions (`GET /2015-03-31/functions/?MaxItems=&Marker=`, at
most 50 by default and 10,000 at once, `NextMarker` while more remain) answer the shapes of
`lambda_configuration`. Only `$LATEST` exists locally: another qualifier is
ResourceNotFoundException, as for Invoke.

Invoke (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html) is rest-json:
`POST /2015-03-31/functions/<FunctionName>/invocations[?Qualifier=...]` with the payload as the
body and `X-Amz-Invocation-Type` (RequestResponse, Event, DryRun), `X-Amz-Log-Type` (Tail) and
`X-Amz-Client-Context` headers. The answer's status is StatusCode (200, 202, 204), its body the
payload, with `X-Amz-Function-Error`, `X-Amz-Log-Result` and `X-Amz-Executed-Version`. A
refusal is the exception's name in `x-amzn-ErrorType` and `{"Type": "User", "message": ...}`
(with the throttle's `Reason`), which botocore reads as the error code and message.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
import re
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlencode

from appsync.aws.endpoint import ServiceRoute
from appsync.aws.lambda_configuration import (
    declared_configuration,
    function_configuration,
    get_declared_function,
    get_function,
)
from appsync.aws.requests import AwsRequest, AwsResponse, ServiceCall
from auth.signature import CredentialSource
from definition.model import LambdaFunctionSpec
from functions.errors import FunctionsError, TooManyRequestsError
from functions.invoker import function_name_of
from functions.model import LATEST, FunctionSpec, InvocationType, InvokeResult, LogType

_INVOKE_PATH = re.compile(r"^/2015-03-31/functions/(?P<name>[^/]+)/invocations/?$")
_FUNCTION_PATH = re.compile(
    r"^/2015-03-31/functions/(?P<name>[^/]+)(?P<configuration>/configuration)?/?$"
)
_LIST_PATH = re.compile(r"^/2015-03-31/functions/?$")
_INVOCATION_TYPES = {kind.value: kind for kind in InvocationType}
# ListFunctions' MaxItems: 1 to 10,000; 50 when left out (Lambda API reference).
_DEFAULT_ITEMS = 50
_MAX_ITEMS = 10_000


class LocalFunctions(Protocol):
    """The declared functions (`appsync.functions_embedded.EmbeddedFunctions`)."""

    @property
    def region(self) -> str: ...

    def declares(self, function_name: str) -> bool: ...

    def loaded(self) -> list[FunctionSpec]:
        """The declared functions that run, by name."""
        ...

    def cannot_run(self) -> list[LambdaFunctionSpec]:
        """The declared functions refused here (a container image, a missing runtime)."""
        ...

    @property
    def execution_roles(self) -> CredentialSource:
        """The keys of the functions' execution role sessions (`appsync.execution_roles`)."""
        ...

    def function_arn(self, function_name: str) -> str: ...

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
        if request.method == "GET":
            return await self._read(request, call)
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

    async def _read(self, request: AwsRequest, call: ServiceCall) -> AwsResponse:
        """GetFunction, GetFunctionConfiguration and ListFunctions."""
        if _LIST_PATH.match(request.path):
            return await self._list(request, call)
        found = _FUNCTION_PATH.match(request.path)
        if found is None:
            return await self._fallback.handle(request, call)
        name, qualifier = function_name_of(unquote(found["name"]))
        description = self._description(name, bool(found["configuration"]))
        if description is None:
            return await self._fallback.handle(request, call)
        qualifiers = parse_qs(request.query_string).get("Qualifier")
        qualifier = qualifier or (qualifiers[0] if qualifiers else None)
        if qualifier not in (None, LATEST):
            arn = self._functions.function_arn(name)
            return _error(
                404, "ResourceNotFoundException", f"Function not found: {arn}:{qualifier}"
            )
        return _json(description)

    def _description(self, name: str, configuration: bool) -> dict[str, Any] | None:
        """GetFunctionConfiguration's (`configuration`) or GetFunction's answer for a declared
        function, one that runs or one refused here; None for another."""
        region = self._functions.region
        spec = next((spec for spec in self._functions.loaded() if spec.name == name), None)
        if spec is not None:
            arn = self._functions.function_arn(name)
            if configuration:
                return function_configuration(spec, arn, region)
            return get_function(spec, arn, region)
        for refused in self._functions.cannot_run():
            if refused.function_name == name:
                if configuration:
                    return declared_configuration(refused, region)
                return get_declared_function(refused, region)
        return None

    async def _list(self, request: AwsRequest, call: ServiceCall) -> AwsResponse:
        """The declared functions, then moto's, `MaxItems` at a time from `Marker`."""
        query = parse_qs(request.query_string)
        try:
            size = int((query.get("MaxItems") or [str(_DEFAULT_ITEMS)])[0])
            markers = query.get("Marker")
            start = _marker_index(markers[0] if markers else None)
        except ValueError:
            return _error(400, "InvalidParameterValueException", "Invalid marker or MaxItems.")
        if not 1 <= size <= _MAX_ITEMS:
            return _error(
                400,
                "ValidationException",
                f"1 validation error detected: Value '{size}' at 'maxItems' failed to satisfy "
                f"constraint: Member must have value less than or equal to {_MAX_ITEMS}",
            )
        region = self._functions.region
        listed: list[Any] = [
            function_configuration(spec, self._functions.function_arn(spec.name), region)
            for spec in self._functions.loaded()
        ]
        listed += [declared_configuration(spec, region) for spec in self._functions.cannot_run()]
        # moto's own functions, all of them: the pages are cut here, over both lists.
        others = {key: value for key, value in query.items() if key not in ("MaxItems", "Marker")}
        everything = dataclasses.replace(request, query_string=urlencode(others, doseq=True))
        answer = await self._fallback.handle(everything, call)
        if answer.status != 200:
            return answer
        listed += json.loads(answer.body).get("Functions", [])
        page: dict[str, Any] = {"Functions": listed[start : start + size]}
        if start + size < len(listed):
            page["NextMarker"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
        return _json(page)


def _marker_index(marker: str | None) -> int:
    """Where a page starts: `NextMarker` of the page before (ValueError for another value)."""
    if marker is None:
        return 0
    try:
        index = int(base64.urlsafe_b64decode(marker.encode()).decode())
    except (binascii.Error, UnicodeDecodeError) as error:
        raise ValueError(marker) from error
    if index < 0:
        raise ValueError(marker)
    return index


def _json(body: dict[str, Any]) -> AwsResponse:
    return AwsResponse(
        200,
        json.dumps(body, separators=(",", ":")).encode(),
        [("content-type", "application/json")],
    )


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
