"""Tables a DynamoDB data source names that no declaration creates: their key, read from the
resolvers that use them.

AppSync needs only `dynamodbConfig.tableName`, the table being in the account. The embedded
DynamoDB starts empty, so a data source whose table `server.dynamodb.tables` does not declare
gets one created at start (PAY_PER_REQUEST), keyed as its resolvers' and functions' request
documents key it: the static `key` objects of GetItem, PutItem, UpdateItem and DeleteItem in VTL
templates (also a `$key` built with `#set`) and in PYTHON code (dict literals, the
`dynamodb_requests` helpers' payloads), and a Query's key condition, which tells the partition
key (`=`) from the sort key. An attribute given typed (`{"N": ...}`) has that type; one taken
from an argument (`$ctx.args.id`, `ctx.args["id"]`) has the argument's (Int and Float are N),
and any other is S. When the resolvers do not tell the key plainly (none names it, they name
different ones, two attributes and no Query to order them), `validate` says so and shows what to
declare.
"""

from __future__ import annotations

import ast
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLInputObjectType,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
)

from definition.model import ApiDefinition, CodeSpec, Runtime, Source, TableDeclaration, source_text
from definition.problems import Problem

logger = logging.getLogger(__name__)

_KEYED = ("GetItem", "PutItem", "UpdateItem", "DeleteItem")
_MEMBER = re.compile(r'"([^"$]+)"\s*:')
_TYPED = re.compile(r'\{\s*"([SNB])"\s*:')
_ARGUMENT = re.compile(r"\$(?:ctx|context)\.(?:args|arguments)((?:\.\w+)+)")
_NUMBERS = frozenset({"Int", "Float"})


@dataclass(frozen=True, slots=True)
class KeyUse:
    """One request document's key: its attribute names (partition key first when known) and
    the types it shows; `where` is the definition's key path of the code."""

    names: tuple[str, ...]
    types: dict[str, str]
    where: str
    ordered: bool = False


def inferred_tables(
    definition: ApiDefinition, schema: GraphQLSchema | None
) -> tuple[list[TableDeclaration], list[Problem]]:
    """The undeclared tables of embedded data sources, keyed by their resolvers; a problem for
    each whose key the resolvers do not tell plainly."""
    declared = {table.table_name for table in definition.server.dynamodb.tables}
    deltas = {
        spec.dynamodb.delta_sync_config.delta_sync_table_name
        for spec in definition.data_sources
        if spec.dynamodb is not None and spec.dynamodb.delta_sync_config is not None
    }
    tables: list[TableDeclaration] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, spec in enumerate(definition.data_sources):
        config = spec.dynamodb
        if config is None or config.endpoint is not None:
            continue
        name = config.table_name
        if name in declared or name in deltas or name in seen:
            continue
        seen.add(name)
        uses = list(_uses(definition, schema, name))
        where = f"dataSources[{index}].dynamodbConfig.tableName"
        key, reason = _key(uses)
        if key is None:
            problems.append(definition.problem(where, _advice(name, reason)))
            continue
        tables.append(_declaration(name, key))
        described = ", ".join(f"{attribute} ({kind})" for attribute, kind in key)
        logger.info(
            "table %s is not declared: it is created at start keyed by %s, as %s use it",
            name,
            described,
            ", ".join(sorted({use.where for use in uses})),
        )
    return tables, problems


def _declaration(name: str, key: list[tuple[str, str]]) -> TableDeclaration:
    kinds = ("HASH", "RANGE")
    return TableDeclaration(
        name,
        {
            "TableName": name,
            "KeySchema": [
                {"AttributeName": attribute, "KeyType": kind}
                for (attribute, _), kind in zip(key, kinds, strict=False)
            ],
            "AttributeDefinitions": [
                {"AttributeName": attribute, "AttributeType": kind} for attribute, kind in key
            ],
            "BillingMode": "PAY_PER_REQUEST",
        },
    )


def _advice(name: str, reason: str) -> str:
    return (
        f"table {name} is not declared and its key cannot be read from the resolvers ({reason}); "
        f"declare it under server.dynamodb.tables: {{TableName: {name}, KeySchema: "
        "[{AttributeName: <partition key>, KeyType: HASH}], AttributeDefinitions: "
        "[{AttributeName: <partition key>, AttributeType: S}], BillingMode: PAY_PER_REQUEST}"
    )


def _key(uses: list[KeyUse]) -> tuple[list[tuple[str, str]] | None, str]:
    """The key (name, type) partition first, or None and why not."""
    keyed = [use for use in uses if not use.ordered]
    if not keyed:
        if uses:
            return None, "only a Query names it, which does not tell whether it has a sort key"
        return None, "no resolver's request names its key"
    shapes = {frozenset(use.names) for use in keyed}
    if len(shapes) > 1:
        listed = " and ".join(sorted("{" + ", ".join(sorted(shape)) + "}" for shape in shapes))
        return None, f"the resolvers name different keys: {listed}"
    names = keyed[0].names
    if len(names) > 2:
        return None, f"a key of {len(names)} attributes"
    if len(names) == 2:
        partitions = {use.names[0] for use in uses if use.ordered and use.names[0] in names}
        if len(partitions) != 1:
            return None, "no Query tells its partition key from its sort key"
        first = next(iter(partitions))
        names = (first, *(name for name in names if name != first))
    types: dict[str, set[str]] = {name: set() for name in names}
    for use in uses:
        for name, kind in use.types.items():
            if name in types:
                types[name].add(kind)
    key = []
    for name in names:
        kinds = types[name] or {"S"}
        if len(kinds) > 1:
            return None, f"its attribute {name} is given as {' and '.join(sorted(kinds))}"
        key.append((name, next(iter(kinds))))
    return key, ""


def _uses(definition: ApiDefinition, schema: GraphQLSchema | None, table: str) -> Iterator[KeyUse]:
    """The key uses of every resolver and function whose data source keeps `table`."""
    sources = {
        spec.name
        for spec in definition.data_sources
        if spec.dynamodb is not None
        and spec.dynamodb.table_name == table
        and spec.dynamodb.endpoint is None
    }
    fields: dict[str, tuple[str, str]] = {}
    for resolver in definition.resolvers:
        for step in resolver.functions:
            fields.setdefault(step, (resolver.type_name, resolver.field_name))
        if resolver.data_source_name in sources and resolver.code is not None:
            arguments = _Arguments(schema, resolver.type_name, resolver.field_name)
            yield from _code_uses(resolver.code, resolver.key_path, arguments)
    for function in definition.functions:
        if function.data_source_name in sources:
            arguments = _Arguments(schema, *fields.get(function.name, ("", "")))
            yield from _code_uses(function.code, function.key_path, arguments)


class _Arguments:
    """The GraphQL type of an argument path (`id`, `input.id`) of one field."""

    def __init__(self, schema: GraphQLSchema | None, type_name: str, field_name: str) -> None:
        parent = schema.get_type(type_name) if schema is not None else None
        self._field = (
            parent.fields.get(field_name) if isinstance(parent, GraphQLObjectType) else None
        )

    def kind(self, path: Iterable[str]) -> str:
        """DynamoDB's type for the argument: N for Int and Float, else S."""
        steps = list(path)
        if self._field is None or not steps or steps[0] not in self._field.args:
            return "S"
        current: Any = get_named_type(self._field.args[steps[0]].type)
        for step in steps[1:]:
            if not isinstance(current, GraphQLInputObjectType) or step not in current.fields:
                return "S"
            current = get_named_type(current.fields[step].type)
        return "N" if getattr(current, "name", "") in _NUMBERS else "S"


def _code_uses(code: CodeSpec, key_path: str, arguments: _Arguments) -> Iterator[KeyUse]:
    if code.runtime is Runtime.VTL and code.request_mapping_template is not None:
        where = f"{key_path}.requestMappingTemplate"
        yield from _vtl_uses(_read(code.request_mapping_template), where, arguments)
    elif code.runtime is Runtime.PYTHON and code.code is not None:
        yield from _python_uses(_read(code.code), f"{key_path}.code", arguments)


def _read(source: Source) -> str:
    try:
        return source_text(source)
    except (OSError, UnicodeDecodeError):
        return ""  # reported by the template's own loading


# VTL ------------------------------------------------------------------------------------------


def _vtl_uses(text: str, where: str, arguments: _Arguments) -> Iterator[KeyUse]:
    operations = set(re.findall(r'"operation"\s*:\s*"(\w+)"', text))
    operations |= set(re.findall(r'\.put\(\s*"operation"\s*,\s*"(\w+)"\s*\)', text))
    if operations & set(_KEYED):
        key = _object_after(text, re.search(r'"key"\s*:\s*', text))
        if key is None:
            variable = re.search(r'"key"\s*:\s*(?:\$util\.toJson\()?\$\{?(\w+)', text)
            if variable is not None:
                pattern = rf"#set\(\s*\${variable.group(1)}\s*=\s*"
                key = _object_after(text, re.search(pattern, text))
        if key is not None:
            members = _members(key)
            if members:
                types = {name: _vtl_type(value, arguments) for name, value in members.items()}
                yield KeyUse(tuple(members), types, where)
    if "Query" in operations and not re.search(r'"index"\s*:', text):
        query = _object_after(text, re.search(r'"query"\s*:\s*', text))
        if query is not None:
            expression = re.search(r'"expression"\s*:\s*"([^"$]*)"', query)
            names = _object_after(query, re.search(r'"expressionNames"\s*:\s*', query))
            aliases = {k: v.strip().strip('"') for k, v in _members(names or "{}").items()}
            if expression is not None:
                use = _key_condition(expression.group(1), aliases, where)
                if use is not None:
                    yield use


def _object_after(text: str, found: re.Match[str] | None) -> str | None:
    """The balanced `{...}` starting where `found` ends (None when none starts there)."""
    if found is None or found.end() >= len(text) or text[found.end()] != "{":
        return None
    depth, quoted = 0, False
    for position in range(found.end(), len(text)):
        char = text[position]
        if char == '"' and text[position - 1] != "\\":
            quoted = not quoted
        elif not quoted and char in "{[":
            depth += 1
        elif not quoted and char in "}]":
            depth -= 1
            if depth == 0:
                return text[found.end() : position + 1]
    return None


def _members(block: str) -> dict[str, str]:
    """The top-level member names of a `{...}` block, each with the text of its value."""
    names: list[tuple[str, int, int]] = []  # the name, where it starts, where its value starts
    depth = 0
    index = 0
    while index < len(block):
        char = block[index]
        if char == '"':
            member = _MEMBER.match(block, index)
            if depth == 1 and member is not None:
                names.append((member.group(1), index, member.end()))
                index = member.end()
                continue
            closing = block.find('"', index + 1)
            index = len(block) if closing < 0 else closing + 1
            continue
        if char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
        index += 1
    members = {}
    for position, (name, _, begins) in enumerate(names):
        ends = names[position + 1][1] if position + 1 < len(names) else len(block) - 1
        members[name] = block[begins:ends].strip().rstrip(",")
    return members


def _vtl_type(value: str, arguments: _Arguments) -> str:
    typed = _TYPED.match(value.strip())
    if typed is not None:
        return typed.group(1)
    argument = _ARGUMENT.search(value)
    if argument is not None:
        return arguments.kind(argument.group(1).strip(".").split("."))
    return "S"


def _key_condition(expression: str, aliases: dict[str, str], where: str) -> KeyUse | None:
    """A Query's key condition: `pk = :v` and optionally a condition on the sort key."""
    clauses = re.split(r"\s+AND\s+", expression.strip(), flags=re.IGNORECASE)
    if not 1 <= len(clauses) <= 2:
        return None
    equal = re.fullmatch(r"\s*([#\w]+)\s*=\s*:\w+\s*", clauses[0])
    if equal is None:
        return None
    names = [aliases.get(equal.group(1), equal.group(1))]
    if len(clauses) == 2:
        sort = re.search(r"([#][\w]+|[A-Za-z_]\w*)", clauses[1].replace("begins_with", ""))
        if sort is None:
            return None
        names.append(aliases.get(sort.group(1), sort.group(1)))
    return KeyUse(tuple(names), {}, where, ordered=True)


# PYTHON ---------------------------------------------------------------------------------------


def _python_uses(text: str, where: str, arguments: _Arguments) -> Iterator[KeyUse]:
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return  # reported by the code's own loading
    for node in ast.walk(tree):
        if not isinstance(node, ast.Dict):
            continue
        members = {
            key.value: value
            for key, value in zip(node.keys, node.values, strict=True)
            if isinstance(key, ast.Constant) and isinstance(key.value, str)
        }
        key = members.get("key")
        if isinstance(key, ast.Dict) and "index" not in members:
            fields = _python_members(key)
            if fields:
                types = {name: _python_type(value, arguments) for name, value in fields.items()}
                yield KeyUse(tuple(fields), types, where)
        query = members.get("query")
        if isinstance(query, ast.Dict) and "index" not in members:
            use = _python_query(query, where)
            if use is not None:
                yield use


def _python_members(node: ast.Dict) -> dict[str, ast.expr]:
    return {
        key.value: value
        for key, value in zip(node.keys, node.values, strict=True)
        if isinstance(key, ast.Constant) and isinstance(key.value, str)
    }


def _python_type(value: ast.expr, arguments: _Arguments) -> str:
    if isinstance(value, ast.Dict):
        typed = [key for key in _python_members(value) if key in ("S", "N", "B")]
        if len(typed) == 1:
            return typed[0]
    path = _argument_path(value)
    if path:
        return arguments.kind(path)
    if isinstance(value, ast.Constant) and isinstance(value.value, int | float):
        return "N"
    return "S"


def _argument_path(value: ast.expr) -> list[str]:
    """`ctx.args["input"]["id"]` (or `.get("id")`, `ctx.arguments`) as ["input", "id"]."""
    path: list[str] = []
    node = value
    while True:
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            path.insert(0, str(node.slice.value))
            node = node.value
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            path.insert(0, str(node.args[0].value))
            node = node.func.value
        else:
            break
    if isinstance(node, ast.Attribute) and node.attr in ("args", "arguments"):
        return path
    return []


def _python_query(query: ast.Dict, where: str) -> KeyUse | None:
    members = _python_members(query)
    expression = members.get("expression")
    if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
        names = members.get("expressionNames")
        aliases = {}
        if isinstance(names, ast.Dict):
            aliases = {
                alias: value.value
                for alias, value in _python_members(names).items()
                if isinstance(value, ast.Constant) and isinstance(value.value, str)
            }
        return _key_condition(expression.value, aliases, where)
    # `dynamodb_requests.query({"query": {"pk": {"eq": ...}, "sk": {"beginsWith": ...}}})`.
    equal = [
        name
        for name, condition in members.items()
        if isinstance(condition, ast.Dict) and "eq" in _python_members(condition)
    ]
    if len(equal) != 1 or len(members) > 2:
        return None
    others = [name for name in members if name != equal[0]]
    return KeyUse((equal[0], *others), {}, where, ordered=True)
