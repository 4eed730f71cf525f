"""The embedded Step Functions engine as the API holds it: built before `serve` listens, or
right after it (issue 19).

Importing, building and starting the engine (its language, integrations and store; executions
a data directory left running resumed) was a tenth of the CPU time to `serve`'s first answer,
which GraphQL resolvers other than the Step Functions ones never need. So `serve` builds it
once it listens when nothing the definition declares can make its start fail there: no state
machine or activity is declared (CreateStateMachine could refuse one; their definitions are
still checked before listening, as `validate` checks them). `StepFunctionsEngine` stands in
for the engine until then, where the API is wired to it: the AWS endpoint's `states` route and
the console (`api`), the data sources (`runner`, `http_runner`), a reset and a reload
(`reset`, `declare`), the server's shutdown (`end_long_polls`). Each waits until it runs; its
start failing (its database cannot be opened) is reported as `validate` reports problems and
stops the server, as a deferred DynamoDB restore does (`appsync.deferred_start`), and whatever
waited is answered as a server that is stopping.

`api_engine` makes it for `load_api`. Tests' in-process servers, `validate`, workers, and
definitions that declare state machines or activities build the engine at once, as before.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from typing import TYPE_CHECKING, Any

from appsync.aws.forward import PrimaryServices
from appsync.aws.states import StepFunctionsApi
from appsync.clock import ManualClock
from appsync.data_directory import DataDirectory
from appsync.deferred_start import DeferredStart
from appsync.errors import ConfigError
from appsync.functions_embedded import EmbeddedFunctions, TaskFunctions
from appsync.persistence import engine_settings
from appsync.start_gate import STOPPING, StartGate
from appsync.startup import START_FAILURES
from appsync.stepfunctions_embedded import (
    EmbeddedStepFunctions,
    SelfRoutes,
    build_step_functions,
    declare,
    reset,
    running,
    state_machine_problems,
)
from definition.model import AccessKey, ApiDefinition, StepFunctionsSettings, StepFunctionsTarget
from definition.problems import Problem
from resolvers.datasources.stepfunctions import StateMachineRunner

if TYPE_CHECKING:
    from stepfunctions.integrations.aws import RequestTransport
    from stepfunctions.records.execution_log import ExecutionLogSink
    from stepfunctions.service.dependencies import ExecutionObserver


def not_started() -> tuple[int, dict[str, Any]]:
    """What waited for an engine whose start failed gets: the server is stopping, as the AWS
    endpoint says at its gate (`AwsEndpoint.handle`)."""
    return 503, {"__type": "ServiceUnavailableException", "message": STOPPING}


def declares_any(settings: StepFunctionsSettings) -> bool:
    """Whether the definition declares state machines or activities (created at start)."""
    return bool(settings.state_machines or settings.activities)


class StepFunctionsEngine:
    """The API's engine once `build` has made it; see the module's docstring."""

    __slots__ = ("_build", "_embedded", "_gate", "_waiting", "routes", "settings")

    def __init__(
        self,
        settings: StepFunctionsSettings,
        routes: SelfRoutes,
        build: Callable[[], EmbeddedStepFunctions],
    ) -> None:
        # The engine's settings (its database in the data directory), known before it is built.
        self.settings = settings
        self.routes = routes
        self._build = build
        self._embedded: EmbeddedStepFunctions | None = None
        self._gate = StartGate(opened=False)
        self._waiting = _WaitingRunner(self, http=False), _WaitingRunner(self, http=True)

    @property
    def embedded(self) -> EmbeddedStepFunctions | None:
        """The engine, once built (None before)."""
        return self._embedded

    def build(self, *, opened: bool = True) -> EmbeddedStepFunctions:
        """Make the engine (a ConfigError when its database cannot be opened); what waits for
        it goes on at once unless not `opened` (then `open`, once it runs)."""
        self._embedded = self._build()
        if opened:
            self._gate.open()
        return self._embedded

    def open(self) -> None:
        self._gate.open()

    def fail(self) -> None:
        self._gate.fail()

    @property
    def is_open(self) -> bool:
        return self._gate.is_open

    async def ready(self) -> EmbeddedStepFunctions | None:
        """The engine once it runs; None when its start failed (the server is stopping)."""
        if not await self._gate.wait():
            return None
        return self._embedded

    @property
    def api(self) -> StepFunctionsApi:
        """What answers the Step Functions API: the engine's, or this until it runs."""
        return self._embedded.service if self._embedded is not None else self

    async def handle(self, operation: str, body: bytes) -> tuple[int, dict[str, Any]]:
        """`StepFunctionsApi`, once the engine runs."""
        embedded = await self.ready()
        if embedded is None:
            return not_started()
        return await embedded.service.handle(operation, body)

    @property
    def runner(self) -> StateMachineRunner:
        """What the direct data sources call (`EmbeddedStepFunctions.runner`)."""
        return self._embedded.runner if self._embedded is not None else self._waiting[0]

    @property
    def http_runner(self) -> StateMachineRunner | None:
        """What `states` HTTP data sources call (`EmbeddedStepFunctions.http_runner`): None
        when they go to AWS (target AWS without an `endpoint`, as `build_step_functions` says)."""
        if self._embedded is not None:
            return self._embedded.http_runner
        aws = self.settings.target is StepFunctionsTarget.AWS and self.settings.endpoint is None
        return None if aws else self._waiting[1]

    def end_long_polls(self) -> None:
        """`LongPolls`: a server stopping answers the engine's GetActivityTask polls."""
        if self._embedded is not None:
            self._embedded.service.end_long_polls()

    def declared(self, declared: StepFunctionsSettings) -> StepFunctionsSettings:
        """The engine's settings with the activities and state machines a (reloaded)
        definition declares: what `declare` creates, and what a reset creates again."""
        return dataclasses.replace(
            self.settings,
            activities=declared.activities,
            state_machines=declared.state_machines,
        )

    async def declare(self, settings: StepFunctionsSettings) -> None:
        """Create what `settings` declares, once the engine runs (a stopping server: nothing)."""
        embedded = await self.ready()
        if embedded is not None:
            await declare(embedded, settings)

    async def reset(self, settings: StepFunctionsSettings) -> None:
        """The engine as it started, once it runs (a stopping server: nothing)."""
        embedded = await self.ready()
        if embedded is not None:
            await reset(embedded, settings)


def api_engine(
    definition: ApiDefinition,
    data: DataDirectory,
    problems: list[Problem],
    execution_log: ExecutionLogSink | None,
    observer: ExecutionObserver | None,
    clock: ManualClock | None,
    primary: PrimaryServices | None,
    *,
    routes: SelfRoutes,
    functions: EmbeddedFunctions,
    later: bool,
) -> StepFunctionsEngine:
    """The API's engine (`build_step_functions`), built now unless `later` (the server builds
    it once it listens), its Lambda Tasks run by `functions`, its HTTP Tasks aimed at this API
    sent by `routes`; what the definition makes it refuse is added to `problems`."""
    settings, file = definition.server.step_functions, str(definition.file)
    problems.extend(state_machine_problems(settings, definition.problem))
    try:
        settings = engine_settings(settings, data)
    except ConfigError as error:
        problems.extend(error.problems)

    def build(database: bool = True) -> EmbeddedStepFunctions:
        embedded = build_step_functions(
            settings if database else dataclasses.replace(settings, database=None),
            file,
            definition.problem,
            execution_log,
            observer,
            fsync=data.fsync,
            clock=clock,
            primary=primary if database else None,
            routes=routes,
        )
        embedded.service.tasks.register_lambda_invoker(TaskFunctions(functions))
        return embedded

    engine = StepFunctionsEngine(settings, routes, build)
    if later:
        return engine
    try:
        engine.build()
    except ConfigError as error:
        problems.extend(error.problems)
        # In memory instead, so that the rest of the definition is still checked.
        engine = StepFunctionsEngine(settings, routes, lambda: build(database=False))
        engine.build()
    return engine


class _WaitingRunner:
    """A data source's `StateMachineRunner` until the engine is built: it waits for it."""

    __slots__ = ("_engine", "_http")

    def __init__(self, engine: StepFunctionsEngine, *, http: bool) -> None:
        self._engine = engine
        self._http = http

    async def call(self, operation: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        embedded = await self._engine.ready()
        if embedded is None:
            return not_started()
        runner = embedded.http_runner if self._http else embedded.runner
        if runner is None:  # only with target AWS, for which `http_runner` gave out none
            return not_started()
        return await runner.call(operation, body)


@asynccontextmanager
async def engine_running(
    engine: StepFunctionsEngine,
    start: DeferredStart | None,
    embedded_url: str,
    credentials: AccessKey,
    transport: RequestTransport | None,
) -> AsyncIterator[None]:
    """The engine running for the server's lifetime (`stepfunctions_embedded.running`): from
    before it yields when built already, else built and started in a task of its own once
    `start` says the server listens."""
    if engine.embedded is not None:
        async with running(engine.embedded, embedded_url, credentials, transport):
            yield
        return
    assert start is not None  # an engine is left unbuilt only for a deferred start
    stop = asyncio.Event()
    async with asyncio.TaskGroup() as group:
        later = group.create_task(
            _later(
                engine,
                start,
                stop,
                lambda built: running(built, embedded_url, credentials, transport),
            )
        )
        try:
            yield
        finally:
            stop.set()
            if not start.listening.is_set():
                # It stops without having served: the start has not begun (nor may the
                # deferred services', which `listening` would set off).
                later.cancel()
    # Cancelled before it ran, the task did not fail the gate itself: nothing waits forever.
    if not engine.is_open:
        engine.fail()


async def _later(
    engine: StepFunctionsEngine,
    start: DeferredStart,
    stop: asyncio.Event,
    started: Callable[[EmbeddedStepFunctions], AbstractAsyncContextManager[None]],
) -> None:
    try:
        await start.listening.wait()
        async with AsyncExitStack() as services:
            try:
                # Imported and built off the event loop, which answers requests meanwhile
                # (its SQLite store is opened for use from any thread).
                built = await asyncio.to_thread(engine.build, opened=False)
                await services.enter_async_context(started(built))
            except (*START_FAILURES, BaseExceptionGroup) as error:
                engine.fail()
                start.on_failure(error)
                return
            engine.open()
            await stop.wait()
    finally:
        # A start that ended otherwise (cancelled, a fault) lets nothing wait forever.
        if not engine.is_open:
            engine.fail()
