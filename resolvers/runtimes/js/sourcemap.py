"""Inline source maps: a bundled resolver's positions mapped back to the file they came from.

AWS asks for resolver code bundled into one ES module ("Bundling, TypeScript, and source maps",
AppSync developer guide: esbuild with `sourcemap: 'inline'`, `sourcesContent: false`), and CDK's
and esbuild's bundles end with `//# sourceMappingURL=data:application/json;base64,...`. The map is
Source Map revision 3: `mappings` is one group per generated line (`;`), one segment per
position (`,`), each segment base64 VLQ deltas: generated column, source index, original line,
original column. Only inline maps are read; a map in another file is left alone, as AppSync only
ever receives the one file.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
import re
from dataclasses import dataclass
from typing import Any

_INLINE = re.compile(
    r"//[#@][ \t]*sourceMappingURL=data:application/json(?:;charset=[\w-]+)?;base64,"
    r"(?P<data>[A-Za-z0-9+/=]+)[ \t]*$",
    re.MULTILINE,
)
_BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_DIGITS = {char: index for index, char in enumerate(_BASE64)}


@dataclass(frozen=True, slots=True)
class OriginalPosition:
    """Where a generated position came from: the source's name, 1-based line and column."""

    source: str
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class SourceMap:
    """The decoded segments: per generated line, (generated column, source, line, column)
    sorted by generated column, all 0-based."""

    sources: tuple[str, ...]
    lines: tuple[tuple[tuple[int, int, int, int], ...], ...]

    def original(self, line: int, column: int) -> OriginalPosition | None:
        """The original position of a 1-based generated `line` and `column`, or None when the
        map says nothing about that line."""
        if not 1 <= line <= len(self.lines):
            return None
        segments = self.lines[line - 1]
        if not segments:
            return None
        index = bisect.bisect_right([s[0] for s in segments], column - 1) - 1
        _, source, original_line, original_column = segments[max(index, 0)]
        return OriginalPosition(self.sources[source], original_line + 1, original_column + 1)


def _vlq_values(segment: str) -> list[int]:
    values: list[int] = []
    value = shift = 0
    for char in segment:
        digit = _DIGITS[char]
        value += (digit & 31) << shift
        if digit & 32:
            shift += 5
            continue
        values.append(-(value >> 1) if value & 1 else value >> 1)
        value = shift = 0
    return values


def decode_mappings(sources: tuple[str, ...], mappings: str) -> SourceMap:
    """Decode a `mappings` string; segments without a source position are skipped."""
    lines: list[tuple[tuple[int, int, int, int], ...]] = []
    source = original_line = original_column = 0
    for group in mappings.split(";"):
        column = 0
        segments: list[tuple[int, int, int, int]] = []
        for segment in group.split(","):
            if not segment:
                continue
            values = _vlq_values(segment)
            column += values[0]
            if len(values) < 4:
                continue
            source += values[1]
            original_line += values[2]
            original_column += values[3]
            segments.append((column, source, original_line, original_column))
        segments.sort()
        lines.append(tuple(segments))
    return SourceMap(sources, tuple(lines))


def inline_source_map(text: str) -> SourceMap | None:
    """The inline source map at the end of `text`, or None when there is none (or it does not
    decode: the positions are then the bundle's own)."""
    matches = list(_INLINE.finditer(text))
    if not matches:
        return None
    found = matches[-1]
    try:
        document: Any = json.loads(base64.b64decode(found.group("data")))
        sources = tuple(str(name) for name in document["sources"])
        return decode_mappings(sources, str(document["mappings"]))
    except (binascii.Error, ValueError, KeyError, TypeError, IndexError):
        return None
