"""Retrier/Catcher matching and the retry schedule (States Language spec, dg "Handling errors")."""

from __future__ import annotations

import random

import pytest

from stepfunctions.language.retry import JitterStrategy, Retrier, RetryCounters, error_matches


def test_states_all_matches_user_errors_but_not_the_terminal_ones() -> None:
    assert error_matches(("States.ALL",), "MyError")
    assert error_matches(("States.ALL",), "States.Timeout")
    # dg: "States.ALL ... cannot catch States.DataLimitExceeded ... or Runtime error types".
    assert not error_matches(("States.ALL",), "States.Runtime")
    assert not error_matches(("States.ALL",), "States.DataLimitExceeded")
    assert error_matches(("States.Runtime",), "States.Runtime")


def test_states_task_failed_matches_everything_but_a_timeout() -> None:
    # dg: "States.TaskFailed ... matches any known error name except for States.Timeout".
    assert error_matches(("States.TaskFailed",), "Lambda.ServiceException")
    assert error_matches(("States.TaskFailed",), "States.Permissions")
    assert not error_matches(("States.TaskFailed",), "States.Timeout")


def test_error_names_match_exactly() -> None:
    assert error_matches(("A", "B"), "B")
    assert not error_matches(("A",), "a")
    assert not error_matches(("State.ALL",), "X")  # a typo is just a name


def test_defaults_are_the_specs() -> None:
    retrier = Retrier(("X",))
    assert (retrier.interval_seconds, retrier.max_attempts, retrier.backoff_rate) == (1, 3, 2.0)
    assert [retrier.delay_seconds(n) for n in range(3)] == [1.0, 2.0, 4.0]


def test_backoff_is_capped_by_max_delay_seconds() -> None:
    retrier = Retrier(("X",), interval_seconds=10, backoff_rate=3.0, max_delay_seconds=50)
    assert [retrier.delay_seconds(n) for n in range(4)] == [10.0, 30.0, 50.0, 50.0]


def test_full_jitter_stays_between_zero_and_the_backoff() -> None:
    retrier = Retrier(("X",), interval_seconds=8, jitter_strategy=JitterStrategy.FULL)
    rng = random.Random(7)
    delays = [retrier.delay_seconds(2, rng) for _ in range(200)]
    assert all(0.0 <= d <= 32.0 for d in delays)
    assert len(set(delays)) > 100


def test_each_retrier_counts_its_own_attempts_and_the_first_match_decides() -> None:
    retriers = (Retrier(("A",), max_attempts=1), Retrier(("States.ALL",), max_attempts=2))
    counters = RetryCounters(len(retriers))
    assert counters.next_delay(retriers, "A") == 1.0
    # "A" matched the first retrier, which is used up: no fall-through to States.ALL.
    assert counters.next_delay(retriers, "A") is None
    assert counters.next_delay(retriers, "B") == 1.0
    assert counters.next_delay(retriers, "B") == 2.0
    assert counters.next_delay(retriers, "B") is None


@pytest.mark.parametrize("error", ["A", "States.Timeout"])
def test_max_attempts_zero_never_retries(error: str) -> None:
    retriers = (Retrier(("States.ALL",), max_attempts=0),)
    assert RetryCounters(1).next_delay(retriers, error) is None
