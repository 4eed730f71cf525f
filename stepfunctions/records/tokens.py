"""Task tokens as they outlive a process: how a waiting task ended, an open token as journaled,
and the `TokenJournal` the runtime writes them to (the SQLite store keeps one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(slots=True, eq=False)
class Outcome:
    """How a pending task ended: an output (JSON text) or an error and cause."""

    output: str | None = None
    error: str | None = None
    cause: str | None = None


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """An open task token as the journal kept it: what a resumed execution waits on again."""

    token: str
    last_heartbeat: datetime | None = None
    outcome: Outcome | None = None


class TokenJournal(Protocol):
    """Where open task tokens are kept across restarts (the SQLite store)."""

    def token_opened(self, token: str, execution_arn: str) -> None: ...

    def token_heartbeat(self, token: str, at: datetime) -> None: ...

    def token_resolved(self, token: str, outcome: Outcome) -> None:
        """SendTaskSuccess / SendTaskFailure arrived: kept until the task has recorded it."""
        ...

    def token_closed(self, token: str) -> None: ...

    def open_token(self, execution_arn: str) -> TokenRecord | None:
        """The execution's latest token that was opened and not closed."""
        ...
