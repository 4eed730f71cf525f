"""The plain executor against graphql-core's: random operations, random resolver outcomes, the
same answer (data, and errors with their messages, paths and locations, in order)."""

from __future__ import annotations

import asyncio
import copy
import gc
import json
import random
import warnings
from typing import Any

import pytest
from graphql import (
    ExecutionResult,
    FragmentDefinitionNode,
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    OperationDefinitionNode,
    build_schema,
    parse,
    validate,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schema.executable import AppSyncExecutor
from schema.plain_executor import Fragments, LiteralArguments, execute_plain, is_plain
from schema.resolution import complete_leaf

SDL = """
enum Color { RED GREEN }
interface Node { id: ID! }
type Item implements Node {
  id: ID!
  name: String
  count: Int
  price: Float
  ok: Boolean
  color: Color
  tags: [String]
  strictTags: [String!]!
  child: Item
  strictChild: Item!
  children: [Item]
  strictChildren: [Item!]
}
type Query {
  item(id: ID, size: Int = 2): Item
  strictItem: Item!
  items(first: Int): [Item!]
  value(text: String): String
  strictValue: String!
  numbers: [Int]
  node: Node
}
type Mutation { setItem(id: ID!, color: Color): Item strictSet: String! other: String }
"""
SCHEMA = build_schema(SDL)
FIELD_NAMES: dict[str, list[str]] = {
    name: list(type_.fields)
    for name, type_ in SCHEMA.type_map.items()
    if isinstance(type_, GraphQLObjectType) and not name.startswith("__")
}


def _operation(document_text: str) -> tuple[OperationDefinitionNode, Fragments]:
    document = parse(document_text)
    assert validate(SCHEMA, document) == []
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return operation, fragments


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("{ item { id name child { id tags } } value(text: $t) }".replace("$t", '"x"'), True),
        ("query Q($id: ID) { item(id: $id) { id } }", True),
        ('{ a: value b: value(text: "y") __typename }', True),
        ("mutation { setItem(id: 1) { id color } other }", True),
        ("{ item { ...F } } fragment F on Item { id ...G } fragment G on Node { id }", True),
        ("{ item { ... on Item { id } ... { name } } }", True),
        ("{ value value }", True),
        ("{ item { id } item { name } }", True),
        ("{ value @include(if: true) }", False),
        ("query @skip(if: false) { value }", False),
        ("{ item { ... @include(if: true) { id } } }", False),
        ("{ item { ...F @skip(if: false) } } fragment F on Item { id }", False),
        ("{ item { ...F } } fragment F on Item @include(if: true) { id }", False),
        ("{ node { id } }", False),
        (
            "{ item { ...F } } fragment F on Item { child { ... on Node { id } } node: id }",
            True,
        ),
        ("{ __schema { queryType { name } } }", False),
        ("subscription { value }", False),
    ],
)
def test_which_operations_are_plain(text: str, plain: bool) -> None:
    document = parse(text)
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    assert is_plain(SCHEMA, operation, fragments) is plain


# Random operations: a selection per object type, with aliases, arguments and nesting.


@st.composite
def _selection(draw: st.DrawFn, type_name: str, depth: int, fragments: list[str]) -> str:
    names = FIELD_NAMES[type_name]
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True))
    parts = []
    for index, name in enumerate(chosen):
        field = SCHEMA.type_map[type_name].fields[name]  # type: ignore[attr-defined]
        named: Any = field.type
        while isinstance(named, GraphQLNonNull | GraphQLList):
            named = named.of_type
        alias = f"a{index}: " if draw(st.booleans()) else ""
        arguments = ""
        required = isinstance(field.args.get("id", None) and field.args["id"].type, GraphQLNonNull)
        if "id" in field.args and (required or draw(st.booleans())):
            arguments = f'(id: "{draw(st.integers(0, 9))}")'
        elif "first" in field.args:
            arguments = f"(first: {draw(st.integers(0, 3))})"
        if isinstance(named, GraphQLObjectType):
            if depth >= 3:
                parts.append(f"{alias}{name}{arguments} {{ id }}")
            else:
                inner = draw(_selection(named.name, depth + 1, fragments))
                parts.append(f"{alias}{name}{arguments} {{ {inner} }}")
        elif named.name == "Node":
            continue  # an interface: not plain
        else:
            parts.append(f"{alias}{name}{arguments}")
    if draw(st.booleans()) or not parts:
        parts.append("__typename")
    if draw(st.integers(0, 3)) == 0:
        # The same field again (merged with the first, sub-selections and all).
        parts.append(draw(st.sampled_from(parts)))
    shaped = []
    for part in parts:
        shape = draw(st.integers(0, 5))
        if shape == 0:
            shaped.append(f"... on {type_name} {{ {part} }}")
        elif shape == 1:
            shaped.append(f"... {{ {part} }}")
        elif shape == 2 and type_name == "Item" and part.split(":")[-1].strip() == "id":
            shaped.append(f"... on Node {{ {part} }}")
        elif shape == 3:
            name = f"F{len(fragments)}"
            fragments.append(f"fragment {name} on {type_name} {{ {part} }}")
            shaped.append(f"...{name}" + (f" ...{name}" if draw(st.booleans()) else ""))
        else:
            shaped.append(part)
    return " ".join(shaped)


@st.composite
def _document(draw: st.DrawFn) -> str:
    fragments: list[str] = []
    if draw(st.integers(0, 4)) == 0:
        operation = f"mutation {{ {draw(_selection('Mutation', 1, fragments))} }}"
    else:
        operation = f"{{ {draw(_selection('Query', 1, fragments))} }}"
    return " ".join([operation, *fragments])


class _Outcomes:
    """A resolver whose outcome for each path follows from a seed: a value of the field's
    type, null, an error, a value of the wrong type, or the same through a coroutine."""

    def __init__(self, seed: int) -> None:
        self._seed = seed

    def resolve(self, source: Any, info: GraphQLResolveInfo[Any], **args: Any) -> Any:
        draw = random.Random(f"{self._seed}:{info.path.as_list()}:{sorted(args.items())}")
        value = self._value(draw, info.return_type, info)
        mode = draw.random()
        if mode < 0.2:
            return self._later(value, suspend=False)
        if mode < 0.3:
            return self._later(value, suspend=True)
        if isinstance(value, Exception) and draw.random() < 0.5:
            raise value
        return value

    async def _later(self, value: Any, *, suspend: bool) -> Any:
        if suspend:
            await asyncio.sleep(0)
        if isinstance(value, Exception):
            raise value
        return value

    def _value(self, draw: random.Random, type_: Any, info: GraphQLResolveInfo[Any]) -> Any:
        roll = draw.random()
        if roll < 0.08:
            return None
        if roll < 0.14:
            return ValueError(f"failed at {info.path.as_list()}")
        if isinstance(type_, GraphQLNonNull):
            return self._value(draw, type_.of_type, info)
        if isinstance(type_, GraphQLList):
            if roll < 0.18:
                return "not a list"
            return [self._item(draw, type_.of_type) for _ in range(draw.randint(0, 3))]
        return self._item(draw, type_)

    def _item(self, draw: random.Random, type_: Any) -> Any:
        roll = draw.random()
        if roll < 0.08:
            return None
        if roll < 0.12:
            return ValueError("item failed")
        named = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        if isinstance(named, GraphQLObjectType):
            return {}
        if isinstance(named, GraphQLEnumType):
            return draw.choice(["RED", "GREEN", "BLUE"])
        if isinstance(named, GraphQLScalarType):
            if roll < 0.2:
                return {"wrong": "type"}
            return {
                "ID": draw.randint(0, 99),
                "String": f"s{draw.randint(0, 9)}",
                "Int": draw.choice([1, 2.0, 2.5, "3", True]),
                "Float": draw.choice([1.5, 2, "x"]),
                "Boolean": draw.choice([True, False, 0, "yes"]),
            }[named.name]
        return None


def _answer(result: ExecutionResult) -> tuple[Any, list[tuple[str, Any, Any]]]:
    errors = [
        (error.message, error.path, [(loc.line, loc.column) for loc in error.locations or ()])
        for error in result.errors or ()
    ]
    return result.data, errors


async def _graphql_core(text: str, resolver: Any) -> ExecutionResult:
    executor = AppSyncExecutor.build(SCHEMA, parse(text), None, None, None, None, resolver)
    assert not isinstance(executor, list)
    result = executor.execute_operation()
    if not isinstance(result, ExecutionResult):
        result = await result  # type: ignore[misc]
    assert isinstance(result, ExecutionResult)
    return result


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_document(), seed=st.integers(0, 2**32))
def test_plain_execution_answers_as_graphql_core(text: str, seed: int) -> None:
    operation, fragments = _operation(text)
    assert is_plain(SCHEMA, operation, fragments)

    async def both() -> tuple[Any, list[Any]]:
        expected = await _graphql_core(text, _Outcomes(seed).resolve)
        # Twice, the second time with the literal arguments the first coerced and kept.
        memo: LiteralArguments = {}
        answers = []
        for _ in range(2):
            plain = await execute_plain(
                SCHEMA,
                operation,
                dict(fragments),
                None,
                None,
                None,
                _Outcomes(seed).resolve,
                complete_leaf,
                literal_arguments=memo,
            )
            assert plain is not None
            # Both executors settle sibling work in the background when an error propagates
            # past it: let that finish before the loop closes.
            while pending := asyncio.all_tasks() - {asyncio.current_task()}:
                await asyncio.wait(pending)
            answers.append(_answer(plain))
        return _answer(expected), answers

    with warnings.catch_warnings():
        # When an error propagates past siblings still pending, both executors cancel them
        # (graphql-core's gather_with_cancel); the resolver's coroutine inside a sibling
        # cancelled before its first step is then reported as never awaited, by graphql-core's
        # executor as by ours.
        warnings.filterwarnings("ignore", "coroutine .* was never awaited", RuntimeWarning)
        expected, plain = asyncio.run(both())
        gc.collect(1)
    assert plain == [expected, expected]


def test_variables_are_coerced_and_refused_as_graphql_core_does() -> None:
    text = "query Q($id: ID, $size: Int) { item(id: $id, size: $size) { id } }"
    operation, fragments = _operation(text)
    seen: list[dict[str, Any]] = []

    def resolve(source: Any, info: GraphQLResolveInfo[Any], **args: Any) -> Any:
        if info.field_name != "item":
            return source.get(info.field_name)
        seen.append(args)
        return {"id": 1}

    async def run(variables: dict[str, Any]) -> ExecutionResult | None:
        return await execute_plain(
            SCHEMA,
            operation,
            dict(fragments),
            None,
            None,
            variables,
            resolve,
            complete_leaf,
        )

    result = asyncio.run(run({"id": 7}))
    assert result is not None
    assert result.data == {"item": {"id": "1"}}
    # A variable given is coerced (an ID from an int); one left out keeps the schema default.
    assert seen == [{"id": "7", "size": 2}]
    # Variables graphql-core refuses are left to it (and the server's wording).
    assert asyncio.run(run({"size": "many"})) is None


def test_literal_arguments_are_coerced_once_per_document_and_never_shared() -> None:
    """Arguments written as scalar literals are the same for every request: kept with the
    document. A resolver changing its arguments changes no other request's; variables, and
    literals that coerce to a mutable value (AWSJSON's object), are coerced per request."""
    schema = build_schema(
        "scalar AWSJSON type Query { item(id: ID, size: Int = 2): String data(v: AWSJSON): String }"
    )
    json_scalar: Any = schema.type_map["AWSJSON"]
    json_scalar.parse_literal = lambda node, _variables=None: json.loads(node.value)
    seen: list[dict[str, Any]] = []

    def resolve(source: Any, info: GraphQLResolveInfo[Any], **args: Any) -> Any:
        seen.append(copy.deepcopy(args))
        args["id"] = "changed"
        if "v" in args:
            args["v"]["a"] = "changed"
        return "x"

    memo: LiteralArguments = {}
    # The memo is keyed by node identities: as a prepared document holds its AST with its memo
    # (schema/documents.py), the documents stay alive while the memo does, or a new node could
    # take a freed one's identity and find its arguments.
    documents = []

    def run_twice(text: str, *variables: dict[str, Any]) -> None:
        document = parse(text)
        documents.append(document)
        operation = document.definitions[0]
        assert isinstance(operation, OperationDefinitionNode)
        for values in variables or (None, None):
            result = asyncio.run(
                execute_plain(
                    schema,
                    operation,
                    {},
                    None,
                    None,
                    values,
                    resolve,
                    complete_leaf,
                    literal_arguments=memo,
                )
            )
            assert result is not None
            assert result.errors is None

    run_twice("{ item(id: 7) }")
    assert seen == [{"id": "7", "size": 2}] * 2
    assert len(memo) == 1
    run_twice("query Q($id: ID) { item(id: $id) }", {"id": 1}, {"id": 2})
    assert seen[2:] == [{"id": "1", "size": 2}, {"id": "2", "size": 2}]
    run_twice('{ data(v: "{\\"a\\": 1}") }')
    assert seen[4:] == [{"v": {"a": 1}}] * 2
    assert len(memo) == 1
