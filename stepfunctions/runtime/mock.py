"""TestState's `mock` and `stateConfiguration`: what a single state runs with in place of its
Task's resource and of the attempts and iterations before it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class TestStateMock:
    """TestState's `mock` and `stateConfiguration`, decoded.

    `result` (with `has_result`) replaces a Task's result; `error`/`cause` make the Task fail
    instead. `retrier_retry_count` is how many retries the matching retrier has already made;
    `map_iteration_failure_count` how many Map iterations already failed.
    """

    __test__ = False  # not a pytest class, despite the name

    result: Any = None
    has_result: bool = False
    error: str | None = None
    cause: str | None = None
    retrier_retry_count: int = 0
    error_caused_by_state: str | None = None
    map_iteration_failure_count: int = 0
    map_item_reader_data: Any = None
