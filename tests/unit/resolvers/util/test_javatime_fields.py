"""The pattern letters of Java's DateTimeFormatter, printed and parsed as Java does (Java 8's
DateTimeFormatter documentation, "Patterns for Formatting and Parsing"), with Java's errors for
a letter it does not know or repeats too often."""

from __future__ import annotations

import pytest

from resolvers.errors import ResolverError
from resolvers.util.namespace import Util


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


def test_too_many_pattern_letters_is_an_error(util: Util) -> None:
    with pytest.raises(ResolverError, match="Too many pattern letters: d"):
        util.time.nowFormatted("ddd")


def test_unknown_pattern_letter_is_an_error(util: Util) -> None:
    with pytest.raises(ResolverError, match="Unknown pattern letter: b"):
        util.time.nowFormatted("b")
