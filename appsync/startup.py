"""What fails when the server starts, reported as `validate` reports a definition's problems.

`validate` builds every part of the API, but some things can only fail once the server starts:
DynamoDB refusing a declared table or an item of its seed file, a DynamoDB endpoint that does
not answer, a port already taken, Redis not answering, the Step Functions engine refusing a
declared state machine. Each becomes a `Problem` with the key path of what caused it, so `serve`
lists them the way `validate` lists the others, exits with status 1, and prints no traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from appsync.errors import BrokerError, ConfigError
from definition.model import ApiDefinition, DataSourceSpec
from definition.problems import Problem
from resolvers.errors import DynamoDBServiceError, LoopbackEndpointError, TableSetupError

# The failures of a start that `start_problems` knows how to place in the definition.
START_FAILURES = (ConfigError, DynamoDBServiceError, BrokerError)

StartFailure = ConfigError | DynamoDBServiceError | BrokerError

_STEP_KEYS = {"CreateTable": "", "UpdateTimeToLive": ".TimeToLiveSpecification", "seed": ".seed"}


def start_failure(error: BaseException) -> StartFailure | None:
    """The one failure of START_FAILURES that `error` is, or carries alone: a context manager
    holding a TaskGroup across the start (the engine's, the broker's) hands on what failed
    after it wrapped in an exception group."""
    while isinstance(error, BaseExceptionGroup) and len(error.exceptions) == 1:
        error = error.exceptions[0]
    return error if isinstance(error, START_FAILURES) else None


def start_problems(definition: ApiDefinition, error: StartFailure) -> list[Problem]:
    """The problems one failed start stands for."""
    if isinstance(error, ConfigError):
        return list(error.problems)
    if isinstance(error, BrokerError):
        return [definition.problem("server.realtime.redisUrl", str(error))]
    if isinstance(error, LoopbackEndpointError):
        return [definition.problem("server.dynamodb.endpoint", error.message)]
    if isinstance(error, TableSetupError):
        return [_table_problem(definition, error)]
    return [definition.problem("server.dynamodb", f"{error.code}: {error.message}")]


def _table_problem(definition: ApiDefinition, error: TableSetupError) -> Problem:
    reason = f"{error.code}: {error.message}"
    sources = definition.data_sources
    if error.status >= 500 and error.endpoint is not None:
        # No answer at all (botocore's connection errors): the endpoint is what is wrong.
        endpoints = (s.dynamodb.endpoint if s.dynamodb else None for s in sources)
        where = f"dataSources[{_position(endpoints, error.endpoint)}].dynamodbConfig.endpoint"
        return definition.problem(where, f"DynamoDB at {error.endpoint} did not answer: {reason}")
    tables = (table.table_name for table in definition.server.dynamodb.tables)
    declared = _position(tables, error.table)
    if declared is not None:
        where = f"server.dynamodb.tables[{declared}]{_STEP_KEYS[error.step]}"
    elif (named := _position(_table_names(sources), error.table)) is not None:
        # Not declared: created for the data source that names it (`appsync.table_keys`).
        where = f"dataSources[{named}].dynamodbConfig.tableName"
    else:
        # Not declared: the delta table of a versioned data source.
        deltas = (
            s.dynamodb.delta_sync_config.delta_sync_table_name
            if s.dynamodb is not None and s.dynamodb.delta_sync_config is not None
            else None
            for s in sources
        )
        index = _position(deltas, error.table)
        where = f"dataSources[{index}].dynamodbConfig.deltaSyncConfig.deltaSyncTableName"
    if error.item is not None:
        position, target = error.item
        return definition.problem(where, f"item {position} was not loaded into {target}: {reason}")
    return definition.problem(where, f"{error.step} {error.table} was refused: {reason}")


def _table_names(sources: Iterable[DataSourceSpec]) -> Iterator[str | None]:
    return (s.dynamodb.table_name if s.dynamodb is not None else None for s in sources)


def _position(names: Iterable[str | None], name: str) -> int | None:
    return next((index for index, entry in enumerate(names) if entry == name), None)
