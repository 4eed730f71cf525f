"""Data sources in the definition (`dataSources[]`, CreateDataSource's names).

`NONE`; `AWS_LAMBDA` with `lambdaConfig.lambdaFunctionArn`, a function `server.lambda` declares
(or, with the local `lambdaConfig.endpoint`, a function behind another Lambda endpoint), or the
local `lambdaConfig.handler`, a Python `module:function` run in the server's process;
`AMAZON_DYNAMODB` with AppSync's `dynamodbConfig` (read by
`definition.appsync_yaml.dynamodb`); `HTTP` with AppSync's `httpConfig` (HttpDataSourceConfig:
`{endpoint, authorizationConfig: {authorizationType: AWS_IAM, awsIamConfig: {signingRegion,
signingServiceName}}}`); and the local `AWS_STEP_FUNCTIONS` with `stepFunctionsConfig:
{stateMachineArn}` (AppSync has no such type; see `resolvers.datasources.stepfunctions`).
`serviceRoleArn`, `metricsConfig` and a `lambdaFunctionArn` beside a `handler` are accepted with a
notice (`definition.appsync_yaml.accepted`), and so are AppSync's other types (OpenSearch, RDS,
EventBridge, Bedrock) with their config blocks, which are not served yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from definition.appsync_yaml.accepted import accepted, note_metrics_config, note_unused
from definition.appsync_yaml.dynamodb import read_dynamodb_config
from definition.appsync_yaml.reader import DefinitionReader, Raw, join
from definition.model import (
    AwsIamConfig,
    DataSourceSpec,
    DataSourceType,
    DynamoDBConfig,
    HttpConfig,
)

_CONFIG_BLOCKS = {
    "lambdaConfig": "AWS_LAMBDA",
    "dynamodbConfig": "AMAZON_DYNAMODB",
    "httpConfig": "HTTP",
    "stepFunctionsConfig": "AWS_STEP_FUNCTIONS",
    # The config blocks of the types that are accepted but not served (AppSync's names).
    "elasticsearchConfig": "AMAZON_ELASTICSEARCH",
    "openSearchServiceConfig": "AMAZON_OPENSEARCH_SERVICE",
    "relationalDatabaseConfig": "RELATIONAL_DATABASE",
    "eventBridgeConfig": "AMAZON_EVENTBRIDGE",
}
# `authorizationConfig.authorizationType`: AppSync's only value.
_AWS_IAM = "AWS_IAM"

Sources = Sequence[DataSourceSpec]


def data_sources(reader: DefinitionReader, top: Raw) -> tuple[DataSourceSpec, ...]:
    sources: list[DataSourceSpec] = []
    allowed = ("name", "type", "description", "serviceRoleArn", "metricsConfig", *_CONFIG_BLOCKS)
    for where, item in reader.items(top, "dataSources", ""):
        block = reader.mapping(item, where, allowed)
        if block is None:
            continue
        name = reader.string(block, "name", where, required=True)
        kind = reader.enum(block, "type", where, DataSourceType, None)
        description = reader.string(block, "description", where, required=False)
        reader.string(block, "serviceRoleArn", where, required=False)
        note_unused(reader, block, where)
        note_metrics_config(reader, block, where)
        for key, owner in _CONFIG_BLOCKS.items():
            if key in block and kind is not None and kind != owner:
                reader.problem(join(where, key), f"only an {owner} data source has one")
        lambda_config = _LambdaConfig()
        dynamodb = None
        http = None
        machine = None
        if kind is DataSourceType.AWS_LAMBDA:
            lambda_config = _lambda_config(reader, block, where)
        elif kind is DataSourceType.AMAZON_DYNAMODB:
            dynamodb = _dynamodb(reader, block.get("dynamodbConfig"), where)
        elif kind is DataSourceType.HTTP:
            http = _http_config(reader, block.get("httpConfig"), where)
        elif kind is DataSourceType.AWS_STEP_FUNCTIONS:
            machine = _state_machine_arn(reader, block.get("stepFunctionsConfig"), where)
        elif kind is not None and not kind.served:
            for key, owner in _CONFIG_BLOCKS.items():
                if owner == kind and key in block:
                    reader.mapping(block[key], join(where, key), tuple(block[key] or ()))
            accepted(
                reader,
                join(where, "type"),
                f"a {kind} data source is not served locally: its resolvers fail",
            )
        if name is not None and any(source.name == name for source in sources):
            reader.problem(join(where, "name"), f"data source {name!r} is defined twice")
        elif name is not None and kind is not None:
            spec = DataSourceSpec(
                name,
                kind,
                description,
                lambda_config.handler,
                dynamodb,
                http,
                machine,
                lambda_function_arn=lambda_config.function_arn,
                lambda_endpoint=lambda_config.endpoint,
            )
            sources.append(spec)
    return tuple(sources)


@dataclass(frozen=True, slots=True)
class _LambdaConfig:
    handler: str | None = None
    function_arn: str | None = None
    endpoint: str | None = None


def _lambda_config(reader: DefinitionReader, block: Raw, where: str) -> _LambdaConfig:
    """`lambdaConfig`: `lambdaFunctionArn` (with a local `endpoint`), or a local `handler`."""
    config = block.get("lambdaConfig")
    path = join(where, "lambdaConfig")
    if config is None:
        reader.problem(
            path,
            "required for AWS_LAMBDA; expected {lambdaFunctionArn: arn:aws:lambda:...} or "
            "{handler: module:function}",
        )
        return _LambdaConfig()
    lambda_config = reader.mapping(config, path, ("handler", "lambdaFunctionArn", "endpoint"))
    if lambda_config is None:
        return _LambdaConfig()
    handler = reader.string(lambda_config, "handler", path, required=False)
    arn = reader.string(lambda_config, "lambdaFunctionArn", path, required=False)
    endpoint = reader.string(lambda_config, "endpoint", path, required=False)
    if handler is None and arn is None:
        if "handler" not in lambda_config and "lambdaFunctionArn" not in lambda_config:
            reader.problem(path, "expected lambdaFunctionArn or handler")
        return _LambdaConfig()
    if endpoint is not None and urlsplit(endpoint).scheme not in ("http", "https"):
        reader.problem(join(path, "endpoint"), f"expected an http(s) URL, got {endpoint!r}")
        endpoint = None
    if handler is not None:
        if endpoint is not None:
            reader.problem(join(path, "endpoint"), "a local handler has no endpoint")
        # The local handler is called; a function ARN beside it only gets its notice.
        note_unused(reader, lambda_config, path)
        if handler.count(":") != 1:
            reader.problem(join(path, "handler"), f"expected module:function, got {handler!r}")
            return _LambdaConfig()
        return _LambdaConfig(handler=handler)
    return _LambdaConfig(function_arn=arn, endpoint=endpoint)


def _dynamodb(reader: DefinitionReader, raw: Any, where: str) -> DynamoDBConfig | None:
    path = join(where, "dynamodbConfig")
    if raw is None:
        reader.problem(path, "required for AMAZON_DYNAMODB; expected {tableName: ...}")
        return None
    return read_dynamodb_config(reader, raw, path)


def _http_config(reader: DefinitionReader, raw: Any, where: str) -> HttpConfig | None:
    path = join(where, "httpConfig")
    if raw is None:
        reader.problem(path, "required for HTTP; expected {endpoint: https://...}")
        return None
    block = reader.mapping(raw, path, ("endpoint", "authorizationConfig"))
    if block is None:
        return None
    endpoint = reader.string(block, "endpoint", path, required=True)
    if endpoint is not None and urlsplit(endpoint).scheme not in ("http", "https"):
        reader.problem(join(path, "endpoint"), f"expected an http(s) URL, got {endpoint!r}")
        endpoint = None
    iam = _authorization(
        reader, block.get("authorizationConfig"), join(path, "authorizationConfig")
    )
    if endpoint is None:
        return None
    return HttpConfig(endpoint, iam)


def _authorization(reader: DefinitionReader, raw: Any, path: str) -> AwsIamConfig | None:
    if raw is None:
        return None
    block = reader.mapping(raw, path, ("authorizationType", "awsIamConfig"))
    if block is None:
        return None
    kind = block.get("authorizationType")
    if kind != _AWS_IAM:
        reader.problem(join(path, "authorizationType"), f"expected {_AWS_IAM}, got {kind!r}")
        return None
    iam_path = join(path, "awsIamConfig")
    iam = reader.mapping(
        block.get("awsIamConfig"), iam_path, ("signingRegion", "signingServiceName")
    )
    if iam is None:
        return None
    region = reader.string(iam, "signingRegion", iam_path, required=True)
    service = reader.string(iam, "signingServiceName", iam_path, required=True)
    if region is None or service is None:
        return None
    return AwsIamConfig(region, service)


def _state_machine_arn(reader: DefinitionReader, raw: Any, where: str) -> str | None:
    """`stepFunctionsConfig.stateMachineArn` (optional: templates may name the machine)."""
    if raw is None:
        return None
    path = join(where, "stepFunctionsConfig")
    block = reader.mapping(raw, path, ("stateMachineArn",))
    if block is None:
        return None
    return reader.string(block, "stateMachineArn", path, required=False)
