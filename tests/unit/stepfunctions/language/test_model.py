"""The model is immutable: a parsed definition can be shared by every execution."""

from __future__ import annotations

import dataclasses
import json

import pytest

from stepfunctions.language.model import PassState, StateMachineDefinition
from stepfunctions.language.parse import parse_definition


def definition() -> StateMachineDefinition:
    return parse_definition(
        json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": 1, "End": True}}})
    )


def test_states_and_definitions_are_frozen() -> None:
    parsed = definition()
    state = parsed.program.states["A"]
    assert isinstance(state, PassState)
    with pytest.raises(dataclasses.FrozenInstanceError):
        state.result = 2  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.timeout_seconds = 1  # type: ignore[misc]


def test_states_use_slots() -> None:
    state = definition().program.states["A"]
    assert not hasattr(state, "__dict__")


def test_the_raw_definition_is_kept_for_describe() -> None:
    assert definition().raw["States"]["A"]["Result"] == 1
