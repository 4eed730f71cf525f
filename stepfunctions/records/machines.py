"""State machines as the service keeps and describes them: the latest revision, the published
versions (`<machine arn>:<number>`) and the aliases that route starts over versions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from stepfunctions.language.model import StateMachineDefinition


@dataclass(frozen=True, slots=True)
class StateMachineVersion:
    """A published, immutable snapshot of a state machine (`<machine arn>:<number>`)."""

    arn: str
    machine_arn: str
    number: int
    definition_text: str
    definition: StateMachineDefinition
    role_arn: str
    type: str
    creation_date: datetime
    revision_id: str
    description: str | None
    logging_configuration: dict[str, Any]
    tracing_configuration: dict[str, Any]


@dataclass(slots=True)
class StateMachineAlias:
    """A name (`<machine arn>:<alias>`) routing starts over one or two versions by weight."""

    arn: str
    machine_arn: str
    name: str
    description: str | None
    routing: list[tuple[str, int]]
    creation_date: datetime
    update_date: datetime


@dataclass(slots=True)
class StateMachine:
    """The unqualified state machine: its latest revision, tags, versions and aliases."""

    arn: str
    name: str
    definition_text: str
    definition: StateMachineDefinition
    role_arn: str
    type: str
    creation_date: datetime
    revision_id: str
    logging_configuration: dict[str, Any]
    tracing_configuration: dict[str, Any]
    description: str | None = None
    update_date: datetime | None = None
    # ACTIVE, or DELETING between DeleteStateMachine and the end of its last running execution.
    status: str = "ACTIVE"
    tags: dict[str, str] = field(default_factory=dict)
    versions: dict[int, StateMachineVersion] = field(default_factory=dict)
    next_version: int = 1
    aliases: dict[str, StateMachineAlias] = field(default_factory=dict)
