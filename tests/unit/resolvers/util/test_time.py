"""`$util.time`, checked against "Time helpers in $util.time" (AppSync developer guide,
https://docs.aws.amazon.com/appsync/latest/devguide/time-helpers-in-util-time.html) and, for
pattern letters the page does not show, Java 8's DateTimeFormatter documentation."""

from __future__ import annotations

import pytest

from resolvers.errors import ResolverError
from resolvers.util.namespace import Util
from tests.unit.resolvers.fixed_clock import DOC_NOW_MILLIS

DOC_CONVERSION_MILLIS = 1517943695758


def test_now_helpers_read_the_injected_clock(util: Util) -> None:
    assert util.time.nowEpochSeconds() == 1517943695
    assert util.time.nowEpochMilliSeconds() == DOC_NOW_MILLIS
    assert util.time.nowISO8601() == "2018-02-06T19:01:35.750Z"


def test_now_formatted_in_utc_by_default(util: Util) -> None:
    assert util.time.nowFormatted("yyyy-MM-dd HH:mm:ssZ") == "2018-02-06 19:01:35+0000"


def test_conversion_examples(util: Util) -> None:
    millis = DOC_CONVERSION_MILLIS
    assert util.time.epochMilliSecondsToSeconds(millis) == 1517943695
    assert util.time.epochMilliSecondsToISO8601(millis) == "2018-02-06T19:01:35.758Z"
    assert (
        util.time.epochMilliSecondsToFormatted(millis, "yyyy-MM-dd HH:mm:ssZ")
        == "2018-02-06 19:01:35+0000"
    )
    assert (
        util.time.epochMilliSecondsToFormatted(millis, "yyyy-MM-dd HH:mm:ssZ", "+08:00")
        == "2018-02-07 03:01:35+0800"
    )


def test_parsing_examples(util: Util) -> None:
    assert util.time.parseISO8601ToEpochMilliSeconds("2018-02-01T17:21:05.180+08:00") == (
        1517476865180
    )
    assert (
        util.time.parseFormattedToEpochMilliSeconds(
            "2018-02-02 01:19:22+0800", "yyyy-MM-dd HH:mm:ssZ"
        )
        == 1517505562000
    )
    assert (
        util.time.parseFormattedToEpochMilliSeconds(
            "2018-02-02 01:19:22", "yyyy-MM-dd HH:mm:ss", "+08:00"
        )
        == 1517505562000
    )


def test_epoch_conversions_reject_non_numbers(util: Util) -> None:
    with pytest.raises(ResolverError):
        util.time.epochMilliSecondsToISO8601("soon")
