"""`SqliteStore`: state machines, activities and Standard executions kept in a SQLite file.

The store keeps the live objects in memory (it is a `MemoryStore`) and writes them through to
SQLite, so reads never touch the disk. History events are written as they happen: an append
schedules one flush for the current turn of the event loop, so every event written in one
synchronous step (a state's Exited and the next state's Entered) lands in one transaction, and a
crash leaves a history that ends between two steps. WAL mode keeps those commits cheap.

Express executions stay in memory only (AWS keeps no history for them). At most `retention`
finished executions are kept, in memory and on disk; the oldest finished ones go first. Open
task tokens are journaled (`TokenJournal`) so that a resumed execution waits on the same token.
Machines and activities are written by `commit`, which the service calls after each operation
that may change them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from stepfunctions.language.model import StateMachineDefinition
from stepfunctions.language.parse import parse_definition
from stepfunctions.records.activities import Activity
from stepfunctions.records.execution import Execution, ExecutionStatus
from stepfunctions.records.history import HistoryEvent
from stepfunctions.records.machines import StateMachine
from stepfunctions.records.tokens import Outcome, TokenJournal, TokenRecord
from stepfunctions.store.memory import MemoryStore
from stepfunctions.store.retention import DEFAULT_RETENTION
from stepfunctions.store.rows import (
    activity_body,
    activity_from,
    execution_from,
    execution_text,
    machine_body,
    machine_from,
)

logger = logging.getLogger(__name__)

MEMORY = ":memory:"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS machines (arn TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS activities (arn TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS executions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    arn TEXT UNIQUE NOT NULL,
    status TEXT NOT NULL,
    finished INTEGER NOT NULL DEFAULT 0,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    execution_arn TEXT NOT NULL,
    id INTEGER NOT NULL,
    previous_id INTEGER NOT NULL,
    timestamp TEXT NOT NULL,
    type TEXT NOT NULL,
    top INTEGER NOT NULL,
    details TEXT,
    PRIMARY KEY (execution_arn, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY,
    execution_arn TEXT NOT NULL,
    seq INTEGER NOT NULL,
    last_heartbeat TEXT,
    outcome TEXT
);
"""


class JournaledEvents(list[HistoryEvent]):
    """An execution's history list that tells its store about each appended event."""

    __slots__ = ("_store", "arn", "written")

    def __init__(self, events: Iterable[HistoryEvent], store: SqliteStore, arn: str) -> None:
        super().__init__(events)
        self._store = store
        self.arn = arn
        self.written = len(self)

    def append(self, event: HistoryEvent) -> None:
        super().append(event)
        self._store._dirty(self.arn)


class SqliteStore(MemoryStore):
    """A `MemoryStore` written through to SQLite at `path` (`:memory:` for tests)."""

    def __init__(
        self, path: str = MEMORY, retention: int = DEFAULT_RETENTION, *, durable: bool = False
    ) -> None:
        super().__init__(retention)
        self.path = path
        # Writes run on the event loop, not in a thread: a WAL commit with synchronous=NORMAL
        # does not wait for the disk, and writing in the loop keeps the events' order and the
        # one-transaction-per-turn boundary that a resume relies on.
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        if path != MEMORY:
            self._db.execute("PRAGMA journal_mode=WAL")
            # A commit survives a process kill with NORMAL in WAL mode, and a power loss too
            # with FULL (`durable`), which waits for the disk (fsync) on every commit.
            self._db.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
        self._db.executescript(_SCHEMA)
        # What the next flush writes: executions with new events or a new status, those of
        # them that finished, and finished ones dropped by the retention bound.
        self._pending: dict[str, Execution] = {}
        self._finished_now: set[str] = set()
        self._forgotten: list[str] = []
        self._flush_scheduled = False
        self._saved: dict[str, str] = {}
        self._definitions: dict[str, StateMachineDefinition] = {}
        # id(definition) -> (definition, its JSON text): executions share their machine's.
        self._definition_texts: dict[int, tuple[StateMachineDefinition, str]] = {}
        self._token_seq = 0
        self._load()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """BEGIN ... COMMIT (the connection autocommits otherwise); ROLLBACK on an error."""
        self._db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # --- loading ----------------------------------------------------------------------------

    def _definition(self, text: str) -> StateMachineDefinition:
        found = self._definitions.get(text)
        if found is None:
            found = self._definitions[text] = parse_definition(text)
        return found

    def _load(self) -> None:
        for arn, body in self._db.execute("SELECT arn, body FROM machines"):
            self._saved[arn] = body
            MemoryStore.put_machine(self, machine_from(json.loads(body), self._definition))
        for arn, body in self._db.execute("SELECT arn, body FROM activities"):
            self._saved[arn] = body
            MemoryStore.put_activity(self, activity_from(json.loads(body)))
        rows = self._db.execute("SELECT arn, body, finished FROM executions ORDER BY seq")
        for arn, body, finished in rows.fetchall():
            execution = execution_from(json.loads(body), self._definition)
            events = self._db.execute(
                "SELECT id, previous_id, timestamp, type, top, details FROM events "
                "WHERE execution_arn = ? ORDER BY id",
                (arn,),
            )
            execution.history = JournaledEvents(
                (
                    HistoryEvent(
                        event_id,
                        previous,
                        datetime.fromisoformat(stamp),
                        event_type,
                        None if details is None else json.loads(details),
                        bool(top),
                    )
                    for event_id, previous, stamp, event_type, top, details in events
                ),
                self,
                arn,
            )
            MemoryStore.put_execution(self, execution)
            if finished:
                MemoryStore.execution_finished(self, execution)
        (seq,) = self._db.execute("SELECT coalesce(max(seq), 0) FROM tokens").fetchone()
        self._token_seq = int(seq)

    def token_journal(self) -> TokenJournal:
        return self

    def resumable(self) -> list[Execution]:
        """The Standard executions that were RUNNING when the store was last written."""
        return [
            e
            for e in self._executions.values()
            if e.status is ExecutionStatus.RUNNING and e.type == "STANDARD"
        ]

    # --- machines and activities ------------------------------------------------------------

    def put_machine(self, machine: StateMachine) -> None:
        super().put_machine(machine)
        self._save("machines", machine.arn, machine_body(machine))

    def delete_machine(self, arn: str) -> None:
        super().delete_machine(arn)
        self._db.execute("DELETE FROM machines WHERE arn = ?", (arn,))
        self._saved.pop(arn, None)

    def put_activity(self, activity: Activity) -> None:
        super().put_activity(activity)
        self._save("activities", activity.arn, activity_body(activity))

    def delete_activity(self, arn: str) -> None:
        super().delete_activity(arn)
        self._db.execute("DELETE FROM activities WHERE arn = ?", (arn,))
        self._saved.pop(arn, None)

    def commit(self) -> None:
        """Write the machines and activities that changed in place (tags, status, versions)."""
        for machine in self._machines.values():
            self._save("machines", machine.arn, machine_body(machine))
        for activity in self._activities.values():
            self._save("activities", activity.arn, activity_body(activity))

    def _save(self, table: str, arn: str, body: dict[str, Any]) -> None:
        text = json.dumps(body, separators=(",", ":"))
        if self._saved.get(arn) == text:
            return
        self._saved[arn] = text
        self._db.execute(f"INSERT OR REPLACE INTO {table} (arn, body) VALUES (?, ?)", (arn, text))

    # --- executions -------------------------------------------------------------------------

    def put_execution(self, execution: Execution) -> None:
        super().put_execution(execution)
        if execution.type != "STANDARD":
            return
        arn = execution.execution_arn
        if not isinstance(execution.history, JournaledEvents):
            execution.history = JournaledEvents(execution.history, self, arn)
            execution.history.written = 0
        # Written by the flush at the end of this turn, before StartExecution answers (it
        # yields once), and in the same transaction as the events written meanwhile.
        self._dirty(arn, execution)

    def execution_finished(self, execution: Execution) -> None:
        arn = execution.execution_arn
        if arn in self._executions and execution.type == "STANDARD":
            if execution.status is ExecutionStatus.RUNNING:
                # Cancelled by a shutdown, not finished: the next start resumes it.
                self._dirty(arn, execution)
                self.flush()
                return
            self._finished_now.add(arn)
            self._dirty(arn, execution)
        super().execution_finished(execution)

    def _forget(self, arn: str) -> None:
        super()._forget(arn)
        self._pending.pop(arn, None)
        self._finished_now.discard(arn)
        self._forgotten.append(arn)
        self._dirty(arn)

    def _dirty(self, arn: str, execution: Execution | None = None) -> None:
        """Note that `arn` changed; write every change at the end of this loop turn."""
        if execution is not None:
            self._pending[arn] = execution
        elif arn in self._executions:
            self._pending[arn] = self._executions[arn]
        elif not self._forgotten:
            return
        if self._flush_scheduled:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.flush()
            return
        self._flush_scheduled = True
        loop.call_soon(self.flush)

    def flush(self) -> None:
        """Write every pending event, execution record and removal in one transaction."""
        self._flush_scheduled = False
        if not self._pending and not self._forgotten:
            return
        pending, self._pending = self._pending, {}
        finished, self._finished_now = self._finished_now, set()
        forgotten, self._forgotten = self._forgotten, []
        with self._transaction():
            for arn, execution in pending.items():
                self._write(execution, finished=arn in finished)
            for arn in forgotten:
                self._db.execute("DELETE FROM executions WHERE arn = ?", (arn,))
                self._db.execute("DELETE FROM events WHERE execution_arn = ?", (arn,))
                self._db.execute("DELETE FROM tokens WHERE execution_arn = ?", (arn,))

    def _write(self, execution: Execution, *, finished: bool) -> None:
        arn = execution.execution_arn
        events = execution.history
        start = events.written if isinstance(events, JournaledEvents) else 0
        new = events[start:]
        if new:
            self._db.executemany(
                "INSERT OR REPLACE INTO events VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        arn,
                        e.id,
                        e.previous_event_id,
                        e.timestamp.isoformat(),
                        e.type,
                        int(e.top),
                        None if e.details is None else json.dumps(e.details, default=str),
                    )
                    for e in new
                ],
            )
            if isinstance(events, JournaledEvents):
                events.written = len(events)
        self._db.execute(
            "INSERT INTO executions (arn, status, finished, body) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(arn) DO UPDATE SET status = excluded.status, "
            "finished = excluded.finished, body = excluded.body",
            (arn, execution.status.value, int(finished), self._execution_text(execution)),
        )

    def _execution_text(self, execution: Execution) -> str:
        definition = execution.definition
        known = self._definition_texts.get(id(definition))
        if known is None or known[0] is not definition:
            known = self._definition_texts[id(definition)] = (
                definition,
                json.dumps(definition.raw),
            )
        return execution_text(execution, known[1])

    # --- the token journal --------------------------------------------------------------------

    def token_opened(self, token: str, execution_arn: str) -> None:
        self._token_seq += 1
        self._db.execute(
            "INSERT OR REPLACE INTO tokens (token, execution_arn, seq) VALUES (?, ?, ?)",
            (token, execution_arn, self._token_seq),
        )

    def token_heartbeat(self, token: str, at: datetime) -> None:
        self._db.execute(
            "UPDATE tokens SET last_heartbeat = ? WHERE token = ?", (at.isoformat(), token)
        )

    def token_resolved(self, token: str, outcome: Outcome) -> None:
        text = json.dumps(
            {"output": outcome.output, "error": outcome.error, "cause": outcome.cause}
        )
        self._db.execute("UPDATE tokens SET outcome = ? WHERE token = ?", (text, token))

    def token_closed(self, token: str) -> None:
        self._db.execute("DELETE FROM tokens WHERE token = ?", (token,))

    def open_token(self, execution_arn: str) -> TokenRecord | None:
        row = self._db.execute(
            "SELECT token, last_heartbeat, outcome FROM tokens WHERE execution_arn = ? "
            "ORDER BY seq DESC LIMIT 1",
            (execution_arn,),
        ).fetchone()
        if row is None:
            return None
        token, beat, outcome = row
        decoded = None
        if outcome is not None:
            fields = json.loads(outcome)
            decoded = Outcome(fields["output"], fields["error"], fields["cause"])
        return TokenRecord(token, None if beat is None else datetime.fromisoformat(beat), decoded)

    def clear(self) -> None:
        super().clear()
        # Whatever was waiting to be written belongs to what is being forgotten.
        self._pending.clear()
        self._finished_now.clear()
        self._forgotten.clear()
        self._saved.clear()
        with self._transaction():
            for table in ("machines", "activities", "executions", "events", "tokens"):
                self._db.execute(f"DELETE FROM {table}")

    def close(self) -> None:
        self.flush()
        self._db.close()
