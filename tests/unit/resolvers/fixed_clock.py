"""A clock stopped at one instant, for the resolver tests, and `CLOCK`, stopped at the instant of
AppSync's time examples."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from resolvers.util.javatime import from_epoch_millis

# The instant of the examples in "Time helpers in $util.time" (AppSync developer guide).
DOC_NOW_MILLIS = 1517943695750


@dataclass(frozen=True, slots=True)
class FixedClock:
    """A `Clock` whose `now` is always `moment`."""

    moment: datetime

    def now(self) -> datetime:
        return self.moment


CLOCK = FixedClock(from_epoch_millis(DOC_NOW_MILLIS))
