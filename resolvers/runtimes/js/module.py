"""An APPSYNC_JS ES module turned into a factory the engine compiles once and calls per request.

The resolver file is an ES module: `import`s from `@aws-appsync/utils`, `.../dynamodb` and
`.../rds`, and `export`s of `request` and `response` (resolver-reference-overview-js). It becomes
one function expression, `function (modules) { "use strict"; <bindings> <body> return {request,
response}; }`, where the import statements are blanked out and bound on the first line from
`modules`, and the `export` keywords (and `export { ... }` lists, as esbuild writes them) are
blanked out too. Blanking keeps every other character where it was, so the engine's line and
column are the file's (line 1 is shifted by the prefix, which `FactoryText.line_one_offset`
undoes), and an inline source map still applies.

Calling the factory runs the module's top level afresh: each request gets its own module scope,
so nothing a handler leaves in a module-level variable reaches the next request, as AppSync runs
each request in isolation. A module whose top level holds no state (imports, functions, `const`
primitives: most resolvers) is instantiated once and reused, which saves a few microseconds a
call; a property set on one of its function objects would outlive the request.

Import problems are refused with TypeScript's words, as AppSync type-checks the code when it is
saved (its errors name `code.js(line,col): error TS...`, localstack/appsync-utils
`dynamodb/index.js`): TS2307 for a module it does not provide, TS2305 for a name a module does not
export, TS1192 for a default import.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from resolvers.runtimes.js.syntax import JsSource, Node, has_token, walk

HANDLERS = ("request", "response")
_DECLARATIONS = frozenset({"function_declaration", "lexical_declaration", "variable_declaration"})


# Called at the top of every loop body and function body: the run's deadline is checked there
# (see `engine.py` for why the engine's own time limit cannot be used).
TICK = "__appsync_tick();"
_LOOP_BODIES = frozenset({"for_in_statement"})
_FUNCTION_BODIES = frozenset(
    {
        "function_declaration",
        "function_expression",
        "function",
        "arrow_function",
        "method_definition",
    }
)


@dataclass(frozen=True, slots=True)
class Insertion:
    """Text added at a byte offset of the file: (line, column) is where, in characters."""

    offset: int
    line: int
    column: int
    text: str


@dataclass(slots=True)
class ModulePlan:
    """What the module imports and exports, and what it does that the runtime cannot take."""

    body: bytearray
    bindings: list[str] = field(default_factory=list)
    exports: dict[str, str] = field(default_factory=dict)
    problems: list[tuple[Node, str]] = field(default_factory=list)
    insertions: list[Insertion] = field(default_factory=list)
    # Whether the top level holds no state a handler could change (see `_stateless`).
    stateless: bool = True
    # The `ctx` fields each handler is seen to read (see `handler_reads`).
    reads: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # The handlers whose whole body returns `ctx.result` or `ctx.prev.result` (`passthrough`).
    passthroughs: dict[str, Passthrough] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FactoryText:
    """The factory's source, how far its first line is shifted right, and the text inserted
    on each line (column, length), to undo when reporting a position."""

    text: str
    line_one_offset: int
    inserted: dict[int, tuple[tuple[int, int], ...]]

    def original_column(self, line: int, column: int) -> int:
        """The file's column for a column of the factory's `line` (the prefix not counted)."""
        shift = 0
        for at, length in self.inserted.get(line, ()):
            if column - shift > at:
                shift += min(length, column - 1 - shift - at)
        return column - shift


def _blank(body: bytearray, node: Node) -> None:
    """Spaces over the node's bytes, newlines kept, so that later positions do not move."""
    for index in range(node.start_byte, node.end_byte):
        if body[index] not in (0x0A, 0x0D):
            body[index] = 0x20


def _string_value(node: Node | None) -> str | None:
    if node is None or node.text is None:
        return None
    text = node.text.decode()
    return text[1:-1] if len(text) >= 2 else None


def _import(
    plan: ModulePlan, node: Node, modules: Mapping[str, frozenset[str]], source: JsSource
) -> None:
    name = _string_value(node.child_by_field_name("source"))
    _blank(plan.body, node)
    if name is None:
        return
    if name not in modules:
        message = f"Cannot find module '{name}' or its corresponding type declarations."
        plan.problems.append((node, f"error TS2307: {message}"))
        return
    reference = f"__appsync_modules[{json.dumps(name)}]"
    for clause in node.named_children:
        if clause.type != "import_clause":
            continue
        for part in clause.named_children:
            if part.type == "identifier":
                message = f"error TS1192: Module '\"{name}\"' has no default export."
                plan.problems.append((part, message))
            elif part.type == "namespace_import":
                local = part.named_children[-1]
                plan.bindings.append(f"const {source.text_of(local)} = {reference};")
            elif part.type == "named_imports":
                pairs = _named_imports(plan, part, name, modules[name], source)
                if pairs:
                    plan.bindings.append(f"const {{ {', '.join(pairs)} }} = {reference};")


def _named_imports(
    plan: ModulePlan, node: Node, module: str, exported: frozenset[str], source: JsSource
) -> list[str]:
    pairs = []
    for specifier in node.named_children:
        if specifier.type != "import_specifier":
            continue
        imported = specifier.child_by_field_name("name")
        alias = specifier.child_by_field_name("alias")
        if imported is None:
            continue
        name = source.text_of(imported)
        if name not in exported:
            message = f"error TS2305: Module '\"{module}\"' has no exported member '{name}'."
            plan.problems.append((imported, message))
            continue
        local = source.text_of(alias) if alias is not None else name
        pairs.append(name if local == name else f"{name}: {local}")
    return pairs


def _declared_names(declaration: Node, source: JsSource) -> list[str]:
    if declaration.type == "function_declaration":
        name = declaration.child_by_field_name("name")
        return [source.text_of(name)] if name is not None else []
    names = []
    for declarator in declaration.named_children:
        if declarator.type == "variable_declarator":
            name = declarator.child_by_field_name("name")
            if name is not None and name.type == "identifier":
                names.append(source.text_of(name))
    return names


def _export(plan: ModulePlan, node: Node, source: JsSource) -> None:
    declaration = node.child_by_field_name("declaration")
    if has_token(node, "default"):
        message = "Default exports are not supported: export request and response by name."
        plan.problems.append((node, message))
        return
    if declaration is not None and declaration.type in _DECLARATIONS:
        keyword = node.children[0]
        _blank(plan.body, keyword)
        for name in _declared_names(declaration, source):
            plan.exports[name] = name
        return
    clause = next((c for c in node.named_children if c.type == "export_clause"), None)
    if clause is None or node.child_by_field_name("source") is not None:
        plan.problems.append((node, "Re-exports are not supported."))
        return
    _blank(plan.body, node)
    for specifier in clause.named_children:
        local = specifier.child_by_field_name("name")
        alias = specifier.child_by_field_name("alias")
        if local is not None:
            exported = source.text_of(alias if alias is not None else local)
            plan.exports[exported] = source.text_of(local)


def _insert(plan: ModulePlan, source: JsSource, node: Node, at_end: bool, text: str) -> None:
    offset = node.end_byte if at_end else node.start_byte
    row, byte_column = node.end_point if at_end else node.start_point
    line_start = offset - byte_column
    column = len(source.data[line_start:offset].decode("utf-8", errors="replace"))
    plan.insertions.append(Insertion(offset, row + 1, column, text))


def _tick(plan: ModulePlan, source: JsSource, body: Node) -> None:
    """A deadline check first thing in `body`: after its `{`, or around a lone statement."""
    if body.type == "statement_block" and body.children:
        _insert(plan, source, body.children[0], True, TICK)
    elif body.type != "statement_block" and body.is_named and body.type.endswith("statement"):
        _insert(plan, source, body, False, "{" + TICK)
        _insert(plan, source, body, True, "}")


def _ticks(plan: ModulePlan, source: JsSource) -> None:
    for node in walk(source.root):
        if node.type in _LOOP_BODIES or node.type in _FUNCTION_BODIES:
            body = node.child_by_field_name("body")
            if body is not None:
                _tick(plan, source, body)


# Initial values a handler cannot change: a const bound to one of these holds no state.
_IMMUTABLE_VALUES = frozenset(
    {
        "string",
        "number",
        "true",
        "false",
        "null",
        "undefined",
        "template_string",
        "arrow_function",
        "function_expression",
        "function",
    }
)


def _stateless(node: Node) -> bool:
    """A top-level statement that leaves nothing a handler could change: an import, a function
    declaration, an empty statement, a comment, or `const` names bound to primitives and
    functions (a `let`, a `var`, an object or array at the top level is state)."""
    if node.type == "export_statement":
        inner = node.child_by_field_name("declaration")
        return inner is None or _stateless(inner)
    if node.type in ("import_statement", "function_declaration", "empty_statement", "comment"):
        return True
    if node.type != "lexical_declaration" or not has_token(node, "const"):
        return False
    for declarator in node.named_children:
        value = declarator.child_by_field_name("value")
        if declarator.type == "variable_declarator" and (
            value is None or value.type not in _IMMUTABLE_VALUES
        ):
            return False
    return True


# The fields of `ctx` (resolver-context-reference-js); `args` is `arguments`.
CONTEXT_FIELDS = frozenset(
    {
        "arguments",
        "identity",
        "source",
        "stash",
        "prev",
        "result",
        "error",
        "info",
        "request",
        "env",
    }
)
_FUNCTION_VALUES = frozenset({"arrow_function", "function_expression", "function"})


def _handler_function(source: JsSource, local: str) -> Node | None:
    """The top-level function declared as `local`: a declaration or a const/let/var function."""
    for node in source.root.named_children:
        declaration = (
            node.child_by_field_name("declaration") if node.type == "export_statement" else node
        )
        if declaration is None:
            continue
        if declaration.type == "function_declaration":
            name = declaration.child_by_field_name("name")
            if name is not None and source.text_of(name) == local:
                return declaration
        if declaration.type in ("lexical_declaration", "variable_declaration"):
            for declarator in declaration.named_children:
                name = declarator.child_by_field_name("name")
                value = declarator.child_by_field_name("value")
                if (
                    name is not None
                    and value is not None
                    and value.type in _FUNCTION_VALUES
                    and source.text_of(name) == local
                ):
                    return value
    return None


def _pattern_fields(pattern: Node, source: JsSource) -> set[str]:
    """The keys an object pattern takes from `ctx`: `{ args, stash: s }`."""
    names = set()
    for part in pattern.named_children:
        key = part.child_by_field_name("key") if part.type == "pair_pattern" else part
        if key is not None and key.type in (
            "shorthand_property_identifier_pattern",
            "property_identifier",
        ):
            names.add(source.text_of(key))
    return names


def _field_names(names: set[str]) -> tuple[str, ...]:
    fields = {"arguments" if name == "args" else name for name in names}
    return tuple(sorted(fields & CONTEXT_FIELDS))


def handler_reads(source: JsSource, local: str) -> tuple[str, ...]:
    """The `ctx` fields handler `local` is seen to read: `ctx.args`, `ctx?.stash`, a pattern
    over its parameter or over `ctx`. A read it hides (ctx handed to another function, a
    computed key) is not seen; the engine then fetches that field when it is read."""
    function = _handler_function(source, local)
    if function is None:
        return ()
    parameters = function.child_by_field_name("parameters")
    first = (
        parameters.named_children[0]
        if parameters is not None and parameters.named_children
        else function.child_by_field_name("parameter")
    )
    if first is None:
        return ()
    if first.type == "object_pattern":
        return _field_names(_pattern_fields(first, source))
    if first.type != "identifier":
        return ()
    parameter = source.text_of(first)
    names: set[str] = set()
    for node in walk(function):
        if node.type == "member_expression":
            target = node.child_by_field_name("object")
            key = node.child_by_field_name("property")
            if target is not None and key is not None and source.text_of(target) == parameter:
                names.add(source.text_of(key))
        elif node.type == "variable_declarator":
            pattern = node.child_by_field_name("name")
            value = node.child_by_field_name("value")
            if (
                pattern is not None
                and value is not None
                and pattern.type == "object_pattern"
                and source.text_of(value) == parameter
            ):
                names |= _pattern_fields(pattern, source)
    return _field_names(names)


class Passthrough(StrEnum):
    """A handler whose whole body returns a field of `ctx` as it stands."""

    RESULT = "result"
    PREV_RESULT = "prev.result"


def passthrough(source: JsSource, local: str) -> Passthrough | None:
    """`(ctx) => ctx.result`, `function response(ctx) { return ctx.prev.result; }` and the
    like: AWS's samples end most handlers so. Such a handler's value is the field as it stands,
    so it need not run in the engine, nor its value cross as JSON both ways."""
    function = _handler_function(source, local)
    if function is None:
        return None
    parameters = function.child_by_field_name("parameters")
    named = parameters.named_children if parameters is not None else []
    first = named[0] if named else function.child_by_field_name("parameter")
    body = function.child_by_field_name("body")
    if first is None or first.type != "identifier" or body is None:
        return None
    if body.type == "statement_block":
        statements = [node for node in body.named_children if node.type != "comment"]
        if len(statements) != 1 or statements[0].type != "return_statement":
            return None
        returned = statements[0].named_children
        body = returned[0] if len(returned) == 1 else None
    if body is None:
        return None
    while body.type == "parenthesized_expression" and body.named_child_count == 1:
        body = body.named_children[0]
    text = "".join(source.text_of(body).split())
    parameter = source.text_of(first)
    for kind in Passthrough:
        if text == f"{parameter}.{kind.value}":
            return kind
    return None


def plan_module(source: JsSource, modules: Mapping[str, frozenset[str]]) -> ModulePlan:
    """Read the module's top-level imports and exports; `modules` maps each module the runtime
    provides to the names it exports."""
    plan = ModulePlan(bytearray(source.data))
    for node in source.root.named_children:
        if node.type == "import_statement":
            _import(plan, node, modules, source)
        elif node.type == "export_statement":
            _export(plan, node, source)
        plan.stateless = plan.stateless and _stateless(node)
    _ticks(plan, source)
    for handler in HANDLERS:
        if handler in plan.exports:
            plan.reads[handler] = handler_reads(source, plan.exports[handler])
            # A module with top-level state runs its top level per request (`_stateless`),
            # which may do more than define things, so its handlers always run.
            kind = passthrough(source, plan.exports[handler]) if plan.stateless else None
            if kind is not None:
                plan.passthroughs[handler] = kind
    return plan


def factory_text(plan: ModulePlan, unit: int, register: bool = True) -> FactoryText:
    """The script that registers the module's factory as unit number `unit` (with `register`
    false, one that only compiles it)."""
    prefix = (
        ("" if register else "0&&")
        + f"__appsync_define({unit}, {json.dumps(plan.stateless)}, "
        + "function (__appsync_modules, __appsync_tick) { "
        + "'use strict'; "
        + "".join(binding + " " for binding in plan.bindings)
    )
    handlers = ", ".join(
        f"{json.dumps(name)}: {plan.exports[name]}" for name in HANDLERS if name in plan.exports
    )
    pieces: list[bytes] = []
    start = 0
    inserted: dict[int, list[tuple[int, int]]] = {}
    for insertion in sorted(plan.insertions, key=lambda i: i.offset):
        pieces.append(bytes(plan.body[start : insertion.offset]))
        pieces.append(insertion.text.encode())
        start = insertion.offset
        inserted.setdefault(insertion.line, []).append((insertion.column, len(insertion.text)))
    pieces.append(bytes(plan.body[start:]))
    body = b"".join(pieces).decode("utf-8", errors="replace")
    return FactoryText(
        f"{prefix}{body}\n;return {{ {handlers} }};\n}});",
        len(prefix),
        {line: tuple(spans) for line, spans in inserted.items()},
    )
