"""Retry: which errors a Retrier (or a Catcher) matches, and how long a retry waits.

Rules from the States Language spec (Retry, Catch, Appendix A) and the developer guide's
"Handling errors" page:
* `States.ALL` matches every error name except the terminal `States.DataLimitExceeded` and
  `States.Runtime`, which only an explicit name can match;
* `States.TaskFailed` "acts as a wildcard that matches any known error name except for
  States.Timeout" (dg), and like States.ALL it leaves the terminal errors alone;
* a retrier's wait before attempt n+1 is IntervalSeconds * BackoffRate^n, capped at
  MaxDelaySeconds; `JitterStrategy: FULL` picks uniformly in [0, that delay].
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum

STATES_ALL = "States.ALL"
STATES_TASK_FAILED = "States.TaskFailed"
# Terminal errors that States.ALL does not match (dg "Handling errors", States.ALL note).
_NOT_MATCHED_BY_ALL = frozenset({"States.DataLimitExceeded", "States.Runtime"})

DEFAULT_INTERVAL_SECONDS = 1
DEFAULT_MAX_ATTEMPTS = 3
DEFAULT_BACKOFF_RATE = 2.0


class JitterStrategy(StrEnum):
    FULL = "FULL"
    NONE = "NONE"


def error_matches(error_equals: tuple[str, ...], error: str) -> bool:
    """Whether a Retrier's or Catcher's ErrorEquals list matches `error`."""
    for name in error_equals:
        if name == error:
            return True
        if name == STATES_ALL and error not in _NOT_MATCHED_BY_ALL:
            return True
        if (
            name == STATES_TASK_FAILED
            and error != "States.Timeout"
            and error not in _NOT_MATCHED_BY_ALL
        ):
            return True
    return False


@dataclass(frozen=True, slots=True)
class Retrier:
    """One entry of a state's `Retry` array."""

    error_equals: tuple[str, ...]
    interval_seconds: float = DEFAULT_INTERVAL_SECONDS
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    backoff_rate: float = DEFAULT_BACKOFF_RATE
    max_delay_seconds: float | None = None
    jitter_strategy: JitterStrategy = JitterStrategy.NONE

    def matches(self, error: str) -> bool:
        return error_matches(self.error_equals, error)

    def delay_seconds(self, attempt: int, rng: random.Random | None = None) -> float:
        """The wait before retry number `attempt + 1` (`attempt` counts earlier retries, from 0)."""
        delay = self.interval_seconds * (self.backoff_rate**attempt)
        if self.max_delay_seconds is not None:
            delay = min(delay, self.max_delay_seconds)
        if self.jitter_strategy is JitterStrategy.FULL:
            delay = (rng or random).uniform(0.0, delay)
        return delay


class RetryCounters:
    """Per-retrier attempt counts of one state entry (each retrier counts on its own)."""

    __slots__ = ("_counts",)

    def __init__(self, retriers: int) -> None:
        self._counts = [0] * retriers

    def preset(self, retriers: tuple[Retrier, ...], error: str, count: int) -> None:
        """Start the retrier that matches `error` at `count` earlier retries (TestState)."""
        for index, retrier in enumerate(retriers):
            if retrier.matches(error):
                self._counts[index] = count
                return

    def next_delay(
        self, retriers: tuple[Retrier, ...], error: str, rng: random.Random | None = None
    ) -> float | None:
        """The wait before retrying after `error`, or None when no retrier allows another try.

        The first retrier whose ErrorEquals matches decides, even when its attempts are used up.
        """
        for index, retrier in enumerate(retriers):
            if retrier.matches(error):
                count = self._counts[index]
                if count >= retrier.max_attempts:
                    return None
                self._counts[index] = count + 1
                return retrier.delay_seconds(count, rng)
        return None
