"""`server.stepFunctions` (local only): the embedded Step Functions engine's settings.

The data sources that reach it (`HTTP` to `states` / `sync-states`, the local
`AWS_STEP_FUNCTIONS`) are read with the other data sources (`appsync_yaml.data_sources`).

`server.stepFunctions`: `target` EMBEDDED (default: the `states` / `sync-states`
data sources and the direct one reach the embedded engine) or AWS (real AWS Step Functions with
the process's credentials); `region` and `accountId` of the engine's ARNs; `database` (a SQLite
file for Standard executions that survive a restart); `activities` and `stateMachines` created
at start; `connections`: the headers each EventBridge connection ARN adds to a workflow's HTTP
Tasks (an AppSync API key, say); `apiUrl`: this API's cloud URL as workflows name it (by default
any `https://<id>.appsync-api.<region>.amazonaws.com/graphql` is this server); `endpoint`: with
target AWS, a Step Functions API URL to use instead of AWS's (another appsync-local, LocalStack);
`serviceIntegrations`: EMBEDDED (default: Task states call the services of the one AWS endpoint,
signed with its declared key) or AWS (real AWS services with the process's own credentials, an
explicit opt-in: nothing else ever signs with them).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from definition.appsync_yaml.reader import DefinitionReader, Raw, join
from definition.model import (
    ConnectionSpec,
    StateMachineSpec,
    StateMachineType,
    StepFunctionsSettings,
    StepFunctionsTarget,
)

_SETTINGS_KEYS = (
    *["target", "region", "accountId", "database", "activities", "stateMachines"],
    *["connections", "apiUrl", "endpoint", "serviceIntegrations"],
)


def read_step_functions(reader: DefinitionReader, raw: Any) -> StepFunctionsSettings:
    """`server.stepFunctions`."""
    if raw is None:
        return StepFunctionsSettings()
    path = "server.stepFunctions"
    block = reader.mapping(raw, path, _SETTINGS_KEYS)
    if block is None:
        return StepFunctionsSettings()
    defaults = StepFunctionsSettings()
    target = reader.enum(block, "target", path, StepFunctionsTarget, defaults.target)
    integrations = reader.enum(
        block, "serviceIntegrations", path, StepFunctionsTarget, defaults.service_integrations
    )
    database = reader.string(block, "database", path, required=False)
    return StepFunctionsSettings(
        target=target or defaults.target,
        service_integrations=integrations or defaults.service_integrations,
        region=reader.string(block, "region", path, required=False) or defaults.region,
        account_id=str(block.get("accountId") or defaults.account_id),
        database=(reader.file.parent / database).resolve() if database else None,
        activities=tuple(
            name
            for where, item in reader.items(block, "activities", path)
            if (name := _name(reader, item, where)) is not None
        ),
        state_machines=_state_machines(
            reader,
            block,
            path,
            reader.string(block, "region", path, required=False) or defaults.region,
            str(block.get("accountId") or defaults.account_id),
        ),
        connections=_connections(reader, block, path),
        api_url=reader.string(block, "apiUrl", path, required=False),
        endpoint=reader.string(block, "endpoint", path, required=False),
        declared=True,
    )


def _name(reader: DefinitionReader, item: Any, where: str) -> str | None:
    if not isinstance(item, str) or not item:
        reader.problem(where, "expected a name")
        return None
    return item


def _state_machines(
    reader: DefinitionReader, block: Raw, path: str, region: str, account: str
) -> tuple[StateMachineSpec, ...]:
    machines = []
    for where, item in reader.items(block, "stateMachines", path):
        machine = reader.mapping(
            item, where, ("name", "definition", "type", "loggingConfiguration")
        )
        if machine is None:
            continue
        name = reader.string(machine, "name", where, required=True)
        definition = reader.file_path(machine, "definition", where)
        if "definition" not in machine:
            reader.problem(join(where, "definition"), "required; expected a .asl.json file")
        kind = reader.enum(machine, "type", where, StateMachineType, StateMachineType.STANDARD)
        logging = _logging(
            reader, machine.get("loggingConfiguration"), where, region, account, name
        )
        if name is not None and definition is not None and kind is not None:
            machines.append(StateMachineSpec(name, definition, kind, logging))
    return tuple(machines)


def _logging(
    reader: DefinitionReader,
    raw: Any,
    where: str,
    region: str,
    account: str,
    name: str | None,
) -> dict[str, Any] | None:
    """`loggingConfiguration {level, includeExecutionData}` as CreateStateMachine takes it; the
    one destination it requires is the log group the console would create for the machine
    (the events go where the API's log goes)."""
    if raw is None:
        return None
    path = join(where, "loggingConfiguration")
    block = reader.mapping(raw, path, ("level", "includeExecutionData"))
    if block is None:
        return None
    level = reader.enum(block, "level", path, _LogLevel, _LogLevel.OFF)
    group = f"arn:aws:logs:{region}:{account}:log-group:/aws/vendedlogs/states/{name}-Logs:*"
    return {
        "level": (level or _LogLevel.OFF).value,
        "includeExecutionData": reader.boolean(block, "includeExecutionData", path),
        "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": group}}],
    }


class _LogLevel(StrEnum):
    """`loggingConfiguration.level` (CreateStateMachine's LogLevel)."""

    ALL = "ALL"
    ERROR = "ERROR"
    FATAL = "FATAL"
    OFF = "OFF"


def _connections(reader: DefinitionReader, block: Raw, path: str) -> tuple[ConnectionSpec, ...]:
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
