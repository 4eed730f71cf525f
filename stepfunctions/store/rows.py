"""SqliteStore's rows: state machines, activities, executions and map runs as JSON objects.

A record is its dataclass's fields in declaration order, under their camelCase names (a few
keep shorter ones), minus the fields that are derived or live only while running. Dates are
ISO-8601 text and enums their value; definitions are kept as their JSON text and parsed again
on load (through `parse`, which the store caches by text). Stores survive restarts, so the keys
and their order are a file format: a renamed dataclass field needs an entry in `keys` here; a
new one is written from then on, and rows written before it load with the field's default (a
new field without a default needs a migration).
"""

from __future__ import annotations

import json
import typing
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from enum import Enum
from typing import Any

from stepfunctions.language.model import StateMachineDefinition
from stepfunctions.records.activities import Activity
from stepfunctions.records.execution import Execution, MapRun
from stepfunctions.records.machines import StateMachine, StateMachineAlias, StateMachineVersion

Parse = Callable[[str], StateMachineDefinition]
_Convert = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class _Field:
    """One stored field: its dataclass name, its JSON key, and its conversions each way."""

    name: str
    key: str
    dump: _Convert
    load: _Convert


def _same(value: Any) -> Any:
    return value


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _date(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _enum_value(member: Enum) -> Any:
    return member.value


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(word.title() for word in rest)


def _conversions(hint: Any) -> tuple[_Convert, _Convert]:
    if hint is datetime:
        return _iso, datetime.fromisoformat
    if hint == datetime | None:
        return _iso, _date
    if isinstance(hint, type) and issubclass(hint, Enum):
        return _enum_value, hint
    return _same, _same


def _layout(
    record: type,
    *,
    skip: Collection[str] = (),
    keys: Mapping[str, str] | None = None,
    convert: Mapping[str, tuple[_Convert, _Convert]] | None = None,
) -> tuple[_Field, ...]:
    """The stored fields of a record dataclass, with conversions chosen by type unless given."""
    hints = typing.get_type_hints(record)
    return tuple(
        _Field(
            field.name,
            (keys or {}).get(field.name, _camel(field.name)),
            *(convert or {}).get(field.name, _conversions(hints[field.name])),
        )
        for field in fields(record)
        if field.name not in skip
    )


def _body(
    record: object, layout: tuple[_Field, ...], given: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The record's stored fields; those in `given` take its value as stored, unconverted."""
    given = given or {}
    return {
        field.key: given[field.name]
        if field.name in given
        else field.dump(getattr(record, field.name))
        for field in layout
    }


def _values(body: Mapping[str, Any], layout: tuple[_Field, ...]) -> dict[str, Any]:
    """The stored fields as constructor arguments. A key the row lacks (a field added after it
    was written) is left to the dataclass's default, so older stores still load."""
    return {field.name: field.load(body[field.key]) for field in layout if field.key in body}


_MAP_RUN = _layout(MapRun, keys={"map_run_arn": "arn"})
_EXECUTION = _layout(
    Execution,
    skip={"history", "parent_map_run_arn", "terminating", "_task", "_child_executions"},
    keys={
        "execution_arn": "arn",
        "state_machine_version_arn": "versionArn",
        "state_machine_alias_arn": "aliasArn",
    },
    convert={
        "map_runs": (
            lambda runs: [_body(run, _MAP_RUN) for run in runs],
            # AWS differs: a map run still RUNNING at a restart is not resumed; its execution fails.
            lambda items: [MapRun(**_values(item, _MAP_RUN)) for item in items],
        ),
        "redrive_partial": (
            lambda partial: {str(k): v for k, v in partial.items()},
            lambda partial: {int(k): v for k, v in partial.items()},
        ),
    },
)
_DEFINITION = {"definition_text": "definition"}
_MACHINE = _layout(StateMachine, skip={"definition", "versions", "aliases"}, keys=_DEFINITION)
_VERSION = _layout(StateMachineVersion, skip={"machine_arn", "definition"}, keys=_DEFINITION)
_ALIAS = _layout(
    StateMachineAlias,
    skip={"machine_arn"},
    convert={"routing": (_same, lambda pairs: [(arn, weight) for arn, weight in pairs])},
)
_ACTIVITY = _layout(Activity)


def machine_body(machine: StateMachine) -> dict[str, Any]:
    return {
        **_body(machine, _MACHINE),
        "versions": [_body(v, _VERSION) for v in machine.versions.values()],
        "aliases": [_body(a, _ALIAS) for a in machine.aliases.values()],
    }


def machine_from(body: dict[str, Any], parse: Parse) -> StateMachine:
    """A StateMachine (with its versions and aliases) from `machine_body`'s JSON."""
    machine = StateMachine(**_values(body, _MACHINE), definition=parse(body["definition"]))
    for item in body["versions"]:
        version = StateMachineVersion(
            **_values(item, _VERSION),
            machine_arn=machine.arn,
            definition=parse(item["definition"]),
        )
        machine.versions[version.number] = version
    for item in body["aliases"]:
        alias = StateMachineAlias(**_values(item, _ALIAS), machine_arn=machine.arn)
        machine.aliases[alias.name] = alias
    return machine


def activity_body(activity: Activity) -> dict[str, Any]:
    return _body(activity, _ACTIVITY)


def activity_from(body: dict[str, Any]) -> Activity:
    return Activity(**_values(body, _ACTIVITY))


def execution_text(execution: Execution, definition_text: str) -> str:
    # The definition is stored as the text it was parsed from, which the store keeps.
    body = _body(execution, _EXECUTION, {"definition": definition_text})
    return json.dumps(body, separators=(",", ":"), default=str)


def execution_from(body: dict[str, Any], parse: Parse) -> Execution:
    """An Execution record (without history) from `execution_text`'s JSON."""
    values = _values(body, _EXECUTION)
    return Execution(**{**values, "definition": parse(values["definition"])})
