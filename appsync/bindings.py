"""The definition's data sources, code and resolvers as the running API's live objects.

`load_api` (`appsync.app`) calls these for each data source, pipeline function and resolver:
`data_source` makes the data source a `DataSourceSpec` names (the embedded engine and the
declared Lambda functions are passed in), `CodeLoader` loads each resolver's or function's
code once (one JavaScript context for the API's APPSYNC_JS code), `bind_resolver` binds a resolver
to its code and data source or pipeline, and `check_target` checks that the schema has the
field a resolver is attached to. What cannot be built is added to `Problems`, at its key path.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Protocol, cast

from graphql import GraphQLObjectType

from appsync.execution import ResolverBinding
from appsync.functions_embedded import (
    DataSourceFunctions,
    EmbeddedFunctions,
    data_source_function,
)
from definition.model import (
    ApiDefinition,
    CodeSpec,
    DataSourceSpec,
    DataSourceType,
    DynamoDBConfig,
    InlineSource,
    ResolverKind,
    ResolverSpec,
    Runtime,
    SyncConfig,
)
from definition.problems import Problem
from resolvers.context import NO_ENVIRONMENT
from resolvers.datasources.base import DataSource
from resolvers.datasources.dynamodb_wire import DynamoDBOperations
from resolvers.datasources.http import HttpDataSource
from resolvers.datasources.lambda_ import LambdaDataSource, direct_lambda_code
from resolvers.datasources.lambda_invoke import InvokedFunction
from resolvers.datasources.none import NoneDataSource
from resolvers.datasources.stepfunctions import StateMachineRunner, StepFunctionsDataSource
from resolvers.datasources.unserved import UnservedDataSource
from resolvers.errors import ResolverError, TemplateError
from resolvers.pipeline import PipelineFunction, PipelineResolver
from resolvers.runtimes.base import ResolverCode
from resolvers.runtimes.python import load_python_code
from resolvers.unit import UnitResolver
from resolvers.util.time import Clock as ResolverClock
from schema.loader import AppSyncSchema

# The VTL and JavaScript runtimes (airspeed, QuickJS) are imported by an API with such code,
# when its first template or file loads (issue 19: every start paid for both).
if TYPE_CHECKING:
    from resolvers.datasources.dynamodb import DynamoDBDataSource
    from resolvers.runtimes.js.engine import JsRuntime

# The AMAZON_DYNAMODB data source's module, which imports moto: imported by an API that has one.
_DYNAMODB_MODULE = "resolvers.datasources.dynamodb"

logger = logging.getLogger(__name__)


class Problems:
    """The problems found while building an API, each at its place in the definition."""

    def __init__(self, definition: ApiDefinition) -> None:
        self.definition = definition
        self.items: list[Problem] = []

    def add(self, key_path: str, message: str) -> None:
        self.items.append(self.definition.problem(key_path, message))


class CodeLoader:
    """Loads each resolver's and function's code once, reporting what does not load. The API's
    APPSYNC_JS code shares one JavaScript context, made when the first file needs it."""

    def __init__(self, clock: ResolverClock, problems: Problems) -> None:
        self.clock = clock
        self.problems = problems
        self.js_runtime: JsRuntime | None = None

    def load(self, spec: CodeSpec | None, key_path: str) -> ResolverCode | None:
        if spec is None:
            return None
        try:
            if spec.runtime is Runtime.VTL:
                from resolvers.runtimes.vtl import load_vtl_code

                return load_vtl_code(
                    spec.request_mapping_template, spec.response_mapping_template, clock=self.clock
                )
            if spec.code is None:
                return None
            if spec.runtime is Runtime.PYTHON:
                if not isinstance(spec.code, Path):
                    return None  # the readers give PYTHON code as a file
                return load_python_code(spec.code, self.clock)
            from resolvers.runtimes.js.code import compile_js_code, load_js_code
            from resolvers.runtimes.js.engine import JsRuntime

            if self.js_runtime is None:
                # Handlers run on the event loop; one that outlasts its slice there is run again
                # on the runtime's own thread, so a runaway loop does not stall other clients.
                self.js_runtime = JsRuntime(self.clock, off_loop=True)
            if isinstance(spec.code, InlineSource):
                # A template's inline `Code`: named by its logical id and property path.
                return compile_js_code(spec.code.name, spec.code.text, self.js_runtime)
            return load_js_code(spec.code, self.js_runtime)
        except TemplateError as error:
            key = "requestMappingTemplate" if spec.runtime is Runtime.VTL else "code"
            if spec.runtime is Runtime.VTL and error.file == str(spec.response_mapping_template):
                key = "responseMappingTemplate"
            self.problems.add(f"{key_path}.{key}", error.message)
            return None


# Where a DynamoDB data source's calls go (`operations_for`, or a worker's `PrimaryServices`).
DynamoDBTarget = Callable[[DynamoDBConfig], DynamoDBOperations]


class StateMachineRunners(Protocol):
    """What Step Functions data sources call: `EmbeddedStepFunctions`, or the API's engine
    until it is built (`appsync.engine_start.StepFunctionsEngine`)."""

    @property
    def runner(self) -> StateMachineRunner: ...

    @property
    def http_runner(self) -> StateMachineRunner | None: ...


def data_source(
    spec: DataSourceSpec,
    key_path: str,
    clock: ResolverClock,
    services: tuple[StateMachineRunners, EmbeddedFunctions, DynamoDBTarget],
    problems: Problems,
) -> DataSource | None:
    step_functions, functions, dynamodb = services
    if spec.type is DataSourceType.NONE:
        return NoneDataSource(spec.name)
    if not spec.type.served:
        return UnservedDataSource(spec.name, spec.type.value)
    if spec.type is DataSourceType.HTTP:
        assert spec.http is not None  # definition guarantees it for HTTP
        # `states` / `sync-states` endpoints reach the embedded engine (unless target is AWS).
        return HttpDataSource(spec.name, spec.http, step_functions.http_runner)
    if spec.type is DataSourceType.AWS_STEP_FUNCTIONS:
        return StepFunctionsDataSource(spec.name, step_functions.runner, spec.state_machine_arn)
    if spec.type is DataSourceType.AMAZON_DYNAMODB:
        assert spec.dynamodb is not None  # definition guarantees it for AMAZON_DYNAMODB
        from resolvers.datasources.dynamodb import DynamoDBDataSource

        return DynamoDBDataSource(spec.name, spec.dynamodb, dynamodb(spec.dynamodb), clock)
    if spec.lambda_handler is None:
        # `lambdaFunctionArn`: a declared function, or one behind the data source's endpoint.
        return LambdaDataSource(spec.name, data_source_function(spec, functions))
    try:
        return LambdaDataSource(spec.name, spec.lambda_handler)
    except ResolverError as error:
        problems.add(f"{key_path}.lambdaConfig.handler", error.message)
        return None


def bind_resolver(
    spec: ResolverSpec,
    sources: dict[str, DataSource | None],
    functions: dict[str, PipelineFunction],
    loader: CodeLoader,
    lambda_functions: EmbeddedFunctions,
    environment: Mapping[str, str] = NO_ENVIRONMENT,
) -> ResolverBinding | None:
    """The running resolver of `spec`; `environment` is the API's environment variables, read
    only (`ctx.env`), shared by every field it resolves."""
    environment = MappingProxyType(dict(environment))
    code = loader.load(spec.code, spec.key_path)
    if spec.code is not None and code is None:
        return None
    if spec.kind is ResolverKind.PIPELINE:
        if any(name not in functions for name in spec.functions):
            return None
        steps = [functions[name] for name in spec.functions]
        awaits_io = any(_awaits_io(step.data_source) for step in steps)
        return ResolverBinding(PipelineResolver(code, steps, environment), awaits_io)
    source = sources.get(spec.data_source_name or "")
    if source is None:
        return None
    source = synced_source(
        source, spec.sync_config, spec.key_path, loader.problems, lambda_functions
    )
    if source is None:
        return None
    if code is None:
        # Only a Lambda data source may omit code: AppSync's direct Lambda resolver.
        code = direct_lambda_code()
    resolver = UnitResolver(code, source, spec.max_batch_size, environment)
    return ResolverBinding(resolver, _awaits_io(source))


def synced_source(
    source: DataSource,
    sync: SyncConfig | None,
    key_path: str,
    problems: Problems,
    lambda_functions: EmbeddedFunctions,
) -> DataSource | None:
    """The data source as a resolver or function with `syncConfig` uses it: a versioned DynamoDB
    data source resolves conflicts (a LAMBDA handler: the function `lambdaConflictHandlerArn`
    names, or a local handler's function imported here)."""
    dynamodb = _dynamodb_source(source)
    if sync is None or dynamodb is None:
        return source
    function = None
    if sync.lambda_conflict_handler_arn is not None:
        arn = sync.lambda_conflict_handler_arn
        if not lambda_functions.declares(arn):
            logger.warning(
                "%s: the LAMBDA conflict handler %s is not declared (server.lambda.functions, "
                "or the template's functions): a conflict it should resolve fails with "
                "ResourceNotFoundException",
                key_path,
                arn,
            )
        invoked = InvokedFunction(DataSourceFunctions(lambda_functions), arn)
        function = LambdaDataSource("conflict handler", invoked)
    elif sync.lambda_conflict_handler is not None:
        try:
            function = LambdaDataSource("conflict handler", sync.lambda_conflict_handler)
        except ResolverError as error:
            where = f"{key_path}.syncConfig.lambdaConflictHandlerConfig.handler"
            problems.add(where, error.message)
            return None
    return dynamodb.with_sync(sync, function)


def _awaits_io(source: DataSource) -> bool:
    """Whether a call can yield to the event loop, so only a deadline timer can stop it. NONE
    and the embedded DynamoDB (moto in this process, no boto3, no socket) run to the end at once,
    unless a write may call a Lambda conflict handler."""
    if isinstance(source, NoneDataSource):
        return False
    dynamodb = _dynamodb_source(source)
    if dynamodb is None or dynamodb.calls_functions:
        return True
    from resolvers.datasources.dynamodb_moto import MotoDynamoDB

    return not isinstance(dynamodb.operations, MotoDynamoDB)


def _dynamodb_source(source: DataSource) -> DynamoDBDataSource | None:
    """`source` if it is an AMAZON_DYNAMODB data source. `data_source` imports their module
    when it makes one: while it is not imported, no data source is one."""
    module = sys.modules.get(_DYNAMODB_MODULE)
    if module is None or not isinstance(source, module.DynamoDBDataSource):
        return None
    return cast("DynamoDBDataSource", source)


def check_target(schema: AppSyncSchema, spec: ResolverSpec, problems: Problems) -> None:
    graphql_type = schema.graphql_schema.get_type(spec.type_name)
    if not isinstance(graphql_type, GraphQLObjectType):
        problems.add(
            f"{spec.key_path}.typeName", f"the schema has no object type {spec.type_name!r}"
        )
    elif spec.field_name not in graphql_type.fields:
        problems.add(
            f"{spec.key_path}.fieldName",
            f"type {spec.type_name} has no field {spec.field_name!r}",
        )
