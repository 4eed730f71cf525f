"""An execution's history events written as Step Functions writes them to CloudWatch Logs.

A state machine whose `loggingConfiguration.level` is not OFF gets, for each execution, a
history list that also writes each event its level keeps ("Using CloudWatch Logs to log
execution history in Step Functions", https://docs.aws.amazon.com/step-functions/latest/dg/
cw-logs.html, "Log levels"): ALL every event; ERROR the failure events; FATAL the execution's
own failure ends. An event is `{"id", "type", "details", "previous_event_id", "event_timestamp",
"execution_arn"}` with string ids and an epoch-milliseconds string timestamp, and without the
input, output and parameters when `includeExecutionData` is false (the same page's examples).

AWS differs (unconfirmed): `redrive_count` is written as "0" beside them, as newer log events
carry it; an execution resumed after a restart writes no further events.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from stepfunctions.records.history import HistoryEvent

# The event types each level writes besides ALL's every one (the page's "Log levels" table).
_FATAL = frozenset({"ExecutionAborted", "ExecutionFailed", "ExecutionTimedOut"})
_ERROR = _FATAL | frozenset(
    {
        "FailStateEntered",
        "LambdaFunctionFailed",
        "LambdaFunctionScheduleFailed",
        "LambdaFunctionStartFailed",
        "LambdaFunctionTimedOut",
        "MapStateAborted",
        "MapStateFailed",
        "MapIterationAborted",
        "MapIterationFailed",
        "MapRunAborted",
        "MapRunFailed",
        "ParallelStateAborted",
        "ParallelStateFailed",
        "TaskFailed",
        "TaskStartFailed",
        "TaskStateAborted",
        "TaskSubmitFailed",
        "TaskTimedOut",
        "WaitStateAborted",
    }
)
_EXECUTION_DATA = frozenset({"input", "output", "parameters", "assignedVariables"})


class ExecutionLogSink(Protocol):
    """Where the events go: (epoch milliseconds, message) pairs, as PutLogEvents takes them."""

    def write(self, events: Sequence[tuple[int, str]]) -> None: ...


def logs_anything(logging_configuration: Mapping[str, Any]) -> bool:
    return str(logging_configuration.get("level", "OFF")) != "OFF"


class LoggedHistory(list[HistoryEvent]):
    """An execution's history that writes each kept event as it is appended."""

    __slots__ = ("_arn", "_include_data", "_level", "_sink")

    def __init__(
        self,
        execution_arn: str,
        logging_configuration: Mapping[str, Any],
        sink: ExecutionLogSink,
        events: Iterable[HistoryEvent] = (),
    ) -> None:
        super().__init__(events)
        self._arn = execution_arn
        self._level = str(logging_configuration.get("level", "OFF"))
        self._include_data = bool(logging_configuration.get("includeExecutionData", False))
        self._sink = sink

    def append(self, event: HistoryEvent) -> None:
        super().append(event)
        if self._kept(event.type):
            self._sink.write([(int(event.timestamp.timestamp() * 1000), self._message(event))])

    def _kept(self, event_type: str) -> bool:
        if self._level == "ALL":
            return True
        if self._level == "ERROR":
            return event_type in _ERROR
        return self._level == "FATAL" and event_type in _FATAL

    def _message(self, event: HistoryEvent) -> str:
        details: dict[str, Any] = {}
        for value in (event.details or {}).values():
            details = {
                key: item
                for key, item in value.items()
                if self._include_data or key not in _EXECUTION_DATA
            }
        return json.dumps(
            {
                "id": str(event.id),
                "type": event.type,
                "details": details,
                "previous_event_id": str(event.previous_event_id),
                "event_timestamp": str(int(event.timestamp.timestamp() * 1000)),
                "execution_arn": self._arn,
                "redrive_count": "0",
            },
            default=str,
        )
