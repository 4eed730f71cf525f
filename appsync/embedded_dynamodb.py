"""The embedded DynamoDB as the server starts it, from the definition.

`embedded_dynamodb` is what the lifespan starts for the API's DynamoDB data sources (the
declared tables, and the inferred ones no declaration creates, `appsync.table_keys`);
`seed_problems` reads the seed files as the start will, so that `validate` reports them;
`dynamodb_running` creates and seeds the tables before the first request; `extra_listener_running`
serves the AWS endpoint on a port of its own as well when `server.dynamodb.endpoint` asks.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from starlette.applications import Starlette

from appsync.aws.listener import AwsOnlyApp, extra_listener
from definition.model import ApiDefinition, TableDeclaration
from definition.problems import Problem
from resolvers.datasources.dynamodb_tables import EmbeddedDynamoDB, read_seed
from resolvers.errors import SeedError


def embedded_dynamodb(
    definition: ApiDefinition, inferred: Sequence[TableDeclaration]
) -> EmbeddedDynamoDB | None:
    """What the lifespan starts for the API's DynamoDB data sources: the declared tables, and
    the `inferred` ones no declaration creates (`appsync.table_keys`); None when there are
    neither data sources nor tables.
    """
    settings = definition.server.dynamodb
    configs = definition.dynamodb_configs
    if not configs and not settings.tables:
        return None
    if inferred:
        settings = dataclasses.replace(settings, tables=(*settings.tables, *inferred))
    return EmbeddedDynamoDB(settings, configs)


def seed_problems(definition: ApiDefinition) -> list[Problem]:
    """Seed files are read at start; reading them here too makes `validate` report them."""
    problems = []
    for index, table in enumerate(definition.server.dynamodb.tables):
        if table.seed is None:
            continue
        try:
            read_seed(table.seed)
        except SeedError as error:
            where = f"server.dynamodb.tables[{index}].seed"
            problems.append(Problem(str(definition.file), where, error.message))
    return problems


@asynccontextmanager
async def dynamodb_running(dynamodb: EmbeddedDynamoDB | None) -> AsyncIterator[None]:
    """Declared tables created (and seeded) before the first request."""
    if dynamodb is not None:
        # A table DynamoDB refuses is a TableSetupError: the lifespan reports it.
        await dynamodb.start()
    yield


@asynccontextmanager
async def extra_listener_running(
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
