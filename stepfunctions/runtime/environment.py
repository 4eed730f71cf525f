"""Where a run of an execution happens: its environment, its threads of control, its variables.

An `Env` exists once per run of an execution (the execution record, clock, TaskRegistry,
history, callbacks, and what TestState, a redrive or a resume changes); a `Frame` is one thread
of control in it (the top level, a Parallel branch or a Map iteration) with its own variable
scope and its own chain of previous-event ids. One entry into a state is a `state_run.StateRun`.
"""

from __future__ import annotations

import json
import random
from collections import ChainMap
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from stepfunctions.language.model import (
    Program,
)
from stepfunctions.language.paths import json_text
from stepfunctions.records.execution import Execution
from stepfunctions.records.history import History
from stepfunctions.runtime.callbacks import Callbacks
from stepfunctions.runtime.clock import Clock
from stepfunctions.runtime.context_object import (
    execution_section,
    state_machine_section,
)
from stepfunctions.runtime.mock import TestStateMock
from stepfunctions.runtime.replay import Replay
from stepfunctions.runtime.task_registry import TaskRegistry


class Variables:
    """A variable scope: Assign writes here; reads fall through to the enclosing scopes."""

    __slots__ = ("own", "view")

    def __init__(self, parent: Variables | None = None) -> None:
        self.own: dict[str, Any] = {}
        self.view: ChainMap[str, Any] = (
            ChainMap(self.own, *parent.view.maps) if parent is not None else ChainMap(self.own)
        )

    def child(self) -> Variables:
        """The scope of a Parallel branch or Map iteration: reads outer, writes its own."""
        return Variables(self)

    def assign(self, values: Mapping[str, Any]) -> None:
        self.own.update(values)


ProgramRunner = Callable[[Program, Any, "Frame", str | None], Awaitable[Any]]


class ExecutionRunner(Protocol):
    """What a state needs from the interpreter that runs it: a Distributed Map runs its child
    executions, and a state entered after DeleteStateMachine stops its own execution."""

    async def run(self, execution: Execution) -> None: ...

    def stop(self, execution: Execution, error: str | None, cause: str | None) -> None: ...


@dataclass(slots=True, eq=False)
class Env:
    """One run of one execution."""

    execution: Execution
    clock: Clock
    tasks: TaskRegistry
    history: History
    rng: random.Random
    interpreter: ExecutionRunner
    run_program: ProgramRunner
    callbacks: Callbacks
    # TestState: a mocked Task outcome, and one attempt only (retries are reported, not run).
    mock: TestStateMock | None = None
    single_state: bool = False
    # A redrive: the state it resumes at and the branch / iteration results already done there.
    resume_state: str | None = None
    resume_results: dict[int, Any] = field(default_factory=dict)
    # A resume after a restart: the recorded events of the state being replayed (also the clock).
    replay: Replay | None = None
    _execution_context: dict[str, Any] | None = None
    _machine_context: dict[str, Any] | None = None

    # Built on first use: most states never read the context object, and a Distributed Map
    # starts thousands of executions whose single Pass state does not.
    @property
    def execution_context(self) -> dict[str, Any]:
        """`$$.Execution`, built once per run."""
        if self._execution_context is None:
            execution = self.execution
            self._execution_context = execution_section(
                execution.execution_arn,
                json.loads(execution.input) if execution.input else {},
                execution.name,
                execution.role_arn,
                execution.start_date,
                execution.redrive_count if execution.type == "STANDARD" else None,
            )
        return self._execution_context

    @property
    def machine_context(self) -> dict[str, Any]:
        """`$$.StateMachine`."""
        if self._machine_context is None:
            execution = self.execution
            self._machine_context = state_machine_section(
                execution.state_machine_arn, execution.state_machine_name
            )
        return self._machine_context


@dataclass(slots=True, eq=False)
class Frame:
    """One thread of control: its variables and the id its next event follows."""

    env: Env
    variables: Variables
    previous_event_id: int
    map_item: dict[str, Any] | None = None
    # TestState's inspectionData, collected while a single state runs; None otherwise.
    inspection: dict[str, Any] | None = None
    # The error a catcher took (TestState reports it with CAUGHT_ERROR).
    caught_error: tuple[str | None, str | None] | None = None
    # The execution's own top-level program (not a branch or iteration): where a redrive resumes.
    top_level: bool = False
    # TestState's `context`: replaces the whole context object when given.
    context_override: Mapping[str, Any] | None = None
    # The last state output and its JSON text, reused for the next Entered event.
    last_output: Any = None
    last_output_text: str | None = None

    def event(self, event_type: str, details: Mapping[str, Any] | None = None) -> int:
        """Append an event that follows this frame's previous event; returns its id.

        While a resumed execution replays the state it was in, an event already recorded is
        taken from the history instead of being written twice.
        """
        replay = self.env.replay
        if replay is not None:
            if not self.top_level:
                replay.end()
            else:
                recorded = replay.take(event_type)
                if recorded is not None:
                    self.previous_event_id = recorded.id
                    return recorded.id
        event = self.env.history.add(
            event_type,
            self.env.clock.now(),
            details,
            previous_event_id=self.previous_event_id,
            top=self.top_level,
        )
        self.previous_event_id = event.id
        return event.id

    def child(self, map_item: dict[str, Any] | None = None) -> Frame:
        return Frame(self.env, self.variables.child(), self.previous_event_id, map_item)

    def inspect(self, key: str, value: Any) -> None:
        """Record an intermediate value for TestState as JSON text (no-op outside TestState)."""
        if self.inspection is not None:
            self.inspection[key] = json_text(value)

    def inspect_raw(self, key: str, value: Any) -> None:
        """Record a TestState inspection field that is not JSON text (numbers, errorDetails)."""
        if self.inspection is not None:
            self.inspection[key] = value
