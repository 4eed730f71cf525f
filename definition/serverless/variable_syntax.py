"""The syntax of the Serverless Framework's variables: a string parsed into literal text and
variables, as the framework's parser (`lib/configuration/variables/parse.js`, v3) reads it.

A variable is `${` a source, then `, ` fallback sources, then `}`. A source is `type:address`
(`self:custom.stage`), `type(params)` or `type(params):address` (`file(./config.yml):stage`),
or, as a fallback, a literal (`'dev'`, `"dev"`, `1024`, `true`, `null`). Variables nest
(`${env:${opt:stage}_ARN}`) in addresses and parameters. A `${` whose type does not start with
a lowercase letter (`${AWS::Region}`, `${Stage}`), is followed by `::`, or has no `:` or `(`
(`${stage}`), is not a variable: it is left as written, for CloudFormation's `Fn::Sub`. `\\${`
is a literal `${`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_TYPE = re.compile(r"^[a-z][a-zA-Z0-9]*$")
_LITERALS: dict[str, Any] = {"true": True, "false": False, "null": None}


class _NotAVariableError(Exception):
    """The `${` at hand is not a variable (CloudFormation's `${AWS::Region}`, say)."""


class VariableSyntaxError(Exception):
    """A variable that does not parse."""


# A parsed string: literal text and variables, in order.
Pieces = list["str | Variable"]


@dataclass(frozen=True, slots=True)
class Source:
    """One source of a variable: `type(params):address`, or a `literal` fallback."""

    type: str | None
    params: tuple[Pieces, ...] = ()
    address: Pieces | None = None
    literal: Any = None


@dataclass(frozen=True, slots=True)
class Variable:
    """`${...}`: its sources in order, and its text as written (for messages)."""

    sources: tuple[Source, ...]
    text: str


def parse(value: str) -> Pieces:
    """`value` as literal text and variables; raises VariableSyntaxError."""
    pieces, _ = _Parser(value).text(0, stop="")
    return pieces


class _Parser:
    def __init__(self, value: str) -> None:
        self.value = value

    def text(self, start: int, stop: str) -> tuple[Pieces, int]:
        """Literal text and variables from `start` to the first character of `stop` outside
        a variable (or the end)."""
        pieces: Pieces = []
        buffer: list[str] = []
        index = start
        value = self.value
        while index < len(value) and value[index] not in stop:
            if value.startswith("\\${", index):
                buffer.append("${")
                index += 3
                continue
            if value.startswith("${", index):
                try:
                    variable, end = self.variable(index)
                except _NotAVariableError:
                    buffer.append("${")
                    index += 2
                    continue
                if buffer:
                    pieces.append("".join(buffer))
                    buffer = []
                pieces.append(variable)
                index = end
                continue
            buffer.append(value[index])
            index += 1
        if buffer:
            pieces.append("".join(buffer))
        return pieces, index

    def variable(self, start: int) -> tuple[Variable, int]:
        """The variable at `start` (`${`) and the index after its `}`."""
        index = start + 2
        sources: list[Source] = []
        while True:
            source, index = self.source(index, first=not sources)
            sources.append(source)
            index = self._spaces(index)
            if index >= len(self.value):
                raise VariableSyntaxError(f"unterminated variable {self.value[start:]!r}")
            if self.value[index] == "}":
                return Variable(tuple(sources), self.value[start : index + 1]), index + 1
            if self.value[index] != ",":
                raise VariableSyntaxError(
                    f"unexpected {self.value[index]!r} in {self.value[start : index + 1]!r}"
                )
            index += 1

    def source(self, start: int, *, first: bool) -> tuple[Source, int]:
        value = self.value
        index = self._spaces(start)
        if not first and index < len(value) and value[index] in "'\"":
            literal, index = self._quoted(index)
            return Source(None, literal=literal), index
        name_end = index
        while name_end < len(value) and (value[name_end].isalnum() or value[name_end] in ".-"):
            name_end += 1
        name = value[index:name_end]
        following = value[name_end] if name_end < len(value) else ""
        if following not in ":(" or not _TYPE.match(name):
            if first:
                raise _NotAVariableError
            if following in ":(":
                raise VariableSyntaxError(f"invalid variable source {name!r}")
            literal = value[index:name_end].strip()
            return Source(None, literal=_literal(literal)), name_end
        if first and value.startswith("::", name_end):
            raise _NotAVariableError
        index = name_end
        params: list[Pieces] = []
        if following == "(":
            index += 1
            while True:
                index = self._spaces(index)
                if value.startswith(")", index):
                    index += 1
                    break
                if index < len(value) and value[index] in "'\"":
                    text, index = self._quoted(index)
                    param: Pieces = [str(text)]
                else:
                    param, index = self.text(index, stop=",)}")
                params.append(_strip(param))
                index = self._spaces(index)
                if value.startswith(",", index):
                    index += 1
                elif not value.startswith(")", index):
                    raise VariableSyntaxError(f"unterminated parameters in {value!r}")
        address: Pieces | None = None
        if value.startswith(":", index):
            index = self._spaces(index + 1)
            if index < len(value) and value[index] in "'\"":
                text, index = self._quoted(index)
                address = [str(text)]
            else:
                found, index = self.text(index, stop=",}")
                address = _strip(found)
        return Source(name, tuple(params), address), index

    def _quoted(self, start: int) -> tuple[str, int]:
        quote = self.value[start]
        end = self.value.find(quote, start + 1)
        if end < 0:
            raise VariableSyntaxError(f"unterminated string in {self.value!r}")
        return self.value[start + 1 : end], end + 1

    def _spaces(self, index: int) -> int:
        while index < len(self.value) and self.value[index] == " ":
            index += 1
        return index


def _strip(pieces: Pieces) -> Pieces:
    if pieces and isinstance(pieces[0], str):
        pieces = [pieces[0].lstrip(), *pieces[1:]]
    if pieces and isinstance(pieces[-1], str):
        pieces = [*pieces[:-1], pieces[-1].rstrip()]
    return [piece for piece in pieces if piece != ""]


def _literal(text: str) -> Any:
    if text in _LITERALS:
        return _LITERALS[text]
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        # AWS differs: the framework (v3) refuses an unquoted word as a fallback; older
        # services write `${opt:stage, dev}`, which it read as the string.
        return text
