"""Resuming a Standard execution after a restart, from the events its store recorded.

The top-level program resumes at the last state it entered. That state runs again with the
input its Entered event recorded, while a `Replay` hands back the events already recorded for it
instead of writing them twice, and tells their recorded times as the clock's `now`: a Wait keeps
its deadline (entered time + seconds), a task keeps its TimeoutSeconds (counted from its recorded
start), and a Pass or Choice that had been entered but not exited simply runs again (it is pure).
A Task that had been scheduled but had not finished is called again: Step Functions runs a Task
at least once, and its integrations are at-least-once too (dg "Standard vs. Express": "executions
are idempotent" only at the workflow level; idempotency of the work is the task's). An activity
or `.waitForTaskToken` task gets the same task token back (the store journals open tokens, their
last heartbeat and any outcome already sent), so a worker holding it can still answer.

A Parallel or inline Map state that was running keeps the branches or iterations that had
succeeded (their results are on the execution record, as for a redrive) and runs the others
again from their first state: their states run at least once, and the history keeps the events
they had written before the restart. A Distributed Map starts a new Map Run (a new
MapRunStarted) that runs all its items again as new child executions; the interrupted Map Run
ends ABORTED (child executions are not stored).
"""

from __future__ import annotations

import contextlib
import json
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from stepfunctions.language.model import MapState, ProcessorMode, Program, StateType
from stepfunctions.records.history import HistoryEvent
from stepfunctions.runtime.clock import Clock

_ENTERED_KEY = "stateEnteredEventDetails"
_EXITED_KEY = "stateExitedEventDetails"


@dataclass(frozen=True, slots=True)
class ResumePoint:
    """Where the top-level program continues, and what it had when it stopped."""

    state_name: str
    state_input: Any
    variables: dict[str, Any]
    previous_event_id: int
    recorded: tuple[HistoryEvent, ...] = ()
    # The worker named by a recorded ActivityStarted of the replayed state, if any.
    activity_worker: str | None = None
    # A Parallel or inline Map: its branches / iterations that had succeeded are kept (as a
    # redrive keeps them), the others run again from their start.
    branches: bool = False


def resume_point(
    program: Program, history: Iterable[HistoryEvent], execution_input: Any
) -> ResumePoint:
    """The resume point of a RUNNING execution from its recorded history."""
    top = [event for event in history if event.top]
    entered_at: int | None = None
    for index in range(len(top) - 1, -1, -1):
        if top[index].type.endswith("StateEntered"):
            entered_at = index
            break
    variables: dict[str, Any] = {}
    for event in top[: entered_at if entered_at is not None else len(top)]:
        exited = event.details.get(_EXITED_KEY) if event.details is not None else None
        if exited is not None:
            for name, text in exited.get("assignedVariables", {}).items():
                variables[name] = json.loads(text)
    if entered_at is None:
        last = top[-1].id if top else 0
        return ResumePoint(program.start_at, execution_input, variables, last)
    entered = top[entered_at]
    assert entered.details is not None
    details = entered.details[_ENTERED_KEY]
    name = details["name"]
    state = program.states[name]
    # A Distributed Map's succeeded children are counted on the record only now and then (its
    # events go to the children's histories), so its new Map Run runs every item again.
    distributed = isinstance(state, MapState) and state.mode is ProcessorMode.DISTRIBUTED
    branches = state.type in (StateType.PARALLEL, StateType.MAP) and not distributed
    recorded = tuple(top[entered_at:])
    worker = None
    for event in recorded:
        if event.type == "ActivityStarted" and event.details is not None:
            worker = event.details["activityStartedEventDetails"].get("workerName", "")
    return ResumePoint(
        name,
        json.loads(details["input"]),
        variables,
        entered.previous_event_id,
        recorded,
        worker,
        branches,
    )


@dataclass(slots=True, eq=False)
class Replay:
    """The recorded events still to be matched, and the clock the replayed state runs on.

    `now` is the time of the last recorded event taken (at first, of the Entered event) until
    the replay ends: at the first event that was not recorded, or at the first sleep once every
    recorded event has been taken. From then on it is the real clock's.
    """

    clock: Clock
    recorded: deque[HistoryEvent]
    _time: datetime | None = field(default=None)

    @classmethod
    def of(cls, clock: Clock, point: ResumePoint) -> Replay:
        recorded = deque(point.recorded)
        return cls(clock, recorded, recorded[0].timestamp if recorded else None)

    def now(self) -> datetime:
        return self._time if self._time is not None else self.clock.now()

    async def sleep_until(self, deadline: datetime) -> None:
        if not self.recorded:
            self._time = None
        await self.clock.sleep_until(deadline)

    def busy(self) -> contextlib.AbstractContextManager[None]:
        return self.clock.busy()

    def end(self) -> None:
        """A branch or iteration writes an event: whatever follows happens now."""
        self.recorded.clear()
        self._time = None

    def take(self, event_type: str) -> HistoryEvent | None:
        """The next recorded event when it is of `event_type`; otherwise the replay ends.

        A Map Run is never taken: the resumed Map starts a new one, under a new ARN.
        """
        if self.recorded and self.recorded[0].type == event_type != "MapRunStarted":
            event = self.recorded.popleft()
            self._time = event.timestamp
            return event
        # Anything else happens now: later recorded events (a retry that went differently) stay
        # in the history before the new ones.
        self.recorded.clear()
        self._time = None
        return None
