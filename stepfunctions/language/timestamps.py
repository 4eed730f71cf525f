"""Wait's Timestamp: the date-time text a Wait state's `Timestamp` / `TimestampPath` accepts.

Choice rules compare timestamps under their own rules (`choice.parse_timestamp`); a Wait takes
what Java's ISO_OFFSET_DATE_TIME parses. Parsed once at load time for a literal `Timestamp`, and at
run time for a `TimestampPath` or a JSONata `Timestamp`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

# Java's ISO_OFFSET_DATE_TIME, which AWS parses Timestamp / TimestampPath with: a `T`, any
# number of fraction digits, and a zone that is `Z` or an offset.
_ISO_OFFSET = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?"
    r"(Z|[+-]\d{2}:\d{2}(?::\d{2})?)"
)


def parse_timestamp(value: Any) -> datetime | None:
    """An ISO-8601 extended offset date-time as AWS accepts it, or None."""
    if not isinstance(value, str):
        return None
    match = _ISO_OFFSET.fullmatch(value)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micro = int((fraction or "0").ljust(6, "0")[:6])
    try:
        moment = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micro
        )
    except ValueError:
        return None
    if zone == "Z":
        return moment.replace(tzinfo=UTC)
    sign = 1 if zone[0] == "+" else -1
    parts = [int(p) for p in zone[1:].split(":")]
    offset = timedelta(hours=parts[0], minutes=parts[1], seconds=parts[2] if len(parts) > 2 else 0)
    return (moment - sign * offset).replace(tzinfo=UTC)
