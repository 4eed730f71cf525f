"""Task tokens: `.waitForTaskToken` callbacks and activities.

A Task that waits for a token (the `.waitForTaskToken` pattern, or an activity Resource) opens a
`PendingTask`; SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat close or refresh it, and
GetActivityTask hands activity tasks to workers, waiting up to 60 seconds for one (API
reference, GetActivityTask). Errors are the API's: `InvalidToken` for a token this engine never
issued in that form, `TaskDoesNotExist` for one it does not know, `TaskTimedOut` for one whose
task has timed out.
"""

from __future__ import annotations

import asyncio
import base64
import re
import secrets
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from stepfunctions.errors import TaskTokenError
from stepfunctions.records.tokens import Outcome, TokenJournal, TokenRecord
from stepfunctions.runtime.clock import Clock, race_deadline
from stepfunctions.runtime.errors import DeadlineReachedError

# GetActivityTask long-polls for 60 seconds before answering with an empty token.
ACTIVITY_POLL_SECONDS = 60
_TOKEN = re.compile(r"AQ[A-Za-z0-9_-]{80,}={0,2}")
_CLOSED_REMEMBERED = 10_000


@dataclass(slots=True, eq=False)
class PendingTask:
    """A task waiting on its token; `signal` is set by an outcome and by each heartbeat."""

    token: str
    input_text: str
    last_heartbeat: datetime
    on_started: Callable[[str], None] | None = None
    outcome: Outcome | None = None
    signal: asyncio.Event = field(default_factory=asyncio.Event)
    started: asyncio.Event = field(default_factory=asyncio.Event)


class Callbacks:
    """The engine's open task tokens and activity queues."""

    def __init__(self, clock: Clock, journal: TokenJournal | None = None) -> None:
        self._clock = clock
        self.journal = journal
        self._pending: dict[str, PendingTask] = {}
        self._closed: OrderedDict[str, str] = OrderedDict()
        self._activities: dict[str, deque[PendingTask]] = {}
        # GetActivityTask polls waiting for a task; None answers one without a task.
        self._workers: dict[str, deque[asyncio.Future[PendingTask | None]]] = {}

    @staticmethod
    def new_token() -> str:
        """An opaque token shaped like AWS's (base64 text starting with `AQ`)."""
        return "AQ" + base64.urlsafe_b64encode(secrets.token_bytes(96)).decode()

    def open(
        self,
        token: str,
        input_text: str,
        activity_arn: str | None = None,
        on_started: Callable[[str], None] | None = None,
    ) -> PendingTask:
        """Register a task waiting on `token`; an activity task is queued for its workers."""
        pending = PendingTask(token, input_text, self._clock.now(), on_started)
        self._pending[token] = pending
        if activity_arn is not None:
            waiters = self._workers.get(activity_arn)
            while waiters:
                waiter = waiters.popleft()
                if not waiter.done():
                    waiter.set_result(pending)
                    return pending
            self._activities.setdefault(activity_arn, deque()).append(pending)
        return pending

    def close(self, token: str, reason: str) -> None:
        """Forget `token`; later calls with it fail with `reason` (e.g. TaskTimedOut)."""
        pending = self._pending.pop(token, None)
        for queue in self._activities.values():
            if pending is not None and pending in queue:
                queue.remove(pending)
        self._closed[token] = reason
        if self.journal is not None:
            self.journal.token_closed(token)
        while len(self._closed) > _CLOSED_REMEMBERED:
            self._closed.popitem(last=False)

    def succeed(self, token: str, output: str) -> None:
        """SendTaskSuccess: `output` is the task's result as JSON text."""
        self._resolve(token, Outcome(output=output))

    def fail(self, token: str, error: str | None, cause: str | None) -> None:
        """SendTaskFailure."""
        self._resolve(token, Outcome(error=error, cause=cause))

    def heartbeat(self, token: str) -> None:
        """SendTaskHeartbeat: the HeartbeatSeconds clock starts again."""
        pending = self._lookup(token)
        pending.last_heartbeat = self._clock.now()
        if self.journal is not None:
            self.journal.token_heartbeat(token, pending.last_heartbeat)
        pending.signal.set()

    def clear(self) -> None:
        """Forget every open token and queued activity task (a test's reset, once the executions
        that opened them are gone). Workers polling GetActivityTask keep waiting for new tasks."""
        self._pending.clear()
        self._closed.clear()
        for queue in self._activities.values():
            queue.clear()

    def for_execution(self, execution_arn: str, clock: Clock) -> Callbacks:
        """The callbacks an execution's tasks use: they journal the tokens they open."""
        if self.journal is None:
            return self
        return ExecutionCallbacks(self, execution_arn, clock)

    async def get_activity_task(
        self,
        activity_arn: str,
        worker_name: str | None,
        wait_seconds: float = ACTIVITY_POLL_SECONDS,
    ) -> tuple[str, str] | None:
        """GetActivityTask: (taskToken, input) of the next task, or None after the long poll."""
        queue = self._activities.get(activity_arn)
        pending = queue.popleft() if queue else None
        if pending is None:
            waiter: asyncio.Future[PendingTask | None] = asyncio.get_running_loop().create_future()
            self._workers.setdefault(activity_arn, deque()).append(waiter)
            deadline = self._clock.now() + timedelta(seconds=wait_seconds)

            async def handed_out() -> PendingTask | None:
                return await asyncio.shield(waiter)

            try:
                pending = await race_deadline(self._clock, deadline, handed_out)
            except DeadlineReachedError:
                if waiter.done() and not waiter.cancelled():
                    pending = waiter.result()
                else:
                    waiter.cancel()
                    return None
            if pending is None:  # released (release_workers)
                return None
        if pending.on_started is not None:
            pending.on_started(worker_name or "")
        pending.last_heartbeat = self._clock.now()
        pending.started.set()
        return pending.token, pending.input_text

    def release_workers(self) -> None:
        """Answer every GetActivityTask waiting in its long poll now, without a task, as a poll
        that found none is answered (the server is stopping)."""
        for waiters in self._workers.values():
            while waiters:
                waiter = waiters.popleft()
                if not waiter.done():
                    waiter.set_result(None)

    def _resolve(self, token: str, outcome: Outcome) -> None:
        pending = self._lookup(token)
        self._pending.pop(token, None)
        if self.journal is not None:
            self.journal.token_resolved(token, outcome)
        pending.outcome = outcome
        pending.signal.set()

    def _lookup(self, token: str) -> PendingTask:
        pending = self._pending.get(token)
        if pending is not None:
            return pending
        if not _TOKEN.fullmatch(token):
            raise TaskTokenError("InvalidToken", f"Invalid Token: '{token}'")
        if self._closed.get(token) == "TaskTimedOut":
            # AWS's text, recorded in aws-samples/amazon-mwaa-examples#61.
            raise TaskTokenError(
                "TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'"
            )
        raise TaskTokenError("TaskDoesNotExist", "Task does not exist anymore")


class ExecutionCallbacks(Callbacks):
    """One execution's view of the shared callbacks: same tokens and queues, journaled.

    For a resumed execution, `resume` hands the journaled token back to the first task that
    asks for one; when its activity had already been handed to a worker (`worker`), the task is
    not queued again but counts as started, and an outcome sent before the restart is delivered.
    """

    def __init__(self, shared: Callbacks, execution_arn: str, clock: Clock) -> None:
        self._clock = clock
        self.journal = shared.journal
        self._pending = shared._pending
        self._closed = shared._closed
        self._activities = shared._activities
        self._workers = shared._workers
        self._execution_arn = execution_arn
        self._resumed: TokenRecord | None = None
        self._resumed_worker: str | None = None

    def resume(self, record: TokenRecord | None, worker: str | None) -> None:
        self._resumed, self._resumed_worker = record, worker

    def new_token(self) -> str:  # type: ignore[override]
        if self._resumed is not None:
            return self._resumed.token
        return Callbacks.new_token()

    def open(
        self,
        token: str,
        input_text: str,
        activity_arn: str | None = None,
        on_started: Callable[[str], None] | None = None,
    ) -> PendingTask:
        record = (
            self._resumed if self._resumed is not None and self._resumed.token == token else None
        )
        self._resumed = None
        if record is None:
            if self.journal is not None:
                self.journal.token_opened(token, self._execution_arn)
            return super().open(token, input_text, activity_arn, on_started)
        worker, self._resumed_worker = self._resumed_worker, None
        if activity_arn is not None and worker is not None:
            # The worker that took the task before the restart still holds its token.
            pending = PendingTask(token, input_text, self._clock.now(), on_started)
            self._pending[token] = pending
            if on_started is not None:
                on_started(worker)
            pending.started.set()
        else:
            pending = super().open(token, input_text, activity_arn, on_started)
        if record.last_heartbeat is not None and record.last_heartbeat > pending.last_heartbeat:
            pending.last_heartbeat = record.last_heartbeat
        if record.outcome is not None:
            self._pending.pop(token, None)
            pending.outcome = record.outcome
            pending.signal.set()
        return pending


__all__ = [
    "ACTIVITY_POLL_SECONDS",
    "Callbacks",
    "ExecutionCallbacks",
    "PendingTask",
]
