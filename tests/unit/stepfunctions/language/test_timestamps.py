"""A Wait state's Timestamp: what Java's ISO_OFFSET_DATE_TIME parses, as AWS does.

Cases from the shared corpus (scenarios `test_wait_timestamp_path[SECONDS|NANOSECONDS|NO_T|NO_Z|
INVALID_*]`): a `T`, any number of fraction digits up to nanoseconds, and a zone that is `Z` or an
offset are required.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from stepfunctions.language.timestamps import parse_timestamp


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2016-03-14T01:59:00Z", datetime(2016, 3, 14, 1, 59, tzinfo=UTC)),
        ("2016-03-14T01:59Z", datetime(2016, 3, 14, 1, 59, tzinfo=UTC)),
        # Nanoseconds are cut to Python's microseconds.
        ("2016-03-05T21:29:29.243167252Z", datetime(2016, 3, 5, 21, 29, 29, 243167, tzinfo=UTC)),
        ("2016-03-05T21:29:29.5Z", datetime(2016, 3, 5, 21, 29, 29, 500000, tzinfo=UTC)),
        ("2012-10-09T19:00:55+01:00", datetime(2012, 10, 9, 18, 0, 55, tzinfo=UTC)),
        ("2012-10-09T19:00:55-05:30", datetime(2012, 10, 10, 0, 30, 55, tzinfo=UTC)),
        ("2012-10-09T19:00:55+01:00:30", datetime(2012, 10, 9, 18, 0, 25, tzinfo=UTC)),
    ],
)
def test_an_offset_date_time_is_the_utc_moment_it_names(text: str, moment: datetime) -> None:
    parsed = parse_timestamp(text)
    assert parsed == moment
    assert parsed is not None
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize(
    "value",
    [
        "2016-12-05 21:29:29Z",
        "2016-12-05T21:29:29",
        "2016-13-05T21:29:29Z",
        "2016-02-30T21:29:29Z",
        "2016-12-05T25:29:29Z",
        "05-12-2016T21:29:29Z",
        "2016-12-05T21:29:29.1234567890Z",
        " 2016-12-05T21:29:29Z",
        1480973369,
        None,
    ],
)
def test_anything_else_is_not_a_timestamp(value: Any) -> None:
    assert parse_timestamp(value) is None
