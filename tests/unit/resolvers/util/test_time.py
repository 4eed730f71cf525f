"""`$util.time`, checked against "Time helpers in $util.time" (AppSync developer guide,
https://docs.aws.amazon.com/appsync/latest/devguide/time-helpers-in-util-time.html) and, for
pattern letters the page does not show, Java 8's DateTimeFormatter documentation."""

from __future__ import annotations

import pytest

from resolvers.errors import ResolverError
from resolvers.util.javatime import from_epoch_millis
from resolvers.util.namespace import Util
from resolvers.util.time import TimeHelpers
from tests.unit.resolvers.util.conftest import DOC_NOW_MILLIS, FixedClock

DOC_CONVERSION_MILLIS = 1517943695758


def test_now_helpers_read_the_injected_clock(util: Util) -> None:
    assert util.time.nowEpochSeconds() == 1517943695
    assert util.time.nowEpochMilliSeconds() == DOC_NOW_MILLIS
    assert util.time.nowISO8601() == "2018-02-06T19:01:35.750Z"


def test_now_formatted_in_utc_by_default(util: Util) -> None:
    assert util.time.nowFormatted("yyyy-MM-dd HH:mm:ssZ") == "2018-02-06 19:01:35+0000"


@pytest.mark.parametrize("zone", ["+08:00", "Australia/Perth"])
def test_now_formatted_in_a_zone(util: Util, zone: str) -> None:
    assert util.time.nowFormatted("yyyy-MM-dd HH:mm:ssZ", zone) == "2018-02-07 03:01:35+0800"


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


def test_formats_for_appsync_scalars_with_a_seconds_offset() -> None:
    # "Usage with AWS AppSync defined scalars": XXX drops the offset's seconds, XXXXX keeps them.
    helpers = TimeHelpers(FixedClock(from_epoch_millis(1531347285000)))  # 2018-07-11T22:14:45Z
    assert helpers.nowFormatted("yyyy-MM-dd[XXX]", "-07:00:30") == "2018-07-11-07:00"
    assert (
        helpers.nowFormatted("yyyy-MM-dd'T'HH:mm:ss[XXXXX]", "-07:00:30")
        == "2018-07-11T15:14:15-07:00:30"
    )


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("EEE, d MMM yyyy HH:mm:ss", "Tue, 6 Feb 2018 19:01:35"),
        ("EEEE MMMM dd yy", "Tuesday February 06 18"),
        ("hh:mm a", "07:01 PM"),
        ("yyyyMMdd'T'HHmmss.SSS", "20180206T190135.750"),
        ("D 'day' 'of' yyyy", "37 day of 2018"),
        ("QQQ QQQQ", "Q1 1st quarter"),
        ("xxx XXX ZZZZZ O", "+00:00 Z Z GMT"),
        ("''yy''", "'18'"),
        ("w Y e", "6 2018 3"),
    ],
)
def test_pattern_letters_print_as_java_does(util: Util, pattern: str, expected: str) -> None:
    assert util.time.nowFormatted(pattern) == expected


def test_zone_letters_print_the_zone(util: Util) -> None:
    assert util.time.nowFormatted("VV z O XXX", "Australia/Perth") == (
        "Australia/Perth AWST GMT+8 +08:00"
    )
    assert util.time.nowFormatted("ZZZZ", "-05:30") == "GMT-05:30"


def test_parse_two_digit_years_count_from_2000(util: Util) -> None:
    assert util.time.parseFormattedToEpochMilliSeconds("06/02/18", "dd/MM/yy") == (1517875200000)


def test_parse_month_names_and_am_pm(util: Util) -> None:
    millis = util.time.parseFormattedToEpochMilliSeconds(
        "Feb 6, 2018 7:01:35 PM", "MMM d, yyyy h:mm:ss a"
    )
    assert millis == 1517943695000


def test_parse_zone_id_in_text_wins_over_argument(util: Util) -> None:
    millis = util.time.parseFormattedToEpochMilliSeconds(
        "2018-02-07 03:01:35 Australia/Perth", "yyyy-MM-dd HH:mm:ss VV", "UTC"
    )
    assert millis == 1517943695000


def test_text_that_does_not_match_the_pattern_is_an_error(util: Util) -> None:
    with pytest.raises(ResolverError, match="could not be parsed"):
        util.time.parseFormattedToEpochMilliSeconds("2018/02/02", "yyyy-MM-dd")


def test_too_many_pattern_letters_is_an_error(util: Util) -> None:
    with pytest.raises(ResolverError, match="Too many pattern letters: d"):
        util.time.nowFormatted("ddd")


def test_unknown_pattern_letter_is_an_error(util: Util) -> None:
    with pytest.raises(ResolverError, match="Unknown pattern letter: b"):
        util.time.nowFormatted("b")


def test_unknown_zone_is_an_error(util: Util) -> None:
    with pytest.raises(ResolverError, match="Mars/Olympus"):
        util.time.nowFormatted("yyyy", "Mars/Olympus")


def test_epoch_conversions_reject_non_numbers(util: Util) -> None:
    with pytest.raises(ResolverError):
        util.time.epochMilliSecondsToISO8601("soon")
