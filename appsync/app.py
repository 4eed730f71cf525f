"""The composition root: an API definition becomes a running Starlette app.

`load_api(definition)` turns the typed definition (`definition.model.ApiDefinition`, from any
reader) into live parts (schema, authorizer, data sources, compiled resolver code, realtime
broker, executor, local Lambda functions) and reports every problem at once as a `ConfigError`:
SDL errors with their file, line and column, templates and code that do not load, resolvers on
types or fields the schema lacks. `build_app(definition)` serves the result on `/graphql`, and
the one local AWS endpoint (`appsync.aws`) on the same port.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Route
from starlette.types import Message, Receive, Scope, Send

from appsync.api_cache import api_cache_of, cache_open
from appsync.api_log import LogSink, api_id, api_log_of
from appsync.authorizer import LocalTrust, build_authorizer
from appsync.aws.cognito import EmbeddedPoolKeys
from appsync.aws.endpoint import AwsEndpoint
from appsync.aws.forward import ForwardedAws, PrimaryServices
from appsync.aws.keys import endpoint_credentials
from appsync.aws.listener import AwsOnlyApp
from appsync.aws.local import LocalAws, build_local_aws
from appsync.aws.transport import EMBEDDED_URL
from appsync.bindings import (
    CodeLoader,
    Problems,
    bind_resolver,
    check_target,
    data_source,
    synced_source,
)
from appsync.clock import ManualClock, ResolverTime
from appsync.console.mount import Console, mount_console
from appsync.console.routes import redirect_to_console, wants_console
from appsync.control import SIGNING_NAME as CONTROL
from appsync.control import ControlRoute
from appsync.data_directory import DataDirectory
from appsync.deferred_start import DeferredStart, deferrable, problems_of, services_running
from appsync.embedded_dynamodb import embedded_dynamodb, extra_listener_running, seed_problems
from appsync.engine_start import StepFunctionsEngine, api_engine, declares_any, engine_running
from appsync.errors import BrokerError, ConfigError
from appsync.execution import ExecutionLimits, Executor, ResolverBinding
from appsync.functions_embedded import (
    EmbeddedFunctions,
    authorizer_function,
    build_functions,
)
from appsync.functions_embedded import running as functions_running
from appsync.graphql_http import BODY_TIMEOUT_SECONDS, GraphQLEndpoint
from appsync.handler_modules import handler_modules, import_from
from appsync.hosts import HostPolicy, refuse
from appsync.log_sinks import LogFormat, open_sink
from appsync.metrics import ApiMetrics, metrics_route
from appsync.pubsub import Broker, InMemoryBroker, RedisBroker
from appsync.queue_mappings import QueueMappings
from appsync.realtime.endpoint import RealtimeRuntime, RealtimeSettings
from appsync.reset import StateReset
from appsync.sdl_problems import api_schema
from appsync.start_gate import StartGate
from appsync.startup import START_FAILURES, start_failure, start_problems
from appsync.stepfunctions_embedded import (
    SelfRoutes,
)
from appsync.stream_destinations import EmbeddedDestinations
from appsync.stream_mappings import StreamMappings
from appsync.table_keys import inferred_tables
from auth.clock import Clock, SystemClock
from auth.rules import Authorizer
from auth.signature import CredentialSource
from definition.model import (
    ApiDefinition,
    IntrospectionConfig,
    RealtimeSpec,
)
from definition.problems import Problem
from resolvers.datasources.dynamodb_tables import EmbeddedDynamoDB, operations_for
from resolvers.pipeline import PipelineFunction
from resolvers.util.time import SYSTEM_CLOCK
from resolvers.util.time import Clock as ResolverClock
from schema.loader import AppSyncSchema

if TYPE_CHECKING:
    # QuickJS, imported by an API with APPSYNC_JS code (`bindings.CodeLoader`).
    from resolvers.runtimes.js.engine import JsRuntime

# The collector's thresholds while serving (`gc.set_threshold`; see the lifespan).
GC_THRESHOLDS = (50_000, 20, 100)

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LoadedApi:
    definition: ApiDefinition
    schema: AppSyncSchema
    authorizer: Authorizer
    executor: Executor
    realtime: RealtimeRuntime
    dynamodb: EmbeddedDynamoDB | None  # None: no DynamoDB data source and no declared table
    step_functions: StepFunctionsEngine
    aws: LocalAws
    functions: EmbeddedFunctions
    # What time-dependent behaviour reads (a ManualClock under `serve --clock manual`), and
    # what the control API's ResetState puts back (`appsync.reset`; more joins its `others`).
    clock: Clock
    reset: StateReset
    js_runtime: JsRuntime | None = None  # None: the API has no APPSYNC_JS code
    primary: PrimaryServices | None = None  # a worker's (`serve --workers`): see load_api
    vended: CredentialSource | None = None  # the identity pools' credentials AWS_IAM takes


def load_api(
    definition: ApiDefinition,
    clock: Clock | None = None,
    data: DataDirectory | None = None,
    log_sink: LogSink | None = None,
    *,
    running: LoadedApi | None = None,
    primary: PrimaryServices | None = None,
    engine_later: bool = False,
) -> LoadedApi:
    """Build every live part of the API; raises ConfigError listing every problem. Each field
    accepted without a local effect is said once, here.

    `data` is the data directory (default: memory only). `running`: the API this one is to
    replace (a reload, `appsync.reload`), whose Step Functions engine, Lambda functions, AWS
    endpoint, broker, metrics and cache store it keeps: they hold executions, workers, tokens,
    subscriptions and counts that outlive the swap (the functions are brought to this
    definition by `reload`, which also empties the cache). `primary`: in a worker of `serve
    --workers`, where DynamoDB and the Step Functions engine run (`appsync.aws.forward`).
    `engine_later`: the engine is built by the server once it listens (`appsync.engine_start`).
    """
    problems = Problems(definition)
    for notice in definition.notices:
        logger.info("%s", notice)
    data = data if data is not None else DataDirectory.ephemeral()
    # Lambda handlers (`module:function`) are imported from the definition file's folder.
    import_from(definition.base_dir, handler_modules(definition))
    schema = api_schema(definition, problems)
    aws_settings = definition.server.aws
    # A manual clock runs the engine too; clients still sign with the wall clock.
    manual = clock if isinstance(clock, ManualClock) else None
    signing = SystemClock() if manual is not None else None
    # The wall clock stays the resolvers' own (no conversion per call); an injected one is shared.
    resolver_clock: ResolverClock = SYSTEM_CLOCK if clock is None else ResolverTime(clock)
    cache = api_cache_of(definition, clock or SystemClock(), problems.add)
    if running is None:
        metrics = ApiMetrics(api_id(definition.name))
        region = aws_settings.region or definition.server.step_functions.region
        routes = SelfRoutes(definition.server.step_functions.api_url)
        # One invoker per server; functions sign with the endpoint's first declared key.
        lambda_functions = build_functions(
            definition, region, aws_settings.credentials[0], routes, problems.add
        )
        step_functions = api_engine(
            definition,
            data,
            problems.items,
            log_sink,
            metrics.executions,
            manual,
            primary,
            routes=routes,
            functions=lambda_functions,
            later=engine_later,
        )
        # Signatures are checked on the wall clock whatever the API's clock: clients sign with it.
        aws = build_local_aws(
            aws_settings,
            region,
            step_functions.api,
            data,
            SystemClock(),
            definition.server.user_pools,
            resolver_clock,
            lambda_functions,
            cache,
            clock or SystemClock(),
            definition.server.identity_pools,
            (definition.server.resources, definition.problem),
        )
        broker = _broker(definition.server.realtime, problems)
        vended: CredentialSource | None = aws.identity_pools
        if primary is not None:  # a worker asks the primary, whose pools vended them
            vended = primary.identity_pool_credentials(clock or SystemClock())
    else:
        step_functions, aws, broker = running.step_functions, running.aws, running.realtime.broker
        primary, vended = running.primary, running.vended
        lambda_functions = running.functions
        assert running.executor.metrics is not None  # every API is loaded with its metrics
        metrics = running.executor.metrics
        if cache is not None and running.executor.cache is not None:
            # The same entries' store (and its Redis connection); `reload` empties it.
            cache.store = running.executor.cache.store
        # Checked as a start checks them (what CreateFunction would refuse), never run.
        build_functions(
            definition,
            lambda_functions.region,
            aws_settings.credentials[0],
            step_functions.routes,
            problems.add,
        )
    trust = LocalTrust(
        endpoint_credentials(aws_settings),
        EmbeddedPoolKeys(data),
        authorizer_function(lambda_functions),
        vended,
    )
    authorizer = build_authorizer(definition, clock or SystemClock(), problems.add, trust, signing)
    # A worker's DynamoDB data sources and tables are the primary's.
    dynamodb_target = operations_for if primary is None else primary.dynamodb
    sources = {
        spec.name: data_source(
            spec,
            f"dataSources[{index}]",
            resolver_clock,
            (step_functions, lambda_functions, dynamodb_target),
            problems,
        )
        for index, spec in enumerate(definition.data_sources)
    }
    problems.items.extend(seed_problems(definition))
    code = CodeLoader(resolver_clock, problems)
    functions = {
        spec.name: PipelineFunction(spec.name, loaded, synced)
        for spec in definition.functions
        if (loaded := code.load(spec.code, spec.key_path)) is not None
        and (source := sources.get(spec.data_source_name)) is not None
        and (
            synced := synced_source(
                source, spec.sync_config, spec.key_path, problems, lambda_functions
            )
        )
        is not None
    }
    resolvers: dict[tuple[str, str], ResolverBinding] = {}
    for spec in definition.resolvers:
        if schema is not None:
            check_target(schema, spec, problems)
        resolver = bind_resolver(
            spec, sources, functions, code, lambda_functions, definition.environment_variables
        )
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
        RealtimeSettings.of(definition.server.realtime),
        domain_name=domain,
        metrics=metrics,
    )
    executor = Executor(schema, authorizer, resolvers, limits, domain, realtime, cache, metrics)
    dynamodb = embedded_dynamodb(definition, inferred) if primary is None else None
    declared = step_functions.declared(definition.server.step_functions)
    reset = StateReset(step_functions, dynamodb, aws.dynamodb, realtime, manual, declared)
    if cache is not None:
        reset.others.append(cache)
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
        primary,
        vended,
    )


def _broker(spec: RealtimeSpec, problems: Problems) -> Broker:
    """Redis's when `redisUrl` is set, else one process's own."""
    if spec.redis_url is None:
        return InMemoryBroker()
    try:
        return RedisBroker(spec.redis_url)
    except BrokerError as error:
        # The reader checks the scheme and port; redis-py also parses the query string.
        problems.add("server.realtime.redisUrl", str(error))
        return InMemoryBroker()


def build_app(
    definition: ApiDefinition,
    *,
    clock: Clock | None = None,
    data: DataDirectory | None = None,
    allowed_hosts: tuple[str, ...] = (),
    body_timeout_seconds: float = BODY_TIMEOUT_SECONDS,
    log_sink: LogSink | None = None,
    control: bool = False,
    primary: PrimaryServices | None = None,
    defer: bool = False,
) -> AppSyncApp:
    """The server for one API; raises ConfigError when the API cannot be served.

    `data`: the data directory (default: memory only). `allowed_hosts`: Host names answered on
    loopback besides loopback ones, with the definition's `server.allowedHosts`.
    `body_timeout_seconds` bounds the wait for a body (graphql_http). `log_sink`: the API log's.
    `control`: whether the local control API answers (`appsync.control`; refused otherwise).
    `primary`: in a worker of `serve --workers`, the process AWS API requests go to.
    `defer`: start the embedded DynamoDB and the endpoint's Cognito after listening when that
    cannot fail (`appsync.deferred_start`; `serve` asks, tests' in-process servers do not).
    """
    log_sink = log_sink if log_sink is not None else open_sink("-", LogFormat.AUTO)
    # Nothing declared to create: the engine's start cannot fail on the definition.
    engine_later = defer and primary is None and not declares_any(definition.server.step_functions)
    api = load_api(definition, clock, data, log_sink, primary=primary, engine_later=engine_later)
    api.aws.endpoint.add_route(CONTROL, ControlRoute(api.clock, api.reset, enabled=control))
    endpoint = _graphql_endpoint(api, body_timeout_seconds, log_sink)
    # A `start` is logged where a request is: the endpoint's log, which a console may turn on.
    api.realtime.log_source = endpoint
    hosts = HostPolicy((*definition.server.allowed_hosts, *allowed_hosts))
    [integrations_key, *_] = definition.server.aws.credentials
    # What the lifespan runs, named apart: it holds these, not the API a reload may replace.
    dynamodb, aws, realtime, engine = api.dynamodb, api.aws, api.realtime, api.step_functions
    functions, cache = api.functions, api.executor.cache
    console = mount_console(
        definition, api.step_functions.api, api.aws.region, endpoint, api.aws.data
    )

    data = data or DataDirectory.ephemeral()
    gate, start, services_later = StartGate(), None, None
    if defer:
        start = DeferredStart(
            StartGate(opened=False), lambda error: _stop_for(app, definition, error)
        )
        if deferrable(definition, data, dynamodb):
            gate, services_later = start.gate, start
    aws.endpoint.gate = gate

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        logger.info("serving API %s", definition.name)
        started = False
        try:
            async with (
                services_running(services_later, data, dynamodb, aws),
                # Before the engine: executions it resumes may invoke functions at once.
                functions_running(functions),
                realtime.broker.running(),
                # The group of the tasks of realtime sockets served without ASGI.
                realtime.serving(),
                cache_open(cache),
                engine_running(engine, start, EMBEDDED_URL, integrations_key, aws.transport),
                extra_listener_running(app, definition, AwsOnlyApp(aws.endpoint, hosts)),
                AsyncExitStack() as companions,
            ):
                for companion in app.companions if isinstance(app, AppSyncApp) else ():
                    await companions.enter_async_context(companion())
                started = True
                # Everything built at start lives as long as the server: move it out of the
                # collector's way, so collections triggered by requests scan only request garbage.
                gc.freeze()
                # And collect less often than CPython's default (700 allocations, then every 10th
                # and 10th of those): every open socket is tens of tracked objects, which each
                # collection of the older generations walks again. With the default, collections
                # took half the server's CPU in a storm of 10,000 subscribes (bench/fanout.py,
                # about 4 s of 5.7); with these, a third as long. Cyclic garbage waits for up to
                # GC_THRESHOLDS[0] allocations (a few MB) instead of 700.
                gc.set_threshold(*GC_THRESHOLDS)
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
            # The API serving now (a reload closes the runtimes of those it replaced).
            current: LoadedApi = app.state.api
            if current.js_runtime is not None:
                current.js_runtime.close()

    routes = _routes(api, endpoint, api.realtime, console)
    aws_requests = api.aws.endpoint if primary is None else ForwardedAws(primary)
    app = AppSyncApp(endpoint, api.realtime, hosts, aws_requests, routes=routes, lifespan=lifespan)
    app.state.api = api
    app.state.console = console
    app.state.extra_listener = None
    app.state.build = (clock, data, body_timeout_seconds, log_sink)
    app.state.control = control
    app.self_routes = api.step_functions.routes
    app.services = gate
    if start is not None:
        # The deferred services' start and the engine's (`appsync.engine_start`) begin then.
        app.listened = start.listening.set
    if primary is None:  # the primary follows the tables' streams, a worker's writes too
        app.companions.append(
            StreamMappings(
                definition.server.stream_mappings,
                api.functions,
                EmbeddedDestinations(),
                clock=clock,
            ).running
        )
        mappings = definition.server.resources.queue_mappings
        app.companions.append(QueueMappings(mappings, api.functions).running)
    return app


def _stop_for(app: AppSyncApp, definition: ApiDefinition, error: BaseException) -> None:
    """A deferred start failed once the server listened: its problems, as `validate` lists
    them, for `serve` to report, and the server stopped."""
    app.start_problems = tuple(problems_of(definition, error))
    app.stop_serving()


def _graphql_endpoint(
    api: LoadedApi, body_timeout_seconds: float, log_sink: LogSink
) -> GraphQLEndpoint:
    assert api.executor.metrics is not None  # load_api gives every API its metrics
    return GraphQLEndpoint(
        api.executor,
        api.authorizer,
        api.definition.server.max_request_body_bytes,
        body_timeout_seconds,
        log=api_log_of(api.definition, log_sink),
        metrics=api.executor.metrics,
    )


def _routes(
    api: LoadedApi, endpoint: GraphQLEndpoint, realtime: RealtimeRuntime, console: Console
) -> list[BaseRoute]:
    assert api.executor.metrics is not None
    return [
        Route("/graphql", endpoint, methods=["GET", "POST", "OPTIONS"]),
        # Websockets: /graphql/realtime, and the graphql-ws upgrade of /graphql. AppSyncApp
        # answers them before the router; the router keeps them for a path it alone matches
        # (under an ASGI root_path, which it strips). `realtime` is the app's own runtime,
        # which a reload keeps.
        *realtime.routes(),
        *console.routes,
        metrics_route(api.executor.metrics),
    ]


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
    # Entered by the lifespan once the services run, left before they stop (`appsync.reload`).
    companions: list[Callable[[], AbstractAsyncContextManager[None]]]
    # What made the start fail, as `validate` reports problems (empty: it did not fail).
    start_problems: tuple[Problem, ...] = ()
    # What requests that need the services started after listening wait for (deferred_start).
    services: StartGate
    # Ends serving (`serve` sets it to its server's exit) when a deferred start fails.
    stop_serving: Callable[[], None]
    # What `serve` calls once it listens: a deferred start begins then.
    listened: Callable[[], None]

    def __init__(
        self,
        graphql: GraphQLEndpoint,
        realtime: RealtimeRuntime,
        hosts: HostPolicy,
        aws: AwsEndpoint | ForwardedAws,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._graphql = graphql
        self._realtime = realtime
        self._realtime_paths = frozenset(realtime.paths())
        self._hosts = hosts
        self._aws = aws
        self.companions = []
        self.services = StartGate()
        self.stop_serving = lambda: None
        self.listened = lambda: None

    async def install(self, api: LoadedApi) -> None:
        """Serve `api` from now on, in place of the one built with the same services (a reload:
        `load_api(..., running=...)`). A request already running finishes on the API it began
        on; realtime sockets stay open and move to `api` (`RealtimeRuntime.adopt`)."""
        _, _, body_timeout_seconds, log_sink = self.state.build
        endpoint = _graphql_endpoint(api, body_timeout_seconds, log_sink)
        # The console follows the new endpoint's log; its token and resolver log stay.
        console = mount_console(
            api.definition,
            api.step_functions.api,
            api.aws.region,
            endpoint,
            api.aws.data,
            previous=self.state.console,
        )
        self.router.routes = _routes(api, endpoint, self._realtime, console)
        self._realtime.log_source = endpoint
        # A reset now puts back what `api` declares, and closes the sockets the app holds.
        api.reset.realtime = self._realtime
        control = ControlRoute(api.clock, api.reset, enabled=self.state.control)
        api.aws.endpoint.add_route(CONTROL, control)
        self.state.console = console
        self._graphql = endpoint
        self.state.api = api
        await self._realtime.adopt(api.realtime)

    def realtime_upgrade(self, scope: Mapping[str, Any]) -> RealtimeRuntime | None:
        """The realtime runtime of a websocket upgrade (its HTTP scope) to the realtime paths
        on an answered Host, served without ASGI (`realtime/native.py`); else None."""
        if scope["path"] not in self._realtime_paths or self._hosts.refusal(scope) is not None:
            return None
        if self.self_routes is not None and self.self_routes.base is None:
            self.self_routes.learn(scope)
        return self._realtime

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
        elif not self.services.is_open:
            # The console (its DynamoDB pages) and the rest, once the services run.
            await self.services.wait()
        await super().__call__(scope, receive, send)

    def _quiet_start_failure(self, send: Send) -> Send:
        """Starlette reports a failed start with the traceback as the message, which uvicorn
        logs; a start failure that is a definition's problem is reported by `serve` instead."""

        async def quiet(message: Message) -> None:
            if message["type"] == "lifespan.startup.failed" and self.start_problems:
                message = {"type": "lifespan.startup.failed", "message": ""}
            await send(message)

        return quiet
