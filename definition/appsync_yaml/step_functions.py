"""Step Functions in the API definition: the HTTP data source, the direct data source, and the
embedded engine's settings (`server.stepFunctions`).

`dataSources[].httpConfig` is AppSync's `HttpDataSourceConfig` (CreateDataSource):
`{endpoint, authorizationConfig: {authorizationType: AWS_IAM, awsIamConfig: {signingRegion,
signingServiceName}}}`. `serviceRoleArn` is accepted and not used locally.

`type: AWS_STEP_FUNCTIONS` with `stepFunctionsConfig: {stateMachineArn}` is local only (AppSync
has no such type; see `resolvers.datasources.stepfunctions`).

`server.stepFunctions` (local only): `target` EMBEDDED (default: the `states` / `sync-states`
data sources and the direct one reach the embedded engine) or AWS (real AWS Step Functions with
the process's credentials); `region` and `accountId` of the engine's ARNs; `database` (a SQLite
file for Standard executions that survive a restart); `activities` and `stateMachines` created
at start; `connections`: the headers each EventBridge connection ARN adds to a workflow's HTTP
Tasks (an AppSync API key, say); `apiUrl`: this API's cloud URL as workflows name it (by default
any `https://<id>.appsync-api.<region>.amazonaws.com/graphql` is this server); `endpoint`: with
target AWS, a Step Functions API URL to use instead of AWS's (another appsync-local, LocalStack).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from definition.appsync_yaml.reader import ConfigReader, Raw, join
from resolvers.datasources.http import AWS_IAM, AwsIamConfig, HttpConfig


class StepFunctionsTarget(StrEnum):
    EMBEDDED = "EMBEDDED"
    AWS = "AWS"


class StateMachineType(StrEnum):
    STANDARD = "STANDARD"
    EXPRESS = "EXPRESS"


@dataclass(frozen=True, slots=True)
class StateMachineSpec:
    name: str
    definition: Path
    type: StateMachineType = StateMachineType.STANDARD


@dataclass(frozen=True, slots=True)
class ConnectionSpec:
    """An EventBridge connection as HTTP Tasks use it: the headers it adds to each request."""

    connection_arn: str
    headers: dict[str, str]


@dataclass(frozen=True, slots=True)
class StepFunctionsSettings:
    """`server.stepFunctions`; `declared` is False when the definition has no such block."""

    target: StepFunctionsTarget = StepFunctionsTarget.EMBEDDED
    region: str = "us-east-1"
    account_id: str = "123456789012"
    database: Path | None = None
    activities: tuple[str, ...] = ()
    state_machines: tuple[StateMachineSpec, ...] = ()
    connections: tuple[ConnectionSpec, ...] = ()
    api_url: str | None = None
    endpoint: str | None = None
    declared: bool = field(default=False, compare=False)


_SETTINGS_KEYS = (
    *["target", "region", "accountId", "database", "activities", "stateMachines"],
    *["connections", "apiUrl", "endpoint"],
)


def read_http_config(reader: ConfigReader, raw: Any, where: str) -> HttpConfig | None:
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


def _authorization(reader: ConfigReader, raw: Any, path: str) -> AwsIamConfig | None:
    if raw is None:
        return None
    block = reader.mapping(raw, path, ("authorizationType", "awsIamConfig"))
    if block is None:
        return None
    kind = block.get("authorizationType")
    if kind != AWS_IAM:
        reader.problem(join(path, "authorizationType"), f"expected {AWS_IAM}, got {kind!r}")
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


def read_state_machine_arn(reader: ConfigReader, raw: Any, where: str) -> str | None:
    """`stepFunctionsConfig.stateMachineArn` (optional: templates may name the machine)."""
    if raw is None:
        return None
    path = join(where, "stepFunctionsConfig")
    block = reader.mapping(raw, path, ("stateMachineArn",))
    if block is None:
        return None
    return reader.string(block, "stateMachineArn", path, required=False)


def read_step_functions(reader: ConfigReader, raw: Any, base_dir: Path) -> StepFunctionsSettings:
    """`server.stepFunctions`."""
    if raw is None:
        return StepFunctionsSettings()
    path = "server.stepFunctions"
    block = reader.mapping(raw, path, _SETTINGS_KEYS)
    if block is None:
        return StepFunctionsSettings()
    defaults = StepFunctionsSettings()
    target = reader.enum(block, "target", path, StepFunctionsTarget, defaults.target)
    database = reader.string(block, "database", path, required=False)
    return StepFunctionsSettings(
        target=target or defaults.target,
        region=reader.string(block, "region", path, required=False) or defaults.region,
        account_id=str(block.get("accountId") or defaults.account_id),
        database=(base_dir / database).resolve() if database else None,
        activities=tuple(
            name
            for where, item in reader.items(block, "activities", path)
            if (name := _name(reader, item, where)) is not None
        ),
        state_machines=_state_machines(reader, block, path),
        connections=_connections(reader, block, path),
        api_url=reader.string(block, "apiUrl", path, required=False),
        endpoint=reader.string(block, "endpoint", path, required=False),
        declared=True,
    )


def _name(reader: ConfigReader, item: Any, where: str) -> str | None:
    if not isinstance(item, str) or not item:
        reader.problem(where, "expected a name")
        return None
    return item


def _state_machines(reader: ConfigReader, block: Raw, path: str) -> tuple[StateMachineSpec, ...]:
    machines = []
    for where, item in reader.items(block, "stateMachines", path):
        machine = reader.mapping(item, where, ("name", "definition", "type"))
        if machine is None:
            continue
        name = reader.string(machine, "name", where, required=True)
        definition = reader.file_path(machine, "definition", where)
        if "definition" not in machine:
            reader.problem(join(where, "definition"), "required; expected a .asl.json file")
        kind = reader.enum(machine, "type", where, StateMachineType, StateMachineType.STANDARD)
        if name is not None and definition is not None and kind is not None:
            machines.append(StateMachineSpec(name, definition, kind))
    return tuple(machines)


def _connections(reader: ConfigReader, block: Raw, path: str) -> tuple[ConnectionSpec, ...]:
    connections = []
    for where, item in reader.items(block, "connections", path):
        connection = reader.mapping(item, where, ("connectionArn", "headers"))
        if connection is None:
            continue
        arn = reader.string(connection, "connectionArn", where, required=True)
        headers = connection.get("headers") or {}
        if not isinstance(headers, dict) or not all(
            isinstance(value, str) for value in headers.values()
        ):
            reader.problem(join(where, "headers"), "expected a map of header names to strings")
            continue
        if arn is not None:
            connections.append(ConnectionSpec(arn, {str(k): v for k, v in headers.items()}))
    return tuple(connections)
