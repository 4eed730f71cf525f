"""The pattern letters of Java 8's `DateTimeFormatter`: one printer and one parser per letter.

Letter meanings and counts follow the "Patterns for Formatting and Parsing" table of
java.time.format.DateTimeFormatter (Java 8). A letter used too many times is an error, as in
Java ("Too many pattern letters: d").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# Monday first, as Python's weekday() counts.
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ORDINALS = ("1st", "2nd", "3rd", "4th")


@dataclass(frozen=True, slots=True)
class Zone:
    """A resolved Java ZoneId: the tzinfo and the id Java prints for `VV`."""

    tz: tzinfo
    id: str

    @property
    def is_offset(self) -> bool:
        """A ZoneOffset ("Z", "+08:00") or a prefixed offset ("UTC+08:00"), not a region."""
        return not isinstance(self.tz, ZoneInfo)


FieldPrinter = Callable[[datetime, Zone], str]


def offset_id(seconds: int) -> str:
    """Java's `ZoneOffset.getId()`: "Z", "+08:00", "-05:30", "+01:02:03"."""
    if seconds == 0:
        return "Z"
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{sign}{hours:02d}:{minutes:02d}"
    return f"{text}:{secs:02d}" if secs else text


def us_week_fields(day: date) -> tuple[int, int, int]:
    """(week-based-year, week-of-week-based-year, week-of-month) for US weeks: Sunday first and
    one minimal day, so week 1 is the week that holds January 1st."""
    sunday_index = (day.weekday() + 1) % 7
    week_end = day + timedelta(days=6 - sunday_index)
    if week_end.year > day.year:
        week_year, week = day.year + 1, 1
    else:
        jan1_index = (date(day.year, 1, 1).weekday() + 1) % 7
        week_year = day.year
        week = (day.timetuple().tm_yday - 1 + jan1_index) // 7 + 1
    first_index = (day.replace(day=1).weekday() + 1) % 7
    return week_year, week, (day.day - 1 + first_index) // 7 + 1


def _number(value: int, count: int) -> str:
    return str(value) if count == 1 else str(value).zfill(count)


def _text(full: str, count: int) -> str:
    if count <= 3:
        return full[:3]
    if count == 4:
        return full
    return full[0]


def _offset_seconds(moment: datetime) -> int:
    offset = moment.utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def _offset(seconds: int, colon: bool, with_seconds: bool, hours_only: bool = False) -> str:
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if hours_only and minutes == 0 and secs == 0:
        return f"{sign}{hours:02d}"
    sep = ":" if colon else ""
    text = f"{sign}{hours:02d}{sep}{minutes:02d}"
    if with_seconds and secs:
        text += f"{sep}{secs:02d}"
    return text


def _localized_offset(seconds: int, full: bool) -> str:
    if seconds == 0:
        return "GMT"
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes = rest // 60
    if full:
        return f"GMT{sign}{hours:02d}:{minutes:02d}"
    return f"GMT{sign}{hours}" + (f":{minutes:02d}" if minutes else "")


def _zone_name(moment: datetime, zone: Zone) -> str:
    # Java prints an offset zone's id for `z`; a region's short name comes from tz data.
    if zone.is_offset:
        return zone.id
    return moment.tzname() or zone.id


def _nanos(moment: datetime) -> int:
    return moment.microsecond * 1000


def _check(letter: str, count: int, allowed: int) -> None:
    if count > allowed:
        raise ValueError(f"Too many pattern letters: {letter}")


def _year_printer(count: int, pick: Callable[[datetime], int]) -> FieldPrinter:
    if count == 2:
        return lambda m, z: f"{pick(m) % 100:02d}"
    return lambda m, z: _number(pick(m), count)


def _hour_printer(letter: str, count: int) -> FieldPrinter:
    _check(letter, count, 2)
    pick: dict[str, Callable[[datetime], int]] = {
        "H": lambda m: m.hour,
        "k": lambda m: m.hour or 24,
        "K": lambda m: m.hour % 12,
        "h": lambda m: m.hour % 12 or 12,
    }
    chosen = pick[letter]
    return lambda m, z: _number(chosen(m), count)


def _offset_printer(letter: str, count: int) -> FieldPrinter:
    if letter == "Z":
        _check(letter, count, 5)
        if count <= 3:
            return lambda m, z: _offset(_offset_seconds(m), colon=False, with_seconds=True)
        if count == 4:
            return lambda m, z: _localized_offset(_offset_seconds(m), full=True)
        return lambda m, z: offset_id(_offset_seconds(m))
    if letter == "O":
        if count not in (1, 4):
            raise ValueError("Pattern letter count must be 1 or 4: O")
        return lambda m, z: _localized_offset(_offset_seconds(m), full=count == 4)
    _check(letter, count, 5)
    colon = count in (3, 5)
    with_seconds = count >= 4

    def print_offset(moment: datetime, zone: Zone) -> str:
        seconds = _offset_seconds(moment)
        if seconds == 0 and letter == "X":
            return "Z"
        return _offset(seconds, colon, with_seconds, hours_only=count == 1)

    return print_offset


def _zone_printer(letter: str, count: int) -> FieldPrinter:
    if letter == "V":
        if count != 2:
            raise ValueError("Pattern letter count must be 2: V")
        return lambda m, z: z.id
    _check(letter, count, 4)
    # AWS differs: Java prints a full zone name for `zzzz` ("Australian Western Standard
    # Time"); without the JDK's name tables this prints the short name.
    return _zone_name


def _text_printer(letter: str, count: int) -> FieldPrinter:
    if letter in "ML":
        _check(letter, count, 5)
        if count <= 2:
            return lambda m, z: _number(m.month, count)
        return lambda m, z: _text(MONTHS[m.month - 1], count)
    if letter == "E":
        _check(letter, count, 5)
        return lambda m, z: _text(DAYS[m.weekday()], count)
    if letter in "ec":
        _check(letter, count, 5)
        if letter == "c" and count == 2:
            raise ValueError('Invalid pattern "cc"')
        if count <= 2:
            return lambda m, z: _number((m.weekday() + 1) % 7 + 1, count)
        return lambda m, z: _text(DAYS[m.weekday()], count)
    if letter in "Qq":
        _check(letter, count, 5)
        quarter: Callable[[datetime], int] = lambda m: (m.month - 1) // 3 + 1  # noqa: E731
        if count <= 2:
            return lambda m, z: _number(quarter(m), count)
        if count == 3:
            return lambda m, z: f"Q{quarter(m)}"
        if count == 4:
            return lambda m, z: f"{_ORDINALS[quarter(m) - 1]} quarter"
        return lambda m, z: str(quarter(m))
    if letter == "G":
        _check(letter, count, 5)
        texts = {3: "AD", 4: "Anno Domini", 5: "A"}
        return lambda m, z: texts[max(3, count)]
    _check(letter, count, 1)
    return lambda m, z: "AM" if m.hour < 12 else "PM"


def field_printer(letter: str, count: int) -> FieldPrinter:
    """The printer for `count` repetitions of `letter`."""
    if letter in "uy":
        return _year_printer(count, lambda m: m.year)
    if letter == "Y":
        return _year_printer(count, lambda m: us_week_fields(m.date())[0])
    if letter in "HkKh":
        return _hour_printer(letter, count)
    if letter in "ZOXx":
        return _offset_printer(letter, count)
    if letter in "Vz":
        return _zone_printer(letter, count)
    if letter in "MLEecQqGa":
        return _text_printer(letter, count)
    simple: dict[str, tuple[int, Callable[[datetime], int]]] = {
        "d": (2, lambda m: m.day),
        "D": (3, lambda m: m.timetuple().tm_yday),
        "m": (2, lambda m: m.minute),
        "s": (2, lambda m: m.second),
        "w": (2, lambda m: us_week_fields(m.date())[1]),
        "W": (1, lambda m: us_week_fields(m.date())[2]),
        "F": (1, lambda m: (m.day - 1) % 7 + 1),
        "A": (
            19,
            lambda m: ((m.hour * 60 + m.minute) * 60 + m.second) * 1000 + m.microsecond // 1000,
        ),
        "n": (19, _nanos),
        "N": (19, lambda m: ((m.hour * 60 + m.minute) * 60 + m.second) * 10**9 + _nanos(m)),
    }
    if letter in simple:
        allowed, pick = simple[letter]
        _check(letter, count, allowed)
        return lambda m, z: _number(pick(m), count)
    if letter == "S":
        _check(letter, count, 9)
        return lambda m, z: str(_nanos(m)).zfill(9)[:count]
    raise ValueError(f"Unknown pattern letter: {letter}")


def _alternatives(words: list[str]) -> str:
    return "|".join(sorted((w for w in set(words)), key=len, reverse=True))


def field_parser(letter: str, count: int) -> str:
    """The regex fragment that reads `count` repetitions of `letter`."""
    field_printer(letter, count)  # the same count checks as printing
    if letter in "uyY":
        if count == 2:
            return r"\d{2}"
        return rf"[+-]?\d{{{count},10}}" if count >= 3 else r"[+-]?\d{1,10}"
    if letter in "ML" and count >= 3:
        return _alternatives([_text(name, count) for name in MONTHS])
    if letter in "Eec" and (letter == "E" or count >= 3):
        return _alternatives([_text(name, count) for name in DAYS])
    if letter == "a":
        return "AM|PM"
    if letter == "G":
        return "AD|BC|Anno Domini|Before Christ|A|B"
    if letter in "Qq" and count >= 3:
        return r"Q[1-4]|[1-4](?:st|nd|rd|th) quarter|[1-4]"
    if letter == "S":
        return rf"\d{{{count}}}"
    if letter in "VZOXxz":
        return {
            "V": r"[A-Za-z][A-Za-z0-9~/._+\-]*",
            "z": r"[A-Za-z][A-Za-z0-9~/._+\-]*",
            "O": r"GMT(?:[+-]\d{1,2}(?::\d{2})?)?",
            "X": r"Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?",
            "x": r"[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?",
            "Z": r"GMT(?:[+-]\d{2}:\d{2})?|Z|[+-]\d{2}:?\d{2}(?::?\d{2})?",
        }[letter]
    if count == 1:
        return r"\d{1,19}" if letter in "AnN" else r"\d{1,3}" if letter == "D" else r"\d{1,2}"
    return rf"\d{{{count}}}"


@dataclass(slots=True)
class Parsed:
    """The fields read from a text, by pattern letter."""

    values: dict[str, tuple[int, str]] = field(default_factory=dict)

    def add(self, letter: str, count: int, text: str) -> None:
        self.values[letter] = (count, text)

    def number(self, *letters: str) -> int | None:
        for letter in letters:
            if letter in self.values:
                return int(self.values[letter][1])
        return None


def _parse_offset(text: str) -> tzinfo:
    if text in ("Z", "GMT"):
        return UTC
    body = text[3:] if text.startswith("GMT") else text
    sign = -1 if body[0] == "-" else 1
    digits = body[1:].replace(":", "")
    if ":" in body and len(body[1:].split(":")[0]) == 1:
        digits = "0" + digits
    hours = int(digits[:2])
    minutes = int(digits[2:4] or 0)
    seconds = int(digits[4:6] or 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes, seconds=seconds))


def resolve_parsed(
    parsed: Parsed, default_tz: tzinfo, resolve_zone: Callable[[str], Zone]
) -> datetime:
    """Build the instant the parsed fields name; missing time fields are midnight."""
    values = parsed.values
    year = parsed.number("u", "y")
    if year is None:
        raise ValueError("Unable to obtain an instant: no year")
    if values.get("y", values.get("u", (0, "")))[0] == 2:
        year += 2000  # Java's two-digit years count from 2000
    month_field = values.get("M") or values.get("L")
    if month_field and month_field[0] >= 3:
        prefix = month_field[1][:3] if month_field[0] != 5 else month_field[1]
        month = next(i for i, name in enumerate(MONTHS, 1) if name.startswith(prefix))
    else:
        month = parsed.number("M", "L") or 1
    day_of_year = parsed.number("D")
    if day_of_year is not None and "d" not in values:
        base = date(year, 1, 1) + timedelta(days=day_of_year - 1)
        month, day = base.month, base.day
    else:
        day = parsed.number("d") or 1
    hour = parsed.number("H")
    if hour is None:
        clock = parsed.number("k")
        if clock is not None:
            hour = clock % 24
        else:
            half = parsed.number("h", "K") or 0
            hour = half % 12 + (12 if values.get("a", (0, "AM"))[1] == "PM" else 0)
    fraction = values.get("S", (0, "0"))[1]
    micros = int(fraction.ljust(6, "0")[:6])
    tz = default_tz
    for letter in ("X", "x", "Z", "O"):
        if letter in values:
            tz = _parse_offset(values[letter][1])
    for letter in ("V", "z"):
        if letter in values:
            tz = resolve_zone(values[letter][1]).tz
    return datetime(
        year,
        month,
        day,
        hour,
        parsed.number("m") or 0,
        parsed.number("s") or 0,
        micros,
        tzinfo=tz,
    )
