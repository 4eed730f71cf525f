"""The embedded Step Functions engine as the server runs it, and how resolvers reach it.

`build_step_functions(settings)` makes the engine with every integration (DynamoDB, SQS, SNS and
S3, AWS SDK integrations, nested executions, HTTP Tasks, `aws-sdk:sfn`), and the
`StateMachineRunner` that the HTTP data source (endpoints `states` / `sync-states`) and the
direct data source call: the engine itself, or real AWS when `server.stepFunctions.target` is
AWS. `running(...)` starts it in the server's lifespan: it points the integrations' boto3
clients at the one AWS endpoint (in process, signed with its declared key; real AWS with the
process's own credentials only when `serviceIntegrations: AWS` says so), starts the engine's
TaskGroup, then creates the declared activities and state machines.

GraphQL reaches the engine only through its data sources, which may run the declared state
machines but not run a definition of the client's choosing (`DataSourceRunner`).

Workflows call this API with HTTP Tasks to its cloud URL (`https://<id>.appsync-api.<region>.
amazonaws.com/graphql`, or `apiUrl`); `SelfRoutes` sends those to this server's own /graphql,
whose address it learns from the first request it sees (the port may be chosen at bind time).
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from appsync.aws.forward import PrimaryServices
from appsync.aws.transport import EMBEDDED_URL
from appsync.errors import ConfigError
from appsync.hosts import own_url
from definition.model import AccessKey, StepFunctionsSettings, StepFunctionsTarget, source_text
from definition.problems import Problem
from resolvers.datasources.http import HttpStateMachineRunner
from resolvers.datasources.stepfunctions import StateMachineRunner
from stepfunctions.runtime.clock import Clock, SystemClock

if TYPE_CHECKING:
    # The engine itself is imported by `build_step_functions`, which `serve` may call only once
    # it listens (issue 19: its modules were a fifth of the app's import).
    from stepfunctions.integrations.aws import AwsClients, RequestTransport
    from stepfunctions.records.execution_log import ExecutionLogSink
    from stepfunctions.service.api import StepFunctionsService
    from stepfunctions.service.dependencies import ExecutionObserver

logger = logging.getLogger(__name__)

_APPSYNC_HOST = re.compile(r"^[a-z0-9]+\.appsync-api\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$")


# Operations that store or run a definition the request itself carries. A data source's
# service role in AWS would name the actions it may take; locally the data sources may take every
# other one, so that a GraphQL client cannot run a state machine of its own writing (its HTTP
# Tasks would carry the connections' secrets wherever it says).
_DEFINITION_OPERATIONS = frozenset({"CreateStateMachine", "UpdateStateMachine", "TestState"})


class EngineRunner:
    """The embedded engine as a `StateMachineRunner`."""

    __slots__ = ("_service",)

    def __init__(self, service: StepFunctionsService) -> None:
        self._service = service

    async def call(self, operation: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return await self._service.handle(operation, json.dumps(body).encode())


class DataSourceRunner:
    """The engine as the data sources' `StateMachineRunner`: this process's (`EngineRunner`),
    or the primary's over its AWS endpoint in a worker of `serve --workers`."""

    __slots__ = ("_account", "_engine")

    def __init__(self, engine: StateMachineRunner, account_id: str) -> None:
        self._engine = engine
        self._account = account_id

    async def call(self, operation: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if operation in _DEFINITION_OPERATIONS:
            # AWS's answer to an action the caller's policy does not allow.
            # AWS differs: the data source's service role is not evaluated; this is fixed.
            return 400, {
                "__type": "AccessDeniedException",
                "message": f"User: arn:aws:sts::{self._account}:assumed-role/appsync-local/"
                f"appsync-data-source is not authorized to perform: states:{operation} "
                "because a GraphQL data source of appsync-local may not store or run a state "
                "machine definition of its own",
            }
        return await self._engine.call(operation, body)


class SelfRoutes:
    """`HttpRoutes` for HTTP Tasks: this API's cloud URL goes to this server's /graphql."""

    __slots__ = ("_api_url", "base")

    def __init__(self, api_url: str | None) -> None:
        self._api_url = api_url.rstrip("/") if api_url else None
        self.base: str | None = None

    def learn(self, scope: Mapping[str, Any]) -> None:
        """Record the server's address from an ASGI scope (the first request's is enough)."""
        server = scope.get("server")
        if self.base is not None or not server or server[1] is None:
            return
        # Served with TLS, /graphql is on https (a websocket scope says wss for the same port).
        scheme = "https" if scope.get("scheme") in ("https", "wss") else "http"
        self.base = own_url(str(server[0]), int(server[1]), scheme)

    def resolve(self, url: str) -> str:
        if self.base is None:
            return url
        if self._api_url is not None:
            if url.startswith(self._api_url):
                return self.base + "/graphql" + url[len(self._api_url) :].removeprefix("/graphql")
            return url
        parts = urlsplit(url)
        if _APPSYNC_HOST.match(parts.hostname or ""):
            query = f"?{parts.query}" if parts.query else ""
            return f"{self.base}{parts.path}{query}"
        return url


# Where a key path of the definition is, as a problem (`ApiDefinition.problem`).
Locate = Callable[[str, str], Problem]


@dataclass(frozen=True, slots=True)
class EmbeddedStepFunctions:
    config_file: str
    settings: StepFunctionsSettings
    service: StepFunctionsService
    clients: AwsClients
    routes: SelfRoutes
    # What the direct data source calls: the engine, or real AWS (target AWS).
    runner: StateMachineRunner
    # What `states` / `sync-states` HTTP data sources call instead of the network: the engine;
    # None with target AWS, where they go to AWS signed, as AppSync sends them.
    http_runner: StateMachineRunner | None
    locate: Locate


def build_step_functions(
    settings: StepFunctionsSettings,
    config_file: str,
    locate: Locate | None = None,
    execution_log: ExecutionLogSink | None = None,
    execution_observer: ExecutionObserver | None = None,
    *,
    fsync: bool = False,
    clock: Clock | None = None,
    primary: PrimaryServices | None = None,
    routes: SelfRoutes | None = None,
) -> EmbeddedStepFunctions:
    """The engine and its integrations, not started (see `running`), on `clock` (default: the
    wall clock); a `database` SQLite cannot open is a ConfigError. `locate` places a problem of
    the settings in the definition (by default at its key path in `config_file`).
    `execution_log`: where executions of machines with a `loggingConfiguration` write their
    events; `execution_observer` counts executions. `fsync`: each commit of the database waits
    for the disk. `primary`: in a worker of `serve --workers`, the primary's engine is the one
    the data sources call (this one stays idle). `routes`: where its HTTP Tasks find this
    API (made here by default)."""

    from appsync.stepfunctions_api import stepfunctions_store
    from stepfunctions.integrations.aws import AwsClients, IntegrationEndpoints
    from stepfunctions.integrations.catalog import register_integrations
    from stepfunctions.integrations.http_task import (
        ConnectionAuth,
        HttpTaskIntegration,
        StaticConnections,
    )
    from stepfunctions.integrations.s3 import S3ObjectStore
    from stepfunctions.integrations.states import ServiceNestedExecutions
    from stepfunctions.runtime.task_registry import TaskRegistry
    from stepfunctions.service.api import StepFunctionsService

    def in_file(key_path: str, message: str) -> Problem:
        return Problem(config_file, key_path, message)

    locate = locate or in_file
    region, account = settings.region, settings.account_id
    clock = clock if clock is not None else SystemClock()
    tasks = TaskRegistry(region, account)
    try:
        database = str(settings.database) if settings.database else None
        store = stepfunctions_store(database, durable=fsync)
    except sqlite3.Error as error:
        message = f"cannot open {settings.database}: {error}"
        raise ConfigError([locate("server.stepFunctions.database", message)]) from None
    service = StepFunctionsService(
        clock,
        tasks,
        region=region,
        account_id=account,
        store=store,
        execution_log=execution_log,
        execution_observer=execution_observer,
    )
    # Until `running` knows the endpoint, nothing may reach real AWS with ambient credentials.
    clients = AwsClients(IntegrationEndpoints(embedded_url=EMBEDDED_URL, region=region))
    routes = routes if routes is not None else SelfRoutes(settings.api_url)
    connections = {
        spec.connection_arn: ConnectionAuth(headers=spec.headers) for spec in settings.connections
    }
    http = HttpTaskIntegration(StaticConnections(connections), routes)
    register_integrations(
        tasks, clients, nested=ServiceNestedExecutions(service), http=http, engine=service
    )
    tasks.register_object_store(S3ObjectStore(clients, clock))
    local: StateMachineRunner = EngineRunner(service)
    if primary is not None:
        credentials = primary.botocore_credentials()
        local = HttpStateMachineRunner(region, endpoint=primary.url, credentials=credentials)
    engine = DataSourceRunner(local, account)
    if settings.target is StepFunctionsTarget.AWS:
        aws = HttpStateMachineRunner(region, endpoint=settings.endpoint)
        # With an `endpoint`, the `states` HTTP data sources go there too, not to AWS.
        http_runner = aws if settings.endpoint is not None else None
        return EmbeddedStepFunctions(
            config_file, settings, service, clients, routes, aws, http_runner, locate
        )
    return EmbeddedStepFunctions(
        config_file, settings, service, clients, routes, engine, engine, locate
    )


def state_machine_problems(settings: StepFunctionsSettings, locate: Locate) -> list[Problem]:
    """Each declared state machine whose definition CreateStateMachine would refuse (with its
    InvalidDefinition message), so that `validate` reports what the start would fail on."""
    problems: list[Problem] = []
    if not settings.state_machines:
        return problems  # without importing the engine's language
    from stepfunctions.service.errors import ApiError
    from stepfunctions.service.machines import compile_definition

    for index, machine in enumerate(settings.state_machines):
        where = f"server.stepFunctions.stateMachines[{index}].definition"
        try:
            compile_definition(source_text(machine.definition), machine.type.value)
        except (OSError, UnicodeDecodeError) as error:
            problems.append(locate(where, f"cannot read {machine.definition}: {error}"))
        except ApiError as error:
            problems.append(locate(where, f"{error.code}: {error.message}"))
    return problems


@asynccontextmanager
async def running(
    embedded: EmbeddedStepFunctions,
    embedded_url: str,
    credentials: AccessKey,
    transport: RequestTransport | None,
) -> AsyncIterator[None]:
    """The engine for the server's lifetime (entered after the embedded DynamoDB has started).

    The integrations' boto3 clients go to the one AWS endpoint at `embedded_url` (through
    `transport`, in process), signed with `credentials`, the endpoint's declared key; with
    `serviceIntegrations: AWS` they go to real AWS with the process's own credentials.
    """
    from stepfunctions.integrations.aws import IntegrationEndpoints

    settings = embedded.settings
    if settings.service_integrations is StepFunctionsTarget.AWS:
        logger.warning(
            "server.stepFunctions.serviceIntegrations is AWS: Task states call real AWS "
            "services, signed with this process's own AWS credentials"
        )
        embedded.clients.configure(IntegrationEndpoints(region=settings.region))
    else:
        embedded.clients.configure(
            IntegrationEndpoints(
                embedded_url=embedded_url,
                region=settings.region,
                credentials=(credentials.access_key_id, credentials.secret_access_key),
                transport=transport,
            )
        )
    # Before the TaskGroup: a refused definition is the start's own error, not a group's.
    await declare(embedded, settings)
    async with embedded.service.running():
        yield


async def reset(embedded: EmbeddedStepFunctions, settings: StepFunctionsSettings) -> None:
    """The engine as it started: executions cancelled and forgotten, state machines and
    activities made at run time gone, those `settings` declares created again."""
    await embedded.service.reset()
    await declare(embedded, settings)


async def declare(embedded: EmbeddedStepFunctions, settings: StepFunctionsSettings) -> None:
    """Create the activities and state machines `settings` declares (a stored machine whose
    definition differs, from a previous run on the same database or before a reload, is
    updated); a refusal is a ConfigError naming the declaration."""
    service = embedded.service
    for index, name in enumerate(settings.activities):
        await _call(embedded, f"activities[{index}]", "CreateActivity", {"name": name})
    role = f"arn:aws:iam::{settings.account_id}:role/appsync-local"
    for index, machine in enumerate(settings.state_machines):
        where = f"stateMachines[{index}]"
        definition = source_text(machine.definition)
        request: dict[str, Any] = {
            "name": machine.name,
            "definition": definition,
            "roleArn": role,
            "type": machine.type.value,
        }
        if machine.logging_configuration is not None:
            request["loggingConfiguration"] = dict(machine.logging_configuration)
        status, body = await service.handle("CreateStateMachine", json.dumps(request).encode())
        if status == 400 and body.get("__type") == "StateMachineAlreadyExists":
            arn = f"arn:aws:states:{settings.region}:{settings.account_id}:stateMachine:"
            update: dict[str, Any] = {
                "stateMachineArn": arn + machine.name,
                "definition": definition,
            }
            if machine.logging_configuration is not None:
                update["loggingConfiguration"] = dict(machine.logging_configuration)
            await _call(embedded, where, "UpdateStateMachine", update)
        elif status != 200:
            _refused(embedded, where, body)


async def _call(
    embedded: EmbeddedStepFunctions, where: str, operation: str, body: dict[str, Any]
) -> None:
    status, answer = await embedded.service.handle(operation, json.dumps(body).encode())
    if status != 200:
        _refused(embedded, where, answer)


def _refused(embedded: EmbeddedStepFunctions, where: str, answer: dict[str, Any]) -> None:
    message = f"{answer.get('__type')}: {answer.get('message')}"
    problem = embedded.locate(f"server.stepFunctions.{where}", message)
    raise ConfigError([problem])
