"""Task tokens as they outlive a process: the TokenJournal protocol and what it journals.

The SQLite store is the journal (the memory store keeps none): what an activity or
`.waitForTaskToken` task waits on is written when the token is opened, with its last heartbeat
and an outcome that arrived before the task recorded it, and read back by a resumed execution.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from stepfunctions.records.tokens import Outcome, TokenJournal, TokenRecord
from stepfunctions.store.sqlite import SqliteStore

EXECUTION = "arn:aws:states:us-east-1:123456789012:execution:m:e"
OTHER = "arn:aws:states:us-east-1:123456789012:execution:m:other"
BEAT = datetime(2024, 1, 1, 0, 0, 30, tzinfo=UTC)


@pytest.fixture
def path(tmp_path: Path) -> str:
    return str(tmp_path / "sfn.db")


@pytest.fixture
def journal(path: str) -> Iterator[TokenJournal]:
    store = SqliteStore(path)
    found = store.token_journal()
    yield found
    store.close()


def _open_after_a_reopen(path: str) -> TokenRecord | None:
    """The execution's open token as a new process reads it from the file."""
    store = SqliteStore(path)
    try:
        return store.token_journal().open_token(EXECUTION)
    finally:
        store.close()


def test_a_record_is_frozen_and_starts_without_heartbeat_or_outcome() -> None:
    record = TokenRecord("t1")
    assert (record.last_heartbeat, record.outcome) == (None, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.token = "t2"  # type: ignore[misc]


def test_an_opened_token_is_the_executions_open_token(journal: TokenJournal) -> None:
    assert journal.open_token(EXECUTION) is None
    journal.token_opened("t1", EXECUTION)
    assert journal.open_token(EXECUTION) == TokenRecord("t1")
    assert journal.open_token(OTHER) is None


def test_the_latest_opened_token_is_the_open_one(journal: TokenJournal) -> None:
    journal.token_opened("t1", EXECUTION)
    journal.token_opened("t2", EXECUTION)
    record = journal.open_token(EXECUTION)
    assert record is not None
    assert record.token == "t2"


def test_heartbeat_and_outcome_outlive_the_process(journal: TokenJournal, path: str) -> None:
    journal.token_opened("t1", EXECUTION)
    journal.token_heartbeat("t1", BEAT)
    journal.token_resolved("t1", Outcome(error="Worker.Failed", cause="disk full"))
    record = _open_after_a_reopen(path)
    assert record is not None
    assert (record.token, record.last_heartbeat) == ("t1", BEAT)
    assert record.outcome is not None
    assert (record.outcome.output, record.outcome.error, record.outcome.cause) == (
        None,
        "Worker.Failed",
        "disk full",
    )


def test_a_closed_token_is_forgotten(journal: TokenJournal, path: str) -> None:
    journal.token_opened("t1", EXECUTION)
    journal.token_resolved("t1", Outcome(output='{"ok": true}'))
    journal.token_closed("t1")
    assert journal.open_token(EXECUTION) is None
    assert _open_after_a_reopen(path) is None
