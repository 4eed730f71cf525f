"""The local Lambda service: functions loaded from their specs, invoked as Lambda's Invoke API
invokes them (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html).

    async with FunctionInvoker(InvokerSettings(aws=AwsEnvironment(endpoint_url=url))) as lam:
        lam.load(FunctionSpec("orders", "nodejs20.x", "index.handler", Path("fns/orders")))
        result = await lam.invoke("orders", b'{"id": "1"}')
        result.payload, result.function_error        # b'{"ok":true}', None

`load` refuses a function Lambda would refuse (InvalidParameterValueError) or that cannot run
here (RuntimeUnavailableError: no Node.js on the PATH), one function at a time, so the
composition root reports it and serves the others. `invoke` validates the request as Lambda
does (the payload must be JSON of at most 6 MB; an empty payload is `{}`), then:
`RequestResponse` runs the function and answers 200 with its result or its error object and
`FunctionError: Unhandled`; `Event` answers 202 at once and runs it in the background; `DryRun`
answers 204. Workers start on first use and stop when the `async with` block ends.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import dataclasses
import json
import logging
import random
import sys
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from functions.environment import AwsEnvironment, check_variables
from functions.errors import (
    FunctionsError,
    InvalidParameterValueError,
    InvalidRequestContentError,
    InvokerClosedError,
    RequestTooLargeError,
    ResourceConflictError,
    ResourceNotFoundError,
    TooManyRequestsError,
)
from functions.logs import InvocationLog
from functions.model import (
    LATEST,
    UNHANDLED,
    FunctionSpec,
    InvocationType,
    InvokeResult,
    Language,
    LogType,
    Runtime,
)
from functions.node_sdk import NodeSdk, missing_package, missing_package_hint
from functions.pool import ACCOUNT_LIMIT, FunctionPool, PoolLimits
from functions.protocol import MAX_REQUEST_BYTES
from functions.requirements import Requirements, default_cache
from functions.runtimes import python_interpreter, worker_command
from functions.worker import Invocation

logger = logging.getLogger(__name__)

# The Invoke API's limit on ClientContext: 3,583 bytes of base64.
MAX_CLIENT_CONTEXT = 3583


@dataclass(frozen=True, slots=True)
class InvokerSettings:
    """Everything functions share: their AWS environment, the SDK directory for Node.js, the
    local limits, the PATH searched for `node` (the server's by default), how many
    asynchronous invocations may wait at once, and where Python functions' requirements are
    installed."""

    aws: AwsEnvironment = field(default_factory=AwsEnvironment)
    node_sdk: NodeSdk | None = None
    limits: PoolLimits = field(default_factory=PoolLimits)
    search_path: str | None = None
    max_pending_events: int = 1000
    requirements_cache: Path = field(default_factory=default_cache)


def function_name_of(identifier: str) -> tuple[str, str | None]:
    """The name and qualifier in a FunctionName: `name`, `name:qualifier`, the function's ARN
    or its partial ARN (`123456789012:function:name`)."""
    parts = identifier.split(":")
    if parts[0] == "arn" and len(parts) >= 7 and parts[5] == "function":
        parts = parts[6:]
    elif len(parts) >= 3 and parts[1] == "function":
        parts = parts[2:]
    return parts[0], (parts[1] if len(parts) > 1 else None)


def _client_context_json(client_context: str | None) -> str | None:
    if client_context is None:
        return None
    try:
        if len(client_context) > MAX_CLIENT_CONTEXT:
            raise ValueError("too long")
        decoded = base64.b64decode(client_context, validate=True).decode()
        if not isinstance(json.loads(decoded), dict):
            raise ValueError("not an object")
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        # AWS differs (unconfirmed wording): Lambda's message for a bad client context.
        raise InvalidRequestContentError(
            "Client context must be a valid Base64-encoded JSON object."
        ) from exc
    return decoded


class FunctionInvoker:
    """Loads functions and invokes them in warm worker processes."""

    def __init__(self, settings: InvokerSettings | None = None) -> None:
        self.settings = settings or InvokerSettings()
        self._pools: dict[str, FunctionPool] = {}
        self._group: asyncio.TaskGroup | None = None
        self._events: set[asyncio.Task[None]] = set()
        self._hinted: set[tuple[str, str]] = set()
        self._closed = False

    async def __aenter__(self) -> Self:
        group = asyncio.TaskGroup()
        await group.__aenter__()
        self._group = group
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool | None:
        self._closed = True
        for task in self._events:
            task.cancel()
        try:
            async with asyncio.TaskGroup() as stopping:
                for pool in self._pools.values():
                    stopping.create_task(pool.stop())
        finally:
            group, self._group = self._group, None
            if group is not None:
                # The workers are gone, so their readers end; the block's own exception (if
                # any) propagates unchanged rather than inside the group's ExceptionGroup.
                await group.__aexit__(None, None, None)
        return None

    @property
    def function_names(self) -> list[str]:
        return sorted(self._pools)

    def spec(self, function_name: str) -> FunctionSpec:
        return self._pool(function_name).spec

    def function_arn(self, function_name: str) -> str:
        return self.settings.aws.function_arn(function_name_of(function_name)[0])

    def worker_count(self, function_name: str) -> int:
        """Live worker processes of a function (warm or busy)."""
        return self._pool(function_name).worker_count

    def use_endpoint(self, endpoint_url: str) -> None:
        """Point the functions' SDKs at `endpoint_url` (`AWS_ENDPOINT_URL`) from their next
        worker on: a server learns its own address only once it listens, after its functions
        were loaded. Workers already warm keep the environment they started with."""
        aws = dataclasses.replace(self.settings.aws, endpoint_url=endpoint_url)
        self.settings = dataclasses.replace(self.settings, aws=aws)
        for pool in self._pools.values():
            pool.aws = aws

    def load(self, spec: FunctionSpec) -> None:
        """Make `spec` invocable; raises what CreateFunction would, or RuntimeUnavailableError."""
        if spec.name in self._pools:
            raise ResourceConflictError(f"Function already exist: {spec.name}")
        spec.check()
        check_variables(spec)
        runtime = spec.parsed_runtime()
        requirements = self._requirements(spec, runtime)
        command = worker_command(
            spec,
            runtime,
            node_sdk=self.settings.node_sdk,
            search_path=self.settings.search_path,
            packages=None if requirements is None else requirements.target,
        )
        if runtime.language is Language.PYTHON and spec.python_executable is None:
            here = sys.version_info
            if (here.major, here.minor) != (runtime.major, runtime.minor):
                # AWS differs: the server's interpreter runs the function whatever its runtime.
                logger.info(
                    "function %s (%s) runs on the server's Python %s.%s",
                    spec.name,
                    spec.runtime,
                    here.major,
                    here.minor,
                )
        self._pools[spec.name] = FunctionPool(
            spec, runtime, command, self.settings.aws, self.settings.limits, requirements
        )

    def _requirements(self, spec: FunctionSpec, runtime: Runtime) -> Requirements | None:
        """A Python function's requirements file: the one it names, or its code directory's
        own `requirements.txt` (as `sam build` reads it) when it runs on the server's Python."""
        if runtime.language is not Language.PYTHON:
            return None
        file = spec.requirements
        if file is None and spec.python_executable is None:
            found = spec.code_dir / "requirements.txt"
            file = found if found.is_file() else None
        if file is None:
            return None
        if not file.is_file():
            raise InvalidParameterValueError(
                f"Function {spec.name}: requirements file {file} does not exist."
            )
        interpreter = python_interpreter(spec)
        return Requirements.of(spec.name, file, interpreter, self.settings.requirements_cache)

    async def unload(self, function_name: str) -> None:
        """Stop a function's workers and forget it (before loading a changed version)."""
        pool = self._pools.pop(self._pool(function_name).spec.name)
        await pool.stop()

    async def invoke(
        self,
        function_name: str,
        payload: bytes = b"",
        invocation_type: InvocationType = InvocationType.REQUEST_RESPONSE,
        *,
        client_context: str | None = None,
        cognito_identity: Mapping[str, Any] | None = None,
        log_type: LogType = LogType.NONE,
    ) -> InvokeResult:
        """One Invoke call. `client_context` is base64-encoded JSON, as the Invoke API takes it;
        `cognito_identity` carries `cognitoIdentityId` and `cognitoIdentityPoolId`."""
        group = self._running_group()
        pool = self._pool(function_name)
        payload = payload or b"{}"
        if len(payload) > MAX_REQUEST_BYTES:
            raise RequestTooLargeError(
                f"Request must be smaller than {MAX_REQUEST_BYTES} bytes for the InvokeFunction "
                "operation"
            )
        try:
            json.loads(payload)
        except ValueError as exc:
            # AWS differs: the detail after the colon is Python's parser's, not Jackson's.
            raise InvalidRequestContentError(
                f"Could not parse request body into json: Could not parse payload into json: {exc}"
            ) from exc
        # A request id names an invocation in logs and is no secret: the seeded generator makes
        # it rather than a getrandom call each time.
        request_id = str(uuid.UUID(int=random.getrandbits(128), version=4))
        if invocation_type is InvocationType.DRY_RUN:
            return InvokeResult(204, b"", request_id)
        invocation = Invocation(
            request_id,
            payload,
            self.settings.aws.function_arn(pool.spec.name),
            client_context=_client_context_json(client_context),
            cognito_identity=None if cognito_identity is None else json.dumps(cognito_identity),
            log=InvocationLog() if log_type is LogType.TAIL else None,
        )
        if invocation_type is InvocationType.EVENT:
            self._enqueue(pool, invocation, group)
            return InvokeResult(202, b"", request_id)
        outcome = await pool.invoke(invocation, group)
        if outcome.function_error:
            self._hint(pool, outcome.payload)
        return InvokeResult(
            200,
            outcome.payload,
            request_id,
            function_error=UNHANDLED if outcome.function_error else None,
            log_result=None if invocation.log is None else invocation.log.log_result(),
        )

    def _pool(self, function_name: str) -> FunctionPool:
        name, qualifier = function_name_of(function_name)
        pool = self._pools.get(name)
        if pool is None or qualifier not in (None, LATEST):
            arn = self.settings.aws.function_arn(name)
            suffix = f":{qualifier}" if qualifier else ""
            raise ResourceNotFoundError(f"Function not found: {arn}{suffix}")
        return pool

    def _running_group(self) -> asyncio.TaskGroup:
        if self._group is None or self._closed:
            raise InvokerClosedError("The local Lambda runtime is not running.")
        return self._group

    def _enqueue(
        self, pool: FunctionPool, invocation: Invocation, group: asyncio.TaskGroup
    ) -> None:
        if len(self._events) >= self.settings.max_pending_events:
            # AWS differs: Lambda's asynchronous queue takes far more before it throttles.
            raise TooManyRequestsError(ACCOUNT_LIMIT)
        task = group.create_task(self._run_event(pool, invocation, group))
        self._events.add(task)
        task.add_done_callback(self._events.discard)

    async def _run_event(
        self, pool: FunctionPool, invocation: Invocation, group: asyncio.TaskGroup
    ) -> None:
        try:
            outcome = await pool.invoke(invocation, group, may_throttle=False)
        except FunctionsError as exc:
            logger.warning(
                "function %s: asynchronous invocation %s not run: %s",
                pool.spec.name,
                invocation.request_id,
                exc.message,
            )
            return
        if outcome.function_error:
            # AWS differs: Lambda retries a failed asynchronous invocation twice, a minute and
            # then two apart ("How Lambda handles errors and retries with asynchronous
            # invocation", invocation-async-error-handling.html);
            # locally it runs once and its failure is logged.
            logger.warning(
                "function %s: asynchronous invocation %s failed: %s",
                pool.spec.name,
                invocation.request_id,
                outcome.payload[:1000].decode("utf-8", errors="replace"),
            )
            self._hint(pool, outcome.payload)

    def _hint(self, pool: FunctionPool, error_payload: bytes) -> None:
        """Name the install command when a Node.js function misses a package of the SDK."""
        if pool.runtime.language is not Language.NODEJS:
            return
        package = missing_package(error_payload.decode("utf-8", errors="replace"))
        if package is None or (pool.spec.name, package) in self._hinted:
            return
        self._hinted.add((pool.spec.name, package))
        logger.warning("%s", missing_package_hint(pool.spec.name, package, self.settings.node_sdk))
