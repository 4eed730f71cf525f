"""`AWS::StepFunctions::StateMachine` read into the state machines the embedded engine creates.

The definition is `Definition` (the States Language as a template object), `DefinitionString`
(its JSON text) or `DefinitionS3Location` (`{Bucket, Key}`: a local file); each
`${name}` of `DefinitionSubstitutions` is replaced in it, as CloudFormation replaces them
("DefinitionSubstitutions", AWS::StepFunctions::StateMachine). The machine is named by
`StateMachineName`, or the name CloudFormation generates, so that its `Ref` (its ARN) names it
in the engine. `StateMachineType` is STANDARD when absent. `LoggingConfiguration` is given to
CreateStateMachine, so executions write their events where the API's log goes; roles, tracing,
tags and encryption are accepted with a notice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from definition.appsync_yaml.reader import join
from definition.cloudformation.properties import PropertyReader
from definition.cloudformation.stack import Stack
from definition.model import StateMachineSpec, StateMachineType, source_text
from definition.problems import Origin

_KEYS = (
    *["Definition", "DefinitionString", "DefinitionS3Location", "DefinitionSubstitutions"],
    *["StateMachineName", "StateMachineType", "RoleArn", "LoggingConfiguration"],
    *["TracingConfiguration", "Tags", "EncryptionConfiguration"],
)
_NO_LOCAL_EFFECT = {
    "RoleArn": "executions call services with the local credentials",
    "TracingConfiguration": "no X-Ray traces are recorded",
    "Tags": "tags are not listed",
    "EncryptionConfiguration": "executions are not encrypted locally",
}
_SOURCES = ("Definition", "DefinitionString", "DefinitionS3Location")
_VARIABLE = re.compile(r"\$\{([^}]+)\}")


def read_state_machines(
    stack: Stack, origins: dict[str, Origin], declared: Sequence[StateMachineSpec] = ()
) -> tuple[StateMachineSpec, ...]:
    """The stack's state machines, after those `declared` by the stacks read before it."""
    machines: list[StateMachineSpec] = list(declared)
    for resource in stack.of_type("AWS::StepFunctions::StateMachine"):
        properties = stack.properties(resource.logical_id)
        if properties is None:
            continue
        reader = PropertyReader(stack, resource.logical_id)
        path = "Properties"
        reader.allowed(properties, path, _KEYS)
        reader.accepted(properties, path, _NO_LOCAL_EFFECT)
        text, where = _definition(reader, properties)
        kind = reader.enum(
            properties, "StateMachineType", path, StateMachineType, StateMachineType.STANDARD
        )
        if text is None or where is None or kind is None:
            continue
        text = _substituted(reader, text, properties.get("DefinitionSubstitutions"))
        if text is None:
            continue
        name = str(stack.names.get_att(resource.logical_id, "Name", ""))
        origins[f"server.stepFunctions.stateMachines[{len(machines)}]"] = reader.origin()
        logging = _logging(reader, properties.get("LoggingConfiguration"))
        machines.append(StateMachineSpec(name, reader.inline(text, where), kind, logging))
    return tuple(machines[len(declared) :])


def _logging(reader: PropertyReader, raw: Any) -> dict[str, Any] | None:
    """`LoggingConfiguration {Level, IncludeExecutionData, Destinations}` as CreateStateMachine
    takes it: the executions then write their events where the API's log goes."""
    if raw is None:
        return None
    path = "Properties.LoggingConfiguration"
    block = reader.mapping(raw, path, ("Level", "IncludeExecutionData", "Destinations"))
    if block is None:
        return None
    destinations = []
    for index, item in enumerate(block.get("Destinations") or []):
        group = item.get("CloudWatchLogsLogGroup") if isinstance(item, dict) else None
        arn = group.get("LogGroupArn") if isinstance(group, dict) else None
        if not isinstance(arn, str):
            reader.problem(
                join(path, f"Destinations[{index}]"),
                "expected {CloudWatchLogsLogGroup: {LogGroupArn}}",
            )
            continue
        destinations.append({"cloudWatchLogsLogGroup": {"logGroupArn": arn}})
    return {
        "level": str(block.get("Level") or "OFF"),
        "includeExecutionData": block.get("IncludeExecutionData") in (True, "true", "True"),
        "destinations": destinations,
    }


def _definition(
    reader: PropertyReader, properties: dict[str, Any]
) -> tuple[str | None, str | None]:
    given = [key for key in _SOURCES if key in properties]
    if len(given) != 1:
        reader.problem(
            "Properties.Definition",
            f"expected one of {', '.join(_SOURCES)}"
            + (f"; got {', '.join(given)}" if given else ""),
        )
        return None, None
    (key,) = given
    where = join("Properties", key)
    value = properties[key]
    if key == "Definition":
        if not isinstance(value, dict):
            reader.problem(where, "expected the state machine as a mapping")
            return None, None
        return json.dumps(value), where
    if key == "DefinitionString":
        if not isinstance(value, str):
            reader.problem(where, "expected the state machine's JSON text")
            return None, None
        return value, where
    file = reader.local_file(value, where)
    if file is None:
        return None, None
    try:
        return source_text(file), where
    except (OSError, UnicodeDecodeError) as error:
        reader.problem(where, f"cannot read {file}: {error}")
        return None, None


def _substituted(reader: PropertyReader, text: str, substitutions: Any) -> str | None:
    if substitutions is None:
        return text
    where = "Properties.DefinitionSubstitutions"
    if not isinstance(substitutions, dict):
        reader.problem(where, "expected a mapping of names to values")
        return None
    values: dict[str, str] = {}
    for name, value in substitutions.items():
        if isinstance(value, list | dict) or value is None:
            reader.problem(join(where, str(name)), "expected a string, number or boolean")
            return None
        values[str(name)] = json.dumps(value) if isinstance(value, bool) else str(value)

    def replace(found: re.Match[str]) -> str:
        return values.get(found[1], found[0])

    return _VARIABLE.sub(replace, text)
