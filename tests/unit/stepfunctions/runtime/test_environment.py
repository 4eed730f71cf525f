"""A run's environment: variable scopes, the context object's sections, and event chains.

Variable scoping is the developer guide's "Passing data between states with variables": a
Parallel branch or Map iteration reads the outer scope's variables and assigns its own. The
context object's Execution and StateMachine sections are dg "Accessing execution data from the
Context object" (Express executions have no RedriveCount: corpus
`express/test_express_sync::test_query_runtime_memory`).
"""

from __future__ import annotations

from collections import deque
from typing import Any

from stepfunctions.records.history import History
from stepfunctions.runtime.clock import FakeClock
from stepfunctions.runtime.environment import Env, Frame, Variables
from stepfunctions.runtime.interpreter import Interpreter
from stepfunctions.runtime.replay import Replay
from stepfunctions.runtime.task_registry import TaskRegistry
from tests.unit.stepfunctions.runtime.runs import ACCOUNT, START, make_execution

PASS = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}


def _env(data: Any = None, kind: str = "STANDARD") -> Env:
    clock = FakeClock(START)
    execution = make_execution(PASS, {"order": 7} if data is None else data, clock)
    execution.type = kind
    return Interpreter(clock, TaskRegistry()).environment(execution, History([]))


def test_a_child_scope_reads_the_outer_variables_and_assigns_its_own() -> None:
    outer = Variables()
    outer.assign({"x": 1, "y": 2})
    branch, sibling = outer.child(), outer.child()
    branch.assign({"y": 20, "z": 30})
    assert dict(branch.view) == {"x": 1, "y": 20, "z": 30}
    assert dict(outer.view) == {"x": 1, "y": 2}
    assert dict(sibling.view) == {"x": 1, "y": 2}
    # The outer scope's later assignments are seen through the child's view.
    outer.assign({"x": 10})
    assert branch.view["x"] == 10


def test_the_execution_section_is_built_from_the_record_once() -> None:
    env = _env()
    section = env.execution_context
    assert section == {
        "Id": f"arn:aws:states:us-east-1:{ACCOUNT}:execution:sm:run",
        "Input": {"order": 7},
        "StartTime": "2024-05-01T12:00:00.000Z",
        "Name": "run",
        "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/r",
        "RedriveCount": 0,
    }
    assert env.execution_context is section


def test_an_express_execution_has_no_redrive_count() -> None:
    assert "RedriveCount" not in _env(kind="EXPRESS").execution_context


def test_the_state_machine_section_names_the_machine() -> None:
    assert _env().machine_context == {
        "Id": f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:sm",
        "Name": "sm",
    }


def test_each_frame_chains_its_own_events() -> None:
    env = _env()
    top = Frame(env, Variables(), 0, top_level=True)
    assert top.event("ExecutionStarted") == 1
    assert top.event("ParallelStateEntered", {"name": "P"}) == 2
    left, right = top.child(), top.child()
    assert left.event("PassStateEntered", {"name": "L"}) == 3
    assert right.event("PassStateEntered", {"name": "R"}) == 4
    assert left.event("PassStateExited", {"name": "L"}) == 5
    events = env.history.events
    # Both branches follow the Parallel's Entered event; each goes on from its own last event.
    assert [(e.id, e.previous_event_id) for e in events] == [(1, 0), (2, 1), (3, 2), (4, 2), (5, 3)]
    assert [e.top for e in events] == [True, True, False, False, False]
    assert events[1].details == {"stateEnteredEventDetails": {"name": "P"}}
    assert events[0].timestamp == START


def test_a_resumed_frame_takes_recorded_events_instead_of_writing_them_again() -> None:
    env = _env()
    top = Frame(env, Variables(), 0, top_level=True)
    top.event("ExecutionStarted")
    entered = env.history.add("WaitStateEntered", START, {"name": "W"})
    env.replay = Replay(env.clock, deque([entered]), entered.timestamp)
    assert top.event("WaitStateEntered", {"name": "W"}) == entered.id
    assert len(env.history.events) == 2
    # The first event that was not recorded ends the replay and is written.
    assert top.event("WaitStateExited", {"name": "W"}) == 3
    assert [e.type for e in env.history.events][-1] == "WaitStateExited"
    assert env.history.events[-1].previous_event_id == entered.id


def test_inspection_is_collected_only_for_test_state() -> None:
    frame = Frame(_env(), Variables(), 0, top_level=True)
    frame.inspect("input", {"a": 1})
    assert frame.inspection is None
    frame.inspection = {}
    frame.inspect("input", {"a": 1})
    frame.inspect_raw("errorDetails", {"retryIndex": 0})
    assert frame.inspection == {"input": '{"a":1}', "errorDetails": {"retryIndex": 0}}
