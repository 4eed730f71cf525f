"""The compiled form of a VTL template: the render frame and the expressions.

A template is parsed once by airspeed and compiled once into these nodes (`vtl_compile`); each
request only walks the tree. Statements live in `vtl_directives`. Expressions follow Velocity
1.7: `&&` and `||` short-circuit, `!` of null is true, a step on null is null, and a method the
value's Java class lacks is an error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from resolvers.errors import JavaMethodError, ResolverError
from resolvers.runtimes import vtl_java, vtl_java_methods
from resolvers.runtimes.vtl_java import to_java_string, truthy
from resolvers.util.core import MAPPING_TEMPLATE, Helper


@dataclass(frozen=True, slots=True)
class Position:
    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}[line {self.line}, column {self.column}]"


class Frame:
    """One render: the variables, the output being written, the macros and defines."""

    __slots__ = ("macros", "out", "vars")

    def __init__(self, variables: dict[str, Any], macros: dict[str, MacroDef]) -> None:
        self.vars = variables
        self.out: list[str] = []
        self.macros = macros

    def capture(self, body: Sequence[Node]) -> str:
        saved = self.out
        self.out = []
        try:
            render_block(body, self)
            return "".join(self.out)
        finally:
            self.out = saved


class Node:
    """A statement: writes to the frame's output."""

    __slots__ = ()

    def render(self, frame: Frame) -> None:
        raise NotImplementedError


class Expr:
    """An expression: yields a value."""

    __slots__ = ()

    def value(self, frame: Frame) -> Any:
        raise NotImplementedError


def render_block(body: Sequence[Node], frame: Frame) -> None:
    for node in body:
        node.render(frame)


def template_error(message: str, position: Position) -> ResolverError:
    return ResolverError(f"{message} at {position}", MAPPING_TEMPLATE)


class MacroDef:
    __slots__ = ("body", "params")

    def __init__(self, params: list[str], body: list[Node]) -> None:
        self.params = params
        self.body = body


class DefinedBlock:
    __slots__ = ("body",)

    def __init__(self, body: list[Node]) -> None:
        self.body = body


# Expressions


class Literal(Expr):
    __slots__ = ("constant",)

    def __init__(self, constant: Any) -> None:
        self.constant = constant

    def value(self, frame: Frame) -> Any:
        return self.constant


class ListLiteral(Expr):
    """`[a, b]`: a new ArrayList each time it is evaluated."""

    __slots__ = ("items",)

    def __init__(self, items: list[Expr]) -> None:
        self.items = items

    def value(self, frame: Frame) -> Any:
        return [item.value(frame) for item in self.items]


class RangeLiteral(Expr):
    """`[1..n]`: integers from one bound to the other, either way."""

    __slots__ = ("high", "low")

    def __init__(self, low: Expr, high: Expr) -> None:
        self.low = low
        self.high = high

    def value(self, frame: Frame) -> Any:
        start, end = self.low.value(frame), self.high.value(frame)
        if not (isinstance(start, int) and isinstance(end, int)):
            return None
        step = 1 if end >= start else -1
        return list(range(start, end + step, step))


class MapLiteral(Expr):
    """`{"k": v}`: a new LinkedHashMap each time it is evaluated."""

    __slots__ = ("pairs",)

    def __init__(self, pairs: list[tuple[Expr, Expr]]) -> None:
        self.pairs = pairs

    def value(self, frame: Frame) -> Any:
        return {key.value(frame): item.value(frame) for key, item in self.pairs}


class Interpolated(Expr):
    """A double-quoted string with references or directives inside."""

    __slots__ = ("body",)

    def __init__(self, body: list[Node]) -> None:
        self.body = body

    def value(self, frame: Frame) -> Any:
        return frame.capture(self.body)


class Not(Expr):
    __slots__ = ("operand",)

    def __init__(self, operand: Expr) -> None:
        self.operand = operand

    def value(self, frame: Frame) -> Any:
        return not truthy(self.operand.value(frame))


class Binary(Expr):
    __slots__ = ("left", "operator", "right")

    def __init__(self, operator: str, left: Expr, right: Expr) -> None:
        self.operator = operator
        self.left = left
        self.right = right

    def value(self, frame: Frame) -> Any:
        operator = self.operator
        if operator == "&&":
            return truthy(self.left.value(frame)) and truthy(self.right.value(frame))
        if operator == "||":
            return truthy(self.left.value(frame)) or truthy(self.right.value(frame))
        left, right = self.left.value(frame), self.right.value(frame)
        if operator == "==":
            return vtl_java.java_equals(left, right)
        if operator == "!=":
            return not vtl_java.java_equals(left, right)
        if operator in ("<", "<=", ">", ">="):
            return vtl_java.compare(operator, left, right)
        return vtl_java.arithmetic(operator, left, right)


# References


class Access:
    __slots__ = ()


class Prop(Access):
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class Call(Access):
    __slots__ = ("args", "name")

    def __init__(self, name: str, args: list[Expr]) -> None:
        self.name = name
        self.args = args


class Index(Access):
    __slots__ = ("key",)

    def __init__(self, key: Expr) -> None:
        self.key = key


def index_value(target: Any, key: Any, position: Position) -> Any:
    if target is None:
        return None
    if isinstance(target, dict):
        return target.get(key)
    if isinstance(target, list | str) and isinstance(key, int) and not isinstance(key, bool):
        if not -len(target) <= key < len(target):
            raise template_error(f"Index {key} out of bounds for length {len(target)}", position)
        return target[key]
    if isinstance(target, list | str):
        raise template_error(f"Cannot index a List with {key!r}", position)
    return vtl_java_methods.get_java_property(target, to_java_string(key))


_RETURNS_NOTHING: dict[tuple[type, str], bool] = {}


def _returns_nothing(helper: type, name: str) -> bool:
    """Whether a helper method is declared `-> None`; read once per method."""
    key = (helper, name)
    known = _RETURNS_NOTHING.get(key)
    if known is None:
        method = getattr(helper, name, None)
        known = getattr(method, "__annotations__", {}).get("return") == "None"
        _RETURNS_NOTHING[key] = known
    return known


# The kind of each step of a reference, fixed at load time so a render does not test classes.
_PROP, _CALL, _INDEX = 0, 1, 2


def _step(access: Access) -> tuple[int, str, Any]:
    if isinstance(access, Prop):
        return (_PROP, access.name, None)
    if isinstance(access, Call):
        return (_CALL, access.name, tuple(access.args))
    assert isinstance(access, Index)
    return (_INDEX, "", access.key)


class Reference(Expr):
    """`$root.a.b(args)[i]`: resolved step by step; a step on null is null."""

    __slots__ = ("accesses", "position", "root", "steps")

    def __init__(self, root: str, accesses: list[Access], position: Position) -> None:
        self.root = root
        self.accesses = accesses
        self.position = position
        self.steps = tuple(_step(access) for access in accesses)

    def value(self, frame: Frame) -> Any:
        return self.resolve(frame)[0]

    def resolve(self, frame: Frame) -> tuple[Any, bool]:
        """The value, and whether the last step called a `$util` helper that returns nothing
        (`$util.appendError`, `$util.log.info`, `$extensions.*`): those print nothing."""
        current = frame.vars.get(self.root)
        if isinstance(current, DefinedBlock):
            current = frame.capture(current.body)
        void_call = False
        for kind, name, operand in self.steps:
            void_call = False
            if current is None:
                return None, False
            if kind == _PROP:
                # A map's property is its entry (`Map.get`): the usual step, taken directly.
                current = (
                    current.get(name) if type(current) is dict else self._property(current, name)
                )
            elif kind == _CALL:
                args = [arg.value(frame) for arg in operand]
                void_call = isinstance(current, Helper) and _returns_nothing(type(current), name)
                current = self._call(current, name, args)
            else:
                current = index_value(current, operand.value(frame), self.position)
        return current, void_call

    def _property(self, target: Any, name: str) -> Any:
        if isinstance(target, Helper):
            member = getattr(target, name, None) if not name.startswith("_") else None
            return None if callable(member) else member
        return vtl_java_methods.get_java_property(target, name)

    def _call(self, target: Any, name: str, args: list[Any]) -> Any:
        if isinstance(target, Helper):
            method: Callable[..., Any] | None = (
                getattr(target, name, None) if not name.startswith("_") else None
            )
            if method is None or not callable(method):
                raise template_error(
                    f"Object '{type(target).__name__}' does not contain method {name}()",
                    self.position,
                )
            try:
                return method(*args)
            except TypeError as error:
                raise template_error(
                    f"Invalid arguments for {name}: {error}", self.position
                ) from error
        try:
            return vtl_java_methods.call_java_method(target, name, args)
        except JavaMethodError as error:
            raise template_error(str(error), self.position) from error
