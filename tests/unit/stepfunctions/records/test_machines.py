"""State machines, their published versions and aliases as the service keeps them."""

from __future__ import annotations

import dataclasses

import pytest

from stepfunctions.records.machines import StateMachineAlias, StateMachineVersion
from tests.unit.stepfunctions.records.records_support import api_enum
from tests.unit.stepfunctions.store.store_support import (
    DEFINITION,
    MACHINE_ARN,
    ROLE,
    START,
    stored_machine,
)


def _version(number: int) -> StateMachineVersion:
    return StateMachineVersion(
        arn=f"{MACHINE_ARN}:{number}",
        machine_arn=MACHINE_ARN,
        number=number,
        definition_text="{}",
        definition=DEFINITION,
        role_arn=ROLE,
        type="STANDARD",
        creation_date=START,
        revision_id="r1",
        description=None,
        logging_configuration={},
        tracing_configuration={},
    )


def test_a_new_machine_is_active_with_no_versions_or_aliases() -> None:
    machine = stored_machine()
    assert machine.status == "ACTIVE"
    assert machine.status in api_enum("StateMachineStatus")
    assert machine.type in api_enum("StateMachineType")
    assert (machine.versions, machine.aliases, machine.next_version) == ({}, {}, 1)
    assert (machine.description, machine.update_date) == (None, None)


def test_a_published_version_cannot_change() -> None:
    # API reference, PublishStateMachineVersion: a version is an immutable snapshot.
    version = _version(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        version.definition_text = '{"Comment": "changed"}'  # type: ignore[misc]


def test_each_machine_keeps_its_own_versions_aliases_and_tags() -> None:
    first, second = stored_machine(), stored_machine(f"{MACHINE_ARN}2")
    first.versions[1] = _version(1)
    first.aliases["live"] = StateMachineAlias(
        arn=f"{MACHINE_ARN}:live",
        machine_arn=MACHINE_ARN,
        name="live",
        description=None,
        routing=[(f"{MACHINE_ARN}:1", 100)],
        creation_date=START,
        update_date=START,
    )
    first.tags["team"] = "a"
    assert (second.versions, second.aliases, second.tags) == ({}, {}, {})
