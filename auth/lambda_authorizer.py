"""AWS_LAMBDA: the authorizer's Lambda function, called the way AppSync calls it.

The function is an `AuthorizerFunction`: the function `authorizerUri` names, run by the local
Lambda runtime (the composition root fills the seam), or a local Python handler
(`module:function`) run in the server's process.

AppSync's "AWS_LAMBDA authorization" (security-authz.html) and `LambdaAuthorizerConfig`:
the `Authorization` header is the `authorizationToken`; `identityValidationExpression` must
match it before the function is called; the function receives
`{"authorizationToken", "requestContext": {apiId, accountId, requestId, queryString,
operationName, variables}, "requestHeaders"}` and answers `{"isAuthorized", "resolverContext",
"deniedFields", "ttlOverride"}`. Answers are cached per token for `ttlOverride` seconds, else
`authorizerResultTtlInSeconds` (0 turns caching off; at most 3600).

AppSync waits 10 seconds for the function ("Lambda authorizers have a timeout of 10 seconds",
the limits of the AppSync authorizer event in Michael Brewer's aws-lambda-events reference,
https://michaelbrewer.github.io/aws-lambda-events/appsync-authorizer/; "Timeout limits: 30 s
for API Gateway, 10 s for AppSync", DZone's "Understanding Custom Authorization Mechanisms in
Amazon API Gateway and AWS AppSync"). A function that has not answered by then, that fails or
that Lambda refuses to run refuses the call like any failed authorizer. A synchronous local
handler runs in a thread pool of its own, so authorizers that hang cannot take the threads the
rest of the server needs; Python cannot stop such a thread, so it runs on and its answer is
dropped.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import importlib
import inspect
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

from auth.clock import Clock
from auth.errors import (
    NOT_AUTHORIZED_TO_MAKE_THIS_CALL,
    AuthConfigError,
    AuthorizerFunctionError,
    UnauthorizedError,
)
from auth.identity import AUTH_TYPES, Principal
from auth.modes import AuthMode
from auth.oidc import compile_regex
from auth.request import AuthRequest

logger = logging.getLogger(__name__)

MAX_TTL_SECONDS = 3600
# How long AppSync waits for the authorizer (see the module docstring).
TIMEOUT_SECONDS: Final = 10.0
_CACHE_LIMIT = 10_000
# Threads for synchronous authorizers, per API: past them, calls wait (and time out) in line.
_THREADS = 32
# deniedFields entries may be full field ARNs:
# arn:aws:appsync:<region>:<account>:apis/<apiId>/types/<Type>/fields/<field>
_FIELD_ARN = re.compile(
    r"^arn:aws[\w-]*:appsync:[^:]*:[^:]*:apis/[^/]+/types/([^/]+)/fields/([^/]+)$"
)


class AuthorizerFunction(Protocol):
    """The Lambda function `authorizerUri` names, invoked with the authorizer event."""

    @property
    def function_name(self) -> str: ...

    async def call(self, event: dict[str, Any]) -> Any:
        """The function's JSON answer; AuthorizerFunctionError when the function fails or
        Lambda refuses to run it."""
        ...


@dataclass(frozen=True, slots=True)
class LambdaAuthorizerConfig:
    """AppSync `LambdaAuthorizerConfig`: the `function` `authorizerUri` names, or a local Python
    `handler` (`module:function`) in its place."""

    handler: str | None = None
    authorizer_result_ttl_in_seconds: int = 0
    identity_validation_expression: str | None = None
    api_id: str = "local"
    account_id: str = "000000000000"
    function: AuthorizerFunction | None = field(default=None, compare=False)

    @property
    def mode(self) -> AuthMode:
        return AuthMode.AWS_LAMBDA

    @property
    def name(self) -> str:
        """What the server's log calls the authorizer."""
        if self.function is not None:
            return self.function.function_name
        return self.handler or ""


@dataclass(frozen=True, slots=True)
class _LambdaContext:
    """The handler's `context` argument: the attributes authorizers commonly read."""

    function_name: str
    aws_request_id: str
    invoked_function_arn: str
    deadline: float  # time.monotonic() when AppSync stops waiting

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.monotonic()) * 1000))


@dataclass(frozen=True, slots=True)
class _Cached:
    principal: Principal
    until: float


def load_handler(handler: str) -> Callable[..., Any]:
    module_name, sep, attribute = handler.partition(":")
    if not sep or not module_name or not attribute:
        raise AuthConfigError(f"authorizer handler {handler!r}: expected 'module:function'")
    try:
        module = importlib.import_module(module_name)
    except Exception as error:  # importing user code is an edge: report why it failed
        raise AuthConfigError(f"authorizer handler {handler!r}: {error}") from error
    target: Any = module
    for part in attribute.split("."):
        target = getattr(target, part, None)
    if not callable(target):
        raise AuthConfigError(f"authorizer handler {handler!r}: not a function")
    return target  # type: ignore[no-any-return]


def _positional_count(function: Callable[..., Any]) -> int:
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    parameters = inspect.signature(function).parameters.values()
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in parameters):
        return 2
    return sum(1 for p in parameters if p.kind in kinds)


def denied_field_name(entry: str) -> str:
    """`Type.field` for a deniedFields entry given as `Type.field` or as a field ARN."""
    match = _FIELD_ARN.match(entry)
    return f"{match.group(1)}.{match.group(2)}" if match else entry


class LocalHandler:
    """An `AuthorizerFunction` that is a Python `module:function` called in this process, with
    a `context` carrying the attributes authorizers commonly read."""

    def __init__(self, handler: str, account_id: str, timeout: float) -> None:
        self.function_name = handler
        self._account_id = account_id
        self._timeout = timeout
        self._threads = concurrent.futures.ThreadPoolExecutor(
            _THREADS, thread_name_prefix="lambda-authorizer"
        )
        self._function = load_handler(handler)
        self._is_async = inspect.iscoroutinefunction(self._function)
        self._takes_context = _positional_count(self._function) >= 2

    async def call(self, event: dict[str, Any]) -> Any:
        args: tuple[Any, ...] = (event,)
        if self._takes_context:
            name = self.function_name
            arn = f"arn:aws:lambda:us-east-1:{self._account_id}:function:{name}"
            request_id = event["requestContext"]["requestId"]
            ends = time.monotonic() + self._timeout
            args = (event, _LambdaContext(name, request_id, arn, ends))
        try:
            if self._is_async:
                result = await self._function(*args)
            else:
                loop = asyncio.get_running_loop()
                call = functools.partial(self._function, *args)
                result = await loop.run_in_executor(self._threads, call)
            return json.loads(json.dumps(result))
        except Exception as error:  # the authorizer is user code: any failure refuses the call
            raise AuthorizerFunctionError(repr(error)) from error


class LambdaAuthorizerProvider:
    def __init__(
        self, config: LambdaAuthorizerConfig, clock: Clock, *, timeout: float = TIMEOUT_SECONDS
    ) -> None:
        self._config = config
        self._timeout = timeout
        if config.function is not None:
            self._function: AuthorizerFunction = config.function
        elif config.handler:
            self._function = LocalHandler(config.handler, config.account_id, timeout)
        else:
            raise AuthConfigError("lambdaAuthorizerConfig: name the authorizer's function")
        self._validation = compile_regex(
            config.identity_validation_expression, "identityValidationExpression"
        )
        if not 0 <= config.authorizer_result_ttl_in_seconds <= MAX_TTL_SECONDS:
            raise AuthConfigError("authorizerResultTtlInSeconds must be between 0 and 3600")
        self._clock = clock
        self._cache: dict[str, _Cached] = {}

    async def authenticate(self, token: str, request: AuthRequest) -> Principal:
        if self._validation is not None and not self._validation.fullmatch(token):
            logger.info(
                "token refused: identityValidationExpression %r does not match it (the whole "
                "value)",
                self._validation.pattern,
            )
            raise UnauthorizedError(NOT_AUTHORIZED_TO_MAKE_THIS_CALL)
        now = self._clock.time()
        cached = self._cache.get(token)
        if cached is not None and now < cached.until:
            return cached.principal
        response = await self._invoke(self._event(token, request))
        principal, ttl = self._read(response)
        if ttl > 0:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache = {k: v for k, v in self._cache.items() if now < v.until}
            self._cache[token] = _Cached(principal, now + ttl)
        return principal

    def _event(self, token: str, request: AuthRequest) -> dict[str, Any]:
        graphql = request.graphql
        return {
            "authorizationToken": token,
            "requestContext": {
                "apiId": self._config.api_id,
                "accountId": self._config.account_id,
                "requestId": str(uuid.uuid4()),
                "queryString": graphql.query if graphql else "",
                "operationName": graphql.operation_name if graphql else None,
                "variables": dict(graphql.variables) if graphql else {},
            },
            "requestHeaders": dict(request.headers),
        }

    async def _invoke(self, event: dict[str, Any]) -> Any:
        deadline = asyncio.timeout(self._timeout)
        try:
            async with deadline:
                return await self._function.call(event)
        except (AuthorizerFunctionError, TimeoutError) as error:
            if deadline.expired():
                # AWS differs (unconfirmed): AppSync's answer to an authorizer that does not
                # answer in time is not documented; here it is a failed authorizer's.
                logger.warning(
                    "Lambda authorizer %s did not answer within %s s",
                    self._config.name,
                    self._timeout,
                )
            else:
                logger.warning("Lambda authorizer %s failed: %s", self._config.name, error)
            raise UnauthorizedError(NOT_AUTHORIZED_TO_MAKE_THIS_CALL) from error

    def _read(self, response: Any) -> tuple[Principal, int]:
        if not isinstance(response, dict) or response.get("isAuthorized") is not True:
            raise UnauthorizedError(NOT_AUTHORIZED_TO_MAKE_THIS_CALL)
        context = response.get("resolverContext") or {}
        denied = response.get("deniedFields") or []
        if not isinstance(context, dict) or not isinstance(denied, list):
            logger.warning("Lambda authorizer %s: malformed response", self._config.name)
            raise UnauthorizedError(NOT_AUTHORIZED_TO_MAKE_THIS_CALL)
        ttl = response.get("ttlOverride")
        if not isinstance(ttl, int) or isinstance(ttl, bool):
            ttl = self._config.authorizer_result_ttl_in_seconds
        principal = Principal(
            mode=AuthMode.AWS_LAMBDA,
            identity={"resolverContext": context},
            auth_type=AUTH_TYPES[AuthMode.AWS_LAMBDA],
            denied_fields=frozenset(denied_field_name(str(entry)) for entry in denied),
        )
        return principal, max(0, min(ttl, MAX_TTL_SECONDS))
