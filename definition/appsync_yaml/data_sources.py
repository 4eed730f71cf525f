"""Data sources in the API definition (`dataSources[]`, CreateDataSource's names).

`NONE`; `AWS_LAMBDA` with `lambdaConfig.handler`, a local Python `module:function` in place of
the function ARN; `AMAZON_DYNAMODB` with AppSync's `dynamodbConfig` (`tableName`, `awsRegion`,
`useCallerCredentials`, `versioned`, `deltaSyncConfig`, and the local `endpoint`), read by the
DynamoDB data source's own parser so that its rules live beside the code that runs them;
`HTTP` with AppSync's `httpConfig`, and the local `AWS_STEP_FUNCTIONS` with
`stepFunctionsConfig`, read by `config_stepfunctions`. `serviceRoleArn` is accepted and unused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from definition.appsync_yaml.dynamodb import (
    DynamoDBConfig,
    DynamoDBConfigProblem,
    parse_dynamodb_config,
)
from definition.appsync_yaml.reader import ConfigReader, Raw, join
from definition.appsync_yaml.step_functions import read_http_config, read_state_machine_arn
from resolvers.datasources.http import HttpConfig

_CONFIG_BLOCKS = {
    "lambdaConfig": "AWS_LAMBDA",
    "dynamodbConfig": "AMAZON_DYNAMODB",
    "httpConfig": "HTTP",
    "stepFunctionsConfig": "AWS_STEP_FUNCTIONS",
}


class DataSourceType(StrEnum):
    NONE = "NONE"
    AWS_LAMBDA = "AWS_LAMBDA"
    AMAZON_DYNAMODB = "AMAZON_DYNAMODB"
    HTTP = "HTTP"
    # Local only: AppSync has no Step Functions data source (resolvers.datasources.stepfunctions).
    AWS_STEP_FUNCTIONS = "AWS_STEP_FUNCTIONS"


@dataclass(frozen=True, slots=True)
class DataSourceSpec:
    name: str
    type: DataSourceType
    description: str | None
    lambda_handler: str | None  # `lambdaConfig.handler`: "module:function"
    dynamodb: DynamoDBConfig | None = None  # `dynamodbConfig`, for AMAZON_DYNAMODB
    http: HttpConfig | None = None  # `httpConfig`, for HTTP
    state_machine_arn: str | None = None  # `stepFunctionsConfig.stateMachineArn`


Sources = Sequence[DataSourceSpec]


def report(reader: ConfigReader, problems: Sequence[DynamoDBConfigProblem]) -> None:
    """The DynamoDB parsers' problems (already key-pathed) as the definition's own."""
    for problem in problems:
        reader.problem(problem.key_path, problem.message)


def data_sources(reader: ConfigReader, top: Raw) -> tuple[DataSourceSpec, ...]:
    sources: list[DataSourceSpec] = []
    allowed = ("name", "type", "description", "serviceRoleArn", *_CONFIG_BLOCKS)
    for where, item in reader.items(top, "dataSources", ""):
        block = reader.mapping(item, where, allowed)
        if block is None:
            continue
        name = reader.string(block, "name", where, required=True)
        kind = reader.enum(block, "type", where, DataSourceType, None)
        description = reader.string(block, "description", where, required=False)
        for key, owner in _CONFIG_BLOCKS.items():
            if key in block and kind is not None and kind != owner:
                reader.problem(join(where, key), f"only an {owner} data source has one")
        handler = None
        dynamodb = None
        http = None
        machine = None
        if kind is DataSourceType.AWS_LAMBDA:
            handler = _lambda_handler(reader, block, where)
        elif kind is DataSourceType.AMAZON_DYNAMODB:
            dynamodb = _dynamodb(reader, block.get("dynamodbConfig"), where)
        elif kind is DataSourceType.HTTP:
            http = read_http_config(reader, block.get("httpConfig"), where)
        elif kind is DataSourceType.AWS_STEP_FUNCTIONS:
            machine = read_state_machine_arn(reader, block.get("stepFunctionsConfig"), where)
        if name is not None and any(source.name == name for source in sources):
            reader.problem(join(where, "name"), f"data source {name!r} is defined twice")
        elif name is not None and kind is not None:
            spec = DataSourceSpec(name, kind, description, handler, dynamodb, http, machine)
            sources.append(spec)
    return tuple(sources)


def _lambda_handler(reader: ConfigReader, block: Raw, where: str) -> str | None:
    config = block.get("lambdaConfig")
    path = join(where, "lambdaConfig")
    if config is None:
        reader.problem(path, "required for AWS_LAMBDA; expected {handler: module:function}")
        return None
    lambda_config = reader.mapping(config, path, ("handler", "lambdaFunctionArn"))
    if lambda_config is None:
        return None
    handler = reader.string(lambda_config, "handler", path, required=True)
    if handler is not None and handler.count(":") != 1:
        reader.problem(join(path, "handler"), f"expected module:function, got {handler!r}")
        return None
    return handler


def _dynamodb(reader: ConfigReader, raw: Any, where: str) -> DynamoDBConfig | None:
    path = join(where, "dynamodbConfig")
    if raw is None:
        reader.problem(path, "required for AMAZON_DYNAMODB; expected {tableName: ...}")
        return None
    config, problems = parse_dynamodb_config(raw, path)
    report(reader, problems)
    return config
