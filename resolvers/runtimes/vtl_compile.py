"""Parse a VTL template with airspeed-ext and compile its tree into `vtl_nodes`, once.

airspeed gives the syntax; the semantics are ours (`vtl_nodes`, `vtl_java`), because airspeed's
own evaluator treats null as true in `#if`, writes `#return`'s value into the output and has no
`#break`. Two directives AppSync templates use are added to airspeed's parser through its
`UserDefinedDirective` hook: `#return` with or without a value, and `#break`.
"""

from __future__ import annotations

import re
from typing import Any

from airspeed import operators as ast

from resolvers.errors import TemplateError
from resolvers.runtimes import vtl_directives as directives
from resolvers.runtimes import vtl_nodes as nodes
from resolvers.runtimes.vtl_nodes import Position

# Velocity's operator precedence, loosest first: || then && then equality, relational,
# additive and multiplicative. `!` binds tighter than all of them (UnaryOperatorValue).
_PRECEDENCE = {
    "||": 1,
    "or": 1,
    "&&": 2,
    "and": 2,
    "==": 3,
    "!=": 3,
    "eq": 3,
    "ne": 3,
    "<": 4,
    "<=": 4,
    ">": 4,
    ">=": 4,
    "lt": 4,
    "le": 4,
    "gt": 4,
    "ge": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
    "%": 6,
}
_CANONICAL = {
    "or": "||",
    "and": "&&",
    "eq": "==",
    "ne": "!=",
    "lt": "<",
    "le": "<=",
    "gt": ">",
    "ge": ">=",
}


class ReturnDirective(ast._Element):  # type: ignore[misc]
    """`#return` or `#return(value)` (AWS AppSync directives)."""

    START = re.compile(r"#(?:return|\{return\})\b(.*)$", re.S)
    OPEN_PAREN = re.compile(r"[ \t]*\(\s*(.*)$", re.S)
    CLOSE_PAREN = re.compile(r"\s*\)(.*)$", re.S)

    def parse(self) -> None:
        self.identity_match(self.START)
        self.expression = None
        if self.optional_match(self.OPEN_PAREN) and not self.optional_match(self.CLOSE_PAREN):
            self.expression = self.require_next_element(ast.Expression, "expression")
            self.require_match(self.CLOSE_PAREN, ")")


class BreakDirective(ast._Element):  # type: ignore[misc]
    """`#break` or `#break($foreach)`: leaves the innermost `#foreach`."""

    START = re.compile(r"#(?:break|\{break\})\b(.*)$", re.S)
    SCOPE = re.compile(r"[ \t]*\(\s*\$!?\{?foreach\}?\s*\)(.*)$", re.S)

    def parse(self) -> None:
        self.identity_match(self.START)
        self.optional_match(self.SCOPE)


def _extend_airspeed() -> None:
    """Our directives through airspeed's hook, and fixes to airspeed's grammar where it departs
    from Velocity: a `[` ... `]` literal may span lines, `#set` takes hyphenated names, and `#`
    directly before a reference is text (`"#$name"` prints `#title`, as Amplify's update
    templates need)."""
    directives: list[Any] = ast.UserDefinedDirective.DIRECTIVES
    for directive in (ReturnDirective, BreakDirective):
        if directive not in directives:
            directives.append(directive)
    ast.ArrayLiteral.START = re.compile(r"\[\s*(.*)$", re.S)
    ast.ArrayLiteral.END = re.compile(r"\s*\](.*)$", re.S)
    # Velocity identifiers may hold "-" ("#set($x-y = $x - $y)" in AppSync's programming guide).
    ast.Assignment.START = re.compile(r"\s*\(\s*\$([a-zA-Z_][\w-]*)(.*)$", re.S)
    ast.Text.PLAIN = re.compile(
        r"((?:[^\\\$#]+|\\[\$#])+|\$[^!\{a-z0-9_]|\$$|#$"
        r"|#[^\{\}a-zA-Z0-9#\*\$]+|\\.)(.*)$",
        re.S + re.I,
    )


_extend_airspeed()


class Compiler:
    """Turns one airspeed tree into nodes; knows the template's name for positions."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.text = text
        self.macros: dict[str, nodes.MacroDef] = {}
        self.base = 0

    def position(self, element: Any) -> Position:
        # Inside a double-quoted string airspeed counts from the string's first character.
        start = self.base + element.start
        before = self.text[:start]
        line = before.count("\n") + 1
        column = start - (before.rfind("\n") + 1) + 1
        return Position(self.file, line, column)

    def unsupported(self, element: Any, what: str) -> TemplateError:
        where = self.position(element)
        return TemplateError(self.file, where.line, where.column, f"{what} is not supported")

    # Statements

    def block(self, block: Any) -> list[nodes.Node]:
        body: list[nodes.Node] = []
        for child in block.children:
            node = self.statement(child)
            if node is None:
                continue
            if isinstance(node, directives.Text) and body and isinstance(body[-1], directives.Text):
                body[-1] = directives.Text(body[-1].text + node.text)
            else:
                body.append(node)
        return body

    def statement(self, element: Any) -> nodes.Node | None:
        if isinstance(element, ast.Text | ast.FallthroughHashText):
            return directives.Text(element.text)
        if isinstance(element, ast.Comment):
            return None
        if isinstance(element, ast.FormalReference):
            return self.output(element)
        if isinstance(element, ast.IfDirective):
            return self.if_directive(element)
        if isinstance(element, ast.SetDirective):
            return self.set_directive(element.assignment)
        if isinstance(element, ast.ForeachDirective):
            return directives.Foreach(
                element.loop_var_name, self.value(element.value), self.block(element.block)
            )
        if isinstance(element, ast.MacroDefinition):
            self.macros[element.function_name.lower()] = nodes.MacroDef(
                list(element.arg_names), self.block(element.block)
            )
            return None
        if isinstance(element, ast.MacroCall):
            return directives.MacroCall(
                element.macro_name,
                [self.value(arg) for arg in element.args],
                self.position(element),
            )
        if isinstance(element, ast.DefineDefinition):
            return directives.Define(element.function_name, self.block(element.block))
        if isinstance(element, ast.StopDirective):
            return directives.Stop()
        if isinstance(element, ast.UserDefinedDirective):
            return self.statement(element.directive)
        if isinstance(element, ReturnDirective):
            expression = element.expression
            return directives.Return(None if expression is None else self.expression(expression))
        if isinstance(element, BreakDirective):
            return directives.Break()
        if isinstance(element, ast.ReturnDirective):
            return directives.Return(self.value(element.value))
        if isinstance(element, ast.EvaluateDirective):
            raise self.unsupported(element, "#evaluate")
        if isinstance(element, ast.IncludeDirective | ast.ParseDirective):
            raise self.unsupported(element, "#include and #parse")
        raise self.unsupported(element, type(element).__name__)

    def output(self, element: Any) -> nodes.Node:
        source = element.my_text()
        if element.expression is None:
            return directives.Text(source)
        alternate = element.alternate
        return directives.Output(
            self.reference(element.expression, element),
            source,
            quiet=source.startswith("$!"),
            alternate=None if alternate is None else self.value(alternate.expression),
        )

    def if_directive(self, element: Any) -> nodes.Node:
        branches = [(self.condition(element.condition), self.block(element.block))]
        for elseif in element.elseifs:
            branches.append((self.condition(elseif.condition), self.block(elseif.block)))
        otherwise: list[nodes.Node] = []
        if isinstance(element.else_block, ast.ElseBlock):
            otherwise = self.block(element.else_block.block)
        return directives.If(branches, otherwise)

    def condition(self, condition: Any) -> nodes.Expr:
        # ParenthesizedExpression keeps only the bound `calculate` of its inner Expression.
        return self.expression(condition.expression.calculate.__self__)

    def set_directive(self, assignment: Any) -> nodes.Node:
        terms: list[nodes.Expr] = []
        for term in assignment.terms:
            inner = term.term
            if isinstance(inner, ast.DotDictAccessTerm):
                terms.append(nodes.Literal(inner.value))
            else:
                terms.append(self.value(inner.value))
        return directives.Set(
            assignment.root_term,
            terms,
            self.expression(assignment.value),
            self.position(assignment),
        )

    # Expressions

    def expression(self, element: Any) -> nodes.Expr:
        """An airspeed Expression: a flat [value, op, value, ...] list, folded by precedence."""
        parts = element.expression
        operands: list[nodes.Expr] = [self.value(parts[0])]
        operators: list[str] = []
        for i in range(1, len(parts), 2):
            operator = parts[i].my_text().strip()
            operator = _CANONICAL.get(operator, operator)
            if operator not in _PRECEDENCE:
                raise self.unsupported(parts[i], f"The operator {operator!r}")
            while operators and _PRECEDENCE[operators[-1]] >= _PRECEDENCE[operator]:
                self._fold(operands, operators)
            operators.append(operator)
            operands.append(self.value(parts[i + 1]))
        while operators:
            self._fold(operands, operators)
        return operands[0]

    @staticmethod
    def _fold(operands: list[nodes.Expr], operators: list[str]) -> None:
        right = operands.pop()
        left = operands.pop()
        operands.append(nodes.Binary(operators.pop(), left, right))

    def value(self, element: Any) -> nodes.Expr:
        if isinstance(element, ast.Value):
            element = element.expression
        if isinstance(element, ast.NullLiteral):
            return nodes.Literal(None)
        if isinstance(element, ast.FormalReference):
            if element.expression is None:
                return nodes.Literal(element.my_text())
            return self.reference(element.expression, element)
        if isinstance(element, ast.InterpolatedStringLiteral):
            outer = self.base
            self.base = outer + element.start + 1
            try:
                body = self.block(element.block)
            finally:
                self.base = outer
            if not body:
                return nodes.Literal("")
            if len(body) == 1 and isinstance(body[0], directives.Text):
                return nodes.Literal(body[0].text)
            return nodes.Interpolated(body)
        if isinstance(
            element,
            ast.FloatingPointLiteral | ast.IntegerLiteral | ast.StringLiteral | ast.BooleanLiteral,
        ):
            return nodes.Literal(element.value)
        if isinstance(element, ast.ArrayLiteral):
            values = element.values
            if isinstance(values, ast.Range):
                return nodes.RangeLiteral(self.value(values.value1), self.value(values.value2))
            if isinstance(values, ast.ValueList):
                return nodes.ListLiteral([self.value(v) for v in values.values])
            return nodes.ListLiteral([])
        if isinstance(element, ast.DictionaryLiteral):
            return nodes.MapLiteral(
                [(self.value(k), self.value(v)) for k, v in element.local_data.items()]
            )
        if isinstance(element, ast.ParenthesizedExpression):
            return self.expression(element.calculate.__self__)
        if isinstance(element, ast.UnaryOperatorValue):
            return nodes.Not(self.value(element.value))
        if isinstance(element, ast.Expression):
            return self.expression(element)
        raise self.unsupported(element, type(element).__name__)

    def reference(self, expression: Any, element: Any) -> nodes.Reference:
        part = expression.part
        accesses: list[nodes.Access] = []
        if part.parameters is not None:
            raise self.unsupported(element, f"Calling ${part.name}(...)")
        if part.index is not None:
            accesses.append(nodes.Index(self.value(part.index.index)))
        sub = expression.subexpression
        while sub is not None:
            inner = sub.expression
            if isinstance(inner, ast.VariableExpression):
                step = inner.part
                if step.parameters is not None:
                    values = step.parameters.values
                    args = (
                        [self.value(v) for v in values.values]
                        if isinstance(values, ast.ValueList)
                        else []
                    )
                    accesses.append(nodes.Call(step.name, args))
                else:
                    accesses.append(nodes.Prop(step.name))
                if step.index is not None:
                    accesses.append(nodes.Index(self.value(step.index.index)))
                sub = inner.subexpression
            else:
                accesses.append(nodes.Index(self.value(inner.index)))
                sub = sub.subexpression
        return nodes.Reference(part.name, accesses, self.position(element))


def compile_template(text: str, file: str) -> tuple[list[nodes.Node], dict[str, nodes.MacroDef]]:
    """Parse and compile a template; a syntax error names the file, line and column."""
    try:
        tree = ast.TemplateBody(file, text)
    except ast.TemplateSyntaxError as error:
        detail = str(error).split(": ", 1)[-1]
        line, column = error.line, error.column
        inner = error.element.full_text()
        if inner != text and inner in text:
            # A syntax error inside a double-quoted string: airspeed counted from the string.
            start = text.index(inner) + len(error.text_understood)
            before = text[:start]
            line = before.count("\n") + 1
            column = start - (before.rfind("\n") + 1) + 1
        raise TemplateError(file, line, column, detail) from error
    except (KeyError, ValueError) as error:
        # airspeed's own faults on odd input (an operator it lists but cannot apply).
        raise TemplateError(file, 1, 1, f"cannot parse the template: {error}") from error
    compiler = Compiler(file, text)
    body = compiler.block(tree.block)
    return body, compiler.macros
