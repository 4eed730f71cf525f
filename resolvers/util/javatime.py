"""Java `DateTimeFormatter` patterns and `ZoneId` ids, for `$util.time`.

AppSync's time helpers take Java 8 pattern strings ("yyyy-MM-dd HH:mm:ssZ") and zone ids
("Australia/Perth", "+08:00", "UTC"). A pattern is compiled once into printers and a parsing
regex (`compile_pattern` caches by pattern text). Text fields print in English (Locale.US),
and week fields follow US weeks (Sunday first, one minimal day), as a JVM in en_US does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from resolvers.errors import ResolverError
from resolvers.util.core import MAPPING_TEMPLATE
from resolvers.util.javatime_fields import (
    FieldPrinter,
    Parsed,
    Zone,
    field_parser,
    field_printer,
    offset_id,
    resolve_parsed,
)

UTC_ZONE = Zone(UTC, "UTC")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_millis(moment: datetime) -> int:
    """Whole milliseconds since the epoch, without float rounding."""
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def from_epoch_millis(millis: int) -> datetime:
    seconds, millis_part = divmod(millis, 1000)
    return datetime.fromtimestamp(seconds, UTC).replace(microsecond=millis_part * 1000)


_OFFSET_ID = re.compile(r"^([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$")
_PREFIXED = re.compile(r"^(UTC|GMT|UT)([+-].*)?$")


def _offset_zone(sign: str, hours: str, minutes: str | None, seconds: str | None) -> Zone:
    total = int(hours) * 3600 + int(minutes or 0) * 60 + int(seconds or 0)
    if int(hours) > 18 or int(minutes or 0) > 59 or int(seconds or 0) > 59 or total > 18 * 3600:
        raise ValueError("offset out of range")
    signed = -total if sign == "-" else total
    return Zone(timezone(timedelta(seconds=signed)), offset_id(signed))


@lru_cache(maxsize=256)
def resolve_zone(zone: str | None) -> Zone:
    """Java's `ZoneId.of(zone)`; no zone means UTC."""
    if zone is None:
        return UTC_ZONE
    try:
        if zone == "Z":
            return Zone(UTC, "Z")
        offset = _OFFSET_ID.match(zone)
        if offset:
            return _offset_zone(*offset.groups())
        prefixed = _PREFIXED.match(zone)
        if prefixed:
            prefix, rest = prefixed.groups()
            if rest is None:
                return Zone(UTC, prefix)
            inner = _OFFSET_ID.match(rest)
            if inner is None:
                raise ValueError(zone)
            resolved = _offset_zone(*inner.groups())
            suffix = "Z" if resolved.id == "Z" else resolved.id
            return Zone(resolved.tz, prefix if suffix == "Z" else prefix + suffix)
        if "/" in zone or zone.isalpha():
            return Zone(ZoneInfo(zone), zone)
    except (ValueError, ZoneInfoNotFoundError) as error:
        raise ResolverError(f"Invalid ID for ZoneId: {zone}", MAPPING_TEMPLATE) from error
    raise ResolverError(f"Unknown time-zone ID: {zone}", MAPPING_TEMPLATE)


@dataclass(frozen=True, slots=True)
class CompiledPattern:
    """A DateTimeFormatter pattern, compiled: printers in order and one anchored regex."""

    pattern: str
    printers: tuple[FieldPrinter, ...]
    regex: re.Pattern[str]
    groups: tuple[tuple[str, str, int], ...]


def _tokenize(pattern: str) -> list[tuple[str, str, int]]:
    """Split a pattern into ("field", letter, count), ("text", literal, 0), ("[" / "]")."""
    tokens: list[tuple[str, str, int]] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "'":
            end = i + 1
            literal = []
            while True:
                if end >= len(pattern):
                    raise _bad_pattern(
                        pattern, f"Pattern ends with an incomplete string literal: {pattern}"
                    )
                if pattern[end] == "'":
                    if end + 1 < len(pattern) and pattern[end + 1] == "'":
                        literal.append("'")
                        end += 2
                        continue
                    break
                literal.append(pattern[end])
                end += 1
            tokens.append(("text", "".join(literal) if end > i + 1 else "'", 0))
            i = end + 1
        elif char.isascii() and char.isalpha():
            end = i
            while end < len(pattern) and pattern[end] == char:
                end += 1
            tokens.append(("field", char, end - i))
            i = end
        elif char in "[]":
            tokens.append((char, char, 0))
            i += 1
        elif char in "{}#":
            raise _bad_pattern(pattern, f"Pattern includes reserved character: '{char}'")
        else:
            tokens.append(("text", char, 0))
            i += 1
    return tokens


def _bad_pattern(pattern: str, message: str) -> ResolverError:
    return ResolverError(f"Invalid date format pattern {pattern!r}: {message}", MAPPING_TEMPLATE)


@lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> CompiledPattern:
    printers: list[FieldPrinter] = []
    regex_parts: list[str] = ["^"]
    groups: list[tuple[str, str, int]] = []
    depth = 0
    for kind, value, count in _tokenize(pattern):
        if kind == "text":
            printers.append(_literal_printer(value))
            regex_parts.append(re.escape(value))
        elif kind == "[":
            depth += 1
            regex_parts.append("(?:")
        elif kind == "]":
            if depth == 0:
                raise _bad_pattern(pattern, "Pattern invalid as it contains ] without previous [")
            depth -= 1
            regex_parts.append(")?")
        else:
            try:
                printers.append(field_printer(value, count))
                fragment = field_parser(value, count)
            except ValueError as error:
                raise _bad_pattern(pattern, str(error)) from error
            name = f"g{len(groups)}"
            groups.append((name, value, count))
            regex_parts.append(f"(?P<{name}>{fragment})")
    regex_parts.append(")?" * depth + "$")
    return CompiledPattern(
        pattern, tuple(printers), re.compile("".join(regex_parts)), tuple(groups)
    )


def _literal_printer(text: str) -> FieldPrinter:
    def print_literal(moment: datetime, zone: Zone) -> str:
        return text

    return print_literal


def format_datetime(moment: datetime, pattern: str, zone: Zone) -> str:
    compiled = compile_pattern(pattern)
    local = moment.astimezone(zone.tz)
    return "".join(printer(local, zone) for printer in compiled.printers)


def format_millis(millis: int, pattern: str, zone: str | None) -> str:
    """`epochMilliSecondsToFormatted` / `nowFormatted`: an instant printed in a zone."""
    return format_datetime(from_epoch_millis(millis), pattern, resolve_zone(zone))


def parse_to_millis(text: str, pattern: str, zone: str | None) -> int:
    """`parseFormattedToEpochMilliSeconds`: a zone or offset in the text wins over `zone`."""
    compiled = compile_pattern(pattern)
    match = compiled.regex.match(text)
    if match is None:
        raise ResolverError(f"Text '{text}' could not be parsed", MAPPING_TEMPLATE)
    parsed = Parsed()
    for name, letter, count in compiled.groups:
        value = match.group(name)
        if value is not None:
            parsed.add(letter, count, value)
    try:
        moment = resolve_parsed(parsed, resolve_zone(zone).tz, resolve_zone)
    except ValueError as error:
        raise ResolverError(
            f"Text '{text}' could not be parsed: {error}", MAPPING_TEMPLATE
        ) from error
    return epoch_millis(moment)


_ISO_ZONE_SUFFIX = re.compile(r"\[([^\]]+)\]$")


def parse_iso8601_to_millis(text: str) -> int:
    """`parseISO8601ToEpochMilliSeconds`: an ISO-8601 date-time with an offset, "Z" or a
    bracketed zone id; a text without either is read in UTC."""
    zone_match = _ISO_ZONE_SUFFIX.search(text)
    body = text[: zone_match.start()] if zone_match else text
    try:
        moment = datetime.fromisoformat(body)
    except ValueError as error:
        raise ResolverError(f"Text '{text}' could not be parsed", MAPPING_TEMPLATE) from error
    if moment.tzinfo is None:
        tz = resolve_zone(zone_match.group(1)).tz if zone_match else UTC
        moment = moment.replace(tzinfo=tz)
    return epoch_millis(moment)
