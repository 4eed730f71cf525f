"""The services `serve` may start right after it listens rather than before (issue 19).

Before it answers anything a server runs the embedded DynamoDB (its data restored from the data
directory, its declared tables created), and the AWS endpoint's embedded Cognito and user pools.
An API whose resolvers reach none of these answers GraphQL without them: `serve` then listens
first and starts them in a task of their own (`services_running`), and what needs them (an AWS
API request on the endpoint, the engine's Task states through it, the console, a reload) waits
at the `StartGate` until they run.

Only a start that cannot fail once it listens is deferred (`deferrable`): a definition's
problems and what can only fail at start (a table or seed item DynamoDB refuses, a taken port,
Redis, the engine) are still reported before the server listens, and the server does not start.
So the tables to create must all be in the data directory's file already (a restart on existing
data, as most of a user's starts are: nothing is created or seeded then), no DynamoDB data
source may reach DynamoDB (its resolvers would wait), no extra DynamoDB listener is asked for
(its port may be taken), no event source mapping reads a table's stream (it reads from the
start), and no queue, topic or bucket of a template is to be created (SQS, SNS or S3 could
refuse it). What can still fail after it listens (the data directory's file unreadable at restore)
is reported as `validate` reports problems, and the server stops with status 1 (`on_failure`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field

from appsync.aws.dynamodb import query_by_partition
from appsync.aws.local import LocalAws
from appsync.aws.local import running as aws_running
from appsync.data_directory import DYNAMODB_FILE, DataDirectory, DataDirectoryError
from appsync.embedded_dynamodb import dynamodb_running
from appsync.persistence import held, kept, restored
from appsync.start_gate import StartGate
from appsync.startup import START_FAILURES, start_failure, start_problems
from definition.model import ApiDefinition
from definition.problems import Problem
from resolvers.datasources.dynamodb_store import stored_tables
from resolvers.datasources.dynamodb_tables import EmbeddedDynamoDB
from resolvers.datasources.dynamodb_wire import DEFAULT_ACCOUNT_ID

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DeferredStart:
    """What a deferred start waits for (the server listening: `serve` sets it), what it opens
    once its services run, and whom it tells when they fail."""

    gate: StartGate
    on_failure: Callable[[BaseException], None]
    listening: asyncio.Event = field(default_factory=asyncio.Event)


def deferrable(
    definition: ApiDefinition, data: DataDirectory, dynamodb: EmbeddedDynamoDB | None
) -> bool:
    """Whether starting the services after listening cannot fail (see the module's docstring)."""
    if definition.server.dynamodb.endpoint_host is not None or definition.dynamodb_configs:
        return False
    # Stream mappings read the tables' streams from the start: the tables must be there.
    if definition.server.stream_mappings:
        return False
    # A template's queues, topics and buckets: SQS, SNS or S3 could refuse one at start.
    if definition.server.resources:
        return False
    if dynamodb is None:
        return True
    wanted = set()
    for (endpoint, region), tables in dynamodb.targets().items():
        if endpoint is not None:
            return False
        wanted |= {(DEFAULT_ACCOUNT_ID, region, table.table_name) for table in tables}
    if not wanted:
        return True
    try:
        file = data.file(DYNAMODB_FILE)
    except DataDirectoryError:
        return False
    stored = stored_tables(file) if file is not None else None
    return stored is not None and wanted <= stored


def problems_of(definition: ApiDefinition, error: BaseException) -> list[Problem]:
    """What a failed deferred start is, as `validate` lists problems."""
    failure = start_failure(error)
    if failure is None:
        return [Problem(str(definition.file), "", f"the server did not start: {error!r}")]
    return start_problems(definition, failure)


@asynccontextmanager
async def services_running(
    start: DeferredStart | None,
    data: DataDirectory,
    dynamodb: EmbeddedDynamoDB | None,
    aws: LocalAws,
) -> AsyncIterator[None]:
    """The data directory held, the embedded DynamoDB and the AWS endpoint's services running:
    before it yields without `start`, in a task of their own after it yields with one."""
    if start is None:
        async with kept(data), dynamodb_running(dynamodb), aws_running(aws):
            yield
        return
    # The engine's Task states reach the endpoint in process from their first call; the
    # endpoint makes them wait at the gate.
    aws.transport.attach(asyncio.get_running_loop())
    stop = asyncio.Event()
    async with held(data), asyncio.TaskGroup() as group:
        group.create_task(_deferred(start, data, dynamodb, aws, stop))
        try:
            yield
        finally:
            stop.set()
            start.listening.set()


async def _deferred(
    start: DeferredStart,
    data: DataDirectory,
    dynamodb: EmbeddedDynamoDB | None,
    aws: LocalAws,
    stop: asyncio.Event,
) -> None:
    try:
        # Right after it listens: the first requests do not wait for this start to begin.
        await start.listening.wait()
        if stop.is_set():
            return  # it stops without having served
        # moto imported (and its query hook installed) off the event loop, which answers
        # requests meanwhile; the restore imports it as well, in its own worker thread.
        await asyncio.to_thread(query_by_partition)
        async with AsyncExitStack() as services:
            try:
                await services.enter_async_context(restored(data, in_thread=True))
                await services.enter_async_context(dynamodb_running(dynamodb))
                await services.enter_async_context(aws_running(aws))
            except (*START_FAILURES, BaseExceptionGroup) as error:
                start.gate.fail()
                start.on_failure(error)
                return
            logger.debug("the embedded DynamoDB and the AWS endpoint's services run")
            start.gate.open()
            await stop.wait()
    finally:
        # A start that ended otherwise (cancelled, a fault) lets no request wait forever.
        if not start.gate.is_open:
            start.gate.fail()
