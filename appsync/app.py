"""The composition root: an API definition becomes a running Starlette app.

`load_api(definition)` turns the typed definition (`definition.model.ApiDefinition`, from any
reader) into live parts (schema, authorizer, data sources, compiled resolver code, realtime
broker, executor, local Lambda functions) and reports every problem at once as a `ConfigError`:
SDL errors with their file, line and column, templates and code that do not load, resolvers on
types or fields the schema lacks. `build_app(definition)` serves the result on `/graphql`, and
the one local AWS endpoint (`appsync.aws`) on the same port.
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graphql import GraphQLObjectType
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from appsync.authorizer import LocalTrust, build_authorizer
from appsync.aws.cognito import EmbeddedPoolKeys
from appsync.aws.endpoint import AwsEndpoint
from appsync.aws.keys import endpoint_credentials
from appsync.aws.listener import AwsOnlyApp, extra_listener
from appsync.aws.local import LocalAws, build_local_aws
from appsync.aws.local import running as aws_running
from appsync.aws.transport import EMBEDDED_URL
from appsync.clock import ManualClock
from appsync.console.routes import console_routes, redirect_to_console, wants_console
from appsync.control import SIGNING_NAME as CONTROL
from appsync.control import ControlRoute
from appsync.data_directory import DataDirectory
from appsync.errors import BrokerError, ConfigError
from appsync.execution import ExecutionLimits, Executor, ResolverBinding
from appsync.functions_embedded import (
    EmbeddedFunctions,
    TaskFunctions,
    build_functions,
    data_source_function,
)
from appsync.functions_embedded import running as functions_running
from appsync.graphql_http import BODY_TIMEOUT_SECONDS, GraphQLEndpoint
from appsync.hosts import HostPolicy, refuse
from appsync.pubsub import Broker, InMemoryBroker, RedisBroker
from appsync.realtime.endpoint import RealtimeRuntime, RealtimeSettings
from appsync.reset import StateReset
from appsync.startup import START_FAILURES, start_failure, start_problems
from appsync.stepfunctions_embedded import (
    EmbeddedStepFunctions,
    SelfRoutes,
    build_step_functions,
    state_machine_problems,
)
from appsync.stepfunctions_embedded import running as stepfunctions_running
from appsync.table_keys import inferred_tables
from auth.clock import Clock, SystemClock
from auth.rules import Authorizer
from definition.errors import InvalidDefinitionError
from definition.model import (
    ApiDefinition,
    CodeSpec,
    DataSourceSpec,
    DataSourceType,
    EmbeddedDynamoDBSettings,
    InlineSource,
    IntrospectionConfig,
    RealtimeSpec,
    ResolverKind,
    ResolverSpec,
    Runtime,
    Source,
    SyncConfig,
    TableDeclaration,
)
from definition.problems import Problem
from resolvers.datasources.base import DataSource
from resolvers.datasources.dynamodb import DynamoDBDataSource
from resolvers.datasources.dynamodb_tables import EmbeddedDynamoDB, operations_for, read_seed
from resolvers.datasources.http import HttpDataSource
from resolvers.datasources.lambda_ import LambdaDataSource, direct_lambda_code
from resolvers.datasources.none import NoneDataSource
from resolvers.datasources.stepfunctions import StepFunctionsDataSource
from resolvers.datasources.unserved import UnservedDataSource
from resolvers.errors import ResolverError, SeedError, TemplateError
from resolvers.pipeline import PipelineFunction, PipelineResolver
from resolvers.runtimes.base import ResolverCode
from resolvers.runtimes.js.code import compile_js_code, load_js_code
from resolvers.runtimes.js.engine import JsRuntime
from resolvers.runtimes.python import load_python_code
from resolvers.runtimes.vtl import load_vtl_code
from resolvers.unit import UnitResolver
from resolvers.util.time import SYSTEM_CLOCK
from resolvers.util.time import Clock as ResolverClock
from schema.errors import SchemaError
from schema.loader import AppSyncSchema, load_schema

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LoadedApi:
    definition: ApiDefinition
    schema: AppSyncSchema
    authorizer: Authorizer
    executor: Executor
    realtime: RealtimeRuntime
    dynamodb: EmbeddedDynamoDB | None  # None: no DynamoDB data source and no declared table
    step_functions: EmbeddedStepFunctions
    aws: LocalAws
    functions: EmbeddedFunctions
    # What time-dependent behaviour reads (a ManualClock under `serve --clock manual`), and
    # what the control API's ResetState puts back (`appsync.reset`; more joins its `others`).
    clock: Clock
    reset: StateReset
    js_runtime: JsRuntime | None = None  # None: the API has no APPSYNC_JS code


class _ResolverClock:
    """The server's clock (epoch seconds) as the resolvers read it: `$util.time.nowISO8601()`,
    `autoUlid`, and the `_lastChangedAt` of versioned DynamoDB writes."""

    __slots__ = ("_clock",)

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    def now(self) -> datetime:
        return datetime.fromtimestamp(self._clock.time(), UTC)


class _Problems:
    def __init__(self, definition: ApiDefinition) -> None:
        self.definition = definition
        self.items: list[Problem] = []

    def add(self, key_path: str, message: str) -> None:
        self.items.append(self.definition.problem(key_path, message))


class _CodeLoader:
    """Loads each resolver's and function's code once, reporting what does not load. The API's
    APPSYNC_JS code shares one JavaScript context, made when the first file needs it."""

    def __init__(self, clock: ResolverClock, problems: _Problems) -> None:
        self.clock = clock
        self.problems = problems
        self.js_runtime: JsRuntime | None = None

    def load(self, spec: CodeSpec | None, key_path: str) -> ResolverCode | None:
        if spec is None:
            return None
        try:
            if spec.runtime is Runtime.VTL:
                return load_vtl_code(
                    spec.request_mapping_template, spec.response_mapping_template, clock=self.clock
                )
            if spec.code is None:
                return None
            if spec.runtime is Runtime.PYTHON:
                if not isinstance(spec.code, Path):
                    return None  # the readers give PYTHON code as a file
                return load_python_code(spec.code, self.clock)
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


def load_api(
    definition: ApiDefinition, clock: Clock | None = None, data: DataDirectory | None = None
) -> LoadedApi:
    """Build every live part of the API; raises ConfigError listing every problem. Each field
    accepted without a local effect is said once, here.

    `data` is the data directory (default: memory only); nothing is written to it until the
    server needs it (the embedded user pools' key, on first use).
    """
    problems = _Problems(definition)
    for notice in definition.notices:
        logger.info("%s", notice)
    data = data if data is not None else DataDirectory.ephemeral()
    # Lambda handlers (`module:function`) are imported relative to the definition file.
    if str(definition.base_dir) not in sys.path:
        sys.path.insert(0, str(definition.base_dir))
    schema = _schema(definition, problems)
    aws_settings = definition.server.aws
    trust = LocalTrust(endpoint_credentials(aws_settings), EmbeddedPoolKeys(data))
    # A manual clock runs the engine too; clients still sign with the wall clock.
    manual = clock if isinstance(clock, ManualClock) else None
    signing = SystemClock() if manual is not None else None
    authorizer = build_authorizer(definition, clock or SystemClock(), problems.add, trust, signing)
    # The wall clock stays the resolvers' own (no conversion per call); an injected one is shared.
    resolver_clock: ResolverClock = SYSTEM_CLOCK if clock is None else _ResolverClock(clock)
    step_functions = _step_functions(definition, problems, manual)
    region = aws_settings.region or definition.server.step_functions.region
    # One invoker per server; functions sign with the endpoint's first declared key.
    lambda_functions = build_functions(
        definition, region, aws_settings.credentials[0], step_functions.routes, problems.add
    )
    step_functions.service.tasks.register_lambda_invoker(TaskFunctions(lambda_functions))
    # Signatures are checked on the wall clock whatever the API's clock: clients sign with it.
    aws = build_local_aws(
        aws_settings,
        region,
        step_functions.service,
        data,
        SystemClock(),
        definition.server.user_pools,
        resolver_clock,
        lambda_functions,
    )
    sources = {
        spec.name: _data_source(
            spec,
            f"dataSources[{index}]",
            resolver_clock,
            (step_functions, lambda_functions),
            problems,
        )
        for index, spec in enumerate(definition.data_sources)
    }
    _check_seeds(definition.server.dynamodb, problems)
    broker = _broker(definition.server.realtime, problems)
    code = _CodeLoader(resolver_clock, problems)
    functions = {
        spec.name: PipelineFunction(spec.name, loaded, synced)
        for spec in definition.functions
        if (loaded := code.load(spec.code, spec.key_path)) is not None
        and (source := sources.get(spec.data_source_name)) is not None
        and (synced := _synced(source, spec.sync_config, spec.key_path, problems)) is not None
    }
    resolvers: dict[tuple[str, str], ResolverBinding] = {}
    for spec in definition.resolvers:
        if schema is not None:
            _check_target(schema, spec, problems)
        resolver = _resolver(spec, sources, functions, code)
        if resolver is not None:
            resolvers[(spec.type_name, spec.field_name)] = resolver
    # Tables the embedded DynamoDB must create because no declaration does: keyed as used.
    inferred, undeclared = inferred_tables(definition, schema.graphql_schema if schema else None)
    problems.items.extend(undeclared)
    if problems.items or schema is None or authorizer is None:
        raise ConfigError(problems.items)
    limits = ExecutionLimits(
        query_depth_limit=definition.query_depth_limit,
        resolver_count_limit=definition.resolver_count_limit,
        introspection=definition.introspection is IntrospectionConfig.ENABLED,
        execution_timeout_seconds=definition.server.execution_timeout_seconds,
    )
    domain = definition.server.domain_name
    subscription_type = schema.graphql_schema.subscription_type
    realtime = RealtimeRuntime(
        schema,
        authorizer,
        broker,
        {
            field: binding.resolver
            for (type_name, field), binding in resolvers.items()
            if subscription_type is not None and type_name == subscription_type.name
        },
        _realtime_settings(definition.server.realtime),
        domain_name=domain,
    )
    executor = Executor(schema, authorizer, resolvers, limits, domain, publisher=realtime)
    dynamodb = _embedded_dynamodb(definition, inferred)
    reset = StateReset(step_functions, dynamodb, aws.dynamodb, realtime, manual)
    return LoadedApi(
        definition,
        schema,
        authorizer,
        executor,
        realtime,
        dynamodb,
        step_functions,
        aws,
        lambda_functions,
        clock or SystemClock(),
        reset,
        code.js_runtime,
    )


def _step_functions(
    definition: ApiDefinition, problems: _Problems, clock: ManualClock | None
) -> EmbeddedStepFunctions:
    settings, file = definition.server.step_functions, str(definition.file)
    problems.items.extend(state_machine_problems(settings, definition.problem))
    try:
        return build_step_functions(settings, file, definition.problem, clock)
    except ConfigError as error:
        problems.items.extend(error.problems)
        # In memory instead, so that the rest of the definition is still checked.
        in_memory = dataclasses.replace(settings, database=None)
        return build_step_functions(in_memory, file, definition.problem, clock)


def _embedded_dynamodb(
    definition: ApiDefinition, inferred: Sequence[TableDeclaration]
) -> EmbeddedDynamoDB | None:
    """What the lifespan starts for the API's DynamoDB data sources: the declared tables, and
    the `inferred` ones no declaration creates (`appsync.table_keys`).
    """
    settings = definition.server.dynamodb
    configs = definition.dynamodb_configs
    if not configs and not settings.tables:
        return None
    if inferred:
        settings = dataclasses.replace(settings, tables=(*settings.tables, *inferred))
    return EmbeddedDynamoDB(settings, configs)


def _check_seeds(settings: EmbeddedDynamoDBSettings, problems: _Problems) -> None:
    """Seed files are read at start; reading them here too makes `validate` report them."""
    for index, table in enumerate(settings.tables):
        if table.seed is None:
            continue
        try:
            read_seed(table.seed)
        except SeedError as error:
            problems.add(f"server.dynamodb.tables[{index}].seed", error.message)


def _schema(definition: ApiDefinition, problems: _Problems) -> AppSyncSchema | None:
    if not definition.schema:
        return None
    try:
        return load_schema(definition.schema)
    except SchemaError as error:
        problems.items.extend(_sdl_problems(error, definition.schema, definition.problem))
        return None


def _sdl_problems(
    error: SchemaError, sources: Sequence[Source], locate: Callable[[str, str], Problem]
) -> list[Problem]:
    """The SDL's problems: in a file, at its line and column; in a template's inline SDL, at
    the property that holds it (the line and column within it in the message)."""
    if not error.problems:
        return [locate("schema", str(error))]
    inline = {
        source.name: source.origin
        for source in sources
        if isinstance(source, InlineSource) and source.origin is not None
    }
    found = []
    for problem in error.problems:
        origin = inline.get(problem.file)
        if origin is None:
            found.append(
                Problem(problem.file, "", problem.message, line=problem.line, column=problem.column)
            )
        else:
            where = f"line {problem.line}, column {problem.column}"
            found.append(origin.problem("", f"{where}: {problem.message}"))
    return found


def schema_problems(error: InvalidDefinitionError, definition_file: Path) -> list[Problem]:
    """The SDL's own problems for a definition that has problems too, so that one report
    lists both (empty when the definition names no readable SDL or the SDL is sound)."""
    if not error.schema:
        return []
    try:
        load_schema(error.schema)
    except SchemaError as sdl_error:

        def locate(key_path: str, message: str) -> Problem:
            return Problem(str(definition_file), key_path, message)

        return _sdl_problems(sdl_error, error.schema, locate)
    return []


def _broker(spec: RealtimeSpec, problems: _Problems) -> Broker:
    """Redis's when `redisUrl` is set, else one process's own."""
    if spec.redis_url is None:
        return InMemoryBroker()
    try:
        return RedisBroker(spec.redis_url)
    except BrokerError as error:
        # The reader checks the scheme and port; redis-py also parses the query string.
        problems.add("server.realtime.redisUrl", str(error))
        return InMemoryBroker()


def _realtime_settings(spec: RealtimeSpec) -> RealtimeSettings:
    defaults = RealtimeSettings()
    return RealtimeSettings(
        keep_alive_interval_seconds=spec.keep_alive_interval_seconds
        or defaults.keep_alive_interval_seconds,
        inbox_capacity=spec.inbox_capacity or defaults.inbox_capacity,
    )


def _data_source(
    spec: DataSourceSpec,
    key_path: str,
    clock: ResolverClock,
    services: tuple[EmbeddedStepFunctions, EmbeddedFunctions],
    problems: _Problems,
) -> DataSource | None:
    step_functions, functions = services
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
        return DynamoDBDataSource(spec.name, spec.dynamodb, operations_for(spec.dynamodb), clock)
    if spec.lambda_handler is None:
        # `lambdaFunctionArn`: a declared function, or one behind the data source's endpoint.
        return LambdaDataSource(spec.name, data_source_function(spec, functions))
    try:
        return LambdaDataSource(spec.name, spec.lambda_handler)
    except ResolverError as error:
        problems.add(f"{key_path}.lambdaConfig.handler", error.message)
        return None


def _resolver(
    spec: ResolverSpec,
    sources: dict[str, DataSource | None],
    functions: dict[str, PipelineFunction],
    loader: _CodeLoader,
) -> ResolverBinding | None:
    code = loader.load(spec.code, spec.key_path)
    if spec.code is not None and code is None:
        return None
    if spec.kind is ResolverKind.PIPELINE:
        if any(name not in functions for name in spec.functions):
            return None
        steps = [functions[name] for name in spec.functions]
        awaits_io = any(_awaits_io(step.data_source) for step in steps)
        return ResolverBinding(PipelineResolver(code, steps), awaits_io)
    source = sources.get(spec.data_source_name or "")
    if source is None:
        return None
    source = _synced(source, spec.sync_config, spec.key_path, loader.problems)
    if source is None:
        return None
    if code is None:
        # Only a Lambda data source may omit code: AppSync's direct Lambda resolver.
        code = direct_lambda_code()
    resolver = UnitResolver(code, source, spec.max_batch_size)
    return ResolverBinding(resolver, _awaits_io(source))


def _synced(
    source: DataSource, sync: SyncConfig | None, key_path: str, problems: _Problems
) -> DataSource | None:
    """The data source as a resolver or function with `syncConfig` uses it: a versioned DynamoDB
    data source resolves conflicts (a LAMBDA handler's function imported here)."""
    if sync is None or not isinstance(source, DynamoDBDataSource):
        return source
    function = None
    if sync.lambda_conflict_handler is not None:
        try:
            function = LambdaDataSource("conflict handler", sync.lambda_conflict_handler)
        except ResolverError as error:
            where = f"{key_path}.syncConfig.lambdaConflictHandlerConfig.handler"
            problems.add(where, error.message)
            return None
    return source.with_sync(sync, function)


def _awaits_io(source: DataSource) -> bool:
    """Whether a call can yield to the event loop, so only a deadline timer can stop it. NONE
    and the embedded DynamoDB (moto in this process, no boto3, no socket) run to the end at once,
    unless a write may call a Lambda conflict handler."""
    if isinstance(source, NoneDataSource):
        return False
    return not (
        isinstance(source, DynamoDBDataSource)
        and source.config.endpoint is None
        and not source.calls_functions
    )


def _check_target(schema: AppSyncSchema, spec: ResolverSpec, problems: _Problems) -> None:
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


def build_app(
    definition: ApiDefinition,
    *,
    clock: Clock | None = None,
    data: DataDirectory | None = None,
    allowed_hosts: tuple[str, ...] = (),
    body_timeout_seconds: float = BODY_TIMEOUT_SECONDS,
    control: bool = False,
) -> AppSyncApp:
    """The server for one API; raises ConfigError when the API cannot be served.

    `data`: the data directory (default: memory only). `allowed_hosts`: Host names answered on
    loopback besides loopback ones, with the definition's `server.allowedHosts`.
    `body_timeout_seconds` bounds the wait for a request's body (graphql_http). `control`:
    whether the local control API answers (`appsync.control`; refused otherwise).
    """
    api = load_api(definition, clock, data)
    api.aws.endpoint.add_route(CONTROL, ControlRoute(api.clock, api.reset, enabled=control))
    endpoint = GraphQLEndpoint(
        api.executor,
        api.authorizer,
        definition.server.max_request_body_bytes,
        body_timeout_seconds,
    )
    hosts = HostPolicy((*definition.server.allowed_hosts, *allowed_hosts))
    [integrations_key, *_] = definition.server.aws.credentials

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        logger.info("serving API %s", definition.name)
        started = False
        try:
            async with (
                _dynamodb_running(api.dynamodb),
                aws_running(api.aws),
                # Before the engine: executions it resumes may invoke functions at once.
                functions_running(api.functions),
                api.realtime.broker.running(),
                stepfunctions_running(
                    api.step_functions, EMBEDDED_URL, integrations_key, api.aws.transport
                ),
                _extra_listener(app, definition, AwsOnlyApp(api.aws.endpoint, hosts)),
            ):
                started = True
                # Everything built at start lives as long as the server: move it out of the
                # collector's way, so collections triggered by requests scan only request garbage.
                gc.freeze()
                yield
        except (*START_FAILURES, BaseExceptionGroup) as error:
            failure = start_failure(error)
            if started or failure is None:
                raise
            # `serve` lists these as `validate` lists a definition's problems.
            problems = start_problems(definition, failure)
            if isinstance(app, AppSyncApp):
                app.start_problems = tuple(problems)
            raise ConfigError(problems) from error
        finally:
            if api.js_runtime is not None:
                api.js_runtime.close()

    routes = [
        Route("/graphql", endpoint, methods=["GET", "POST", "OPTIONS"]),
        # Websockets: /graphql/realtime, and the graphql-ws upgrade of /graphql. AppSyncApp
        # answers them before the router; the router keeps them for a path it alone matches
        # (under an ASGI root_path, which it strips).
        *api.realtime.routes(),
        *console_routes(definition),
    ]
    app = AppSyncApp(
        endpoint, api.realtime, hosts, api.aws.endpoint, routes=routes, lifespan=lifespan
    )
    app.state.api = api
    app.state.extra_listener = None
    app.self_routes = api.step_functions.routes
    return app


@asynccontextmanager
async def _dynamodb_running(dynamodb: EmbeddedDynamoDB | None) -> AsyncIterator[None]:
    """Declared tables created (and seeded) before the first request."""
    if dynamodb is not None:
        # A table DynamoDB refuses is a TableSetupError: the lifespan reports it.
        await dynamodb.start()
    yield


@asynccontextmanager
async def _extra_listener(
    app: Starlette, definition: ApiDefinition, aws: AwsOnlyApp
) -> AsyncIterator[None]:
    """`server.dynamodb.endpoint`: the AWS endpoint on a port of its own as well (for scripts
    written against DynamoDB Local); its URL goes to `app.state.extra_listener` for the banner."""
    settings = definition.server.dynamodb
    if settings.endpoint_host is None:
        yield
        return
    # A taken port fails here at once (LoopbackEndpointError), which the lifespan reports.
    listening = extra_listener(aws, settings.endpoint_host, settings.endpoint_port)
    async with listening as url:
        app.state.extra_listener = url
        yield


class AppSyncApp(Starlette):
    """Starlette, with `/graphql`, the AWS endpoint and the realtime websockets answered before
    the router and its middleware, and every request's Host checked first (`appsync.hosts`).

    GraphQL requests are the hot path: skipping Starlette's middleware stack and route matching
    for them is a tenth of a one-field query's server time. A realtime websocket's ASGI call
    lasts as long as the socket, and the frames of Starlette's middleware and router it would sit
    in were about 3 KiB of each idle socket. Every other path (a method other than GET, POST or
    OPTIONS on /graphql, which gets the router's 405; a websocket elsewhere, which the router
    refuses with 403) goes through Starlette.
    """

    # Learns the server's own address from the first request, for workflows' HTTP Tasks.
    self_routes: SelfRoutes | None = None
    # What made the start fail, as `validate` reports problems (empty: it did not fail).
    start_problems: tuple[Problem, ...] = ()

    def __init__(
        self,
        graphql: GraphQLEndpoint,
        realtime: RealtimeRuntime,
        hosts: HostPolicy,
        aws: AwsEndpoint,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._graphql = graphql
        self._realtime = realtime
        self._realtime_paths = frozenset(realtime.paths())
        self._hosts = hosts
        self._aws = aws

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            # DNS rebinding: on loopback, only loopback (and allowed) Host names are answered.
            refusal = self._hosts.refusal(scope)
            if refusal is not None:
                await refuse(scope, receive, send, refusal)
                return
        if self.self_routes is not None and self.self_routes.base is None:
            self.self_routes.learn(scope)
        if scope["type"] == "http":
            if scope["path"] == "/graphql" and scope["method"] in ("GET", "POST", "OPTIONS"):
                # A browser opening /graphql gets the console; API clients keep AppSync's 400.
                if scope["method"] == "GET" and not scope["query_string"] and wants_console(scope):
                    await redirect_to_console()(scope, receive, send)
                    return
                await self._graphql(scope, receive, send)
                return
            # The one AWS endpoint: any path, told apart by target, signature or form action.
            if self._aws.claims(scope):
                await self._aws(scope, receive, send)
                return
        if scope["type"] == "websocket" and scope["path"] in self._realtime_paths:
            await self._realtime(scope, receive, send)
            return
        if scope["type"] == "lifespan":
            send = self._quiet_start_failure(send)
        await super().__call__(scope, receive, send)

    def _quiet_start_failure(self, send: Send) -> Send:
        """Starlette reports a failed start with the traceback as the message, which uvicorn
        logs; a start failure that is a definition's problem is reported by `serve` instead."""

        async def quiet(message: Message) -> None:
            if message["type"] == "lifespan.startup.failed" and self.start_problems:
                message = {"type": "lifespan.startup.failed", "message": ""}
            await send(message)

        return quiet
