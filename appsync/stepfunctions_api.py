"""`appsync-local stepfunctions`: the embedded engine alone, behind the one AWS endpoint.

The engine answers its AWS JSON 1.0 API (`X-Amz-Target: AWSStepFunctions.*`, see
`appsync.aws.states`) on its own port, with the same SigV4 verification as `serve`'s endpoint:
requests are signed with the declared keys (by default `testing`/`testing`), and while bound to
loopback only loopback Host names are answered. Nothing but `states` is routed, besides the
console's Step Functions pages and their part of the console API, behind a console token made
for the process: this command imports neither moto nor the AppSync stack.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from starlette.applications import Starlette
from uvicorn.config import Config

from appsync.aws.endpoint import AwsEndpoint
from appsync.aws.keys import endpoint_verifier
from appsync.aws.listener import AwsOnlyApp
from appsync.aws.states import StepFunctionsRoute
from appsync.console.access import ConsoleToken
from appsync.console.routes import (
    BuiltOnFirstUse,
    ConsoleConfig,
    Section,
    console_routes,
    server_version,
)
from appsync.hosts import HostPolicy
from appsync.log_sinks import LogFormat, open_sink
from appsync.uvicorn_server import LongPollServer
from auth.clock import SystemClock as WallClock
from definition.model import AwsEndpointSettings
from stepfunctions.integrations.states import ServiceNestedExecutions, StatesIntegration
from stepfunctions.runtime.clock import SystemClock
from stepfunctions.runtime.task_registry import TaskRegistry
from stepfunctions.service.api import StepFunctionsService
from stepfunctions.store.memory import MemoryStore
from stepfunctions.store.protocol import Store
from stepfunctions.store.retention import DEFAULT_RETENTION
from stepfunctions.store.sqlite import SqliteStore

logger = logging.getLogger(__name__)


def build_stepfunctions_app(
    service: StepFunctionsService,
    settings: AwsEndpointSettings | None = None,
    allowed_hosts: Iterable[str] = (),
    console_token: ConsoleToken | None = None,
) -> AwsOnlyApp:
    """An app serving only the Step Functions API, verified against `settings`' keys (default:
    `testing`/`testing`), and with `console_token` the console's Step Functions pages; the
    caller runs `service` (see `running`)."""
    verifier = endpoint_verifier(settings or AwsEndpointSettings(), WallClock())
    endpoint = AwsEndpoint(verifier, {"states": StepFunctionsRoute(service)})
    console = None
    if console_token is not None:
        token = console_token
        console = BuiltOnFirstUse(lambda: _console(service, token))
    return AwsOnlyApp(endpoint, HostPolicy(allowed_hosts), fallback=console)


def _console(service: StepFunctionsService, token: ConsoleToken) -> Starlette:
    from appsync.console.context import ConsoleServices
    from appsync.console.endpoint import ConsoleApi
    from appsync.console.schema import build_schema
    from appsync.console.stepfunctions_fields import STEP_FUNCTIONS

    services = ConsoleServices(step_functions=service, version=server_version())
    api = ConsoleApi(build_schema([STEP_FUNCTIONS]), services, token)
    config = ConsoleConfig("Step Functions", service.region, [Section.STEP_FUNCTIONS], token)
    return Starlette(routes=console_routes(config, api))


def stepfunctions_store(
    database: str | None, retention: int = DEFAULT_RETENTION, *, durable: bool = False
) -> Store:
    """The store behind the engine: SQLite at `database` (`:memory:` allowed), else memory;
    `durable`: each commit waits for the disk (`SqliteStore`)."""
    if database is None:
        return MemoryStore(retention)
    return SqliteStore(database, retention, durable=durable)


async def serve_stepfunctions(
    host: str,
    port: int,
    *,
    database: str | None = None,
    retention: int = DEFAULT_RETENTION,
    allowed_hosts: Iterable[str] = (),
    console_token: ConsoleToken | None = None,
) -> None:
    """`appsync-local stepfunctions`: the engine alone, on the wall clock, until cancelled
    (with the console's Step Functions pages when given a `console_token`).

    With `database` (a SQLite file) state machines, activities and Standard executions survive
    a restart: executions left RUNNING continue from their last recorded event. Nested
    executions (`arn:aws:states:::states:startExecution[.sync|.waitForTaskToken]`) run on the
    same engine.
    """
    tasks = TaskRegistry()
    store = stepfunctions_store(database, retention)
    # Executions of machines with a loggingConfiguration write their events to standard output.
    sink = open_sink("-", LogFormat.AUTO)
    service = StepFunctionsService(
        SystemClock(), tasks, retention=retention, store=store, execution_log=sink
    )
    tasks.register_integration("states", StatesIntegration(ServiceNestedExecutions(service)))
    app = build_stepfunctions_app(service, allowed_hosts=allowed_hosts, console_token=console_token)
    config = Config(app, host=host, port=port, log_level="info", lifespan="off")
    try:
        async with service.running():
            await LongPollServer(config, service).serve()
    finally:
        # Executions still running were written as RUNNING: the next start resumes them.
        if isinstance(store, SqliteStore):
            store.close()
