"""The console as `serve` mounts it beside an API: the pages, `config.json`, and the console API
over the embedded engine, the embedded DynamoDB, the definition and the API's resolver log.

`app.build_app` calls `mount_console` once the GraphQL endpoint exists, because the resolver
log follows that endpoint's log (`appsync.console.resolver_log`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.routing import BaseRoute

from appsync.api_log import api_id
from appsync.console.access import ConsoleToken
from appsync.console.resolver_log_stream import LogTarget, ResolverLogStream
from appsync.console.routes import (
    CONSOLE_PATH,
    BuiltOnFirstUse,
    ConsoleConfig,
    console_routes,
    server_version,
)
from appsync.data_directory import DataDirectory
from definition.model import ApiDefinition

# The console's API (Strawberry, and the embedded DynamoDB's moto for its tables) is imported
# when it is first called (`BuiltOnFirstUse`), not when `serve` starts.
if TYPE_CHECKING:
    from appsync.aws.states import StepFunctionsApi
    from appsync.console.endpoint import ConsoleApi
    from appsync.console.schema import ConsoleSchema


@functools.cache
def api_schema() -> ConsoleSchema:
    """The console API of `serve` (built once: the types do not depend on the API)."""
    from appsync.console.dynamodb_fields import DYNAMODB
    from appsync.console.graphql_api_fields import GraphqlApiQuery
    from appsync.console.resolver_log_fields import RESOLVER_LOG
    from appsync.console.schema import SchemaPart, build_schema
    from appsync.console.stepfunctions_fields import STEP_FUNCTIONS

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

    def api() -> ConsoleApi:
        from appsync.aws.dynamodb import DynamoDBRoute
        from appsync.console.context import ConsoleServices, EmbeddedTables, ServedApi
        from appsync.console.endpoint import ConsoleApi

        services = ConsoleServices(
            step_functions=step_functions,
            version=server_version(),
            tables=EmbeddedTables(DynamoDBRoute(), _tables_region(definition, region)),
            api=ServedApi(definition, api_id(definition.name), region, account),
            resolver_log=stream,
        )
        return ConsoleApi(api_schema(), services, token, on_call=stream.arm)

    built = BuiltOnFirstUse(api)

    def opened() -> None:
        # A page is opening: it calls the API next (its resolver log subscribes at once, and a
        # request served while that subscription waited for the API to be built would be missed).
        stream.arm()
        built.build()

    config = ConsoleConfig.for_api(definition, token, on_open=opened)
    summary = {"name": definition.name, "graphql": "/graphql", "console": CONSOLE_PATH}
    return Console(token, stream, console_routes(config, built, summary))


def _tables_region(definition: ApiDefinition, region: str) -> str:
    """Where the console finds the API's tables: the region of its embedded DynamoDB data
    sources (the first one's), else the AWS endpoint's."""
    for config in definition.dynamodb_configs:
        if config.endpoint is None:
            return config.aws_region
    return region
