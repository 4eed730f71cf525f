"""The statements of a compiled VTL template: text, references printed, and directives.

Velocity 1.7 rules that AppSync templates rely on: a null reference prints its own text unless
quiet (`$!x`) or a call to a `$util` helper that returns nothing; `#set` with a null value
leaves the variable alone; `#foreach` over a map walks its values and restores the loop
variable afterwards; `#if` treats null as false.
"""

from __future__ import annotations

from resolvers.errors import BreakLoop, ReturnFromTemplate, StopRendering
from resolvers.runtimes.vtl_java import ForeachScope, to_java_string, truthy
from resolvers.runtimes.vtl_nodes import (
    DefinedBlock,
    Expr,
    Frame,
    Node,
    Position,
    Reference,
    index_value,
    render_block,
    template_error,
)


class Text(Node):
    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def render(self, frame: Frame) -> None:
        frame.out.append(self.text)


class Output(Node):
    """`$ref` / `$!ref` / `${ref|alternate}` in text."""

    __slots__ = ("alternate", "quiet", "ref", "source")

    def __init__(self, ref: Reference, source: str, quiet: bool, alternate: Expr | None) -> None:
        self.ref = ref
        self.source = source
        self.quiet = quiet
        self.alternate = alternate

    def render(self, frame: Frame) -> None:
        value, void_call = self.ref.resolve(frame)
        if value is None and self.alternate is not None:
            value = self.alternate.value(frame)
        if value is None:
            if not (self.quiet or void_call):
                frame.out.append(self.source)
            return
        frame.out.append(value if isinstance(value, str) else to_java_string(value))


class If(Node):
    __slots__ = ("branches", "otherwise")

    def __init__(self, branches: list[tuple[Expr, list[Node]]], otherwise: list[Node]) -> None:
        self.branches = branches
        self.otherwise = otherwise

    def render(self, frame: Frame) -> None:
        for condition, body in self.branches:
            if truthy(condition.value(frame)):
                render_block(body, frame)
                return
        render_block(self.otherwise, frame)


class Set(Node):
    """`#set($a = v)`, `#set($a.b = v)`, `#set($a[0] = v)`."""

    __slots__ = ("expr", "position", "root", "terms")

    def __init__(self, root: str, terms: list[Expr], expr: Expr, position: Position) -> None:
        self.root = root
        self.terms = terms
        self.expr = expr
        self.position = position

    def render(self, frame: Frame) -> None:
        value = self.expr.value(frame)
        if value is None:
            return  # Velocity 1.7: "RHS of #set statement is null. Context will not be modified."
        if not self.terms:
            frame.vars[self.root] = value
            return
        target = frame.vars.get(self.root)
        for term in self.terms[:-1]:
            target = index_value(target, term.value(frame), self.position)
        key = self.terms[-1].value(frame)
        if isinstance(target, dict):
            target[key] = value
        elif isinstance(target, list) and isinstance(key, int) and not isinstance(key, bool):
            if not 0 <= key < len(target):
                raise template_error(f"Index {key} out of bounds for #set", self.position)
            target[key] = value


# AppSync's quota "Iterations in a foreach loop in mapping templates": 1000. Past it the loop
# ends quietly, as Velocity's `directive.foreach.maxloops` does (and as the APPSYNC_JS runtime's
# loops stop at 1000 elements, aws-appsync-community#371).
MAX_FOREACH_ITERATIONS = 1000

# What #foreach sets besides the loop variable: `$foreach` (Velocity 1.7) and the older
# `$velocityCount` / `$velocityHasNext`.
_LOOP_VARIABLES = ("foreach", "velocityCount", "velocityHasNext")


class Foreach(Node):
    __slots__ = ("body", "iterable", "name")

    def __init__(self, name: str, iterable: Expr, body: list[Node]) -> None:
        self.name = name
        self.iterable = iterable
        self.body = body

    def render(self, frame: Frame) -> None:
        source = self.iterable.value(frame)
        if isinstance(source, dict):
            items = list(source.values())
        elif isinstance(source, list | tuple):
            items = list(source)
        else:
            return  # null, or a value Velocity cannot iterate: the loop is skipped
        saved = {key: frame.vars.get(key) for key in (self.name, *_LOOP_VARIABLES)}
        items = items[:MAX_FOREACH_ITERATIONS]
        count = len(items)
        try:
            for index, item in enumerate(items):
                frame.vars[self.name] = item
                frame.vars["foreach"] = ForeachScope(index, count)
                frame.vars["velocityCount"] = index + 1
                frame.vars["velocityHasNext"] = index + 1 < count
                try:
                    render_block(self.body, frame)
                except BreakLoop:
                    break
        finally:
            for key, previous in saved.items():
                if previous is None:
                    frame.vars.pop(key, None)
                else:
                    frame.vars[key] = previous


class MacroCall(Node):
    __slots__ = ("args", "name", "position")

    def __init__(self, name: str, args: list[Expr], position: Position) -> None:
        self.name = name
        self.args = args
        self.position = position

    def render(self, frame: Frame) -> None:
        macro = frame.macros.get(self.name)
        if macro is None:
            raise template_error(f"Unknown macro #{self.name}", self.position)
        if len(self.args) != len(macro.params):
            raise template_error(
                f"Macro #{self.name} takes {len(macro.params)} arguments, got {len(self.args)}",
                self.position,
            )
        values = [arg.value(frame) for arg in self.args]
        saved = {name: frame.vars.get(name) for name in macro.params}
        try:
            for name, value in zip(macro.params, values, strict=True):
                frame.vars[name] = value
            render_block(macro.body, frame)
        finally:
            for name, previous in saved.items():
                if previous is None:
                    frame.vars.pop(name, None)
                else:
                    frame.vars[name] = previous


class Define(Node):
    """`#define($name) body #end`: `$name` renders the body where it is used."""

    __slots__ = ("body", "name")

    def __init__(self, name: str, body: list[Node]) -> None:
        self.name = name
        self.body = body

    def render(self, frame: Frame) -> None:
        frame.vars[self.name] = DefinedBlock(self.body)


class Stop(Node):
    __slots__ = ()

    def render(self, frame: Frame) -> None:
        raise StopRendering


class Break(Node):
    __slots__ = ()

    def render(self, frame: Frame) -> None:
        raise BreakLoop


class Return(Node):
    __slots__ = ("expr",)

    def __init__(self, expr: Expr | None) -> None:
        self.expr = expr

    def render(self, frame: Frame) -> None:
        raise ReturnFromTemplate(None if self.expr is None else self.expr.value(frame))
