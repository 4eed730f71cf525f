"""JSONPath payload templates: Parameters, ResultSelector, ItemSelector, Assign and friends.

A key ending in `.$` takes its value from a path (`$...`, `$$...`, `$var...`) or an intrinsic
call (`States.*`), and loses the `.$` in the output; nested objects and arrays recurse; every
other value is literal (AWS dg `input-output-inputpath-params`). Errors name the key as AWS
does: the key itself with its `.$` (corpus `test_invalid_jsonpath`: field 'value.$').
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from stepfunctions.errors import InvalidDefinitionError
from stepfunctions.language.intrinsics import Intrinsic, compile_intrinsic, is_intrinsic
from stepfunctions.language.paths import CompiledPath, Scope, compile_path

__all__ = ["PayloadTemplate", "compile_dynamic_value", "compile_payload_template"]


@dataclass(frozen=True, slots=True)
class _Literal:
    value: Any

    def evaluate(self, scope: Scope) -> Any:
        return self.value


@dataclass(frozen=True, slots=True)
class _Dynamic:
    """A `.$` value: a path or an intrinsic call, evaluated against the scope."""

    field: str
    source: CompiledPath | Intrinsic

    def evaluate(self, scope: Scope) -> Any:
        return self.source.evaluate(scope, self.field)


@dataclass(frozen=True, slots=True)
class _Object:
    entries: tuple[tuple[str, _Node], ...]

    def evaluate(self, scope: Scope) -> Any:
        return {key: node.evaluate(scope) for key, node in self.entries}


@dataclass(frozen=True, slots=True)
class _Array:
    items: tuple[_Node, ...]

    def evaluate(self, scope: Scope) -> Any:
        return [item.evaluate(scope) for item in self.items]


_Node = _Literal | _Dynamic | _Object | _Array


class PayloadTemplate:
    """A compiled payload template; `evaluate` builds a fresh JSON value from a scope."""

    __slots__ = ("_root", "field")

    def __init__(self, root: _Node, field: str) -> None:
        self._root = root
        self.field = field

    def evaluate(self, scope: Scope) -> Any:
        """The payload; `States.Runtime` (missing path) or intrinsic errors propagate."""
        return self._root.evaluate(scope)


def compile_payload_template(value: Any, field: str) -> PayloadTemplate:
    """Compile `value` (the JSON of a Parameters-like field named `field`) once."""
    return PayloadTemplate(_compile(value), field)


def compile_dynamic_value(text: str, field: str) -> CompiledPath | Intrinsic:
    """A path or an intrinsic call, as a `.$` value or ErrorPath/CausePath accepts it."""
    if not isinstance(text, str):
        raise InvalidDefinitionError(
            f"The value for the field '{field}' must be a valid JSONPath or a valid intrinsic "
            "function call"
        )
    if is_intrinsic(text):
        return compile_intrinsic(text, field)
    if text.startswith("$"):
        try:
            return compile_path(text)
        except InvalidDefinitionError as exc:
            raise InvalidDefinitionError(
                f"The value for the field '{field}' must be a valid JSONPath or a valid "
                "intrinsic function call"
            ) from exc
    raise InvalidDefinitionError(
        f"The value for the field '{field}' must be a valid JSONPath or a valid intrinsic "
        "function call"
    )


def _compile(value: Any) -> _Node:
    if isinstance(value, Mapping):
        entries: list[tuple[str, _Node]] = []
        dynamic = False
        for key, item in value.items():
            if isinstance(key, str) and key.endswith(".$"):
                entries.append((key[:-2], _Dynamic(key, compile_dynamic_value(item, key))))
                dynamic = True
            else:
                node = _compile(item)
                dynamic = dynamic or not isinstance(node, _Literal)
                entries.append((key, node))
        if not dynamic:
            return _Literal(value)
        return _Object(tuple(entries))
    if isinstance(value, list):
        items = tuple(_compile(item) for item in value)
        if all(isinstance(item, _Literal) for item in items):
            return _Literal(value)
        return _Array(items)
    return _Literal(value)
