"""Intrinsic function calls (`States.Format(...)` and the other 17), parsed once into a tree.

Grammar (AWS dg `intrinsic-functions`): `States.Name(arg, ...)`, where an argument is a
single-quoted string (escapes `\\'`, `\\{`, `\\}`, `\\\\`), a number, `true`/`false`/`null`, a
path (`$...`, `$$...`, `$var...`) or another call. The functions themselves live in
`intrinsic_functions.py`; this module parses and evaluates arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from stepfunctions.errors import InvalidDefinitionError, StatesError
from stepfunctions.language.errors import IntrinsicArgumentError, MissingArgumentError
from stepfunctions.language.intrinsic_functions import ARITY, FUNCTIONS
from stepfunctions.language.paths import CompiledPath, Scope, compile_path, json_text

__all__ = ["Intrinsic", "compile_intrinsic", "is_intrinsic"]

_MAX_NESTING = 10


@dataclass(frozen=True, slots=True)
class _Literal:
    literal: Any
    # A string literal keeps `\{` and `\}` here so that States.Format can tell escaped braces
    # from placeholders; every other function sees `literal`, with the escapes resolved.
    template: str | None = None

    def value(self, scope: Scope) -> Any:
        return self.literal


@dataclass(frozen=True, slots=True)
class _PathArgument:
    path: CompiledPath
    # AWS names a `$$.` argument rewritten against the context object: `$$.A.B` -> `$.A.B`.
    shown: str

    def value(self, scope: Scope) -> Any:
        # An argument is stricter than a plain `.$` path: an index past the end of an array
        # is a miss here, where a plain path reads null (both measured on AWS, see
        # floci-io/floci AslExecutorIntrinsicMissingArgumentTest).
        found, value = self.path.read(scope, strict=True)
        if not found:
            raise MissingArgumentError(self.shown)
        return value


class _Argument(Protocol):
    def value(self, scope: Scope) -> Any: ...


class Intrinsic:
    """A compiled intrinsic call; `evaluate` runs the tree against a scope."""

    __slots__ = ("_function", "arguments", "field", "name", "text")

    def __init__(
        self,
        text: str,
        name: str,
        function: Callable[[list[Any]], Any],
        arguments: tuple[_Argument, ...],
        field: str,
    ) -> None:
        self.text = text
        self.name = name
        self._function = function
        self.arguments = arguments
        self.field = field

    def __repr__(self) -> str:
        return f"Intrinsic({self.text!r})"

    def evaluate(self, scope: Scope, field: str | None = None) -> Any:
        """The call's value.

        A path argument that selects nothing is `States.Runtime`, worded as AWS words it
        (captured from AWS in floci-io/floci AslExecutorIntrinsicMissingArgumentTest): "The
        function '<the whole call as written>' had the following error: The JsonPath argument
        for the field '$.x' could not be found in the input '<state input>'". An argument the
        function cannot use is `States.IntrinsicFailure`.
        """
        try:
            return self.value(scope)
        except MissingArgumentError as exc:
            raise StatesError(
                "States.Runtime",
                f"The function '{self.text}' had the following error: The JsonPath argument "
                f"for the field '{exc.path}' could not be found in the input "
                f"'{json_text(scope.input)}'",
            ) from exc

    def value(self, scope: Scope) -> Any:
        """The call's value, for use as an argument of an enclosing call."""
        values = [argument.value(scope) for argument in self.arguments]
        try:
            return self._function(values)
        except IntrinsicArgumentError as exc:
            raise StatesError(exc.error, exc.cause) from exc


def is_intrinsic(text: str) -> bool:
    """True when a `.$` value is written as an intrinsic call rather than a path."""
    return text.lstrip().startswith("States.")


def compile_intrinsic(text: str, field: str = "") -> Intrinsic:
    """Parse `text` once; `InvalidDefinitionError` for a malformed or unknown call."""
    parser = _Parser(text, field)
    call = parser.call(depth=1)
    parser.skip_spaces()
    if parser.position != len(text):
        raise parser.invalid()
    return call


class _Parser:
    def __init__(self, text: str, field: str) -> None:
        self.text = text
        self.field = field
        self.position = 0

    def invalid(self) -> InvalidDefinitionError:
        where = f"the field '{self.field}'" if self.field else "the field"
        return InvalidDefinitionError(
            f"The value for {where} must be a valid JSONPath or a valid intrinsic function call"
        )

    def skip_spaces(self) -> None:
        while self.position < len(self.text) and self.text[self.position].isspace():
            self.position += 1

    def call(self, depth: int) -> Intrinsic:
        if depth > _MAX_NESTING:
            raise self.invalid()
        self.skip_spaces()
        start = self.position
        open_paren = self.text.find("(", start)
        if open_paren < 0:
            raise self.invalid()
        name = self.text[start:open_paren].strip()
        function = FUNCTIONS.get(name)
        if function is None:
            raise self.invalid()
        self.position = open_paren + 1
        arguments: list[_Argument] = []
        self.skip_spaces()
        if self.peek() == ")":
            self.position += 1
        else:
            while True:
                arguments.append(self.argument(depth))
                self.skip_spaces()
                char = self.peek()
                self.position += 1
                if char == ")":
                    break
                if char != ",":
                    raise self.invalid()
        text = self.text[start : self.position]
        fewest, most = ARITY[name]
        if len(arguments) < fewest or (most is not None and len(arguments) > most):
            raise self.invalid()
        if name == "States.Format" and arguments:
            first = arguments[0]
            if isinstance(first, _Literal) and first.template is not None:
                arguments[0] = _Literal(first.template)
        return Intrinsic(text, name, function, tuple(arguments), self.field)

    def peek(self) -> str:
        return self.text[self.position] if self.position < len(self.text) else ""

    def argument(self, depth: int) -> _Argument:
        self.skip_spaces()
        char = self.peek()
        if char == "'":
            value, template = self.string()
            return _Literal(value, template)
        if char == "$":
            path = self.path()
            shown = path.text[1:] if path.text.startswith("$$") else path.text
            return _PathArgument(path, shown)
        if self.text.startswith("States.", self.position):
            return self.call(depth + 1)
        return _Literal(self.scalar())

    def string(self) -> tuple[str, str]:
        """(value, template) of a quoted literal: `\\'`, `\\{`, `\\}`, `\\\\` are escapes."""
        self.position += 1
        chars: list[str] = []
        template: list[str] = []
        while self.position < len(self.text):
            char = self.text[self.position]
            if char == "\\" and self.position + 1 < len(self.text):
                following = self.text[self.position + 1]
                chars.append(following)
                template.append("\\" + following if following in "{}\\" else following)
                self.position += 2
                continue
            if char == "'":
                self.position += 1
                return "".join(chars), "".join(template)
            chars.append(char)
            template.append(char)
            self.position += 1
        raise self.invalid()

    def path(self) -> CompiledPath:
        start = self.position
        depth = 0
        quote: str | None = None
        while self.position < len(self.text):
            char = self.text[self.position]
            if quote is not None:
                if char == quote:
                    quote = None
            elif char in "'\"":
                quote = char
            elif char in "[(":
                depth += 1
            elif char in "])":
                if depth == 0:
                    break
                depth -= 1
            elif char == "," and depth == 0:
                break
            self.position += 1
        text = self.text[start : self.position].strip()
        try:
            return compile_path(text)
        except InvalidDefinitionError as exc:
            raise self.invalid() from exc

    def scalar(self) -> Any:
        start = self.position
        while self.position < len(self.text) and self.text[self.position] not in ",)":
            self.position += 1
        token = self.text[start : self.position].strip()
        if token == "true":
            return True
        if token == "false":
            return False
        if token == "null":
            return None
        try:
            return int(token)
        except ValueError:
            pass
        try:
            return float(token)
        except ValueError as exc:
            raise self.invalid() from exc
