"""Execution history events, in the shape GetExecutionHistory returns them.

Events are appended as they happen; payloads are kept as the JSON text AWS shows, so an event is
never affected by later changes to the values it recorded.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from stepfunctions.errors import HistoryLimitReachedError

# Detail fields that carry execution data; GetExecutionHistory(includeExecutionData=false) drops
# them and keeps the rest (names, errors, resources).
_EXECUTION_DATA_FIELDS = frozenset(
    {
        "input",
        "inputDetails",
        "output",
        "outputDetails",
        "parameters",
        "assignedVariables",
        "assignedVariablesDetails",
    }
)

# Every `*StateEntered` / `*StateExited` type shares one details key (botocore's HistoryEvent).
_STATE_ENTERED = "stateEnteredEventDetails"
_STATE_EXITED = "stateExitedEventDetails"


@functools.cache
def details_key(event_type: str) -> str:
    """The HistoryEvent member that holds the details of `event_type`."""
    if event_type.endswith("StateEntered"):
        return _STATE_ENTERED
    if event_type.endswith("StateExited"):
        return _STATE_EXITED
    return event_type[0].lower() + event_type[1:] + "EventDetails"


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    """One event; `details` maps its AWS details key to the details object, or is None."""

    id: int
    previous_event_id: int
    timestamp: datetime
    type: str
    details: Mapping[str, Any] | None
    # Written by the execution's own top-level program (not a Parallel branch or Map iteration):
    # what a resume after a restart walks. Not part of the wire shape.
    top: bool = True

    def to_wire(self, include_execution_data: bool = True) -> dict[str, Any]:
        """boto3's HistoryEvent shape: timestamp, type, id, previousEventId and the details."""
        wire: dict[str, Any] = {
            "timestamp": self.timestamp,
            "type": self.type,
            "id": self.id,
            "previousEventId": self.previous_event_id,
        }
        if self.details is not None:
            for key, value in self.details.items():
                if include_execution_data or not isinstance(value, Mapping):
                    wire[key] = dict(value) if isinstance(value, Mapping) else value
                else:
                    wire[key] = {k: v for k, v in value.items() if k not in _EXECUTION_DATA_FIELDS}
        return wire


# AWS fails an execution whose history reaches 25,000 events: event 25,000 is ExecutionFailed
# with States.Runtime (recorded against AWS in floci-io/floci#2734).
HISTORY_EVENT_LIMIT = 25_000
HISTORY_LIMIT_CAUSE = "The execution reached the maximum number of history events ({limit})."
_TERMINAL_TYPES = frozenset(
    {"ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted"}
)


class History:
    """An append-only event list that hands out ids and remembers the previous event id.

    With a `limit`, a non-terminal event that would take the last slot raises
    `HistoryLimitReachedError`; the interpreter then ends the execution with ExecutionFailed.
    """

    __slots__ = ("events", "limit")

    def __init__(self, events: list[HistoryEvent], limit: int | None = None) -> None:
        self.events = events
        self.limit = limit

    @property
    def last_id(self) -> int:
        return self.events[-1].id if self.events else 0

    def add(
        self,
        event_type: str,
        timestamp: datetime,
        details: Mapping[str, Any] | None = None,
        previous_event_id: int | None = None,
        top: bool = True,
    ) -> HistoryEvent:
        """Append an event; its previous id is the last event's unless given."""
        events = self.events
        if (
            self.limit is not None
            and len(events) >= self.limit - 1
            and event_type not in _TERMINAL_TYPES
        ):
            raise HistoryLimitReachedError(event_type)
        event_id = len(events) + 1 if not events else events[-1].id + 1
        prev = (events[-1].id if events else 0) if previous_event_id is None else previous_event_id
        wrapped = None if details is None else {details_key(event_type): details}
        event = HistoryEvent(event_id, prev, timestamp, event_type, wrapped, top)
        events.append(event)
        return event
