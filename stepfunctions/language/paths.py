"""JSONPath Paths and Reference Paths of the States Language, compiled once.

A path starts at one of three roots: `$` (the state's data), `$$` (the context object) or
`$name` (a variable). A definite path (`.name`, `['name']`, `[3]` steps only) becomes a tuple of
steps read by a small loop; a path with wildcards, slices, unions, filters or `..` is handed to
jsonpath-ng and yields the list of its matches (`[]` when nothing matches, as AWS's Jayway-based
evaluator does: corpus `test_json_path_array_wildcard_or_slice_with_no_input`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Any

from jsonpath_ng.exceptions import JsonPathLexerError, JsonPathParserError
from jsonpath_ng.ext.parser import parse as parse_jsonpath

from stepfunctions.errors import InvalidDefinitionError, StatesError

__all__ = [
    "CompiledPath",
    "QueryLanguage",
    "RootKind",
    "Scope",
    "apply_result_path",
    "compile_path",
    "compile_reference_path",
    "java_double_text",
    "json_text",
]


class QueryLanguage(StrEnum):
    """The two query languages a state machine or a state may declare."""

    JSONPATH = "JSONPath"
    JSONATA = "JSONata"


@dataclass(frozen=True, slots=True)
class Scope:
    """What an expression can see while a state runs.

    `now_millis` is the engine clock's time for a JSONata Condition's `$now()`/`$millis()`;
    None reads the wall clock.
    """

    input: Any
    context: Mapping[str, Any]
    variables: Mapping[str, Any]
    now_millis: int | None = None


class RootKind(Enum):
    """Where a path starts reading."""

    INPUT = "$"
    CONTEXT = "$$"
    VARIABLE = "$var"


Step = str | int

# Fields whose missing path AWS reports with the long "The JSONPath ... could not be found in the
# input ..." sentence (corpus `test_invalid_jsonpath`); reference-path fields such as InputPath,
# OutputPath and ItemsPath get Jayway's "Invalid path ... : No results for path: ..." instead.
_LONG_FORM_FIELDS = frozenset({"ErrorPath", "CausePath"})


def json_text(value: Any) -> str:
    """Render JSON the way Step Functions prints it in causes: compact, Java number style."""
    parts: list[str] = []
    _write_json(value, parts)
    return "".join(parts)


def _write_json(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, float):
        out.append(java_double_text(value))
    elif isinstance(value, str):
        out.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, Mapping):
        out.append("{")
        first = True
        for key, item in value.items():
            if not first:
                out.append(",")
            first = False
            out.append(json.dumps(str(key), ensure_ascii=False))
            out.append(":")
            _write_json(item, out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _write_json(item, out)
        out.append("]")
    else:
        out.append(json.dumps(str(value), ensure_ascii=False))


def java_double_text(value: float) -> str:
    """`Double.toString` as Jackson prints a double: `1.0`, `0.001`, `1.0E7`, `1.5E-4`."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    magnitude = abs(value)
    if magnitude == 0 or 1e-3 <= magnitude < 1e7:
        # Python's repr is decimal in this range and already ends in ".0" for whole numbers.
        return repr(value)
    _, digit_tuple, exponent = Decimal(repr(magnitude)).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0") or "0"
    assert isinstance(exponent, int)
    scale = len(digit_tuple) - 1 + exponent
    sign = "-" if value < 0 else ""
    return f"{sign}{digits[0]}.{digits[1:] or '0'}E{scale}"


class CompiledPath:
    """A Path or Reference Path, parsed once; `evaluate` never re-parses."""

    __slots__ = ("_query", "definite", "root", "steps", "text", "variable")

    def __init__(
        self,
        text: str,
        root: RootKind,
        variable: str | None,
        steps: tuple[Step, ...],
        query: Any,
    ) -> None:
        self.text = text
        self.root = root
        self.variable = variable
        self.steps = steps
        self._query = query
        self.definite = query is None

    def __repr__(self) -> str:
        return f"CompiledPath({self.text!r})"

    def evaluate(self, scope: Scope, field: str) -> Any:
        """The value the path selects, or `States.Runtime` naming `field` as AWS does."""
        found, value = self.read(scope)
        if found:
            return value
        raise self.not_found(scope, field)

    def read(self, scope: Scope, *, strict: bool = False) -> tuple[bool, Any]:
        """(True, value) when the path selects something, (False, None) when it does not.

        An indefinite path always succeeds with the list of its matches. A last step that
        indexes past the end of an array reads null, as AWS's Jayway-on-Jackson evaluator does
        for a plain `.$` path (measured on AWS, floci-io/floci
        AslExecutorIntrinsicMissingArgumentTest); `strict` makes it a miss instead, as for an
        intrinsic function's argument.
        """
        return self._select(scope, strict)

    def _select(self, scope: Scope, strict: bool) -> tuple[bool, Any]:
        if self.root is RootKind.INPUT:
            document: Any = scope.input
        elif self.root is RootKind.CONTEXT:
            document = scope.context
        else:
            if self.variable is None or self.variable not in scope.variables:
                return False, None
            document = scope.variables[self.variable]
        if self._query is not None:
            return True, [match.value for match in self._query.find(document)]
        last = len(self.steps) - 1
        for position, step in enumerate(self.steps):
            if isinstance(step, str):
                if not isinstance(document, Mapping) or step not in document:
                    return False, None
                document = document[step]
            else:
                if not isinstance(document, list):
                    return False, None
                index = step + len(document) if step < 0 else step
                if not 0 <= index < len(document):
                    if position == last and not strict:
                        return True, None
                    return False, None
                document = document[index]
        return True, document

    def not_found(self, scope: Scope, field: str) -> StatesError:
        """The error AWS raises when this path selects nothing for `field`."""
        if self.root is RootKind.VARIABLE and self.variable not in scope.variables:
            # AWS differs: no recording shows the JSONPath text for an undefined variable; we
            # use the JSONata wording the corpus records for `$doesNotExist`.
            return StatesError(
                "States.Runtime",
                f"The JSONPath '{self.text}' specified for the field '{field}' could not be "
                f"found in the input '{json_text(scope.input)}'",
            )
        if field.endswith(".$") or field in _LONG_FORM_FIELDS:
            # A `$$.` path searched the context object, and that is the "input" AWS prints
            # (floci-io/floci AslExecutorIntrinsicMissingArgumentTest notes the difference).
            searched = scope.context if self.root is RootKind.CONTEXT else scope.input
            return StatesError(
                "States.Runtime",
                f"The JSONPath '{self.text}' specified for the field '{field}' could not be "
                f"found in the input '{json_text(searched)}'",
            )
        # Jayway's own sentences: a missing last step has "No results for path", a missing step
        # before it "Missing property in path", both with the path up to the missing step.
        missing = self._missing_step(scope)
        if missing >= len(self.steps) - 1:
            detail = f"No results for path: {self.normalized()}"
        else:
            detail = f"Missing property in path {self.normalized(missing + 1)}"
        return StatesError("States.Runtime", f"Invalid path '{self.text}' : {detail}")

    def _missing_step(self, scope: Scope) -> int:
        """The index of the first step that selects nothing (the last one when none does)."""
        document: Any = scope.context if self.root is RootKind.CONTEXT else scope.input
        if self.root is RootKind.VARIABLE:
            document = scope.variables.get(self.variable or "")
        for position, step in enumerate(self.steps):
            found, document = _step(document, step)
            if not found:
                return position
        return len(self.steps) - 1

    def normalized(self, count: int | None = None) -> str:
        """Jayway's rendering of the first `count` steps, `$['a'][0]`, as its messages show it.

        A `$$` path is evaluated as `$...` against the context object, so it renders from `$`.
        """
        head = f"${self.variable}" if self.root is RootKind.VARIABLE else "$"
        steps = self.steps if count is None else self.steps[:count]
        return head + "".join(f"['{s}']" if isinstance(s, str) else f"[{s}]" for s in steps)


def _step(document: Any, step: Step) -> tuple[bool, Any]:
    if isinstance(step, str):
        if isinstance(document, Mapping) and step in document:
            return True, document[step]
        return False, None
    if isinstance(document, list) and -len(document) <= step < len(document):
        return True, document[step]
    return False, None


def compile_path(text: str, field: str = "") -> CompiledPath:
    """Compile a Path (InputPath, OutputPath, `.$` values): filters, slices and wildcards allowed.

    `field` only words the InvalidDefinitionError: "The value for the field 'InputPath' must
    be a valid JSONPath" (AWS's CreateStateMachine wording, aws/amazon-states-language-service#26).
    """
    return _compile(text, field, allow_indefinite=True)


def compile_reference_path(text: str, field: str = "") -> CompiledPath:
    """Compile a Reference Path (ResultPath, ItemsPath, Choice Variable, *Path): one node."""
    return _compile(text, field, allow_indefinite=False)


def _invalid(field: str, kind: str) -> InvalidDefinitionError:
    named = f"the field '{field}'" if field else "the field"
    return InvalidDefinitionError(f"The value for {named} must be a valid {kind}")


def _compile(text: str, field: str, *, allow_indefinite: bool) -> CompiledPath:
    if not isinstance(text, str) or not text.startswith("$"):
        raise _invalid(field, "JSONPath")
    if text.startswith("$$"):
        root, variable, rest = RootKind.CONTEXT, None, text[2:]
    elif len(text) > 1 and (text[1].isalnum() or text[1] == "_"):
        end = 1
        while end < len(text) and (text[end].isalnum() or text[end] == "_"):
            end += 1
        root, variable, rest = RootKind.VARIABLE, text[1:end], text[end:]
    else:
        root, variable, rest = RootKind.INPUT, None, text[1:]
    steps = _definite_steps(rest)
    if steps is not None:
        return CompiledPath(text, root, variable, steps, None)
    if not allow_indefinite:
        raise _invalid(field, "ReferencePath")
    try:
        query = parse_jsonpath("$" + rest)
    except (JsonPathParserError, JsonPathLexerError, ValueError) as exc:
        raise _invalid(field, "JSONPath") from exc
    return CompiledPath(text, root, variable, (), query)


def _definite_steps(rest: str) -> tuple[Step, ...] | None:
    """Steps of `.a['b'][0]`, or None when the text needs a full JSONPath evaluator."""
    steps: list[Step] = []
    position = 0
    while position < len(rest):
        char = rest[position]
        if char == ".":
            if rest.startswith("..", position):
                return None
            end = position + 1
            while end < len(rest) and rest[end] not in ".[":
                end += 1
            name = rest[position + 1 : end]
            # A Jayway function such as `length()` is a plain property name to AWS, which
            # supports no path functions (aws-step-functions-developer-guide PR #5: "Invalid
            # path '$.list.length()' : Property ['length()'] not found in path $['list']").
            if not name or name == "*":
                return None
            steps.append(name)
            position = end
        elif char == "[":
            close = _bracket_end(rest, position)
            if close < 0:
                return None
            inner = rest[position + 1 : close].strip()
            if len(inner) >= 2 and inner[0] == inner[-1] and inner[0] in "'\"":
                body = inner[1:-1]
                if inner[0] in body:
                    return None
                steps.append(body)
            elif inner.lstrip("-").isdigit():
                steps.append(int(inner))
            else:
                return None
            position = close + 1
        else:
            return None
    return tuple(steps)


def _bracket_end(text: str, start: int) -> int:
    quote: str | None = None
    for index in range(start + 1, len(text)):
        char = text[index]
        if quote is not None:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "]":
            return index
    return -1


def apply_result_path(
    path: CompiledPath | None, state_input: Any, result: Any, *, discard: bool
) -> Any:
    """ResultPath semantics: `$` replaces, null (`discard`) keeps the input, `$.a.b` merges.

    Missing objects along the path are created; the input is never mutated (the objects on the
    path are copied). A step through a value that is not an object is
    `States.ResultPathMatchFailure`, worded as AWS words it (seen in aws/aws-cdk#29473):
    `Unable to apply ReferencePath $.x to input "<input JSON>"`.
    """
    if discard:
        return state_input
    if path is None or (path.root is RootKind.INPUT and not path.steps):
        return result
    if path.root is not RootKind.INPUT or not path.definite:
        raise _result_path_failure(path, state_input)
    written = _write(path.steps, state_input, result)
    if written is _NO_MATCH:
        raise _result_path_failure(path, state_input)
    return written


def _result_path_failure(path: CompiledPath, state_input: Any) -> StatesError:
    return StatesError(
        "States.ResultPathMatchFailure",
        f'Unable to apply ReferencePath {path.text} to input "{json_text(state_input)}"',
    )


_NO_MATCH: Any = object()


def _write(steps: tuple[Step, ...], node: Any, result: Any) -> Any:
    """`node` with `result` written at `steps`, copying only the containers on the way."""
    step, rest = steps[0], steps[1:]
    if isinstance(step, str) and isinstance(node, Mapping):
        copy = dict(node)
        if not rest:
            copy[step] = result
            return copy
        child = copy.get(step)
        written = _write(rest, {} if child is None else child, result)
        if written is _NO_MATCH:
            return _NO_MATCH
        copy[step] = written
        return copy
    if isinstance(step, int) and isinstance(node, list):
        index = step + len(node) if step < 0 else step
        if 0 <= index < len(node):
            items = list(node)
            written = _write(rest, items[index], result) if rest else result
            if written is _NO_MATCH:
                return _NO_MATCH
            items[index] = written
            return items
    return _NO_MATCH
