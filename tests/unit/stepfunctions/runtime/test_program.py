"""Running a program state by state, and where a redrive of its execution would resume.

API reference, RedriveExecution: a redrive restarts the execution "from the unsuccessful state",
with the input that state had; the top-level program notes both as it enters each state.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from stepfunctions.language.model import StateType
from stepfunctions.language.parse import parse_definition
from stepfunctions.records.history import History
from stepfunctions.runtime.clock import FakeClock
from stepfunctions.runtime.environment import Frame, Variables
from stepfunctions.runtime.errors import UncaughtError
from stepfunctions.runtime.flow_states import run_choice, run_fail, run_pass, run_succeed, run_wait
from stepfunctions.runtime.interpreter import Interpreter
from stepfunctions.runtime.map_state import run_map
from stepfunctions.runtime.parallel_state import run_parallel
from stepfunctions.runtime.program import executor_for, run_program
from stepfunctions.runtime.task_registry import TaskRegistry
from stepfunctions.runtime.task_state import run_task
from tests.unit.stepfunctions.runtime.runs import START, make_execution

CHAIN = {
    "StartAt": "First",
    "States": {
        "First": {"Type": "Pass", "Result": {"n": 1}, "Next": "Second"},
        "Second": {"Type": "Pass", "Parameters": {"n.$": "$.n", "m": 2}, "Next": "Check"},
        "Check": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.n", "NumericEquals": 1, "Next": "Done"}],
            "Default": "Broken",
        },
        "Done": {"Type": "Succeed"},
        "Broken": {"Type": "Fail", "Error": "Broken", "Cause": "n was not 1"},
    },
}


def _frame(definition: dict[str, Any], *, top_level: bool = True) -> Frame:
    clock = FakeClock(START)
    execution = make_execution(definition, {}, clock)
    env = Interpreter(clock, TaskRegistry()).environment(execution, History([]))
    return Frame(env, Variables(), 0, top_level=top_level)


@pytest.mark.parametrize(
    ("kind", "executor"),
    [
        (StateType.PASS, run_pass),
        (StateType.TASK, run_task),
        (StateType.CHOICE, run_choice),
        (StateType.WAIT, run_wait),
        (StateType.SUCCEED, run_succeed),
        (StateType.FAIL, run_fail),
        (StateType.PARALLEL, run_parallel),
        (StateType.MAP, run_map),
    ],
)
def test_each_state_type_has_its_executor(kind: StateType, executor: object) -> None:
    state = {
        StateType.PASS: {"Type": "Pass", "End": True},
        StateType.TASK: {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True},
        StateType.CHOICE: {
            "Type": "Choice",
            "Choices": [{"Variable": "$.a", "IsPresent": True, "Next": "S"}],
        },
        StateType.WAIT: {"Type": "Wait", "Seconds": 1, "End": True},
        StateType.SUCCEED: {"Type": "Succeed"},
        StateType.FAIL: {"Type": "Fail"},
        StateType.PARALLEL: {
            "Type": "Parallel",
            "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass", "End": True}}}],
            "End": True,
        },
        StateType.MAP: {
            "Type": "Map",
            "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": True}}},
            "End": True,
        },
    }[kind]
    machine = {"StartAt": "X", "States": {"X": state, "S": {"Type": "Succeed"}}}
    program = parse_definition(json.dumps(machine)).program
    assert executor_for(program.states["X"]) is executor


@pytest.mark.anyio
async def test_a_program_runs_from_start_at_to_the_state_that_ends_it() -> None:
    frame = _frame(CHAIN)
    program = frame.env.execution.definition.program
    assert await run_program(program, {"ignored": True}, frame) == {"n": 1, "m": 2}
    entered = [e.details for e in frame.env.history.events if e.type.endswith("StateEntered")]
    names = [d["stateEnteredEventDetails"]["name"] for d in entered if d is not None]
    assert names == ["First", "Second", "Check", "Done"]


@pytest.mark.anyio
async def test_a_program_can_start_at_another_state() -> None:
    frame = _frame(CHAIN)
    program = frame.env.execution.definition.program
    with pytest.raises(UncaughtError) as caught:
        await run_program(program, {"n": 5}, frame, "Check")
    assert (caught.value.error, caught.value.cause) == ("Broken", "n was not 1")


@pytest.mark.anyio
async def test_the_top_level_program_notes_where_a_redrive_resumes() -> None:
    frame = _frame(CHAIN)
    execution = frame.env.execution
    with pytest.raises(UncaughtError):
        await run_program(execution.definition.program, {"n": 5}, frame, "Check")
    # The Fail state the execution stopped in, with the input it had.
    assert (execution.redrive_state, execution.redrive_input) == ("Broken", {"n": 5})


@pytest.mark.anyio
async def test_a_branch_or_iteration_leaves_the_redrive_point_alone() -> None:
    frame = _frame(CHAIN, top_level=False)
    execution = frame.env.execution
    await run_program(execution.definition.program, {}, frame)
    assert (execution.redrive_state, execution.redrive_input) == (None, None)
