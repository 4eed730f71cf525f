"""The key-path reader every block's parser shares.

`DefinitionReader` walks the raw document (YAML or JSON, as parsed) and records a `Problem`
with its key path (`resolvers[2].dataSourceName`) for each bad value instead of stopping, so one
run of `appsync-local validate` lists every problem.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from definition.problems import Notice, Problem

E = TypeVar("E", bound=StrEnum)

Raw = dict[str, Any]  # a mapping of the definition file, as parsed


class DefinitionReader:
    """Reads values out of the raw document, recording a problem for each bad one, and a
    notice for each field accepted without a local effect."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.notices: list[Notice] = []
        self.schema: tuple[Path, ...] = ()

    def problem(self, key_path: str, message: str) -> None:
        self.problems.append(Problem(str(self.file), key_path, message))

    def notice(self, key_path: str, message: str) -> None:
        self.notices.append(Notice(str(self.file), key_path, message))

    def mapping(self, value: Any, path: str, allowed: Sequence[str]) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.problem(path, f"expected a mapping, got {kind(value)}")
            return None
        for key in value:
            if key not in allowed:
                self.problem(
                    join(path, str(key)), f"unknown key; expected one of {', '.join(allowed)}"
                )
        return value

    def items(self, raw: Raw, key: str, path: str) -> list[tuple[str, Any]]:
        value = raw.get(key)
        if value is None:
            return []
        where = join(path, key)
        if not isinstance(value, list):
            self.problem(where, f"expected a list, got {kind(value)}")
            return []
        return [(f"{where}[{index}]", item) for index, item in enumerate(value)]

    def string(self, raw: Raw, key: str, path: str, *, required: bool) -> str | None:
        value = raw.get(key)
        where = join(path, key)
        if value is None:
            if required:
                self.problem(where, "required; expected a non-empty string")
            return None
        if not isinstance(value, str) or not value:
            self.problem(where, f"expected a non-empty string, got {kind(value)}")
            return None
        return value

    def integer(self, raw: Raw, key: str, path: str, low: int, high: int, default: int) -> int:
        value = raw.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.problem(join(path, key), f"expected an integer from {low} to {high}")
            return default
        return value

    def number(self, raw: Raw, key: str, path: str, default: float) -> float:
        value = raw.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            self.problem(join(path, key), "expected a positive number")
            return default
        return float(value)

    def boolean(self, raw: Raw, key: str, path: str) -> bool:
        """False when absent."""
        value = raw.get(key, False)
        if not isinstance(value, bool):
            self.problem(join(path, key), f"expected true or false, got {kind(value)}")
            return False
        return value

    def enum(self, raw: Raw, key: str, path: str, kind: type[E], default: E | None) -> E | None:
        value = raw.get(key)
        where = join(path, key)
        if value is None:
            if default is None:
                self.problem(where, f"required; expected one of {choices(kind)}")
            return default
        try:
            return kind(value)
        except ValueError:
            self.problem(where, f"expected one of {choices(kind)}, got {value!r}")
            return default

    def file_path(self, raw: Raw, key: str, path: str) -> Path | None:
        name = self.string(raw, key, path, required=False)
        if name is None:
            return None
        resolved = (self.file.parent / name).resolve()
        if not resolved.is_file():
            self.problem(join(path, key), f"file not found: {resolved}")
            return None
        return resolved


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def kind(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__


def choices(kind: type[StrEnum]) -> str:
    return " | ".join(member.value for member in kind)
