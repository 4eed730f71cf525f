"""The console as `serve` mounts it beside an API: the pages, `config.json`, and the console API
over the embedded engine, the embedded DynamoDB, the definition and the API's resolver log.

`app.build_app` calls `mount_console` once the GraphQL endpoint exists, because the resolver
log follows that endpoint's log (`appsync.console.resolver_log`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from starlette.routing import BaseRoute

from appsync.api_log import api_id
from appsync.aws.dynamodb import DynamoDBRoute
from appsync.aws.states import StepFunctionsApi
from appsync.console.access import ConsoleToken
from appsync.console.context import ConsoleServices, EmbeddedTables, ServedApi
from appsync.console.dynamodb_fields import DYNAMODB
from appsync.console.endpoint import ConsoleApi
from appsync.console.graphql_api_fields import GraphqlApiQuery
from appsync.console.resolver_log import LogTarget, ResolverLogStream
from appsync.console.resolver_log_fields import RESOLVER_LOG
from appsync.console.routes import CONSOLE_PATH, ConsoleConfig, console_routes, server_version
from appsync.console.schema import ConsoleSchema, SchemaPart, build_schema
from appsync.console.stepfunctions_fields import STEP_FUNCTIONS
from appsync.data_directory import DataDirectory
from definition.model import ApiDefinition


@functools.cache
def api_schema() -> ConsoleSchema:
    """The console API of `serve` (built once: the types do not depend on the API)."""
    return build_schema([STEP_FUNCTIONS, DYNAMODB, SchemaPart(GraphqlApiQuery), RESOLVER_LOG])


@dataclass(frozen=True, slots=True)
class Console:
    token: ConsoleToken
    resolver_log: ResolverLogStream
    routes: list[BaseRoute]


def mount_console(
    definition: ApiDefinition,
    step_functions: StepFunctionsApi,
    region: str,
    target: LogTarget,
    data: DataDirectory,
    previous: Console | None = None,
) -> Console:
    """The console of `definition`'s server; `region` is the AWS endpoint's, `target` the
    GraphQL endpoint whose log the resolver log follows. After a reload, `previous` is the
    console of the API replaced: its token stays valid and its resolver log goes on (the pages
    open in browsers keep working)."""
    account = definition.server.step_functions.account_id
    if previous is None:
        token = ConsoleToken.for_installation(data)
        stream = ResolverLogStream(definition.name, region, account)
        stream.joined(target)
    else:
        token, stream = previous.token, previous.resolver_log
        stream.rejoined(target, definition.name, region, account)
    services = ConsoleServices(
        step_functions=step_functions,
        version=server_version(),
        tables=EmbeddedTables(DynamoDBRoute(), _tables_region(definition, region)),
        api=ServedApi(definition, api_id(definition.name), region, account),
        resolver_log=stream,
    )
    api = ConsoleApi(api_schema(), services, token, on_call=stream.arm)
    config = ConsoleConfig.for_api(definition, token, on_open=stream.arm)
    summary = {"name": definition.name, "graphql": "/graphql", "console": CONSOLE_PATH}
    return Console(token, stream, console_routes(config, api, summary))


def _tables_region(definition: ApiDefinition, region: str) -> str:
    """Where the console finds the API's tables: the region of its embedded DynamoDB data
    sources (the first one's), else the AWS endpoint's."""
    for config in definition.dynamodb_configs:
        if config.endpoint is None:
            return config.aws_region
    return region
