"""The local Lambda runtime as the server runs it: one `FunctionInvoker` per server, the
functions the definition declares, and how data sources and Task states reach them.

`build_functions(definition)` loads every declared function (`server.lambda.functions`, or a
template's `AWS::Lambda::Function`s) into one invoker when the API is built, so `validate`
reports what CreateFunction would refuse (a Timeout past 900 s, a reserved variable) as a
problem. A function that cannot run on this machine (Node.js not on the PATH, a runtime other
than Python's and Node.js's, a container image) is refused with a warning naming why, and
everything else still serves; calling it fails with Lambda's `InvalidRuntimeException` and
that message. Inline code (`Code.ZipFile`) is written to `index.py` / `index.js` in a directory
of its own, as CloudFormation writes it.

`running(functions)` keeps the invoker's workers for the server's lifetime. The functions' SDKs
reach the one AWS endpoint: `AWS_ENDPOINT_URL` is the server's own address (`SelfRoutes`, known
when `serve` listens or from the first request), each function with a `Role` signing as its
execution role's session (`appsync.execution_roles`), the others with the endpoint's first
declared key. Node.js functions resolve the AWS SDK for JavaScript v3 from
`server.lambda.nodeSdkDirectory`, by default `<the Python environment>/aws-sdk-js`, where
`scripts/node-deps` installs it.

Four seams reach the invoker: `DataSourceFunctions` (`resolvers`' `FunctionInvoker`, for
data sources and LAMBDA conflict handlers), `TaskFunctions` (the engine's `LambdaInvoker`),
`AuthorizerFunctions` (auth's `AuthorizerFunction`, for an AWS_LAMBDA `authorizerUri`) and
`appsync.aws.lambda_` (Lambda's API on the AWS endpoint).
"""

from __future__ import annotations

import json
import logging
import shutil
import sys
import tempfile
import uuid
import weakref
from collections.abc import AsyncIterator, Callable, Collection, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from appsync.execution_roles import ExecutionRoles
from appsync.stepfunctions_embedded import SelfRoutes
from auth.errors import AuthorizerFunctionError
from definition.model import (
    LOCAL_ACCOUNT_ID,
    AccessKey,
    ApiDefinition,
    DataSourceSpec,
    InlineSource,
    LambdaFunctionSpec,
    source_text,
)
from functions.environment import AwsEnvironment, Credentials
from functions.errors import FunctionsError, RuntimeUnavailableError
from functions.invoker import FunctionInvoker, InvokerSettings, function_name_of
from functions.model import FunctionSpec, InvocationType, InvokeResult, LogType
from functions.node_sdk import NodeSdk
from resolvers.datasources.lambda_invoke import InvokeAnswer, InvokedFunction
from resolvers.errors import LambdaApiError
from stepfunctions.runtime.errors import LambdaServiceError
from stepfunctions.runtime.lambda_invoker import LambdaAnswer

logger = logging.getLogger(__name__)

# Where `scripts/node-deps` installs the SDK: beside the Python environment that runs the server.
DEFAULT_NODE_SDK = Path(sys.prefix) / "aws-sdk-js"

# Where a problem of the definition is: a key path, and its message.
Report = Callable[[str, str], None]


@dataclass(frozen=True, slots=True)
class Refusal:
    """A declared function that cannot run here, and why (Lambda's InvalidRuntimeException)."""

    declared: LambdaFunctionSpec
    error: FunctionsError

    @property
    def function_name(self) -> str:
        return self.declared.function_name


class EmbeddedFunctions:
    """The server's `FunctionInvoker` with the declared functions loaded, and those refused."""

    def __init__(
        self,
        invoker: FunctionInvoker,
        refused: Mapping[str, Refusal],
        routes: SelfRoutes,
        inline: _InlineCode | None = None,
        roles: ExecutionRoles | None = None,
    ) -> None:
        self.invoker = invoker
        self.execution_roles = roles if roles is not None else ExecutionRoles(LOCAL_ACCOUNT_ID)
        self.refused = dict(refused)
        self._routes = routes
        self._endpoint: str | None = None
        # Kept as long as the functions are: their inline code's directories go with it.
        self._inline = inline

    @property
    def region(self) -> str:
        return self.invoker.settings.aws.region

    @property
    def names(self) -> list[str]:
        """Every declared function that runs (the refused ones are in `refused`)."""
        return self.invoker.function_names

    def loaded(self) -> list[FunctionSpec]:
        """The declared functions that run, by name (GetFunction, ListFunctions)."""
        return [self.invoker.spec(name) for name in self.invoker.function_names]

    def cannot_run(self) -> list[LambdaFunctionSpec]:
        """The declared functions refused here, by name (they exist on AWS all the same:
        GetFunction and ListFunctions describe them, their Invoke is refused)."""
        return [self.refused[name].declared for name in sorted(self.refused)]

    def function_arn(self, function_name: str) -> str:
        return self.invoker.function_arn(function_name)

    def declares(self, function_name: str) -> bool:
        """Whether `function_name` (a name or an ARN, any region) is a declared function."""
        name, _ = function_name_of(function_name)
        return name in self.refused or name in self.invoker.function_names

    async def invoke(
        self,
        function_name: str,
        payload: bytes,
        invocation_type: InvocationType = InvocationType.REQUEST_RESPONSE,
        *,
        client_context: str | None = None,
        log_type: LogType = LogType.NONE,
    ) -> InvokeResult:
        """The Invoke API: FunctionsError where Lambda's API would refuse the call."""
        refusal = self.refused.get(function_name_of(function_name)[0])
        if refusal is not None:
            raise refusal.error
        self._learn_endpoint()
        return await self.invoker.invoke(
            function_name,
            payload,
            invocation_type,
            client_context=client_context,
            log_type=log_type,
        )

    def _learn_endpoint(self) -> None:
        base = self._routes.base
        if self._endpoint is None and base is not None:
            self._endpoint = base
            self.invoker.use_endpoint(base)


class DataSourceFunctions:
    """`resolvers.datasources.lambda_invoke.FunctionInvoker` on the local Lambda runtime."""

    __slots__ = ("_functions",)

    def __init__(self, functions: EmbeddedFunctions) -> None:
        self._functions = functions

    async def invoke(
        self, function_name: str, payload: bytes, *, asynchronous: bool = False
    ) -> InvokeAnswer:
        kind = InvocationType.EVENT if asynchronous else InvocationType.REQUEST_RESPONSE
        try:
            result = await self._functions.invoke(function_name, payload, kind)
        except FunctionsError as error:
            raise LambdaApiError(error.code, error.message) from error
        return InvokeAnswer(result.payload, result.function_error)


class TaskFunctions:
    """`stepfunctions.runtime.lambda_invoker.LambdaInvoker` on the local Lambda runtime."""

    __slots__ = ("_functions",)

    def __init__(self, functions: EmbeddedFunctions) -> None:
        self._functions = functions

    async def invoke(
        self, function_name: str, payload: bytes, invocation_type: str = "RequestResponse"
    ) -> LambdaAnswer:
        try:
            kind = InvocationType(invocation_type)
        except ValueError:
            # Lambda's own refusal of an InvocationType it does not have.
            raise LambdaServiceError(
                "InvalidParameterValueException",
                400,
                f"1 validation error detected: Value '{invocation_type}' at 'invocationType' "
                "failed to satisfy constraint: Member must satisfy enum value set: [Event, "
                "RequestResponse, DryRun]",
                str(uuid.uuid4()),
            ) from None
        try:
            result = await self._functions.invoke(function_name, payload, kind)
        except FunctionsError as error:
            raise LambdaServiceError(
                error.code, error.status, error.message, str(uuid.uuid4())
            ) from error
        return LambdaAnswer(
            result.status_code,
            result.payload,
            result.request_id,
            result.function_error,
            result.executed_version,
        )


class AuthorizerFunctions:
    """`auth.lambda_authorizer.AuthorizerFunction` on the local Lambda runtime: the function an
    AWS_LAMBDA provider's `authorizerUri` names, invoked RequestResponse with AppSync's
    authorizer event as its payload."""

    __slots__ = ("_functions", "function_name")

    def __init__(self, functions: EmbeddedFunctions, function_name: str) -> None:
        self._functions = functions
        self.function_name = function_name

    async def call(self, event: dict[str, Any]) -> Any:
        payload = json.dumps(event, separators=(",", ":")).encode()
        try:
            result = await self._functions.invoke(self.function_name, payload)
        except FunctionsError as error:
            raise AuthorizerFunctionError(f"{error.code}: {error.message}") from error
        if result.function_error is not None:
            failure = result.error()
            raise AuthorizerFunctionError(
                f"{failure.get('errorType', 'Unhandled')}: {failure.get('errorMessage', '')}"
            )
        try:
            return json.loads(result.payload)
        except ValueError as error:
            raise AuthorizerFunctionError("its answer is not JSON") from error


def authorizer_function(functions: EmbeddedFunctions) -> Callable[[str], AuthorizerFunctions]:
    """What makes the `AuthorizerFunction` an `authorizerUri` names; an undeclared function is
    named in a warning now, and every request it should authorize is refused."""

    def named(authorizer_uri: str) -> AuthorizerFunctions:
        if not functions.declares(authorizer_uri):
            logger.warning(
                "the AWS_LAMBDA authorizer calls %s, which is not declared "
                "(server.lambda.functions, or the template's functions): every request it "
                "should authorize is refused",
                authorizer_uri,
            )
        return AuthorizerFunctions(functions, authorizer_uri)

    return named


def build_functions(
    definition: ApiDefinition,
    region: str,
    credentials: AccessKey,
    routes: SelfRoutes,
    report: Report,
) -> EmbeddedFunctions:
    """One invoker with every declared function loaded; `report` gets what CreateFunction
    would refuse, at the function's key path."""
    settings = definition.server
    sdk_directory = settings.node_sdk_directory or DEFAULT_NODE_SDK
    roles = ExecutionRoles(LOCAL_ACCOUNT_ID)
    for spec in settings.lambda_functions:
        if spec.role_arn is not None:
            roles.session(spec.function_name, spec.role_arn)
    aws = AwsEnvironment(
        region=region,
        account_id=LOCAL_ACCOUNT_ID,
        credentials=Credentials(credentials.access_key_id, credentials.secret_access_key),
        function_credentials=roles.function_credentials,
    )
    invoker = FunctionInvoker(InvokerSettings(aws=aws, node_sdk=NodeSdk(sdk_directory)))
    inline = _InlineCode()
    refused: dict[str, Refusal] = {}
    for index, spec in enumerate(settings.lambda_functions):
        where = f"server.lambda.functions[{index}]"
        try:
            invoker.load(_function_spec(spec, inline))
        except RuntimeUnavailableError as error:
            logger.warning("%s", error.message)
            refused[spec.function_name] = Refusal(spec, error)
        except FunctionsError as error:
            report(where, error.message)
        except OSError as error:
            report(where, f"Function {spec.function_name}: cannot write its code: {error}")
    return EmbeddedFunctions(invoker, refused, routes, inline, roles)


def _function_spec(spec: LambdaFunctionSpec, inline: _InlineCode) -> FunctionSpec:
    name = spec.function_name
    if spec.runtime is None or spec.handler is None or spec.code is None:
        kind = "a container image" if spec.package_type == "Image" else "code without a handler"
        raise RuntimeUnavailableError(
            name,
            spec.runtime or spec.package_type,
            f"Function {name} ({kind}) cannot run locally; local functions run a Python or "
            "Node.js handler from a code directory. The API's other functions and resolvers "
            "still serve.",
        )
    code_dir = spec.code
    if isinstance(code_dir, InlineSource):
        code_dir = inline.write(name, spec.runtime, code_dir)
    return FunctionSpec(
        name=name,
        runtime=spec.runtime,
        handler=spec.handler,
        code_dir=code_dir,
        environment=dict(spec.environment),
        timeout=float(spec.timeout),
        memory_size=spec.memory_size,
        reserved_concurrency=spec.reserved_concurrent_executions,
        concurrency_limit=spec.concurrency_limit,
        layers=spec.layers,
        python_executable=spec.python_executable,
        requirements=spec.requirements,
    )


class _InlineCode:
    """The directories of inline functions (`Code.ZipFile`), removed when this is collected
    (at the latest when the process ends)."""

    def __init__(self) -> None:
        self._root: Path | None = None

    def write(self, name: str, runtime: str, source: InlineSource) -> Path:
        if self._root is None:
            self._root = Path(tempfile.mkdtemp(prefix="appsync-local-functions-"))
            weakref.finalize(self, shutil.rmtree, self._root, True)
        directory = self._root / name
        directory.mkdir(parents=True, exist_ok=True)
        # CloudFormation writes ZipFile to index.js for Node.js runtimes and index.py for Python
        # (AWS::Lambda::Function Code, ZipFile).
        file = "index.py" if runtime.startswith("python") else "index.js"
        (directory / file).write_text(source_text(source), encoding="utf-8")
        return directory


def data_source_function(spec: DataSourceSpec, functions: EmbeddedFunctions) -> InvokedFunction:
    """The function an AWS_LAMBDA data source's `lambdaFunctionArn` names: behind its
    `endpoint`, or else the local one (an undeclared function fails each call as Lambda does,
    with ResourceNotFoundException, and is named in a warning now)."""
    arn = spec.lambda_function_arn or ""
    if spec.lambda_endpoint is not None:
        parts = arn.split(":")
        region = parts[3] if arn.startswith("arn:") and len(parts) > 3 and parts[3] else None
        # boto3, imported for a data source that names a Lambda endpoint of its own.
        from resolvers.datasources.lambda_boto import BotoFunctions

        invoker = BotoFunctions(region or functions.region, spec.lambda_endpoint)
        return InvokedFunction(invoker, arn)
    if not functions.declares(arn):
        logger.warning(
            "data source %s calls %s, which is not declared (server.lambda.functions, or the "
            "template's functions) and has no lambdaConfig.endpoint: its calls fail with "
            "ResourceNotFoundException",
            spec.name,
            arn,
        )
    return InvokedFunction(DataSourceFunctions(functions), arn)


async def redeclare(
    functions: EmbeddedFunctions,
    before: ApiDefinition,
    after: ApiDefinition,
    changed: Collection[Path],
) -> list[str]:
    """Bring the running invoker from `before`'s functions to `after`'s (a reload, once
    `after` has been checked): a function new, gone, declared otherwise, or with a `changed`
    file in its code directory, the source it was built from, or its layers is loaded again,
    its warm workers stopped (an invocation still running on one of them fails); the others
    keep theirs. Returns the names of the functions loaded again."""
    old = {spec.function_name: spec for spec in before.server.lambda_functions}
    new = {spec.function_name: spec for spec in after.server.lambda_functions}
    reloaded = []
    for name in sorted(old.keys() | new.keys()):
        spec = new.get(name)
        if spec is not None and spec == old.get(name) and not _touched(spec, changed):
            continue
        if name in functions.invoker.function_names:
            await functions.invoker.unload(name)
        functions.refused.pop(name, None)
        if spec is None:
            continue
        try:
            functions.invoker.load(_function_spec(spec, _inline_of(functions)))
        except RuntimeUnavailableError as error:
            logger.warning("%s", error.message)
            functions.refused[name] = Refusal(spec, error)
        reloaded.append(name)
    return reloaded


def _touched(spec: LambdaFunctionSpec, changed: Collection[Path]) -> bool:
    places = (spec.code, spec.built_from, *spec.layers)
    folders = [folder.resolve() for folder in places if isinstance(folder, Path)]
    if spec.requirements is not None:
        folders.append(spec.requirements.resolve())
    return any(path.resolve().is_relative_to(folder) for path in changed for folder in folders)


def _inline_of(functions: EmbeddedFunctions) -> _InlineCode:
    if functions._inline is None:
        functions._inline = _InlineCode()
    return functions._inline


@asynccontextmanager
async def running(functions: EmbeddedFunctions) -> AsyncIterator[None]:
    """The invoker for the server's lifetime: its workers stop when the server does."""
    async with functions.invoker:
        if functions.names:
            logger.info("Lambda functions: %s", ", ".join(functions.names))
        yield


def describe(functions: EmbeddedFunctions) -> list[str]:
    """The banner's lines: the functions that run, and each refused one with why."""
    lines = []
    if functions.names:
        lines.append(f"Lambda: functions {', '.join(functions.names)}")
    for refusal in functions.refused.values():
        lines.append(f"Lambda: {refusal.function_name} not served ({refusal.error.message})")
    return lines
