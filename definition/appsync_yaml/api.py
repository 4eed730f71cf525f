"""The API definition file (`appsync.yaml`, or JSON) read into typed, frozen values.

Keys are AppSync's own API model names (CreateGraphqlApi, CreateDataSource, CreateFunction,
CreateResolver, CreateApiKey in botocore's `appsync/2017-07-25/service-2.json`), so a user who
knows CloudFormation or the console reads the file at sight. Two local twists: code and templates
are file paths (relative to the definition file), and a Lambda data source names a local Python
handler `module:function` instead of a function ARN. Settings that only the local server has live
under a separate `server:` key (`server.dynamodb`: the embedded DynamoDB's tables and endpoint).

Every problem is collected with its key path (`resolvers[2].dataSourceName`) before failing, so
one run of `appsync-local validate` lists them all. The parts are read by `config_auth`,
`config_datasources` and `config_resolvers`; every public name is importable from here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from appsync.errors import ConfigError, ConfigProblem
from definition.appsync_yaml.authorization import (
    AUTH_BLOCKS,
    ApiKeySpec,
    AuthProviderSpec,
    additional_providers,
    api_keys,
    auth_provider,
    check_modes,
)
from definition.appsync_yaml.data_sources import (
    DataSourceSpec,
    DataSourceType,
    data_sources,
    report,
)
from definition.appsync_yaml.dynamodb import (
    DynamoDBConfig,
    EmbeddedDynamoDBSettings,
    parse_embedded_dynamodb,
)
from definition.appsync_yaml.reader import ConfigReader, Raw, kind
from definition.appsync_yaml.resolvers import (
    CodeSpec,
    FunctionSpec,
    ResolverKind,
    ResolverSpec,
    Runtime,
    read_functions,
    read_resolvers,
)
from definition.appsync_yaml.server import RealtimeSpec, TlsSpec, read_realtime, read_tls
from definition.appsync_yaml.step_functions import StepFunctionsSettings, read_step_functions

__all__ = [
    "ApiConfig",
    "ApiKeySpec",
    "AuthProviderSpec",
    "CodeSpec",
    "DataSourceSpec",
    "DataSourceType",
    "DynamoDBConfig",
    "EmbeddedDynamoDBSettings",
    "FunctionSpec",
    "IntrospectionConfig",
    "RealtimeSpec",
    "ResolverKind",
    "ResolverSpec",
    "Runtime",
    "ServerSpec",
    "TlsSpec",
    "load_config",
]


class IntrospectionConfig(StrEnum):
    ENABLED = "ENABLED"
    DISABLED = "DISABLED"


@dataclass(frozen=True, slots=True)
class ServerSpec:
    """The `server:` section: settings of the local server that AppSync does not expose."""

    # AppSync ends every request after 30 seconds (aws-appsync-community#43: "30 seconds is a
    # hard limit"); a shorter value makes the limit testable.
    execution_timeout_seconds: float = 30.0
    max_request_body_bytes: int = 5 * 1024 * 1024
    domain_name: str | None = None
    # `server.dynamodb`: the embedded DynamoDB's tables and loopback endpoint.
    dynamodb: EmbeddedDynamoDBSettings = field(default_factory=EmbeddedDynamoDBSettings)
    # `server.stepFunctions`: the embedded engine's machines, activities, connections, target.
    step_functions: StepFunctionsSettings = field(default_factory=StepFunctionsSettings)
    # `server.realtime` (broker, ka interval, inbox size) and `server.tls` (None: plain HTTP).
    realtime: RealtimeSpec = field(default_factory=RealtimeSpec)
    tls: TlsSpec | None = None


@dataclass(frozen=True, slots=True)
class ApiConfig:
    file: Path
    name: str
    schema: tuple[Path, ...]
    authentication: AuthProviderSpec
    additional_authentication_providers: tuple[AuthProviderSpec, ...]
    api_keys: tuple[ApiKeySpec, ...]
    data_sources: tuple[DataSourceSpec, ...]
    functions: tuple[FunctionSpec, ...]
    resolvers: tuple[ResolverSpec, ...]
    query_depth_limit: int
    resolver_count_limit: int
    introspection: IntrospectionConfig
    server: ServerSpec

    @property
    def base_dir(self) -> Path:
        return self.file.parent

    @property
    def dynamodb_configs(self) -> tuple[DynamoDBConfig, ...]:
        """The `dynamodbConfig` of every AMAZON_DYNAMODB data source, in definition order."""
        return tuple(spec.dynamodb for spec in self.data_sources if spec.dynamodb is not None)


_TOP_KEYS = (
    *["name", "schema", "authenticationType"],
    *AUTH_BLOCKS,
    *["additionalAuthenticationProviders", "apiKeys", "dataSources", "functions", "resolvers"],
    *["queryDepthLimit", "resolverCountLimit", "introspectionConfig", "xrayEnabled", "server"],
)
_SERVER_KEYS = (
    *["executionTimeoutSeconds", "maxRequestBodyBytes", "domainName", "dynamodb"],
    *["realtime", "tls", "stepFunctions"],
)


def load_config(path: Path) -> ApiConfig:
    """Read and check an API definition; raises ConfigError listing every problem."""
    reader = ConfigReader(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(
            [ConfigProblem(str(path), "", f"cannot read: {error.strerror}")]
        ) from None
    try:
        raw = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (yaml.YAMLError, json.JSONDecodeError) as error:
        raise ConfigError([ConfigProblem(str(path), "", f"not valid YAML/JSON: {error}")]) from None
    config = _read(reader, path.resolve(), raw)
    if reader.problems or config is None:
        raise ConfigError(reader.problems, reader.schema)
    return config


def _read(reader: ConfigReader, file: Path, raw: Any) -> ApiConfig | None:
    top = reader.mapping(raw, "", _TOP_KEYS)
    if top is None:
        return None
    name = reader.string(top, "name", "", required=False) or file.parent.name
    schema = reader.schema = _schema_files(reader, top)
    authentication = auth_provider(reader, top, "")
    additional = additional_providers(reader, top)
    check_modes(reader, authentication, additional)
    keys = api_keys(reader, top)
    sources = data_sources(reader, top)
    functions = read_functions(reader, top, sources)
    resolvers = read_resolvers(reader, top, sources, functions)
    introspection = reader.enum(
        top, "introspectionConfig", "", IntrospectionConfig, IntrospectionConfig.ENABLED
    )
    server = _server(reader, top.get("server"), file.parent)
    # AppSync's ranges: depth 1-75 (0 = no limit), resolvers 1-10000 (0 = 10000).
    query_depth_limit = reader.integer(top, "queryDepthLimit", "", 0, 75, 0)
    resolver_count_limit = reader.integer(top, "resolverCountLimit", "", 0, 10000, 0) or 10000
    if authentication is None or introspection is None:
        return None
    return ApiConfig(
        file=file,
        name=name,
        schema=schema,
        authentication=authentication,
        additional_authentication_providers=additional,
        api_keys=keys,
        data_sources=sources,
        functions=functions,
        resolvers=resolvers,
        query_depth_limit=query_depth_limit,
        resolver_count_limit=resolver_count_limit,
        introspection=introspection,
        server=server,
    )


def _schema_files(reader: ConfigReader, top: Raw) -> tuple[Path, ...]:
    value = top.get("schema")
    if value is None:
        reader.problem("schema", "required; expected a .graphql file or a list of them")
        return ()
    entries = [("schema", value)] if isinstance(value, str) else reader.items(top, "schema", "")
    found = []
    for where, item in entries:
        if not isinstance(item, str):
            reader.problem(where, f"expected a file path, got {kind(item)}")
            continue
        path = (reader.file.parent / item).resolve()
        if path.is_file():
            found.append(path)
        else:
            reader.problem(where, f"file not found: {path}")
    return tuple(found)


def _server(reader: ConfigReader, value: Any, base_dir: Path) -> ServerSpec:
    if value is None:
        return ServerSpec()
    block = reader.mapping(value, "server", _SERVER_KEYS)
    if block is None:
        return ServerSpec()
    defaults = ServerSpec()
    dynamodb, problems = parse_embedded_dynamodb(block.get("dynamodb"), "server.dynamodb", base_dir)
    report(reader, problems)
    return ServerSpec(
        execution_timeout_seconds=reader.number(
            block, "executionTimeoutSeconds", "server", defaults.execution_timeout_seconds
        ),
        max_request_body_bytes=reader.integer(
            block, "maxRequestBodyBytes", "server", 1, 1 << 30, defaults.max_request_body_bytes
        ),
        domain_name=reader.string(block, "domainName", "server", required=False),
        dynamodb=dynamodb,
        step_functions=read_step_functions(reader, block.get("stepFunctions"), base_dir),
        realtime=read_realtime(reader, block.get("realtime"), "server.realtime"),
        tls=read_tls(reader, block.get("tls"), "server.tls"),
    )
