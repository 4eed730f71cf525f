"""Java's DateTimeFormatter and ZoneId as `$util.time` uses them: patterns with optional
sections, zone ids and offsets, and parsing text against a pattern (Java 8's DateTimeFormatter
and ZoneId documentation; "Time helpers in $util.time", AppSync developer guide)."""

from __future__ import annotations

import pytest

from resolvers.errors import ResolverError
from resolvers.util.javatime import from_epoch_millis
from resolvers.util.namespace import Util
from resolvers.util.time import TimeHelpers
from tests.unit.resolvers.fixed_clock import FixedClock


@pytest.mark.parametrize("zone", ["+08:00", "Australia/Perth"])
def test_now_formatted_in_a_zone(util: Util, zone: str) -> None:
    assert util.time.nowFormatted("yyyy-MM-dd HH:mm:ssZ", zone) == "2018-02-07 03:01:35+0800"


def test_formats_for_appsync_scalars_with_a_seconds_offset() -> None:
    # "Usage with AWS AppSync defined scalars": XXX drops the offset's seconds, XXXXX keeps them.
    helpers = TimeHelpers(FixedClock(from_epoch_millis(1531347285000)))  # 2018-07-11T22:14:45Z
    assert helpers.nowFormatted("yyyy-MM-dd[XXX]", "-07:00:30") == "2018-07-11-07:00"
    assert (
        helpers.nowFormatted("yyyy-MM-dd'T'HH:mm:ss[XXXXX]", "-07:00:30")
        == "2018-07-11T15:14:15-07:00:30"
    )


def test_text_that_does_not_match_the_pattern_is_an_error(util: Util) -> None:
    with pytest.raises(ResolverError, match="could not be parsed"):
        util.time.parseFormattedToEpochMilliSeconds("2018/02/02", "yyyy-MM-dd")


def test_unknown_zone_is_an_error(util: Util) -> None:
    with pytest.raises(ResolverError, match="Mars/Olympus"):
        util.time.nowFormatted("yyyy", "Mars/Olympus")
