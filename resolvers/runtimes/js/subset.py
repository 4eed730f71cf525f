"""The JavaScript subset APPSYNC_JS accepts, checked when the code is loaded.

AppSync refuses code outside its runtime's subset when a resolver or function is saved ("The code
contains one or more errors", BadRequestException). What it refuses is listed in "Supported
runtime features" (AppSync developer guide, supported-features.html: no `try`/`catch`/`finally`,
`throw`, `while`, `do`-`while`, classic `for(;;)`, `continue`, labels, `++`/`--`/`~`, `in`) and
encoded in AWS's own linter, `@aws-appsync/eslint-plugin` 2.0.2 (npm), whose rule messages are
used here word for word: the base rules (no-async, no-await, no-promise, no-classes, no-for,
no-continue, no-generators, no-yield, no-labels, no-this, no-try, no-while,
no-disallowed-unary-operators, no-disallowed-binary-operators, no-in-operator, no-regex,
no-disallowed-re-assignment) and, of the rules that need type information, no-recursion for
calls between the module's named functions. `throw` has no rule in the plugin; its message says
what the documentation says.

Accepted, as the documentation lists: `for-in`, `for-of`, arrow functions, spread and rest,
`?.`, `??`, template literals, destructuring, `switch`, `const`/`let`/`var`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from resolvers.runtimes.js.syntax import JsSource, Node, has_token, walk

_FUNCTIONS = frozenset(
    {"function_declaration", "function_expression", "function", "arrow_function"}
)
_GENERATORS = frozenset({"generator_function_declaration", "generator_function"})
# Plain node types refused with one message each.
_REFUSED = {
    "class_declaration": "Class declarations are not supported.",
    "class": "Class declarations are not supported.",
    "for_statement": "For statements are not supported.",
    "continue_statement": "Continue statements are not supported",
    "yield_expression": "Yield statements are not supported",
    "labeled_statement": "Labeled statements are not supported.",
    "this": "This expressions are not supported.",
    "try_statement": "Try statements are not supported.",
    "while_statement": "While statements are not supported.",
    "do_statement": "do...while statements are not supported.",
    "regex": "Regex literals are not supported.",
    "await_expression": "The `await` keyword is not supported",
    "throw_statement": "Throw statements are not supported. Use util.error() instead.",
}
# The handlers whose first parameter is the read-only context (no-disallowed-re-assignment).
_HANDLERS = frozenset({"request", "response"})


@dataclass(frozen=True, slots=True)
class Refusal:
    """One construct AppSync would refuse: where it starts, its length in characters, and
    AppSync's words for it."""

    line: int
    column: int
    message: str
    span: int


def refusals(source: JsSource) -> list[Refusal]:
    """Every construct of `source` outside the APPSYNC_JS subset, in source order."""
    found: list[tuple[Node, str]] = []
    for node in walk(source.root):
        message = _refusal(node)
        if message is not None:
            found.append((node, message))
    found.extend(_context_writes(source))
    found.extend(_recursion(source))
    found.sort(key=lambda item: item[0].start_byte)
    return [
        Refusal(*source.position(node), message, len(source.text_of(node)))
        for node, message in found
    ]


def _refusal(node: Node) -> str | None:
    kind = node.type
    message = _REFUSED.get(kind)
    if message is not None:
        return message
    if kind in _FUNCTIONS or kind == "method_definition":
        if has_token(node, "async"):
            return "Async functions are not supported."
        if kind == "method_definition" and has_token(node, "*"):
            return "Generator functions are not supported."
        return None
    if kind in _GENERATORS:
        return "Generator functions are not supported."
    if kind == "update_expression":
        operator = "++" if has_token(node, "++") else "--"
        return f"The operator {operator} is not supported"
    if kind == "unary_expression" and has_token(node, "~"):
        return "The operator ~ is not supported"
    if kind == "binary_expression":
        if has_token(node, "in"):
            return "in operator is not supported. Use Object.hasOwn()."
        if has_token(node, "instanceof"):
            return "The operator instanceof is not supported"
        return None
    if kind == "new_expression":
        constructor = node.child_by_field_name("constructor")
        if constructor is not None and constructor.text == b"Promise":
            return "Promise is not supported"
    return None


def _handler_context(node: Node) -> tuple[str, Node] | None:
    """The context parameter's name of a `function request(ctx)` / `response(ctx)`."""
    if node.type != "function_declaration":
        return None
    name = node.child_by_field_name("name")
    parameters = node.child_by_field_name("parameters")
    if name is None or parameters is None or name.text is None:
        return None
    if name.text.decode() not in _HANDLERS or not parameters.named_children:
        return None
    first = parameters.named_children[0]
    if first.type != "identifier" or first.text is None:
        return None
    return first.text.decode(), node


def _context_writes(source: JsSource) -> Iterator[tuple[Node, str]]:
    """no-disallowed-re-assignment: the handler's `ctx` and its own properties are read-only
    (`ctx = x`, `ctx.stash = x`, `delete ctx.args` are refused; `ctx.stash.key = x` is fine)."""
    for node in walk(source.root):
        handler = _handler_context(node)
        if handler is None:
            continue
        name, function = handler
        body = function.child_by_field_name("body")
        if body is None:
            continue
        for target in walk(body):
            written = _written(target)
            if written is None:
                continue
            if written.type == "identifier" and written.text == name.encode():
                yield written, f"{name} is readonly and re-assignment is not supported."
            elif written.type in ("member_expression", "subscript_expression"):
                base = written.child_by_field_name("object")
                if base is not None and base.type == "identifier" and base.text == name.encode():
                    prop = _property_name(written)
                    if prop is None:
                        message = (
                            f"{name} is readonly adding/modifying properties is not supported."
                        )
                    else:
                        message = f"{name} is readonly. Adding/Updating {prop} is not supported."
                    yield written, message


def _written(node: Node) -> Node | None:
    """The target an assignment, `delete` or for-in/of head writes to, if `node` is one."""
    if node.type in ("assignment_expression", "augmented_assignment_expression"):
        return node.child_by_field_name("left")
    if node.type == "unary_expression" and has_token(node, "delete"):
        return node.child_by_field_name("argument")
    if node.type == "for_in_statement":
        left = node.child_by_field_name("left")
        if left is not None and not any(has_token(node, k) for k in ("const", "let", "var")):
            return left
    return None


def _property_name(member: Node) -> str | None:
    prop = member.child_by_field_name("property") or member.child_by_field_name("index")
    if prop is None or prop.text is None:
        return None
    if prop.type in ("property_identifier", "number"):
        return prop.text.decode()
    if prop.type == "string":
        return prop.text.decode()[1:-1]
    return None


def _identifier(node: Node | None) -> str | None:
    if node is None or node.type != "identifier" or node.text is None:
        return None
    return node.text.decode()


def _named_functions(source: JsSource) -> dict[str, Node]:
    """The module's functions by name: declarations, and `const f = () => ...` / function
    expressions bound to a name."""
    functions: dict[str, Node] = {}
    for node in walk(source.root):
        if node.type == "function_declaration":
            name = _identifier(node.child_by_field_name("name"))
            if name is not None:
                functions[name] = node
        elif node.type == "variable_declarator":
            name = _identifier(node.child_by_field_name("name"))
            value = node.child_by_field_name("value")
            if name is not None and value is not None and value.type in _FUNCTIONS:
                functions[name] = value
    return functions


def _recursion(source: JsSource) -> Iterator[tuple[Node, str]]:
    """no-recursion: a call that closes a cycle among the module's named functions."""
    functions = _named_functions(source)
    calls: dict[str, list[tuple[str, Node]]] = {}
    for name, function in functions.items():
        calls[name] = []
        for node in walk(function):
            if node.type != "call_expression":
                continue
            target = _identifier(node.child_by_field_name("function"))
            if target is not None and target in functions:
                calls[name].append((target, node))
    reported: set[int] = set()
    for start in functions:
        yield from _cycles(start, [start], calls, reported, set())


def _cycles(
    name: str,
    path: list[str],
    calls: dict[str, list[tuple[str, Node]]],
    reported: set[int],
    seen: set[str],
) -> Iterator[tuple[Node, str]]:
    """Depth first from `path`'s start; a function already explored from this start is not
    explored again (a cycle through it that misses the start is found from its own start)."""
    seen.add(name)
    for target, call in calls.get(name, []):
        if target in path:
            if call.id not in reported:
                reported.add(call.id)
                cycle = [*path[path.index(target) :], target]
                message = "Recursive function calls not supported. Detected cycle in "
                yield call, message + " <-".join(cycle)
        elif target not in seen:
            yield from _cycles(target, [*path, target], calls, reported, seen)
