"""The reader of one resource's evaluated properties: `appsync_yaml`'s `DefinitionReader`, whose
problems and notices name the resource's logical id and the property path, and which reads
inline text and S3 locations as the model's `Source`s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from definition.appsync_yaml.reader import DefinitionReader, join
from definition.cloudformation.stack import Resource, Stack
from definition.errors import TemplateValueError
from definition.model import InlineSource, Source
from definition.problems import Notice, Origin, Problem


class PropertyReader(DefinitionReader):
    """Reads one resource's evaluated `Properties`; key paths start at `Properties`."""

    def __init__(self, stack: Stack, logical_id: str) -> None:
        super().__init__(stack.template.file)
        self.stack = stack
        self.logical_id = logical_id
        # Shared with the stack, so that one list holds every problem of the template.
        self.problems = stack.problems
        self.notices = stack.notices

    def problem(self, key_path: str, message: str) -> None:
        found = Problem(str(self.file), key_path, message, logical_id=self.logical_id)
        if found not in self.problems:
            self.problems.append(found)

    def notice(self, key_path: str, message: str) -> None:
        self.notices.append(Notice(str(self.file), f"{self.logical_id}.{key_path}", message))

    def origin(self, property_path: str = "Properties") -> Origin:
        return Origin(str(self.file), self.logical_id, property_path)

    def inline(self, text: str, property_path: str) -> InlineSource:
        """Text written in the property: named by the logical id and property path."""
        return InlineSource(text, f"{self.logical_id}.{property_path}", self.origin(property_path))

    def source(
        self, block: dict[str, Any], inline_key: str, location_key: str, path: str
    ) -> tuple[Source | None, str | None]:
        """The text of `inline_key` or the local file of `location_key` (an S3 location), and
        the property path it came from; (None, None) when neither is given."""
        inline = block.get(inline_key)
        location = block.get(location_key)
        if inline is not None and location is not None:
            self.problem(join(path, location_key), f"give {inline_key} or {location_key}, not both")
        if inline is not None:
            where = join(path, inline_key)
            if not isinstance(inline, str):
                self.problem(where, "expected a string")
                return None, None
            return self.inline(inline, where), where
        if location is not None:
            where = join(path, location_key)
            file = self.local_file(location, where)
            return file, where
        return None, None

    def local_file(self, location: Any, where: str, *, directory: bool = False) -> Path | None:
        try:
            return self.stack.assets.locate(location, where, directory=directory)
        except TemplateValueError as error:
            self.problem(error.path, error.message)
            return None

    def allowed(self, block: dict[str, Any], path: str, keys: Sequence[str]) -> None:
        """A problem for each key the resource type does not have."""
        for key in block:
            if key not in keys:
                self.problem(
                    join(path, str(key)), f"unknown property; expected one of {', '.join(keys)}"
                )

    def accepted(self, block: dict[str, Any], path: str, reasons: dict[str, str]) -> None:
        """A notice for each property present that has no local effect, with why."""
        for key, reason in reasons.items():
            if block.get(key) not in (None, False, [], {}):
                self.notice(join(path, key), f"accepted; no local effect yet ({reason})")


def checked_properties(
    stack: Stack, logical_id: str, keys: Sequence[str], no_local_effect: dict[str, str]
) -> tuple[PropertyReader, dict[str, Any]] | None:
    """A resource's evaluated properties and their reader, each unknown key a problem and each
    key in `no_local_effect` a notice; None when they cannot be evaluated."""
    properties = stack.properties(logical_id)
    if properties is None:
        return None
    reader = PropertyReader(stack, logical_id)
    reader.allowed(properties, "Properties", keys)
    reader.accepted(properties, "Properties", no_local_effect)
    return reader, properties


@dataclass(frozen=True, slots=True)
class Part:
    """A resource with its evaluated `properties`, and the `stack` that declares it (the
    template's own, or a nested stack)."""

    stack: Stack
    resource: Resource
    properties: dict[str, Any]

    def reader(self) -> PropertyReader:
        return PropertyReader(self.stack, self.resource.logical_id)


def integer(reader: PropertyReader, block: dict[str, Any], key: str, path: str) -> int | None:
    """An integer property; CloudFormation also takes numbers written as strings."""
    value = block.get(key)
    if value is None:
        return None
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        reader.problem(join(path, key), f"expected an integer, got {value!r}")
        return None
    return value


def boolean(reader: PropertyReader, block: dict[str, Any], key: str, path: str) -> bool:
    """A boolean property (`true`/`false` strings too); False when absent."""
    value = block.get(key, False)
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if not isinstance(value, bool):
        reader.problem(join(path, key), f"expected true or false, got {value!r}")
        return False
    return value
