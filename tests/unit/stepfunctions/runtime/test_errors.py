"""The runtime's own errors: what unwinds a program, ends a deadline, or reports a retry."""

from __future__ import annotations

from stepfunctions.errors import StatesError
from stepfunctions.runtime.errors import (
    DeadlineReachedError,
    HeartbeatMissedError,
    RetriableError,
    UncaughtError,
)


def test_an_uncaught_error_says_where_a_redrive_resumes() -> None:
    error = UncaughtError("States.TaskFailed", "boom", "Charge", {"amount": 3})
    assert str(error) == "States.TaskFailed: boom"
    assert (error.error, error.cause, error.state_name, error.state_input) == (
        "States.TaskFailed",
        "boom",
        "Charge",
        {"amount": 3},
    )


def test_a_retriable_error_wraps_the_states_error_it_would_retry() -> None:
    cause = StatesError("Lambda.ServiceException", "try again")
    error = RetriableError(cause)
    assert error.error is cause
    assert str(error) == "Lambda.ServiceException"


def test_deadlines_and_heartbeats_are_not_states_errors() -> None:
    # The Task state turns them into States.Timeout / States.HeartbeatTimeout itself.
    assert not issubclass(DeadlineReachedError, StatesError)
    assert not issubclass(HeartbeatMissedError, StatesError)
