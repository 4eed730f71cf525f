"""`$util.time` / `util.time`: timestamps now and conversions between epoch and formats.

Follows "Time helpers in $util.time" (AppSync developer guide). Formats are Java
`DateTimeFormatter` patterns and zones are Java zone ids, both handled by `javatime`. Time comes
from an injected `Clock` so tests run on a fixed instant.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

from resolvers.errors import ResolverError
from resolvers.util import javatime
from resolvers.util.core import MAPPING_TEMPLATE, Helper, is_number
from resolvers.util.javatime import epoch_millis, from_epoch_millis


class Clock(Protocol):
    """Where `$util.time` and the time-based ids read "now": an aware datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


SYSTEM_CLOCK = SystemClock()


def iso8601(millis: int) -> str:
    """An instant in UTC with milliseconds, as AppSync prints it: 2018-02-06T19:01:35.749Z."""
    moment = from_epoch_millis(millis)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _millis_argument(value: Any, name: str) -> int:
    if not is_number(value):
        raise ResolverError(f"{name} expects a Number of epoch milliseconds", MAPPING_TEMPLATE)
    return int(value)


class TimeHelpers(Helper):
    """The `time` member of `$util`."""

    __slots__ = ("_clock",)

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    def _now_millis(self) -> int:
        return epoch_millis(self._clock.now())

    def nowISO8601(self) -> str:
        return iso8601(self._now_millis())

    def nowEpochSeconds(self) -> int:
        return self._now_millis() // 1000

    def nowEpochMilliSeconds(self) -> int:
        return self._now_millis()

    def nowFormatted(self, pattern: str, zone: str | None = None) -> str:
        return javatime.format_millis(self._now_millis(), pattern, zone)

    def parseFormattedToEpochMilliSeconds(
        self, text: str, pattern: str, zone: str | None = None
    ) -> int:
        return javatime.parse_to_millis(text, pattern, zone)

    def parseISO8601ToEpochMilliSeconds(self, text: str) -> int:
        return javatime.parse_iso8601_to_millis(text)

    def epochMilliSecondsToSeconds(self, millis: Any) -> int:
        return _millis_argument(millis, "epochMilliSecondsToSeconds") // 1000

    def epochMilliSecondsToISO8601(self, millis: Any) -> str:
        return iso8601(_millis_argument(millis, "epochMilliSecondsToISO8601"))

    def epochMilliSecondsToFormatted(
        self, millis: Any, pattern: str, zone: str | None = None
    ) -> str:
        return javatime.format_millis(
            _millis_argument(millis, "epochMilliSecondsToFormatted"), pattern, zone
        )
